// `agritrace evidence [--validator NAME|KEY] [--limit N]`: equivocation evidence committed on
// chain, each with the two signed messages that prove it (checkable against genesis with
// chain::VerifyEvidence).
#include <memory>

#include "chain/base/bytes.h"
#include "wallet-cli/commands.h"

namespace agritrace::wallet {
namespace {

using nlohmann::json;

json VoteJson(const v1::Vote& vote) {
  return {{"height", vote.height()},
          {"round", vote.round()},
          {"type", vote.type() == v1::VOTE_TYPE_PREVOTE ? "prevote" : "precommit"},
          {"block_hash", vote.block_hash().empty() ? "nil" : chain::ToHex(vote.block_hash())},
          {"validator", chain::ToHex(vote.validator())},
          {"signature", chain::ToHex(vote.signature())}};
}

json ProposalJson(const v1::SignedProposal& proposal) {
  return {{"height", proposal.height()},
          {"round", proposal.round()},
          {"pol_round", proposal.pol_round()},
          {"block_hash", chain::ToHex(proposal.block_hash())},
          {"proposer", chain::ToHex(proposal.proposer())},
          {"signature", chain::ToHex(proposal.signature())}};
}

json EvidenceJson(const v1::CommittedEvidence& item) {
  json j = {{"kind", item.kind()},
            {"validator", chain::ToHex(item.validator())},
            {"validator_name", item.validator_name()},
            {"height", item.height()},
            {"round", item.round()},
            {"committed_height", item.committed_height()}};
  const v1::Evidence& evidence = item.evidence();
  if (evidence.has_double_vote()) {
    j["first"] = VoteJson(evidence.double_vote().first());
    j["second"] = VoteJson(evidence.double_vote().second());
  } else if (evidence.has_double_proposal()) {
    j["first"] = ProposalJson(evidence.double_proposal().first());
    j["second"] = ProposalJson(evidence.double_proposal().second());
  }
  return j;
}

std::string EvidenceLine(const v1::CommittedEvidence& item) {
  const std::string who = item.validator_name().empty()
                              ? chain::ToHex(item.validator())
                              : item.validator_name() + " (" +
                                    chain::ToHex(item.validator()).substr(0, 16) + ")";
  return item.kind() + " by " + who + " at height " + std::to_string(item.height()) +
         " round " + std::to_string(item.round()) + ", committed in block " +
         std::to_string(item.committed_height());
}

chain::Status RunEvidence(Context& ctx, const std::string& validator, uint32_t limit) {
  v1::ListEvidenceRequest request;
  request.set_validator(validator);
  request.set_limit(limit);
  auto response = ctx.node().ListEvidence(request);
  if (!response.ok()) return response.status();
  PrintEvidence(ctx, *response);
  return chain::Status::Ok();
}

}  // namespace

void PrintEvidence(Context& ctx, const v1::ListEvidenceResponse& response) {
  if (ctx.out().json()) {
    json list = json::array();
    for (const auto& item : response.evidence()) list.push_back(EvidenceJson(item));
    return ctx.out().Json(list);
  }
  if (response.evidence().empty()) return ctx.out().Line("no evidence committed");
  for (const auto& item : response.evidence()) ctx.out().Line(EvidenceLine(item));
  if (response.truncated()) {
    ctx.out().Line("(more evidence than shown: narrow with --validator or raise --limit)");
  }
}

void AddEvidenceCommands(CLI::App& app, Context& ctx, Action& action) {
  auto validator = std::make_shared<std::string>();
  auto limit = std::make_shared<uint32_t>(0);
  CLI::App* evidence = app.add_subcommand(
      "evidence", "List equivocation evidence committed on chain: validators that signed two "
                  "different votes or proposals for one height and round");
  evidence->add_option("--validator", *validator,
                       "Only this validator's offences: its name in genesis or 64-hex key");
  evidence->add_option("--limit", *limit, "At most this many (0: the node's cap, 1000)");
  SetAction(evidence, action,
            [&ctx, validator, limit] { return RunEvidence(ctx, *validator, *limit); });
}

}  // namespace agritrace::wallet

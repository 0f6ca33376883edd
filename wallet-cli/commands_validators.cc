// Validator-set governance (docs/governance.md):
//   agritrace validator propose add NAME --pubkey HEX --address HOST:PORT [--organization ORG]
//   agritrace validator propose remove NAME [--evidence ID]
//   agritrace validator propose rotate NAME --pubkey HEX [--address HOST:PORT]
//   agritrace validator withdraw PROPOSAL
// each signed with the admin's --key and waiting for commit like any record (the printed
// record id is the proposal id), and
//   agritrace validators [--json]
// the set in force at the tip, a decided change not yet in force, the open proposal and the
// history. Approvals are signed by validators' node keys: `agritrace-node approve`.
#include <memory>
#include <string>

#include "chain/base/bytes.h"
#include "chain/export/governance_json.h"
#include "chain/model/block.h"
#include "wallet-cli/commands.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

struct ProposeArgs {
  std::string name;
  std::string pubkey;  // 64 hex
  std::string address;
  std::string organization;
  std::string evidence;  // 64 hex
  std::string reason;
};

chain::Result<std::string> HexBytes(const std::string& hex, const char* what) {
  std::optional<std::string> bytes = chain::FromHex(hex);
  if (!bytes || bytes->size() != 32) {
    return Reject(Reason::kMalformed, std::string(what) + " must be 64 hex characters");
  }
  return *bytes;
}

chain::Result<v1::RecordBody> BuildPropose(v1::ValidatorChangeKind kind, const ProposeArgs& args) {
  v1::RecordBody body;
  v1::ProposeValidatorChange* p = body.mutable_propose_validator_change();
  p->set_kind(kind);
  p->set_name(args.name);
  if (!args.pubkey.empty()) {
    auto key = HexBytes(args.pubkey, "--pubkey");
    if (!key.ok()) return key.status();
    p->set_pubkey(*key);
  }
  p->set_address(args.address);
  p->set_organization(args.organization);
  if (!args.evidence.empty()) {
    auto id = HexBytes(args.evidence, "--evidence");
    if (!id.ok()) return id.status();
    p->set_evidence_id(*id);
  }
  p->set_reason(args.reason);
  return body;
}

// The epoch in force at `height`.
int EpochIndexAt(const v1::ValidatorGovernance& governance, uint64_t height) {
  int index = 0;
  for (int i = 1; i < governance.epochs_size(); ++i) {
    if (governance.epochs(i).from_height() <= height) index = i;
  }
  return index;
}

const v1::ValidatorEvidenceSummary* EvidenceOf(const v1::GetValidatorGovernanceResponse& r,
                                               const std::string& pubkey) {
  for (const v1::ValidatorEvidenceSummary& s : r.evidence()) {
    if (s.validator() == pubkey) return &s;
  }
  return nullptr;
}

json SetJson(const v1::GetValidatorGovernanceResponse& r, const v1::ValidatorEpoch& epoch) {
  json out = json::array();
  for (const v1::ValidatorInfo& v : epoch.validators()) {
    json j = chain::ValidatorInfoToJson(v);
    json ids = json::array();
    if (const v1::ValidatorEvidenceSummary* s = EvidenceOf(r, v.pubkey())) {
      for (const std::string& id : s->evidence_ids()) ids.push_back(chain::ToHex(id));
    }
    j["evidence_count"] = ids.size();
    j["evidence"] = ids;
    out.push_back(j);
  }
  return out;
}

size_t ApprovalsNeeded(const v1::ValidatorGovernance& g, const v1::ValidatorEpoch& current) {
  if (!g.has_pending()) return 0;
  chain::ValidatorSet set;
  set.validators.resize(static_cast<size_t>(current.validators_size()));
  size_t have = 0;
  for (const v1::ValidatorApprovalEntry& a : g.pending().approvals()) {
    for (const v1::ValidatorInfo& v : current.validators()) have += v.pubkey() == a.validator();
  }
  const size_t quorum = set.Quorum();
  return have >= quorum ? 0 : quorum - have;
}

std::string ChangeText(const v1::ProposeValidatorChange& c) {
  std::string text = std::string(chain::ValidatorChangeKindName(c.kind())) + " " + c.name();
  if (!c.pubkey().empty()) text += " key " + chain::ToHex(c.pubkey()).substr(0, 16) + "...";
  if (!c.address().empty()) text += " at " + c.address();
  if (!c.evidence_id().empty()) text += " (evidence " + chain::ToHex(c.evidence_id()) + ")";
  if (!c.reason().empty()) text += ": " + c.reason();
  return text;
}

std::string ApprovalNames(const v1::ValidatorProposalState& p) {
  std::string names;
  for (const v1::ValidatorApprovalEntry& a : p.approvals()) {
    names += (names.empty() ? "" : ", ") + a.name();
  }
  return names.empty() ? "none" : names;
}

void PrintValidators(Context& ctx, const v1::GetValidatorGovernanceResponse& r) {
  const v1::ValidatorGovernance& g = r.governance();
  if (g.epochs_size() == 0) return ctx.out().Line("the node reported no validator set");
  const uint64_t tip = r.height();
  const v1::ValidatorEpoch& current = g.epochs(EpochIndexAt(g, tip));
  const v1::ValidatorEpoch& next = g.epochs(EpochIndexAt(g, tip + 1));
  const v1::ValidatorEpoch& last = g.epochs(g.epochs_size() - 1);
  if (ctx.out().json()) {
    json j = chain::ValidatorGovernanceToJson(g);
    j["height"] = tip;
    j["in_force"] = {{"from_height", current.from_height()}, {"validators", SetJson(r, current)}};
    j["upcoming"] = last.from_height() > tip
                        ? json{{"from_height", last.from_height()},
                               {"decided_height", last.decided_height()},
                               {"proposal_id", chain::ToHex(last.proposal_id())},
                               {"validators", SetJson(r, last)}}
                        : json(nullptr);
    if (g.has_pending()) j["pending"]["approvals_needed"] = ApprovalsNeeded(g, next);
    return ctx.out().Json(j);
  }
  ctx.out().Line("validators in force at height " + std::to_string(tip) + " (since height " +
                 std::to_string(current.from_height()) + "):");
  for (const v1::ValidatorInfo& v : current.validators()) {
    const v1::ValidatorEvidenceSummary* s = EvidenceOf(r, v.pubkey());
    std::string line = "  " + v.name() + "  " + chain::ToHex(v.pubkey()) + "  " + v.address();
    if (!v.organization().empty()) line += "  (" + v.organization() + ")";
    const int count = s ? s->evidence_ids_size() : 0;
    line += "  evidence: " + std::to_string(count);
    if (s) {
      for (const std::string& id : s->evidence_ids()) line += " " + chain::ToHex(id);
    }
    ctx.out().Line(line);
  }
  if (last.from_height() > tip) {
    std::string names;
    for (const v1::ValidatorInfo& v : last.validators()) {
      names += (names.empty() ? "" : ", ") + v.name();
    }
    ctx.out().Line("decided at height " + std::to_string(last.decided_height()) +
                   ", in force from height " + std::to_string(last.from_height()) + ": " + names);
  }
  if (g.has_pending()) {
    const v1::ValidatorProposalState& p = g.pending();
    ctx.out().Line("open proposal " + chain::ToHex(p.proposal_id()) + " (height " +
                   std::to_string(p.proposed_height()) + "): " + ChangeText(p.change()));
    ctx.out().Line("  approvals: " + ApprovalNames(p) + "; still needed: " +
                   std::to_string(ApprovalsNeeded(g, next)));
  } else {
    ctx.out().Line("no open proposal");
  }
  for (const v1::ValidatorProposalState& p : g.history()) {
    std::string line = "  " + chain::ToHex(p.proposal_id()).substr(0, 16) + "... " +
                       ChangeText(p.change());
    if (p.decided_height() != 0) {
      line += " -- decided at height " + std::to_string(p.decided_height()) +
              ", in force from " + std::to_string(p.effective_height()) + ", approved by " +
              ApprovalNames(p);
    } else {
      line += " -- withdrawn at height " + std::to_string(p.withdrawn_height());
    }
    if (&p == &g.history(0)) ctx.out().Line("history:");
    ctx.out().Line(line);
  }
}

void AddPropose(CLI::App* propose, Context& ctx, Action& action, const char* name,
                v1::ValidatorChangeKind kind, const char* help) {
  auto args = std::make_shared<ProposeArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = propose->add_subcommand(name, help);
  sub->add_option("NAME", args->name, "The validator's name")->required();
  if (kind != v1::VALIDATOR_CHANGE_REMOVE) {
    sub->add_option("--pubkey", args->pubkey, "Its node key, 64 hex (agritrace-node init prints it)")
        ->required();
    CLI::Option* address =
        sub->add_option("--address", args->address, "Its peer address, host:port");
    if (kind == v1::VALIDATOR_CHANGE_ADD) address->required();
  }
  if (kind == v1::VALIDATOR_CHANGE_ADD) {
    sub->add_option("--organization", args->organization, "The organisation that runs it");
  }
  if (kind == v1::VALIDATOR_CHANGE_REMOVE) {
    sub->add_option("--evidence", args->evidence,
                    "Committed evidence against it (64 hex id, `agritrace validators`)");
  }
  sub->add_option("--reason", args->reason, "Why, shown in `agritrace validators`");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags, kind] {
    auto body = BuildPropose(kind, *args);
    if (!body.ok()) return body.status();
    return SignAndSend(ctx, *flags, *std::move(body));
  });
}

}  // namespace

void AddValidatorCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* validator = app.add_subcommand(
      "validator", "Propose or withdraw a change of the validator set (admin)");
  validator->require_subcommand(1);
  CLI::App* propose = validator->add_subcommand(
      "propose", "Propose one change; validators approve it with `agritrace-node approve`");
  propose->require_subcommand(1);
  AddPropose(propose, ctx, action, "add", v1::VALIDATOR_CHANGE_ADD, "Add a validator");
  AddPropose(propose, ctx, action, "remove", v1::VALIDATOR_CHANGE_REMOVE, "Remove a validator");
  AddPropose(propose, ctx, action, "rotate", v1::VALIDATOR_CHANGE_ROTATE,
             "Give a validator a new node key");
  auto proposal = std::make_shared<std::string>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* withdraw =
      validator->add_subcommand("withdraw", "Withdraw the open proposal undecided");
  withdraw->add_option("PROPOSAL", *proposal, "The proposal id (64 hex)")->required();
  AddSignFlags(withdraw, *flags);
  SetAction(withdraw, action, [&ctx, proposal, flags] {
    auto id = HexBytes(*proposal, "PROPOSAL");
    if (!id.ok()) return id.status();
    v1::RecordBody body;
    body.mutable_withdraw_validator_proposal()->set_proposal_id(*id);
    return SignAndSend(ctx, *flags, std::move(body));
  });

  CLI::App* list = app.add_subcommand(
      "validators", "The validator set in force, a decided change, the open proposal, history");
  SetAction(list, action, [&ctx] {
    auto response = ctx.node().GetValidatorGovernance();
    if (!response.ok()) return response.status();
    PrintValidators(ctx, *response);
    return chain::Status::Ok();
  });
}

}  // namespace agritrace::wallet

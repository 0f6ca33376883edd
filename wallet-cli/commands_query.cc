// Queries: lot, history, status, block, participant.
#include <memory>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"
#include "chain/model/gs1.h"
#include "chain/base/hash.h"
#include "chain/model/record.h"
#include "chain/export/record_json.h"
#include "wallet-cli/commands.h"
#include "wallet-cli/commands_events.h"
#include "wallet-cli/wallet.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

// "hex (name)" or "hex"; "-" when empty.
std::string KeyWithName(Context& ctx, const std::string& pubkey_bytes) {
  if (pubkey_bytes.empty()) return "-";
  const std::string name = ctx.NameOf(pubkey_bytes);
  return chain::ToHex(pubkey_bytes) + (name.empty() ? "" : " (" + name + ")");
}

std::string OrDash(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  return value.dump();
}

std::string JoinStrings(const json& list, const std::string& separator) {
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) out += separator;
    out += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return out.empty() ? "-" : out;
}

void AddNameIfKnown(Context& ctx, json& j, const char* key, const std::string& pubkey_bytes) {
  const std::string name = ctx.NameOf(pubkey_bytes);
  if (!name.empty()) j[key] = name;
}

void PrintLot(Context& ctx, const v1::LotState& lot) {
  json j = chain::LotStateToJson(lot);
  AddNameIfKnown(ctx, j, "owner_name", lot.owner());
  AddNameIfKnown(ctx, j, "custodian_name", lot.custodian());
  AddLotEventStatus(ctx, chain::FormatLotKey(lot.lot()), j);  // recalled (with ancestors)
  if (ctx.out().json()) return ctx.out().Json(j);
  Fields fields = {{"lot", j["lot"]},
                   {"gtin", j["gtin"]},
                   {"lot code", j["lot_code"]},
                   {"commodity", OrDash(j["commodity"])},
                   {"variety", OrDash(j["variety"])},
                   {"quantity", OrDash(j["quantity"])},
                   {"quantity left", OrDash(j["quantity_left"])},
                   {"net mass per unit", OrDash(j["net_mass_per_unit"])},
                   {"owner", KeyWithName(ctx, lot.owner())},
                   {"custodian", KeyWithName(ctx, lot.custodian())},
                   {"status", j["status"]}};
  if (!lot.pending_receiver().empty()) {
    fields.emplace_back("pending receiver", KeyWithName(ctx, lot.pending_receiver()));
  }
  if (!lot.pending_carrier().empty()) {
    fields.emplace_back("pending carrier", KeyWithName(ctx, lot.pending_carrier()));
  }
  fields.emplace_back("created by record", OrDash(j["created_by_record"]));
  fields.emplace_back("created in block", std::to_string(lot.created_height()));
  fields.emplace_back("parents", JoinStrings(j["parents"], ", "));
  fields.emplace_back("recalled", j["recalled"].get<bool>()
                                      ? "YES (" + JoinStrings(j["recalled_lots"], ", ") + ")"
                                      : "no");
  fields.emplace_back("sensor breaches", std::to_string(lot.breach_count()));
  if (lot.sold()) fields.emplace_back("sold", "yes");
  ctx.out().Print(fields);
}

chain::Status RunLot(Context& ctx, const std::string& text) {
  auto key = chain::ParseLotKey(text);
  if (!key.ok()) return key.status();
  auto response = ctx.node().GetLot(chain::FormatLotKey(*key));
  if (!response.ok()) return response.status();
  if (!response->has_lot()) {
    return Reject(Reason::kUnknownLot, "the node has no lot " + chain::FormatLotKey(*key));
  }
  PrintLot(ctx, response->lot());
  return chain::Status::Ok();
}

json HistoryEntryJson(Context& ctx, const v1::HistoryEntry& entry) {
  json j = {{"height", entry.height()},
            {"index", entry.index()},
            {"record_id", chain::ToHex(entry.record_id())},
            {"signer", chain::ToHex(entry.envelope().signer())}};
  const std::string name = ctx.NameOf(entry.envelope().signer());
  if (!name.empty()) j["signer_name"] = name;
  auto record = chain::DecodeRecord(entry.envelope());
  if (!record.ok()) {
    j["type"] = "undecodable";
    j["error"] = record.status().ToString();
    return j;
  }
  j["type"] = std::string(chain::EventName(record->body));
  j["time"] = chain::FormatIsoTime(record->body.timestamp_ms());
  j["time_ms"] = record->body.timestamp_ms();
  j["event"] = chain::EventToJson(record->body);
  if (entry.record_id().empty()) j["record_id"] = chain::ToHex(record->id);
  return j;
}

std::string Pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string HistoryLine(const json& j) {
  const std::string where = std::to_string(j["height"].get<uint64_t>());
  const std::string who = j.contains("signer_name") ? j["signer_name"].get<std::string>()
                                                    : j["signer"].get<std::string>().substr(0, 16);
  return Pad(where, 8) + Pad(j.value("time", "-"), 26) + Pad(j["type"].get<std::string>(), 22) +
         Pad(who, 18) + "record " + j["record_id"].get<std::string>();
}

chain::Status RunHistory(Context& ctx, const std::string& text) {
  auto key = chain::ParseLotKey(text);
  if (!key.ok()) return key.status();
  auto response = ctx.node().GetLotHistory(chain::FormatLotKey(*key));
  if (!response.ok()) return response.status();
  json list = json::array();
  for (const auto& entry : response->entries()) list.push_back(HistoryEntryJson(ctx, entry));
  if (ctx.out().json()) {
    ctx.out().Json(list);
    return chain::Status::Ok();
  }
  ctx.out().Line(Pad("BLOCK", 8) + Pad("TIME", 26) + Pad("EVENT", 22) + Pad("SIGNER", 18) +
                 "RECORD");
  for (const json& j : list) ctx.out().Line(HistoryLine(j));
  return chain::Status::Ok();
}

chain::Status RunStatus(Context& ctx) {
  auto s = ctx.node().Status();
  if (!s.ok()) return s.status();
  json j = {{"chain_id", s->chain_id()},
            {"genesis_hash", chain::ToHex(s->genesis_hash())},
            {"height", s->height()},
            {"tip_hash", chain::ToHex(s->tip_hash())},
            {"mempool_size", s->mempool_size()},
            {"node_pubkey", chain::ToHex(s->node_pubkey())},
            {"validator", s->validator()},
            {"version", s->version()},
            {"node", ctx.node().address()}};
  if (ctx.out().json()) {
    ctx.out().Json(j);
    return chain::Status::Ok();
  }
  Fields fields;
  for (const char* key : {"node", "chain_id", "genesis_hash", "height", "tip_hash",
                          "mempool_size", "node_pubkey", "validator", "version"}) {
    fields.emplace_back(key, OrDash(j[key]));
  }
  ctx.out().Print(fields);
  return chain::Status::Ok();
}

json CertificateJson(const v1::CommitCertificate& cert) {
  json signatures = json::array();
  for (const auto& sig : cert.signatures()) {
    signatures.push_back({{"validator", chain::ToHex(sig.validator())},
                          {"signature", chain::ToHex(sig.signature())}});
  }
  return {{"height", cert.height()},
          {"round", cert.round()},
          {"block_hash", chain::ToHex(cert.block_hash())},
          {"signatures", std::move(signatures)}};
}

chain::Result<json> BlockJson(const v1::GetBlockResponse& response) {
  const v1::Block& block = response.block();
  v1::BlockHeader header;
  if (!header.ParseFromString(block.header())) {
    return Reject(Reason::kMalformed, "the node returned a block whose header does not parse");
  }
  json records = json::array();
  for (const auto& env : block.records()) {
    records.push_back(chain::ToHex(chain::ComputeRecordId(env.body(), env.signer(), env.signature())));
  }
  const std::string hash = response.hash().empty()
                               ? chain::ToHex(chain::TaggedHash(chain::kBlockTag, block.header()))
                               : chain::ToHex(response.hash());
  return json{{"height", header.height()},
              {"hash", hash},
              {"prev_hash", chain::ToHex(header.prev_hash())},
              {"time", chain::FormatIsoTime(header.time_ms())},
              {"time_ms", header.time_ms()},
              {"chain_id", header.chain_id()},
              {"proposer", chain::ToHex(header.proposer())},
              {"records_root", chain::ToHex(header.records_root())},
              {"record_count", header.record_count()},
              {"records", std::move(records)},
              {"certificate", CertificateJson(block.certificate())}};
}

chain::Status RunBlock(Context& ctx, uint64_t height) {
  auto response = ctx.node().GetBlock(height);
  if (!response.ok()) return response.status();
  auto j = BlockJson(*response);
  if (!j.ok()) return j.status();
  if (ctx.out().json()) {
    ctx.out().Json(*j);
    return chain::Status::Ok();
  }
  const json& b = *j;
  const std::string proposer = chain::FromHex(b["proposer"].get<std::string>()).value_or("");
  const json& cert = b["certificate"];
  ctx.out().Print({{"height", b["height"].dump()},
                   {"hash", b["hash"]},
                   {"prev hash", b["prev_hash"]},
                   {"time", b["time"]},
                   {"proposer", KeyWithName(ctx, proposer)},
                   {"records root", b["records_root"]},
                   {"records", b["records"].empty() ? "0" : JoinStrings(b["records"], "\n" + std::string(14, ' '))},
                   {"commit round", cert["round"].dump()},
                   {"commit sigs", std::to_string(cert["signatures"].size())}});
  return chain::Status::Ok();
}

std::string LocationText(const json& location) {
  std::string text;
  if (location.contains("gln")) text = "GLN " + location["gln"].get<std::string>();
  if (location.contains("lat") && location.contains("lon")) {
    if (!text.empty()) text += ", ";
    text += location["lat"].dump() + "," + location["lon"].dump();
  }
  return text.empty() ? "-" : text;
}

chain::Status RunParticipant(Context& ctx, const std::string& who) {
  auto key = ctx.ResolveParticipant(who);
  if (!key.ok()) return key.status();
  auto participant = ctx.node().GetParticipantByKey(chain::AsBytes(*key));
  if (!participant.ok()) {
    if (participant.status().reason() != Reason::kNotFound) return participant.status();
    return Reject(Reason::kUnknownParticipant,
                  chain::ToHex(*key) + " ('" + who + "') is not registered on the chain");
  }
  json j = chain::ParticipantToJson(*participant);
  if (ctx.out().json()) {
    ctx.out().Json(j);
    return chain::Status::Ok();
  }
  ctx.out().Print({{"name", j["name"]},
                   {"pubkey", j["pubkey"]},
                   {"roles", JoinStrings(j["roles"], ",")},
                   {"organization", OrDash(j["organization"])},
                   {"location", LocationText(j["location"])},
                   {"registered in block", j["registered_height"].dump()}});
  return chain::Status::Ok();
}

}  // namespace

void AddQueryCommands(CLI::App& app, Context& ctx, Action& action) {
  auto lot = std::make_shared<std::string>();
  CLI::App* lot_cmd = app.add_subcommand("lot", "Show a lot's current state");
  lot_cmd->add_option("LOT", *lot, "Lot key 01/{gtin14}/10/{lot} or a GS1 Digital Link URL")
      ->required();
  SetAction(lot_cmd, action, [&ctx, lot] { return RunLot(ctx, *lot); });

  CLI::App* history = app.add_subcommand("history", "List the committed records about a lot");
  history->add_option("LOT", *lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  SetAction(history, action, [&ctx, lot] { return RunHistory(ctx, *lot); });

  CLI::App* status = app.add_subcommand("status", "Show the node's chain status");
  SetAction(status, action, [&ctx] { return RunStatus(ctx); });

  auto height = std::make_shared<uint64_t>(0);
  CLI::App* block = app.add_subcommand("block", "Show a committed block");
  block->add_option("HEIGHT", *height, "Block height (0 = the tip)")->required();
  SetAction(block, action, [&ctx, height] { return RunBlock(ctx, *height); });

  auto who = std::make_shared<std::string>();
  CLI::App* participant = app.add_subcommand("participant", "Show a registered participant");
  participant->add_option("WHO", *who, "Keystore name, 64-hex public key, or on-chain name")
      ->required();
  SetAction(participant, action, [&ctx, who] { return RunParticipant(ctx, *who); });
}

}  // namespace agritrace::wallet

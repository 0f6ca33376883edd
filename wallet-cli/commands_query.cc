// Queries: lot, history, status, block, participant.
#include <memory>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"
#include "chain/model/gs1.h"
#include "chain/base/hash.h"
#include "chain/model/evidence.h"
#include "chain/model/record.h"
#include "chain/export/custody_json.h"
#include "chain/export/lot_history.h"
#include "chain/export/record_json.h"
#include "wallet-cli/commands.h"
#include "wallet-cli/commands_custody.h"
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

chain::NameLookup Names(Context& ctx) {
  return [&ctx](const std::string& key_bytes) { return ctx.NameOf(key_bytes); };
}

// "farmer 100kg", "packer 60pcs on pallet 106141411234567897".
std::vector<std::string> HoldingLines(const json& holdings) {
  std::vector<std::string> lines;
  for (const json& h : holdings) {
    std::string line = h["participant"].get<std::string>() + " " + h["quantity"].get<std::string>();
    if (h.contains("pallet")) line += " on pallet " + h["pallet"].get<std::string>();
    lines.push_back(std::move(line));
  }
  return lines;
}

// "300kg farmer -> retailer by coldtruck (shipment HEX)"; a rejected part says so.
std::vector<std::string> TransitLines(const json& parts) {
  std::vector<std::string> lines;
  for (const json& t : parts) {
    std::string line = t["quantity"].get<std::string>() + " " + t["from"].get<std::string>() +
                       " -> " + t["to"].get<std::string>();
    if (t.contains("carrier")) line += " by " + t["carrier"].get<std::string>();
    if (t.contains("pallet")) line += " on pallet " + t["pallet"].get<std::string>();
    if (t["returned"].get<bool>()) line += ", a rejected part going back";
    lines.push_back(line + " (shipment " + t["shipment"].get<std::string>() + ")");
  }
  return lines;
}

// One field per line of `lines` (the key on the first only), or "-".
void AddLines(Fields& fields, const std::string& key, const std::vector<std::string>& lines) {
  if (lines.empty()) fields.emplace_back(key, "-");
  for (size_t i = 0; i < lines.size(); ++i) fields.emplace_back(i == 0 ? key : "", lines[i]);
}

Fields LotFields(Context& ctx, const v1::LotState& lot, const json& j) {
  const bool pallet = !lot.sscc().empty();
  Fields fields = {{pallet ? "pallet" : "lot", j["lot"]}};
  if (pallet) {
    std::vector<std::string> contents;
    for (const json& c : j["contents"]) {
      contents.push_back(c["quantity"].get<std::string>() + " of " + c["lot"].get<std::string>());
    }
    AddLines(fields, "contents", contents);
  } else {
    fields.insert(fields.end(), {{"gtin", j["gtin"]},
                                 {"lot code", j["lot_code"]},
                                 {"commodity", OrDash(j["commodity"])},
                                 {"variety", OrDash(j["variety"])},
                                 {"quantity", OrDash(j["quantity"]) + " (as created)"},
                                 {"quantity left", OrDash(j["quantity_left"]) +
                                                       " (held or on its way)"},
                                 {"net mass per unit", OrDash(j["net_mass_per_unit"])}});
  }
  fields.emplace_back("owner", KeyWithName(ctx, lot.owner()));
  fields.emplace_back("status", j["status"]);
  AddLines(fields, "held by", HoldingLines(j["holdings"]));
  AddLines(fields, "in transit", TransitLines(j["in_transit"]));
  for (const char* exit : {"consumed", "lost", "sold"}) fields.emplace_back(exit, j[exit]);
  if (j.contains("pallet")) fields.emplace_back("on pallet", JoinStrings(j["pallets"], ", "));
  return fields;
}

void PrintLot(Context& ctx, const v1::LotState& lot) {
  json j = chain::LotStateToJson(lot, Names(ctx));
  AddNameIfKnown(ctx, j, "owner_name", lot.owner());
  AddLotEventStatus(ctx, j["lot"].get<std::string>(), j);  // recalled (with ancestors)
  if (ctx.out().json()) return ctx.out().Json(j);
  Fields fields = LotFields(ctx, lot, j);
  fields.emplace_back("created by record", OrDash(j["created_by_record"]));
  fields.emplace_back("created in block", std::to_string(lot.created_height()));
  fields.emplace_back("created", j["created"]);
  fields.emplace_back("parents", JoinStrings(j["parents"], ", "));
  fields.emplace_back("recalled", j["recalled"].get<bool>()
                                      ? "YES (" + JoinStrings(j["recalled_lots"], ", ") + ")"
                                      : "no");
  fields.emplace_back("sensor breaches", std::to_string(lot.breach_count()));
  ctx.out().Print(fields);
}

chain::Status RunLot(Context& ctx, const std::string& text) {
  auto key = chain::ParseUnitKey(text);
  if (!key.ok()) return key.status();
  auto response = ctx.node().GetLot(*key);
  if (!response.ok()) return response.status();
  if (!response->has_lot()) {
    return Reject(Reason::kUnknownLot, "the node has no lot or pallet " + *key);
  }
  PrintLot(ctx, response->lot());
  return chain::Status::Ok();
}

json HistoryEntryJson(Context& ctx, const v1::HistoryEntry& entry,
                      chain::LotHistoryReplay& replay) {
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
  const json body = chain::RecordBodyToJson(record->body);
  j["type"] = body["type"];
  j["time"] = body["time"];
  j["time_ms"] = record->body.timestamp_ms();
  for (const char* key : {"event_time", "event_time_ms", "event_tz_offset_min", "local_time"}) {
    j[key] = body[key];
  }
  j["event"] = body["event"];
  if (body.contains("attestation")) j["attestation"] = body["attestation"];
  j["moved"] = replay.Apply(*record);
  if (entry.record_id().empty()) j["record_id"] = chain::ToHex(record->id);
  return j;
}

std::string Pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string NameOfHex(Context& ctx, const json& hex) {
  const std::string bytes = chain::FromHex(hex.get<std::string>()).value_or("");
  const std::string name = ctx.NameOf(bytes);
  return name.empty() ? hex.get<std::string>().substr(0, 16) : name;
}

// What a record did to the lot, in words: "shipped 600kg to packer (shipment HEX)".
std::string MovedText(Context& ctx, const json& j) {
  const json& m = j.value("moved", json::object());
  const json& e = j.value("event", json::object());
  std::vector<std::string> parts;
  const auto say = [&](const char* key, const std::string& verb) {
    if (m.contains(key)) parts.push_back(verb + " " + m[key].get<std::string>());
  };
  say("created", "created");
  say("consumed", "consumed");
  say("aggregated", "put on pallet " + m.value("pallet", std::string()) + ":");
  say("disaggregated", "taken off pallet " + m.value("pallet", std::string()) + ":");
  if (m.contains("shipped")) {
    std::string text = "shipped " + m["shipped"].get<std::string>();
    if (e.contains("receiver")) text += " to " + NameOfHex(ctx, e["receiver"]);
    if (e.contains("carrier")) text += " by " + NameOfHex(ctx, e["carrier"]);
    if (m.contains("pallet")) text += " on pallet " + m["pallet"].get<std::string>();
    parts.push_back(text);
  }
  say("accepted", "accepted");
  if (m.contains("rejected")) {
    parts.push_back("rejected " + m["rejected"].get<std::string>() + " (" +
                    e.value("reject_reason", std::string("no reason")) + ")");
  }
  say("cancelled", "took back");
  if (m.contains("lost")) {
    std::string text = "lost " + m["lost"].get<std::string>() + " (" +
                       e.value("reason", std::string()) +
                       (e.contains("note") ? ": " + e["note"].get<std::string>() : "") + ")";
    parts.push_back(text);
  }
  say("sold", "sold");
  // A ship record's own id names its shipment: HistoryLine says so once.
  if (m.contains("shipment") && m["shipment"] != j["record_id"]) {
    parts.push_back("shipment " + m["shipment"].get<std::string>());
  }
  if (m.contains("return_shipment")) {
    parts.push_back("returning as shipment " + m["return_shipment"].get<std::string>());
  }
  std::vector<std::string> refs;
  for (const json& ref : e.value("refs", json::array())) {
    refs.push_back(ref["type"].get<std::string>() + ":" + ref["id"].get<std::string>());
  }
  if (!refs.empty()) parts.push_back("refs " + JoinStrings(refs, " "));
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : "; ") + part;
  return text;
}

std::string HistoryLine(Context& ctx, const json& j) {
  const std::string where = std::to_string(j["height"].get<uint64_t>());
  const std::string who = j.contains("signer_name") ? j["signer_name"].get<std::string>()
                                                    : j["signer"].get<std::string>().substr(0, 16);
  std::string moved = MovedText(ctx, j);
  if (j["type"] == "cool") moved = "cooled (" + j["event"].value("method", std::string()) + ")";
  const json& m = j.value("moved", json::object());
  const bool names_shipment = m.value("shipment", json()) == j["record_id"];
  std::string type = j["type"].get<std::string>();
  if (type == "transform") type = j["event"].value("kind", type);  // pack or transform
  return Pad(where, 7) + Pad(j.value("local_time", "-"), 25) + Pad(type, 17) + Pad(who, 14) +
         (moved.empty() ? "" : moved + "; ") + (names_shipment ? "shipment = record " : "record ") +
         j["record_id"].get<std::string>();
}

chain::Status RunHistory(Context& ctx, const std::string& text) {
  auto key = chain::ParseUnitKey(text);
  if (!key.ok()) return key.status();
  auto response = ctx.node().GetLotHistory(*key);
  if (!response.ok()) return response.status();
  chain::LotHistoryReplay replay(*key);
  json list = json::array();
  for (const auto& entry : response->entries()) {
    list.push_back(HistoryEntryJson(ctx, entry, replay));
  }
  if (ctx.out().json()) {
    ctx.out().Json(list);
    return chain::Status::Ok();
  }
  ctx.out().Line(Pad("BLOCK", 7) + Pad("WHEN (LOCAL TIME)", 25) + Pad("EVENT", 17) +
                 Pad("SIGNER", 14) + "WHAT");
  for (const json& j : list) ctx.out().Line(HistoryLine(ctx, j));
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
  json block_json{{"height", header.height()},
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
  if (block.evidence_size() > 0) {  // equivocation evidence (`agritrace evidence` lists it)
    json evidence = json::array();
    for (const auto& item : block.evidence()) {
      evidence.push_back(chain::ToHex(chain::EvidenceId(item)));
    }
    block_json["evidence_root"] = chain::ToHex(header.evidence_root());
    block_json["evidence"] = std::move(evidence);
  }
  return block_json;
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
                   {"evidence",
                    b.contains("evidence") ? std::to_string(b["evidence"].size()) : "0"},
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
  const json contact = j.value("contact", json::object());
  ctx.out().Print({{"name", j["name"]},
                   {"pubkey", j["pubkey"]},
                   {"roles", JoinStrings(j["roles"], ",")},
                   {"organization", OrDash(j["organization"])},
                   {"location", LocationText(j["location"])},
                   {"address", OrDash(contact.value("address", json()))},
                   {"phone", OrDash(contact.value("phone", json()))},
                   {"time zone", OrDash(contact.value("tz", json()))},
                   {"registered in block", j["registered_height"].dump()}});
  return chain::Status::Ok();
}

}  // namespace

void AddQueryCommands(CLI::App& app, Context& ctx, Action& action) {
  auto lot = std::make_shared<std::string>();
  CLI::App* lot_cmd = app.add_subcommand(
      "lot", "Show where a lot is (holdings, shipments, consumed, lost, sold), or a pallet");
  lot_cmd->add_option("LOT", *lot, "Lot key 01/{gtin14}/10/{lot}, a GS1 Digital Link URL, or a "
                                   "pallet 00/{SSCC}")
      ->required();
  SetAction(lot_cmd, action, [&ctx, lot] { return RunLot(ctx, *lot); });

  CLI::App* history = app.add_subcommand(
      "history", "List the committed records about a lot (or pallet): when, what moved, refs");
  history->add_option("LOT", *lot, "Lot key 01/{gtin14}/10/{lot}, or a pallet 00/{SSCC}")
      ->required();
  SetAction(history, action, [&ctx, lot] { return RunHistory(ctx, *lot); });

  CLI::App* status = app.add_subcommand("status", "Show the node's chain status");
  SetAction(status, action, [&ctx] { return RunStatus(ctx); });

  auto height = std::make_shared<uint64_t>(0);
  CLI::App* block = app.add_subcommand("block", "Show a committed block");
  block->add_option("HEIGHT", *height, "Block height (0 = the tip)")->required();
  SetAction(block, action, [&ctx, height] { return RunBlock(ctx, *height); });

  auto who = std::make_shared<std::string>();
  CLI::App* participant = app.add_subcommand(
      "participant", "Show a registered participant (`participant update WHO` changes its "
                     "address, phone, GLN or time zone)");
  participant->add_option("WHO", *who, "Keystore name, 64-hex public key, or on-chain name");
  AddParticipantUpdate(participant, ctx, action);
  participant->callback([&action, &ctx, who, participant] {
    if (!participant->get_subcommands().empty()) return;  // `update` set its own action
    action = [&ctx, who] {
      if (who->empty()) {
        return Reject(Reason::kMalformed, "name the participant: agritrace participant WHO");
      }
      return RunParticipant(ctx, *who);
    };
  });
}

}  // namespace agritrace::wallet

// `agritrace export epcis|fsma LOT`: gathers a lot's records (and its ancestors') from the
// node and writes an EPCIS 2.0 document or an FSMA 204 spreadsheet.
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "chain/base/bytes.h"
#include "chain/export/epcis.h"
#include "chain/export/epcis_import.h"
#include "chain/io/file_util.h"
#include "chain/export/fsma.h"
#include "chain/model/gs1.h"
#include "chain/export/record_json.h"
#include "chain/model/attestation.h"
#include "wallet-cli/wallet.h"
#include "wallet-cli/commands_events.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

// Every key a record names, so the exports can show who and where.
void AddParties(Context& ctx, const chain::Record& record, chain::ExportData& data) {
  std::vector<std::string> keys = {chain::AsBytes(record.signer)};
  if (record.body.has_ship()) {
    keys.push_back(record.body.ship().receiver());
    if (!record.body.ship().carrier().empty()) keys.push_back(record.body.ship().carrier());
  }
  for (const std::string& key : keys) {
    if (data.participants.count(key)) continue;
    auto party = ctx.node().GetParticipantByKey(key);
    if (!party.ok()) continue;
    if (!party->device_owner().empty() && !data.participants.count(party->device_owner())) {
      if (auto owner = ctx.node().GetParticipantByKey(party->device_owner()); owner.ok()) {
        data.participants[party->device_owner()] = *owner;
      }
    }
    data.participants[key] = *party;
  }
}

chain::Status AddLotRecords(Context& ctx, const std::string& lot_key, chain::ExportData& data,
                            std::set<std::string>& seen) {
  auto history = ctx.node().GetLotHistory(lot_key);
  if (!history.ok()) return history.status();
  for (const v1::HistoryEntry& entry : history->entries()) {
    auto record = chain::DecodeRecord(entry.envelope());
    if (!record.ok()) return record.status();
    if (!seen.insert(chain::ToHex(record->id)).second) continue;
    AddParties(ctx, *record, data);
    data.records.push_back({*std::move(record), entry.height(), entry.index()});
  }
  return chain::Status::Ok();
}

// The lot, plus its ancestors when `lineage`: their states and every record that touched them.
chain::Result<chain::ExportData> Gather(Context& ctx, const std::string& lot_text, bool lineage) {
  auto key = chain::ParseLotKey(lot_text);
  if (!key.ok()) return key.status();
  chain::ExportData data;
  data.root_lot = chain::FormatLotKey(*key);
  v1::TraceRequest request;
  request.set_lot(data.root_lot);
  request.set_direction(v1::TRACE_DIRECTION_BACKWARD);
  if (!lineage) request.set_max_depth(1);  // parents' states only: FSMA packing rows need them
  auto trace = ctx.node().Trace(request);
  if (!trace.ok()) return trace.status();
  data.lots[data.root_lot] = trace->root();
  std::vector<std::string> lots = {data.root_lot};
  for (const auto& link : trace->links()) {
    if (link.has_state()) data.lots[link.lot()] = link.state();
    if (lineage && std::find(lots.begin(), lots.end(), link.lot()) == lots.end()) {
      lots.push_back(link.lot());
    }
  }
  std::set<std::string> seen;
  for (const std::string& lot : lots) AGRI_RETURN_IF_ERROR(AddLotRecords(ctx, lot, data, seen));
  std::sort(data.records.begin(), data.records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.height, a.index) < std::tie(b.height, b.index);
  });
  return data;
}

chain::Status Emit(Context& ctx, const std::string& out_file, const std::string& text,
                   const std::string& what) {
  if (out_file.empty() || out_file == "-") {
    ctx.out().out() << text;
    return chain::Status::Ok();
  }
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic(out_file, text, false));
  ctx.out().Warn("wrote " + what + " to " + out_file);
  return chain::Status::Ok();
}

struct ExportArgs {
  std::string lot;
  bool lineage = false;
  std::string out_file;
  std::string from;
  std::string to;
};

chain::Status RunEpcis(Context& ctx, const ExportArgs& args) {
  auto data = Gather(ctx, args.lot, args.lineage);
  if (!data.ok()) return data.status();
  nlohmann::json doc = chain::EpcisDocument(*data, Context::NowMs());
  return Emit(ctx, args.out_file, DumpJson(doc, 2) + "\n", "the EPCIS 2.0 document");
}

chain::Status RunFsma(Context& ctx, const ExportArgs& args) {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  if (!args.from.empty()) {
    auto t = chain::ParseIsoTime(args.from);
    if (!t.ok()) return t.status();
    from_ms = *t;
  }
  if (!args.to.empty()) {
    auto t = chain::ParseIsoTime(args.to);
    if (!t.ok()) return t.status();
    to_ms = *t + (args.to.size() <= 10 ? 24LL * 3600 * 1000 - 1 : 0);  // a bare date: whole day
  }
  auto data = Gather(ctx, args.lot, true);
  if (!data.ok()) return data.status();
  return Emit(ctx, args.out_file, chain::FsmaCsv(*data, from_ms, to_ms),
              "the FSMA 204 spreadsheet");
}

// An import in progress: who imports, and the record ids of the events submitted so far.
struct Importer {
  Context& ctx;
  std::string own_key;  // --key: the importer, who attests its partners' events
  std::string attester;  // its public key bytes
  std::map<std::string, std::string> record_of_event;  // eventID -> record id bytes
};

// A party is our own when the keystore holds the key of that name: we then sign as it (it is
// registered under that name on this chain). Anyone else is a partner.
bool IsOwn(Importer& im, const std::string& name) {
  // Names come from the document: only plain participant names are looked up as key files.
  const bool plain = !name.empty() && name.size() <= 64 && name[0] != '.' &&
                     std::all_of(name.begin(), name.end(), [](unsigned char c) {
                       return std::isalnum(c) || c == '_' || c == '.' || c == '-';
                     });
  return plain && im.ctx.keystore().Info(name).ok();
}

// The key a ship names for `party`: our own participant's, else the party's shadow as this
// importer attests it (set in the attestation, so the rules create it).
chain::Result<std::string> PartyKey(Importer& im, const v1::AttestedParty& party,
                                    v1::AttestedParty* attested) {
  const std::string name = chain::PartyNameOf(party);
  if (IsOwn(im, name)) {
    auto key = im.ctx.ResolveParticipant(name);
    if (!key.ok()) return key.status();
    return chain::AsBytes(*key);
  }
  *attested = party;
  return chain::AsBytes(chain::AttestedPartyKey(im.attester, party.uri()));
}

// The record id of an event named by its eventID (earlier in the document), or a record id in
// hex (a shipment of this chain outside the document).
chain::Result<std::string> RecordOfEvent(Importer& im, const std::string& ref) {
  if (auto it = im.record_of_event.find(ref); it != im.record_of_event.end()) return it->second;
  std::optional<std::string> bytes = chain::FromHex(ref);
  if (bytes && bytes->size() == 32) return *bytes;
  return Reject(Reason::kMalformed, "the document refers to event " + ref +
                                        ", which it does not contain before");
}

// Fills what the chain names by key or record id, and the attestation for a partner's event.
chain::Status Resolve(Importer& im, chain::ImportedEvent& event, bool own) {
  v1::RecordBody& body = event.body;
  v1::Attestation attestation;
  if (body.has_ship()) {
    auto receiver = PartyKey(im, event.receiver, attestation.mutable_receiver());
    if (!receiver.ok()) return receiver.status();
    body.mutable_ship()->set_receiver(*receiver);
    if (!event.carrier.uri().empty()) {
      auto carrier = PartyKey(im, event.carrier, attestation.mutable_carrier());
      if (!carrier.ok()) return carrier.status();
      body.mutable_ship()->set_carrier(*carrier);
    }
  }
  if (!event.shipment_event.empty()) {
    auto shipment = RecordOfEvent(im, event.shipment_event);
    if (!shipment.ok()) return shipment.status();
    if (body.has_receive()) body.mutable_receive()->set_shipment(*shipment);
    if (body.has_cancel_shipment()) body.mutable_cancel_shipment()->set_shipment(*shipment);
  }
  if (body.has_correction()) {
    auto corrected = RecordOfEvent(im, event.corrected_event);
    if (!corrected.ok()) return corrected.status();
    body.mutable_correction()->set_record_id(*corrected);
    if (!event.corrective_event.empty()) {
      auto fix = RecordOfEvent(im, event.corrective_event);
      if (!fix.ok()) return fix.status();
      body.mutable_correction()->set_corrective_record_id(*fix);
    }
  }
  if (own) {
    // Our own event naming a partner: its shadow exists only once an attested event named it.
    for (const v1::AttestedParty* named : {&attestation.receiver(), &attestation.carrier()}) {
      if (named->uri().empty()) continue;
      const std::string key = chain::AsBytes(chain::AttestedPartyKey(im.attester, named->uri()));
      if (!im.ctx.node().GetParticipantByKey(key).ok()) {
        return Reject(Reason::kUnknownParticipant,
                      named->uri() + " is named by your own event but none of its events is on "
                                     "this chain; import its events first, or register it and "
                                     "add its key to your keystore");
      }
    }
  } else {
    *attestation.mutable_party() = event.party;
    attestation.set_event_id(event.event_id);
    *body.mutable_attestation() = std::move(attestation);
  }
  return chain::Status::Ok();
}

// Signs now (the event keeps its own time, however old) and submits, waiting for the commit.
chain::Result<std::string> Submit(Importer& im, const std::string& key_name,
                                  v1::RecordBody body) {
  im.ctx.options().key_name = key_name;
  auto key = im.ctx.SigningKey();
  im.ctx.options().key_name = im.own_key;
  if (!key.ok()) return key.status();
  auto chain_id = im.ctx.ChainId();
  if (!chain_id.ok()) return chain_id.status();
  auto record = SignBody(std::move(body), *chain_id, Context::NowMs(), RandomNonce(), *key);
  if (!record.ok()) return record.status();
  auto response = im.ctx.node().SubmitRecord(record->envelope, true);
  if (!response.ok()) return response.status();
  return chain::AsBytes(record->id);
}

// Each event is signed by its own party when the keystore holds that party's key; a partner's
// event is attested by --key (RecordBody.attestation naming the partner), never signed as if
// the partner had signed it. Submitted in order, each waiting for its commit.
chain::Status RunImport(Context& ctx, const std::string& path) {
  auto text = chain::ReadFile(path);
  if (!text.ok()) return text.status();
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return Reject(Reason::kMalformed, path + " is not valid JSON");
  auto events = chain::EpcisToRecords(doc);  // all checked before anything is submitted
  if (!events.ok()) return events.status();
  Importer im{ctx, ctx.options().key_name, "", {}};
  auto own_key = ctx.SigningKey();
  if (!own_key.ok()) return own_key.status();
  im.attester = chain::AsBytes(own_key->public_key());
  size_t attested = 0;
  for (size_t i = 0; i < events->size(); ++i) {
    chain::ImportedEvent& event = (*events)[i];
    const bool own = IsOwn(im, event.signer);
    chain::Status resolved = Resolve(im, event, own);
    if (!resolved.ok()) return chain::Status(resolved.reason(), "event " + std::to_string(i) +
                                                                     ": " + resolved.message());
    auto id = Submit(im, own ? event.signer : im.own_key, event.body);
    if (!id.ok()) {
      return chain::Status(id.status().reason(), "event " + std::to_string(i) + " (" +
                                                     event.event_id + "): " +
                                                     id.status().message());
    }
    if (!event.body.has_correction() && !event.event_id.empty()) {
      im.record_of_event[event.event_id] = *id;
    }
    attested += !own;
  }
  ctx.out().Warn("imported " + std::to_string(events->size()) + " events from " + path + " (" +
                 std::to_string(attested) + " attested as partners' events)");
  return chain::Status::Ok();
}

}  // namespace

void AddExportCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* exp = app.add_subcommand("export", "Export a lot's journey: EPCIS 2.0 or FSMA 204");
  exp->require_subcommand(1);
  auto epcis = std::make_shared<ExportArgs>();
  CLI::App* e = exp->add_subcommand("epcis", "EPCIS 2.0 JSON-LD document of LOT's events");
  e->add_option("LOT", epcis->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  e->add_flag("--lineage", epcis->lineage, "Include every ancestor lot's events");
  e->add_option("--out", epcis->out_file, "Write to FILE (default stdout)");
  SetAction(e, action, [&ctx, epcis] { return RunEpcis(ctx, *epcis); });

  auto fsma = std::make_shared<ExportArgs>();
  CLI::App* f = exp->add_subcommand(
      "fsma", "FDA FSMA 204 sortable spreadsheet (CSV) across LOT's lineage");
  f->add_option("LOT", fsma->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  f->add_option("--from", fsma->from, "Only events on or after DATE (ISO 8601)");
  f->add_option("--to", fsma->to, "Only events on or before DATE (ISO 8601)");
  f->add_option("--out", fsma->out_file, "Write to FILE (default stdout)");
  SetAction(f, action, [&ctx, fsma] { return RunFsma(ctx, *fsma); });

  CLI::App* imp = app.add_subcommand("import", "Import events from a partner's system");
  imp->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  CLI::App* i = imp->add_subcommand(
      "epcis", "Sign and submit the events of an EPCIS 2.0 document (refused whole if invalid)");
  i->add_option("FILE", *file, "EPCIS 2.0 JSON document")->required();
  SetAction(i, action, [&ctx, file] { return RunImport(ctx, *file); });
}

}  // namespace agritrace::wallet

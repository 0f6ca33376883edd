// `agritrace export epcis|fsma LOT`: gathers a lot's records (and its ancestors') from the
// node and writes an EPCIS 2.0 document or an FSMA 204 spreadsheet; `export fsma --gtin|
// --commodity --from --to [--forward]` answers FDA's request by product and date range.
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

// An FDA request by product may reach many lots; each costs a trace and a history read.
constexpr size_t kMaxFsmaRequestLots = 2'000;

// Gathers lots' states and records into one ExportData, each record once.
class Gatherer {
 public:
  explicit Gatherer(Context& ctx) : ctx_(ctx) {}

  // Traces `lot_key` (backward: its ancestors, `lineage` false: its parents' states only;
  // forward: its descendants) and adds the states it reaches. Returns the lots reached,
  // `lot_key` first.
  chain::Result<std::vector<std::string>> Trace(const std::string& lot_key,
                                                v1::TraceDirection direction, bool lineage) {
    v1::TraceRequest request;
    request.set_lot(lot_key);
    request.set_direction(direction);
    if (!lineage) request.set_max_depth(1);
    auto trace = ctx_.node().Trace(request);
    if (!trace.ok()) return trace.status();
    if (trace->truncated()) {
      return chain::Reject(Reason::kTooLarge, "the lineage of " + lot_key +
                                                  " is larger than the node traces at once");
    }
    data_.lots[lot_key] = trace->root();
    std::vector<std::string> lots = {lot_key};
    for (const auto& link : trace->links()) {
      if (link.has_state()) data_.lots[link.lot()] = link.state();
      if (std::find(lots.begin(), lots.end(), link.lot()) == lots.end()) {
        lots.push_back(link.lot());
      }
    }
    return lots;
  }

  // Adds every record of each lot not added yet.
  chain::Status AddRecords(const std::vector<std::string>& lots) {
    for (const std::string& lot : lots) {
      if (!with_records_.insert(lot).second) continue;
      if (with_records_.size() > kMaxFsmaRequestLots) {
        return chain::Reject(Reason::kTooLarge,
                             "the request reaches more than " +
                                 std::to_string(kMaxFsmaRequestLots) +
                                 " lots; narrow it (a shorter date range, a GTIN)");
      }
      AGRI_RETURN_IF_ERROR(AddLotRecords(ctx_, lot, data_, seen_));
    }
    return chain::Status::Ok();
  }

  chain::ExportData Take() {
    std::sort(data_.records.begin(), data_.records.end(), [](const auto& a, const auto& b) {
      return std::tie(a.height, a.index) < std::tie(b.height, b.index);
    });
    return std::move(data_);
  }

  chain::ExportData& data() { return data_; }

 private:
  Context& ctx_;
  chain::ExportData data_;
  std::set<std::string> seen_;          // record ids (hex) added
  std::set<std::string> with_records_;  // lots whose records were added
};

// The lot, plus its ancestors when `lineage`: their states and every record that touched them.
chain::Result<chain::ExportData> Gather(Context& ctx, const std::string& lot_text, bool lineage) {
  auto key = chain::ParseLotKey(lot_text);
  if (!key.ok()) return key.status();
  Gatherer gatherer(ctx);
  gatherer.data().root_lot = chain::FormatLotKey(*key);
  // Without lineage only the parents' states: FSMA packing rows need them.
  auto lots = gatherer.Trace(gatherer.data().root_lot, v1::TRACE_DIRECTION_BACKWARD, lineage);
  if (!lots.ok()) return lots.status();
  if (!lineage) lots->resize(1);
  AGRI_RETURN_IF_ERROR(gatherer.AddRecords(*lots));
  return gatherer.Take();
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
  std::string gtin;
  std::string commodity;
  bool forward = false;
};

chain::Status RunEpcis(Context& ctx, const ExportArgs& args) {
  auto data = Gather(ctx, args.lot, args.lineage);
  if (!data.ok()) return data.status();
  nlohmann::json doc = chain::EpcisDocument(*data, Context::NowMs());
  return Emit(ctx, args.out_file, DumpJson(doc, 2) + "\n", "the EPCIS 2.0 document");
}

// "YYYY-MM-DD", a real day: the local event dates FSMA rows carry.
chain::Status CheckDate(const std::string& text, const std::string& option) {
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  if (!shaped || !chain::ParseIsoTime(text).ok()) {
    return Reject(Reason::kMalformed, option + " must be a date YYYY-MM-DD, not '" + text + "'");
  }
  return chain::Status::Ok();
}

// FDA's request: every lot of the product that existed by the end of the range (and with
// --forward every lot made from them), each with its ancestors' records for the KDEs of
// initial packing; rows of those lots only, dated within the range.
chain::Result<chain::ExportData> GatherRequest(Context& ctx, const ExportArgs& args,
                                               chain::FsmaFilter& filter) {
  v1::FindLotsRequest request;
  request.set_gtin(args.gtin);
  request.set_commodity(args.commodity);
  // The end of the range's last day anywhere on Earth (UTC-12): lots made later cannot have
  // events in the range.
  constexpr int64_t kLatestDayEndMs = (24 + 12) * 3600 * 1000LL;
  request.set_created_before_ms(*chain::ParseIsoTime(args.to) + kLatestDayEndMs);
  auto found = ctx.node().FindLots(request);
  if (!found.ok()) return found.status();
  if (found->truncated()) {
    return Reject(Reason::kTooLarge, "the node found more lots of this product than it answers "
                                     "at once; narrow the request (a GTIN, a shorter range)");
  }
  Gatherer gatherer(ctx);
  std::vector<std::string> subjects;  // in the node's order, each once (filter.lots)
  const auto add_subject = [&](const std::string& lot) {
    if (filter.lots.insert(lot).second) subjects.push_back(lot);
    if (subjects.size() <= kMaxFsmaRequestLots) return chain::Status::Ok();
    return Reject(Reason::kTooLarge, "the request reaches more than " +
                                         std::to_string(kMaxFsmaRequestLots) +
                                         " lots; narrow it (a shorter date range, a GTIN)");
  };
  for (const v1::LotState& lot : found->lots()) {
    AGRI_RETURN_IF_ERROR(add_subject(chain::FormatLotKey(lot.lot())));
  }
  if (args.forward) {
    const std::vector<std::string> matched = subjects;
    for (const std::string& lot : matched) {
      auto descendants = gatherer.Trace(lot, v1::TRACE_DIRECTION_FORWARD, true);
      if (!descendants.ok()) return descendants.status();
      for (const std::string& d : *descendants) AGRI_RETURN_IF_ERROR(add_subject(d));
    }
  }
  for (const std::string& lot : subjects) {
    auto ancestors = gatherer.Trace(lot, v1::TRACE_DIRECTION_BACKWARD, true);
    if (!ancestors.ok()) return ancestors.status();
    AGRI_RETURN_IF_ERROR(gatherer.AddRecords(*ancestors));
  }
  return gatherer.Take();
}

chain::Status RunFsma(Context& ctx, const ExportArgs& args) {
  chain::FsmaFilter filter;
  if (!args.from.empty()) AGRI_RETURN_IF_ERROR(CheckDate(args.from, "--from"));
  if (!args.to.empty()) AGRI_RETURN_IF_ERROR(CheckDate(args.to, "--to"));
  filter.from_date = args.from;
  filter.to_date = args.to;
  const bool request = !args.gtin.empty() || !args.commodity.empty();
  if (request == !args.lot.empty() || (!args.gtin.empty() && !args.commodity.empty())) {
    return Reject(Reason::kMalformed,
                  "give a LOT, or an FDA request: --gtin GTIN or --commodity NAME with --from "
                  "and --to");
  }
  if (!request && args.forward) {
    return Reject(Reason::kMalformed, "--forward belongs to a request by --gtin or --commodity");
  }
  if (request && (args.from.empty() || args.to.empty())) {
    return Reject(Reason::kMalformed, "a request by product needs its date range: --from and --to");
  }
  if (!args.from.empty() && !args.to.empty() && args.to < args.from) {
    return Reject(Reason::kMalformed, "--to " + args.to + " is before --from " + args.from);
  }
  auto data = request ? GatherRequest(ctx, args, filter) : Gather(ctx, args.lot, true);
  if (!data.ok()) return data.status();
  return Emit(ctx, args.out_file, chain::FsmaCsv(*data, filter), "the FSMA 204 spreadsheet");
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
// `plot`: the registered plot of imported harvests that name none (EPCIS carries no plot).
chain::Status RunImport(Context& ctx, const std::string& path, const std::string& plot) {
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
    if (event.body.has_harvest() && event.body.harvest().plot().empty()) {
      event.body.mutable_harvest()->set_plot(plot);
    }
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
      "fsma",
      "FDA FSMA 204 sortable spreadsheet (CSV): LOT's lineage, or FDA's request by product and "
      "date range (--gtin or --commodity with --from and --to)");
  f->add_option("LOT", fsma->lot, "Lot key 01/{gtin14}/10/{lot}");
  f->add_option("--gtin", fsma->gtin, "Request: every lot of this GTIN-14");
  f->add_option("--commodity", fsma->commodity, "Request: every lot of this commodity");
  f->add_flag("--forward", fsma->forward, "Request: also every lot made from those lots");
  f->add_option("--from", fsma->from, "Only events on or after DATE (YYYY-MM-DD, local date)");
  f->add_option("--to", fsma->to, "Only events on or before DATE (YYYY-MM-DD, local date)");
  f->add_option("--out", fsma->out_file, "Write to FILE (default stdout)");
  SetAction(f, action, [&ctx, fsma] { return RunFsma(ctx, *fsma); });

  CLI::App* imp = app.add_subcommand("import", "Import events from a partner's system");
  imp->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  auto plot = std::make_shared<std::string>();
  CLI::App* i = imp->add_subcommand(
      "epcis", "Sign and submit the events of an EPCIS 2.0 document (refused whole if invalid)");
  i->add_option("FILE", *file, "EPCIS 2.0 JSON document")->required();
  i->add_option("--plot", *plot, "Registered plot of the harvests (EPCIS names none)");
  SetAction(i, action, [&ctx, file, plot] { return RunImport(ctx, *file, *plot); });
}

}  // namespace agritrace::wallet

// `agritrace export epcis|fsma LOT`: gathers a lot's records (and its ancestors') from the
// node and writes an EPCIS 2.0 document or an FSMA 204 spreadsheet.
#include <algorithm>
#include <memory>
#include <set>

#include "chain/base/bytes.h"
#include "chain/export/epcis.h"
#include "chain/export/epcis_import.h"
#include "chain/io/file_util.h"
#include "chain/export/fsma.h"
#include "chain/model/gs1.h"
#include "chain/export/record_json.h"
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

// Signs each imported event with the keystore key named by its agritrace:signer party when
// the keystore has it, else with --key, and submits them in order, waiting for each commit.
// `plot`: the registered plot of imported harvests that name none (EPCIS carries no plot).
chain::Status RunImport(Context& ctx, const std::string& path, const std::string& plot) {
  auto text = chain::ReadFile(path);
  if (!text.ok()) return text.status();
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return Reject(Reason::kMalformed, path + " is not valid JSON");
  auto events = chain::EpcisToRecords(doc);  // all checked before anything is submitted
  if (!events.ok()) return events.status();
  const std::string default_key = ctx.options().key_name;
  size_t submitted = 0;
  for (chain::ImportedEvent& event : *events) {
    if (!event.receiver.empty()) {
      auto receiver = ctx.ResolveParticipant(event.receiver);
      if (!receiver.ok()) return receiver.status();
      event.body.mutable_ship()->set_receiver(chain::AsBytes(*receiver));
    }
    if (!event.carrier.empty()) {
      auto carrier = ctx.ResolveParticipant(event.carrier);
      if (!carrier.ok()) return carrier.status();
      event.body.mutable_ship()->set_carrier(chain::AsBytes(*carrier));
    }
    if (event.body.has_harvest() && event.body.harvest().plot().empty()) {
      event.body.mutable_harvest()->set_plot(plot);
    }
    const bool own_key = !event.signer.empty() && ctx.keystore().Info(event.signer).ok();
    ctx.options().key_name = own_key ? event.signer : default_key;
    SignFlags flags;
    flags.time = chain::FormatIsoTime(event.body.timestamp_ms());
    v1::RecordBody body = event.body;
    body.clear_timestamp_ms();
    AGRI_RETURN_IF_ERROR(SignAndSend(ctx, flags, std::move(body)));
    ++submitted;
  }
  ctx.options().key_name = default_key;
  ctx.out().Warn("imported " + std::to_string(submitted) + " events from " + path);
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
  auto plot = std::make_shared<std::string>();
  CLI::App* i = imp->add_subcommand(
      "epcis", "Sign and submit the events of an EPCIS 2.0 document (refused whole if invalid)");
  i->add_option("FILE", *file, "EPCIS 2.0 JSON document")->required();
  i->add_option("--plot", *plot, "Registered plot of the harvests (EPCIS names none)");
  SetAction(i, action, [&ctx, file, plot] { return RunImport(ctx, *file, *plot); });
}

}  // namespace agritrace::wallet

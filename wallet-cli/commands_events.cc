// Signing commands for devices, sensor readings, checkpoints, certificates, recalls, sales,
// revocations, key rotations and corrections (device, sensor, checkpoint, certify, recall,
// sell, revoke, rotate-key, correct), and the lineage trace.
#include "wallet-cli/commands_events.h"

#include <cmath>
#include <memory>
#include <sstream>

#include "chain/base/bytes.h"
#include "chain/export/event_json.h"
#include "chain/io/file_util.h"
#include "chain/model/gs1.h"
#include "chain/base/hash.h"
#include "chain/base/limits.h"
#include "chain/model/quantity.h"
#include "chain/export/record_json.h"
#include "wallet-cli/wallet.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

constexpr double kMilli = 1000.0;

// Degrees or percent with up to three decimals -> thousandths.
chain::Result<int32_t> ParseMilli(const std::string& text, const std::string& what) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) ||
      std::fabs(value) > 1e6) {
    return Reject(Reason::kMalformed, what + " must be a number such as 7.5, not '" + text + "'");
  }
  return static_cast<int32_t>(std::lround(value * kMilli));
}

chain::Status ParseBounds(const std::string& text, const std::string& what,
                          std::optional<int32_t>& low, std::optional<int32_t>& high) {
  size_t dots = text.find("..");
  if (dots == std::string::npos) {
    return Reject(Reason::kMalformed, what + " range must be MIN..MAX (e.g. 0..4), not '" +
                                          text + "'");
  }
  std::string min_text = text.substr(0, dots);
  std::string max_text = text.substr(dots + 2);
  if (!min_text.empty()) {
    auto v = ParseMilli(min_text, what);
    if (!v.ok()) return v.status();
    low = *v;
  }
  if (!max_text.empty()) {
    auto v = ParseMilli(max_text, what);
    if (!v.ok()) return v.status();
    high = *v;
  }
  return chain::Status::Ok();
}

chain::Result<v1::LotKey> Lot(const std::string& text) { return chain::ParseLotKey(text); }

template <typename Build>
chain::Status BuildAndSend(Context& ctx, const SignFlags& flags, Build build) {
  chain::Result<v1::RecordBody> body = build();
  if (!body.ok()) return body.status();
  return SignAndSend(ctx, flags, std::move(*body));
}

chain::Result<int64_t> TimeOrNow(const std::string& text) {
  if (text.empty()) return Context::NowMs();
  return chain::ParseIsoTime(text);
}

// --- device register

struct DeviceArgs {
  std::string name;
  std::string pubkey;
};

chain::Result<v1::RecordBody> BuildDevice(Context& ctx, const DeviceArgs& args) {
  std::optional<chain::PubKey> key = chain::ArrayFromHex<32>(args.pubkey);
  if (!key) {
    if (auto info = ctx.keystore().Info(args.pubkey); info.ok()) key = info->pubkey;
  }
  if (!key || !chain::IsValidPubKey(*key)) {
    return Reject(Reason::kMalformed, "--pubkey must be a 64-hex x-only public key (or a key "
                                      "name in the keystore), not '" + args.pubkey + "'");
  }
  v1::RecordBody body;
  body.mutable_register_device()->set_pubkey(chain::AsBytes(*key));
  body.mutable_register_device()->set_name(args.name);
  return body;
}

void AddDevice(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* device = app.add_subcommand("device", "Manage IoT sensor devices");
  device->require_subcommand(1);
  auto args = std::make_shared<DeviceArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = device->add_subcommand(
      "register", "Register a sensor key that signs readings for your lots (RegisterDevice)");
  sub->add_option("NAME", args->name, "Device name (unique on the chain)")->required();
  sub->add_option("--pubkey", args->pubkey, "Device public key: 64 hex, or a keystore name")
      ->required();
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&] { return BuildDevice(ctx, *args); });
  });
}

// --- sensor

struct SensorArgs {
  std::string lot;
  std::string temperature;
  std::string humidity;
  std::string readings_file;
};

chain::Result<v1::RecordBody> BuildSensor(const SensorArgs& args, const SignFlags& flags) {
  auto lot = Lot(args.lot);
  if (!lot.ok()) return lot.status();
  v1::RecordBody body;
  v1::SensorReadings& s = *body.mutable_sensor_readings();
  *s.mutable_lot() = *lot;
  if (!args.readings_file.empty()) {
    auto text = chain::ReadFile(args.readings_file);
    if (!text.ok()) return text.status();
    auto readings = ParseReadingsCsv(*text);
    if (!readings.ok()) return readings.status();
    for (auto& r : *readings) *s.add_readings() = std::move(r);
    return body;
  }
  if (args.temperature.empty() && args.humidity.empty()) {
    return Reject(Reason::kMalformed, "give --temperature and/or --humidity, or --readings FILE");
  }
  auto time = TimeOrNow(flags.time);
  if (!time.ok()) return time.status();
  auto reading = MakeReading(*time, args.temperature, args.humidity);
  if (!reading.ok()) return reading.status();
  *s.add_readings() = *reading;
  return body;
}

void AddSensor(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<SensorArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "sensor", "Record sensor readings for LOT (a registered device, the holder or carrier)");
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  sub->add_option("--temperature", args->temperature, "Temperature in degrees Celsius");
  sub->add_option("--humidity", args->humidity, "Relative humidity in percent");
  sub->add_option("--readings", args->readings_file,
                  "CSV file: time,temperature,humidity[,lat,lon] per line");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&] { return BuildSensor(*args, *flags); });
  });
}

// --- checkpoint

struct CheckpointArgs {
  std::string lot;
  std::string location;
  std::string gln;
  std::string step = "storing";
  std::string temperature;
  std::string humidity;
};

chain::Result<v1::CheckpointStep> ParseStep(const std::string& text) {
  if (text == "departing") return v1::CHECKPOINT_STEP_DEPARTING;
  if (text == "arriving") return v1::CHECKPOINT_STEP_ARRIVING;
  if (text == "storing") return v1::CHECKPOINT_STEP_STORING;
  return Reject(Reason::kMalformed, "--step must be departing, arriving or storing");
}

chain::Result<v1::RecordBody> BuildCheckpoint(const CheckpointArgs& args, const SignFlags& flags) {
  auto lot = Lot(args.lot);
  if (!lot.ok()) return lot.status();
  auto step = ParseStep(args.step);
  if (!step.ok()) return step.status();
  auto time = TimeOrNow(flags.time);
  if (!time.ok()) return time.status();
  // --location is LAT,LON when it parses as coordinates, else the place's name.
  v1::Location where;
  auto coords = ParseLocation(args.gln, args.location);
  if (coords.ok()) {
    where = *coords;
  } else {
    auto gln_only = ParseLocation(args.gln, "");
    if (!gln_only.ok()) return gln_only.status();
    where = *gln_only;
    where.set_name(args.location);
  }
  v1::RecordBody body;
  v1::Checkpoint& c = *body.mutable_checkpoint();
  *c.mutable_lot() = *lot;
  *c.mutable_location() = where;
  c.set_time_ms(*time);
  c.set_step(*step);
  if (!args.temperature.empty() || !args.humidity.empty()) {
    auto reading = MakeReading(*time, args.temperature, args.humidity);
    if (!reading.ok()) return reading.status();
    *c.add_readings() = *reading;
  }
  return body;
}

void AddCheckpoint(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<CheckpointArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "checkpoint", "Record where a shipment of LOT is (the carrier holding it)");
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  sub->add_option("--location", args->location, "Place name, or LAT,LON")->required();
  sub->add_option("--gln", args->gln, "GS1 GLN of the place (13 digits)");
  sub->add_option("--step", args->step, "departing, arriving or storing")->capture_default_str();
  sub->add_option("--temperature", args->temperature, "Temperature reading, degrees Celsius");
  sub->add_option("--humidity", args->humidity, "Humidity reading, percent");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&] { return BuildCheckpoint(*args, *flags); });
  });
}

// --- certify

struct CertifyArgs {
  std::string lot;
  std::string standard;
  std::string result;
  std::string document;
  std::string valid_from;
  std::string valid_until;
  std::string certificate_id;
  // A claim certificate (origin): the positional argument is then a plot id, unless the
  // certificate covers a farmer (--farmer, resolved into farmer_key) or an organisation.
  std::string claim;
  std::string tonnage;
  std::string farmer;
  std::string farmer_key;  // raw key bytes of --farmer
  std::string organization;
};

// "2027-06-30" (the end of that day, UTC) or an ISO 8601 time.
chain::Result<int64_t> ParseDateOrTime(const std::string& text, bool end_of_day) {
  if (text.size() == 10) return chain::ParseIsoTime(text + (end_of_day ? "T23:59:59Z" : "T00:00:00Z"));
  return chain::ParseIsoTime(text);
}

chain::Status FillClaimScope(const CertifyArgs& args, v1::Certify& c) {
  c.set_claim(args.claim);
  auto tonnage = chain::ParseQuantity(args.tonnage);
  if (!tonnage.ok()) return tonnage.status();
  *c.mutable_tonnage() = *tonnage;
  if (!args.farmer_key.empty()) {
    c.set_farmer(args.farmer_key);
  } else if (!args.organization.empty()) {
    c.set_organization(args.organization);
  } else {
    c.set_plot_id(args.lot);
  }
  return chain::Status::Ok();
}

chain::Result<v1::RecordBody> BuildCertify(const CertifyArgs& args) {
  v1::RecordBody body;
  v1::Certify& c = *body.mutable_certify();
  if (args.claim.empty()) {
    auto lot = Lot(args.lot);
    if (!lot.ok()) return lot.status();
    *c.mutable_lot() = *lot;
  } else {
    if (args.tonnage.empty()) {
      return Reject(Reason::kMalformed, "--claim needs --tonnage, the mass the certificate covers");
    }
    AGRI_RETURN_IF_ERROR(FillClaimScope(args, c));
  }
  c.set_standard(args.standard);
  if (args.result == "pass" || (args.result.empty() && !args.claim.empty())) {
    c.set_outcome(v1::CERT_OUTCOME_PASS);
  } else if (args.result == "fail") {
    c.set_outcome(v1::CERT_OUTCOME_FAIL);
  } else {
    return Reject(Reason::kMalformed, "--result must be pass or fail");
  }
  if (!args.document.empty()) {
    auto bytes = chain::ReadFile(args.document);
    if (!bytes.ok()) return bytes.status();
    c.set_document_sha256(chain::AsBytes(chain::Sha256(*bytes)));
  }
  for (auto [text, setter] : {std::pair{&args.valid_from, &v1::Certify::set_valid_from_ms},
                              std::pair{&args.valid_until, &v1::Certify::set_valid_until_ms}}) {
    if (text->empty()) continue;
    auto t = ParseDateOrTime(*text, text == &args.valid_until);
    if (!t.ok()) return t.status();
    (c.*setter)(*t);
  }
  c.set_certificate_id(args.certificate_id);
  return body;
}

void AddCertify(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<CertifyArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "certify",
      "Attach a certificate or inspection result to LOT; with --claim, certify a plot (or "
      "--farmer / --org) for a claim up to a tonnage (inspector)");
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot}; with --claim a plot id");
  sub->add_option("--standard", args->standard, "Standard, e.g. \"GB/T 19630 organic\"")
      ->required();
  sub->add_option("--result", args->result, "pass or fail (a claim certificate is a pass)");
  sub->add_option("--claim", args->claim,
                  "Claim harvests in scope carry, e.g. organic or \"gi:Wuchang rice\"");
  sub->add_option("--tonnage", args->tonnage, "Mass the claim certificate covers, e.g. 50t");
  sub->add_option("--farmer", args->farmer, "With --claim: certify this farmer's harvests");
  sub->add_option("--org", args->organization,
                  "With --claim: certify the harvests of this organisation's farmers");
  sub->add_option("--document", args->document, "Certificate document (its SHA-256 is recorded)");
  sub->add_option("--valid-from", args->valid_from, "Validity start, ISO 8601");
  sub->add_option("--valid-until", args->valid_until, "Validity end, ISO 8601");
  sub->add_option("--certificate-id", args->certificate_id, "Certificate number");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&]() -> chain::Result<v1::RecordBody> {
      if (!args->farmer.empty()) {
        auto key = ctx.ResolveParticipant(args->farmer);
        if (!key.ok()) return key.status();
        args->farmer_key = chain::AsBytes(*key);
      }
      if (args->lot.empty() && (args->claim.empty() || (args->farmer.empty() &&
                                                        args->organization.empty()))) {
        return Reject(Reason::kMalformed, "name the LOT (or, with --claim, the plot)");
      }
      return BuildCertify(*args);
    });
  });
}

// --- recall, revoke (sell: commands_custody.cc)

void AddRecallSellRevoke(CLI::App& app, Context& ctx, Action& action) {
  auto recall_args = std::make_shared<std::pair<std::string, std::string>>();
  auto recall_flags = std::make_shared<SignFlags>();
  CLI::App* recall = app.add_subcommand(
      "recall", "Recall LOT and every lot made from it (regulator, or the lot's producer)");
  recall->add_option("LOT", recall_args->first, "Lot key 01/{gtin14}/10/{lot}")->required();
  recall->add_option("--reason", recall_args->second, "Why, e.g. \"Listeria found\"")->required();
  AddSignFlags(recall, *recall_flags);
  SetAction(recall, action, [&ctx, recall_args, recall_flags] {
    return BuildAndSend(ctx, *recall_flags, [&]() -> chain::Result<v1::RecordBody> {
      auto lot = Lot(recall_args->first);
      if (!lot.ok()) return lot.status();
      v1::RecordBody body;
      *body.mutable_recall()->mutable_lot() = *lot;
      body.mutable_recall()->set_reason(recall_args->second);
      return body;
    });
  });

  auto revoke_args = std::make_shared<std::pair<std::string, std::string>>();
  auto revoke_flags = std::make_shared<SignFlags>();
  CLI::App* revoke = app.add_subcommand(
      "revoke", "Revoke a participant or device; its later records are rejected (admin)");
  revoke->add_option("WHO", revoke_args->first, "On-chain name, 64-hex key or keystore name")
      ->required();
  revoke->add_option("--reason", revoke_args->second, "Why");
  AddSignFlags(revoke, *revoke_flags);
  SetAction(revoke, action, [&ctx, revoke_args, revoke_flags] {
    return BuildAndSend(ctx, *revoke_flags, [&]() -> chain::Result<v1::RecordBody> {
      auto key = ctx.ResolveParticipant(revoke_args->first);
      if (!key.ok()) return key.status();
      v1::RecordBody body;
      body.mutable_revoke()->set_pubkey(chain::AsBytes(*key));
      body.mutable_revoke()->set_reason(revoke_args->second);
      return body;
    });
  });
}

// --- rotate-key

struct RotateArgs {
  std::string old_key;
  std::string new_key;
  std::string reason;
};

void AddRotateKey(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<RotateArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "rotate-key",
      "Replace a participant's key: the new key keeps its name, roles and everything the old "
      "key held; the old key is revoked (admin)");
  sub->add_option("OLD", args->old_key,
                  "Key to replace: keystore name, 64-hex key or on-chain name")
      ->required();
  sub->add_option("--new", args->new_key, "The new key: keystore name or 64-hex public key")
      ->required();
  sub->add_option("--reason", args->reason, "Why, e.g. \"laptop stolen\"");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&]() -> chain::Result<v1::RecordBody> {
      auto old_key = ctx.ResolveParticipant(args->old_key);
      if (!old_key.ok()) return old_key.status();
      auto new_key = ctx.ResolveParticipant(args->new_key);
      if (!new_key.ok()) return new_key.status();
      v1::RecordBody body;
      v1::RotateKey& rotate = *body.mutable_rotate_key();
      rotate.set_old_pubkey(chain::AsBytes(*old_key));
      rotate.set_new_pubkey(chain::AsBytes(*new_key));
      rotate.set_reason(args->reason);
      return body;
    });
  });
}

// --- correct

struct CorrectArgs {
  std::string record_id;
  std::string reason;
  std::string with_file;
};

// The lot an erroneous record concerns, so the correction shows in that lot's history.
std::optional<v1::LotKey> LotOfRecord(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest: return body.harvest().lot();
    case v1::RecordBody::kShip:  // a pallet's shipment names no lot
      return body.ship().has_lot() ? std::optional(body.ship().lot()) : std::nullopt;
    case v1::RecordBody::kReceive:
      return body.receive().has_lot() ? std::optional(body.receive().lot()) : std::nullopt;
    case v1::RecordBody::kLoss: return body.loss().lot();
    case v1::RecordBody::kCool: return body.cool().lot();
    case v1::RecordBody::kTransform:
      // The node's answer is not trusted to be well formed: no outputs, no lot.
      if (body.transform().outputs().empty()) return std::nullopt;
      return body.transform().outputs(0).lot();
    case v1::RecordBody::kSensorReadings: return body.sensor_readings().lot();
    case v1::RecordBody::kCheckpoint: return body.checkpoint().lot();
    case v1::RecordBody::kCertify: return body.certify().lot();
    case v1::RecordBody::kComplianceCert: return body.compliance_cert().lot();
    case v1::RecordBody::kRecall: return body.recall().lot();
    case v1::RecordBody::kSell: return body.sell().lot();
    case v1::RecordBody::kRegisterParticipant:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
    case v1::RecordBody::kCancelShipment:
    case v1::RecordBody::kAggregate:
    case v1::RecordBody::kDisaggregate:
    case v1::RecordBody::kUpdateParticipant:
    // Origin records (plots, applications, bans): none of this switch's business.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kProposeValidatorChange:
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
    case v1::RecordBody::EVENT_NOT_SET: break;
  }
  return std::nullopt;
}

chain::Status RunCorrect(Context& ctx, const CorrectArgs& args, const SignFlags& flags) {
  auto id = chain::ArrayFromHex<32>(args.record_id);
  if (!id) return Reject(Reason::kMalformed, "RECORD_ID must be 64 hex characters");
  v1::RecordBody body;
  v1::Correction& c = *body.mutable_correction();
  c.set_record_id(chain::AsBytes(*id));
  c.set_reason(args.reason);
  // The lot is only a pointer for the lot's history; an unknown record is the node's call
  // (UNKNOWN_RECORD), so a failed lookup here is not an error.
  if (auto erroneous = ctx.node().GetRecord(chain::AsBytes(*id)); erroneous.ok()) {
    if (auto record = chain::DecodeRecord(erroneous->envelope()); record.ok()) {
      if (auto lot = LotOfRecord(record->body)) *c.mutable_lot() = *lot;
    }
  }
  if (!args.with_file.empty()) {
    auto corrective = ReadSignedFile(args.with_file);
    if (!corrective.ok()) return corrective.status();
    auto response = ctx.node().SubmitRecord(corrective->envelope, true);
    if (!response.ok()) return response.status();
    ctx.out().Warn("submitted the corrective record " + chain::ToHex(corrective->id));
    c.set_corrective_record_id(chain::AsBytes(corrective->id));
  }
  return SignAndSend(ctx, flags, std::move(body));
}

void AddCorrect(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<CorrectArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "correct", "Declare record RECORD_ID erroneous (its signer or an admin); history stays");
  sub->add_option("RECORD_ID", args->record_id, "Hex id of the erroneous record")->required();
  sub->add_option("--reason", args->reason, "What was wrong")->required();
  sub->add_option("--with", args->with_file,
                  "Signed record file (from --out) of the corrective record, submitted first");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] { return RunCorrect(ctx, *args, *flags); });
}

// --- trace

struct TraceArgs {
  std::string lot;
  bool backward = false;
  bool forward = false;
  uint32_t depth = 0;
};

json TraceToJson(Context& ctx, const v1::TraceResponse& trace, bool backward) {
  json links = json::array();
  for (const auto& link : trace.links()) {
    json j = {{"lot", link.lot()},
              {backward ? "child" : "parent", link.via_lot()},
              {"record_id", chain::ToHex(link.record_id())},
              {"depth", link.depth()}};
    if (link.has_state()) {
      j["commodity"] = link.state().commodity();
      j["quantity"] = chain::FormatQuantity(link.state().quantity());
      j["status"] = std::string(chain::LotStatusName(link.state().status()));
      j["recalled_itself"] = link.state().recalled();
      const std::string owner = ctx.NameOf(link.state().owner());
      if (!owner.empty()) j["producer"] = owner;
    }
    links.push_back(std::move(j));
  }
  json recalled = json::array();
  for (const auto& lot : trace.recalled_lots()) recalled.push_back(lot);
  return {{"lot", chain::FormatLotKey(trace.root().lot())},
          {"direction", backward ? "backward" : "forward"},
          {"links", std::move(links)},
          {"truncated", trace.truncated()},
          {"recalled_lots", std::move(recalled)}};
}

chain::Status RunTrace(Context& ctx, const TraceArgs& args) {
  if (args.backward == args.forward) {
    return Reject(Reason::kMalformed, "give exactly one of --backward or --forward");
  }
  auto lot = Lot(args.lot);
  if (!lot.ok()) return lot.status();
  v1::TraceRequest request;
  request.set_lot(chain::FormatLotKey(*lot));
  request.set_direction(args.backward ? v1::TRACE_DIRECTION_BACKWARD
                                      : v1::TRACE_DIRECTION_FORWARD);
  request.set_max_depth(args.depth);
  auto trace = ctx.node().Trace(request);
  if (!trace.ok()) return trace.status();
  json j = TraceToJson(ctx, *trace, args.backward);
  if (ctx.out().json()) {
    ctx.out().Json(j);
    return chain::Status::Ok();
  }
  ctx.out().Line(j["lot"].get<std::string>() + " (" + j["direction"].get<std::string>() + ", " +
                 std::to_string(trace->links_size()) + " links)");
  for (const auto& link : j["links"]) {
    std::string line(2 * link["depth"].get<uint32_t>(), ' ');
    line += link["lot"].get<std::string>();
    if (link.contains("commodity")) line += "  " + link["commodity"].get<std::string>();
    if (link.value("recalled_itself", false)) line += "  RECALLED";
    line += "  via record " + link["record_id"].get<std::string>().substr(0, 16);
    ctx.out().Line(line);
  }
  if (trace->truncated()) ctx.out().Warn("the trace was cut at the node's limit of lots");
  return chain::Status::Ok();
}

void AddTrace(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<TraceArgs>();
  CLI::App* sub = app.add_subcommand(
      "trace", "Every ancestor (--backward) or descendant (--forward) lot of LOT");
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  sub->add_flag("--backward", args->backward, "Ancestors, back to the harvests");
  sub->add_flag("--forward", args->forward, "Descendants, down to retail");
  sub->add_option("--depth", args->depth, "At most N links away (default: no limit)");
  SetAction(sub, action, [&ctx, args] { return RunTrace(ctx, *args); });
}

}  // namespace

chain::Result<v1::ConditionRange> ParseConditionRange(const std::string& temperature,
                                                      const std::string& humidity) {
  v1::ConditionRange range;
  std::optional<int32_t> low;
  std::optional<int32_t> high;
  if (!temperature.empty()) {
    AGRI_RETURN_IF_ERROR(ParseBounds(temperature, "temperature", low, high));
    if (low) range.set_min_temperature_mc(*low);
    if (high) range.set_max_temperature_mc(*high);
  }
  low.reset();
  high.reset();
  if (!humidity.empty()) {
    AGRI_RETURN_IF_ERROR(ParseBounds(humidity, "humidity", low, high));
    if (low) range.set_min_humidity_mpct(*low);
    if (high) range.set_max_humidity_mpct(*high);
  }
  return range;
}

chain::Result<v1::SensorReading> MakeReading(int64_t time_ms, const std::string& temperature,
                                             const std::string& humidity) {
  v1::SensorReading reading;
  reading.set_time_ms(time_ms);
  if (!temperature.empty()) {
    auto t = ParseMilli(temperature, "temperature");
    if (!t.ok()) return t.status();
    reading.set_temperature_mc(*t);
  }
  if (!humidity.empty()) {
    auto h = ParseMilli(humidity, "humidity");
    if (!h.ok()) return h.status();
    reading.set_humidity_mpct(*h);
  }
  return reading;
}

chain::Result<std::vector<v1::SensorReading>> ParseReadingsCsv(const std::string& text) {
  std::vector<v1::SensorReading> out;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("time", 0) == 0) continue;  // blank or header
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    cells.resize(std::max<size_t>(cells.size(), 5));
    auto time = chain::ParseIsoTime(cells[0]);
    if (!time.ok()) {
      return Reject(Reason::kMalformed, "line " + std::to_string(number) + ": " +
                                            time.status().message());
    }
    auto reading = MakeReading(*time, cells[1], cells[2]);
    if (!reading.ok()) {
      return Reject(Reason::kMalformed, "line " + std::to_string(number) + ": " +
                                            reading.status().message());
    }
    if (!cells[3].empty() && !cells[4].empty()) {
      AGRI_RETURN_IF_ERROR(ParseLatLon(cells[3] + "," + cells[4], *reading->mutable_location()));
    }
    out.push_back(*std::move(reading));
    if (out.size() > chain::kMaxSensorReadings) {
      return Reject(Reason::kTooLarge, "at most " + std::to_string(chain::kMaxSensorReadings) +
                                           " readings per record; split the file");
    }
  }
  if (out.empty()) return Reject(Reason::kMalformed, "the readings file has no readings");
  return out;
}

void AddLotEventStatus(Context& ctx, const std::string& lot_key, json& lot_json) {
  v1::TraceRequest request;
  request.set_lot(lot_key);
  request.set_direction(v1::TRACE_DIRECTION_BACKWARD);
  json recalled = json::array();
  if (auto trace = ctx.node().Trace(request); trace.ok()) {
    for (const auto& lot : trace->recalled_lots()) recalled.push_back(lot);
  }
  lot_json["recalled"] = !recalled.empty();
  lot_json["recalled_lots"] = std::move(recalled);
}

void AddEventCommands(CLI::App& app, Context& ctx, Action& action) {
  AddDevice(app, ctx, action);
  AddSensor(app, ctx, action);
  AddCheckpoint(app, ctx, action);
  AddCertify(app, ctx, action);
  AddRecallSellRevoke(app, ctx, action);
  AddRotateKey(app, ctx, action);
  AddCorrect(app, ctx, action);
  AddTrace(app, ctx, action);
  AddExportCommands(app, ctx, action);
}

}  // namespace agritrace::wallet

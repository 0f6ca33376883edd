// plot register|show|transfer|retire, input, ban-ingredient.
#include "wallet-cli/commands_origin.h"

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <set>
#include <vector>
#include <memory>

#include "chain/base/bytes.h"
#include "chain/export/origin_json.h"
#include "chain/model/plot.h"
#include "chain/base/hash.h"
#include "chain/export/record_json.h"
#include "chain/io/file_util.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"
#include "wallet-cli/compliance_slip.h"
#include "wallet-cli/qr_code.h"
#include "wallet-cli/svg_png.h"
#include "wallet-cli/wallet.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

// "lat,lon;lat,lon;..." -> polygon points.
chain::Status ParsePolygon(const std::string& text, v1::RegisterPlot& reg) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    auto point = ParseLocation("", text.substr(start, end - start));
    if (!point.ok()) return point.status();
    if (!point->has_lat_e6()) {
      return Reject(Reason::kMalformed, "--polygon takes \"lat,lon;lat,lon;...\"");
    }
    *reg.add_polygon() = *point;
    start = end + 1;
  }
  return chain::Status::Ok();
}

chain::Status ParseSeasonStart(const std::string& text, v1::RegisterPlot& reg) {
  if (text.empty()) return chain::Status::Ok();
  unsigned month = 0, day = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%2u-%2u%c", &month, &day, &extra) != 2 || month < 1 ||
      month > 12 || day < 1 || day > 31) {
    return Reject(Reason::kMalformed, "--season-start must be MM-DD, e.g. 03-01, not '" + text + "'");
  }
  reg.set_season_start_month(month);
  reg.set_season_start_day(day);
  return chain::Status::Ok();
}

template <typename Build>
chain::Status BuildAndSend(Context& ctx, const SignFlags& flags, Build build) {
  chain::Result<v1::RecordBody> body = build();
  if (!body.ok()) return body.status();
  return SignAndSend(ctx, flags, std::move(*body));
}

void AddPlotRegister(CLI::App& plot, Context& ctx, Action& action) {
  auto args = std::make_shared<PlotArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = plot.add_subcommand(
      "register", "Register plot PLOT for a farmer (inspector or admin who checked the land record)");
  sub->add_option("PLOT", args->plot, "Plot id, unique on the chain, e.g. plot-1")->required();
  sub->add_option("--owner", args->owner, "The farmer who owns it (name, key name or hex key)")
      ->required();
  sub->add_option("--area", args->area, "Area in mu, ha or m2, e.g. 100mu (1 mu = 1/15 ha)")
      ->required();
  sub->add_option("--crop", args->crop, "Crop grown on it, e.g. rice (harvests must name it)")
      ->required();
  sub->add_option("--max-yield", args->max_yield, "Yield cap per area, e.g. 650kg/mu or 9t/ha")
      ->required();
  sub->add_option("--polygon", args->polygon, "Boundary \"lat,lon;lat,lon;...\"");
  sub->add_option("--location", args->location, "A point LAT,LON");
  sub->add_option("--season-start", args->season_start, "First day of the season MM-DD (01-01)");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&]() -> chain::Result<v1::RecordBody> {
      auto owner = ctx.ResolveParticipant(args->owner);
      if (!owner.ok()) return owner.status();
      return BuildRegisterPlot(*args, *owner);
    });
  });
}

std::string OrDash(const json& value) {
  if (value.is_null()) return "-";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// "Niujia village (45.120000, 127.450000) https://www.openstreetmap.org/?mlat=..&mlon=.."
std::string PlaceText(const json& location) {
  std::string out = location.value("name", "");
  if (location.contains("lat") && location.contains("lon")) {
    char where[160];
    const double lat = location["lat"].get<double>(), lon = location["lon"].get<double>();
    std::snprintf(where, sizeof where,
                  "(%.6f, %.6f) https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f", lat, lon,
                  lat, lon);
    out += (out.empty() ? "" : " ") + std::string(where);
  }
  return out;
}

chain::Status RunPlotShow(Context& ctx, const std::string& plot_id) {
  auto plot = ctx.node().GetPlot(plot_id);
  if (!plot.ok()) return plot.status();
  const int64_t now = Context::NowMs();
  auto name_of = [&ctx](const std::string& key) { return ctx.NameOf(key); };
  json j = chain::PlotStateToJson(*plot, now, Context::LocalTzOffset(now), name_of);
  if (ctx.out().json()) {
    ctx.out().Json(j);
    return chain::Status::Ok();
  }
  const std::string owner = j["owner_name"].get<std::string>();
  Fields fields = {{"plot", j["plot"]},
                   {"owner", (owner.empty() ? "" : owner + " ") + "(" + OrDash(j["owner"]) + ")"},
                   {"area", j["area"]},
                   {"crop", j["crop"]},
                   {"max yield", j["max_yield"]},
                   {"season", std::to_string(j["season"].get<int>()) + " (starts " +
                                  j["season_start"].get<std::string>() + ")"},
                   {"cap this season", j["cap"]},
                   {"harvested", j["harvested"]},
                   {"remaining", j["remaining"]}};
  if (j.contains("location")) fields.emplace_back("location", PlaceText(j["location"]));
  if (!j["polygon"].empty()) fields.emplace_back("polygon points", std::to_string(j["polygon"].size()));
  for (const json& input : j["inputs"]) {
    fields.emplace_back("application", input["product"].get<std::string>() + " (" +
                                           input["active_ingredient"].get<std::string>() +
                                           ") " + input["applied"].get<std::string>() +
                                           ", harvest from " +
                                           input["first_harvest_day"].get<std::string>());
  }
  fields.emplace_back("retired", j["retired"].get<bool>()
                                     ? "yes (" + j["retire_reason"].get<std::string>() + ")"
                                     : "no");
  ctx.out().Print(fields);
  return chain::Status::Ok();
}

void AddPlotShow(CLI::App& plot, Context& ctx, Action& action) {
  auto plot_id = std::make_shared<std::string>();
  CLI::App* sub = plot.add_subcommand(
      "show", "Show a plot: owner, area, crop, cap this season, harvested and remaining");
  sub->add_option("PLOT", *plot_id, "Plot id")->required();
  SetAction(sub, action, [&ctx, plot_id] { return RunPlotShow(ctx, *plot_id); });
}

void AddPlotTransfer(CLI::App& plot, Context& ctx, Action& action) {
  auto plot_id = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = plot.add_subcommand(
      "transfer", "Pass a plot to another farmer (its owner, an inspector or an admin)");
  sub->add_option("PLOT", *plot_id, "Plot id")->required();
  sub->add_option("--to", *to, "The new owner (a farmer)")->required();
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, plot_id, to, flags] {
    return BuildAndSend(ctx, *flags, [&]() -> chain::Result<v1::RecordBody> {
      auto owner = ctx.ResolveParticipant(*to);
      if (!owner.ok()) return owner.status();
      v1::RecordBody body;
      body.mutable_transfer_plot()->set_plot_id(*plot_id);
      body.mutable_transfer_plot()->set_new_owner(chain::AsBytes(*owner));
      return body;
    });
  });
}

void AddPlotRetire(CLI::App& plot, Context& ctx, Action& action) {
  auto plot_id = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = plot.add_subcommand(
      "retire", "Retire a plot: no more harvests or applications on it (inspector or admin)");
  sub->add_option("PLOT", *plot_id, "Plot id")->required();
  sub->add_option("--reason", *reason, "Why, e.g. \"merged into plot-8\"")->required();
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, plot_id, reason, flags] {
    v1::RecordBody body;
    body.mutable_retire_plot()->set_plot_id(*plot_id);
    body.mutable_retire_plot()->set_reason(*reason);
    return SignAndSend(ctx, *flags, std::move(body));
  });
}

void AddInput(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<InputArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "input", "Record a pesticide or fertiliser application on PLOT (its owner); --at is when");
  sub->add_option("PLOT", args->plot, "Plot id")->required();
  sub->add_option("--product", args->product, "Product name, e.g. \"Coragen 20% SC\"")->required();
  sub->add_option("--active-ingredient", args->active_ingredient,
                  "Active ingredient, e.g. chlorantraniliprole")
      ->required();
  sub->add_option("--phi-days", args->phi_days,
                  "Pre-harvest interval (安全间隔期) in days; 0 for fertiliser")
      ->required();
  sub->add_option("--rate", args->rate, "Rate, e.g. \"10 ml/mu\"");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&] { return BuildInput(*args); });
  });
}

void AddBanIngredient(CLI::App& app, Context& ctx, Action& action) {
  auto crop = std::make_shared<std::string>();
  auto ingredient = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "ban-ingredient", "Ban an active ingredient for a crop: applications are refused (regulator)");
  sub->add_option("--crop", *crop, "Crop, e.g. rice")->required();
  sub->add_option("--active-ingredient", *ingredient, "Active ingredient")->required();
  sub->add_option("--reason", *reason, "Why (the regulation)")->required();
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, crop, ingredient, reason, flags] {
    v1::RecordBody body;
    body.mutable_ban_ingredient()->set_crop(*crop);
    body.mutable_ban_ingredient()->set_active_ingredient(*ingredient);
    body.mutable_ban_ingredient()->set_reason(*reason);
    return SignAndSend(ctx, *flags, std::move(body));
  });
}

// --- compliance-cert

constexpr const char* kDefaultBaseUrl = "http://127.0.0.1:7480";

struct ComplianceArgs {
  std::string lot;
  std::string basis;
  std::string test_report;  // 64 hex
  std::string base_url;
  std::string svg;
  std::string png;
  std::string size = "80mm";
  int dpi = 0;  // 0: kLabelPrinterDpi for 80mm, kOfficePrinterDpi for a6
};

std::string BaseUrl(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("AGRITRACE_BASE_URL"); env && *env) return env;
  return kDefaultBaseUrl;
}

chain::Result<v1::RecordBody> BuildComplianceCert(const ComplianceArgs& args) {
  auto key = chain::ParseLotKey(args.lot);
  if (!key.ok()) return key.status();
  v1::RecordBody body;
  v1::ComplianceCert& cert = *body.mutable_compliance_cert();
  *cert.mutable_lot() = *key;
  cert.set_basis(chain::ComplianceBasisFromName(args.basis));
  if (cert.basis() == v1::COMPLIANCE_BASIS_UNSPECIFIED) {
    return Reject(Reason::kMalformed, "--basis is self-commitment, self-test, commissioned-test "
                                      "or internal-control, not '" + args.basis + "'");
  }
  if (!args.test_report.empty()) {
    auto hash = chain::ArrayFromHex<32>(args.test_report);
    if (!hash) return Reject(Reason::kMalformed, "--test-report is the report's SHA-256 (64 hex)");
    cert.set_test_report_sha256(chain::AsBytes(*hash));
  }
  return body;
}

// Lots a slip follows back to find the plots behind a packed or processed lot.
constexpr size_t kMaxSlipAncestors = 64;

// The registered plots a lot was harvested from: its own, or its ancestors' (breadth first,
// at most kMaxSlipAncestors lots read).
std::vector<std::string> PlotsBehind(Context& ctx, const v1::LotState& lot) {
  std::vector<std::string> plots;
  std::vector<v1::LotState> queue = {lot};
  std::set<std::string> seen = {chain::FormatLotKey(lot.lot())};
  for (size_t i = 0; i < queue.size() && i < kMaxSlipAncestors; ++i) {
    const v1::LotState current = queue[i];
    if (!current.plot().empty() &&
        std::find(plots.begin(), plots.end(), current.plot()) == plots.end()) {
      plots.push_back(current.plot());
    }
    for (const v1::LotKey& parent : current.parents()) {
      const std::string key = chain::FormatLotKey(parent);
      if (!seen.insert(key).second) continue;
      if (auto response = ctx.node().GetLot(key); response.ok()) queue.push_back(response->lot());
    }
  }
  return plots;
}

// What the slip prints, from the chain: the lot, its producer, its plot and its claims.
ComplianceSlip SlipOf(Context& ctx, const v1::LotState& lot, const std::string& uri,
                      const std::string& record_id) {
  ComplianceSlip slip;
  slip.product = lot.commodity() + (lot.variety().empty() ? "" : " " + lot.variety());
  slip.quantity = chain::FormatQuantity(lot.quantity());
  if (lot.has_net_mass_per_unit()) {
    slip.quantity += " x " + chain::FormatQuantity(lot.net_mass_per_unit());
  }
  slip.lot = chain::FormatLotKey(lot.lot());
  slip.uri = uri;
  slip.record_id = record_id;
  slip.basis = chain::ComplianceBasisName(lot.compliance_basis());
  const int64_t now = Context::NowMs();
  if (auto producer = ctx.node().GetParticipantByKey(lot.owner()); producer.ok()) {
    slip.producer = producer->name() +
                    (producer->organization().empty() ? "" : " (" + producer->organization() + ")");
    slip.phone = producer->contact().phone();
    const int32_t tz = producer->contact().has_tz_offset_min() ? producer->contact().tz_offset_min()
                                                               : Context::LocalTzOffset(now);
    slip.date = chain::CivilDate(now, tz);
    slip.origin = producer->location().name();
  } else {
    slip.date = chain::CivilDate(now, Context::LocalTzOffset(now));
  }
  const std::vector<std::string> plots = PlotsBehind(ctx, lot);
  if (!plots.empty()) slip.origin.clear();
  for (const std::string& plot_id : plots) {
    std::string text = plot_id;
    if (auto plot = ctx.node().GetPlot(plot_id); plot.ok() && !plot->location().name().empty()) {
      text += ", " + plot->location().name();
    }
    slip.origin += (slip.origin.empty() ? "" : "; ") + text;
  }
  for (const json& claim : chain::LotClaimsToJson(lot)) {
    slip.claims.push_back(claim["claim"].get<std::string>() + " " +
                          claim["share_text"].get<std::string>() + " (" +
                          claim["standard"].get<std::string>() + " " +
                          claim["certificate_id"].get<std::string>() + ")");
  }
  return slip;
}

int SlipDpi(const ComplianceArgs& args) {
  if (args.dpi != 0) return args.dpi;
  return args.size == "a6" ? kOfficePrinterDpi : kLabelPrinterDpi;
}

chain::Status RunComplianceCert(Context& ctx, const ComplianceArgs& args, const SignFlags& flags) {
  if (args.size != "80mm" && args.size != "a6") {
    return Reject(Reason::kMalformed, "--size is 80mm or a6");
  }
  if (const int dpi = SlipDpi(args); dpi < kMinPngDpi || dpi > kMaxPngDpi) {
    // Before anything is signed: a bad option must not leave a record on chain.
    return Reject(Reason::kMalformed, "--dpi must be " + std::to_string(kMinPngDpi) + " to " +
                                          std::to_string(kMaxPngDpi) + ", not " +
                                          std::to_string(dpi));
  }
  auto body = BuildComplianceCert(args);
  if (!body.ok()) return body.status();
  auto record = SignForContext(ctx, flags, *body);
  if (!record.ok()) return record.status();
  auto response = ctx.node().SubmitRecord(record->envelope, true);
  if (!response.ok()) return response.status();
  auto lot = ctx.node().GetLot(chain::FormatLotKey(body->compliance_cert().lot()));
  if (!lot.ok()) return lot.status();
  const v1::LotKey& key = body->compliance_cert().lot();
  const std::string uri = DigitalLinkUri(BaseUrl(args.base_url), key.gtin(), key.lot(), "");
  auto qr = EncodeQr(uri);
  if (!qr.ok()) return qr.status();
  const std::string id = chain::ToHex(record->id);
  const ComplianceSlip slip = SlipOf(ctx, lot->lot(), uri, id);
  const std::string svg =
      ComplianceSlipSvg(slip, *qr, args.size == "a6" ? SlipSize::kA6 : SlipSize::k80mm);
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic(args.svg, svg, false));
  const int dpi = SlipDpi(args);
  if (!args.png.empty()) AGRI_RETURN_IF_ERROR(WriteSvgPng(svg, dpi, args.png));
  if (ctx.out().json()) {
    ctx.out().Json({{"record_id", id}, {"height", response->height()}, {"uri", uri},
                    {"svg", args.svg}, {"png", args.png}, {"dpi", args.png.empty() ? 0 : dpi}});
  } else {
    ctx.out().Line("compliance certificate " + id + " committed at height " +
                   std::to_string(response->height()) + "; slip " + args.svg +
                   (args.png.empty() ? ""
                                     : ", " + args.png + " at " + std::to_string(dpi) + " dpi") +
                   " -> " + uri);
  }
  return chain::Status::Ok();
}

void AddComplianceCert(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<ComplianceArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "compliance-cert",
      "Record the producer's commitment (承诺达标合格证) on LOT and write the printable slip");
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  sub->add_option("--basis", args->basis,
                  "self-commitment, self-test, commissioned-test or internal-control")
      ->required();
  sub->add_option("--test-report", args->test_report,
                  "SHA-256 of the test report (required for the test bases)");
  sub->add_option("--base-url", args->base_url,
                  "URI prefix of the QR code (as for `agritrace qr`; env AGRITRACE_BASE_URL)");
  sub->add_option("--svg", args->svg, "Write the printable slip (SVG) to FILE")->required();
  sub->add_option("--png", args->png, "Write the slip rendered for printing (PNG) to FILE");
  sub->add_option("--size", args->size, "80mm (label printers, default) or a6");
  sub->add_option("--dpi", args->dpi,
                  "PNG resolution (default 203 for 80mm label printers, 300 for a6; 72 to 600)");
  sub->add_option("--time", flags->time, "Record timestamp, ISO 8601 (default now)");
  SetAction(sub, action, [&ctx, args, flags] { return RunComplianceCert(ctx, *args, *flags); });
}

}  // namespace

chain::Result<v1::RecordBody> BuildRegisterPlot(const PlotArgs& args, const chain::PubKey& owner) {
  v1::RecordBody body;
  v1::RegisterPlot& reg = *body.mutable_register_plot();
  reg.set_plot_id(args.plot);
  reg.set_owner(chain::AsBytes(owner));
  auto area = chain::ParseArea(args.area);
  if (!area.ok()) return area.status();
  *reg.mutable_area() = *area;
  reg.set_crop(args.crop);
  AGRI_RETURN_IF_ERROR(
      chain::ParseYield(args.max_yield, *reg.mutable_max_yield(), *reg.mutable_max_yield_per()));
  AGRI_RETURN_IF_ERROR(ParsePolygon(args.polygon, reg));
  if (!args.location.empty()) {
    auto location = ParseLocation("", args.location);
    if (!location.ok()) return location.status();
    *reg.mutable_location() = *location;
  }
  AGRI_RETURN_IF_ERROR(ParseSeasonStart(args.season_start, reg));
  return body;
}

chain::Result<v1::RecordBody> BuildInput(const InputArgs& args) {
  v1::RecordBody body;
  v1::InputApplication& input = *body.mutable_input_application();
  input.set_plot_id(args.plot);
  input.set_product(args.product);
  input.set_active_ingredient(args.active_ingredient);
  input.set_phi_days(args.phi_days);
  input.set_rate(args.rate);
  return body;
}

void AddOriginCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* plot = app.add_subcommand("plot", "Registered plots: register, show, transfer, retire");
  plot->require_subcommand(1);
  AddPlotRegister(*plot, ctx, action);
  AddPlotShow(*plot, ctx, action);
  AddPlotTransfer(*plot, ctx, action);
  AddPlotRetire(*plot, ctx, action);
  AddInput(app, ctx, action);
  AddBanIngredient(app, ctx, action);
  AddComplianceCert(app, ctx, action);
}

}  // namespace agritrace::wallet

#include "chain/export/origin_json.h"

#include <cstdio>

#include "chain/base/bytes.h"
#include "chain/export/record_json.h"
#include "chain/model/gs1.h"
#include "chain/model/plot.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

// A mass in milligrams as a quantity text: kilograms when whole grams, else grams.
std::string MassText(int64_t mg) {
  v1::Quantity q;
  if (mg % 1000 == 0) {
    q.set_milli(mg / 1000);
    q.set_unit("kg");
  } else {
    q.set_milli(mg);
    q.set_unit("g");
  }
  return FormatQuantity(q);
}

std::string SeasonStart(const v1::PlotState& plot) {
  const unsigned m = plot.season_start_month() == 0 ? 1 : plot.season_start_month();
  const unsigned d = plot.season_start_day() == 0 ? 1 : plot.season_start_day();
  char out[24];
  std::snprintf(out, sizeof out, "%02u-%02u", m, d);
  return out;
}

json RegisterPlotToJson(const v1::RegisterPlot& r) {
  json out = {{"plot", r.plot_id()},
              {"owner", ToHex(r.owner())},
              {"area", FormatArea(r.area())},
              {"crop", r.crop()},
              {"max_yield", FormatYield(r.max_yield(), r.max_yield_per())}};
  if (r.has_location()) out["location"] = LocationToJson(r.location());
  if (r.polygon_size() > 0) {
    json polygon = json::array();
    for (const v1::Location& p : r.polygon()) polygon.push_back(LocationToJson(p));
    out["polygon"] = std::move(polygon);
  }
  if (r.season_start_month() != 0) {
    v1::PlotState s;
    s.set_season_start_month(r.season_start_month());
    s.set_season_start_day(r.season_start_day());
    out["season_start"] = SeasonStart(s);
  }
  return out;
}

}  // namespace

std::string ComplianceBasisName(v1::ComplianceBasis basis) {
  switch (basis) {
    case v1::COMPLIANCE_BASIS_SELF_COMMITMENT: return "self-commitment";
    case v1::COMPLIANCE_BASIS_SELF_TEST: return "self-test";
    case v1::COMPLIANCE_BASIS_COMMISSIONED_TEST: return "commissioned-test";
    case v1::COMPLIANCE_BASIS_INTERNAL_CONTROL: return "internal-control";
    case v1::COMPLIANCE_BASIS_UNSPECIFIED:
    case v1::ComplianceBasis_INT_MIN_SENTINEL_DO_NOT_USE_:
    case v1::ComplianceBasis_INT_MAX_SENTINEL_DO_NOT_USE_:
      break;
  }
  return "";
}

v1::ComplianceBasis ComplianceBasisFromName(const std::string& name) {
  for (v1::ComplianceBasis basis :
       {v1::COMPLIANCE_BASIS_SELF_COMMITMENT, v1::COMPLIANCE_BASIS_SELF_TEST,
        v1::COMPLIANCE_BASIS_COMMISSIONED_TEST, v1::COMPLIANCE_BASIS_INTERNAL_CONTROL}) {
    if (ComplianceBasisName(basis) == name) return basis;
  }
  return v1::COMPLIANCE_BASIS_UNSPECIFIED;
}

json LotClaimsToJson(const v1::LotState& lot) {
  json out = json::array();
  const int64_t lot_mg = MassMilligrams(lot.quantity(), lot.net_mass_per_unit()).value_or(0);
  for (const v1::LotClaim& c : lot.claims()) {
    // Basis points, rounded down: a share is never shown larger than it is.
    const int64_t bp = lot_mg > 0 ? static_cast<int64_t>(static_cast<__int128>(c.claimed_mg()) *
                                                         10'000 / lot_mg)
                                  : 0;
    char percent[32];
    if (bp % 100 == 0) {
      std::snprintf(percent, sizeof percent, "%lld%%", static_cast<long long>(bp / 100));
    } else {
      std::snprintf(percent, sizeof percent, "%lld.%02lld%%", static_cast<long long>(bp / 100),
                    static_cast<long long>(bp % 100));
    }
    json plots = json::array();
    for (const std::string& p : c.plots()) plots.push_back(p);
    out.push_back({{"claim", c.claim()},
                   {"certificate", ToHex(c.certificate())},
                   {"certificate_id", c.certificate_id()},
                   {"standard", c.standard()},
                   {"claimed", MassText(c.claimed_mg())},
                   {"claimed_mg", c.claimed_mg()},
                   {"share", static_cast<double>(bp) / 10'000},
                   {"share_text", percent},
                   {"plots", std::move(plots)}});
  }
  return out;
}

json OriginEventToJson(const v1::RecordBody& body) {
  if (body.has_register_plot()) return RegisterPlotToJson(body.register_plot());
  if (body.has_transfer_plot()) {
    return {{"plot", body.transfer_plot().plot_id()},
            {"new_owner", ToHex(body.transfer_plot().new_owner())}};
  }
  if (body.has_retire_plot()) {
    return {{"plot", body.retire_plot().plot_id()}, {"reason", body.retire_plot().reason()}};
  }
  if (body.has_input_application()) {
    const v1::InputApplication& i = body.input_application();
    json out = {{"plot", i.plot_id()},
                {"product", i.product()},
                {"active_ingredient", i.active_ingredient()},
                {"phi_days", i.phi_days()}};
    if (!i.rate().empty()) out["rate"] = i.rate();
    return out;
  }
  if (body.has_compliance_cert()) {
    const v1::ComplianceCert& c = body.compliance_cert();
    json out = {{"lot", FormatLotKey(c.lot())}, {"basis", ComplianceBasisName(c.basis())}};
    if (!c.test_report_sha256().empty()) out["test_report_sha256"] = ToHex(c.test_report_sha256());
    return out;
  }
  if (body.has_ban_ingredient()) {
    const v1::BanIngredient& b = body.ban_ingredient();
    return {{"crop", b.crop()}, {"active_ingredient", b.active_ingredient()}, {"reason", b.reason()}};
  }
  return json::object();
}

json PlotStateToJson(const v1::PlotState& plot, int64_t now_ms, int32_t tz_offset_min,
                     const std::function<std::string(const std::string&)>& name_of) {
  const int32_t season = SeasonYear(plot, now_ms, tz_offset_min);
  const int64_t harvested = HarvestedInSeason(plot, season);
  const int64_t remaining = plot.cap_mg() > harvested ? plot.cap_mg() - harvested : 0;
  json out = {{"plot", plot.plot_id()},
              {"owner", ToHex(plot.owner())},
              {"area", FormatArea(plot.area())},
              {"crop", plot.crop()},
              {"max_yield", FormatYield(plot.max_yield(), plot.max_yield_per())},
              {"cap", MassText(plot.cap_mg())},
              {"cap_mg", plot.cap_mg()},
              {"season", season},
              {"season_start", SeasonStart(plot)},
              {"harvested", MassText(harvested)},
              {"harvested_mg", harvested},
              {"remaining", MassText(remaining)},
              {"remaining_mg", remaining},
              {"retired", plot.retired()}};
  if (name_of) out["owner_name"] = name_of(plot.owner());
  if (plot.has_location()) out["location"] = LocationToJson(plot.location());
  json polygon = json::array();
  for (const v1::Location& p : plot.polygon()) polygon.push_back(LocationToJson(p));
  out["polygon"] = std::move(polygon);
  if (plot.retired()) out["retire_reason"] = plot.retire_reason();
  json inputs = json::array();
  for (const v1::PlotInput& i : plot.inputs()) {
    inputs.push_back({{"product", i.product()},
                      {"active_ingredient", i.active_ingredient()},
                      {"applied", FormatIsoTimeWithOffset(i.applied_ms(), i.tz_offset_min())},
                      {"applied_ms", i.applied_ms()},
                      {"phi_days", i.phi_days()},
                      {"first_harvest_day",
                       CivilDate(i.applied_ms() + i.phi_days() * kMsPerDay, i.tz_offset_min())}});
  }
  out["inputs"] = std::move(inputs);
  return out;
}

}  // namespace agritrace::chain

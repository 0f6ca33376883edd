#include "chain/model/plot.h"

#include <array>
#include <cstdio>

#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

// Thirds of a square metre per unit of area (see the header).
struct AreaUnit {
  std::string_view name;
  int64_t thirds_m2;
};
constexpr std::array<AreaUnit, 3> kAreaUnits = {{{"mu", 2'000}, {"ha", 30'000}, {"m2", 3}}};
constexpr int64_t kThirdsM2PerHa = 30'000;
constexpr int64_t kMilliPerUnit = 1000;
constexpr size_t kMaxQuotedChars = 40;
constexpr uint32_t kMonthsPerYear = 12;
constexpr uint32_t kMaxDayOfMonth = 31;
constexpr int64_t kMsPerMinute = 60'000;

// `text` cut to kMaxQuotedChars, in quotes, followed by `rest`.
std::string QuotedThen(std::string_view text, std::string_view rest) {
  std::string out;
  out.reserve(kMaxQuotedChars + rest.size() + 2);
  out.push_back('"');
  out.append(text.substr(0, kMaxQuotedChars));
  out.push_back('"');
  out.append(rest);
  return out;
}

int64_t ThirdsPerUnit(std::string_view unit) {
  for (const AreaUnit& u : kAreaUnits) {
    if (u.name == unit) return u.thirds_m2;
  }
  return 0;
}

// Splits "12.5 mu" into the number and the unit (letters and digits after the number).
void SplitNumber(std::string_view text, std::string_view& number, std::string_view& unit) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  number = text.substr(0, i);
  unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
}

// The civil date of a day number since 1970-01-01 (H. Hinnant's algorithm; proleptic
// Gregorian).
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

bool IsAreaUnit(std::string_view unit) { return ThirdsPerUnit(unit) != 0; }

Result<v1::Area> ParseArea(std::string_view text) {
  std::string_view number, unit;
  SplitNumber(text, number, unit);
  Result<v1::Quantity> amount = ParseQuantity(std::string(number) + "g");
  if (number.empty() || !amount.ok() || !IsAreaUnit(unit)) {
    return Reject(Reason::kMalformed,
                  QuotedThen(text, " is not an area; write a number with at most 3 decimals and "
                                   "mu, ha or m2, e.g. 100mu or 6.5ha"));
  }
  v1::Area area;
  area.set_milli(amount->milli());
  area.set_unit(std::string(unit));
  AGRI_RETURN_IF_ERROR(ValidateArea(area));
  return area;
}

std::string FormatArea(const v1::Area& area) {
  v1::Quantity q;
  q.set_milli(area.milli());
  q.set_unit(area.unit());
  return FormatQuantity(q);
}

Status ValidateArea(const v1::Area& area) {
  const int64_t thirds = ThirdsPerUnit(area.unit());
  if (thirds == 0) {
    return Reject(Reason::kMalformed,
                  "area unit " + QuotedThen(area.unit(), " is not known; use mu, ha or m2"));
  }
  // Compared in thirds of m2 x 1000, where the largest allowed area is 3e12: no overflow for
  // any milli below the bound checked first.
  if (area.milli() <= 0 || area.milli() > kMaxPlotAreaMilliHa * (kThirdsM2PerHa / thirds) ||
      area.milli() * thirds > kMaxPlotAreaMilliHa * kThirdsM2PerHa) {
    return Reject(Reason::kMalformed, "area " + FormatArea(area) +
                                          " must be more than zero and at most 100000ha");
  }
  return Status::Ok();
}

Status ParseYield(std::string_view text, v1::Quantity& mass, std::string& per) {
  const size_t slash = text.find('/');
  Status bad = Reject(Reason::kMalformed,
                      QuotedThen(text, " is not a yield; write a mass per area unit, e.g. "
                                       "650kg/mu or 9t/ha"));
  if (slash == std::string_view::npos) return bad;
  Result<v1::Quantity> q = ParseQuantity(text.substr(0, slash));
  std::string unit(text.substr(slash + 1));
  if (!q.ok() || KindOfUnit(q->unit()) != UnitKind::kMass || !IsAreaUnit(unit)) return bad;
  mass = *q;
  per = unit;
  return Status::Ok();
}

std::string FormatYield(const v1::Quantity& mass, const std::string& per) {
  return FormatQuantity(mass) + "/" + per;
}

Result<int64_t> PlotCapMg(const v1::Area& area, const v1::Quantity& mass, const std::string& per) {
  AGRI_RETURN_IF_ERROR(ValidateArea(area));
  std::optional<int64_t> mg = MassMilligrams(mass);
  const int64_t per_thirds = ThirdsPerUnit(per);
  if (!mg || *mg <= 0 || per_thirds == 0) {
    return Reject(Reason::kMalformed, "the maximum yield must be a mass per mu, ha or m2");
  }
  // area_milli/1000 units x thirds(unit) / thirds(per) x mg; 128-bit keeps it exact.
  __int128 cap = static_cast<__int128>(area.milli()) * ThirdsPerUnit(area.unit()) * *mg;
  cap /= static_cast<__int128>(per_thirds) * kMilliPerUnit;
  if (cap > INT64_MAX) {
    return Reject(Reason::kMalformed, "the plot's cap (area x maximum yield) is too large");
  }
  return static_cast<int64_t>(cap);
}

Result<v1::PlotState> NewPlotState(const v1::RegisterPlot& reg) {
  Result<int64_t> cap = PlotCapMg(reg.area(), reg.max_yield(), reg.max_yield_per());
  if (!cap.ok()) return cap.status();
  if (reg.season_start_month() > kMonthsPerYear || reg.season_start_day() > kMaxDayOfMonth) {
    return Reject(Reason::kMalformed, "the season start must be a month 1-12 and a day 1-31");
  }
  if (reg.polygon_size() > kMaxPlotPolygonPoints) {
    return Reject(Reason::kTooLarge, "a plot polygon has at most " +
                                         std::to_string(kMaxPlotPolygonPoints) + " points");
  }
  v1::PlotState plot;
  plot.set_plot_id(reg.plot_id());
  plot.set_owner(reg.owner());
  *plot.mutable_area() = reg.area();
  plot.set_crop(reg.crop());
  *plot.mutable_max_yield() = reg.max_yield();
  plot.set_max_yield_per(reg.max_yield_per());
  *plot.mutable_polygon() = reg.polygon();
  if (reg.has_location()) *plot.mutable_location() = reg.location();
  plot.set_season_start_month(reg.season_start_month());
  plot.set_season_start_day(reg.season_start_day());
  plot.set_cap_mg(*cap);
  return plot;
}

int32_t SeasonYear(const v1::PlotState& plot, int64_t time_ms, int32_t tz_offset_min) {
  const int64_t local_ms = time_ms + static_cast<int64_t>(tz_offset_min) * kMsPerMinute;
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(local_ms, kMsPerDay), y, m, d);
  const unsigned start_m = plot.season_start_month() == 0 ? 1 : plot.season_start_month();
  const unsigned start_d = plot.season_start_day() == 0 ? 1 : plot.season_start_day();
  const bool before_start = m < start_m || (m == start_m && d < start_d);
  return static_cast<int32_t>(before_start ? y - 1 : y);
}

int64_t HarvestedInSeason(const v1::PlotState& plot, int32_t year) {
  for (const v1::SeasonHarvest& season : plot.seasons()) {
    if (season.year() == year) return season.harvested_mg();
  }
  return 0;
}

std::string CivilDate(int64_t time_ms, int32_t tz_offset_min) {
  const int64_t local_ms = time_ms + static_cast<int64_t>(tz_offset_min) * kMsPerMinute;
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(local_ms, kMsPerDay), y, m, d);
  char out[32];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return out;
}

}  // namespace agritrace::chain

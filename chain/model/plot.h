// Plots: areas, yield caps and seasons, in exact integer arithmetic.
//
// Areas are thousandths of "mu", "ha" or "m2". 1 ha = 15 mu = 10,000 m2, so none of the three
// divides the others evenly (1 mu = 666.67 m2); every area is converted to thirds of a square
// metre (1 m2 = 3, 1 mu = 2,000, 1 ha = 30,000), in which all three are whole, and a cap
// (area x yield per area) is computed once, in milligrams, rounded down (never up: a cap
// rounded up would let a few milligrams of laundered mass in).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// Largest plot: 100,000 ha (a state farm is a few thousand); keeps every product in range.
inline constexpr int64_t kMaxPlotAreaMilliHa = 100'000LL * 1000;
// Most applications a plot keeps for interval checks; older ones fall out (a season's
// spraying programme is a dozen at most).
inline constexpr int kMaxPlotInputs = 64;
// Most TransferPlot/RetirePlot record ids a plot keeps (PlotState.change_records); older ones
// fall out, and the latest transfer alone names the owner.
inline constexpr int kMaxPlotChanges = 32;
// Most seasons a plot keeps harvest totals for (one per year).
inline constexpr int kMaxPlotSeasons = 200;
// Longest pre-harvest interval accepted: a year.
inline constexpr uint32_t kMaxPhiDays = 366;
// Longest plot id, product and ingredient names.
inline constexpr size_t kMaxPlotIdBytes = 64;
// Most polygon vertices of a plot.
inline constexpr int kMaxPlotPolygonPoints = 256;

inline constexpr int64_t kMsPerDay = 24LL * 3600 * 1000;

// True for "mu", "ha", "m2".
bool IsAreaUnit(std::string_view unit);
// "100mu", "6.5 ha", "2000m2" (at most 3 decimals). MALFORMED on failure.
Result<v1::Area> ParseArea(std::string_view text);
std::string FormatArea(const v1::Area& area);
// MALFORMED unless the unit is known and 0 < area <= kMaxPlotAreaMilliHa.
Status ValidateArea(const v1::Area& area);

// "700kg/mu", "9t/ha": a mass per one unit of area. MALFORMED on failure.
Status ParseYield(std::string_view text, v1::Quantity& mass, std::string& per);
std::string FormatYield(const v1::Quantity& mass, const std::string& per);

// area x (mass per one `per`) in milligrams, rounded down. MALFORMED for unknown units or a
// mass that is not a mass.
Result<int64_t> PlotCapMg(const v1::Area& area, const v1::Quantity& mass, const std::string& per);

// A plot's state as registered (no harvests, no inputs). Checks the area, yield, season start
// and polygon (MALFORMED) and computes the cap.
Result<v1::PlotState> NewPlotState(const v1::RegisterPlot& reg);

// The year in which the season holding `time_ms` (seen at UTC offset `tz_offset_min`) began,
// for a season starting each year on month/day (0 = January 1st).
int32_t SeasonYear(const v1::PlotState& plot, int64_t time_ms, int32_t tz_offset_min);
// Mass harvested in that season.
int64_t HarvestedInSeason(const v1::PlotState& plot, int32_t year);

// "2026-03-14" of `time_ms` at `tz_offset_min`.
std::string CivilDate(int64_t time_ms, int32_t tz_offset_min);

}  // namespace agritrace::chain

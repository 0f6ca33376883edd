#include "chain/model/quantity.h"

#include <array>

#include "chain/base/check.h"
#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

// Amounts carry three decimals: milli = value * 1000.
constexpr int64_t kMilliPerUnit = 1000;
constexpr int kMaxDecimals = 3;
// Input echoed in an error message is cut to this length.
constexpr size_t kMaxQuotedChars = 40;

// Mass units and how many milligrams one thousandth of the unit weighs: a thousandth of a
// gram is a milligram, of a kilogram a gram (1000 mg), of a tonne a kilogram (10^6 mg).
struct MassUnit {
  std::string_view name;
  int64_t mg_per_milli;
};
constexpr std::array<MassUnit, 3> kMassUnits = {{{"g", 1}, {"kg", 1'000}, {"t", 1'000'000}}};
constexpr std::array<std::string_view, 2> kCountUnits = {"pcs", "case"};

std::optional<int64_t> MgPerMilli(std::string_view unit) {
  for (const MassUnit& m : kMassUnits) {
    if (m.name == unit) return m.mg_per_milli;
  }
  return std::nullopt;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Parses the leading "123" or "123.456" of `text` into thousandths, consuming it. nullopt on a
// malformed number or one beyond kMaxQuantityMilli.
std::optional<int64_t> ParseMilli(std::string_view& text) {
  int64_t whole = 0;
  size_t i = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > kMaxQuantityMilli / kMilliPerUnit) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  int64_t fraction = 0;
  int decimals = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && IsDigit(text[i]); ++i) {
      if (++decimals > kMaxDecimals) return std::nullopt;
      fraction = fraction * 10 + (text[i] - '0');
    }
    if (decimals == 0) return std::nullopt;
  }
  for (int d = decimals; d < kMaxDecimals; ++d) fraction *= 10;
  text.remove_prefix(i);
  int64_t milli = whole * kMilliPerUnit + fraction;
  if (milli > kMaxQuantityMilli) return std::nullopt;
  return milli;
}

Status NotAQuantity(std::string_view text) {
  std::string message = "\"";
  message.append(text.substr(0, kMaxQuotedChars));
  message.append(
      "\" is not a quantity; write a number with at most 3 decimals and a unit (g, kg, t, pcs "
      "or case), e.g. 1000kg or 2.5t");
  return Reject(Reason::kMalformed, std::move(message));
}

}  // namespace

UnitKind KindOfUnit(std::string_view unit) {
  if (MgPerMilli(unit)) return UnitKind::kMass;
  for (std::string_view count : kCountUnits) {
    if (count == unit) return UnitKind::kCount;
  }
  return UnitKind::kUnknown;
}

Result<v1::Quantity> ParseQuantity(std::string_view text) {
  std::string_view rest = Trim(text);
  std::optional<int64_t> milli = ParseMilli(rest);
  if (!milli) return NotAQuantity(text);
  v1::Quantity q;
  q.set_milli(*milli);
  q.set_unit(std::string(Trim(rest)));
  if (KindOfUnit(q.unit()) == UnitKind::kUnknown) return NotAQuantity(text);
  AGRI_RETURN_IF_ERROR(ValidateQuantity(q));
  return q;
}

std::string FormatQuantity(const v1::Quantity& q) {
  // Magnitude as unsigned so that INT64_MIN (only in a hostile record) formats safely.
  uint64_t magnitude =
      q.milli() < 0 ? 0 - static_cast<uint64_t>(q.milli()) : static_cast<uint64_t>(q.milli());
  std::string out = q.milli() < 0 ? "-" : "";
  out += std::to_string(magnitude / kMilliPerUnit);
  uint64_t fraction = magnitude % kMilliPerUnit;
  if (fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, kMaxDecimals - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + q.unit();
}

Status ValidateQuantity(const v1::Quantity& q) {
  if (KindOfUnit(q.unit()) == UnitKind::kUnknown) {
    return Reject(Reason::kMalformed, "unit \"" + q.unit().substr(0, 16) +
                                          "\" is not known; use g, kg, t, pcs or case");
  }
  if (q.milli() <= 0) {
    return Reject(Reason::kMalformed, "quantity " + FormatQuantity(q) + " must be more than zero");
  }
  if (q.milli() > kMaxQuantityMilli) {
    v1::Quantity max;
    max.set_milli(kMaxQuantityMilli);
    max.set_unit(q.unit());
    return Reject(Reason::kMalformed, "quantity " + FormatQuantity(q) +
                                          " is larger than the most a record may state (" +
                                          FormatQuantity(max) + ")");
  }
  return Status::Ok();
}

std::optional<int64_t> MassMilligrams(const v1::Quantity& q) {
  std::optional<int64_t> factor = MgPerMilli(q.unit());
  if (!factor) return std::nullopt;
  int64_t mg = 0;
  if (__builtin_mul_overflow(q.milli(), *factor, &mg)) return std::nullopt;
  return mg;
}

std::optional<int64_t> MassMilligrams(const v1::Quantity& q,
                                      const v1::Quantity& net_mass_per_unit) {
  if (KindOfUnit(q.unit()) == UnitKind::kMass) return MassMilligrams(q);
  if (KindOfUnit(q.unit()) != UnitKind::kCount) return std::nullopt;
  std::optional<int64_t> per_unit_mg = MassMilligrams(net_mass_per_unit);
  if (!per_unit_mg || *per_unit_mg <= 0) return std::nullopt;
  // q.milli() counts thousandths of an item; 128-bit keeps the product exact before dividing.
  // Rounded down to the milligram: a fraction of a milligram never decides a mass balance.
  __int128 mg = static_cast<__int128>(q.milli()) * *per_unit_mg / kMilliPerUnit;
  if (mg > INT64_MAX || mg < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(mg);
}

std::optional<int64_t> ConvertMilli(const v1::Quantity& q, std::string_view unit) {
  UnitKind from = KindOfUnit(q.unit());
  UnitKind to = KindOfUnit(unit);
  if (from == UnitKind::kCount && q.unit() == unit) return q.milli();
  if (from != UnitKind::kMass || to != UnitKind::kMass) return std::nullopt;
  const std::optional<int64_t> from_mg = MgPerMilli(q.unit());
  const std::optional<int64_t> to_mg = MgPerMilli(unit);
  AGRI_CHECK(from_mg && to_mg);  // both are mass units (KindOfUnit above)
  // 128-bit: milli-t to milligrams can exceed int64 even for quantities that are valid.
  __int128 mg = static_cast<__int128>(q.milli()) * *from_mg;
  int64_t target = *to_mg;
  if (mg % target != 0) return std::nullopt;  // not exact to a thousandth of `unit`
  __int128 milli = mg / target;
  if (milli > INT64_MAX || milli < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(milli);
}

}  // namespace agritrace::chain

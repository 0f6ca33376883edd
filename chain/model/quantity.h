// Quantities and units. Amounts are integers in thousandths of a unit so that arithmetic is
// exact and identical on every node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"

namespace agritrace::chain {

enum class UnitKind { kUnknown, kMass, kCount };

UnitKind KindOfUnit(std::string_view unit);  // "g","kg","t" mass; "pcs","case" count

// Parses "1000kg", "2.5 t", "120pcs" (at most 3 decimals). MALFORMED on failure.
Result<v1::Quantity> ParseQuantity(std::string_view text);
// "1000kg", "2.5t", "120pcs".
std::string FormatQuantity(const v1::Quantity& q);

// MALFORMED unless the unit is known and 0 < milli <= kMaxQuantityMilli.
Status ValidateQuantity(const v1::Quantity& q);

// Mass of a mass-unit quantity in milligrams; nullopt for count units or overflow.
std::optional<int64_t> MassMilligrams(const v1::Quantity& q);
// Mass of a quantity: mass units directly, count units times the net mass per unit.
// nullopt when it cannot be known (count unit without net mass) or would overflow.
std::optional<int64_t> MassMilligrams(const v1::Quantity& q, const v1::Quantity& net_mass_per_unit);

// Converts `q` into `unit` (both mass units, or both the same count unit); nullopt when not
// convertible or not exact to a thousandth.
std::optional<int64_t> ConvertMilli(const v1::Quantity& q, std::string_view unit);

}  // namespace agritrace::chain

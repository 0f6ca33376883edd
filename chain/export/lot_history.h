// What each record in one lot's (or pallet's) history moved, found by replaying the history in
// chain order: a ship without a quantity moved everything its signer held, a receive without
// accept/reject took the whole shipment, a rejected part went back as a shipment of its own.
// The history is the one ChainStore::GetLotHistory gives (it starts with the record that made
// the lot). An amount the records before cannot tell (a history cut short, a key rotated since)
// is left out, never guessed.
//
// Not thread-safe; one replay per history.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "chain/model/record.h"

namespace agritrace::chain {

class LotHistoryReplay {
 public:
  // `lot_key` is "01/{gtin}/10/{lot}" or "00/{sscc}".
  explicit LotHistoryReplay(std::string lot_key);

  // The next record's effect on the lot, in the lot's unit: any of "created", "consumed",
  // "shipped", "accepted", "rejected", "cancelled", "lost", "sold", "aggregated" (put on a
  // pallet), "disaggregated" (taken off), plus "shipment" (hex id of the shipment it opened,
  // received or cancelled), "return_shipment" (the id under which a rejected part goes back)
  // and "pallet" (the SSCC it moved on). {} for records that move nothing.
  nlohmann::json Apply(const Record& record);

 private:
  struct Transit {
    std::string from;
    std::string to;
    std::string sscc;
    int64_t milli = 0;
  };
  using Holder = std::pair<std::string, std::string>;  // party key bytes, pallet SSCC

  nlohmann::json ApplyShip(const Record& record);
  nlohmann::json ApplyReceive(const Record& record);
  nlohmann::json ApplyCancel(const Record& record);
  nlohmann::json ApplyAggregate(const Record& record, bool take_apart);
  nlohmann::json ApplyTransform(const Record& record);
  // The amount in the lot's unit (the quantity's own when the unit is not known yet).
  std::optional<int64_t> InUnit(const v1::Quantity& quantity);
  std::string Text(int64_t milli) const;
  void Create(const std::string& signer, const v1::Quantity& quantity, nlohmann::json& out);
  void Take(const Holder& holder, int64_t milli);
  // The shipment a receive names, or the only one on its way to `to` (on pallet `sscc`).
  const std::string* FindShipment(const std::string& named, const std::string& to,
                                  const std::string& sscc) const;

  std::string key_;
  std::string pallet_sscc_;  // set when key_ is a pallet's
  std::string unit_;
  bool known_ = false;  // the history started where the lot was made
  std::map<Holder, int64_t> held_;
  std::map<std::string, Transit> transit_;  // shipment id bytes -> part on its way
};

}  // namespace agritrace::chain

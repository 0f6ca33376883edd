// Custody: where each part of a lot is, and the events that move parts between holders,
// shipments, pallets and the exits (consumed, lost, sold). Every rule here keeps
//   quantity = holdings + in transit + consumed + lost + sold
// for every lot, in exact integers of the lot's unit.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "chain/base/check.h"
#include "chain/base/limits.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"
#include "chain/rules/internal.h"

namespace agritrace::chain::rules_internal {

// A pallet is a unit of one: 1 pcs, in thousandths.
constexpr int64_t kMilliPerUnit = 1000;

// --- Parts of a lot

int64_t EventTimeMs(const EventEnv& env) { return EventTimeOf(env.record.body); }

int64_t HeldBy(const StateReader& state, const v1::LotState& lot, const std::string& party,
               const std::string& sscc) {
  int64_t milli = 0;
  for (const v1::Holding& holding : lot.holdings()) {
    if (holding.sscc() == sscc && SameParty(state, holding.participant(), party)) {
      milli += holding.milli();
    }
  }
  return milli;
}

bool HoldsAny(const StateReader& state, const v1::LotState& lot, const std::string& party) {
  for (const v1::Holding& holding : lot.holdings()) {
    if (SameParty(state, holding.participant(), party)) return true;
  }
  return false;
}

void AddHolding(v1::LotState& lot, const std::string& party, int64_t milli,
                const std::string& sscc, int64_t since_ms) {
  for (v1::Holding& holding : *lot.mutable_holdings()) {
    if (holding.participant() == party && holding.sscc() == sscc) {
      holding.set_milli(holding.milli() + milli);
      holding.set_since_ms(std::max(holding.since_ms(), since_ms));
      return;
    }
  }
  v1::Holding* holding = lot.add_holdings();
  holding->set_participant(party);
  holding->set_milli(milli);
  holding->set_sscc(sscc);
  holding->set_since_ms(since_ms);
}

void TakeHolding(const StateReader& state, v1::LotState& lot, const std::string& party,
                 int64_t milli, const std::string& sscc) {
  auto* holdings = lot.mutable_holdings();
  for (int i = 0; i < holdings->size() && milli > 0;) {
    v1::Holding& holding = holdings->at(i);
    if (holding.sscc() != sscc || !SameParty(state, holding.participant(), party)) {
      ++i;
      continue;
    }
    const int64_t taken = std::min(milli, holding.milli());
    holding.set_milli(holding.milli() - taken);
    milli -= taken;
    if (holding.milli() == 0) {
      holdings->erase(holdings->begin() + i);
    } else {
      ++i;
    }
  }
}

void RefreshTotals(v1::LotState& lot) {
  int64_t held = 0;
  int64_t moving = 0;
  for (const v1::Holding& holding : lot.holdings()) held += holding.milli();
  for (const v1::InTransit& part : lot.in_transit()) moving += part.milli();
  lot.mutable_quantity_left()->set_milli(held + moving);
  lot.mutable_quantity_left()->set_unit(lot.quantity().unit());
  if (held > 0) {
    lot.set_status(v1::LOT_STATUS_ACTIVE);
  } else if (moving > 0) {
    lot.set_status(v1::LOT_STATUS_IN_TRANSIT);
  } else {
    lot.set_status(v1::LOT_STATUS_CONSUMED);
  }
}

Result<int64_t> AmountInLotUnit(const std::string& lot_key, const v1::LotState& lot,
                                const v1::Quantity& quantity) {
  const std::string& unit = lot.quantity().unit();
  std::optional<int64_t> milli = ConvertMilli(quantity, unit);
  if (!milli) {
    return Reject(Reason::kMalformed, "the amount of lot " + lot_key + " (" +
                                          FormatQuantity(quantity) +
                                          ") cannot be converted exactly into " + unit +
                                          ", the lot's unit; state it in " + unit);
  }
  if (*milli <= 0) {
    return Reject(Reason::kMalformed, "the amount of lot " + lot_key + " must be more than zero");
  }
  return *milli;
}

namespace {

std::string Amount(const v1::LotState& lot, int64_t milli) {
  v1::Quantity q;
  q.set_milli(milli);
  q.set_unit(lot.quantity().unit());
  return FormatQuantity(q);
}

// What the lot is called in messages: its lot key, or "pallet {sscc}".
std::string UnitName(const v1::LotState& lot) {
  return lot.sscc().empty() ? "lot " + FormatLotKey(lot.lot()) : "pallet " + lot.sscc();
}

// How much of the lot is on its way to `party`.
int64_t InTransitTo(const StateReader& state, const v1::LotState& lot, const std::string& party) {
  int64_t milli = 0;
  for (const v1::InTransit& part : lot.in_transit()) {
    if (SameParty(state, part.to(), party)) milli += part.milli();
  }
  return milli;
}

int64_t OnPallets(const StateReader& state, const v1::LotState& lot, const std::string& party) {
  int64_t milli = 0;
  for (const v1::Holding& holding : lot.holdings()) {
    if (!holding.sscc().empty() && SameParty(state, holding.participant(), party)) {
      milli += holding.milli();
    }
  }
  return milli;
}

// The latest event time at which the signer's off-pallet holding grew.
int64_t HeldSinceMs(const StateReader& state, const v1::LotState& lot, const std::string& party) {
  int64_t since = 0;
  for (const v1::Holding& holding : lot.holdings()) {
    if (holding.sscc().empty() && SameParty(state, holding.participant(), party)) {
      since = std::max(since, holding.since_ms());
    }
  }
  return since;
}

// Names of the parties holding (or, with `moving`, receiving) parts of the lot, for messages.
std::string Parties(const StateReader& state, const v1::LotState& lot, bool moving) {
  std::vector<std::string> names;
  const auto add = [&](const std::string& key) {
    std::string name = Who(state, key);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  if (moving) {
    for (const v1::InTransit& part : lot.in_transit()) add(part.to());
  } else {
    for (const v1::Holding& holding : lot.holdings()) add(holding.participant());
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

// Why the signer cannot act on a lot it holds none of (off pallets), from the most useful
// explanation down.
Status NothingHeld(const EventEnv& env, const v1::LotState& lot, std::string_view action) {
  const std::string signer = env.signer_bytes();
  const std::string what = UnitName(lot);
  if (OnPallets(env.scratch, lot, signer) > 0) {
    return Reject(Reason::kOnPallet, "what " + env.signer.name() + " holds of " + what +
                                         " is on a pallet; take it off the pallet (disaggregate) "
                                         "before you " + std::string(action) + " it on its own");
  }
  if (InTransitTo(env.scratch, lot, signer) > 0) {
    return Reject(Reason::kNotCustodian, what + " is still on its way to " + env.signer.name() +
                                             "; record receiving it before you " +
                                             std::string(action) + " it");
  }
  if (lot.quantity_left().milli() == 0) {
    return Reject(Reason::kInsufficientQuantity,
                  what + " has nothing left to " + std::string(action) +
                      "; all of it was packed, transformed, lost or sold (it is used up)");
  }
  if (lot.holdings_size() == 0) {
    return Reject(Reason::kInTransit, what + " is in transit to " +
                                          Parties(env.scratch, lot, true) +
                                          "; it must be received before it moves again");
  }
  return Reject(Reason::kNotCustodian, what + " is held by " + Parties(env.scratch, lot, false) +
                                           ", not by " + env.signer.name() +
                                           "; only a holder can " + std::string(action) + " it");
}

}  // namespace

Status RequireHeld(const EventEnv& env, const v1::LotState& lot, int64_t milli,
                   std::string_view action) {
  const std::string signer = env.signer_bytes();
  const int64_t held = HeldBy(env.scratch, lot, signer);
  const std::string what = UnitName(lot);
  if (held == 0) return NothingHeld(env, lot, action);
  if (held < milli) {
    std::string on_pallet;
    if (const int64_t pallets = OnPallets(env.scratch, lot, signer); pallets > 0) {
      on_pallet = " (and " + Amount(lot, pallets) + " on pallets, which move only with them)";
    }
    return Reject(Reason::kInsufficientQuantity,
                  env.signer.name() + " holds " + Amount(lot, held) + " of " + what + on_pallet +
                      "; this record needs " + Amount(lot, milli));
  }
  const int64_t since = HeldSinceMs(env.scratch, lot, signer);
  if (EventTimeMs(env) < since) {
    return Reject(Reason::kEventTime, "this record says it happened at " +
                                          std::to_string(EventTimeMs(env)) + " ms, before " +
                                          env.signer.name() + " had " + what + " (from " +
                                          std::to_string(since) + " ms); check its --at time");
  }
  return Status::Ok();
}

Status RequireRoomForParts(const std::string& lot_key, const v1::LotState& lot) {
  if (static_cast<size_t>(lot.holdings_size() + lot.in_transit_size()) < kMaxLotParts) {
    return Status::Ok();
  }
  return Reject(Reason::kTooLarge, "lot " + lot_key + " is already split into " +
                                       std::to_string(kMaxLotParts) +
                                       " holdings and shipments; pack part of it into a new lot");
}

namespace {

// --- Loading what an event names: a lot or a pallet.

struct Unit {
  std::string key;  // "01/.../10/..." or "00/{sscc}"
  v1::LotState state;
};

Result<Unit> LoadPallet(const StateReader& state, const std::string& sscc) {
  Unit unit{FormatPalletKey(sscc), {}};
  std::optional<v1::LotState> pallet = state.GetLot(unit.key);
  if (!pallet) {
    return Reject(Reason::kUnknownLot,
                  "pallet " + sscc + " is not on the chain; check the SSCC or aggregate it first");
  }
  unit.state = *std::move(pallet);
  return unit;
}

// The lot or pallet an event names (exactly one is set: checked statelessly).
Result<Unit> LoadUnit(const StateReader& state, const v1::LotKey& lot, const std::string& sscc) {
  if (!sscc.empty()) return LoadPallet(state, sscc);
  Result<v1::LotState> loaded = LoadLot(state, lot);
  if (!loaded.ok()) return loaded.status();
  return Unit{FormatLotKey(lot), *std::move(loaded)};
}

// The content lots of a pallet, loaded.
Result<std::vector<Unit>> LoadContents(const StateReader& state, const v1::LotState& pallet) {
  std::vector<Unit> contents;
  for (const v1::LotAmount& content : pallet.contents()) {
    Result<v1::LotState> lot = LoadLot(state, content.lot());
    if (!lot.ok()) return lot.status();
    contents.push_back(Unit{FormatLotKey(content.lot()), *std::move(lot)});
  }
  return contents;
}

void Save(const EventEnv& env, Unit& unit) {
  RefreshTotals(unit.state);
  Touch(env, unit.key);
  env.scratch.PutLot(unit.key, std::move(unit.state));
}

// --- Ship

Status CheckParty(const EventEnv& env, const std::string& key, std::string_view role,
                  const std::string& what) {
  auto party = env.scratch.GetParticipant(*ArrayFromBytes<32>(key));  // length checked statelessly
  if (!party) {
    return Reject(Reason::kUnknownParticipant, "the " + std::string(role) + " of " + what + " (" +
                                                   Who(env.scratch, key) +
                                                   ") is not a registered participant");
  }
  if (!party->device_owner().empty()) {
    return Reject(Reason::kNotAuthorized, party->name() +
                                              " is a sensor device; lots are shipped to and "
                                              "carried by participants");
  }
  if (party->revoked()) {
    return Reject(Reason::kRevoked, "the " + std::string(role) + " " + party->name() + " of " +
                                        what +
                                        (party->rotated_to().empty()
                                             ? " was revoked and can no longer take part"
                                             : " has a new key; name its new key " +
                                                   ToHex(party->rotated_to())));
  }
  if (role == "carrier" && !HasRole(*party, v1::ROLE_CARRIER)) {
    return Reject(Reason::kNotAuthorized, party->name() +
                                              " is not registered as a carrier, so it cannot "
                                              "carry " + what);
  }
  return Status::Ok();
}

Status CheckShipParties(const EventEnv& env, const v1::Ship& ship, const std::string& what) {
  AGRI_RETURN_IF_ERROR(CheckParty(env, ship.receiver(), "receiver", what));
  if (SameParty(env.scratch, ship.receiver(), env.signer_bytes())) {
    return Reject(Reason::kMalformed, what + " cannot be shipped to " + env.signer.name() +
                                          ", who already holds it; name another receiver");
  }
  if (ship.carrier().empty()) return Status::Ok();
  return CheckParty(env, ship.carrier(), "carrier", what);
}

// A recalled lot moves only back to its producer (a return), never on down the chain.
Status CheckRecallAllowsShip(const EventEnv& env, const Unit& unit, const v1::Ship& ship) {
  Status recalled = RequireNotRecalled(env.scratch, unit.key, unit.state, "shipped");
  if (recalled.ok() || SameParty(env.scratch, unit.state.owner(), ship.receiver())) {
    return Status::Ok();
  }
  return Reject(Reason::kRecalled, recalled.message() +
                                       " except back to its producer (" +
                                       Who(env.scratch, unit.state.owner()) + ")");
}

v1::InTransit Shipment(const EventEnv& env, const v1::Ship& ship, int64_t milli,
                       const std::string& sscc) {
  v1::InTransit part;
  part.set_shipment(AsBytes(env.record.id));
  part.set_from(env.signer_bytes());
  part.set_to(ship.receiver());
  part.set_carrier(ship.carrier());
  part.set_milli(milli);
  part.set_sscc(sscc);
  part.set_shipped_ms(EventTimeMs(env));
  return part;
}

Status ShipLot(const EventEnv& env, Unit& unit, const v1::Ship& ship) {
  int64_t milli = HeldBy(env.scratch, unit.state, env.signer_bytes());
  if (ship.has_quantity()) {
    Result<int64_t> amount = AmountInLotUnit(unit.key, unit.state, ship.quantity());
    if (!amount.ok()) return amount.status();
    milli = *amount;
  }
  AGRI_RETURN_IF_ERROR(RequireHeld(env, unit.state, milli, "ship"));
  AGRI_RETURN_IF_ERROR(RequireRoomForParts(unit.key, unit.state));
  TakeHolding(env.scratch, unit.state, env.signer_bytes(), milli);
  *unit.state.add_in_transit() = Shipment(env, ship, milli, "");
  Save(env, unit);
  return Status::Ok();
}

// A pallet moves whole: the pallet itself and every lot quantity on it.
Status ShipPallet(const EventEnv& env, Unit& pallet, const v1::Ship& ship) {
  if (ship.has_quantity()) {
    return Reject(Reason::kMalformed, "pallet " + pallet.state.sscc() +
                                          " ships whole; leave out the quantity or ship lots");
  }
  AGRI_RETURN_IF_ERROR(RequireHeld(env, pallet.state, kMilliPerUnit, "ship"));
  Result<std::vector<Unit>> contents = LoadContents(env.scratch, pallet.state);
  if (!contents.ok()) return contents.status();
  const std::string& sscc = pallet.state.sscc();
  for (size_t i = 0; i < contents->size(); ++i) {
    Unit& lot = (*contents)[i];
    const int64_t milli = pallet.state.contents(static_cast<int>(i)).quantity().milli();
    AGRI_RETURN_IF_ERROR(CheckRecallAllowsShip(env, lot, ship));
    AGRI_RETURN_IF_ERROR(RequireRoomForParts(lot.key, lot.state));
    TakeHolding(env.scratch, lot.state, env.signer_bytes(), milli, sscc);
    *lot.state.add_in_transit() = Shipment(env, ship, milli, sscc);
    Save(env, lot);
  }
  TakeHolding(env.scratch, pallet.state, env.signer_bytes(), kMilliPerUnit);
  *pallet.state.add_in_transit() = Shipment(env, ship, kMilliPerUnit, "");
  Save(env, pallet);
  return Status::Ok();
}

// --- Receive and cancel

// The shipment of `unit` a receive or cancel names, or (none named) the only one on its way
// to the signer (receive) / from the signer (cancel).
Result<int> FindShipment(const EventEnv& env, const Unit& unit, const std::string& shipment,
                         bool as_receiver) {
  const std::string signer = env.signer_bytes();
  std::vector<int> candidates;
  std::string named;
  for (int i = 0; i < unit.state.in_transit_size(); ++i) {
    const v1::InTransit& part = unit.state.in_transit(i);
    if (!part.sscc().empty()) {  // on a pallet: it moves with the pallet
      if (!shipment.empty() && part.shipment() == shipment) {
        return Reject(Reason::kOnPallet, "shipment " + ToHex(shipment).substr(0, 16) + " of " +
                                             UnitName(unit.state) + " travels on pallet " +
                                             part.sscc() + "; name the pallet (00/" +
                                             part.sscc() + ") instead of the lot");
      }
      continue;
    }
    const std::string& party = as_receiver ? part.to() : part.from();
    if (!shipment.empty() && part.shipment() != shipment) continue;
    if (!SameParty(env.scratch, party, signer)) {
      if (!shipment.empty()) {
        return Reject(Reason::kNotAuthorized,
                      "shipment " + ToHex(shipment).substr(0, 16) + " of " + UnitName(unit.state) +
                          (as_receiver ? " was shipped to " + Who(env.scratch, part.to())
                                       : " was shipped by " + Who(env.scratch, part.from())) +
                          ", not " + (as_receiver ? "to " : "by ") + env.signer.name());
      }
      continue;
    }
    candidates.push_back(i);
    named += (named.empty() ? "" : ", ") + ToHex(part.shipment());
  }
  if (candidates.size() == 1) return candidates.front();
  if (candidates.empty() && shipment.empty() && as_receiver) {
    for (const v1::InTransit& part : unit.state.in_transit()) {
      if (!part.sscc().empty() && SameParty(env.scratch, part.to(), signer)) {
        return Reject(Reason::kOnPallet, UnitName(unit.state) + " is coming on pallet " +
                                             part.sscc() + "; receive the pallet");
      }
    }
    if (unit.state.in_transit_size() == 0) {
      return Reject(Reason::kNotInTransit, UnitName(unit.state) +
                                               " was not shipped; only a shipped lot can be "
                                               "received");
    }
    return Reject(Reason::kNotAuthorized, UnitName(unit.state) + " was shipped to " +
                                              Parties(env.scratch, unit.state, true) + ", not to " +
                                              env.signer.name() +
                                              "; only the named receiver can receive it");
  }
  if (candidates.empty()) {
    return Reject(Reason::kUnknownShipment,
                  shipment.empty()
                      ? "no shipment of " + UnitName(unit.state) + " is on its way " +
                            (as_receiver ? "to " : "from ") + env.signer.name()
                      : "shipment " + ToHex(shipment) + " of " + UnitName(unit.state) +
                            " is not on its way (unknown, already received or cancelled)");
  }
  return Reject(Reason::kUnknownShipment, std::to_string(candidates.size()) + " shipments of " +
                                              UnitName(unit.state) + " are on their way " +
                                              (as_receiver ? "to " : "from ") + env.signer.name() +
                                              "; name one with --shipment: " + named);
}

Status RequireAfterShipment(const EventEnv& env, const v1::InTransit& part, std::string_view verb) {
  if (EventTimeMs(env) >= part.shipped_ms()) return Status::Ok();
  return Reject(Reason::kEventTime, "this record says it was " + std::string(verb) + " at " +
                                        std::to_string(EventTimeMs(env)) +
                                        " ms, before the shipment left (" +
                                        std::to_string(part.shipped_ms()) +
                                        " ms); check its --at time");
}

struct ReceiveSplit {
  int64_t accept = 0;
  int64_t reject = 0;
};

Result<ReceiveSplit> SplitReceive(const Unit& unit, const v1::Receive& receive, int64_t shipped) {
  ReceiveSplit split{shipped, 0};
  if (!receive.has_accept() && !receive.has_reject()) return split;
  split.accept = 0;
  if (receive.has_accept()) {
    std::optional<int64_t> milli = ConvertMilli(receive.accept(), unit.state.quantity().unit());
    if (!milli) return AmountInLotUnit(unit.key, unit.state, receive.accept()).status();
    split.accept = *milli;
  }
  if (receive.has_reject()) {
    std::optional<int64_t> milli = ConvertMilli(receive.reject(), unit.state.quantity().unit());
    if (!milli) return AmountInLotUnit(unit.key, unit.state, receive.reject()).status();
    split.reject = *milli;
  }
  if (!receive.has_accept()) split.accept = shipped - split.reject;
  if (!receive.has_reject()) split.reject = shipped - split.accept;
  if (split.accept < 0 || split.reject < 0 || split.accept + split.reject != shipped) {
    return Reject(Reason::kInsufficientQuantity,
                  "the shipment of " + UnitName(unit.state) + " is " + Amount(unit.state, shipped) +
                      "; what is accepted and rejected must add up to it");
  }
  return split;
}

Status ReceiveLot(const EventEnv& env, Unit& unit, const v1::Receive& receive) {
  Result<int> index = FindShipment(env, unit, receive.shipment(), true);
  if (!index.ok()) return index.status();
  const v1::InTransit part = unit.state.in_transit(*index);
  AGRI_RETURN_IF_ERROR(RequireAfterShipment(env, part, "received"));
  Result<ReceiveSplit> split = SplitReceive(unit, receive, part.milli());
  if (!split.ok()) return split.status();
  if (split->reject > 0 && receive.reject_reason().empty()) {
    return Reject(Reason::kMalformed, "say why part of " + UnitName(unit.state) +
                                          " is rejected (--reason)");
  }
  unit.state.mutable_in_transit()->erase(unit.state.mutable_in_transit()->begin() + *index);
  if (split->accept > 0) {
    AddHolding(unit.state, env.signer_bytes(), split->accept, "", EventTimeMs(env));
  }
  if (split->reject > 0) {
    // The rejected part goes back to its shipper as a shipment of its own (this record's id).
    v1::InTransit back;
    back.set_shipment(AsBytes(env.record.id));
    back.set_from(env.signer_bytes());
    back.set_to(part.from());
    back.set_milli(split->reject);
    back.set_shipped_ms(EventTimeMs(env));
    back.set_returned(true);
    *unit.state.add_in_transit() = std::move(back);
  }
  Save(env, unit);
  return Status::Ok();
}

// Moves every part of a pallet shipment (the pallet and each lot on it) with `move`.
template <typename Move>
Status MovePalletShipment(const EventEnv& env, Unit& pallet, int index, Move move) {
  const v1::InTransit part = pallet.state.in_transit(index);
  Result<std::vector<Unit>> contents = LoadContents(env.scratch, pallet.state);
  if (!contents.ok()) return contents.status();
  for (Unit& lot : *contents) {
    auto* parts = lot.state.mutable_in_transit();
    auto it = std::find_if(parts->begin(), parts->end(), [&](const v1::InTransit& p) {
      return p.shipment() == part.shipment() && p.sscc() == pallet.state.sscc();
    });
    AGRI_CHECK(it != parts->end());  // a pallet's lots travel with it
    const v1::InTransit lot_part = *it;
    parts->erase(it);
    move(lot.state, lot_part, pallet.state.sscc());
    Save(env, lot);
  }
  pallet.state.mutable_in_transit()->erase(pallet.state.mutable_in_transit()->begin() + index);
  move(pallet.state, part, "");
  Save(env, pallet);
  return Status::Ok();
}

Status ReceivePallet(const EventEnv& env, Unit& pallet, const v1::Receive& receive) {
  if (receive.has_accept() || receive.has_reject()) {
    return Reject(Reason::kMalformed, "pallet " + pallet.state.sscc() +
                                          " is received whole; take it apart (disaggregate) and "
                                          "ship back what you reject");
  }
  Result<int> index = FindShipment(env, pallet, receive.shipment(), true);
  if (!index.ok()) return index.status();
  AGRI_RETURN_IF_ERROR(RequireAfterShipment(env, pallet.state.in_transit(*index), "received"));
  const std::string receiver = env.signer_bytes();
  const int64_t at = EventTimeMs(env);
  return MovePalletShipment(env, pallet, *index,
                            [&](v1::LotState& lot, const v1::InTransit& part,
                                const std::string& sscc) {
                              AddHolding(lot, receiver, part.milli(), sscc, at);
                            });
}

}  // namespace

Status ApplyShip(const EventEnv& env) {
  const v1::Ship& ship = env.record.body.ship();
  Result<Unit> unit = LoadUnit(env.scratch, ship.lot(), ship.sscc());
  if (!unit.ok()) return unit.status();
  const std::string what = UnitName(unit->state);
  AGRI_RETURN_IF_ERROR(CheckShipParties(env, ship, what));
  if (!ship.sscc().empty()) return ShipPallet(env, *unit, ship);
  AGRI_RETURN_IF_ERROR(CheckRecallAllowsShip(env, *unit, ship));
  return ShipLot(env, *unit, ship);
}

Status ApplyReceive(const EventEnv& env) {
  const v1::Receive& receive = env.record.body.receive();
  Result<Unit> unit = LoadUnit(env.scratch, receive.lot(), receive.sscc());
  if (!unit.ok()) return unit.status();
  if (!receive.sscc().empty()) return ReceivePallet(env, *unit, receive);
  return ReceiveLot(env, *unit, receive);
}

Status ApplyCancelShipment(const EventEnv& env) {
  const v1::CancelShipment& cancel = env.record.body.cancel_shipment();
  Result<Unit> unit = LoadUnit(env.scratch, cancel.lot(), cancel.sscc());
  if (!unit.ok()) return unit.status();
  Result<int> index = FindShipment(env, *unit, cancel.shipment(), false);
  if (!index.ok()) return index.status();
  AGRI_RETURN_IF_ERROR(RequireAfterShipment(env, unit->state.in_transit(*index), "cancelled"));
  const int64_t at = EventTimeMs(env);
  const auto back = [&](v1::LotState& lot, const v1::InTransit& part, const std::string& sscc) {
    AddHolding(lot, part.from(), part.milli(), sscc, at);
  };
  if (!cancel.sscc().empty()) return MovePalletShipment(env, *unit, *index, back);
  const v1::InTransit part = unit->state.in_transit(*index);
  unit->state.mutable_in_transit()->erase(unit->state.mutable_in_transit()->begin() + *index);
  back(unit->state, part, "");
  Save(env, *unit);
  return Status::Ok();
}

// --- Exits: loss and retail sale

Status ApplyLoss(const EventEnv& env) {
  const v1::Loss& loss = env.record.body.loss();
  Result<v1::LotState> loaded = LoadLot(env.scratch, loss.lot());
  if (!loaded.ok()) return loaded.status();
  Unit unit{FormatLotKey(loss.lot()), *std::move(loaded)};
  Result<int64_t> milli = AmountInLotUnit(unit.key, unit.state, loss.quantity());
  if (!milli.ok()) return milli.status();
  // Recalled stock may be lost too: destroying it is how a recall ends.
  AGRI_RETURN_IF_ERROR(RequireHeld(env, unit.state, *milli, "record a loss of"));
  TakeHolding(env.scratch, unit.state, env.signer_bytes(), *milli);
  unit.state.set_lost_milli(unit.state.lost_milli() + *milli);
  Save(env, unit);
  return Status::Ok();
}

Status ApplySell(const EventEnv& env) {
  const v1::Sell& sell = env.record.body.sell();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_RETAILER}, "record retail sales"));
  Result<v1::LotState> loaded = LoadLot(env.scratch, sell.lot());
  if (!loaded.ok()) return loaded.status();
  Unit unit{FormatLotKey(sell.lot()), *std::move(loaded)};
  int64_t milli = HeldBy(env.scratch, unit.state, env.signer_bytes());
  if (sell.has_quantity()) {
    Result<int64_t> amount = AmountInLotUnit(unit.key, unit.state, sell.quantity());
    if (!amount.ok()) return amount.status();
    milli = *amount;
  }
  AGRI_RETURN_IF_ERROR(RequireHeld(env, unit.state, milli, "sell"));
  AGRI_RETURN_IF_ERROR(RequireNotRecalled(env.scratch, unit.key, unit.state, "sold"));
  TakeHolding(env.scratch, unit.state, env.signer_bytes(), milli);
  unit.state.set_sold_milli(unit.state.sold_milli() + milli);
  Save(env, unit);
  return Status::Ok();
}

// --- Cooling: no quantity moves; the record joins the lot's history.

Status ApplyCool(const EventEnv& env) {
  const v1::Cool& cool = env.record.body.cool();
  Result<v1::LotState> loaded = LoadLot(env.scratch, cool.lot());
  if (!loaded.ok()) return loaded.status();
  const std::string lot_key = FormatLotKey(cool.lot());
  // The person who cools holds what is cooled (1.1325(b)): some of it off pallets, held by the
  // cooling time (RequireHeld's reasons), or some of it on a pallet (pallets go into cold
  // storage whole).
  const int64_t held = HeldBy(env.scratch, *loaded, env.signer_bytes());
  if (held > 0 || !HoldsAny(env.scratch, *loaded, env.signer_bytes())) {
    AGRI_RETURN_IF_ERROR(RequireHeld(env, *loaded, held == 0 ? 1 : held, "cool"));
  }
  AGRI_RETURN_IF_ERROR(RequireNotRecalled(env.scratch, lot_key, *loaded, "cooled"));
  Touch(env, lot_key);
  return Status::Ok();
}

// --- Pallets

Status ApplyAggregate(const EventEnv& env) {
  const v1::Aggregate& aggregate = env.record.body.aggregate();
  const std::string pallet_key = FormatPalletKey(aggregate.sscc());
  if (env.scratch.GetLot(pallet_key)) {
    return Reject(Reason::kLotExists, "pallet " + aggregate.sscc() +
                                          " already exists; an SSCC is used once, give the "
                                          "pallet a new one");
  }
  const int64_t at = EventTimeMs(env);
  v1::LotState pallet;
  pallet.set_sscc(aggregate.sscc());
  for (const v1::LotAmount& content : aggregate.contents()) {
    Result<v1::LotState> loaded = LoadLot(env.scratch, content.lot());
    if (!loaded.ok()) return loaded.status();
    Unit lot{FormatLotKey(content.lot()), *std::move(loaded)};
    Result<int64_t> milli = AmountInLotUnit(lot.key, lot.state, content.quantity());
    if (!milli.ok()) return milli.status();
    AGRI_RETURN_IF_ERROR(RequireHeld(env, lot.state, *milli, "put on a pallet"));
    AGRI_RETURN_IF_ERROR(RequireRoomForParts(lot.key, lot.state));
    TakeHolding(env.scratch, lot.state, env.signer_bytes(), *milli);
    AddHolding(lot.state, env.signer_bytes(), *milli, aggregate.sscc(), at);
    v1::LotAmount* on_pallet = pallet.add_contents();
    *on_pallet->mutable_lot() = content.lot();
    on_pallet->mutable_quantity()->set_milli(*milli);
    on_pallet->mutable_quantity()->set_unit(lot.state.quantity().unit());
    Save(env, lot);
  }
  pallet.mutable_quantity()->set_milli(kMilliPerUnit);
  pallet.mutable_quantity()->set_unit("pcs");
  pallet.set_owner(env.signer_bytes());
  pallet.set_created_by_record(AsBytes(env.record.id));
  pallet.set_created_height(env.ctx.height);
  pallet.set_created_ms(at);
  AddHolding(pallet, env.signer_bytes(), kMilliPerUnit, "", at);
  Unit unit{pallet_key, std::move(pallet)};
  Save(env, unit);
  return Status::Ok();
}

Status ApplyDisaggregate(const EventEnv& env) {
  const v1::Disaggregate& disaggregate = env.record.body.disaggregate();
  Result<Unit> pallet = LoadPallet(env.scratch, disaggregate.sscc());
  if (!pallet.ok()) return pallet.status();
  AGRI_RETURN_IF_ERROR(
      RequireHeld(env, pallet->state, kMilliPerUnit, "take apart"));
  Result<std::vector<Unit>> contents = LoadContents(env.scratch, pallet->state);
  if (!contents.ok()) return contents.status();
  const int64_t at = EventTimeMs(env);
  for (size_t i = 0; i < contents->size(); ++i) {
    Unit& lot = (*contents)[i];
    const int64_t milli = pallet->state.contents(static_cast<int>(i)).quantity().milli();
    AGRI_CHECK(HeldBy(env.scratch, lot.state, env.signer_bytes(), disaggregate.sscc()) == milli);
    TakeHolding(env.scratch, lot.state, env.signer_bytes(), milli, disaggregate.sscc());
    AddHolding(lot.state, env.signer_bytes(), milli, "", at);
    Save(env, lot);
  }
  TakeHolding(env.scratch, pallet->state, env.signer_bytes(), kMilliPerUnit);
  pallet->state.set_consumed_milli(kMilliPerUnit);
  Save(env, *pallet);
  return Status::Ok();
}

}  // namespace agritrace::chain::rules_internal

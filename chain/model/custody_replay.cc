#include "chain/model/custody_replay.h"

#include "chain/model/attestation.h"

#include <algorithm>

#include "chain/base/bytes.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

std::string Short(const std::string& key_bytes) { return ToHex(key_bytes).substr(0, 16); }

std::string Amount(const std::string& unit, int64_t milli) {
  v1::Quantity q;
  q.set_milli(milli);
  q.set_unit(unit);
  return FormatQuantity(q);
}

}  // namespace

const CustodyReplay::Moves& CustodyReplay::MovesOf(size_t i) const {
  static const Moves kNone;
  auto it = moves_.find(i);
  return it == moves_.end() ? kNone : it->second;
}

void CustodyReplay::Note(const std::string& lot, const Lot& state, int64_t milli, bool rejected) {
  Moves& moves = moves_[current_];
  (rejected ? moves.rejected : moves.moved).push_back({lot, milli, state.unit});
}

std::optional<std::vector<std::string>> CustodyReplay::Parents(const std::string& lot) const {
  auto it = lots_.find(lot);
  if (it == lots_.end()) return std::nullopt;
  return it->second.parents;
}

bool CustodyReplay::SameParty(const std::string& stored, const std::string& acting) const {
  std::string key = stored;
  for (size_t hop = 0; hop <= successors_.size(); ++hop) {  // a cycle cannot spin
    if (key == acting) return true;
    auto next = successors_.find(key);
    if (next == successors_.end()) return false;
    key = next->second;
  }
  return false;
}

void CustodyReplay::Create(size_t i, const std::string& lot, const Record& r,
                           const v1::Quantity& quantity, std::vector<std::string> parents) {
  if (lots_.count(lot)) return problem_(i, "creates lot " + lot + " a second time");
  Lot& created = lots_[lot];
  created.unit = quantity.unit();
  created.parents = std::move(parents);
  Give(created, ActingKey(r), quantity.milli(), "");
}

std::optional<int64_t> CustodyReplay::InUnit(size_t i, const Lot& lot, const std::string& key,
                                             const v1::Quantity& quantity) {
  std::optional<int64_t> milli = ConvertMilli(quantity, lot.unit);
  if (!milli || *milli <= 0) {
    problem_(i, "states an amount of lot " + key + " that is not a positive amount in " + lot.unit);
    return std::nullopt;
  }
  return milli;
}

int64_t CustodyReplay::HeldNow(const std::string& lot, const std::string& party) const {
  auto it = lots_.find(lot);
  if (it == lots_.end()) return 0;
  int64_t milli = 0;
  for (const Part& part : it->second.held) {
    if (SameParty(part.party, party)) milli += part.milli;
  }
  return milli;
}

int64_t CustodyReplay::HeldBy(const Lot& lot, const std::string& party,
                              const std::string& sscc) const {
  int64_t milli = 0;
  for (const Part& part : lot.held) {
    if (part.sscc == sscc && SameParty(part.party, party)) milli += part.milli;
  }
  return milli;
}

bool CustodyReplay::Take(size_t i, Lot& lot, const std::string& key, const std::string& party,
                         std::optional<int64_t> milli, const std::string& sscc,
                         const char* action, int64_t* taken) {
  const int64_t held = HeldBy(lot, party, sscc);
  const int64_t want = milli.value_or(held);
  if (held == 0) {
    bool shipped = false;
    for (const auto& [id, transit] : lot.transit) {
      shipped |= SameParty(transit.from, party) || SameParty(transit.to, party);
    }
    problem_(i, shipped ? std::string(action) + " lot " + key + " while it is in transit"
                        : "the signer " + Short(party) + " " + action + " lot " + key +
                              " without holding it" + (sscc.empty() ? "" : " on pallet " + sscc));
    return false;
  }
  if (want <= 0 || held < want) {
    problem_(i, "the signer " + Short(party) + " " + action + " " + Amount(lot.unit, want) +
                    " of lot " + key + " but holds only " + Amount(lot.unit, held) +
                    (sscc.empty() ? "" : " on pallet " + sscc));
    return false;
  }
  int64_t left = want;
  for (auto it = lot.held.begin(); it != lot.held.end() && left > 0;) {
    if (it->sscc != sscc || !SameParty(it->party, party)) {
      ++it;
      continue;
    }
    const int64_t part = std::min(left, it->milli);
    it->milli -= part;
    left -= part;
    it = it->milli == 0 ? lot.held.erase(it) : it + 1;
  }
  if (taken) *taken = want;
  Note(key, lot, want);
  return true;
}

void CustodyReplay::Give(Lot& lot, const std::string& party, int64_t milli,
                         const std::string& sscc) {
  for (Part& part : lot.held) {
    if (part.party == party && part.sscc == sscc) {
      part.milli += milli;
      return;
    }
  }
  lot.held.push_back({party, sscc, milli});
}

std::optional<std::string> CustodyReplay::FindShipment(size_t i, const Lot& lot,
                                                       const std::string& key,
                                                       const std::string& named,
                                                       const std::string& party, bool as_receiver,
                                                       bool on_pallet) {
  std::vector<std::string> candidates;
  for (const auto& [id, transit] : lot.transit) {
    if (on_pallet == transit.sscc.empty()) continue;
    if (!named.empty() && id != named) continue;
    if (SameParty(as_receiver ? transit.to : transit.from, party)) candidates.push_back(id);
  }
  if (candidates.size() == 1) return candidates.front();
  const std::string verb = std::string(as_receiver ? "receives " : "cancels a shipment of ") +
                           (on_pallet ? "" : "lot ");
  if (candidates.size() > 1) {
    problem_(i, verb + key + " without naming which of its shipments");
  } else if (lot.transit.empty()) {
    problem_(i, verb + key + " that no earlier record shipped");
  } else {
    problem_(i, verb + key + (as_receiver ? " that was shipped to someone else"
                                          : " that someone else shipped"));
  }
  return std::nullopt;
}

void CustodyReplay::Transform(size_t i, const Record& r) {
  std::vector<std::string> inputs;
  for (const v1::LotAmount& input : r.body.transform().inputs()) {
    const std::string key = FormatLotKey(input.lot());
    inputs.push_back(key);
    auto it = lots_.find(key);
    // Inputs outside the lineage (another product's) have no history here.
    if (it == lots_.end()) continue;
    if (std::optional<int64_t> milli = InUnit(i, it->second, key, input.quantity())) {
      Take(i, it->second, key, ActingKey(r), milli, "", "transforms");
    }
  }
  for (const v1::LotOutput& output : r.body.transform().outputs()) {
    Create(i, FormatLotKey(output.lot()), r, output.quantity(), inputs);
  }
}

void CustodyReplay::Ship(size_t i, const Record& r) {
  const v1::Ship& ship = r.body.ship();
  const std::string signer = ActingKey(r);
  const std::string shipment = AsBytes(r.id);
  if (!ship.sscc().empty()) {
    auto pallet = pallets_.find(ship.sscc());
    if (pallet == pallets_.end()) {
      return problem_(i, "ships pallet " + ship.sscc() + ", which no record in the bundle built");
    }
    for (const auto& [key, milli] : pallet->second.contents) {
      auto lot = lots_.find(key);
      if (lot == lots_.end()) continue;
      if (Take(i, lot->second, key, signer, milli, ship.sscc(), "ships")) {
        lot->second.transit[shipment] = {signer, ship.receiver(), ship.sscc(), milli};
      }
    }
    return;
  }
  const std::string key = FormatLotKey(ship.lot());
  auto lot = lots_.find(key);
  if (lot == lots_.end()) {
    return problem_(i, "ships lot " + key + ", which no record in the bundle created");
  }
  std::optional<int64_t> milli;
  if (ship.has_quantity()) {
    milli = InUnit(i, lot->second, key, ship.quantity());
    if (!milli) return;
  }
  int64_t taken = 0;
  if (Take(i, lot->second, key, signer, milli, "", "ships", &taken)) {
    lot->second.transit[shipment] = {signer, ship.receiver(), "", taken};
  }
}

void CustodyReplay::MovePallet(const std::string& sscc, const std::string& shipment,
                               const std::function<void(Lot&, const Transit&)>& move) {
  for (auto& [key, lot] : lots_) {
    auto it = lot.transit.find(shipment);
    if (it == lot.transit.end() || it->second.sscc != sscc) continue;
    const Transit transit = it->second;
    lot.transit.erase(it);
    move(lot, transit);
    Note(key, lot, transit.milli);
  }
}

void CustodyReplay::Receive(size_t i, const Record& r) {
  const v1::Receive& receive = r.body.receive();
  const std::string signer = ActingKey(r);
  if (!receive.sscc().empty()) {
    auto pallet = pallets_.find(receive.sscc());
    if (pallet == pallets_.end()) {
      return problem_(i, "receives pallet " + receive.sscc() + ", which no record built");
    }
    for (const auto& [key, milli] : pallet->second.contents) {
      auto lot = lots_.find(key);
      if (lot == lots_.end()) continue;
      std::optional<std::string> shipment = FindShipment(
          i, lot->second, "pallet " + receive.sscc(), receive.shipment(), signer, true, true);
      if (!shipment) return;
      return MovePallet(receive.sscc(), *shipment, [&](Lot& moved, const Transit& transit) {
        Give(moved, signer, transit.milli, transit.sscc);
      });
    }
    return;
  }
  const std::string key = FormatLotKey(receive.lot());
  auto lot = lots_.find(key);
  if (lot == lots_.end()) return problem_(i, "receives lot " + key + " that no record created");
  std::optional<std::string> shipment =
      FindShipment(i, lot->second, key, receive.shipment(), signer, true, false);
  if (!shipment) return;
  const Transit transit = lot->second.transit[*shipment];
  int64_t reject = 0;
  if (receive.has_reject()) {
    std::optional<int64_t> milli = ConvertMilli(receive.reject(), lot->second.unit);
    reject = milli.value_or(-1);
  }
  int64_t accept = transit.milli - reject;
  if (receive.has_accept()) {
    std::optional<int64_t> milli = ConvertMilli(receive.accept(), lot->second.unit);
    accept = milli.value_or(-1);
    if (!receive.has_reject()) reject = transit.milli - accept;
  }
  if (accept < 0 || reject < 0 || accept + reject != transit.milli) {
    return problem_(i, "accepts and rejects amounts of lot " + key +
                           " that do not add up to the shipment");
  }
  lot->second.transit.erase(*shipment);
  if (accept > 0) Give(lot->second, signer, accept, "");
  if (reject > 0) lot->second.transit[AsBytes(r.id)] = {signer, transit.from, "", reject};
  Note(key, lot->second, accept);
  if (reject > 0) Note(key, lot->second, reject, true);
}

void CustodyReplay::Cancel(size_t i, const Record& r) {
  const v1::CancelShipment& cancel = r.body.cancel_shipment();
  const std::string signer = ActingKey(r);
  if (!cancel.sscc().empty()) {
    return MovePallet(cancel.sscc(), cancel.shipment(), [&](Lot& lot, const Transit& transit) {
      if (!SameParty(transit.from, signer)) {
        problem_(i, "cancels a pallet shipment someone else sent");
      }
      Give(lot, transit.from, transit.milli, transit.sscc);
    });
  }
  const std::string key = FormatLotKey(cancel.lot());
  auto lot = lots_.find(key);
  if (lot == lots_.end()) return problem_(i, "cancels a shipment of lot " + key + " unknown here");
  std::optional<std::string> shipment =
      FindShipment(i, lot->second, key, cancel.shipment(), signer, false, false);
  if (!shipment) return;
  const Transit transit = lot->second.transit[*shipment];
  lot->second.transit.erase(*shipment);
  Give(lot->second, transit.from, transit.milli, "");
  Note(key, lot->second, transit.milli);
}

void CustodyReplay::Exit(size_t i, const Record& r, const v1::LotKey& lot_key,
                         const v1::Quantity& quantity, bool has_quantity, const char* action) {
  const std::string key = FormatLotKey(lot_key);
  auto lot = lots_.find(key);
  if (lot == lots_.end()) {
    return problem_(i, std::string(action) + " lot " + key + ", which no record created");
  }
  std::optional<int64_t> milli;
  if (has_quantity) {
    milli = InUnit(i, lot->second, key, quantity);
    if (!milli) return;
  }
  Take(i, lot->second, key, ActingKey(r), milli, "", action);
}

void CustodyReplay::Aggregate(size_t i, const Record& r) {
  const v1::Aggregate& aggregate = r.body.aggregate();
  if (pallets_.count(aggregate.sscc())) {
    return problem_(i, "builds pallet " + aggregate.sscc() + " a second time");
  }
  Pallet& pallet = pallets_[aggregate.sscc()];
  for (const v1::LotAmount& content : aggregate.contents()) {
    const std::string key = FormatLotKey(content.lot());
    auto lot = lots_.find(key);
    if (lot == lots_.end()) continue;  // another product's lot on the same pallet
    std::optional<int64_t> milli = InUnit(i, lot->second, key, content.quantity());
    if (!milli) continue;
    if (Take(i, lot->second, key, ActingKey(r), milli, "", "puts on a pallet")) {
      Give(lot->second, ActingKey(r), *milli, aggregate.sscc());
      pallet.contents.emplace_back(key, *milli);
    }
  }
}

void CustodyReplay::Disaggregate(size_t i, const Record& r) {
  const std::string& sscc = r.body.disaggregate().sscc();
  auto pallet = pallets_.find(sscc);
  if (pallet == pallets_.end()) {
    return problem_(i, "takes apart pallet " + sscc + ", which no record built");
  }
  for (const auto& [key, milli] : pallet->second.contents) {
    auto lot = lots_.find(key);
    if (lot == lots_.end()) continue;
    if (Take(i, lot->second, key, ActingKey(r), milli, sscc, "takes off a pallet")) {
      Give(lot->second, ActingKey(r), milli, "");
    }
  }
}

void CustodyReplay::Apply(size_t i, const Record& r) {
  current_ = i;
  const v1::RecordBody& body = r.body;
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest:
      return Create(i, FormatLotKey(body.harvest().lot()), r, body.harvest().quantity(), {});
    case v1::RecordBody::kTransform:
      return Transform(i, r);
    case v1::RecordBody::kShip:
      return Ship(i, r);
    case v1::RecordBody::kReceive:
      return Receive(i, r);
    case v1::RecordBody::kCancelShipment:
      return Cancel(i, r);
    case v1::RecordBody::kLoss:
      return Exit(i, r, body.loss().lot(), body.loss().quantity(), true, "loses");
    case v1::RecordBody::kSell:
      return Exit(i, r, body.sell().lot(), body.sell().quantity(), body.sell().has_quantity(),
                  "sells");
    case v1::RecordBody::kAggregate:
      return Aggregate(i, r);
    case v1::RecordBody::kDisaggregate:
      return Disaggregate(i, r);
    case v1::RecordBody::kRotateKey:
      // Certified like every record here, so the chain's rules (an admin signed it, the new
      // key was fresh) held; from now on the new key acts for the old one.
      successors_[body.rotate_key().old_pubkey()] = body.rotate_key().new_pubkey();
      return;
    // Events that move no quantity.
    case v1::RecordBody::kRegisterParticipant:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kSensorReadings:
    case v1::RecordBody::kCheckpoint:
    case v1::RecordBody::kCertify:
    case v1::RecordBody::kRecall:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kUpdateParticipant:
    case v1::RecordBody::kCool:
    // Origin records (plots, applications, bans): none of this switch's business.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert:
    // Validator-set governance.
    case v1::RecordBody::kProposeValidatorChange:
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
    case v1::RecordBody::EVENT_NOT_SET:
      return;
  }
}

}  // namespace agritrace::chain

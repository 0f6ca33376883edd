#include "chain/export/lot_history.h"

#include <algorithm>
#include <optional>

#include "chain/export/custody_json.h"
#include "chain/model/attestation.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

// A pallet is a unit of one (1 pcs, in thousandths), as the rules store it.
constexpr int64_t kPalletMilli = 1000;
constexpr char kPalletPrefix[] = "00/";

bool Names(const v1::LotKey& lot, bool has_lot, const std::string& key) {
  return has_lot && FormatLotKey(lot) == key;
}

}  // namespace

LotHistoryReplay::LotHistoryReplay(std::string lot_key) : key_(std::move(lot_key)) {
  if (key_.rfind(kPalletPrefix, 0) == 0) {
    pallet_sscc_ = key_.substr(sizeof(kPalletPrefix) - 1);
    unit_ = "pcs";
  }
}

std::optional<int64_t> LotHistoryReplay::InUnit(const v1::Quantity& quantity) {
  if (unit_.empty()) unit_ = quantity.unit();  // a history cut short: the first unit named
  return ConvertMilli(quantity, unit_);
}

std::string LotHistoryReplay::Text(int64_t milli) const {
  v1::Quantity q;
  q.set_milli(milli);
  q.set_unit(unit_);
  return FormatQuantity(q);
}

void LotHistoryReplay::Create(const std::string& signer, const v1::Quantity& quantity, json& out) {
  if (pallet_sscc_.empty()) unit_ = quantity.unit();
  known_ = true;
  held_[{signer, ""}] += quantity.milli();
  out["created"] = Text(quantity.milli());
}

void LotHistoryReplay::Take(const Holder& holder, int64_t milli) {
  auto it = held_.find(holder);
  if (it == held_.end()) return;
  it->second -= std::min(milli, it->second);
  if (it->second == 0) held_.erase(it);
}

const std::string* LotHistoryReplay::FindShipment(const std::string& named, const std::string& to,
                                                  const std::string& sscc) const {
  if (!named.empty()) {
    auto it = transit_.find(named);
    return it == transit_.end() ? nullptr : &it->first;
  }
  const std::string* found = nullptr;
  for (const auto& [id, part] : transit_) {
    if (part.to != to || part.sscc != sscc) continue;
    if (found) return nullptr;  // several: the record named one (else the chain refused it)
    found = &id;
  }
  return found;
}

json LotHistoryReplay::Apply(const Record& record) {
  const v1::RecordBody& body = record.body;
  const std::string signer = ActingKey(record);
  json out = json::object();
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest:
      if (FormatLotKey(body.harvest().lot()) == key_)
        Create(signer, body.harvest().quantity(), out);
      return out;
    case v1::RecordBody::kTransform:
      return ApplyTransform(record);
    case v1::RecordBody::kShip:
      return ApplyShip(record);
    case v1::RecordBody::kReceive:
      return ApplyReceive(record);
    case v1::RecordBody::kCancelShipment:
      return ApplyCancel(record);
    case v1::RecordBody::kLoss: {
      const v1::Loss& loss = body.loss();
      std::optional<int64_t> milli = InUnit(loss.quantity());
      if (!Names(loss.lot(), loss.has_lot(), key_) || !milli) return out;
      Take({signer, ""}, *milli);
      out["lost"] = Text(*milli);
      return out;
    }
    case v1::RecordBody::kSell: {
      const v1::Sell& sell = body.sell();
      if (!Names(sell.lot(), sell.has_lot(), key_)) return out;
      std::optional<int64_t> milli;
      if (sell.has_quantity())
        milli = InUnit(sell.quantity());
      else if (known_)
        milli = held_[{signer, ""}];
      if (!milli) return out;
      Take({signer, ""}, *milli);
      out["sold"] = Text(*milli);
      return out;
    }
    case v1::RecordBody::kAggregate:
      return ApplyAggregate(record, false);
    case v1::RecordBody::kDisaggregate:
      return ApplyAggregate(record, true);
    case v1::RecordBody::kRegisterParticipant:  // move nothing of any lot
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kSensorReadings:
    case v1::RecordBody::kCheckpoint:
    case v1::RecordBody::kCertify:
    case v1::RecordBody::kRecall:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
    case v1::RecordBody::kUpdateParticipant:
    case v1::RecordBody::kCool:
    // Origin records (plots, applications, bans): none of this switch's business.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert:
    case v1::RecordBody::kProposeValidatorChange:
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
    case v1::RecordBody::EVENT_NOT_SET:
      break;
  }
  return out;
}

json LotHistoryReplay::ApplyTransform(const Record& record) {
  const v1::Transform& t = record.body.transform();
  const std::string signer = ActingKey(record);
  json out = json::object();
  for (const v1::LotOutput& output : t.outputs()) {
    if (FormatLotKey(output.lot()) == key_) Create(signer, output.quantity(), out);
  }
  for (const v1::LotAmount& input : t.inputs()) {
    std::optional<int64_t> milli = InUnit(input.quantity());
    if (FormatLotKey(input.lot()) != key_ || !milli) continue;
    Take({signer, ""}, *milli);
    out["consumed"] = Text(*milli);
  }
  return out;
}

json LotHistoryReplay::ApplyShip(const Record& record) {
  const v1::Ship& ship = record.body.ship();
  const std::string signer = ActingKey(record);
  json out = json::object();
  Transit part{signer, ship.receiver(), "", 0};
  std::optional<int64_t> milli;
  if (!ship.sscc().empty()) {
    if (ship.sscc() == pallet_sscc_) {
      milli = kPalletMilli;  // the pallet itself
    } else {
      part.sscc = ship.sscc();  // a lot on it: all of it that is on that pallet
      if (known_) milli = held_[{signer, part.sscc}];
      out["pallet"] = part.sscc;
    }
  } else if (Names(ship.lot(), ship.has_lot(), key_)) {
    if (ship.has_quantity())
      milli = InUnit(ship.quantity());
    else if (known_)
      milli = held_[{signer, ""}];
  } else {
    return out;
  }
  out["shipment"] = ToHex(record.id);
  if (!milli) return out;
  Take({signer, part.sscc}, *milli);
  part.milli = *milli;
  transit_[AsBytes(record.id)] = part;
  out["shipped"] = Text(*milli);
  return out;
}

json LotHistoryReplay::ApplyReceive(const Record& record) {
  const v1::Receive& receive = record.body.receive();
  const std::string signer = ActingKey(record);
  json out = json::object();
  // A lot on a received pallet travels on it (sscc set); the pallet itself does not.
  std::string sscc = receive.sscc() == pallet_sscc_ ? "" : receive.sscc();
  if (receive.sscc().empty() && !Names(receive.lot(), receive.has_lot(), key_)) return out;
  const std::string* id = FindShipment(receive.shipment(), signer, sscc);
  if (!id) {
    if (!receive.shipment().empty()) out["shipment"] = ToHex(receive.shipment());
    return out;
  }
  const Transit part = transit_[*id];
  out["shipment"] = ToHex(*id);
  if (!sscc.empty()) out["pallet"] = sscc;
  int64_t accept = part.milli;
  int64_t reject = 0;
  if (receive.has_reject()) reject = InUnit(receive.reject()).value_or(0);
  if (receive.has_accept())
    accept = InUnit(receive.accept()).value_or(0);
  else
    accept = part.milli - reject;
  transit_.erase(*id);
  held_[{signer, sscc}] += accept;
  if (accept > 0) out["accepted"] = Text(accept);
  if (reject > 0) {
    transit_[AsBytes(record.id)] = Transit{signer, part.from, "", reject};
    out["rejected"] = Text(reject);
    out["return_shipment"] = ToHex(record.id);
  }
  return out;
}

json LotHistoryReplay::ApplyCancel(const Record& record) {
  const v1::CancelShipment& cancel = record.body.cancel_shipment();
  json out = {{"shipment", ToHex(cancel.shipment())}};
  auto it = transit_.find(cancel.shipment());
  if (it == transit_.end()) return out;
  held_[{it->second.from, it->second.sscc}] += it->second.milli;
  out["cancelled"] = Text(it->second.milli);
  if (!it->second.sscc.empty()) out["pallet"] = it->second.sscc;
  transit_.erase(it);
  return out;
}

json LotHistoryReplay::ApplyAggregate(const Record& record, bool take_apart) {
  const std::string signer = ActingKey(record);
  const std::string& sscc =
      take_apart ? record.body.disaggregate().sscc() : record.body.aggregate().sscc();
  json out = {{"pallet", sscc}};
  if (sscc == pallet_sscc_) {  // the pallet itself: made, or spent
    if (take_apart) {
      Take({signer, ""}, kPalletMilli);
      out["consumed"] = Text(kPalletMilli);
    } else {
      v1::Quantity one;
      one.set_milli(kPalletMilli);
      one.set_unit("pcs");
      Create(signer, one, out);
    }
    return out;
  }
  std::optional<int64_t> milli;
  if (take_apart) {
    if (known_) milli = held_[{signer, sscc}];
  } else {
    for (const v1::LotAmount& c : record.body.aggregate().contents()) {
      if (FormatLotKey(c.lot()) == key_) milli = InUnit(c.quantity());
    }
  }
  if (!milli) return out;
  Take({signer, take_apart ? sscc : ""}, *milli);
  held_[{signer, take_apart ? "" : sscc}] += *milli;
  out[take_apart ? "disaggregated" : "aggregated"] = Text(*milli);
  return out;
}

}  // namespace agritrace::chain

// Shared fixture for the rules tests: a registered cast (admin, farmer, packer, carrier,
// retailer), record builders and helpers that sign, apply and check state is unchanged.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "chain/model/gs1.h"
#include "chain/base/limits.h"
#include "chain/model/quantity.h"
#include "chain/rules/rules.h"

// Internal linkage: each test file of the binary gets its own copy of these helpers.
namespace agritrace::chain::testing_rules {
namespace {

constexpr int64_t kNow = 1'764'331'200'000;
constexpr char kChainId[] = "agritrace-test";
constexpr char kGtin[] = "06901234567892";
constexpr char kB1[] = "01/06901234567892/10/B1";
constexpr char kP1[] = "01/06901234567892/10/P1";

v1::LotKey Lot(const std::string& code) {
  v1::LotKey key;
  key.set_gtin(kGtin);
  key.set_lot(code);
  return key;
}

std::string KeyOf(const std::string& code) { return FormatLotKey(Lot(code)); }

v1::Quantity Qty(std::string_view text) {
  Result<v1::Quantity> q = ParseQuantity(text);
  EXPECT_TRUE(q.ok()) << text;
  return q.ok() ? *q : v1::Quantity();
}

void AddInput(v1::Transform* transform, const std::string& code, std::string_view qty) {
  v1::LotAmount* input = transform->add_inputs();
  *input->mutable_lot() = Lot(code);
  *input->mutable_quantity() = Qty(qty);
}

void AddOutput(v1::Transform* transform, const std::string& code, std::string_view qty,
               std::string_view net = "") {
  v1::LotOutput* output = transform->add_outputs();
  *output->mutable_lot() = Lot(code);
  *output->mutable_quantity() = Qty(qty);
  if (!net.empty()) *output->mutable_net_mass_per_unit() = Qty(net);
}

class RulesFixture : public ::testing::Test {
 protected:
  RulesFixture() {
    params_.chain_id = kChainId;
    ctx_.height = 7;
    ctx_.block_time_ms = kNow;
    Register(admin_, "coop-admin", {v1::ROLE_ADMIN});
    Register(farmer_, "li-farm", {v1::ROLE_FARMER});
    Register(packer_, "packhouse", {v1::ROLE_PACKER});
    Register(carrier_, "coldtruck", {v1::ROLE_CARRIER});
    Register(retailer_, "freshmart", {v1::ROLE_RETAILER});
  }

  void Register(const PrivateKey& key, const std::string& name, std::vector<v1::Role> roles) {
    v1::Participant participant;
    participant.set_pubkey(AsBytes(key.public_key()));
    participant.set_name(name);
    for (v1::Role role : roles) participant.add_roles(role);
    state_.PutParticipant(participant);
  }

  static std::string Pub(const PrivateKey& key) { return AsBytes(key.public_key()); }

  v1::RecordBody Body() {
    v1::RecordBody body;
    body.set_chain_id(kChainId);
    body.set_timestamp_ms(kNow);
    body.set_nonce(next_nonce_++);
    return body;
  }

  v1::RecordBody HarvestBody(const std::string& code, std::string_view qty) {
    v1::RecordBody body = Body();
    v1::Harvest* harvest = body.mutable_harvest();
    *harvest->mutable_lot() = Lot(code);
    harvest->set_commodity("tomatoes");
    harvest->set_variety("Roma");
    *harvest->mutable_quantity() = Qty(qty);
    harvest->set_field("north-3");
    return body;
  }

  // Pack one input into one output.
  v1::RecordBody PackBody(const std::string& in, std::string_view in_qty, const std::string& out,
                          std::string_view out_qty, std::string_view net = "") {
    v1::RecordBody body = Body();
    v1::Transform* transform = body.mutable_transform();
    transform->set_kind(v1::TRANSFORM_KIND_PACK);
    AddInput(transform, in, in_qty);
    AddOutput(transform, out, out_qty, net);
    return body;
  }

  v1::RecordBody ShipBody(const std::string& code, const std::string& receiver,
                          const std::string& carrier = "", std::string_view qty = "") {
    v1::RecordBody body = Body();
    *body.mutable_ship()->mutable_lot() = Lot(code);
    body.mutable_ship()->set_receiver(receiver);
    body.mutable_ship()->set_carrier(carrier);
    if (!qty.empty()) *body.mutable_ship()->mutable_quantity() = Qty(qty);
    return body;
  }

  v1::RecordBody ReceiveBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_receive()->mutable_lot() = Lot(code);
    return body;
  }

  v1::RecordBody RegisterBody(const PrivateKey& key, const std::string& name,
                              std::vector<v1::Role> roles) {
    v1::RecordBody body = Body();
    v1::RegisterParticipant* reg = body.mutable_register_participant();
    reg->set_pubkey(Pub(key));
    reg->set_name(name);
    for (v1::Role role : roles) reg->add_roles(role);
    return body;
  }

  static Record Sign(const v1::RecordBody& body, const PrivateKey& key) {
    Result<Record> record = DecodeRecord(SignRecord(body, key));
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? *record : Record();
  }

  Status ApplySigned(const Record& record) {
    ++ctx_.index;
    return ApplyRecord(record, params_, ctx_, state_);
  }

  Status Apply(const v1::RecordBody& body, const PrivateKey& key) {
    return ApplySigned(Sign(body, key));
  }

  void ApplyOk(const v1::RecordBody& body, const PrivateKey& key) {
    Status st = Apply(body, key);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // Applies a record that must be rejected for `reason`, and checks it left state untouched.
  // Returned so a test may inspect the message; a test that doesn't may ignore it (Status
  // itself is [[nodiscard]]).
  class Rejection : public Status {
   public:
    explicit Rejection(Status status) : Status(std::move(status)) {}
  };

  Rejection ExpectRejected(const v1::RecordBody& body, const PrivateKey& key, Reason reason) {
    const std::string before = Snapshot();
    Status st = Apply(body, key);
    EXPECT_EQ(ReasonName(st.reason()), ReasonName(reason)) << st.ToString();
    EXPECT_FALSE(st.message().empty());
    EXPECT_EQ(Snapshot(), before) << "a rejected record changed state: " << st.ToString();
    return Rejection(st);
  }

  // Everything the overlay holds, as text, to compare before and after a rejection.
  std::string Snapshot() const {
    std::string out;
    for (const auto& [key, lot] : state_.lots()) out += key + lot.ShortDebugString() + "\n";
    for (const auto& [key, p] : state_.participants()) out += p.ShortDebugString() + "\n";
    for (const auto& [key, nonce] : state_.nonces()) {
      out += ToHex(key) + "/" + std::to_string(nonce) + "\n";
    }
    for (const auto& [id, at] : state_.records()) {
      out += ToHex(id) + "@" + std::to_string(at.first) + "." + std::to_string(at.second) + "\n";
    }
    for (const HistoryChange& h : state_.history()) out += h.lot_key + ToHex(h.record_id) + "\n";
    for (const auto& edge : state_.lineage()) out += edge.parent_key + ">" + edge.child_key + "\n";
    for (const auto& [id, plot] : state_.plots()) out += id + plot.ShortDebugString() + "\n";
    for (const auto& [key, ban] : state_.ingredient_bans()) out += key + ban.ShortDebugString() + "\n";
    for (const auto& [id, cert] : state_.claim_certs()) out += cert.ShortDebugString() + "\n";
    for (const auto& [key, index] : state_.cert_indexes()) out += key + index.ShortDebugString() + "\n";
    if (state_.validator_governance()) out += state_.validator_governance()->ShortDebugString();
    return out;
  }

  v1::LotState LotAt(const std::string& lot_key) const {
    std::optional<v1::LotState> lot = state_.GetLot(lot_key);
    EXPECT_TRUE(lot.has_value()) << lot_key;
    return lot.value_or(v1::LotState());
  }

  // What `who` holds of a lot (off pallets when `sscc` is empty), in thousandths of its unit.
  int64_t Held(const std::string& lot_key, const PrivateKey& who, const std::string& sscc = "") {
    int64_t milli = 0;
    const v1::LotState lot = LotAt(lot_key);
    for (const v1::Holding& h : lot.holdings()) {
      if (h.participant() == Pub(who) && h.sscc() == sscc) milli += h.milli();
    }
    return milli;
  }

  // The conservation law: quantity = holdings + in transit + consumed + lost + sold, and
  // quantity_left = holdings + in transit, nothing negative.
  static void ExpectConserved(const v1::LotState& lot) {
    int64_t held = 0, moving = 0;
    for (const v1::Holding& h : lot.holdings()) {
      EXPECT_GT(h.milli(), 0);
      held += h.milli();
    }
    for (const v1::InTransit& t : lot.in_transit()) {
      EXPECT_GT(t.milli(), 0);
      moving += t.milli();
    }
    EXPECT_GE(lot.consumed_milli(), 0);
    EXPECT_GE(lot.lost_milli(), 0);
    EXPECT_GE(lot.sold_milli(), 0);
    EXPECT_EQ(lot.quantity().milli(),
              held + moving + lot.consumed_milli() + lot.lost_milli() + lot.sold_milli())
        << lot.ShortDebugString();
    EXPECT_EQ(lot.quantity_left().milli(), held + moving) << lot.ShortDebugString();
  }

  size_t HistoryCount(const std::string& lot_key) const {
    size_t n = 0;
    for (const HistoryChange& h : state_.history()) n += h.lot_key == lot_key;
    return n;
  }

  // Harvests `code` at the farm and delivers it to the packhouse.
  void LotAtPacker(const std::string& code, std::string_view qty) {
    ApplyOk(HarvestBody(code, qty), farmer_);
    ApplyOk(ShipBody(code, Pub(packer_)), farmer_);
    ApplyOk(ReceiveBody(code), packer_);
  }

  ChainParams params_;
  ApplyContext ctx_;
  StateOverlay state_{nullptr};
  uint64_t next_nonce_ = 1;
  const PrivateKey admin_ = PrivateKey::Generate();
  const PrivateKey farmer_ = PrivateKey::Generate();
  const PrivateKey packer_ = PrivateKey::Generate();
  const PrivateKey carrier_ = PrivateKey::Generate();
  const PrivateKey retailer_ = PrivateKey::Generate();
  const PrivateKey stranger_ = PrivateKey::Generate();  // never registered
};

}  // namespace
}  // namespace agritrace::chain::testing_rules

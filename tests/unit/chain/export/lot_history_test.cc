// LotHistoryReplay: what each record of a lot's history moved, including the amounts a record
// leaves to the state (a ship of everything held, a receipt of the whole shipment).
#include "chain/export/lot_history.h"

#include <gtest/gtest.h>

#include "chain/base/hash.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

constexpr char kB1[] = "01/06901234567892/10/B1";
constexpr char kP1[] = "01/06901234567892/10/P1";
constexpr char kSscc[] = "106141411234567897";

v1::LotKey Lot(const std::string& code) {
  v1::LotKey key;
  key.set_gtin("06901234567892");
  key.set_lot(code);
  return key;
}

v1::Quantity Qty(std::string_view text) { return ParseQuantity(text).value(); }

class LotHistoryTest : public ::testing::Test {
 protected:
  // A record signed (in name only: the replay trusts its history) by `who`, with its own id.
  Record Make(v1::RecordBody body, char who) {
    Record record;
    record.body = std::move(body);
    record.signer.fill(static_cast<uint8_t>(who));
    record.id = Sha256("record " + std::to_string(next_++));
    return record;
  }
  static std::string Party(char who) { return std::string(32, who); }

  v1::RecordBody Harvest(std::string_view qty) {
    v1::RecordBody body;
    *body.mutable_harvest()->mutable_lot() = Lot("B1");
    *body.mutable_harvest()->mutable_quantity() = Qty(qty);
    return body;
  }
  v1::RecordBody Ship(const std::string& code, char to, std::string_view qty = "") {
    v1::RecordBody body;
    *body.mutable_ship()->mutable_lot() = Lot(code);
    body.mutable_ship()->set_receiver(Party(to));
    if (!qty.empty()) *body.mutable_ship()->mutable_quantity() = Qty(qty);
    return body;
  }
  v1::RecordBody Receive(const std::string& code, std::string_view accept = "",
                         std::string_view reject = "") {
    v1::RecordBody body;
    *body.mutable_receive()->mutable_lot() = Lot(code);
    if (!accept.empty()) *body.mutable_receive()->mutable_accept() = Qty(accept);
    if (!reject.empty()) *body.mutable_receive()->mutable_reject() = Qty(reject);
    return body;
  }

  int next_ = 0;
};

TEST_F(LotHistoryTest, TellsWhatEachRecordOfTheFarmGateDayMoved) {
  LotHistoryReplay replay(kB1);
  EXPECT_EQ(replay.Apply(Make(Harvest("1000kg"), 'f'))["created"], "1000kg");
  Record to_packer = Make(Ship("B1", 'p', "600kg"), 'f');
  nlohmann::json shipped = replay.Apply(to_packer);
  EXPECT_EQ(shipped["shipped"], "600kg");
  EXPECT_EQ(shipped["shipment"], ToHex(to_packer.id));
  // Without a quantity: everything the farmer still holds (400 kg, in grams here).
  EXPECT_EQ(replay.Apply(Make(Ship("B1", 'r'), 'f'))["shipped"], "400kg");
  Record split = Make(Receive("B1", "580kg", "20kg"), 'p');
  nlohmann::json received = replay.Apply(split);
  EXPECT_EQ(received["accepted"], "580kg");
  EXPECT_EQ(received["rejected"], "20kg");
  EXPECT_EQ(received["shipment"], ToHex(to_packer.id));
  EXPECT_EQ(received["return_shipment"], ToHex(split.id));
  // The retailer takes its whole shipment; the farmer its rejected part back.
  EXPECT_EQ(replay.Apply(Make(Receive("B1"), 'r'))["accepted"], "400kg");
  nlohmann::json back = replay.Apply(Make(Receive("B1"), 'f'));
  EXPECT_EQ(back["accepted"], "20kg");
  EXPECT_EQ(back["shipment"], ToHex(split.id));
  v1::RecordBody loss;
  *loss.mutable_loss()->mutable_lot() = Lot("B1");
  *loss.mutable_loss()->mutable_quantity() = Qty("20000g");
  EXPECT_EQ(replay.Apply(Make(loss, 'f'))["lost"], "20kg");
}

TEST_F(LotHistoryTest, FollowsBagsOntoAPalletAndOffItIntoTheShop) {
  LotHistoryReplay replay(kP1);
  v1::RecordBody pack;
  v1::LotOutput* out = pack.mutable_transform()->add_outputs();
  *out->mutable_lot() = Lot("P1");
  *out->mutable_quantity() = Qty("100pcs");
  EXPECT_EQ(replay.Apply(Make(pack, 'p'))["created"], "100pcs");
  v1::RecordBody aggregate;
  aggregate.mutable_aggregate()->set_sscc(kSscc);
  v1::LotAmount* content = aggregate.mutable_aggregate()->add_contents();
  *content->mutable_lot() = Lot("P1");
  *content->mutable_quantity() = Qty("60pcs");
  EXPECT_EQ(replay.Apply(Make(aggregate, 'p'))["aggregated"], "60pcs");
  v1::RecordBody ship;
  ship.mutable_ship()->set_sscc(kSscc);
  ship.mutable_ship()->set_receiver(Party('r'));
  nlohmann::json shipped = replay.Apply(Make(ship, 'p'));
  EXPECT_EQ(shipped["shipped"], "60pcs");  // what is on the pallet, not the 40 left behind
  EXPECT_EQ(shipped["pallet"], kSscc);
  v1::RecordBody receive;
  receive.mutable_receive()->set_sscc(kSscc);
  EXPECT_EQ(replay.Apply(Make(receive, 'r'))["accepted"], "60pcs");
  v1::RecordBody apart;
  apart.mutable_disaggregate()->set_sscc(kSscc);
  EXPECT_EQ(replay.Apply(Make(apart, 'r'))["disaggregated"], "60pcs");
  v1::RecordBody sell;
  *sell.mutable_sell()->mutable_lot() = Lot("P1");
  *sell.mutable_sell()->mutable_quantity() = Qty("25pcs");
  EXPECT_EQ(replay.Apply(Make(sell, 'r'))["sold"], "25pcs");
  sell.mutable_sell()->clear_quantity();
  EXPECT_EQ(replay.Apply(Make(sell, 'r'))["sold"], "35pcs");  // the rest it holds
}

TEST_F(LotHistoryTest, ACancelledShipmentGoesBackToItsShipper) {
  LotHistoryReplay replay(kB1);
  replay.Apply(Make(Harvest("1000kg"), 'f'));
  Record ship = Make(Ship("B1", 'r', "300kg"), 'f');
  replay.Apply(ship);
  v1::RecordBody cancel;
  *cancel.mutable_cancel_shipment()->mutable_lot() = Lot("B1");
  cancel.mutable_cancel_shipment()->set_shipment(AsBytes(ship.id));
  nlohmann::json cancelled = replay.Apply(Make(cancel, 'f'));
  EXPECT_EQ(cancelled["cancelled"], "300kg");
  EXPECT_EQ(replay.Apply(Make(Ship("B1", 'p'), 'f'))["shipped"], "1000kg");
}

TEST_F(LotHistoryTest, LeavesOutWhatAHistoryCutShortCannotTell) {
  LotHistoryReplay replay(kB1);  // no harvest: the replay does not know what anyone holds
  nlohmann::json shipped = replay.Apply(Make(Ship("B1", 'p'), 'f'));
  EXPECT_FALSE(shipped.contains("shipped"));
  EXPECT_TRUE(shipped.contains("shipment"));
  EXPECT_EQ(replay.Apply(Make(Ship("B1", 'p', "5kg"), 'f'))["shipped"], "5kg");
}

}  // namespace
}  // namespace agritrace::chain

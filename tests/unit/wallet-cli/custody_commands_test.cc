// The custody commands' builders (ship, receive, cancel-shipment, loss, sell, aggregate,
// disaggregate, participant update), --at event times, and what --json reports as created.
#include <gtest/gtest.h>

#include <sstream>

#include "chain/base/bytes.h"
#include "chain/export/record_json.h"
#include "chain/model/gs1.h"
#include "tests/unit/wallet-cli/test_util.h"
#include "wallet-cli/cli_context.h"
#include "wallet-cli/commands_custody.h"
#include "wallet-cli/output.h"
#include "wallet-cli/wallet.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using testing::TempDir;

constexpr char kB1[] = "01/06901234567892/10/B1";
constexpr char kSscc[] = "106141411234567897";
const std::string kShipmentHex(64, 'a');

// A Context that never reaches a node: participants are named by 64-hex keys, signing is
// offline (--chain-id with --out).
class CustodyCommandsTest : public ::testing::Test {
 protected:
  CustodyCommandsTest() : output_(out_, err_), ctx_(Options(), output_) {}
  GlobalOptions Options() {
    GlobalOptions options;
    options.keystore_dir = dir_.path();
    options.node = "127.0.0.1:1";
    options.chain_id = "offline-1";
    options.timeout_ms = 1000;
    return options;
  }
  TempDir dir_;
  std::ostringstream out_, err_;
  Output output_;
  Context ctx_;
  const std::string receiver_ = chain::ToHex(chain::PrivateKey::Generate().public_key());
};

TEST_F(CustodyCommandsTest, ShipsPartOfALotOrAWholePallet) {
  ShipArgs args{kB1, receiver_, "600kg", "", {"bol:BOL-77"}};
  auto body = BuildShip(ctx_, args);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(chain::FormatLotKey(body->ship().lot()), kB1);
  EXPECT_EQ(body->ship().quantity().milli(), 600'000);
  EXPECT_EQ(body->ship().refs(0).type(), v1::DOCUMENT_TYPE_BOL);
  EXPECT_EQ(chain::ToHex(body->ship().receiver()), receiver_);

  args = {std::string("00/") + kSscc, receiver_, "", "", {}};
  body = BuildShip(ctx_, args);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_FALSE(body->ship().has_lot());
  EXPECT_EQ(body->ship().sscc(), kSscc);
  EXPECT_FALSE(body->ship().has_quantity());  // a pallet ships whole

  args.quantity = "1pcs";
  EXPECT_EQ(BuildShip(ctx_, args).status().reason(), Reason::kMalformed);
  args = {kB1, receiver_, "lots", "", {}};
  EXPECT_EQ(BuildShip(ctx_, args).status().reason(), Reason::kMalformed);
  args = {kB1, receiver_, "", "", {"invoice:1"}};
  EXPECT_EQ(BuildShip(ctx_, args).status().reason(), Reason::kMalformed);
  args = {"00/106141411234567890", receiver_, "", "", {}};  // wrong check digit
  EXPECT_EQ(BuildShip(ctx_, args).status().reason(), Reason::kBadGs1Key);
}

TEST_F(CustodyCommandsTest, ReceivesWithAnAcceptedAndARejectedPart) {
  ReceiveArgs args{kB1, kShipmentHex, "580kg", "20kg", "bruised", {"desadv:DA-1"}};
  auto body = BuildReceive(args);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  const v1::Receive& r = body->receive();
  EXPECT_EQ(chain::ToHex(r.shipment()), kShipmentHex);
  EXPECT_EQ(r.accept().milli(), 580'000);
  EXPECT_EQ(r.reject().milli(), 20'000);
  EXPECT_EQ(r.reject_reason(), "bruised");
  // The rejected part travels back under this record's id.
  EXPECT_EQ(CreatedJson(*body, "ff")["return_shipment"], "ff");

  args.reason.clear();
  EXPECT_EQ(BuildReceive(args).status().reason(), Reason::kMalformed);
  args = {kB1, "abc", "", "", "", {}};
  EXPECT_EQ(BuildReceive(args).status().reason(), Reason::kMalformed);
  args = {kSscc, "", "", "", "", {}};  // a bare SSCC names a pallet
  body = BuildReceive(args);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->receive().sscc(), kSscc);
  EXPECT_TRUE(CreatedJson(*body, "ff").empty());
}

TEST_F(CustodyCommandsTest, CancelNamesTheShipmentsLotOrPallet) {
  chain::Record ship;
  ship.id.fill(0xab);
  *ship.body.mutable_ship()->mutable_lot() = chain::ParseLotKey(kB1).value();
  auto body = BuildCancelShipment(ship);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(chain::FormatLotKey(body->cancel_shipment().lot()), kB1);
  EXPECT_EQ(body->cancel_shipment().shipment(), chain::AsBytes(ship.id));

  chain::Record pallet;
  pallet.body.mutable_ship()->set_sscc(kSscc);
  body = BuildCancelShipment(pallet);
  ASSERT_TRUE(body.ok());
  EXPECT_FALSE(body->cancel_shipment().has_lot());
  EXPECT_EQ(body->cancel_shipment().sscc(), kSscc);

  chain::Record harvest;
  *harvest.body.mutable_harvest()->mutable_lot() = chain::ParseLotKey(kB1).value();
  EXPECT_EQ(BuildCancelShipment(harvest).status().reason(), Reason::kUnknownShipment);
  chain::Record receive_all;  // a receipt that rejected nothing opened no shipment
  *receive_all.body.mutable_receive()->mutable_lot() = chain::ParseLotKey(kB1).value();
  EXPECT_EQ(BuildCancelShipment(receive_all).status().reason(), Reason::kUnknownShipment);
}

TEST_F(CustodyCommandsTest, LossNeedsAKnownReason) {
  auto body = BuildLoss({kB1, "20kg", "Spoilage", "wet"});
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->loss().reason(), v1::LOSS_REASON_SPOILAGE);
  EXPECT_EQ(body->loss().note(), "wet");
  auto bad = BuildLoss({kB1, "20kg", "rotten", ""});
  EXPECT_EQ(bad.status().reason(), Reason::kMalformed);
  EXPECT_NE(bad.status().message().find("spoilage, damage"), std::string::npos);
}

TEST_F(CustodyCommandsTest, CoolNeedsAKnownMethodAndTakesAPlace) {
  auto body = BuildCool({kB1, "Forced-Air", "", ""});
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->cool().method(), v1::COOLING_METHOD_FORCED_AIR);
  EXPECT_FALSE(body->cool().has_location());  // the signer's own place
  body = BuildCool({kB1, "hydrocooling", "Cold room 2", "0614141000005"});
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->cool().location().name(), "Cold room 2");
  EXPECT_EQ(body->cool().location().gln(), "0614141000005");
  body = BuildCool({kB1, "ice", "45.12,127.45", ""});
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->cool().location().lat_e6(), 45'120'000);
  auto bad = BuildCool({kB1, "fan", "", ""});
  EXPECT_EQ(bad.status().reason(), Reason::kMalformed);
  EXPECT_NE(bad.status().message().find("forced-air, hydrocooling"), std::string::npos);
  EXPECT_EQ(BuildCool({kB1, "ice", "", "1234567890123"}).status().reason(), Reason::kBadGs1Key);
}

TEST_F(CustodyCommandsTest, SellsPartOrAll) {
  auto body = BuildSell({kB1, "25pcs", {"inv:R-1"}});
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->sell().quantity().milli(), 25'000);
  body = BuildSell({kB1, "", {}});
  ASSERT_TRUE(body.ok());
  EXPECT_FALSE(body->sell().has_quantity());  // the whole holding
}

TEST_F(CustodyCommandsTest, AggregatesLotsOntoAPallet) {
  auto body = BuildAggregate({std::string("00/") + kSscc, {std::string(kB1) + ":60kg"}});
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->aggregate().sscc(), kSscc);
  EXPECT_EQ(body->aggregate().contents(0).quantity().milli(), 60'000);
  EXPECT_EQ(CreatedJson(*body, "ff")["pallet"], std::string("00/") + kSscc);
  EXPECT_EQ(BuildAggregate({"00/123", {std::string(kB1) + ":1kg"}}).status().reason(),
            Reason::kBadGs1Key);
  EXPECT_EQ(BuildAggregate({kSscc, {kB1}}).status().reason(), Reason::kMalformed);
  ASSERT_TRUE(BuildDisaggregate(kSscc).ok());
  EXPECT_EQ(BuildDisaggregate(kB1).status().reason(), Reason::kBadGs1Key);
}

TEST_F(CustodyCommandsTest, ParticipantUpdateChangesOnlyWhatIsGiven) {
  ParticipantUpdateArgs args;
  args.who = "farmer";
  EXPECT_EQ(BuildParticipantUpdate("k", args).status().reason(), Reason::kMalformed);
  args.phone = "+86 451 5555 0111";
  args.tz = "+08:00";
  auto body = BuildParticipantUpdate("k", args);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_TRUE(body->update_participant().has_phone());
  EXPECT_FALSE(body->update_participant().has_address());
  EXPECT_EQ(body->update_participant().tz_offset_min(), 480);
  args.tz = "+15:00";
  EXPECT_EQ(BuildParticipantUpdate("k", args).status().reason(), Reason::kMalformed);
  args.tz.reset();
  args.gln = "1234567890123";
  EXPECT_EQ(BuildParticipantUpdate("k", args).status().reason(), Reason::kBadGs1Key);
}

TEST_F(CustodyCommandsTest, AtKeepsItsOffsetOrReadsTheLocalZone) {
  SignFlags flags;
  flags.out_file = dir_.File("x.json");  // with --chain-id: offline, the machine's zone
  flags.at = "2026-12-01T06:30:00+08:00";
  auto at = ResolveEventTime(ctx_, flags);
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  EXPECT_EQ(at->time_ms, chain::ParseIsoTime("2026-11-30T22:30:00Z").value());
  EXPECT_EQ(at->offset_min, 480);

  flags.at = "2026-12-01T06:30";  // a wall-clock time: the signer's (here the machine's) zone
  at = ResolveEventTime(ctx_, flags);
  ASSERT_TRUE(at.ok());
  const int32_t local = Context::LocalTzOffset(at->time_ms);
  EXPECT_EQ(at->offset_min, local);
  EXPECT_EQ(at->time_ms + int64_t{local} * 60'000,
            chain::ParseIsoTime("2026-12-01T06:30:00Z").value());

  flags.at.clear();  // now: no event time (the chain reads it as when signed)
  at = ResolveEventTime(ctx_, flags);
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->time_ms, 0);

  for (const char* bad : {"yesterday", "2026-12-01T06:30:00+15:00"}) {
    flags.at = bad;
    EXPECT_EQ(ResolveEventTime(ctx_, flags).status().reason(), Reason::kMalformed) << bad;
  }
}

TEST(Wallet, CreatedJsonNamesTheShipmentByTheRecordId) {
  v1::RecordBody ship;
  ship.mutable_ship()->set_sscc(kSscc);
  EXPECT_EQ(CreatedJson(ship, "abc")["shipment"], "abc");
  EXPECT_EQ(
      SubmitResultLine(ship, "abc", true, 7),
      std::string("committed ship 00/") + kSscc + " in block 7 (record abc, the shipment's id)");
  v1::RecordBody cancel;
  cancel.mutable_cancel_shipment()->set_sscc(kSscc);
  EXPECT_EQ(CommandName(cancel), "cancel-shipment");
  EXPECT_EQ(RecordSubject(cancel), std::string("00/") + kSscc);
}

}  // namespace
}  // namespace agritrace::wallet

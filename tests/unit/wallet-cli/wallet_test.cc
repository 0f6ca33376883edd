#include "wallet-cli/wallet.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "chain/base/bytes.h"
#include "chain/io/file_util.h"
#include "chain/model/gs1.h"
#include "chain/keystore/keystore.h"
#include "tests/unit/wallet-cli/test_util.h"
#include "wallet-cli/cli_context.h"
#include "wallet-cli/commands.h"
#include "wallet-cli/node_client.h"
#include "wallet-cli/output.h"
#include "wallet-cli/participants.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using testing::TempDir;

constexpr uint64_t kFastScryptN = 1024;  // keeps key files quick to write in tests

TEST(LotQuantity, SplitsAtTheLastColon) {
  auto parts = SplitLotQuantity("https://id.example.com/01/06901234567892/10/B:1:500kg");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->lot, "https://id.example.com/01/06901234567892/10/B:1");
  EXPECT_EQ(parts->quantity, "500kg");
}

TEST(LotQuantity, RejectsMissingColonOrEmptySides) {
  for (const char* bad : {"01/06901234567892/10/B1", ":500kg", "01/06901234567892/10/B1:", ""}) {
    auto parts = SplitLotQuantity(bad);
    ASSERT_FALSE(parts.ok()) << bad;
    EXPECT_EQ(parts.status().reason(), Reason::kMalformed);
  }
}

TEST(LotQuantity, ParsesLotAndQuantity) {
  auto amount = ParseLotAmount("01/06901234567892/10/B1:2.5t");
  ASSERT_TRUE(amount.ok()) << amount.status().ToString();
  EXPECT_EQ(amount->lot().gtin(), "06901234567892");
  EXPECT_EQ(amount->lot().lot(), "B1");
  EXPECT_EQ(amount->quantity().milli(), 2500);
  EXPECT_EQ(amount->quantity().unit(), "t");
}

TEST(LotQuantity, BadLotKeyIsBadGs1Key) {
  auto amount = ParseLotAmount("01/06901234567891/10/B1:5kg");  // wrong check digit
  ASSERT_FALSE(amount.ok());
  EXPECT_EQ(amount.status().reason(), Reason::kBadGs1Key);
}

TEST(Location, ParsesLatLonAndRejectsOutOfRange) {
  v1::Location location;
  ASSERT_TRUE(ParseLatLon("45.12,127.45", location).ok());
  EXPECT_EQ(location.lat_e6(), 45120000);
  EXPECT_EQ(location.lon_e6(), 127450000);
  ASSERT_TRUE(ParseLatLon("-33.8688, 151.2093", location).ok());
  EXPECT_EQ(location.lat_e6(), -33868800);
  for (const char* bad : {"91,0", "0,181", "45.12", "a,b", "45.12,127.45x", ""}) {
    v1::Location ignored;
    EXPECT_EQ(ParseLatLon(bad, ignored).reason(), Reason::kMalformed) << bad;
  }
}

TEST(Roles, AcceptsRepeatedAndCommaSeparated) {
  auto roles = ParseRoles({"farmer,packer", "farmer", "carrier"});
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ(*roles,
            (std::vector<v1::Role>{v1::ROLE_FARMER, v1::ROLE_PACKER, v1::ROLE_CARRIER}));
  EXPECT_EQ(ParseRoles({"farmer,pilot"}).status().reason(), Reason::kMalformed);
  EXPECT_EQ(ParseRoles({}).status().reason(), Reason::kMalformed);
}

TEST(Participants, ResolvesKeystoreNameThenHexThenChain) {
  TempDir dir;
  chain::Keystore store(dir.path());
  const chain::PrivateKey key = chain::PrivateKey::Generate();
  ASSERT_TRUE(store.Save("packer", key, "pw", {kFastScryptN, 8, 1}).ok());
  int lookups = 0;
  const chain::PrivateKey remote = chain::PrivateKey::Generate();
  ParticipantLookup lookup = [&](const std::string& name) -> chain::Result<v1::Participant> {
    ++lookups;
    if (name != "retailer") return chain::Reject(Reason::kNotFound, "no such participant");
    v1::Participant p;
    p.set_pubkey(chain::AsBytes(remote.public_key()));
    return p;
  };

  EXPECT_EQ(*ResolveParticipant("packer", store, lookup), key.public_key());
  const std::string hex = chain::ToHex(remote.public_key());
  EXPECT_EQ(*ResolveParticipant(hex, store, lookup), remote.public_key());
  EXPECT_EQ(lookups, 0);  // neither needed the node
  EXPECT_EQ(*ResolveParticipant("retailer", store, lookup), remote.public_key());
  EXPECT_EQ(lookups, 1);
  EXPECT_EQ(ResolveParticipant("nobody", store, lookup).status().reason(),
            Reason::kUnknownParticipant);
  EXPECT_EQ(ResolveParticipant("nobody", store, nullptr).status().reason(),
            Reason::kUnknownParticipant);
}

TEST(Participants, PassesOnNodeFailures) {
  TempDir dir;
  ParticipantLookup down = [](const std::string&) -> chain::Result<v1::Participant> {
    return chain::Reject(Reason::kUnavailable, "cannot reach the node");
  };
  EXPECT_EQ(ResolveParticipant("retailer", chain::Keystore(dir.path()), down).status().reason(),
            Reason::kUnavailable);
}

v1::RecordBody HarvestBody() {
  HarvestArgs args;
  args.lot = "01/06901234567892/10/B1";
  args.commodity = "rice";
  args.variety = "Wuchang";
  args.quantity = "1000kg";
  args.field = "Plot 7";
  args.location = "45.12,127.45";
  auto body = BuildHarvest(args, 1795870800000);
  EXPECT_TRUE(body.ok()) << body.status().ToString();
  return *body;
}

TEST(Builders, HarvestRequiresNetMassForCountUnits) {
  HarvestArgs args;
  args.lot = "01/06901234567892/10/B1";
  args.commodity = "melon";
  args.quantity = "120pcs";
  EXPECT_EQ(BuildHarvest(args, 0).status().reason(), Reason::kMalformed);
  args.net_mass = "1.5kg";
  auto body = BuildHarvest(args, 0);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->harvest().net_mass_per_unit().milli(), 1500);
}

TEST(Builders, BadLotFailsBeforeAnythingElse) {
  HarvestArgs args;
  args.lot = "01/123/10/B1";
  args.quantity = "nonsense";
  EXPECT_EQ(BuildHarvest(args, 0).status().reason(), Reason::kBadGs1Key);
}

TEST(Builders, PackAppliesNetMassToCountOutputsOnly) {
  TransformArgs args;
  args.from = {"01/06901234567892/10/B1:500kg"};
  args.to = {"01/06901234567892/10/P1:100case", "01/06901234567892/10/P2:10kg"};
  args.net_mass = "4.9kg";
  auto body = BuildTransform(args, v1::TRANSFORM_KIND_PACK);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  const v1::Transform& t = body->transform();
  EXPECT_EQ(t.kind(), v1::TRANSFORM_KIND_PACK);
  ASSERT_EQ(t.outputs_size(), 2);
  EXPECT_EQ(t.outputs(0).net_mass_per_unit().milli(), 4900);
  EXPECT_FALSE(t.outputs(1).has_net_mass_per_unit());
  EXPECT_EQ(SubmitResultLine(*body, "ab", true, 4),
            "committed pack 01/06901234567892/10/P1, 01/06901234567892/10/P2 in block 4 "
            "(record ab)");
}

TEST(RecordSubject, NamesTheLotKeyOrRecordEachEventIsAbout) {
  v1::LotKey lot;
  lot.set_gtin("06901234567892");
  lot.set_lot("P1");
  const std::string lot_key = "01/06901234567892/10/P1";
  v1::RecordBody body;
  body.mutable_register_device()->set_name("probe-1");
  EXPECT_EQ(RecordSubject(body), "probe-1");
  *body.mutable_sensor_readings()->mutable_lot() = lot;
  EXPECT_EQ(RecordSubject(body), lot_key);
  *body.mutable_checkpoint()->mutable_lot() = lot;
  EXPECT_EQ(RecordSubject(body), lot_key);
  *body.mutable_certify()->mutable_lot() = lot;
  EXPECT_EQ(RecordSubject(body), lot_key);
  *body.mutable_recall()->mutable_lot() = lot;
  EXPECT_EQ(RecordSubject(body), lot_key);
  *body.mutable_sell()->mutable_lot() = lot;
  EXPECT_EQ(SubmitResultLine(body, "ab", true, 4),
            "committed sell " + lot_key + " in block 4 (record ab)");
  body.mutable_revoke()->set_pubkey(std::string(32, '\x11'));
  EXPECT_EQ(RecordSubject(body), std::string(64, '1'));
  body.mutable_correction()->set_record_id(std::string(32, '\x22'));
  EXPECT_EQ(RecordSubject(body), std::string(64, '2'));
  body.mutable_rotate_key()->set_old_pubkey(std::string(32, '\x33'));
  body.mutable_rotate_key()->set_new_pubkey(std::string(32, '\x44'));
  EXPECT_EQ(RecordSubject(body), std::string(64, '3'));
  EXPECT_EQ(RecordSubject(v1::RecordBody()), "");
}

TEST(SignedFile, OfflineSignWritesAFileThatDecodesAndVerifies) {
  TempDir dir;
  const chain::PrivateKey key = chain::PrivateKey::Generate();
  auto record = SignBody(HarvestBody(), "agritrace-test", 1795870800000, 42, key);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  const std::string path = dir.File("harvest.json");
  ASSERT_TRUE(WriteSignedFile(path, *record).ok());

  auto read = ReadSignedFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->id, record->id);
  EXPECT_EQ(read->signer, key.public_key());
  EXPECT_EQ(read->body.chain_id(), "agritrace-test");
  EXPECT_EQ(read->body.nonce(), 42u);
  EXPECT_EQ(chain::FormatLotKey(read->body.harvest().lot()), "01/06901234567892/10/B1");
  EXPECT_TRUE(chain::VerifyRecordSignature(*read).ok());

  nlohmann::json shown = RecordShowJson(*read);
  EXPECT_EQ(shown["id"], chain::ToHex(record->id));
  EXPECT_EQ(shown["signer"], chain::ToHex(key.public_key()));
  EXPECT_EQ(shown["body"], chain::ToHex(record->envelope.body()));
  EXPECT_EQ(shown["signature"].get<std::string>().size(), 128u);
  EXPECT_EQ(shown["event"]["type"], "harvest");
  EXPECT_EQ(shown["event"]["event"]["quantity"], "1000kg");
  EXPECT_EQ(shown["signature_valid"], true);
}

TEST(SignedFile, RecordShowPrintsTheDecodedRecord) {
  TempDir dir;
  auto record = SignBody(HarvestBody(), "c1", 1795870800000, 7, chain::PrivateKey::Generate());
  ASSERT_TRUE(record.ok());
  ASSERT_TRUE(WriteSignedFile(dir.File("r.json"), *record).ok());
  std::ostringstream out, err;
  Output output(out, err);
  GlobalOptions options;
  options.keystore_dir = dir.path();
  Context ctx(options, output);
  ASSERT_TRUE(RunRecordShow(ctx, dir.File("r.json")).ok());
  EXPECT_NE(out.str().find("type:      harvest"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("(valid)"), std::string::npos);
  EXPECT_NE(out.str().find("2026-11-28T13:00:00Z"), std::string::npos);
}

TEST(SignedFile, DetectsAnEditedFile) {
  TempDir dir;
  auto record = SignBody(HarvestBody(), "c1", 1, 7, chain::PrivateKey::Generate());
  ASSERT_TRUE(record.ok());
  nlohmann::json j = RecordToFileJson(*record);
  j["id"] = std::string(64, '0');
  EXPECT_EQ(RecordFromFileJson(j).status().reason(), Reason::kMalformed);

  j = RecordToFileJson(*record);
  std::string body = *chain::FromHex(j["body"].get<std::string>());
  ASSERT_EQ(body.substr(0, 4), std::string("\x0a\x02" "c1"));
  body[2] = 'b';  // chain id "b1": still parses, but the signature no longer matches
  j["body"] = chain::ToHex(body);
  j.erase("id");
  auto edited = RecordFromFileJson(j);
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_FALSE(chain::VerifyRecordSignature(*edited).ok());

  ASSERT_TRUE(chain::WriteFileAtomic(dir.File("bad.json"), "{not json", false).ok());
  EXPECT_EQ(ReadSignedFile(dir.File("bad.json")).status().reason(), Reason::kMalformed);
  EXPECT_EQ(ReadSignedFile(dir.File("missing.json")).status().reason(), Reason::kNotFound);
}

TEST(Errors, JsonShapeAndLine) {
  const chain::Status status(Reason::kNotCustodian, "you do not hold lot X");
  EXPECT_EQ(ErrorJson(status),
            nlohmann::json::parse(
                R"({"error": {"reason": "NOT_CUSTODIAN", "message": "you do not hold lot X"}})"));
  EXPECT_EQ(ErrorLine(status), "error: NOT_CUSTODIAN: you do not hold lot X");

  std::ostringstream out, err;
  Output output(out, err);
  output.set_json(true);
  output.Error(status);
  EXPECT_EQ(err.str(), "error: NOT_CUSTODIAN: you do not hold lot X\n");
  EXPECT_EQ(nlohmann::json::parse(out.str())["error"]["reason"], "NOT_CUSTODIAN");
}

// grpc::StatusCode values, spelled out so the test does not include gRPC.
constexpr int kGrpcFailedPrecondition = 9;
constexpr int kGrpcUnavailable = 14;
constexpr int kGrpcDeadlineExceeded = 4;

TEST(Errors, MapsNodeRejectionsAndTransportFailures) {
  chain::Status s = StatusFromGrpc(kGrpcFailedPrecondition, "NOT_CUSTODIAN: you do not hold it",
                                   "NOT_CUSTODIAN", "h:1", 100);
  EXPECT_EQ(s.reason(), Reason::kNotCustodian);
  EXPECT_EQ(s.message(), "you do not hold it");
  s = StatusFromGrpc(kGrpcFailedPrecondition, "REPLAY: nonce used", "", "h:1", 100);
  EXPECT_EQ(s.reason(), Reason::kReplay);
  EXPECT_EQ(s.message(), "nonce used");
  s = StatusFromGrpc(kGrpcUnavailable, "failed to connect to all addresses", "", "h:1", 100);
  EXPECT_EQ(s.reason(), Reason::kUnavailable);
  EXPECT_EQ(s.message(), "cannot reach the node at h:1; is agritrace-node running?");
  s = StatusFromGrpc(kGrpcDeadlineExceeded, "Deadline Exceeded", "", "h:1", 100);
  EXPECT_EQ(s.reason(), Reason::kTimeout);
  s = StatusFromGrpc(kGrpcUnavailable, "MEMPOOL_FULL: try later", "MEMPOOL_FULL", "h:1", 100);
  EXPECT_EQ(s.reason(), Reason::kMempoolFull);
}

}  // namespace
}  // namespace agritrace::wallet

// Runs whole command lines through RunCli, against an in-process fake Ledger service where a
// node is needed.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "agritrace/v1/ledger.grpc.pb.h"
#include "chain/base/bytes.h"
#include "chain/io/file_util.h"
#include "chain/keystore/keystore.h"
#include "chain/model/record.h"
#include "tests/unit/wallet-cli/test_util.h"
#include "wallet-cli/app.h"

namespace agritrace::wallet {
namespace {

using testing::TempDir;

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

CliResult RunAgritrace(std::vector<std::string> args) {
  args.insert(args.begin(), "agritrace");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

// A keystore with key "farmer" and a password file.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(chain::WriteFileAtomic(dir_.File("pw"), "secret\n", true).ok());
    ASSERT_TRUE(chain::Keystore(dir_.File("ks"))
                    .Save("farmer", farmer_, "secret", {1024, 8, 1})
                    .ok());
  }
  std::vector<std::string> Globals() {
    return {"--keystore", dir_.File("ks"), "--password-file", dir_.File("pw"), "--key", "farmer"};
  }
  TempDir dir_;
  chain::PrivateKey farmer_ = chain::PrivateKey::Generate();
};

TEST_F(CliTest, BadLotFailsWithBadGs1KeyAndJsonError) {
  CliResult r = RunAgritrace({"lot", "01/06901234567891/10/B1", "--json", "--node", "127.0.0.1:1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind("error: BAD_GS1_KEY: ", 0), 0u) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["reason"], "BAD_GS1_KEY");
  EXPECT_TRUE(j["error"]["message"].is_string());
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunAgritrace({}).code, 2);
  EXPECT_EQ(RunAgritrace({"harvest", "01/06901234567892/10/B1"}).code, 2);  // --commodity missing
  EXPECT_EQ(RunAgritrace({"frobnicate"}).code, 2);
  EXPECT_EQ(RunAgritrace({"harvest", "--help"}).code, 0);
}

TEST_F(CliTest, UnreachableNodeIsUnavailable) {
  CliResult r = RunAgritrace({"status", "--node", "127.0.0.1:1", "--timeout-ms", "2000"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("UNAVAILABLE: cannot reach the node at 127.0.0.1:1"), std::string::npos)
      << r.err;
}

TEST_F(CliTest, OfflineHarvestThenRecordShow) {
  std::vector<std::string> args = {"harvest", "01/06901234567892/10/B1", "--commodity", "rice",
                                   "--quantity", "1000kg", "--out", dir_.File("h.json"),
                                   "--chain-id", "offline-1", "--time", "2026-11-28T13:00:00Z",
                                   "--node", "127.0.0.1:1"};
  for (auto& g : Globals()) args.push_back(g);  // global options after the subcommand
  CliResult signed_run = RunAgritrace(args);
  ASSERT_EQ(signed_run.code, 0) << signed_run.err;
  EXPECT_EQ(signed_run.out.rfind("signed harvest 01/06901234567892/10/B1 into ", 0), 0u);

  CliResult show = RunAgritrace({"--json", "record", "show", dir_.File("h.json")});
  ASSERT_EQ(show.code, 0) << show.err;
  auto j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["signer"], chain::ToHex(farmer_.public_key()));
  EXPECT_EQ(j["event"]["chain_id"], "offline-1");
  EXPECT_EQ(j["event"]["time"], "2026-11-28T13:00:00Z");
  EXPECT_EQ(j["event"]["event"]["harvest_time"], "2026-11-28T13:00:00Z");
  EXPECT_EQ(j["signature_valid"], true);
}

TEST_F(CliTest, OfflineRecordKeepsItsEventTimeAndOffset) {
  std::vector<std::string> args = {"harvest", "01/06901234567892/10/B1", "--commodity", "rice",
                                   "--quantity", "1000kg", "--out", dir_.File("h.json"),
                                   "--chain-id", "offline-1", "--at",
                                   "2026-11-16T06:30:00+08:00", "--json"};
  for (auto& g : Globals()) args.push_back(g);
  CliResult signed_run = RunAgritrace(args);
  ASSERT_EQ(signed_run.code, 0) << signed_run.err;
  EXPECT_EQ(nlohmann::json::parse(signed_run.out)["lot"], "01/06901234567892/10/B1");

  CliResult show = RunAgritrace({"--json", "record", "show", dir_.File("h.json")});
  ASSERT_EQ(show.code, 0) << show.err;
  const auto j = nlohmann::json::parse(show.out)["event"];
  EXPECT_EQ(j["event_time"], "2026-11-16T06:30:00+08:00");
  EXPECT_EQ(j["local_time"], "2026-11-16 06:30 +08:00");
  EXPECT_EQ(j["event"]["harvest_time"], "2026-11-15T22:30:00Z");  // the harvest time follows

  args.push_back("--harvest-time");
  args.push_back("2026-11-17T00:00:00Z");
  CliResult both = RunAgritrace(args);
  EXPECT_EQ(both.code, 1);
  EXPECT_NE(both.err.find("--harvest-time and --at differ"), std::string::npos) << both.err;
}

TEST_F(CliTest, OfflineRotateKeyNamesTheOldAndTheNewKey) {
  const chain::PrivateKey fresh = chain::PrivateKey::Generate();
  ASSERT_TRUE(
      chain::Keystore(dir_.File("ks")).Save("farmer-2027", fresh, "secret", {1024, 8, 1}).ok());
  const std::string old_hex = chain::ToHex(chain::PrivateKey::Generate().public_key());
  std::vector<std::string> args = {"rotate-key", old_hex, "--new", "farmer-2027", "--reason",
                                   "laptop stolen", "--out", dir_.File("r.json"), "--chain-id",
                                   "offline-1", "--node", "127.0.0.1:1"};
  for (auto& g : Globals()) args.push_back(g);
  CliResult signed_run = RunAgritrace(args);
  ASSERT_EQ(signed_run.code, 0) << signed_run.err;

  CliResult show = RunAgritrace({"--json", "record", "show", dir_.File("r.json")});
  ASSERT_EQ(show.code, 0) << show.err;
  auto j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["event"]["type"], "rotate_key");
  EXPECT_EQ(j["event"]["event"]["old_pubkey"], old_hex);
  EXPECT_EQ(j["event"]["event"]["new_pubkey"], chain::ToHex(fresh.public_key()));
  EXPECT_EQ(j["event"]["event"]["reason"], "laptop stolen");
  EXPECT_EQ(j["signature_valid"], true);

  EXPECT_EQ(RunAgritrace({"rotate-key", old_hex}).code, 2);  // --new is required
}

TEST_F(CliTest, PasswordProblemsFailBeforeSigning) {
  std::vector<std::string> args = {"harvest", "01/06901234567892/10/B1", "--commodity", "rice",
                                   "--quantity", "1kg", "--out", dir_.File("x.json"),
                                   "--chain-id", "c", "--keystore", dir_.File("ks"), "--key",
                                   "farmer", "--password-file"};
  args.push_back(dir_.File("nope"));
  CliResult r = RunAgritrace(args);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error: NOT_FOUND: cannot read the password file"), std::string::npos)
      << r.err;

  ASSERT_TRUE(chain::WriteFileAtomic(dir_.File("wrong"), "wrong\n", true).ok());
  args.back() = dir_.File("wrong");
  r = RunAgritrace(args);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind("error: BAD_PASSWORD: ", 0), 0u) << r.err;
}

// A node that commits harvests at height 3 and rejects everything else as NOT_CUSTODIAN.
class FakeLedger final : public v1::Ledger::Service {
 public:
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusResponse* response) override {
    response->set_chain_id("fake-chain");
    response->set_height(2);
    return grpc::Status::OK;
  }
  grpc::Status SubmitRecord(grpc::ServerContext* context, const v1::SubmitRecordRequest* request,
                            v1::SubmitRecordResponse* response) override {
    auto record = chain::DecodeRecord(request->envelope());
    if (!record.ok() || !record->body.has_harvest() || record->body.chain_id() != "fake-chain") {
      context->AddTrailingMetadata("agritrace-reason", "NOT_CUSTODIAN");
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "NOT_CUSTODIAN: you do not hold the lot");
    }
    response->set_record_id(chain::AsBytes(record->id));
    response->set_committed(request->wait_for_commit());
    response->set_height(request->wait_for_commit() ? 3 : 0);
    return grpc::Status::OK;
  }
  // One double prevote by "v2", committed in block 4; any other validator is unknown.
  grpc::Status ListEvidence(grpc::ServerContext* context, const v1::ListEvidenceRequest* request,
                            v1::ListEvidenceResponse* response) override {
    if (!request->validator().empty() && request->validator() != "v2") {
      context->AddTrailingMetadata("agritrace-reason", "UNKNOWN_PARTICIPANT");
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "UNKNOWN_PARTICIPANT: no validator named '" + request->validator() +
                              "' (or with that public key) in genesis");
    }
    v1::CommittedEvidence* item = response->add_evidence();
    v1::DoubleVote* pair = item->mutable_evidence()->mutable_double_vote();
    for (v1::Vote* vote : {pair->mutable_first(), pair->mutable_second()}) {
      vote->set_height(3);
      vote->set_type(v1::VOTE_TYPE_PREVOTE);
      vote->set_validator(std::string(32, '\x02'));
      vote->set_signature(std::string(64, '\x05'));
    }
    pair->mutable_first()->set_block_hash(std::string(32, '\x0a'));
    item->set_committed_height(4);
    item->set_validator(std::string(32, '\x02'));
    item->set_validator_name("v2");
    item->set_height(3);
    item->set_kind("double-prevote");
    return grpc::Status::OK;
  }
};

class CliNodeTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override { server_->Shutdown(); }
  FakeLedger service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(CliNodeTest, HarvestCommitsAndPrintsTheBlock) {
  std::vector<std::string> args = Globals();
  for (std::string a : {"harvest", "01/06901234567892/10/B1", "--commodity", "rice",
                        "--quantity", "1000kg"}) {
    args.push_back(a);
  }
  args.push_back("--node");
  args.push_back(address_);
  CliResult r = RunAgritrace(args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("committed harvest 01/06901234567892/10/B1 in block 3 (record ", 0), 0u)
      << r.out;

  args.push_back("--json");
  args.push_back("--no-wait");
  r = RunAgritrace(args);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["committed"], false);
  EXPECT_EQ(j["record_id"].get<std::string>().size(), 64u);
}

TEST_F(CliNodeTest, EvidenceListsCommittedOffencesWithTheirTwoMessages) {
  CliResult r = RunAgritrace({"evidence", "--node", address_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "double-prevote by v2 (0202020202020202) at height 3 round 0, committed in block 4\n");
  r = RunAgritrace({"evidence", "--validator", "v2", "--json", "--node", address_});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["kind"], "double-prevote");
  EXPECT_EQ(j[0]["validator_name"], "v2");
  EXPECT_EQ(j[0]["committed_height"], 4);
  EXPECT_EQ(j[0]["first"]["block_hash"], chain::ToHex(std::string(32, '\x0a')));
  EXPECT_EQ(j[0]["second"]["block_hash"], "nil");
  EXPECT_EQ(j[0]["second"]["signature"].get<std::string>().size(), 128u);
  r = RunAgritrace({"evidence", "--validator", "nobody", "--node", address_});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind("error: UNKNOWN_PARTICIPANT: ", 0), 0u) << r.err;
}

TEST_F(CliNodeTest, RejectionKeepsTheNodesReason) {
  std::vector<std::string> args = Globals();
  for (std::string a : {"receive", "01/06901234567892/10/B1", "--json", "--node"}) {
    args.push_back(a);
  }
  args.push_back(address_);
  CliResult r = RunAgritrace(args);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: NOT_CUSTODIAN: you do not hold the lot\n");
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["reason"], "NOT_CUSTODIAN");
}

TEST_F(CliNodeTest, SubmitReportsEachFileAndFailsIfAnyFails) {
  std::vector<std::string> harvest = Globals();
  for (std::string a : {"harvest", "01/06901234567892/10/B1", "--commodity", "rice",
                        "--quantity", "1kg", "--chain-id", "fake-chain", "--out"}) {
    harvest.push_back(a);
  }
  harvest.push_back(dir_.File("ok.json"));
  ASSERT_EQ(RunAgritrace(harvest).code, 0);
  std::vector<std::string> receive = Globals();
  for (std::string a : {"receive", "01/06901234567892/10/B1", "--chain-id", "fake-chain",
                        "--out"}) {
    receive.push_back(a);
  }
  receive.push_back(dir_.File("bad.json"));
  ASSERT_EQ(RunAgritrace(receive).code, 0);

  CliResult r = RunAgritrace({"submit", dir_.File("ok.json"), dir_.File("bad.json"), "--node", address_});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(dir_.File("ok.json") + ": committed harvest"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(dir_.File("bad.json") + ": error: NOT_CUSTODIAN"), std::string::npos);
  EXPECT_NE(r.err.find("1 of 2 records failed"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace agritrace::wallet

#include "chain/io/genesis_file.h"
#include "chain/model/genesis.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "chain/io/file_util.h"
#include "chain/base/hash.h"
#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using Json = nlohmann::json;

std::string KeyHex() { return ToHex(PrivateKey::Generate().public_key()); }

class GenesisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    validator_ = KeyHex();
    admin_ = KeyHex();
    farmer_ = KeyHex();
    doc_ = {
        {"chain_id", "agritrace-dev-1a2b3c"},
        {"genesis_time_ms", 1764331200000},
        {"validators", {{{"name", "coop"}, {"pubkey", validator_}, {"address", "127.0.0.1:7400"}}}},
        {"admins", {admin_}},
        {"participants",
         {{{"name", "coop-admin"}, {"pubkey", admin_}, {"roles", Json::array()}},
          {{"name", "farmer"},
           {"pubkey", farmer_},
           {"roles", {"farmer", "carrier"}},
           {"organization", "Green Acres"},
           {"gln", "0614141000012"},
           {"lat", 45.12},
           {"lon", -127.45},
           {"address", "Niujia village, Wuchang"},
           {"phone", "+86 451 5555 0101"},
           {"tz_offset_min", 480}}}},
        {"params",
         {{"max_record_age_ms", 1000},
          {"max_record_future_ms", 2000},
          {"max_block_records", 50},
          {"block_delay_ms", 300}}},
    };
  }

  // MALFORMED naming `field`, after `mutate` edits the valid document.
  void ExpectRejected(const std::function<void(Json&)>& mutate, const std::string& field) {
    Json doc = doc_;
    mutate(doc);
    Result<Genesis> genesis = ParseGenesis(doc.dump());
    ASSERT_FALSE(genesis.ok()) << "accepted a genesis with a bad " << field;
    EXPECT_EQ(genesis.status().reason(), Reason::kMalformed);
    EXPECT_THAT(genesis.status().message(), HasSubstr(field));
  }

  Json& Farmer(Json& doc) { return doc["participants"][1]; }

  std::string validator_, admin_, farmer_;
  Json doc_;
};

TEST_F(GenesisTest, ParsesTheDocumentedFormat) {
  std::string text = doc_.dump(2);
  Result<Genesis> genesis = ParseGenesis(text);
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(genesis->chain_id, "agritrace-dev-1a2b3c");
  EXPECT_EQ(genesis->params.chain_id, "agritrace-dev-1a2b3c");
  EXPECT_EQ(genesis->genesis_time_ms, 1764331200000);
  EXPECT_EQ(genesis->hash, Sha256(text));
  ASSERT_EQ(genesis->validators.size(), 1u);
  EXPECT_EQ(genesis->validators[0].name, "coop");
  EXPECT_EQ(ToHex(genesis->validators[0].pubkey), validator_);
  EXPECT_EQ(genesis->validators[0].address, "127.0.0.1:7400");
  ASSERT_EQ(genesis->participants.size(), 2u);
  const v1::Participant& admin = genesis->participants[0];
  ASSERT_EQ(admin.roles_size(), 1);
  EXPECT_EQ(admin.roles(0), v1::ROLE_ADMIN);
  const v1::Participant& farmer = genesis->participants[1];
  EXPECT_EQ(ToHex(farmer.pubkey()), farmer_);
  ASSERT_EQ(farmer.roles_size(), 2);
  EXPECT_EQ(farmer.roles(0), v1::ROLE_FARMER);
  EXPECT_EQ(farmer.roles(1), v1::ROLE_CARRIER);
  EXPECT_EQ(farmer.organization(), "Green Acres");
  EXPECT_EQ(farmer.location().gln(), "0614141000012");
  EXPECT_EQ(farmer.location().lat_e6(), 45'120'000);
  EXPECT_EQ(farmer.location().lon_e6(), -127'450'000);
  EXPECT_EQ(farmer.registered_height(), 0u);
  EXPECT_EQ(genesis->params.max_record_age_ms, 1000);
  EXPECT_EQ(genesis->params.max_record_future_ms, 2000);
  EXPECT_EQ(genesis->max_block_records, 50u);
  EXPECT_EQ(genesis->block_delay_ms, 300u);
}

TEST_F(GenesisTest, HashCoversTheExactBytes) {
  Result<Genesis> compact = ParseGenesis(doc_.dump());
  Result<Genesis> pretty = ParseGenesis(doc_.dump(2));
  ASSERT_TRUE(compact.ok() && pretty.ok());
  EXPECT_NE(compact->hash, pretty->hash);
}

TEST_F(GenesisTest, OptionalSectionsTakeDefaults) {
  Json doc = doc_;
  doc.erase("params");
  doc.erase("admins");
  doc.erase("participants");
  Result<Genesis> genesis = ParseGenesis(doc.dump());
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  Genesis defaults;
  ChainParams params;
  EXPECT_EQ(genesis->params.max_record_age_ms, params.max_record_age_ms);
  EXPECT_EQ(genesis->params.max_record_future_ms, params.max_record_future_ms);
  EXPECT_EQ(genesis->max_block_records, defaults.max_block_records);
  EXPECT_EQ(genesis->block_delay_ms, defaults.block_delay_ms);
  EXPECT_TRUE(genesis->participants.empty());
}

TEST_F(GenesisTest, AdminRoleMergesWithListedRoles) {
  Json doc = doc_;
  doc["admins"].push_back(farmer_);
  Result<Genesis> genesis = ParseGenesis(doc.dump());
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  const v1::Participant& farmer = genesis->participants[1];
  ASSERT_EQ(farmer.roles_size(), 3);
  EXPECT_EQ(farmer.roles(2), v1::ROLE_ADMIN);
}

TEST_F(GenesisTest, RoundTripsThroughJson) {
  Result<Genesis> original = ParseGenesis(doc_.dump());
  ASSERT_TRUE(original.ok());
  std::string text = GenesisToJson(*original);
  EXPECT_EQ(text.rfind("{\n  \"chain_format\": 2,\n  \"chain_id\": ", 0), 0u) << text;
  Result<Genesis> again = ParseGenesis(text);
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << text;
  EXPECT_EQ(again->hash, Sha256(text));
  EXPECT_EQ(again->chain_id, original->chain_id);
  EXPECT_EQ(again->genesis_time_ms, original->genesis_time_ms);
  ASSERT_EQ(again->validators.size(), original->validators.size());
  EXPECT_EQ(again->validators[0].name, original->validators[0].name);
  EXPECT_EQ(again->validators[0].pubkey, original->validators[0].pubkey);
  EXPECT_EQ(again->validators[0].address, original->validators[0].address);
  ASSERT_EQ(again->participants.size(), original->participants.size());
  for (size_t i = 0; i < again->participants.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(again->participants[i], original->participants[i]))
        << again->participants[i].DebugString() << original->participants[i].DebugString();
  }
  EXPECT_EQ(again->params.max_record_age_ms, original->params.max_record_age_ms);
  EXPECT_EQ(again->params.max_record_future_ms, original->params.max_record_future_ms);
  EXPECT_EQ(again->max_block_records, original->max_block_records);
  EXPECT_EQ(again->block_delay_ms, original->block_delay_ms);
  EXPECT_EQ(GenesisToJson(*again), text);
}

TEST_F(GenesisTest, RoundTripKeepsOddCoordinatesExact) {
  Result<Genesis> genesis = ParseGenesis(doc_.dump());
  ASSERT_TRUE(genesis.ok());
  v1::Location* location = genesis->participants[1].mutable_location();
  for (int32_t micro : {1, -1, 89'999'999, -179'999'999, 123'456, 0}) {
    location->set_lat_e6(micro % 90'000'001);
    location->set_lon_e6(micro);
    Result<Genesis> again = ParseGenesis(GenesisToJson(*genesis));
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->participants[1].location().lat_e6(), location->lat_e6());
    EXPECT_EQ(again->participants[1].location().lon_e6(), micro);
  }
}

TEST_F(GenesisTest, ValidatorSetListsValidatorKeys) {
  Result<Genesis> genesis = ParseGenesis(doc_.dump());
  ASSERT_TRUE(genesis.ok());
  ValidatorSet set = genesis->validator_set();
  ASSERT_EQ(set.validators.size(), 1u);
  EXPECT_EQ(ToHex(set.validators[0]), validator_);
  EXPECT_EQ(set.Quorum(), 1u);
}

TEST_F(GenesisTest, LoadsFromFile) {
  char dir_template[] = "/tmp/agritrace-genesis-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string path = std::string(dir_template) + "/genesis.json";
  std::string text = doc_.dump(2);
  ASSERT_TRUE(WriteFileAtomic(path, text, false).ok());
  Result<Genesis> genesis = LoadGenesis(path);
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(genesis->hash, Sha256(text));
  EXPECT_EQ(LoadGenesis(path + ".missing").status().reason(), Reason::kNotFound);
  std::filesystem::remove_all(dir_template);
}

TEST_F(GenesisTest, RejectsNonJson) {
  EXPECT_EQ(ParseGenesis("{\"chain_id\": ").status().reason(), Reason::kMalformed);
  EXPECT_EQ(ParseGenesis("[1, 2]").status().reason(), Reason::kMalformed);
}

TEST_F(GenesisTest, RejectsBadChainId) {
  ExpectRejected([](Json& d) { d.erase("chain_id"); }, "chain_id");
  ExpectRejected([](Json& d) { d["chain_id"] = ""; }, "chain_id");
  ExpectRejected([](Json& d) { d["chain_id"] = std::string(kMaxChainIdBytes + 1, 'c'); },
                 "chain_id");
  ExpectRejected([](Json& d) { d["chain_id"] = 7; }, "chain_id");
}

TEST_F(GenesisTest, AcceptsLongestChainId) {
  Json doc = doc_;
  doc["chain_id"] = std::string(kMaxChainIdBytes, 'c');
  EXPECT_TRUE(ParseGenesis(doc.dump()).ok());
}

TEST_F(GenesisTest, RejectsBadGenesisTime) {
  ExpectRejected([](Json& d) { d.erase("genesis_time_ms"); }, "genesis_time_ms");
  ExpectRejected([](Json& d) { d["genesis_time_ms"] = -1; }, "genesis_time_ms");
  ExpectRejected([](Json& d) { d["genesis_time_ms"] = 1.5; }, "genesis_time_ms");
}

TEST_F(GenesisTest, RejectsMissingOrEmptyValidators) {
  ExpectRejected([](Json& d) { d.erase("validators"); }, "validators");
  ExpectRejected([](Json& d) { d["validators"] = Json::array(); }, "validators");
}

TEST_F(GenesisTest, RejectsTooManyValidators) {
  ExpectRejected(
      [](Json& d) {
        d["validators"] = Json::array();
        for (size_t i = 0; i <= kMaxValidators; ++i) {
          d["validators"].push_back({{"name", "v" + std::to_string(i)}, {"pubkey", KeyHex()}});
        }
      },
      "validators");
}

TEST_F(GenesisTest, RejectsBadValidatorKey) {
  ExpectRejected([](Json& d) { d["validators"][0]["pubkey"] = "abcd"; }, "validators[0].pubkey");
  ExpectRejected([](Json& d) { d["validators"][0]["pubkey"] = std::string(64, 'z'); },
                 "validators[0].pubkey");
  // x >= p is not the x coordinate of any curve point.
  ExpectRejected([](Json& d) { d["validators"][0]["pubkey"] = std::string(64, 'f'); },
                 "validators[0].pubkey");
  ExpectRejected([](Json& d) { d["validators"][0].erase("pubkey"); }, "validators[0].pubkey");
}

TEST_F(GenesisTest, RejectsDuplicateValidators) {
  ExpectRejected(
      [this](Json& d) {
        d["validators"].push_back({{"name", "other"}, {"pubkey", validator_}});
      },
      "validators[1].pubkey");
  ExpectRejected(
      [](Json& d) {
        d["validators"].push_back({{"name", "coop"}, {"pubkey", KeyHex()}});
      },
      "validators[1].name");
}

TEST_F(GenesisTest, RejectsValidatorWithoutName) {
  ExpectRejected([](Json& d) { d["validators"][0].erase("name"); }, "validators[0].name");
}

TEST_F(GenesisTest, ParticipantsCarryTheirMasterData) {
  Result<Genesis> genesis = ParseGenesis(doc_.dump());
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  const v1::ContactDetails& contact = genesis->participants[1].contact();
  EXPECT_EQ(contact.address(), "Niujia village, Wuchang");
  EXPECT_EQ(contact.phone(), "+86 451 5555 0101");
  EXPECT_EQ(contact.tz_offset_min(), 480);
  EXPECT_FALSE(genesis->participants[0].has_contact());
}

TEST_F(GenesisTest, RejectsBadMasterData) {
  ExpectRejected([&](Json& d) { Farmer(d)["phone"] = "call me"; }, "participants[1].phone");
  ExpectRejected([&](Json& d) { Farmer(d)["tz_offset_min"] = 900; },
                 "participants[1].tz_offset_min");
  ExpectRejected([&](Json& d) { Farmer(d)["tz_offset_min"] = "+08:00"; },
                 "participants[1].tz_offset_min");
}

TEST_F(GenesisTest, RejectsBadParticipantKey) {
  ExpectRejected([this](Json& d) { Farmer(d)["pubkey"] = std::string(64, 'f'); },
                 "participants[1].pubkey");
}

TEST_F(GenesisTest, RejectsDuplicateParticipants) {
  ExpectRejected(
      [this](Json& d) {
        d["participants"].push_back(
            {{"name", "other"}, {"pubkey", farmer_}, {"roles", {"packer"}}});
      },
      "participants[2].pubkey");
  ExpectRejected(
      [](Json& d) {
        d["participants"].push_back(
            {{"name", "farmer"}, {"pubkey", KeyHex()}, {"roles", {"packer"}}});
      },
      "participants[2].name");
}

TEST_F(GenesisTest, RejectsUnknownOrRepeatedRole) {
  ExpectRejected(
      [this](Json& d) {
        Farmer(d)["roles"] = {"farmer", "wizard"};
      },
      "participants[1].roles");
  ExpectRejected(
      [this](Json& d) {
        Farmer(d)["roles"] = {"farmer", "farmer"};
      },
      "participants[1].roles");
  ExpectRejected([this](Json& d) { Farmer(d)["roles"] = "farmer"; }, "participants[1].roles");
}

TEST_F(GenesisTest, RejectsParticipantWithoutRoles) {
  ExpectRejected([this](Json& d) { Farmer(d)["roles"] = Json::array(); }, "participants[1].roles");
}

TEST_F(GenesisTest, RejectsBadCoordinates) {
  ExpectRejected([this](Json& d) { Farmer(d)["lat"] = 90.5; }, "participants[1].lat");
  ExpectRejected([this](Json& d) { Farmer(d)["lon"] = -180.01; }, "participants[1].lon");
  ExpectRejected([this](Json& d) { Farmer(d)["lat"] = "north"; }, "participants[1].lat");
}

TEST_F(GenesisTest, RejectsBadGln) {
  ExpectRejected([this](Json& d) { Farmer(d)["gln"] = "0614141000013"; }, "participants[1].gln");
}

TEST_F(GenesisTest, RejectsOverlongText) {
  ExpectRejected([this](Json& d) { Farmer(d)["name"] = std::string(kMaxTextBytes + 1, 'n'); },
                 "participants[1].name");
  ExpectRejected(
      [this](Json& d) { Farmer(d)["organization"] = std::string(kMaxTextBytes + 1, 'o'); },
      "participants[1].organization");
}

TEST_F(GenesisTest, RejectsAdminWhoIsNotAParticipant) {
  ExpectRejected([](Json& d) { d["admins"].push_back(KeyHex()); }, "admins[1]");
}

TEST_F(GenesisTest, RejectsBadOrRepeatedAdmin) {
  ExpectRejected([](Json& d) { d["admins"][0] = "xyz"; }, "admins[0]");
  ExpectRejected([this](Json& d) { d["admins"].push_back(admin_); }, "admins[1]");
}

TEST_F(GenesisTest, RejectsParamsOutOfRange) {
  ExpectRejected([](Json& d) { d["params"]["max_block_records"] = 0; }, "max_block_records");
  ExpectRejected([](Json& d) { d["params"]["max_block_records"] = kMaxBlockRecords + 1; },
                 "max_block_records");
  ExpectRejected([](Json& d) { d["params"]["max_record_age_ms"] = -5; }, "max_record_age_ms");
  ExpectRejected([](Json& d) { d["params"]["block_delay_ms"] = "fast"; }, "block_delay_ms");
  ExpectRejected([](Json& d) { d["params"]["max_record_future_ms"] = 18446744073709551615u; },
                 "max_record_future_ms");
}

TEST_F(GenesisTest, RejectsUnknownFields) {
  ExpectRejected([](Json& d) { d["param"] = Json::object(); }, "param");
  ExpectRejected([](Json& d) { d["params"]["max_block_record"] = 5; }, "params.max_block_record");
  ExpectRejected([this](Json& d) { Farmer(d)["role"] = "farmer"; }, "participants[1].role");
}

TEST(RoleNameTest, RoundTripsEveryRole) {
  const std::vector<std::string> names = {"admin",   "farmer",   "packer",    "processor",
                                          "carrier", "retailer", "inspector", "regulator"};
  for (const std::string& name : names) {
    v1::Role role = RoleFromName(name);
    EXPECT_NE(role, v1::ROLE_UNSPECIFIED) << name;
    EXPECT_EQ(RoleName(role), name);
  }
  EXPECT_EQ(RoleFromName("farmer"), v1::ROLE_FARMER);
  EXPECT_EQ(RoleFromName("regulator"), v1::ROLE_REGULATOR);
  EXPECT_EQ(RoleFromName("Farmer"), v1::ROLE_UNSPECIFIED);
  EXPECT_EQ(RoleFromName(""), v1::ROLE_UNSPECIFIED);
}

}  // namespace
}  // namespace agritrace::chain

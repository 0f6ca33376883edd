// The official BIP-340 test vectors, row by row, through chain/keys.h.
//
// testdata/bip340-test-vectors.csv is bitcoin/bips bip-0340/test-vectors.csv (commit 7e8b5df,
// rows 0-14), byte for byte including its CRLF line ends. Rows 15-18 (messages of 0, 1, 17
// and 100 bytes, added upstream in 2022-12 by bitcoin/bips#1446) were not in that snapshot;
// they are in testdata/bip340-test-vectors-varlen.csv in the same format.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "chain/base/bytes.h"
#include "chain/base/keys.h"

namespace agritrace::chain {
namespace {

struct VectorRow {
  std::string index, secret_key, public_key, aux_rand, message, signature, result, comment;
};

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.push_back("");  // empty last column
  return fields;
}

std::vector<VectorRow> LoadVectors(const std::string& file_name) {
  std::ifstream in(std::string(AGRITRACE_TESTDATA) + "/" + file_name, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << file_name;
  std::vector<VectorRow> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // upstream uses CRLF
    if (line.empty()) continue;
    if (header) {
      EXPECT_EQ(line,
                "index,secret key,public key,aux_rand,message,signature,"
                "verification result,comment");
      header = false;
      continue;
    }
    std::vector<std::string> f = SplitCsvLine(line);
    EXPECT_EQ(f.size(), 8u) << line;  // no comment contains a comma
    if (f.size() != 8) continue;
    rows.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]});
  }
  return rows;
}

// What each file exercised, so a test that skipped everything cannot pass.
struct Coverage {
  int rows = 0;
  int signed_rows = 0;
  int verify_only_secret_rows = 0;
};

void CheckRow(const VectorRow& row, Coverage& coverage) {
  SCOPED_TRACE("vector " + row.index + " (" + row.comment + ")");
  ++coverage.rows;
  auto public_key = ArrayFromHex<32>(row.public_key);
  auto message = FromHex(row.message);
  auto signature = ArrayFromHex<64>(row.signature);
  ASSERT_TRUE(public_key && message && signature);
  ASSERT_TRUE(row.result == "TRUE" || row.result == "FALSE");
  bool expected = row.result == "TRUE";

  if (!row.secret_key.empty()) {
    auto secret = FromHex(row.secret_key);
    ASSERT_TRUE(secret);
    auto key = PrivateKey::FromBytes(*secret);
    ASSERT_TRUE(key);
    EXPECT_EQ(ToHex(key->public_key()), ToHex(*public_key));
    if (message->size() == 32) {
      auto aux = ArrayFromHex<32>(row.aux_rand);
      ASSERT_TRUE(aux);
      Hash256 msg32 = *ArrayFromBytes<32>(*message);
      EXPECT_EQ(ToHex(key->SignWithAux(msg32, *aux)), ToHex(*signature));
      ++coverage.signed_rows;
    } else {
      // PrivateKey signs 32-byte digests only; these rows are checked by verification.
      ++coverage.verify_only_secret_rows;
    }
  }

  EXPECT_EQ(VerifySchnorrBytes(*public_key, *message, *signature), expected);
  if (message->size() == 32) {
    EXPECT_EQ(VerifySchnorr(*public_key, *ArrayFromBytes<32>(*message), *signature), expected);
  }
}

TEST(Bip340VectorsTest, OfficialRows0To14AllPass) {
  std::vector<VectorRow> rows = LoadVectors("bip340-test-vectors.csv");
  ASSERT_EQ(rows.size(), 15u);
  Coverage coverage;
  for (const auto& row : rows) CheckRow(row, coverage);
  EXPECT_EQ(coverage.rows, 15);
  EXPECT_EQ(coverage.signed_rows, 4);  // rows 0-3 carry a secret key and a 32-byte message
}

TEST(Bip340VectorsTest, VariableLengthRows15To18Verify) {
  std::vector<VectorRow> rows = LoadVectors("bip340-test-vectors-varlen.csv");
  ASSERT_EQ(rows.size(), 4u);
  Coverage coverage;
  for (const auto& row : rows) CheckRow(row, coverage);
  EXPECT_EQ(coverage.verify_only_secret_rows, 4);
}

// Rows 5 and 14 name x coordinates that are not public keys at all.
TEST(Bip340VectorsTest, InvalidPublicKeysAreRejected) {
  auto off_curve =
      ArrayFromHex<32>("EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34");
  auto past_field =
      ArrayFromHex<32>("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30");
  ASSERT_TRUE(off_curve && past_field);
  EXPECT_FALSE(IsValidPubKey(*off_curve));
  EXPECT_FALSE(IsValidPubKey(*past_field));
  auto valid = ArrayFromHex<32>("DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659");
  EXPECT_TRUE(IsValidPubKey(*valid));
}

TEST(Bip340Test, FreshSignaturesVerifyAndAreRandomized) {
  PrivateKey key = PrivateKey::Generate();
  Hash256 message = ArrayFromBytes<32>(std::string(32, 'm')).value();
  Signature first = key.Sign(message);
  Signature second = key.Sign(message);
  EXPECT_TRUE(VerifySchnorr(key.public_key(), message, first));
  EXPECT_TRUE(VerifySchnorr(key.public_key(), message, second));
  EXPECT_NE(first, second);  // fresh auxiliary randomness each time
  message[0] ^= 1;
  EXPECT_FALSE(VerifySchnorr(key.public_key(), message, first));
}

TEST(Bip340Test, SecretKeyMustBeInRange) {
  EXPECT_FALSE(PrivateKey::FromBytes(std::string(32, '\0')).has_value());
  EXPECT_FALSE(PrivateKey::FromBytes(std::string(31, '\x01')).has_value());
  // The group order n itself is not a valid secret key.
  auto order = FromHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
  EXPECT_FALSE(PrivateKey::FromBytes(*order).has_value());
  auto below = FromHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140");
  EXPECT_TRUE(PrivateKey::FromBytes(*below).has_value());
}

}  // namespace
}  // namespace agritrace::chain

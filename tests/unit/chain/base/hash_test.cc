// SHA-256, BIP-340 tagged hashes and hex conversion against published values.
#include "chain/base/hash.h"

#include <gtest/gtest.h>

#include <string>

#include "chain/base/bytes.h"

namespace agritrace::chain {
namespace {

TEST(Sha256Test, MatchesFips180Vectors) {
  EXPECT_EQ(ToHex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256(std::string(1'000'000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, BuilderInPiecesEqualsOneShot) {
  std::string message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  Sha256Builder builder;
  builder.Add(message.substr(0, 7)).Add(message.substr(7, 30)).Add(message.substr(37));
  EXPECT_EQ(builder.Finish(), Sha256(message));
  EXPECT_EQ(ToHex(Sha256(message)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(TaggedHashTest, EqualsHandComputedFormula) {
  const std::string tag = "agritrace/record/v1";
  const std::string message = "some record body";
  Hash256 tag_hash = Sha256(tag);
  std::string preimage = AsBytes(tag_hash) + AsBytes(tag_hash) + message;
  EXPECT_EQ(TaggedHash(tag, message), Sha256(preimage));
}

// Published values: BIP-322 "Message hashing" test vectors are BIP-340 tagged hashes with tag
// "BIP0322-signed-message".
TEST(TaggedHashTest, MatchesBip322PublishedValues) {
  EXPECT_EQ(ToHex(TaggedHash("BIP0322-signed-message", "")),
            "c90c269c4f8fcbe6880f72a721ddfbf1914268a794cbb21cfafee13770ae19f1");
  EXPECT_EQ(ToHex(TaggedHash("BIP0322-signed-message", "Hello World")),
            "f0eb03b1a75ac6d9847f55c624a99169b5dccba2a31f5b23bea77ba270de0a7a");
}

TEST(TaggedHashTest, DifferentTagsGiveDifferentHashes) {
  EXPECT_NE(TaggedHash(kRecordTag, "x"), TaggedHash(kVoteTag, "x"));
  EXPECT_NE(TaggedHash(kRecordTag, "x"), TaggedHash(kBlockTag, "x"));
  EXPECT_NE(TaggedHash(kRecordTag, "x"), Sha256("x"));
}

TEST(HexTest, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  std::string hex = ToHex(bytes);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  EXPECT_EQ(FromHex(hex), bytes);
  EXPECT_EQ(FromHex("DEADbeef"), std::string("\xde\xad\xbe\xef"));
  EXPECT_EQ(FromHex(""), std::string());
}

TEST(HexTest, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(FromHex("abc").has_value());
  EXPECT_FALSE(FromHex("0g").has_value());
  EXPECT_FALSE(FromHex("zz").has_value());
  EXPECT_FALSE(FromHex(" 0").has_value());
  EXPECT_FALSE(FromHex("0x00").has_value());
}

TEST(HexTest, ArrayFromHexRequiresExactLength) {
  std::string hex32(64, 'a');
  ASSERT_TRUE(ArrayFromHex<32>(hex32).has_value());
  EXPECT_EQ(ToHex(*ArrayFromHex<32>(hex32)), hex32);
  EXPECT_FALSE(ArrayFromHex<32>(hex32.substr(2)).has_value());
  EXPECT_FALSE(ArrayFromHex<32>(hex32 + "00").has_value());
  EXPECT_FALSE(ArrayFromBytes<32>(std::string(31, 'x')).has_value());
  EXPECT_TRUE(ArrayFromBytes<32>(std::string(32, 'x')).has_value());
}

}  // namespace
}  // namespace agritrace::chain

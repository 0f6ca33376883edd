#include "chain/model/gs1.h"

#include <gtest/gtest.h>

namespace agritrace::chain {
namespace {

constexpr char kGtin[] = "06901234567892";

v1::LotKey Key(std::string gtin, std::string lot) {
  v1::LotKey key;
  key.set_gtin(std::move(gtin));
  key.set_lot(std::move(lot));
  return key;
}

TEST(Gs1CheckDigitTest, MatchesPublishedExamples) {
  EXPECT_EQ(Gs1CheckDigit("0690123456789"), 2);  // GTIN-14 06901234567892
  EXPECT_EQ(Gs1CheckDigit("400638133393"), 1);   // GTIN-13 4006381333931
  EXPECT_EQ(Gs1CheckDigit("01234567890"), 5);    // UPC-A 012345678905
  EXPECT_EQ(Gs1CheckDigit("9638507"), 4);        // GTIN-8 96385074
  EXPECT_EQ(Gs1CheckDigit("061414100000"), 5);   // GLN 0614141000005
}

TEST(Gs1CheckDigitTest, ReturnsMinusOneForNonDigits) {
  EXPECT_EQ(Gs1CheckDigit("06901234567a9"), -1);
}

TEST(ValidateGtin14Test, AcceptsValidGtin) { EXPECT_TRUE(ValidateGtin14(kGtin).ok()); }

TEST(ValidateGtin14Test, RejectsWrongCheckDigit) {
  Status st = ValidateGtin14("06901234567891");
  EXPECT_EQ(st.reason(), Reason::kBadGs1Key);
  EXPECT_NE(st.message().find("check digit 1"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("need 2"), std::string::npos) << st.message();
}

TEST(ValidateGtin14Test, RejectsEveryOtherCheckDigit) {
  std::string gtin = kGtin;
  for (char d = '0'; d <= '9'; ++d) {
    gtin.back() = d;
    EXPECT_EQ(ValidateGtin14(gtin).ok(), d == '2') << gtin;
  }
}

TEST(ValidateGtin14Test, RejectsWrongLengthAndNonDigits) {
  EXPECT_EQ(ValidateGtin14("6901234567892").reason(), Reason::kBadGs1Key);    // 13 digits
  EXPECT_EQ(ValidateGtin14("069012345678920").reason(), Reason::kBadGs1Key);  // 15 digits
  EXPECT_EQ(ValidateGtin14("0690123456789X").reason(), Reason::kBadGs1Key);
  EXPECT_EQ(ValidateGtin14("").reason(), Reason::kBadGs1Key);
}

TEST(ValidateLotCodeTest, AcceptsEverySet82Character) {
  EXPECT_TRUE(ValidateLotCode("B1").ok());
  EXPECT_TRUE(ValidateLotCode("abcXYZ0189").ok());
  EXPECT_TRUE(ValidateLotCode("!\"%&'()*+,-./:;<=>?_").ok());  // exactly 20 symbols
}

TEST(ValidateLotCodeTest, RejectsCharactersOutsideSet82) {
  for (std::string_view bad : {"B 1", "B#1", "B$1", "B@1", "B[1", "B~1", "B\t1", "B\xc3\xa9" "1"}) {
    EXPECT_EQ(ValidateLotCode(bad).reason(), Reason::kBadGs1Key) << bad;
  }
}

TEST(ValidateLotCodeTest, RejectsEmptyAndLongerThanTwentyCharacters) {
  EXPECT_EQ(ValidateLotCode("").reason(), Reason::kBadGs1Key);
  EXPECT_TRUE(ValidateLotCode(std::string(20, 'A')).ok());
  EXPECT_EQ(ValidateLotCode(std::string(21, 'A')).reason(), Reason::kBadGs1Key);
}

TEST(ValidateGlnTest, AcceptsValidAndRejectsInvalid) {
  EXPECT_TRUE(ValidateGln("0614141000005").ok());
  EXPECT_EQ(ValidateGln("0614141000006").reason(), Reason::kBadGs1Key);
  EXPECT_EQ(ValidateGln("614141000005").reason(), Reason::kBadGs1Key);
  EXPECT_EQ(ValidateGln(kGtin).reason(), Reason::kBadGs1Key);
}

TEST(ValidateLotKeyTest, ChecksBothParts) {
  EXPECT_TRUE(ValidateLotKey(Key(kGtin, "B1")).ok());
  EXPECT_EQ(ValidateLotKey(Key("06901234567890", "B1")).reason(), Reason::kBadGs1Key);
  EXPECT_EQ(ValidateLotKey(Key(kGtin, "")).reason(), Reason::kBadGs1Key);
}

TEST(FormatLotKeyTest, WritesDigitalLinkPath) {
  EXPECT_EQ(FormatLotKey(Key(kGtin, "B1")), "01/06901234567892/10/B1");
}

TEST(ParseLotKeyTest, ParsesPlainForm) {
  Result<v1::LotKey> key = ParseLotKey("01/06901234567892/10/B1");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->gtin(), kGtin);
  EXPECT_EQ(key->lot(), "B1");
}

TEST(ParseLotKeyTest, AcceptsLeadingSlashAndDigitalLinkUri) {
  for (std::string_view text :
       {"/01/06901234567892/10/B1", "https://id.gs1.org/01/06901234567892/10/B1",
        "http://example.com/01/06901234567892/10/B1"}) {
    Result<v1::LotKey> key = ParseLotKey(text);
    ASSERT_TRUE(key.ok()) << text << ": " << key.status().ToString();
    EXPECT_EQ(FormatLotKey(*key), "01/06901234567892/10/B1");
  }
}

TEST(ParseLotKeyTest, PadsShorterGtins) {
  EXPECT_EQ(ParseLotKey("01/6901234567892/10/B1")->gtin(), kGtin);           // GTIN-13
  EXPECT_EQ(ParseLotKey("01/012345678905/10/L")->gtin(), "00012345678905");  // GTIN-12
  EXPECT_EQ(ParseLotKey("01/96385074/10/L")->gtin(), "00000096385074");      // GTIN-8
}

TEST(ParseLotKeyTest, RejectsSerialSuffixInAUri) {
  Result<v1::LotKey> key = ParseLotKey("/01/06901234567892/10/B1/21/123");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().reason(), Reason::kBadGs1Key);
  EXPECT_NE(key.status().message().find("serial"), std::string::npos);
}

TEST(ParseLotKeyTest, RejectsMalformedText) {
  for (std::string_view text :
       {"", "06901234567892/B1", "01/06901234567892", "01/06901234567892/21/B1",
        "01/06901234567892/10/", "01/0690123456789/10/B1", "01/06901234567891/10/B1",
        "01/0690123456789a/10/B1", "01/06901234567892/10/B 1", "https://id.gs1.org"}) {
    Result<v1::LotKey> key = ParseLotKey(text);
    EXPECT_FALSE(key.ok()) << text;
    EXPECT_EQ(key.status().reason(), Reason::kBadGs1Key) << text;
  }
}

TEST(ParseLotKeyTest, RoundTripsWithFormat) {
  v1::LotKey key = Key(kGtin, "2025-06_A.1");
  Result<v1::LotKey> parsed = ParseLotKey(FormatLotKey(key));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->gtin(), key.gtin());
  EXPECT_EQ(parsed->lot(), key.lot());
}

TEST(ParseUnitKeyTest, ReadsLotsAndPalletsInCanonicalForm) {
  EXPECT_EQ(*ParseUnitKey("https://id.example/01/6901234567892/10/B1"),
            "01/06901234567892/10/B1");
  EXPECT_EQ(*ParseUnitKey("/00/106141411234567897"), "00/106141411234567897");
  EXPECT_EQ(ParseUnitKey("00/106141411234567890").status().reason(), Reason::kBadGs1Key);
  Result<std::string> bad = ParseUnitKey("B1");
  EXPECT_EQ(bad.status().reason(), Reason::kBadGs1Key);
  EXPECT_NE(bad.status().message().find("SSCC"), std::string::npos);
}

// --- Lot codes with '/' and GS1 Digital Link URIs.

TEST(ParseLotKeyTest, KeyTextFormIsVerbatimSoEveryLotRoundTrips) {
  for (std::string lot : {"B1/21/123", "a://b", "x%2Fy", "/lead"}) {
    Result<v1::LotKey> key = ParseLotKey(FormatLotKey(Key(kGtin, lot)));
    ASSERT_TRUE(key.ok()) << lot << ": " << key.status().ToString();
    EXPECT_EQ(key->lot(), lot);
  }
}

TEST(ParseLotKeyTest, KeyTextFormKeepsASlashInTheLotCode) {
  Result<v1::LotKey> key = ParseLotKey("01/06901234567892/10/B/7");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->lot(), "B/7");
  EXPECT_EQ(FormatLotKey(*key), "01/06901234567892/10/B/7");
}

TEST(ParseLotKeyTest, UriFormDecodesTheLotCode) {
  for (std::string_view text :
       {"https://t.example/01/06901234567892/10/B%2F7", "/01/06901234567892/10/B%2f7",
        "https://t.example/shop/rice/01/06901234567892/10/B%2F7?17=261231#x"}) {
    Result<v1::LotKey> key = ParseLotKey(text);
    ASSERT_TRUE(key.ok()) << text << ": " << key.status().ToString();
    EXPECT_EQ(key->lot(), "B/7") << text;
  }
}

TEST(ParseLotKeyTest, UriFormRefusesAnUnencodedSlashInTheLotCode) {
  Result<v1::LotKey> key = ParseLotKey("https://t.example/01/06901234567892/10/B/7");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().reason(), Reason::kBadGs1Key);
  EXPECT_NE(key.status().message().find("%2F"), std::string::npos) << key.status().message();
}

TEST(DigitalLinkTest, PathEncodesEveryReservedCharacterAndRoundTrips) {
  const v1::LotKey key = Key(kGtin, "A/1%+ B");  // not a valid lot code, but any text encodes
  EXPECT_EQ(DigitalLinkPath(key), "01/06901234567892/10/A%2F1%25%2B%20B");
  for (std::string lot : {"B/7", "50%OFF", "x?y=z", "a+b&c;d"}) {
    Result<DigitalLink> link = ParseDigitalLink("https://h/" + DigitalLinkPath(Key(kGtin, lot)));
    ASSERT_TRUE(link.ok()) << lot << ": " << link.status().ToString();
    EXPECT_EQ(link->lot, lot);
  }
}

TEST(DigitalLinkTest, ReadsGtinOnlySerialAndPalletLinks) {
  Result<DigitalLink> gtin = ParseDigitalLink("/01/6901234567892");
  ASSERT_TRUE(gtin.ok());
  EXPECT_EQ(gtin->gtin, kGtin);
  EXPECT_FALSE(gtin->has_lot());
  Result<DigitalLink> item = ParseDigitalLink("/01/06901234567892/10/B1/21/S%2F1/");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->serial, "S/1");
  EXPECT_EQ(item->UnitKey(), "01/06901234567892/10/B1");
  Result<DigitalLink> pallet = ParseDigitalLink("/00/106141411234567897");
  ASSERT_TRUE(pallet.ok());
  EXPECT_EQ(pallet->UnitKey(), "00/106141411234567897");
}

TEST(ParseUnitKeyTest, ReadsDigitalLinksWithAPathPrefix) {
  EXPECT_EQ(*ParseUnitKey("https://t.example/shop/00/106141411234567897"), "00/106141411234567897");
  EXPECT_EQ(*ParseUnitKey("https://t.example/shop/01/06901234567892/10/B%2F7"),
            "01/06901234567892/10/B/7");
}

TEST(DigitalLinkTest, RejectsBadEscapesUnknownQualifiersAndMissingKeys) {
  for (std::string_view text :
       {"/01/06901234567892/10/B%2", "/01/06901234567892/10/B%zz", "/01/06901234567892/22/x",
        "/01/06901234567892/10", "/shop/rice", "/01/06901234567891/10/B1"}) {
    Result<DigitalLink> link = ParseDigitalLink(text);
    EXPECT_FALSE(link.ok()) << text;
    EXPECT_EQ(link.status().reason(), Reason::kBadGs1Key) << text;
  }
}

}  // namespace
}  // namespace agritrace::chain

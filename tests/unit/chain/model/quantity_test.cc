#include "chain/model/quantity.h"

#include <gtest/gtest.h>

#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

v1::Quantity Q(int64_t milli, std::string unit) {
  v1::Quantity q;
  q.set_milli(milli);
  q.set_unit(std::move(unit));
  return q;
}

TEST(KindOfUnitTest, KnowsMassAndCountUnits) {
  EXPECT_EQ(KindOfUnit("g"), UnitKind::kMass);
  EXPECT_EQ(KindOfUnit("kg"), UnitKind::kMass);
  EXPECT_EQ(KindOfUnit("t"), UnitKind::kMass);
  EXPECT_EQ(KindOfUnit("pcs"), UnitKind::kCount);
  EXPECT_EQ(KindOfUnit("case"), UnitKind::kCount);
  EXPECT_EQ(KindOfUnit("lb"), UnitKind::kUnknown);
  EXPECT_EQ(KindOfUnit("KG"), UnitKind::kUnknown);
  EXPECT_EQ(KindOfUnit(""), UnitKind::kUnknown);
}

TEST(ParseQuantityTest, ParsesWholeAndDecimalAmounts) {
  Result<v1::Quantity> q = ParseQuantity("1000kg");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->milli(), 1'000'000);
  EXPECT_EQ(q->unit(), "kg");
  EXPECT_EQ(ParseQuantity("2.5 t")->milli(), 2'500);
  EXPECT_EQ(ParseQuantity("2.5 t")->unit(), "t");
  EXPECT_EQ(ParseQuantity("120pcs")->milli(), 120'000);
  EXPECT_EQ(ParseQuantity("0.001kg")->milli(), 1);
  EXPECT_EQ(ParseQuantity("  7 case ")->milli(), 7'000);
  EXPECT_EQ(ParseQuantity("1.05g")->milli(), 1'050);
}

TEST(ParseQuantityTest, RejectsMalformedText) {
  for (std::string_view text :
       {"", "kg", "10", "10lb", "-5kg", "+5kg", "0kg", "0.000kg", "1.2345kg", ".5kg", "5.kg",
        "1e3kg", "1,5kg", "5 k g", "99999999999999999999kg"}) {
    Result<v1::Quantity> q = ParseQuantity(text);
    EXPECT_FALSE(q.ok()) << text;
    EXPECT_EQ(q.status().reason(), Reason::kMalformed) << text;
  }
}

TEST(ParseQuantityTest, AcceptsTheLargestQuantityAndNoMore) {
  EXPECT_EQ(ParseQuantity("1000000000000kg")->milli(), kMaxQuantityMilli);
  EXPECT_FALSE(ParseQuantity("1000000000000.001kg").ok());
}

TEST(FormatQuantityTest, TrimsTrailingZeros) {
  EXPECT_EQ(FormatQuantity(Q(1'000'000, "kg")), "1000kg");
  EXPECT_EQ(FormatQuantity(Q(2'500, "t")), "2.5t");
  EXPECT_EQ(FormatQuantity(Q(120'000, "pcs")), "120pcs");
  EXPECT_EQ(FormatQuantity(Q(1, "kg")), "0.001kg");
  EXPECT_EQ(FormatQuantity(Q(1'050, "g")), "1.05g");
  EXPECT_EQ(FormatQuantity(Q(-1'500, "kg")), "-1.5kg");
  EXPECT_EQ(FormatQuantity(Q(INT64_MIN, "kg")), "-9223372036854775.808kg");
}

TEST(FormatQuantityTest, RoundTripsThroughParse) {
  for (std::string_view text :
       {"1000kg", "2.5t", "120pcs", "0.001kg", "1.05g", "3case", "999999.999t"}) {
    Result<v1::Quantity> q = ParseQuantity(text);
    ASSERT_TRUE(q.ok()) << text;
    EXPECT_EQ(FormatQuantity(*q), text);
  }
}

TEST(ValidateQuantityTest, RequiresKnownUnitAndPositiveBoundedAmount) {
  EXPECT_TRUE(ValidateQuantity(Q(1, "kg")).ok());
  EXPECT_TRUE(ValidateQuantity(Q(kMaxQuantityMilli, "t")).ok());
  EXPECT_EQ(ValidateQuantity(Q(0, "kg")).reason(), Reason::kMalformed);
  EXPECT_EQ(ValidateQuantity(Q(-1, "kg")).reason(), Reason::kMalformed);
  EXPECT_EQ(ValidateQuantity(Q(kMaxQuantityMilli + 1, "kg")).reason(), Reason::kMalformed);
  EXPECT_EQ(ValidateQuantity(Q(1, "lb")).reason(), Reason::kMalformed);
  EXPECT_EQ(ValidateQuantity(Q(1, "")).reason(), Reason::kMalformed);
}

TEST(MassMilligramsTest, ConvertsMassUnits) {
  EXPECT_EQ(MassMilligrams(Q(1'000, "g")), 1'000);          // 1 g
  EXPECT_EQ(MassMilligrams(Q(1'000, "kg")), 1'000'000);     // 1 kg
  EXPECT_EQ(MassMilligrams(Q(1'000, "t")), 1'000'000'000);  // 1 t
  EXPECT_EQ(MassMilligrams(Q(2'500, "t")), 2'500'000'000);  // 2.5 t
}

TEST(MassMilligramsTest, CountUnitsHaveNoMassOnTheirOwn) {
  EXPECT_EQ(MassMilligrams(Q(1'000, "pcs")), std::nullopt);
  EXPECT_EQ(MassMilligrams(Q(1'000, "lb")), std::nullopt);
}

TEST(MassMilligramsTest, OverflowGivesNullopt) {
  EXPECT_EQ(MassMilligrams(Q(kMaxQuantityMilli, "t")), std::nullopt);
  EXPECT_EQ(MassMilligrams(Q(kMaxQuantityMilli, "kg")), kMaxQuantityMilli * 1000);
}

TEST(MassMilligramsTest, CountUnitsUseNetMassPerUnit) {
  // 120 pieces of 5 kg weigh 600 kg.
  EXPECT_EQ(MassMilligrams(Q(120'000, "pcs"), Q(5'000, "kg")), 600'000'000);
  // Half a case of 250 g.
  EXPECT_EQ(MassMilligrams(Q(500, "case"), Q(250'000, "g")), 125'000);
  // Mass units ignore the net mass.
  EXPECT_EQ(MassMilligrams(Q(1'000, "kg"), Q(5'000, "kg")), 1'000'000);
}

TEST(MassMilligramsTest, CountUnitsWithoutMassNetGiveNullopt) {
  EXPECT_EQ(MassMilligrams(Q(1'000, "pcs"), v1::Quantity()), std::nullopt);
  EXPECT_EQ(MassMilligrams(Q(1'000, "pcs"), Q(1'000, "pcs")), std::nullopt);
  EXPECT_EQ(MassMilligrams(Q(1'000, "pcs"), Q(-1'000, "kg")), std::nullopt);
  EXPECT_EQ(MassMilligrams(Q(kMaxQuantityMilli, "pcs"), Q(kMaxQuantityMilli, "kg")), std::nullopt);
}

TEST(ConvertMilliTest, ConvertsBetweenMassUnits) {
  EXPECT_EQ(ConvertMilli(Q(600'000, "kg"), "kg"), 600'000);
  EXPECT_EQ(ConvertMilli(Q(600, "t"), "kg"), 600'000);      // 0.6 t = 600 kg
  EXPECT_EQ(ConvertMilli(Q(600'000, "kg"), "t"), 600);      // 600 kg = 0.6 t
  EXPECT_EQ(ConvertMilli(Q(1'500'000, "g"), "kg"), 1'500);  // 1500 g = 1.5 kg
  EXPECT_EQ(ConvertMilli(Q(1'500, "kg"), "g"), 1'500'000);
  EXPECT_EQ(ConvertMilli(Q(1, "t"), "g"), 1'000'000);  // 1 kg = 1000 g
}

TEST(ConvertMilliTest, RejectsInexactConversion) {
  EXPECT_EQ(ConvertMilli(Q(500, "g"), "kg"), std::nullopt);  // 0.5 g = 0.0005 kg
  EXPECT_EQ(ConvertMilli(Q(1, "kg"), "t"), std::nullopt);
}

TEST(ConvertMilliTest, CountUnitsConvertOnlyToThemselves) {
  EXPECT_EQ(ConvertMilli(Q(120'000, "pcs"), "pcs"), 120'000);
  EXPECT_EQ(ConvertMilli(Q(120'000, "pcs"), "case"), std::nullopt);
  EXPECT_EQ(ConvertMilli(Q(120'000, "pcs"), "kg"), std::nullopt);
  EXPECT_EQ(ConvertMilli(Q(120'000, "kg"), "pcs"), std::nullopt);
  EXPECT_EQ(ConvertMilli(Q(1'000, "lb"), "kg"), std::nullopt);
}

TEST(ConvertMilliTest, LargeTonnesStayExact) {
  // 10^15 milli-t is 10^21 mg, beyond int64, yet converts to t exactly.
  EXPECT_EQ(ConvertMilli(Q(kMaxQuantityMilli, "t"), "t"), kMaxQuantityMilli);
  EXPECT_EQ(ConvertMilli(Q(kMaxQuantityMilli, "t"), "g"), std::nullopt);  // overflows int64
}

}  // namespace
}  // namespace agritrace::chain

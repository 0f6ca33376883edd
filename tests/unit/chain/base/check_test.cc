// AGRI_CHECK stays on in every build type: these death tests pass in the Release build, where
// NDEBUG is defined and assert() compiles to nothing.
#include "chain/base/check.h"

#include <gtest/gtest.h>

#include <string>

#include "chain/base/bytes.h"
#include "chain/base/status.h"

namespace agritrace::chain {
namespace {

TEST(CheckTest, PassingCheckDoesNothingAndEvaluatesItsConditionOnce) {
  int evaluations = 0;
  AGRI_CHECK(++evaluations == 1);
  AGRI_CHECK_MSG(++evaluations == 2, "counted");
  EXPECT_EQ(evaluations, 2);
}

TEST(CheckDeathTest, FailingCheckAbortsWithConditionFileLineAndFunction) {
  const int one = 1;
  EXPECT_DEATH(AGRI_CHECK(one + 1 == 3),
               "check failed: one \\+ 1 == 3 at .*check_test\\.cc:[0-9]+ in .*TestBody");
}

TEST(CheckDeathTest, FailingCheckWithMessageReportsTheMessage) {
  EXPECT_DEATH(AGRI_CHECK_MSG(1 > 2, "validated earlier"),
               "check failed: 1 > 2 \\(validated earlier\\) at .*check_test\\.cc");
}

TEST(CheckDeathTest, FailingCheckIsAnAbort) {
  EXPECT_EXIT(AGRI_CHECK(false), testing::KilledBySignal(SIGABRT), "check failed: false");
}

TEST(CheckTest, ArrayFromCheckedBytesReturnsTheBytes) {
  const std::string bytes(32, '\x07');
  EXPECT_EQ(ArrayFromCheckedBytes<32>(bytes), *ArrayFromBytes<32>(bytes));
}

TEST(CheckDeathTest, ArrayFromCheckedBytesOfTheWrongLengthNamesItsCaller) {
  const std::string bytes(31, '\x07');
  EXPECT_DEATH(ArrayFromCheckedBytes<32>(bytes),
               "check failed: bytes.size\\(\\) == N .* at .*check_test\\.cc:[0-9]+ in .*TestBody");
}

TEST(CheckDeathTest, ValueOfAFailedResultAborts) {
  const Result<int> failed = Reject(Reason::kNotFound, "nothing here");
  EXPECT_DEATH((void)failed.value(), "check failed: .*the value of a failed Result");
}

TEST(CheckDeathTest, ReadBigEndianOfTooFewBytesAborts) {
  EXPECT_DEATH((void)ReadBigEndian64("short"), "check failed: bytes.size\\(\\) >= 8");
}

}  // namespace
}  // namespace agritrace::chain

#include "chain/model/validator_set.h"

#include <gtest/gtest.h>

#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

using Validators = google::protobuf::RepeatedPtrField<v1::ValidatorInfo>;

PrivateKey Key(int i) {
  std::string secret(32, '\0');
  secret[31] = static_cast<char>(i + 1);
  return *PrivateKey::FromBytes(secret);
}

Genesis TwoValidators() {
  Genesis genesis;
  genesis.validators = {{"v0", Key(0).public_key(), "127.0.0.1:1"},
                        {"v1", Key(1).public_key(), "127.0.0.1:2"}};
  return genesis;
}

v1::ProposeValidatorChange Add(const std::string& name, int key) {
  v1::ProposeValidatorChange change;
  change.set_kind(v1::VALIDATOR_CHANGE_ADD);
  change.set_name(name);
  change.set_pubkey(AsBytes(Key(key).public_key()));
  change.set_address("127.0.0.1:9");
  return change;
}

v1::ValidatorSetChange ChangeTo(const Validators& validators, uint64_t effective) {
  v1::ValidatorSetChange change;
  change.set_proposal_id(std::string(32, 'p'));
  change.set_effective_height(effective);
  *change.mutable_validators() = validators;
  return change;
}

TEST(ValidatorSetTest, AFullSetTakesNoMoreAndAnUnspecifiedKindIsMalformed) {
  Validators full;
  for (size_t i = 0; i < kMaxValidators; ++i) {
    v1::ValidatorInfo* v = full.Add();
    v->set_name("v" + std::to_string(i));
    v->set_pubkey(AsBytes(Key(static_cast<int>(i)).public_key()));
  }
  auto added = ApplyValidatorChange(full, Add("one-more", 200));
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.status().reason(), Reason::kTooLarge);
  v1::ProposeValidatorChange unspecified = Add("x", 201);
  unspecified.set_kind(v1::VALIDATOR_CHANGE_UNSPECIFIED);
  auto none = ApplyValidatorChange(full, unspecified);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().reason(), Reason::kMalformed);
}

TEST(ValidatorSetTest, EachHeightHasTheSetOfItsEpoch) {
  const Genesis genesis = TwoValidators();
  ValidatorSchedule schedule(genesis);
  auto next = ApplyValidatorChange(schedule.EpochAt(1).validators(), Add("v2", 2));
  ASSERT_TRUE(next.ok());
  Validators three(next->begin(), next->end());
  ASSERT_TRUE(schedule.Add(ChangeTo(three, 7), 5).ok());
  EXPECT_EQ(schedule.SetAt(0).validators.size(), 2u);
  EXPECT_EQ(schedule.SetAt(6).validators.size(), 2u);
  EXPECT_EQ(schedule.SetAt(7).validators.size(), 3u);
  EXPECT_EQ(schedule.SetAt(1000).validators.back(), Key(2).public_key());
  EXPECT_NE(schedule.FindAt(7, Key(2).public_key()), nullptr);
  EXPECT_EQ(schedule.FindAt(6, Key(2).public_key()), nullptr);
  // The same schedule read back from a governance state.
  v1::ValidatorGovernance governance;
  for (const v1::ValidatorEpoch& epoch : schedule.epochs()) *governance.add_epochs() = epoch;
  ValidatorSchedule again(genesis, governance);
  EXPECT_EQ(again.SetAt(7).validators, schedule.SetAt(7).validators);
  EXPECT_EQ(again.SetAt(6).validators, schedule.SetAt(6).validators);
}

TEST(ValidatorSetTest, AChangeFromAHeaderIsRefusedUnlessWellFormed) {
  const Genesis genesis = TwoValidators();
  ValidatorSchedule schedule(genesis);
  const Validators& two = schedule.EpochAt(1).validators();
  auto reason = [&](const v1::ValidatorSetChange& change, uint64_t decided) {
    ValidatorSchedule copy = schedule;
    return copy.Add(change, decided).reason();
  };
  EXPECT_EQ(reason(ChangeTo(two, 8), 5), Reason::kMalformed);  // not decided + delay
  EXPECT_EQ(reason(ChangeTo(Validators(), 7), 5), Reason::kMalformed);  // empty
  Validators twice = two;
  *twice.Add() = two.Get(0);
  EXPECT_EQ(reason(ChangeTo(twice, 7), 5), Reason::kMalformed);  // a validator twice
  Validators bad_key = two;
  bad_key.Mutable(1)->set_pubkey("short");
  EXPECT_EQ(reason(ChangeTo(bad_key, 7), 5), Reason::kMalformed);
  ASSERT_TRUE(schedule.Add(ChangeTo(two, 7), 5).ok());
  EXPECT_EQ(reason(ChangeTo(two, 7), 5), Reason::kMalformed);  // not after the last change
}

}  // namespace
}  // namespace agritrace::chain

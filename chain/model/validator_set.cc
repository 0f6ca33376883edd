#include "chain/model/validator_set.h"

#include <algorithm>

#include "chain/base/check.h"
#include "chain/base/hash.h"
#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

using Validators = google::protobuf::RepeatedPtrField<v1::ValidatorInfo>;

void AppendField(std::string& out, std::string_view field) {
  AppendBigEndian32(out, static_cast<uint32_t>(field.size()));
  out.append(field);
}

int IndexOfName(const Validators& set, const std::string& name) {
  for (int i = 0; i < set.size(); ++i) {
    if (set.Get(i).name() == name) return i;
  }
  return -1;
}

bool HasKey(const Validators& set, const std::string& pubkey) {
  return std::any_of(set.begin(), set.end(),
                     [&](const v1::ValidatorInfo& v) { return v.pubkey() == pubkey; });
}

Status KeyTaken(const std::string& pubkey) {
  return Reject(Reason::kValidatorExists, "node key " + ToHex(pubkey).substr(0, 16) +
                                              "... already belongs to a validator in the set");
}

Status NoSuchValidator(const std::string& name) {
  return Reject(Reason::kUnknownValidator, "no validator named " + name + " is in the set");
}

}  // namespace

v1::ValidatorEpoch GenesisEpoch(const Genesis& genesis) {
  v1::ValidatorEpoch epoch;
  epoch.set_from_height(1);
  for (const GenesisValidator& v : genesis.validators) {
    v1::ValidatorInfo* info = epoch.add_validators();
    info->set_name(v.name);
    info->set_pubkey(std::string(AsBytes(v.pubkey)));
    info->set_address(v.address);
  }
  return epoch;
}

v1::ValidatorGovernance GovernanceOf(const StateReader& state, const Genesis& genesis) {
  std::optional<v1::ValidatorGovernance> governance = state.GetValidatorGovernance();
  if (governance && governance->epochs_size() > 0) return *std::move(governance);
  v1::ValidatorGovernance initial = governance.value_or(v1::ValidatorGovernance());
  *initial.add_epochs() = GenesisEpoch(genesis);
  return initial;
}

ValidatorSet ToValidatorSet(const Validators& validators) {
  ValidatorSet set;
  set.validators.reserve(validators.size());
  for (const v1::ValidatorInfo& v : validators) {
    auto key = ArrayFromBytes<32>(v.pubkey());
    AGRI_CHECK_MSG(key.has_value(), "validator keys in state are 32 bytes");
    set.validators.push_back(*key);
  }
  return set;
}

Result<std::vector<v1::ValidatorInfo>> ApplyValidatorChange(
    const Validators& current, const v1::ProposeValidatorChange& change) {
  std::vector<v1::ValidatorInfo> next(current.begin(), current.end());
  const int index = IndexOfName(current, change.name());
  switch (change.kind()) {
    case v1::VALIDATOR_CHANGE_ADD: {
      if (index >= 0) {
        return Reject(Reason::kValidatorExists,
                      "a validator named " + change.name() + " is already in the set");
      }
      if (HasKey(current, change.pubkey())) return KeyTaken(change.pubkey());
      if (next.size() >= kMaxValidators) {
        return Reject(Reason::kTooLarge, "the set already has " + std::to_string(next.size()) +
                                             " validators, the most a chain may have");
      }
      v1::ValidatorInfo added;
      added.set_name(change.name());
      added.set_pubkey(change.pubkey());
      added.set_address(change.address());
      added.set_organization(change.organization());
      next.push_back(std::move(added));
      return next;
    }
    case v1::VALIDATOR_CHANGE_REMOVE:
      if (index < 0) return NoSuchValidator(change.name());
      if (next.size() == 1) {
        return Reject(Reason::kNotAuthorized,
                      change.name() + " is the only validator; a chain needs at least one");
      }
      next.erase(next.begin() + index);
      return next;
    case v1::VALIDATOR_CHANGE_ROTATE:
      if (index < 0) return NoSuchValidator(change.name());
      if (HasKey(current, change.pubkey())) return KeyTaken(change.pubkey());
      next[index].set_pubkey(change.pubkey());
      if (!change.address().empty()) next[index].set_address(change.address());
      return next;
    default:
      break;
  }
  return Reject(Reason::kMalformed, "a validator change must add, remove or rotate");
}

Hash256 ValidatorSetHash(const Validators& validators) {
  std::string bytes;
  for (const v1::ValidatorInfo& v : validators) {
    AppendField(bytes, v.name());
    AppendField(bytes, v.pubkey());
    AppendField(bytes, v.address());
    AppendField(bytes, v.organization());
  }
  return TaggedHash("agritrace/validator-set/v1", bytes);
}

ValidatorSchedule::ValidatorSchedule(const Genesis& genesis)
    : ValidatorSchedule(genesis, v1::ValidatorGovernance()) {}

ValidatorSchedule::ValidatorSchedule(const Genesis& genesis,
                                     const v1::ValidatorGovernance& governance) {
  if (governance.epochs_size() == 0) {
    epochs_.push_back(GenesisEpoch(genesis));
  } else {
    epochs_.assign(governance.epochs().begin(), governance.epochs().end());
  }
  for (const v1::ValidatorEpoch& epoch : epochs_) sets_.push_back(ToValidatorSet(epoch.validators()));
}

Status ValidatorSchedule::Add(const v1::ValidatorSetChange& change, uint64_t decided_height) {
  const std::string where = "the validator-set change in block " + std::to_string(decided_height);
  if (change.effective_height() != decided_height + kValidatorChangeDelay) {
    return Reject(Reason::kMalformed, where + " takes effect at height " +
                                          std::to_string(change.effective_height()) + ", not " +
                                          std::to_string(decided_height + kValidatorChangeDelay));
  }
  if (change.effective_height() <= epochs_.back().from_height()) {
    return Reject(Reason::kMalformed, where + " is not after the change in force from height " +
                                          std::to_string(epochs_.back().from_height()));
  }
  if (change.validators().empty() ||
      change.validators_size() > static_cast<int>(kMaxValidators)) {
    return Reject(Reason::kMalformed, where + " names " +
                                          std::to_string(change.validators_size()) +
                                          " validators (1 to " + std::to_string(kMaxValidators) +
                                          " allowed)");
  }
  for (int i = 0; i < change.validators_size(); ++i) {
    auto key = ArrayFromBytes<32>(change.validators(i).pubkey());
    if (!key || !IsValidPubKey(*key)) {
      return Reject(Reason::kMalformed, where + ": validator " + std::to_string(i) +
                                            " has no valid node key");
    }
    for (int j = 0; j < i; ++j) {
      if (change.validators(j).pubkey() == change.validators(i).pubkey() ||
          change.validators(j).name() == change.validators(i).name()) {
        return Reject(Reason::kMalformed, where + " names validator " +
                                              change.validators(i).name() + " twice");
      }
    }
  }
  v1::ValidatorEpoch epoch;
  epoch.set_from_height(change.effective_height());
  *epoch.mutable_validators() = change.validators();
  epoch.set_proposal_id(change.proposal_id());
  epoch.set_decided_height(decided_height);
  sets_.push_back(ToValidatorSet(epoch.validators()));
  epochs_.push_back(std::move(epoch));
  return Status::Ok();
}

size_t ValidatorSchedule::IndexAt(uint64_t height) const {
  // The last epoch starting at or below `height` (epochs_[0] starts at 1 and covers 0 too).
  auto it = std::upper_bound(
      epochs_.begin() + 1, epochs_.end(), height,
      [](uint64_t h, const v1::ValidatorEpoch& epoch) { return h < epoch.from_height(); });
  return static_cast<size_t>(it - epochs_.begin()) - 1;
}

const v1::ValidatorEpoch& ValidatorSchedule::EpochAt(uint64_t height) const {
  return epochs_[IndexAt(height)];
}

const ValidatorSet& ValidatorSchedule::SetAt(uint64_t height) const {
  return sets_[IndexAt(height)];
}

const v1::ValidatorInfo* ValidatorSchedule::FindAt(uint64_t height, const PubKey& key) const {
  const std::string bytes(AsBytes(key));
  for (const v1::ValidatorInfo& v : EpochAt(height).validators()) {
    if (v.pubkey() == bytes) return &v;
  }
  return nullptr;
}

}  // namespace agritrace::chain

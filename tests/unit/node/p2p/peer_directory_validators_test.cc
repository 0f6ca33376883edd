// Who counts as a validator follows the chain's sets (issue 17): PeerDirectory::ForValidators.
#include <gtest/gtest.h>

#include "chain/base/hash.h"
#include "chain/model/validator_set.h"
#include "node/p2p/peer_directory.h"

namespace agritrace::node {
namespace {

constexpr char kChain[] = "agritrace-peer-validators-test";

chain::Genesis TwoValidators(const chain::PrivateKey& a, const chain::PrivateKey& b) {
  chain::Genesis genesis;
  genesis.chain_id = kChain;
  genesis.params.chain_id = kChain;
  genesis.validators.push_back({"v0", a.public_key(), "127.0.0.1:1"});
  genesis.validators.push_back({"v1", b.public_key(), "127.0.0.1:2"});
  genesis.hash = chain::Sha256("peer validators test genesis");
  return genesis;
}

TEST(PeerDirectoryValidatorsTest, AddedObserverBecomesAValidatorAndRemovedOneLeaves) {
  auto a = chain::PrivateKey::Generate(), b = chain::PrivateKey::Generate();
  auto joiner = chain::PrivateKey::Generate(), watcher = chain::PrivateKey::Generate();
  const chain::Genesis genesis = TwoValidators(a, b);
  std::vector<PeerEntry> file = {
      {"joiner", PeerKind::kObserver, joiner.public_key(), "10.0.0.9:7000"},
      {"watcher", PeerKind::kObserver, watcher.public_key(), "10.0.0.8:7000"}};
  auto directory = PeerDirectory::FromNetworkFile(genesis, NetworkFileJson(kChain, file));
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  EXPECT_EQ(directory->Find(joiner.public_key())->kind, PeerKind::kObserver);

  // The chain adds the joiner (at the chain's address) and removes v0.
  v1::ValidatorEpoch epoch = chain::GenesisEpoch(genesis);
  epoch.mutable_validators()->erase(epoch.mutable_validators()->begin());
  v1::ValidatorInfo* added = epoch.add_validators();
  added->set_name("v2");
  added->set_pubkey(std::string(chain::AsBytes(joiner.public_key())));
  added->set_address("joiner.example:7000");
  PeerDirectory next = directory->ForValidators(epoch.validators());

  auto entry = next.Find(joiner.public_key());
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->kind, PeerKind::kValidator);
  EXPECT_EQ(entry->address, "10.0.0.9:7000") << "the network file's address wins";
  EXPECT_FALSE(next.Find(a.public_key())) << "a removed validator is no longer listed";
  EXPECT_EQ(next.Find(b.public_key())->kind, PeerKind::kValidator);
  EXPECT_EQ(next.Find(watcher.public_key())->kind, PeerKind::kObserver);
  // A validator the file does not list is dialed at the chain's address.
  added->set_pubkey(std::string(chain::AsBytes(chain::PrivateKey::Generate().public_key())));
  PeerDirectory other = directory->ForValidators(epoch.validators());
  EXPECT_EQ(other.entries()[1].address, "joiner.example:7000");
}

}  // namespace
}  // namespace agritrace::node

// The peer layer's pure parts: the handshake signature rule and who may peer (PeerDirectory).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "chain/base/hash.h"
#include "node/p2p/peer_directory.h"
#include "node/p2p/peer_handshake.h"

namespace agritrace::node {
namespace {

using chain::Reason;

constexpr char kChain[] = "agritrace-peer-test";

chain::Genesis TestGenesis(const std::vector<chain::PrivateKey>& validators) {
  chain::Genesis genesis;
  genesis.chain_id = kChain;
  genesis.params.chain_id = kChain;
  for (size_t i = 0; i < validators.size(); ++i) {
    genesis.validators.push_back(
        {"v" + std::to_string(i), validators[i].public_key(), "127.0.0.1:" + std::to_string(i + 1)});
  }
  genesis.hash = chain::Sha256("peer test genesis");
  return genesis;
}

TEST(HandshakeTest, AcceptsTheKeyThatSignedOurChallenge) {
  auto alice = chain::PrivateKey::Generate(), bob = chain::PrivateKey::Generate();
  chain::Hash256 genesis = chain::Sha256("g"), alice_challenge{};
  v1::PeerHello hello = MakeHello(kChain, genesis, alice.public_key(), "alice", &alice_challenge);
  auto key = CheckHello(hello, kChain, genesis);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, alice.public_key());
  v1::PeerAuth auth = MakeAuth(bob, kChain, genesis, hello);  // bob answers alice's challenge
  EXPECT_TRUE(CheckAuth(auth, kChain, genesis, alice_challenge, bob.public_key(),
                        alice.public_key()).ok());
}

TEST(HandshakeTest, RejectsAnAnswerToAnotherChallenge) {
  auto alice = chain::PrivateKey::Generate(), bob = chain::PrivateKey::Generate();
  chain::Hash256 genesis = chain::Sha256("g"), first{}, second{};
  v1::PeerHello old_hello = MakeHello(kChain, genesis, alice.public_key(), "alice", &first);
  MakeHello(kChain, genesis, alice.public_key(), "alice", &second);
  v1::PeerAuth replayed = MakeAuth(bob, kChain, genesis, old_hello);
  EXPECT_EQ(CheckAuth(replayed, kChain, genesis, second, bob.public_key(), alice.public_key())
                .reason(),
            Reason::kBadSignature);
}

// Issue 16, scenario 8: with TLS, a proof signed for the certificate the signer saw on its
// channel (a relay's) does not verify against the verifier's own certificate.
TEST(HandshakeTest, RejectsAProofBoundToAnotherTlsChannel) {
  auto alice = chain::PrivateKey::Generate(), bob = chain::PrivateKey::Generate();
  chain::Hash256 genesis = chain::Sha256("g"), challenge{};
  const chain::Hash256 alice_cert = chain::Sha256("alice's certificate");
  const chain::Hash256 relay_cert = chain::Sha256("the relay's certificate");
  v1::PeerHello hello = MakeHello(kChain, genesis, alice.public_key(), "alice", &challenge);
  EXPECT_TRUE(CheckAuth(MakeAuth(bob, kChain, genesis, hello, alice_cert), kChain, genesis,
                        challenge, bob.public_key(), alice.public_key(), alice_cert)
                  .ok());
  EXPECT_EQ(CheckAuth(MakeAuth(bob, kChain, genesis, hello, relay_cert), kChain, genesis,
                      challenge, bob.public_key(), alice.public_key(), alice_cert)
                .reason(),
            Reason::kBadSignature);
  EXPECT_EQ(CheckAuth(MakeAuth(bob, kChain, genesis, hello), kChain, genesis, challenge,
                      bob.public_key(), alice.public_key(), alice_cert)
                .reason(),
            Reason::kBadSignature);
}

TEST(HandshakeTest, RejectsAKeyThatDidNotSign) {
  auto alice = chain::PrivateKey::Generate(), bob = chain::PrivateKey::Generate();
  auto mallory = chain::PrivateKey::Generate();
  chain::Hash256 genesis = chain::Sha256("g"), challenge{};
  v1::PeerHello hello = MakeHello(kChain, genesis, alice.public_key(), "alice", &challenge);
  v1::PeerAuth auth = MakeAuth(mallory, kChain, genesis, hello);
  // Mallory claims to be bob.
  EXPECT_EQ(CheckAuth(auth, kChain, genesis, challenge, bob.public_key(), alice.public_key())
                .reason(),
            Reason::kBadSignature);
}

TEST(HandshakeTest, RejectsAnotherNetwork) {
  auto alice = chain::PrivateKey::Generate();
  chain::Hash256 challenge{};
  v1::PeerHello hello =
      MakeHello("other-chain", chain::Sha256("g"), alice.public_key(), "a", &challenge);
  EXPECT_EQ(CheckHello(hello, kChain, chain::Sha256("g")).status().reason(), Reason::kWrongChain);
  hello = MakeHello(kChain, chain::Sha256("other genesis"), alice.public_key(), "a", &challenge);
  EXPECT_EQ(CheckHello(hello, kChain, chain::Sha256("g")).status().reason(), Reason::kWrongChain);
}

TEST(HandshakeTest, RejectsAMalformedHello) {
  auto alice = chain::PrivateKey::Generate();
  chain::Hash256 challenge{};
  v1::PeerHello hello = MakeHello(kChain, chain::Sha256("g"), alice.public_key(), "a", &challenge);
  hello.set_node_pubkey("short");
  EXPECT_EQ(CheckHello(hello, kChain, chain::Sha256("g")).status().reason(), Reason::kMalformed);
  hello = MakeHello(kChain, chain::Sha256("g"), alice.public_key(), "a", &challenge);
  hello.set_challenge("");
  EXPECT_EQ(CheckHello(hello, kChain, chain::Sha256("g")).status().reason(), Reason::kMalformed);
}

TEST(PeerDirectoryTest, AdmitsValidatorsAndListedObserversOnly) {
  auto v = chain::PrivateKey::Generate(), o = chain::PrivateKey::Generate();
  auto stranger = chain::PrivateKey::Generate();
  chain::Genesis genesis = TestGenesis({v});
  std::vector<PeerEntry> entries = {{"v0", PeerKind::kValidator, v.public_key(), "127.0.0.1:9"},
                                    {"obs", PeerKind::kObserver, o.public_key(), "127.0.0.1:8"}};
  auto directory = PeerDirectory::FromNetworkFile(genesis, NetworkFileJson(kChain, entries));
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  ASSERT_TRUE(directory->Find(v.public_key()));
  EXPECT_EQ(directory->Find(v.public_key())->address, "127.0.0.1:9");  // file overrides
  ASSERT_TRUE(directory->Find(o.public_key()));
  EXPECT_EQ(directory->Find(o.public_key())->kind, PeerKind::kObserver);
  EXPECT_FALSE(directory->Find(stranger.public_key()));
  EXPECT_FALSE(PeerDirectory(genesis).Find(o.public_key()));  // no file: validators only
}

TEST(PeerDirectoryTest, RejectsAValidatorThatGenesisDoesNotName) {
  auto v = chain::PrivateKey::Generate(), fake = chain::PrivateKey::Generate();
  std::vector<PeerEntry> entries = {{"fake", PeerKind::kValidator, fake.public_key(), "x:1"}};
  auto directory =
      PeerDirectory::FromNetworkFile(TestGenesis({v}), NetworkFileJson(kChain, entries));
  EXPECT_EQ(directory.status().reason(), Reason::kNotAuthorized);
}

TEST(PeerDirectoryTest, RejectsAnotherChainAndBadEntries) {
  auto v = chain::PrivateKey::Generate(), o = chain::PrivateKey::Generate();
  chain::Genesis genesis = TestGenesis({v});
  std::vector<PeerEntry> entries = {{"obs", PeerKind::kObserver, o.public_key(), "x:1"}};
  EXPECT_EQ(PeerDirectory::FromNetworkFile(genesis, NetworkFileJson("other", entries))
                .status().reason(),
            Reason::kWrongChain);
  EXPECT_EQ(PeerDirectory::FromNetworkFile(
                genesis, R"({"chain_id":"agritrace-peer-test","nodes":[{"name":"o",
                "kind":"observer","pubkey":"zz"}]})").status().reason(),
            Reason::kMalformed);
  EXPECT_EQ(PeerDirectory::FromNetworkFile(
                genesis, R"({"chain_id":"agritrace-peer-test","nodes":[{"name":1}]})")
                .status().reason(),
            Reason::kMalformed);
  EXPECT_EQ(PeerDirectory::FromNetworkFile(genesis, "not json").status().reason(),
            Reason::kMalformed);
  entries.push_back(entries[0]);
  EXPECT_EQ(PeerDirectory::FromNetworkFile(genesis, NetworkFileJson(kChain, entries))
                .status().reason(),
            Reason::kAlreadyRegistered);
}

}  // namespace
}  // namespace agritrace::node

#include "tests/fuzz/fuzz_fixture.h"

#include <cstdlib>
#include <cstdio>

#include "chain/base/bytes.h"
#include "chain/base/hash.h"

namespace agritrace::fuzz {
namespace {

v1::Participant Member(const std::string& name, v1::Role role) {
  v1::Participant p;
  p.set_pubkey(chain::AsBytes(FuzzKey(name).public_key()));
  p.set_name(name);
  p.set_organization(name + " co-op");
  p.add_roles(role);
  return p;
}

std::string BuildGenesisJson() {
  chain::Genesis g;
  g.chain_id = kFuzzChainId;
  g.genesis_time_ms = kFuzzT0;
  g.params.chain_id = kFuzzChainId;
  for (int i = 0; i < kFuzzValidators; ++i) {
    const std::string name = "validator" + std::to_string(i);
    g.validators.push_back({name, FuzzKey(name).public_key(),
                            "127.0.0.1:" + std::to_string(17400 + i)});
  }
  g.participants = {Member("admin", v1::ROLE_ADMIN),         Member("farmer", v1::ROLE_FARMER),
                    Member("packer", v1::ROLE_PACKER),       Member("carrier", v1::ROLE_CARRIER),
                    Member("retailer", v1::ROLE_RETAILER),   Member("inspector", v1::ROLE_INSPECTOR),
                    Member("regulator", v1::ROLE_REGULATOR)};
  return chain::GenesisToJson(g);
}

}  // namespace

chain::PrivateKey FuzzKey(const std::string& name) {
  auto key = chain::PrivateKey::FromBytes(chain::AsBytes(chain::Sha256("agritrace-fuzz/" + name)));
  if (!key) std::abort();  // a SHA-256 output is a valid secret with overwhelming probability
  return *key;
}

const std::string& FuzzGenesisJson() {
  static const std::string json = BuildGenesisJson();
  return json;
}

const chain::Genesis& FuzzGenesis() {
  static const chain::Genesis genesis = [] {
    auto parsed = chain::ParseGenesis(FuzzGenesisJson());
    if (!parsed.ok()) {
      std::fprintf(stderr, "fuzz genesis: %s\n", parsed.status().ToString().c_str());
      std::abort();
    }
    return *parsed;
  }();
  return genesis;
}

GenesisState::GenesisState(const chain::Genesis& genesis) {
  for (const v1::Participant& p : genesis.participants) {
    if (auto key = chain::ArrayFromBytes<32>(p.pubkey())) participants_[*key] = p;
  }
}

std::optional<v1::Participant> GenesisState::GetParticipant(const chain::PubKey& pubkey) const {
  auto it = participants_.find(pubkey);
  if (it == participants_.end()) return std::nullopt;
  return it->second;
}

std::optional<chain::PubKey> GenesisState::FindParticipantByName(const std::string& name) const {
  for (const auto& [key, p] : participants_) {
    if (p.name() == name) return key;
  }
  return std::nullopt;
}

const GenesisState& FuzzGenesisState() {
  static const GenesisState state(FuzzGenesis());
  return state;
}

}  // namespace agritrace::fuzz

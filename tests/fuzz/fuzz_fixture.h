// The fixed network every fuzz target checks its input against, and helpers they share.
//
// Keys are derived from their names (SHA-256 of "agritrace-fuzz/<name>"), so the corpus
// generator (make_corpus.cc) and the fuzz targets agree on the genesis without reading files:
// a block in the seed corpus carries a certificate the targets accept, which lets the fuzzer
// start from deep inside the verification paths instead of at the first length check.
//
// Not a test of anything by itself; never used outside tests/fuzz/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "chain/model/genesis.h"
#include "chain/base/keys.h"
#include "chain/model/state.h"

// An invariant the target checks beyond "does not crash": aborts, so libFuzzer keeps the input
// and the replay test fails.
#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace agritrace::fuzz {

inline constexpr char kFuzzChainId[] = "agritrace-fuzz-1";
// 2025-11-28T12:00:00Z: the genesis time and the first record's timestamp.
inline constexpr int64_t kFuzzT0 = 1'764'331'200'000;
// Four validators, so certificates need a real quorum (3) rather than one signature.
inline constexpr int kFuzzValidators = 4;

// The deterministic key called `name` ("validator0".."validator3", "admin", "farmer",
// "packer", "carrier", "retailer", "inspector", "regulator").
chain::PrivateKey FuzzKey(const std::string& name);

// The genesis JSON text and the Genesis parsed from it (hash = SHA-256 of that text).
const std::string& FuzzGenesisJson();
const chain::Genesis& FuzzGenesis();

// The state right after genesis: its participants, no lots, no records. Read-only; rules run on
// a StateOverlay over it, so every input starts from the same state.
class GenesisState : public chain::StateReader {
 public:
  explicit GenesisState(const chain::Genesis& genesis);
  std::optional<v1::LotState> GetLot(const std::string&) const override { return std::nullopt; }
  std::optional<v1::Participant> GetParticipant(const chain::PubKey& pubkey) const override;
  std::optional<chain::PubKey> FindParticipantByName(const std::string& name) const override;
  bool HasNonce(const chain::PubKey&, uint64_t) const override { return false; }
  bool HasRecord(const chain::Hash256&) const override { return false; }

 private:
  std::map<chain::PubKey, v1::Participant> participants_;
};
const GenesisState& FuzzGenesisState();

// The input as a string (protobuf and JSON parsers take strings).
inline std::string AsString(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace agritrace::fuzz

// Fuzz target: an encrypted key file (wallet keystore entry or node key). Reads its header and
// tries to decrypt it with the password the seed files use. Key files whose scrypt parameters
// exceed the caps must be refused before any derivation; files within the caps but costly to
// derive are only parsed, so the fuzzer spends its time on parsing rather than on scrypt.
#include <nlohmann/json.hpp>

#include "chain/keystore/keystore.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

namespace {

// Above this n * r * p the target skips DecryptKey (128 * n * r bytes of scrypt memory and as
// many block mixes: 2^12 keeps one run under a few milliseconds).
constexpr uint64_t kCheapScryptWork = 1 << 12;

enum class Cost { kUnknown, kCheap, kCostly, kOverCap };

// Mirrors what chain/keystore.cc reads: unsigned integers kdfparams.n, .r, .p.
Cost ScryptCost(const std::string& text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("kdfparams") || !json["kdfparams"].is_object()) {
    return Cost::kUnknown;
  }
  const auto& params = json["kdfparams"];
  for (const char* key : {"n", "r", "p"}) {
    if (!params.contains(key) || !params[key].is_number_unsigned()) return Cost::kUnknown;
  }
  const uint64_t n = params["n"], r = params["r"], p = params["p"];
  if (n > chain::kMaxScryptN || r > chain::kMaxScryptR || p > chain::kMaxScryptP ||
      128 * n * r > chain::kMaxScryptMemoryBytes) {
    return Cost::kOverCap;
  }
  return n * r * p <= kCheapScryptWork ? Cost::kCheap : Cost::kCostly;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = fuzz::AsString(data, size);
  (void)chain::ReadKeyFileInfo(text);
  const Cost cost = ScryptCost(text);
  if (cost == Cost::kCostly) return 0;
  auto key = chain::DecryptKey(text, "fuzz-password");
  // A hostile file can never get past the caps (it would make us allocate gigabytes).
  if (cost == Cost::kOverCap) FUZZ_CHECK(!key.ok());
  if (key.ok()) {
    auto info = chain::ReadKeyFileInfo(text);
    FUZZ_CHECK(info.ok() && info->pubkey == key->public_key());
  }
  return 0;
}

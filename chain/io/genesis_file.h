// Reading the genesis file from disk (the parsing itself is chain/model/genesis.h).
#pragma once

#include <string>

#include "chain/base/status.h"
#include "chain/model/genesis.h"

namespace agritrace::chain {

// A genesis file is hand-written or produced by `init`; anything this large is a mistake.
inline constexpr size_t kMaxGenesisFileBytes = 16 * 1024 * 1024;

// NOT_FOUND / IO_ERROR reading, TOO_LARGE past kMaxGenesisFileBytes, else as ParseGenesis.
Result<Genesis> LoadGenesis(const std::string& path);

}  // namespace agritrace::chain

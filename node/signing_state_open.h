// Opening a node's signing-state file at start-up (node/replication/signing_state_file.h),
// and the start-up refusals that go with it (SPEC.md section 5):
//   - a file that cannot be trusted (corrupt, truncated, another key's): refused, MALFORMED;
//   - no file, for a key the local chain shows has signed (a precommit in a certificate of
//     the last kSignedBeforeScanBlocks blocks, or committed evidence against it): refused,
//     NOT_FOUND; the file must be restored, never recreated;
//   - no file otherwise: a new one is made (durably), and the validator follows until caught
//     up before it signs (SigningGuard::follow_until_caught_up).
// Every refusal names the file and says what to do.
//
// Thread-safety: a function of its arguments; call before the node starts.
#pragma once

#include <memory>
#include <string>

#include "chain/base/status.h"
#include "chain/model/block_store.h"
#include "chain/store/store.h"
#include "node/common/config.h"
#include "node/replication/signing_state_file.h"

namespace agritrace::node {

// How far back from the tip a missing file's key is looked for: the certificates of this many
// blocks (their heads, a few KiB each: well under a second to read). A key whose last signature
// is older is not recognised here; the double-sign check and the follow rule still apply.
inline constexpr uint64_t kSignedBeforeScanBlocks = 10'000;

struct OpenedSigningState {
  std::unique_ptr<SigningStateFile> file;
  bool never_signed = false;  // the file holds no state yet (new, or made before any signature)
};

// The signing-state path of `config`: [consensus] signing_state_file, or signing_state.bin in
// the directory of the node key.
std::string SigningStatePath(const NodeConfig& config);

chain::Result<OpenedSigningState> OpenSigningState(const std::string& path,
                                                   const chain::PubKey& owner,
                                                   const chain::ChainStore& store);

// The height of a block of the last kSignedBeforeScanBlocks whose certificate holds a precommit
// of `key`, or of committed evidence against `key`; nullopt when there is none.
std::optional<uint64_t> FindOwnSignature(const chain::ChainStore& store, const chain::PubKey& key);

}  // namespace agritrace::node

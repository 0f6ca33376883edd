// SigningStateFile: the validator's signing state (its consensus safety state: the height,
// round and step it last signed, its lock and the messages it signed) in a small file of its
// own beside the node key, not in the data directory. A data directory can be wiped, resynced
// or restored from a backup; this file must travel with the key and only with it (SPEC.md
// section 5; docs/deployment.md, "Moving a validator to a new server").
//
// It is the node's chain::SafetyStore: the consensus engine writes it through Put before any
// signed proposal or vote leaves, and Put returns only when the new state is durable (written
// to a temp file, fsynced, renamed over the file, the directory fsynced: a crash leaves the old
// state or the new one, never a mix). The simulator keeps the same interface in memory.
//
// Layout (version 1), all integers little-endian:
//   "AGRISIGN" | u32 version | 32-byte public key of the owner | u32 state length | state bytes
//   (a serialized v1::ConsensusSafetyState; empty before the first signature) |
//   SHA-256 of everything before it
// A file that does not parse, fails its checksum, is truncated, has another version or belongs
// to another key is refused (MALFORMED, naming the file): the node must not sign on a state it
// cannot trust.
//
// Thread-safety: not thread-safe; the replica thread owns it once the node runs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "chain/base/bytes.h"
#include "chain/base/status.h"
#include "chain/consensus/engine.h"

namespace agritrace::node {

inline constexpr uint32_t kSigningStateVersion = 1;
// Largest signing-state file read: the state holds at most three blocks (our proposal, the
// locked and the valid block, each at most chain::kMaxBlockBytes) and a few hundred votes.
inline constexpr size_t kMaxSigningStateFileBytes = 128 * 1024 * 1024;
// The file's default name, in the directory of the node key.
inline constexpr std::string_view kSigningStateFileName = "signing_state.bin";

// The file's bytes for `owner` holding `state` (empty: never signed).
std::string EncodeSigningState(const chain::PubKey& owner, const std::string& state);
// The state held in `bytes`; MALFORMED (the message naming `path`) when corrupt, truncated,
// of another version, of another key than `owner`, or holding a state that does not parse.
chain::Result<std::string> DecodeSigningState(const std::string& bytes,
                                              const chain::PubKey& owner,
                                              const std::string& path);

class SigningStateFile final : public chain::SafetyStore {
 public:
  // Reads the file at `path`: NOT_FOUND when it does not exist, MALFORMED when it cannot be
  // trusted (see above), IO_ERROR when it cannot be read.
  static chain::Result<std::unique_ptr<SigningStateFile>> Open(const std::string& path,
                                                               const chain::PubKey& owner);
  // Creates the file, durably, with no state (a key that has never signed).
  static chain::Result<std::unique_ptr<SigningStateFile>> Create(const std::string& path,
                                                                 const chain::PubKey& owner);

  // chain::SafetyStore. The file holds one value, the engine's (chain::kConsensusSafetyKey);
  // any other key is refused (INTERNAL: a programming error).
  chain::Status Put(const std::string& key, const std::string& value) override;
  std::optional<std::string> Get(const std::string& key) const override;

  const std::string& path() const { return path_; }
  // The height the saved state was deciding when last written; nullopt before the first
  // signature.
  std::optional<uint64_t> signed_height() const;

 private:
  SigningStateFile(std::string path, const chain::PubKey& owner, std::string state)
      : path_(std::move(path)), owner_(owner), state_(std::move(state)) {}

  const std::string path_;
  const chain::PubKey owner_;
  std::string state_;  // empty: never signed
};

}  // namespace agritrace::node

#include "node/replication/signing_state_file.h"

#include <cstring>

#include "agritrace/v1/consensus.pb.h"
#include "chain/base/hash.h"
#include "chain/io/failpoint.h"
#include "chain/io/file_util.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;

namespace {

constexpr std::string_view kMagic = "AGRISIGN";
constexpr size_t kHeaderBytes = kMagic.size() + 4 + 32 + 4;
constexpr size_t kChecksumBytes = 32;

void PutU32(std::string* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint32_t GetU32(const std::string& in, size_t at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    value |= static_cast<uint32_t>(static_cast<uint8_t>(in[at + i])) << (8 * i);
  }
  return value;
}

Status Untrusted(const std::string& path, const std::string& why) {
  return Reject(Reason::kMalformed,
                "signing-state file " + path + " " + why +
                    ": the node will not sign on a state it cannot trust. Restore the file from "
                    "the server this key last ran on (docs/deployment.md)");
}

}  // namespace

std::string EncodeSigningState(const chain::PubKey& owner, const std::string& state) {
  std::string out(kMagic);
  PutU32(&out, kSigningStateVersion);
  out.append(reinterpret_cast<const char*>(owner.data()), owner.size());
  PutU32(&out, static_cast<uint32_t>(state.size()));
  out += state;
  const chain::Hash256 checksum = chain::Sha256(out);
  out.append(reinterpret_cast<const char*>(checksum.data()), checksum.size());
  return out;
}

chain::Result<std::string> DecodeSigningState(const std::string& bytes,
                                              const chain::PubKey& owner,
                                              const std::string& path) {
  if (bytes.size() < kHeaderBytes + kChecksumBytes) return Untrusted(path, "is truncated");
  if (bytes.compare(0, kMagic.size(), kMagic) != 0) {
    return Untrusted(path, "is not a signing-state file");
  }
  const size_t body = bytes.size() - kChecksumBytes;
  const chain::Hash256 checksum = chain::Sha256(std::string_view(bytes).substr(0, body));
  if (std::memcmp(checksum.data(), bytes.data() + body, kChecksumBytes) != 0) {
    return Untrusted(path, "fails its checksum (damaged or truncated)");
  }
  const uint32_t version = GetU32(bytes, kMagic.size());
  if (version != kSigningStateVersion) {
    return Untrusted(path, "has version " + std::to_string(version) + "; this node reads " +
                               std::to_string(kSigningStateVersion));
  }
  if (std::memcmp(bytes.data() + kMagic.size() + 4, owner.data(), owner.size()) != 0) {
    return Untrusted(path, "belongs to key " +
                               chain::ToHex(std::string_view(bytes).substr(kMagic.size() + 4, 32)) +
                               ", not to this node's key " + chain::ToHex(owner));
  }
  const uint32_t length = GetU32(bytes, kMagic.size() + 4 + 32);
  if (length != body - kHeaderBytes) return Untrusted(path, "has a wrong length");
  std::string state = bytes.substr(kHeaderBytes, length);
  v1::ConsensusSafetyState parsed;
  if (!state.empty() && !parsed.ParseFromString(state)) {
    return Untrusted(path, "holds a state that does not parse");
  }
  return state;
}

chain::Result<std::unique_ptr<SigningStateFile>> SigningStateFile::Open(
    const std::string& path, const chain::PubKey& owner) {
  auto bytes = chain::ReadFile(path, kMaxSigningStateFileBytes);
  if (!bytes.ok()) {
    if (bytes.status().reason() == Reason::kTooLarge) {
      return Untrusted(path, "is larger than any signing state");
    }
    return bytes.status();
  }
  auto state = DecodeSigningState(*bytes, owner, path);
  if (!state.ok()) return state.status();
  return std::unique_ptr<SigningStateFile>(new SigningStateFile(path, owner, std::move(*state)));
}

chain::Result<std::unique_ptr<SigningStateFile>> SigningStateFile::Create(
    const std::string& path, const chain::PubKey& owner) {
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic(path, EncodeSigningState(owner, ""), true));
  return std::unique_ptr<SigningStateFile>(new SigningStateFile(path, owner, ""));
}

Status SigningStateFile::Put(const std::string& key, const std::string& value) {
  if (key != chain::kConsensusSafetyKey) {
    return Reject(Reason::kInternal, "the signing-state file holds no key " + key);
  }
  chain::FailPoint("safety-before-write");
  Status written = chain::WriteFileAtomic(path_, EncodeSigningState(owner_, value), true);
  if (!written.ok()) {
    return Status(written.reason(), "saving the signing state: " + written.message());
  }
  chain::FailPoint("safety-after-write");
  state_ = value;
  return Status::Ok();
}

std::optional<std::string> SigningStateFile::Get(const std::string& key) const {
  if (key != chain::kConsensusSafetyKey || state_.empty()) return std::nullopt;
  return state_;
}

std::optional<uint64_t> SigningStateFile::signed_height() const {
  if (state_.empty()) return std::nullopt;
  v1::ConsensusSafetyState saved;
  if (!saved.ParseFromString(state_)) return std::nullopt;  // Open refused such a file
  return saved.height();
}

}  // namespace agritrace::node

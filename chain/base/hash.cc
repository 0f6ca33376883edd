#include "chain/base/hash.h"

#include <openssl/sha.h>

namespace agritrace::chain {

// SHA256_* is deprecated in OpenSSL 3 in favour of EVP, but it is the fastest path for the
// many short messages we hash (no context allocation) and remains supported.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

struct Sha256Builder::Impl {
  SHA256_CTX ctx;
};

Sha256Builder::Sha256Builder() : impl_(new Impl) { SHA256_Init(&impl_->ctx); }
Sha256Builder::~Sha256Builder() { delete impl_; }

Sha256Builder& Sha256Builder::Add(std::string_view data) {
  SHA256_Update(&impl_->ctx, data.data(), data.size());
  return *this;
}

Hash256 Sha256Builder::Finish() {
  Hash256 out;
  SHA256_Final(out.data(), &impl_->ctx);
  return out;
}

#pragma GCC diagnostic pop

Hash256 Sha256(std::string_view data) {
  Hash256 out;
  ::SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

Hash256 TaggedHash(std::string_view tag, std::string_view message) {
  Hash256 tag_hash = Sha256(tag);
  return Sha256Builder().Add(tag_hash).Add(tag_hash).Add(message).Finish();
}

}  // namespace agritrace::chain

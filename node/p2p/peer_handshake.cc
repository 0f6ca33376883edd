#include "node/p2p/peer_handshake.h"

#include "chain/base/hash.h"
#include "chain/base/limits.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;

chain::Hash256 HandshakeSigningHash(const std::string& chain_id, const chain::Hash256& genesis_hash,
                                    const chain::Hash256& challenge, const chain::PubKey& signer,
                                    const chain::PubKey& verifier,
                                    const chain::Hash256& channel_binding) {
  std::string bytes;
  bytes.push_back(static_cast<char>(chain_id.size()));  // chain ids are at most 64 bytes
  bytes += chain_id;
  bytes += chain::AsBytes(genesis_hash);
  bytes += chain::AsBytes(challenge);
  bytes += chain::AsBytes(signer);
  bytes += chain::AsBytes(verifier);
  if (channel_binding != chain::Hash256{}) bytes += chain::AsBytes(channel_binding);
  return chain::TaggedHash(kHandshakeTag, bytes);
}

v1::PeerHello MakeHello(const std::string& chain_id, const chain::Hash256& genesis_hash,
                        const chain::PubKey& our_key, const std::string& name,
                        chain::Hash256* challenge_out) {
  chain::RandomBytes(challenge_out->data(), challenge_out->size());
  v1::PeerHello hello;
  hello.set_chain_id(chain_id);
  hello.set_genesis_hash(chain::AsBytes(genesis_hash));
  hello.set_node_pubkey(chain::AsBytes(our_key));
  hello.set_challenge(chain::AsBytes(*challenge_out));
  hello.set_name(name.substr(0, chain::kMaxTextBytes));
  return hello;
}

chain::Result<chain::PubKey> CheckHello(const v1::PeerHello& hello, const std::string& chain_id,
                                        const chain::Hash256& genesis_hash) {
  if (hello.chain_id() != chain_id) {
    return Reject(Reason::kWrongChain, "peer is on chain '" + hello.chain_id().substr(0, 64) +
                                           "', not '" + chain_id + "'");
  }
  if (hello.genesis_hash() != chain::AsBytes(genesis_hash)) {
    return Reject(Reason::kWrongChain, "peer has another genesis file");
  }
  auto key = chain::ArrayFromBytes<32>(hello.node_pubkey());
  if (!key || !chain::IsValidPubKey(*key)) {
    return Reject(Reason::kMalformed, "peer hello has no valid node key");
  }
  if (hello.challenge().size() != 32) {
    return Reject(Reason::kMalformed, "peer hello challenge is not 32 bytes");
  }
  return *key;
}

v1::PeerAuth MakeAuth(const chain::PrivateKey& key, const std::string& chain_id,
                      const chain::Hash256& genesis_hash, const v1::PeerHello& their_hello,
                      const chain::Hash256& channel_binding) {
  chain::Hash256 challenge{};
  auto parsed = chain::ArrayFromBytes<32>(their_hello.challenge());
  if (parsed) challenge = *parsed;
  chain::PubKey verifier{};
  if (auto v = chain::ArrayFromBytes<32>(their_hello.node_pubkey())) verifier = *v;
  v1::PeerAuth auth;
  auth.set_signature(chain::AsBytes(key.Sign(HandshakeSigningHash(
      chain_id, genesis_hash, challenge, key.public_key(), verifier, channel_binding))));
  return auth;
}

chain::Status CheckAuth(const v1::PeerAuth& auth, const std::string& chain_id,
                        const chain::Hash256& genesis_hash, const chain::Hash256& our_challenge,
                        const chain::PubKey& peer_key, const chain::PubKey& our_key,
                        const chain::Hash256& channel_binding) {
  auto signature = chain::ArrayFromBytes<64>(auth.signature());
  if (!signature) return Reject(Reason::kMalformed, "peer auth signature is not 64 bytes");
  chain::Hash256 message = HandshakeSigningHash(chain_id, genesis_hash, our_challenge, peer_key,
                                                our_key, channel_binding);
  if (!chain::VerifySchnorr(peer_key, message, *signature)) {
    return Reject(Reason::kBadSignature, "peer did not prove its node key");
  }
  return chain::Status::Ok();
}

}  // namespace agritrace::node

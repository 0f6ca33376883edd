// Fuzz target: a serialized PeerMessage, what another node sends on the Peer.Connect stream.
// Runs the node-independent checks each kind meets on arrival: the handshake (CheckHello,
// CheckAuth, node/peer_handshake.cc), record decoding and stateless rules (one record or a
// batch), vote and proposal verification, block decoding and certificates (commit announces
// and sync responses), equivocation evidence verification.
// What needs a running node (mempool, sync bookkeeping) is left to the integration tests.
#include "agritrace/v1/peer.pb.h"
#include "chain/model/block.h"
#include "chain/consensus/evidence.h"
#include "chain/consensus/messages.h"
#include "chain/base/hash.h"
#include "chain/rules/rules.h"
#include "node/p2p/peer_handshake.h"
#include "node/common/peer_limits.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

namespace {

void CheckBlock(const v1::Block& block, const chain::Genesis& genesis) {
  auto decoded = chain::DecodeBlock(block, genesis.chain_id);
  if (!decoded.ok()) return;
  (void)chain::VerifyCertificate(block.certificate(), genesis.chain_id, decoded->header.height(),
                                 decoded->hash, genesis.validator_set());
}

void CheckRecord(const v1::Envelope& envelope, const chain::Genesis& genesis) {
  auto record = chain::DecodeRecord(envelope);
  if (!record.ok()) return;
  (void)chain::VerifyRecordSignature(*record);
  (void)chain::CheckRecordStateless(*record, genesis.params, fuzz::kFuzzT0);
}

void CheckHandshake(const v1::PeerMessage& message, const chain::Genesis& genesis) {
  const chain::PrivateKey us = fuzz::FuzzKey("validator0");
  const chain::Hash256 our_challenge = chain::Sha256("fuzz challenge");
  if (message.has_hello()) {
    auto peer_key = node::CheckHello(message.hello(), genesis.chain_id, genesis.hash);
    if (peer_key.ok()) {
      (void)node::MakeAuth(us, genesis.chain_id, genesis.hash, message.hello());
    }
  } else if (message.has_auth()) {
    (void)node::CheckAuth(message.auth(), genesis.chain_id, genesis.hash, our_challenge,
                          fuzz::FuzzKey("validator1").public_key(), us.public_key());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > node::kMaxPeerMessageBytes) return 0;  // the transport refuses these
  const chain::Genesis& genesis = fuzz::FuzzGenesis();
  v1::PeerMessage message;
  if (!message.ParseFromArray(data, static_cast<int>(size))) return 0;
  CheckHandshake(message, genesis);
  switch (message.kind_case()) {
    case v1::PeerMessage::kRecord:
      CheckRecord(message.record(), genesis);
      break;
    case v1::PeerMessage::kRecords:
      for (const v1::Envelope& envelope : message.records().envelopes()) {
        CheckRecord(envelope, genesis);
      }
      break;
    case v1::PeerMessage::kProposal:
      (void)chain::VerifyProposal(message.proposal(), genesis.chain_id, genesis.validator_set());
      break;
    case v1::PeerMessage::kVote:
      (void)chain::VerifyVote(message.vote(), genesis.chain_id, genesis.validator_set());
      break;
    case v1::PeerMessage::kCommit:
      CheckBlock(message.commit(), genesis);
      break;
    case v1::PeerMessage::kSyncResponse:
      for (const v1::Block& block : message.sync_response().blocks()) CheckBlock(block, genesis);
      break;
    case v1::PeerMessage::kEvidence:
      (void)chain::VerifyEvidence(message.evidence(), genesis.chain_id, genesis.validator_set());
      (void)chain::EvidenceId(message.evidence());
      break;
    case v1::PeerMessage::kHello:  // CheckHandshake
    case v1::PeerMessage::kAuth:
    case v1::PeerMessage::kTip:  // heights only: the sync bookkeeping of a running node
    case v1::PeerMessage::kSyncRequest:
    case v1::PeerMessage::KIND_NOT_SET:
      break;
  }
  return 0;
}

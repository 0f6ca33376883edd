// The checks a submitted or gossiped record passes before it may enter the mempool, cheapest
// first, in two steps.
//
// PrepareRecords, outside the mempool's lock: decode (MALFORMED, TOO_LARGE), the stateless
// rules (chain id, formats, GS1 keys, timestamp window), not already on the chain (REPLAY),
// then the signature, verified once per node (VerifiedRecords, on all cores when many are new)
// but only for a record whose signer is on the chain. A signer the chain does not know costs
// no verification here (docs/security.md, "signatures after signers"): a peer cannot make
// this node verify thousands of records from fresh keys.
//
// AdmitPrepared, under the lock: a record whose signer was not on the chain is verified now
// if the pending state knows the signer (registered by a record still in the mempool) and
// refused as UNKNOWN_SIGNER otherwise; then the rules against committed plus pending state
// (Mempool::Add).
//
// Blame: only a rejection that needs no state (decode, size, chain id, formats, signature) can
// show that the peer which relayed a record is faulty. What the rules say against state never
// does: honest validators may hold different pending state while blocks are in flight, and a
// participant can arrange that one record is valid at one node and invalid at another
// (docs/security.md, scenario 1).
//
// Node::SubmitBatch and the simulator's host run both steps.
//
// Thread-safety: PrepareRecords is safe to call from any thread when `committed` may be read
// concurrently (ChainStore may); VerifiedRecords is thread-safe; AdmitPrepared needs the
// caller's exclusive hold of the mempool.
#pragma once

#include <cstdint>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/model/chain_params.h"
#include "chain/model/record.h"
#include "chain/model/state.h"
#include "node/mempool/mempool.h"
#include "node/mempool/verified_records.h"

namespace agritrace::node {

struct PreparedRecord {
  chain::Result<chain::Record> record;
  // False while the signature is unchecked (the signer was not on the chain).
  bool verified = false;
};

// What admission said of one record.
struct AdmissionVerdict {
  chain::Status status;  // Ok: queued in the mempool
  chain::Hash256 id{};   // the record's id, once decoded
  // The rejection needed no state: decode, size, chain id, formats, timestamp window or
  // signature. Only such a rejection may count against the peer that relayed the record.
  bool stateless = false;
};

// One result per envelope, in order.
std::vector<PreparedRecord> PrepareRecords(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes,
    const chain::ChainParams& params, const chain::StateReader& committed, int64_t now_ms,
    VerifiedRecords& verified);

// The second step for one prepared record; `record` is moved into the mempool when admitted.
AdmissionVerdict AdmitPrepared(PreparedRecord& prepared, Mempool& mempool,
                               VerifiedRecords& verified, int64_t now_ms, uint64_t next_height);

}  // namespace agritrace::node

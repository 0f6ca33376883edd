// The checks a submitted or gossiped record passes before it may enter the mempool, cheapest
// first: decode (MALFORMED, TOO_LARGE), the stateless rules (chain id, formats, GS1 keys,
// timestamp window), not already on the chain (REPLAY), then the signature, verified once per
// node (VerifiedRecords, on all cores when many are new). What is left, the rules against
// committed plus pending state, is Mempool::Add.
//
// Node::SubmitBatch runs this outside its mempool lock; the simulator runs it for its nodes.
//
// Thread-safety: safe to call from any thread when `committed` may be read concurrently
// (ChainStore may); VerifiedRecords is thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/model/chain_params.h"
#include "chain/model/record.h"
#include "chain/model/state.h"
#include "node/mempool/verified_records.h"

namespace agritrace::node {

// One result per envelope, in order: the decoded, signature-checked record or why not.
std::vector<chain::Result<chain::Record>> PrepareRecords(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes,
    const chain::ChainParams& params, const chain::StateReader& committed, int64_t now_ms,
    VerifiedRecords& verified);

}  // namespace agritrace::node

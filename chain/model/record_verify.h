// Record signatures verified with the signer's key already parsed (chain/base/parsed_key.h),
// for a verifier that keeps parsed keys (node/mempool/verified_records.h).
#pragma once

#include "chain/base/parsed_key.h"
#include "chain/model/record.h"

namespace agritrace::chain {

// VerifyRecordSignature (record.h) with `signer` = ParsePubKey(record.signer): the same
// BAD_SIGNATURE, one verification.
Status VerifyRecordSignature(const Record& record, const ParsedPubKey& signer);

}  // namespace agritrace::chain

// Signed records: decoding an envelope, its id, its signature.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"
#include "chain/base/keys.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// A decoded envelope. `envelope.body()` holds the exact signed bytes; `body` is parsed from
// them and never re-serialized for hashing or verification.
struct Record {
  v1::Envelope envelope;
  v1::RecordBody body;
  Hash256 id{};
  PubKey signer{};
  Signature signature{};
};

// A decoded record shared, immutable, from admission to the block that commits it (the
// mempool, the proposal being built), so that it is decoded once and never copied on the way.
using RecordPtr = std::shared_ptr<const Record>;

// id = SHA256(body || signer || signature). Signer and signature have fixed lengths, so the
// concatenation is unambiguous.
Hash256 ComputeRecordId(std::string_view body, std::string_view signer,
                        std::string_view signature);

// The 32-byte message a record's BIP-340 signature signs:
// TaggedHash("agritrace/record/v1", body).
Hash256 RecordSigningHash(std::string_view body);

// Checks sizes (TOO_LARGE), key/signature lengths and that the body parses and names exactly
// one event (MALFORMED). Does not verify the signature.
Result<Record> DecodeRecord(const v1::Envelope& envelope);
Result<Record> DecodeRecordBytes(std::string_view serialized_envelope);

// BAD_SIGNATURE unless the BIP-340 signature over RecordSigningHash(body) verifies.
Status VerifyRecordSignature(const Record& record);

// Serializes `body` once and signs those bytes.
v1::Envelope SignRecord(const v1::RecordBody& body, const PrivateKey& key);

// Human name of the event kind: "harvest", "transform", "ship", "receive",
// "register_participant"; "none" when unset.
std::string_view EventName(const v1::RecordBody& body);
// When the recorded event happened: its event time, else (a harvest) its harvest time, else
// when the record was signed.
int64_t EventTimeOf(const v1::RecordBody& body);

}  // namespace agritrace::chain

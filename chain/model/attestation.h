// Attested events (RecordBody.attestation): a record whose signer attests an event another
// party did, typically a partner's EPCIS event imported with `agritrace import epcis`.
//
// The signer (the attester) signs; the party that did the event is named, never treated as
// having signed. On the chain it is represented by a shadow key, AttestedPartyKey(attester,
// uri): a valid x-only key derived by hashing, whose secret key nobody knows, so only records
// of that attester can act for it. The rules store a shadow as a Participant with
// `attested_by` and `attested` set; custody (holdings, shipments) names the shadow key like any
// other party, so the quantities an attester imports stay apart from everyone's own.
#pragma once

#include <string>

#include "chain/model/record.h"

namespace agritrace::chain {

// The shadow key of the party `uri` as attested by `attester` (32 raw bytes each):
// the first x-only key among TaggedHash("agritrace/attested-party/v1", attester || n || uri)
// for n = 0, 1, ... (half of all 32-byte strings are keys, so n stays small).
PubKey AttestedPartyKey(const std::string& attester, const std::string& uri);

// The party a record acts for in custody: the attested party's shadow when the record carries
// an attestation, else its signer (a device's owner is resolved by the rules, not here).
std::string ActingKey(const Record& record);

}  // namespace agritrace::chain

// The CBV 2.0 event hash ID of an EPCIS 2.0 JSON event (GS1 CBV 2.0 section 8.9, as in GS1's
// reference implementation "epcis-event-hash-generator"): a canonical pre-hash string built
// in the standard property order, hashed with SHA-256 and written as
// "ni:///sha-256;{hex}?ver=CBV2.0".
//
// Canonicalisation: eventType first; times in UTC with milliseconds ("...T10:00:00.000Z");
// bare CBV values expanded to their web URIs (https://ref.gs1.org/cbv/BizStep-shipping,
// Disp-, SDT-, BTT-, ER-); measurement types to https://gs1.org/voc/; numbers without
// trailing zeros; children of one name sorted; list items sorted; values trimmed.
// eventID, recordTime, certificationInfo and errorDeclaration do not take part (an error
// declaration keeps the hash ID of the event it declares erroneous). Other (extension)
// fields follow, their compact names expanded with `prefixes`, sorted.
//
// Identifiers must already be GS1 Digital Link URIs (this exporter writes only those);
// EPC URNs are not converted.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace agritrace::chain {

// Compact-IRI prefixes of the document's @context, e.g. {"cbvmda": "urn:epcglobal:cbv:mda:"}.
using JsonLdPrefixes = std::map<std::string, std::string>;

std::string EpcisPreHash(const nlohmann::json& event, const JsonLdPrefixes& prefixes);
std::string EpcisEventHashId(const nlohmann::json& event, const JsonLdPrefixes& prefixes);

}  // namespace agritrace::chain

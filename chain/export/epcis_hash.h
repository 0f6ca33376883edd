// The EPCIS event hash ID of GS1 CBV 2.0 section 8.9, as corrected in 2023, for EPCIS 2.0
// JSON(-LD) events: a canonical pre-hash string built in the standard property order, hashed
// with SHA-256 and written "ni:///sha-256;{hex}?ver=CBV2.0".
//
// The pre-hash string, in the text's canonical property order:
//   eventType, eventTime, eventTimeZoneOffset, certificationInfo, epcList, parentID,
//   inputEPCList, childEPCs, quantityList, childQuantityList, inputQuantityList, outputEPCList,
//   outputQuantityList, action, transformationID, bizStep, disposition, persistentDisposition,
//   readPoint, bizLocation, bizTransactionList, sourceList, destinationList,
//   sensorElementList, ilmd, then the user extensions.
// Left out: eventID, recordTime and errorDeclaration (an error declaration keeps the hash ID of
// the event it declares erroneous), and "@context".
//
// Canonicalisation: "key=value" pairs with no separators; a list writes its name once, then
// its sorted entries; times in UTC with milliseconds ("...T10:00:00.000Z", a fourth decimal of
// 5-9 rounds up); bare CBV values expanded to their web URIs (BizStep-, Disp-, BTT-, SDT-,
// Comp-; measurement types and alert types under https://gs1.org/voc/); within a business
// transaction, source or destination the type comes before the identifier; numbers without
// trailing zeros; values trimmed; compact IRIs expanded with the document's prefixes.
// User extension keys are written "{namespace}localName", their children sorted; extensions
// nested in readPoint, bizLocation, quantity elements, business transactions, sources,
// destinations, sensorElement, sensorMetadata or sensorReport are written with the event's own
// extensions at the end, each group prefixed by its parent's name, all sorted together
// (CBV 2.0). ilmd has its own position, its keys written the same way.
//
// Identifiers must be GS1 Digital Link URIs (this exporter writes only those): an EPC URN in a
// standard field is refused rather than converted. Where GS1's two reference implementations depart from the
// text, epcis_hash.cc says so next to the rule.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "chain/base/status.h"

namespace agritrace::chain {

// Compact-IRI prefixes of the document's @context, e.g. {"cbvmda": "urn:epcglobal:cbv:mda:"}.
// The EPCIS 2.0 context's own prefixes (epcis, cbv, cbvmda, gs1, rdfs, owl, xsd, dcterms) are
// always known; a prefix given here overrides them.
using JsonLdPrefixes = std::map<std::string, std::string>;

// The pre-hash string and the hash ID of an event from anywhere: MALFORMED with a sentence
// naming the field when the event is not one this algorithm can hash (not an object, an
// unknown event type, a standard field of the wrong JSON type, an extension key whose prefix
// the context does not define, an EPC URN in a standard field, a null). Extension values are
// never refused: any text a participant wrote hashes.
Result<std::string> TryEpcisPreHash(const nlohmann::json& event, const JsonLdPrefixes& prefixes);
Result<std::string> TryEpcisEventHashId(const nlohmann::json& event,
                                        const JsonLdPrefixes& prefixes);

// The same for events this exporter built itself: one it cannot hash is a bug (AGRI_CHECK).
std::string EpcisPreHash(const nlohmann::json& event, const JsonLdPrefixes& prefixes);
std::string EpcisEventHashId(const nlohmann::json& event, const JsonLdPrefixes& prefixes);

}  // namespace agritrace::chain

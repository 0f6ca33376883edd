// EPCIS 2.0 JSON-LD export of a lot's records (GS1 EPCIS 2.0 / CBV 2.0).
//
// Mapping: harvest = ObjectEvent ADD, bizStep commissioning, ilmd (harvest date, field);
// pack = TransformationEvent bizStep packing, transform = TransformationEvent commissioning
// (lots are class-level identifiers, so there is no SSCC parent for an AggregationEvent);
// ship = ObjectEvent OBSERVE shipping / in_transit with sourceList and destinationList;
// receive = OBSERVE receiving / in_progress; sensor readings = OBSERVE sensor_reporting with
// sensorElementList; checkpoint = OBSERVE departing/arriving/storing; certificate = OBSERVE
// inspecting (conformant / non_conformant) with certificationInfo; recall = OBSERVE holding
// with disposition recalled; sale = OBSERVE retail_selling / retail_sold; a correction adds an
// error declaration of the corrected event. Lots are GS1 Digital Link URIs
// (https://id.gs1.org/01/{gtin}/10/{lot}), places GLN URIs (AI 414) or geo: URIs, parties
// GLN URIs (AI 417) or urn:agritrace:party:{name}, units UN/CEFACT codes (KGM, GRM, TNE, H87,
// CS). Every eventID is the CBV 2.0 event hash ID (epcis_hash.h).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "chain/export/epcis_hash.h"
#include "chain/export/export_data.h"

namespace agritrace::chain {

// The prefixes the exported @context defines (and the hash expands).
const JsonLdPrefixes& EpcisPrefixes();

// The EPCISDocument; `creation_ms` is its creationDate.
nlohmann::json EpcisDocument(const ExportData& data, int64_t creation_ms);

// "KGM" for "kg", etc.; "" for an unknown unit.
std::string UneceUnit(const std::string& unit);
// https://id.gs1.org/01/{gtin}/10/{lot}, the lot code percent-encoded where needed.
std::string LotDigitalLink(const v1::LotKey& lot);

}  // namespace agritrace::chain

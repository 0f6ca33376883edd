// EPCIS 2.0 JSON-LD export of a lot's records (GS1 EPCIS 2.0 / CBV 2.0).
//
// Mapping, event by event (every event has its eventTime in its own eventTimeZoneOffset, the
// party that did it as agritrace:signer, a readPoint and, where the goods stay, a bizLocation):
// - harvest: ObjectEvent ADD, commissioning / active; ILMD harvest date, field, commodity,
//   variety and, for count lots, agritrace:netMassPerUnit + agritrace:netMassUom; the field's
//   place as readPoint and bizLocation.
// - pack / transform: TransformationEvent packing / commissioning, inputs and outputs as
//   quantity lists, ILMD agritrace:outputs (per output lot: commodity, variety, net mass).
// - ship: ObjectEvent OBSERVE shipping / in_transit with what it moved (a pallet: its SSCC in
//   epcList and the lot quantities on it), sourceList and destinationList (owning_party,
//   possessing_party, location), agritrace:carrier.
// - receive: OBSERVE receiving / in_progress: the accepted part, the rejected part and reason
//   (agritrace:rejectedQuantityList, agritrace:rejectReason), source/destination lists, the
//   shipment as agritrace:shipment = the shipping event's eventID (the same on any chain).
// - cancel shipment: OBSERVE void_shipping / active; loss: OBSERVE with the CBV step and
//   disposition of its reason (destroying/disposed, inspecting/damaged, other/stolen, ...).
// - aggregate / disaggregate: AggregationEvent ADD packing / DELETE unpacking, the SSCC parent.
// - cool: OBSERVE with kCoolingBizStep (CBV 2.0 has no cooling step), agritrace:coolingMethod
//   and its place (readPoint, bizLocation, agritrace:placeName) when it names one.
// - sensor readings: OBSERVE sensor_reporting with sensorElementList; checkpoint: OBSERVE
//   departing/arriving/storing / in_transit at its place.
// - certify: OBSERVE inspecting, conformant / non_conformant; certificationInfo (the document
//   digest, else urn:agritrace:certificate:{id}), agritrace:standard, certificateID, validFrom,
//   validUntil.
// - recall: OBSERVE holding / recalled; sale: OBSERVE retail_selling / retail_sold.
// - correction: an errorDeclaration (its event time) on a copy of the corrected event.
// - refs: bizTransactionList (urn:agritrace:bt:{id}, type po/bol/inv/desadv).
// Registrations, devices, revocations, key rotations and master-data updates are not events:
// the epcisHeader carries master data (vtype Party and BusinessLocation: name, address, phone,
// GLN, location) for every party and location the events name.
//
// Identifiers: lots are GS1 Digital Link URIs (https://id.gs1.org/01/{gtin}/10/{lot}), pallets
// https://id.gs1.org/00/{sscc}, places https://id.gs1.org/414/{gln} (the Digital Link form of a
// GLN; an SGLN URN would need the GS1 company prefix length, which the chain does not hold) or
// geo:LAT,LON; parties urn:agritrace:party:{name}, or for a partner whose events this chain
// holds as attestations (RecordBody.attestation) the URI its own document used, often
// https://id.gs1.org/417/{party gln}. Units are UN/CEFACT codes (KGM, GRM, TNE, CS); pieces are
// a count without uom. Every eventID is the CBV event hash ID (epcis_hash.h).
//
// Round trip: EpcisToRecords (epcis_import.h) reads every event this writes back into records;
// signed on another chain (own events by their party, partners' as attestations) and exported
// again, they give the same eventIDs.
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

// The business step of a cool record's event: CBV 2.0 has none for cooling (storing is not
// active temperature reduction), so it is this project's URI, as EPCIS 2.0 allows.
inline constexpr const char* kCoolingBizStep = "urn:agritrace:bizstep:cooling";
// https://id.gs1.org/01/{gtin}/10/{lot}, the lot code percent-encoded where needed.
std::string LotDigitalLink(const v1::LotKey& lot);

}  // namespace agritrace::chain

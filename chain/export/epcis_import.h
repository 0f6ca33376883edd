// EPCIS 2.0 import: turns the events of an EPCIS document (as `export epcis` writes them, or a
// partner's system using the same CBV mapping) back into record bodies to sign and submit.
// The whole document is checked before anything is returned, so an invalid document yields
// one MALFORMED status naming the first problem ("schema: ...") and no records.
//
// Every event comes back with the party that did it (and a shipment's receiver and carrier)
// as the document names them: the URI (urn:agritrace:party:{name} or
// https://id.gs1.org/417/{gln}) with the master data of the epcisHeader (name, address, GLN,
// location). The caller decides, per party, whether it is its own (it signs as itself) or a
// partner's (the event becomes an attestation: RecordBody.attestation, chain/model/
// attestation.h). Events refer to each other by eventID (a receipt's shipment, a corrected
// event), which the caller maps to the record ids it got when it submitted them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"

namespace agritrace::chain {

struct ImportedEvent {
  // The event, its event time and time-zone offset set; chain id, timestamp (the signing
  // time), nonce and attestation unset. Ship.receiver/carrier, Receive/CancelShipment.shipment
  // and the Correction's record ids are left for the caller to fill (below).
  v1::RecordBody body;
  v1::AttestedParty party;     // who did the event
  v1::AttestedParty receiver;  // ship: to whom
  v1::AttestedParty carrier;   // ship: by whom, when named
  std::string event_id;        // its eventID in the document ("" when it has none)
  std::string shipment_event;  // receive/cancel: the eventID (or record id hex) of the shipment
  std::string corrected_event;   // correction (an errorDeclaration): the event it declares wrong
  std::string corrective_event;  // correction: the event that replaces it, "" when none
  // The party's name: from urn:agritrace:party:{name}, else the master data's name.
  std::string signer;
};

Result<std::vector<ImportedEvent>> EpcisToRecords(const nlohmann::json& document);

// The party name a party URI or its master data gives ("" when neither).
std::string PartyNameOf(const v1::AttestedParty& party);

}  // namespace agritrace::chain

// EPCIS 2.0 import: turns the events of an EPCIS document (as `export epcis` writes them, or a
// partner's system using the same CBV mapping) back into record bodies to sign and submit.
// The whole document is checked before anything is returned, so an invalid document yields
// one MALFORMED status naming the first problem ("schema: ...") and no records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"

namespace agritrace::chain {

struct ImportedEvent {
  v1::RecordBody body;       // event set; chain id, nonce unset; timestamp = eventTime
  std::string signer;        // party name from agritrace:signer ("" when absent)
  std::string receiver;      // party name (ship), to be resolved to a key by the caller
  std::string carrier;       // party name (ship with a carrier), resolved like receiver
  std::string event_id;
};

Result<std::vector<ImportedEvent>> EpcisToRecords(const nlohmann::json& document);

}  // namespace agritrace::chain

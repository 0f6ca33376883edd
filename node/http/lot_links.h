// What two of a lot's Digital Link link types answer, read from the store (see resolver.h for
// the link types themselves): gs1:certificationInfo and gs1:recallStatus. Read-only; safe
// wherever ChainStore reads are.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chain/base/status.h"
#include "chain/export/custody_json.h"  // NameLookup
#include "chain/store/store.h"

namespace agritrace::node {

// {"lot", "certificates": [{standard, outcome, ..., record_id, signer, signer_name, time}]}:
// the certificates and inspections attached to the lot, in chain order.
chain::Result<nlohmann::json> CertificationInfo(const chain::ChainStore& store,
                                                const std::string& lot_key,
                                                const chain::NameLookup& name);

// {"lot", "recalled"} and, when recalled, "reason", "recalled_lot" (the lot itself or the
// nearest recalled ancestor), "via_ancestor" and "since" (when the recall happened).
nlohmann::json RecallStatus(const chain::ChainStore& store, const std::string& lot_key);

}  // namespace agritrace::node

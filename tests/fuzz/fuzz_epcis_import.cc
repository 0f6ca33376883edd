// Fuzz target: an EPCIS 2.0 JSON document to import (`agritrace import epcis`), e.g. from a
// partner's system. Whatever it holds, the import yields either records or one MALFORMED
// status, and every record it yields names exactly one event.
#include "chain/export/epcis_import.h"
#include "chain/model/record.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto document =
      nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  auto events = chain::EpcisToRecords(document);
  if (!events.ok()) {
    FUZZ_CHECK(events.status().reason() == chain::Reason::kMalformed);
    return 0;
  }
  for (const chain::ImportedEvent& event : *events) {
    FUZZ_CHECK(event.body.event_case() != v1::RecordBody::EVENT_NOT_SET);
    (void)chain::EventName(event.body);
  }
  return 0;
}

// Fuzz target: the JSON renderings the wallet CLI and the HTTP gateway show (chain/record_json.h)
// and the text fields people type into records. The first byte picks what the rest is:
//   0: a serialized RecordBody   -> RecordBodyToJson, EventToJson
//   1: a serialized LotState     -> LotStateToJson
//   2: a serialized Participant  -> ParticipantToJson
//   3: an ISO 8601 time          -> ParseIsoTime, which must round-trip through FormatIsoTime
//   4: a quantity ("1000kg")     -> ParseQuantity, which must round-trip through FormatQuantity
// Every JSON produced must also serialize (dump) without throwing.
#include "chain/model/quantity.h"
#include "chain/export/record_json.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

namespace {

void Dump(const nlohmann::json& json) {
  (void)json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Time(std::string_view text) {
  auto ms = chain::ParseIsoTime(text);
  if (!ms.ok()) return;
  auto again = chain::ParseIsoTime(chain::FormatIsoTime(*ms));
  FUZZ_CHECK(again.ok() && *again == *ms);
}

void Quantity(std::string_view text) {
  auto q = chain::ParseQuantity(text);
  if (!q.ok()) return;
  auto again = chain::ParseQuantity(chain::FormatQuantity(*q));
  FUZZ_CHECK(again.ok() && again->milli() == q->milli() && again->unit() == q->unit());
  (void)chain::ValidateQuantity(*q);
  (void)chain::MassMilligrams(*q);
  for (const char* unit : {"g", "kg", "t", "pcs"}) (void)chain::ConvertMilli(*q, unit);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t kind = data[0] % 5;
  const std::string rest = fuzz::AsString(data + 1, size - 1);
  switch (kind) {
    case 0: {
      v1::RecordBody body;
      if (!body.ParseFromString(rest)) return 0;
      Dump(chain::RecordBodyToJson(body));
      Dump(chain::EventToJson(body));
      return 0;
    }
    case 1: {
      v1::LotState lot;
      if (lot.ParseFromString(rest)) Dump(chain::LotStateToJson(lot));
      return 0;
    }
    case 2: {
      v1::Participant participant;
      if (participant.ParseFromString(rest)) Dump(chain::ParticipantToJson(participant));
      return 0;
    }
    case 3:
      Time(rest);
      return 0;
    default:
      Quantity(rest);
      return 0;
  }
}

// Fuzz target: GS1 keys as people type, scan and link them: lot keys "01/{gtin}/10/{lot}" with
// or without a Digital Link host prefix, GTINs, lot codes, GLNs. A parsed lot key must format
// and parse back to itself.
#include "chain/model/gs1.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

namespace {

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = fuzz::AsString(data, size);
  auto key = chain::ParseLotKey(text);
  if (key.ok()) {
    FUZZ_CHECK(chain::ValidateLotKey(*key).ok());
    const std::string formatted = chain::FormatLotKey(*key);
    auto again = chain::ParseLotKey(formatted);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->gtin() == key->gtin() && again->lot() == key->lot());
    FUZZ_CHECK(chain::FormatLotKey(*again) == formatted);
  }
  if (chain::ValidateGtin14(text).ok() || chain::ValidateGln(text).ok()) {
    FUZZ_CHECK(AllDigits(text));
    FUZZ_CHECK(chain::Gs1CheckDigit(std::string_view(text).substr(0, text.size() - 1)) ==
               text.back() - '0');
  }
  (void)chain::ValidateLotCode(text);
  const int check = chain::Gs1CheckDigit(text);
  FUZZ_CHECK(AllDigits(text) ? (check >= 0 && check <= 9) : check == -1);
  return 0;
}

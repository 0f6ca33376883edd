// GS1 keys: GTIN-14 (AI 01), lot/batch codes (AI 10), GLN, and the lot key text form
// "01/{gtin14}/10/{lot}" used everywhere (it is the GS1 Digital Link path).
#pragma once

#include <string>
#include <string_view>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// The GS1 mod-10 check digit for the digits before it (e.g. the first 13 of a GTIN-14).
int Gs1CheckDigit(std::string_view digits_without_check);

// BAD_GS1_KEY unless 14 digits with a valid check digit. GTIN-8/12/13 must be padded with
// leading zeros by the caller (the CLI does).
Status ValidateGtin14(std::string_view gtin);
// BAD_GS1_KEY unless 1-20 characters of GS1 AI encodable character set 82.
Status ValidateLotCode(std::string_view lot);
// BAD_GS1_KEY unless 13 digits with a valid check digit.
Status ValidateGln(std::string_view gln);
// BAD_GS1_KEY unless 18 digits with a valid check digit (an SSCC, AI 00: a pallet).
Status ValidateSscc(std::string_view sscc);
// "00/{sscc}": a pallet's key, where lots have "01/{gtin}/10/{lot}" (both GS1 Digital Link
// paths; the store keeps both kinds of unit under their key).
std::string FormatPalletKey(std::string_view sscc);
// Parses "00/{sscc}" (with the same prefixes ParseLotKey accepts); BAD_GS1_KEY on failure.
Result<std::string> ParsePalletKey(std::string_view text);
// A lot key or a pallet key (same prefixes), as its canonical "01/{gtin14}/10/{lot}" or
// "00/{sscc}" text; BAD_GS1_KEY naming both forms on failure.
Result<std::string> ParseUnitKey(std::string_view text);
Status ValidateLotKey(const v1::LotKey& key);

// "01/{gtin}/10/{lot}".
std::string FormatLotKey(const v1::LotKey& key);
// Parses "01/{gtin}/10/{lot}" (a leading "/" and a scheme+host prefix "https://host/" are
// accepted; a trailing "/21/{serial}" is not part of a lot key and is rejected). Shorter GTINs
// (8, 12, 13 digits) are padded to 14. Validates both parts: BAD_GS1_KEY on failure.
Result<v1::LotKey> ParseLotKey(std::string_view text);

}  // namespace agritrace::chain

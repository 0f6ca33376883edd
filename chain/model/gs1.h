// GS1 keys: GTIN-14 (AI 01), lot/batch codes (AI 10), GLN, and the lot key text form
// "01/{gtin14}/10/{lot}" used everywhere (it is the GS1 Digital Link path).
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// "01/{gtin}/10/{lot}", the lot code verbatim: the key text form the store, the CLI and the
// JSON API use. Not a URI path when the lot code holds '/', '%' or another reserved character;
// use DigitalLinkPath for URIs.
std::string FormatLotKey(const v1::LotKey& key);
// Parses a lot key in one of two forms; shorter GTINs (8, 12, 13 digits) are padded to 14 and
// both parts are validated: BAD_GS1_KEY on failure.
//  - the key text form "01/{gtin}/10/{lot}" (as FormatLotKey writes it): the lot code is
//    everything after "/10/", verbatim, '/' included, so every lot key formats and parses
//    back to itself ("01/{gtin}/10/B1/21/5" is the lot "B1/21/5");
//  - a GS1 Digital Link URI "https://host/[prefix/]01/{gtin}/10/{lot}[?query]", or its path
//    starting with "/": read by ParseDigitalLink (each segment percent-decoded); a
//    "/21/{serial}" after the lot is refused (a lot key names a lot, not an item).
Result<v1::LotKey> ParseLotKey(std::string_view text);

// --- GS1 Digital Link URIs (GS1 Digital Link standard 1.4, section 4: URI syntax).

// A value percent-encoded for a URI path segment: everything except the RFC 3986 unreserved
// characters (A-Z a-z 0-9 - . _ ~) is written %XX, so a '/' in a lot code becomes %2F.
std::string PercentEncodeSegment(std::string_view value);
// Decodes %XX escapes; BAD_GS1_KEY for a '%' not followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text);
// "01/{gtin}/10/{lot}" with the lot code percent-encoded: the path of the lot's Digital Link.
std::string DigitalLinkPath(const v1::LotKey& key);

// What a Digital Link names: a trade item (GTIN, AI 01), optionally a lot of it (AI 10) and an
// item of that lot (AI 21); or a pallet (SSCC, AI 00).
struct DigitalLink {
  std::string gtin;    // 14 digits (padded); empty for a pallet
  std::string lot;     // decoded lot code; empty when the link names the GTIN only
  std::string serial;  // decoded serial (AI 21); empty when none
  std::string sscc;    // 18 digits for a pallet, else empty

  bool has_lot() const { return !lot.empty(); }
  // "01/{gtin}/10/{lot}" or "00/{sscc}" (the store's key); requires has_lot() or a pallet.
  std::string UnitKey() const;
};

// Reads a Digital Link from its path segments, each already percent-decoded (split on the raw
// '/' first, so a lot code written with %2F stays one segment). Segments before the first
// "01" or "00" that starts a valid key are a path prefix (the standard allows one); a trailing
// empty segment (a trailing '/') is ignored. Accepted after the GTIN: "10/{lot}" and then
// "21/{serial}". BAD_GS1_KEY naming what is wrong, e.g. an unencoded '/' in a lot code.
Result<DigitalLink> ParseDigitalLinkSegments(const std::vector<std::string>& segments);
// Reads a Digital Link URI ("https://host/...") or path ("/..."): drops the scheme and host,
// the query string (data attributes such as "17=" do not change what is named) and the
// fragment, splits the path on '/' and decodes each segment.
Result<DigitalLink> ParseDigitalLink(std::string_view uri);

}  // namespace agritrace::chain

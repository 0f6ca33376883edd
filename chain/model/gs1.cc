#include "chain/model/gs1.h"

#include <string>

#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

// Values quoted back in error messages are cut to this length so a hostile record cannot make
// a rejection sentence (logged and returned to clients) arbitrarily long.
constexpr size_t kMaxQuotedChars = 40;

// The non-alphanumeric characters of GS1 AI encodable character set 82 (GS1 General
// Specifications, figure 7.11-1). With 0-9, A-Z and a-z they make 82 characters.
constexpr std::string_view kSet82Symbols = "!\"%&'()*+,-./:;<=>?_";

// GTIN lengths a caller may write; all are padded to GTIN-14 with leading zeros.
constexpr size_t kShortGtinLengths[] = {8, 12, 13};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAsciiAlnum(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool IsSet82(char c) { return IsAsciiAlnum(c) || kSet82Symbols.find(c) != std::string_view::npos; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// `value` in quotes, shortened and with unprintable bytes replaced, for error sentences.
std::string Quoted(std::string_view value) {
  std::string out = "\"";
  for (size_t i = 0; i < value.size() && i < kMaxQuotedChars; ++i) {
    char c = value[i];
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (value.size() > kMaxQuotedChars) out += "...";
  return out + "\"";
}

// Shared by GTIN and GLN: a fixed number of digits whose last is the GS1 check digit.
Status ValidateDigitsWithCheck(std::string_view value, size_t digits, std::string_view what) {
  if (value.size() != digits || !AllDigits(value)) {
    return Reject(Reason::kBadGs1Key, std::string(what) + " " + Quoted(value) +
                                          " must be exactly " + std::to_string(digits) + " digits");
  }
  int expected = Gs1CheckDigit(value.substr(0, digits - 1));
  int actual = value.back() - '0';
  if (expected != actual) {
    return Reject(Reason::kBadGs1Key, std::string(what) + " " + std::string(value) +
                                          " ends in check digit " + std::to_string(actual) +
                                          " but its other digits need " + std::to_string(expected) +
                                          "; check it for a typo");
  }
  return Status::Ok();
}

// Strips "scheme://host" and a leading "/", leaving "01/...". A GS1 Digital Link URI names a
// lot the same way as our text form, so a scanned QR code can be pasted as is.
std::string_view StripPrefix(std::string_view text) {
  if (size_t scheme = text.find("://"); scheme != std::string_view::npos) {
    text.remove_prefix(scheme + 3);
    size_t path = text.find('/');
    text = path == std::string_view::npos ? std::string_view() : text.substr(path);
  }
  if (!text.empty() && text.front() == '/') text.remove_prefix(1);
  return text;
}

Result<std::string> PadGtin(std::string_view gtin) {
  if (!AllDigits(gtin)) {
    return Reject(Reason::kBadGs1Key, "GTIN " + Quoted(gtin) + " must contain only digits");
  }
  if (gtin.size() == kGtinDigits) return std::string(gtin);
  for (size_t length : kShortGtinLengths) {
    if (gtin.size() == length) return std::string(kGtinDigits - length, '0') + std::string(gtin);
  }
  return Reject(Reason::kBadGs1Key, "GTIN " + Quoted(gtin) + " must have 8, 12, 13 or 14 digits");
}

}  // namespace

int Gs1CheckDigit(std::string_view digits_without_check) {
  // Weights alternate 3,1,3,... starting from the rightmost digit (GS1 mod-10).
  int sum = 0;
  bool weight_three = true;
  for (auto it = digits_without_check.rbegin(); it != digits_without_check.rend(); ++it) {
    if (!IsDigit(*it)) return -1;
    int digit = *it - '0';
    sum += weight_three ? 3 * digit : digit;
    weight_three = !weight_three;
  }
  return (10 - sum % 10) % 10;
}

Status ValidateGtin14(std::string_view gtin) {
  return ValidateDigitsWithCheck(gtin, kGtinDigits, "GTIN");
}

Status ValidateLotCode(std::string_view lot) {
  if (lot.empty()) return Reject(Reason::kBadGs1Key, "the lot code is empty; give the batch code");
  if (lot.size() > kMaxLotCodeChars) {
    return Reject(Reason::kBadGs1Key, "lot code " + Quoted(lot) + " has " +
                                          std::to_string(lot.size()) + " characters; GS1 allows " +
                                          std::to_string(kMaxLotCodeChars));
  }
  for (char c : lot) {
    if (!IsSet82(c)) {
      return Reject(Reason::kBadGs1Key,
                    "lot code " + Quoted(lot) +
                        " contains a character GS1 does not allow; use letters, digits and "
                        "!\"%&'()*+,-./:;<=>?_ only (no spaces)");
    }
  }
  return Status::Ok();
}

Status ValidateGln(std::string_view gln) { return ValidateDigitsWithCheck(gln, kGlnDigits, "GLN"); }

Status ValidateSscc(std::string_view sscc) {
  return ValidateDigitsWithCheck(sscc, kSsccDigits, "SSCC");
}

std::string FormatPalletKey(std::string_view sscc) { return "00/" + std::string(sscc); }

Status ValidateLotKey(const v1::LotKey& key) {
  AGRI_RETURN_IF_ERROR(ValidateGtin14(key.gtin()));
  return ValidateLotCode(key.lot());
}

std::string FormatLotKey(const v1::LotKey& key) { return "01/" + key.gtin() + "/10/" + key.lot(); }

Result<v1::LotKey> ParseLotKey(std::string_view text) {
  const std::string_view original = text;
  text = StripPrefix(text);
  const auto bad_form = [&] {
    return Reject(Reason::kBadGs1Key,
                  "lot key " + Quoted(original) + " must look like 01/{GTIN}/10/{lot code}");
  };
  if (text.substr(0, 3) != "01/") return bad_form();
  text.remove_prefix(3);
  size_t gtin_end = text.find('/');
  if (gtin_end == std::string_view::npos) return bad_form();
  std::string_view gtin = text.substr(0, gtin_end);
  text.remove_prefix(gtin_end);
  if (text.substr(0, 4) != "/10/") return bad_form();
  text.remove_prefix(4);
  // A further path segment (e.g. "/21/{serial}") names a single item, not a lot. Lot codes
  // may contain '/', but then the text form cannot tell them apart, so it is refused here.
  if (text.find('/') != std::string_view::npos) {
    return Reject(Reason::kBadGs1Key, "lot key " + Quoted(original) +
                                          " has more after the lot code; a lot key ends at the "
                                          "lot code (no /21/ serial)");
  }
  Result<std::string> gtin14 = PadGtin(gtin);
  if (!gtin14.ok()) return gtin14.status();
  v1::LotKey key;
  key.set_gtin(*gtin14);
  key.set_lot(std::string(text));
  AGRI_RETURN_IF_ERROR(ValidateLotKey(key));
  return key;
}

Result<std::string> ParsePalletKey(std::string_view text) {
  const std::string_view original = text;
  text = StripPrefix(text);
  if (text.substr(0, 3) != "00/") {
    return Reject(Reason::kBadGs1Key,
                  "pallet key " + Quoted(original) + " must look like 00/{18-digit SSCC}");
  }
  text.remove_prefix(3);
  AGRI_RETURN_IF_ERROR(ValidateSscc(text));
  return std::string(text);
}

Result<std::string> ParseUnitKey(std::string_view text) {
  if (StripPrefix(text).substr(0, 3) == "00/") {
    Result<std::string> sscc = ParsePalletKey(text);
    if (!sscc.ok()) return sscc.status();
    return FormatPalletKey(*sscc);
  }
  Result<v1::LotKey> lot = ParseLotKey(text);
  if (!lot.ok()) {
    return Reject(lot.status().reason(),
                  lot.status().message() + " (or, for a pallet, 00/{18-digit SSCC})");
  }
  return FormatLotKey(*lot);
}

}  // namespace agritrace::chain

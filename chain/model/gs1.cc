#include "chain/model/gs1.h"

#include <optional>
#include <string>
#include <vector>

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

// Length of a URI's "scheme://" at the start of `text` (RFC 3986: a letter, then letters,
// digits, '+', '-', '.'), or 0. Only at the start: a lot code may itself contain "://".
size_t SchemeLength(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (IsAsciiAlnum(text[i]) || text[i] == '+' || text[i] == '-' ||
                             text[i] == '.')) {
    ++i;
  }
  if (i == 0 || IsDigit(text[0]) || text.substr(i, 3) != "://") return 0;
  return i + 3;
}

// Strips "scheme://host" and a leading "/", leaving "01/...". A GS1 Digital Link URI names a
// lot the same way as our text form, so a scanned QR code can be pasted as is.
std::string_view StripPrefix(std::string_view text) {
  if (size_t scheme = SchemeLength(text); scheme > 0) {
    text.remove_prefix(scheme);
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

// A Digital Link path longer than this is refused before it is parsed: a key with its
// qualifiers takes 6 segments, so this leaves room for a generous path prefix.
constexpr size_t kMaxDigitalLinkSegments = 32;

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A URI ("scheme://...") or a URI path ("/..."), read by Digital Link rules, as opposed to the
// key text form "01/...".
bool IsUriForm(std::string_view text) {
  return SchemeLength(text) > 0 || (!text.empty() && text.front() == '/');
}

Status SerialNotLot(std::string_view original) {
  return Reject(Reason::kBadGs1Key, "lot key " + Quoted(original) +
                                        " has more after the lot code; a lot key ends at the "
                                        "lot code (no /21/ serial)");
}

Status UnexpectedSegment(const std::string& segment, std::string_view after) {
  return Reject(Reason::kBadGs1Key,
                "unexpected path segment " + Quoted(segment) + " after the " + std::string(after) +
                    "; a '/' inside a lot code or serial must be written %2F in a URI");
}

// The key starting at segments[i] ("01" or "00"), with nothing but its qualifiers after it.
Result<DigitalLink> ParseLinkFrom(const std::vector<std::string>& s, size_t i) {
  size_t end = s.size();
  if (end > i + 1 && s[end - 1].empty()) --end;  // a trailing '/'
  DigitalLink link;
  if (i + 1 >= end) {
    return Reject(Reason::kBadGs1Key, "AI " + s[i] + " in the path has no value after it");
  }
  if (s[i] == "00") {
    AGRI_RETURN_IF_ERROR(ValidateSscc(s[i + 1]));
    if (i + 2 < end) return UnexpectedSegment(s[i + 2], "SSCC");
    link.sscc = s[i + 1];
    return link;
  }
  Result<std::string> gtin = PadGtin(s[i + 1]);
  if (!gtin.ok()) return gtin.status();
  AGRI_RETURN_IF_ERROR(ValidateGtin14(*gtin));
  link.gtin = *gtin;
  size_t j = i + 2;
  if (j < end) {
    if (s[j] != "10" || j + 1 >= end) return UnexpectedSegment(s[j], "GTIN");
    AGRI_RETURN_IF_ERROR(ValidateLotCode(s[j + 1]));
    link.lot = s[j + 1];
    j += 2;
  }
  if (j < end) {
    if (s[j] != "21" || j + 1 >= end) return UnexpectedSegment(s[j], "lot code");
    if (!ValidateLotCode(s[j + 1]).ok()) {
      return Reject(Reason::kBadGs1Key,
                    "the serial number (AI 21) must be 1-20 characters of GS1 set 82");
    }
    link.serial = s[j + 1];
    j += 2;
  }
  if (j < end) return UnexpectedSegment(s[j], "serial number");
  return link;
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
  if (IsUriForm(text)) {
    Result<DigitalLink> link = ParseDigitalLink(text);
    if (!link.ok()) return link.status();
    if (!link->has_lot()) {
      return Reject(Reason::kBadGs1Key, "lot key " + Quoted(original) +
                                            " must name a lot: .../01/{GTIN}/10/{lot code}");
    }
    if (!link->serial.empty()) return SerialNotLot(original);
    v1::LotKey key;
    key.set_gtin(link->gtin);
    key.set_lot(link->lot);
    return key;
  }
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
  // The key text form keeps the lot code verbatim, '/' included (GS1 set 82 allows it), so
  // that every lot on the chain formats and parses back to itself; a serial is given apart
  // (or in a URI, where "/21/" is a segment of its own).
  Result<std::string> gtin14 = PadGtin(gtin);
  if (!gtin14.ok()) return gtin14.status();
  v1::LotKey key;
  key.set_gtin(*gtin14);
  key.set_lot(std::string(text));
  AGRI_RETURN_IF_ERROR(ValidateLotKey(key));
  return key;
}

std::string PercentEncodeSegment(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsAsciiAlnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out.push_back(ch);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return Reject(Reason::kBadGs1Key, "bad percent escape in " + Quoted(text) +
                                            ": '%' must be followed by two hex digits (write a "
                                            "literal '%' as %25)");
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::string DigitalLinkPath(const v1::LotKey& key) {
  return "01/" + key.gtin() + "/10/" + PercentEncodeSegment(key.lot());
}

std::string DigitalLink::UnitKey() const {
  if (!sscc.empty()) return FormatPalletKey(sscc);
  return "01/" + gtin + "/10/" + lot;
}

Result<DigitalLink> ParseDigitalLinkSegments(const std::vector<std::string>& segments) {
  std::optional<Status> first_error;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i] != "01" && segments[i] != "00") continue;
    Result<DigitalLink> link = ParseLinkFrom(segments, i);
    if (link.ok()) return link;
    if (!first_error) first_error = link.status();
  }
  if (first_error) return *first_error;
  return Reject(Reason::kBadGs1Key,
                "no GS1 key in the path: a Digital Link is .../01/{GTIN}[/10/{lot code}"
                "[/21/{serial}]] or .../00/{SSCC}");
}

Result<DigitalLink> ParseDigitalLink(std::string_view uri) {
  if (size_t scheme = SchemeLength(uri); scheme > 0) {
    uri.remove_prefix(scheme);
    size_t path = uri.find('/');
    uri = path == std::string_view::npos ? std::string_view() : uri.substr(path);
  }
  uri = uri.substr(0, uri.find_first_of("?#"));
  std::vector<std::string> segments;
  size_t start = uri.empty() || uri.front() != '/' ? 0 : 1;
  while (start <= uri.size()) {
    size_t end = uri.find('/', start);
    if (end == std::string_view::npos) end = uri.size();
    Result<std::string> segment = PercentDecode(uri.substr(start, end - start));
    if (!segment.ok()) return segment.status();
    segments.push_back(*std::move(segment));
    if (segments.size() > kMaxDigitalLinkSegments) {
      return Reject(Reason::kBadGs1Key, "a Digital Link path has at most " +
                                            std::to_string(kMaxDigitalLinkSegments) + " segments");
    }
    start = end + 1;
  }
  return ParseDigitalLinkSegments(segments);
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
  if (IsUriForm(text)) {  // a pallet's Digital Link may have a path prefix too
    Result<DigitalLink> link = ParseDigitalLink(text);
    if (link.ok() && !link->sscc.empty()) return link->UnitKey();
  }
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

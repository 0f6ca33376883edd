// Fuzz target: what the HTTP gateway makes of a request a shopper's phone (or anyone on the
// internet) sends. Input: the request path (raw, as on the request line), then optionally a
// newline and an Accept-Language header value.
//
// The gateway's handlers need a running node, so this target runs the request through the
// same steps without one: cpp-httplib's URL decoding and std::regex route matching (with the
// patterns of node/http_gateway.cc Routes(); keep them in step), the Digital Link key and
// serial checks those handlers make (chain::ParseLotKey, chain::ValidateLotCode), the static
// file lookup (FindWebAsset) and the language choice (PreferredLanguage, node/http_pages.cc).
#include <httplib.h>

#include <regex>

#include "chain/model/gs1.h"
#include "node/http/http_pages.h"
#include "node/http/web_assets.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

namespace {

// cpp-httplib answers 414 to longer request targets before routing anything.
constexpr size_t kMaxRequestUriBytes = CPPHTTPLIB_REQUEST_URI_MAX_LENGTH;

// node/http_gateway.cc Routes().
const std::regex& DigitalLinkRoute() {
  static const std::regex re(R"(/01/([^/]+)/10/([^/]+)(?:/21/([^/]+))?/?)");
  return re;
}
const std::regex& ApiLotRoute() {
  static const std::regex re(R"(/api/v1/(?:lots|history|bundles)/(.+))");
  return re;
}
const std::regex& StaticRoute() {
  static const std::regex re(R"(/static/([A-Za-z0-9_./-]+))");
  return re;
}

// HttpGateway::Impl::LotKeyOf.
void CheckDigitalLink(const std::string& gtin, const std::string& lot, const std::string& serial) {
  auto key = chain::ParseLotKey("01/" + gtin + "/10/" + lot);
  if (!key.ok()) {
    FUZZ_CHECK(key.status().reason() == chain::Reason::kBadGs1Key ||
               key.status().reason() == chain::Reason::kMalformed);
    return;
  }
  if (!serial.empty()) (void)chain::ValidateLotCode(serial);
  (void)chain::FormatLotKey(*key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = fuzz::AsString(data, size);
  const size_t newline = input.find('\n');
  const std::string target = input.substr(0, newline);
  const std::string language = newline == std::string::npos ? "" : input.substr(newline + 1);
  const std::string lang = node::PreferredLanguage(language);
  FUZZ_CHECK(lang == "en" || lang == "zh");
  if (target.size() > kMaxRequestUriBytes) return 0;
  // httplib splits the query off the target, then percent-decodes the path.
  const std::string path = httplib::detail::decode_url(target.substr(0, target.find('?')), false);
  std::smatch match;
  if (std::regex_match(path, match, DigitalLinkRoute())) {
    CheckDigitalLink(match[1].str(), match[2].str(), match.size() > 3 ? match[3].str() : "");
  } else if (std::regex_match(path, match, ApiLotRoute())) {
    (void)chain::ParseLotKey(match[1].str());
  } else if (std::regex_match(path, match, StaticRoute())) {
    (void)node::FindWebAsset(match[1].str());
  }
  return 0;
}

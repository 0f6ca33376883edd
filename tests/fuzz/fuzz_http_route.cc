// Fuzz target: what the HTTP gateway makes of a request a shopper's phone (or anyone on the
// internet) sends. Input: the request target (raw, as on the request line), then optionally a
// newline and an Accept-Language header value.
//
// The gateway's handlers need a running node, so this target runs the request through the
// same steps without one: the transport-neutral target parsing and routing of
// node/http/http_exchange.cc (a router with the gateway's route prefixes), the Digital Link
// reading its handlers make (chain::ParseDigitalLinkSegments), the linkType and linkset
// helpers (node/http/resolver.cc), the static file lookup (FindWebAsset) and the language
// choice (PreferredLanguage, node/http_pages.cc). Invariants: a Digital Link that parses
// writes back (percent-encoded) to a path that parses to the same key; nothing crashes.
#include "chain/model/gs1.h"
#include "node/http/http_exchange.h"
#include "node/http/http_pages.h"
#include "node/http/resolver.h"
#include "node/http/web_assets.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

namespace {

// A request target longer than the gateway's header cap never reaches the router.
constexpr size_t kMaxRequestTargetBytes = 16 * 1024;

void CheckDigitalLink(const std::vector<std::string>& segments) {
  auto link = chain::ParseDigitalLinkSegments(segments);
  if (!link.ok()) {
    FUZZ_CHECK(link.status().reason() == chain::Reason::kBadGs1Key);
    return;
  }
  std::string path = "/01/" + link->gtin;
  if (!link->sscc.empty()) path = "/00/" + link->sscc;
  if (link->has_lot()) path += "/10/" + chain::PercentEncodeSegment(link->lot);
  if (!link->serial.empty()) path += "/21/" + chain::PercentEncodeSegment(link->serial);
  auto again = chain::ParseDigitalLink(path);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->gtin == link->gtin && again->lot == link->lot &&
             again->serial == link->serial && again->sscc == link->sscc);
  if (link->has_lot()) {
    (void)node::Linkset("https://t.example" + path, true, {"en"});
    (void)node::LinkHeader("https://t.example" + path, true);
  }
}

node::HttpRouter& Router() {
  static node::HttpRouter* router = [] {
    auto* r = new node::HttpRouter();
    const auto lot = [](const node::HttpRequest&, const node::RequestTarget&,
                        const std::vector<std::string>& rest,
                        node::HttpResponse&) { CheckDigitalLink(rest); };
    for (const char* route : {"lots", "history", "bundles"})
      r->Add({"api", "v1", route}, false, route, lot);
    r->Add({"static"}, false, "static",
           [](const node::HttpRequest&, const node::RequestTarget&,
              const std::vector<std::string>& rest, node::HttpResponse&) {
             std::string path;
             for (const auto& s : rest) path += (path.empty() ? "" : "/") + s;
             (void)node::FindWebAsset(path);
           });
    r->SetFallback("page", [](const node::HttpRequest&, const node::RequestTarget& target,
                              const std::vector<std::string>& rest, node::HttpResponse&) {
      (void)node::NormalizeLinkType(target.Param("linkType"));
      CheckDigitalLink(rest);
    });
    return r;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = fuzz::AsString(data, size);
  const size_t newline = input.find('\n');
  const std::string target = input.substr(0, newline);
  const std::string language = newline == std::string::npos ? "" : input.substr(newline + 1);
  const std::string lang = node::PreferredLanguage(language);
  FUZZ_CHECK(lang == "en" || lang == "zh");
  if (target.size() > kMaxRequestTargetBytes) return 0;
  node::HttpResponse res = Router().Handle(node::HttpRequest{"GET", target, {}, "127.0.0.1"});
  FUZZ_CHECK(res.status == 200 || res.status == 400 || res.status == 404);
  (void)Router().LabelOf(target);
  return 0;
}

// The gateway's transport-neutral request and response, and the router between them.
//
// Handlers see an HttpRequest (method, the raw request target exactly as the client sent it,
// headers) and fill an HttpResponse (status, headers, body); they never see the HTTP server
// library (Boost.Beast, in http_guard.cc only; replacing cpp-httplib with it left the handlers
// as they were). The target is split into path segments on the raw '/' first and each segment is
// percent-decoded after, so "/01/{gtin}/10/A%2F1" names the lot "A/1" and is never routed as
// two segments. Plain data and pure functions; the router is immutable once built, so any
// number of server threads may call Handle at once.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chain/base/status.h"

namespace agritrace::node {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;       // "GET", "HEAD", "OPTIONS"
  std::string target;       // raw request target: path and query, still percent-encoded
  HttpHeaders headers;      // as received
  std::string remote_addr;  // for logs

  // The first value of header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;  // besides Content-Type
  std::string content_type = "text/plain";
  std::string body;
  // The handler's word that the same request (target, Accept, Accept-Language,
  // Accept-Encoding) gets these same bytes until the chain's tip moves: the server may then
  // keep the whole response and send it again (response_cache.h). Only for status 200.
  bool cacheable = false;

  void SetHeader(std::string name, std::string value);
  void SetBody(std::string text, std::string type) {
    body = std::move(text);
    content_type = std::move(type);
  }
};

// A request target taken apart.
struct RequestTarget {
  std::string raw_path;               // undecoded, as sent
  std::string raw_query;              // after '?', undecoded ("" when none)
  std::vector<std::string> segments;  // the path split on '/', each percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded ('+' is a space)

  // Every value of query parameter `name`, in order.
  std::vector<std::string> Params(std::string_view name) const;
  // The first value of `name`, or "".
  std::string Param(std::string_view name) const;
  bool HasParam(std::string_view name) const;
};

// MALFORMED (naming what) for a target that is not an origin-form path ("/..."), a bad percent
// escape, or more than kMaxTargetSegments segments or kMaxQueryParameters parameters.
chain::Result<RequestTarget> ParseRequestTarget(std::string_view target);

// Routes on the decoded segments: each route is a fixed segment prefix ({"api", "v1", "lots"})
// and gets the segments after it. The first route whose prefix matches wins; a route marked
// `exact` matches only when no segment follows. No match: the fallback.
class HttpRouter {
 public:
  using Handler = std::function<void(const HttpRequest&, const RequestTarget&,
                                     const std::vector<std::string>& rest, HttpResponse&)>;

  // `label` names the route in metrics (a fixed string keeps their cardinality bounded).
  void Add(std::vector<std::string> prefix, bool exact, std::string label, Handler handler);
  void SetFallback(std::string label, Handler handler);

  // Answers any request: 400 for a malformed target, 405 for a method other than GET/HEAD
  // (OPTIONS gets 204 with what CORS needs), else the route's handler.
  HttpResponse Handle(const HttpRequest& request) const;
  // The metrics label of the route a target goes to ("other" when it does not parse).
  std::string LabelOf(std::string_view target) const;

 private:
  struct Route {
    std::vector<std::string> prefix;
    bool exact;
    std::string label;
    Handler handler;
  };
  const Route* Find(const RequestTarget& target) const;

  std::vector<Route> routes_;
  Route fallback_;
};

}  // namespace agritrace::node

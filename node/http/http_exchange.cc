#include "node/http/http_exchange.h"

#include <algorithm>
#include <cctype>

#include "chain/model/gs1.h"
#include "node/http/gateway_limits.h"

namespace agritrace::node {
namespace {

using chain::Reason;

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

chain::Result<std::string> Decode(std::string_view text, bool plus_is_space) {
  std::string spaced(text);
  if (plus_is_space) std::replace(spaced.begin(), spaced.end(), '+', ' ');
  chain::Result<std::string> decoded = chain::PercentDecode(spaced);
  if (!decoded.ok()) return chain::Reject(Reason::kMalformed, decoded.status().message());
  return decoded;
}

chain::Status SplitQuery(std::string_view query, RequestTarget& out) {
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    if (out.query.size() == kMaxQueryParameters) {
      return chain::Reject(Reason::kMalformed, "at most " + std::to_string(kMaxQueryParameters) +
                                                   " query parameters per request");
    }
    const size_t eq = pair.find('=');
    auto name = Decode(pair.substr(0, eq), true);
    if (!name.ok()) return name.status();
    auto value = Decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!value.ok()) return value.status();
    out.query.emplace_back(*std::move(name), *std::move(value));
  }
  return chain::Status::Ok();
}

bool PrefixMatches(const std::vector<std::string>& prefix, const std::vector<std::string>& s,
                   bool exact) {
  if (s.size() < prefix.size() || (exact && s.size() != prefix.size())) return false;
  return std::equal(prefix.begin(), prefix.end(), s.begin());
}

void PlainError(HttpResponse& res, int status, const std::string& text) {
  res.status = status;
  res.SetBody(text + "\n", "text/plain; charset=utf-8");
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (SameIgnoringCase(key, name)) return value;
  }
  return "";
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [key, old] : headers) {
    if (SameIgnoringCase(key, name)) {
      old = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::vector<std::string> RequestTarget::Params(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : query) {
    if (key == name) out.push_back(value);
  }
  return out;
}

std::string RequestTarget::Param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return "";
}

bool RequestTarget::HasParam(std::string_view name) const {
  return std::any_of(query.begin(), query.end(), [&](const auto& p) { return p.first == name; });
}

chain::Result<RequestTarget> ParseRequestTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return chain::Reject(Reason::kMalformed, "the request target must be a path starting with /");
  }
  RequestTarget out;
  const size_t query_at = target.find('?');
  out.raw_path = std::string(target.substr(0, query_at));
  if (query_at != std::string_view::npos) out.raw_query = std::string(target.substr(query_at + 1));
  if (const size_t hash = out.raw_query.find('#'); hash != std::string::npos) {
    out.raw_query.resize(hash);
  }
  std::string_view path = out.raw_path;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (out.segments.size() == kMaxTargetSegments) {
      return chain::Reject(
          Reason::kMalformed,
          "the path has more than " + std::to_string(kMaxTargetSegments) + " segments");
    }
    auto segment = Decode(path.substr(start, end - start), false);
    if (!segment.ok()) return segment.status();
    out.segments.push_back(*std::move(segment));
    start = end + 1;
  }
  // "/" is no segment, and a trailing '/' adds none: "/healthz/" routes as "/healthz".
  if (!out.segments.empty() && out.segments.back().empty()) out.segments.pop_back();
  AGRI_RETURN_IF_ERROR(SplitQuery(out.raw_query, out));
  return out;
}

void HttpRouter::Add(std::vector<std::string> prefix, bool exact, std::string label,
                     Handler handler) {
  routes_.push_back(Route{std::move(prefix), exact, std::move(label), std::move(handler)});
}

void HttpRouter::SetFallback(std::string label, Handler handler) {
  fallback_ = Route{{}, false, std::move(label), std::move(handler)};
}

const HttpRouter::Route* HttpRouter::Find(const RequestTarget& target) const {
  for (const Route& route : routes_) {
    if (PrefixMatches(route.prefix, target.segments, route.exact)) return &route;
  }
  return fallback_.handler ? &fallback_ : nullptr;
}

HttpResponse HttpRouter::Handle(const HttpRequest& request) const {
  HttpResponse res;
  if (request.method == "OPTIONS") {
    // CORS preflight: every route is a public, read-only GET (GS1 resolvers must allow CORS).
    res.status = 204;
    res.SetHeader("Access-Control-Allow-Origin", "*");
    res.SetHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    res.SetHeader("Access-Control-Allow-Headers", "Accept, Accept-Language");
    res.SetHeader("Allow", "GET, HEAD, OPTIONS");
    return res;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    res.SetHeader("Allow", "GET, HEAD, OPTIONS");
    PlainError(res, 405, "the gateway is read-only: GET, HEAD and OPTIONS only");
    return res;
  }
  chain::Result<RequestTarget> target = ParseRequestTarget(request.target);
  if (!target.ok()) {
    PlainError(res, 400, "MALFORMED: " + target.status().message());
    return res;
  }
  const Route* route = Find(*target);
  if (!route) {
    PlainError(res, 404, "no such page");
    return res;
  }
  const std::vector<std::string> rest(target->segments.begin() + route->prefix.size(),
                                      target->segments.end());
  route->handler(request, *target, rest, res);
  return res;
}

std::string HttpRouter::LabelOf(std::string_view target) const {
  chain::Result<RequestTarget> parsed = ParseRequestTarget(target);
  if (!parsed.ok()) return "other";
  const Route* route = Find(*parsed);
  return route ? route->label : "other";
}

}  // namespace agritrace::node

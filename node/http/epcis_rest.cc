#include "node/http/epcis_rest.h"

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "chain/base/bytes.h"
#include "chain/base/hash.h"
#include "chain/export/epcis.h"
#include "chain/export/export_data.h"
#include "chain/export/record_json.h"
#include "chain/model/gs1.h"
#include "chain/query/epcis_query.h"
#include "node/http/gateway_limits.h"

namespace agritrace::node {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

constexpr const char* kEpcisVersion = "2.0.0";
constexpr const char* kCbvVersion = "2.0.0";
constexpr const char* kEpcisJsonType = "application/ld+json";
// Hex digits of the check that ties a nextPageToken to its query and position.
constexpr size_t kTokenCheckHexDigits = 16;

// The parameters GET /epcis/events understands; any other is a QueryParameterException, as
// the standard asks for a parameter a server does not recognise.
constexpr const char* kKnownParameters[] = {"EQ_bizStep",   "MATCH_anyEPC", "MATCH_epcClass",
                                            "GE_eventTime", "LT_eventTime", "perPage",
                                            "nextPageToken"};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string JsonText(const json& body) {
  return body.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// Values of a list parameter: each occurrence, split on '|'.
chain::Result<std::vector<std::string>> ListParam(const RequestTarget& target, const char* name) {
  std::vector<std::string> out;
  for (const std::string& value : target.Params(name)) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find('|', start);
      if (end == std::string::npos) end = value.size();
      if (end == start)
        return Reject(Reason::kMalformed, std::string(name) + " has an empty value");
      out.push_back(value.substr(start, end - start));
      start = end + 1;
    }
  }
  if (out.size() > chain::kMaxEpcisQueryValues) {
    return Reject(Reason::kTooLarge, std::string(name) + " lists " + std::to_string(out.size()) +
                                         " values; at most " +
                                         std::to_string(chain::kMaxEpcisQueryValues));
  }
  return out;
}

chain::Status TimeParam(const RequestTarget& target, const char* name,
                        std::optional<int64_t>& out) {
  if (!target.HasParam(name)) return chain::Status::Ok();
  chain::Result<int64_t> ms = chain::ParseIsoTime(target.Param(name));
  if (!ms.ok()) {
    return Reject(Reason::kMalformed, std::string(name) +
                                          " must be an ISO 8601 time with its "
                                          "offset, e.g. 2026-11-19T06:30:00Z: " +
                                          ms.status().message());
  }
  out = *ms;
  return chain::Status::Ok();
}

chain::Result<uint64_t> Number(std::string_view text, const std::string& what) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Reject(Reason::kMalformed, what + " must be a whole number, not \"" +
                                          std::string(text.substr(0, 40)) + "\"");
  }
  return value;
}

chain::Result<chain::EpcisQuery> ParseQuery(const RequestTarget& target) {
  for (const auto& [name, value] : target.query) {
    bool known = false;
    for (const char* k : kKnownParameters) known = known || name == k;
    if (!known) {
      return Reject(Reason::kMalformed,
                    "query parameter \"" + name.substr(0, 40) +
                        "\" is not supported; this node answers EQ_bizStep, MATCH_anyEPC, "
                        "MATCH_epcClass, GE_eventTime, LT_eventTime, perPage, nextPageToken");
    }
  }
  chain::EpcisQuery query;
  for (auto [name, field] :
       {std::pair{"EQ_bizStep", &query.biz_steps}, std::pair{"MATCH_anyEPC", &query.any_epcs},
        std::pair{"MATCH_epcClass", &query.epc_classes}}) {
    auto values = ListParam(target, name);
    if (!values.ok()) return values.status();
    *field = *std::move(values);
  }
  AGRI_RETURN_IF_ERROR(TimeParam(target, "GE_eventTime", query.ge_event_time_ms));
  AGRI_RETURN_IF_ERROR(TimeParam(target, "LT_eventTime", query.lt_event_time_ms));
  return query;
}

// What a nextPageToken is bound to: the query's parameters other than the paging ones.
std::string QueryFingerprint(const RequestTarget& target) {
  std::string text;
  for (const auto& [name, value] : target.query) {
    if (name == "perPage" || name == "nextPageToken") continue;
    text += name + "=" + value + "&";
  }
  return text;
}

std::string TokenCheck(const std::string& fingerprint, uint64_t height, uint64_t offset) {
  const chain::Hash256 digest =
      chain::Sha256("agritrace/epcis-page/v1|" + fingerprint + "|" + std::to_string(height) + "|" +
                    std::to_string(offset));
  return chain::ToHex(digest).substr(0, kTokenCheckHexDigits);
}

// "{height}.{offset}.{check}": the chain height the first page read and where the next starts.
std::string MakeToken(const std::string& fingerprint, uint64_t height, uint64_t offset) {
  return std::to_string(height) + "." + std::to_string(offset) + "." +
         TokenCheck(fingerprint, height, offset);
}

struct PagePosition {
  uint64_t height = 0;
  uint64_t offset = 0;
};

chain::Result<PagePosition> ReadToken(const std::string& token, const std::string& fingerprint,
                                      uint64_t tip) {
  const auto bad = [] {
    return Reject(Reason::kMalformed,
                  "nextPageToken is not one this node gave for this query; start again without it");
  };
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string::npos) return bad();
  auto height = Number(std::string_view(token).substr(0, dot1), "nextPageToken");
  auto offset = Number(std::string_view(token).substr(dot1 + 1, dot2 - dot1 - 1), "nextPageToken");
  if (!height.ok() || !offset.ok() || *height > tip ||
      token.substr(dot2 + 1) != TokenCheck(fingerprint, *height, *offset)) {
    return bad();
  }
  return PagePosition{*height, *offset};
}

chain::Result<size_t> PerPage(const RequestTarget& target) {
  if (!target.HasParam("perPage")) return kDefaultEpcisPerPage;
  auto n = Number(target.Param("perPage"), "perPage");
  if (!n.ok()) return n.status();
  if (*n < 1 || *n > kMaxEpcisPerPage) {
    return Reject(Reason::kMalformed,
                  "perPage must be between 1 and " + std::to_string(kMaxEpcisPerPage));
  }
  return static_cast<size_t>(*n);
}

json QueryDocument(json events) {
  json context = chain::EpcisDocument(chain::ExportData{}, 0)["@context"];
  return {{"@context", std::move(context)},
          {"type", "EPCISQueryDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", chain::FormatIsoTime(NowMs())},
          {"epcisBody",
           {{"queryResults",
             {{"queryName", "SimpleEventQuery"},
              {"resultsBody", {{"eventList", std::move(events)}}}}}}}};
}

void SendDocument(HttpResponse& res, json events) {
  res.SetHeader("GS1-EPCIS-Version", kEpcisVersion);
  res.SetHeader("GS1-CBV-Version", kCbvVersion);
  res.SetHeader("Access-Control-Allow-Origin", "*");
  res.SetBody(JsonText(QueryDocument(std::move(events))), kEpcisJsonType);
}

// The raw query without nextPageToken, for the next page's link.
std::string QueryWithoutToken(const std::string& raw_query) {
  std::string out;
  size_t start = 0;
  while (start < raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string::npos) end = raw_query.size();
    const std::string pair = raw_query.substr(start, end - start);
    if (!pair.empty() && pair.rfind("nextPageToken=", 0) != 0 && pair != "nextPageToken") {
      out += pair + "&";
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

void SendEpcisError(HttpResponse& res, const chain::Status& status) {
  std::string type = "epcisException:ImplementationException";
  std::string title = "The query could not be answered";
  int code = 500;
  const Reason reason = status.reason();
  if (reason == Reason::kMalformed || reason == Reason::kBadGs1Key) {
    type = "epcisException:QueryParameterException";
    title = "Invalid query parameter";
    code = 400;
  } else if (reason == Reason::kTooLarge) {
    type = "epcisException:QueryTooComplexException";
    title = "The query needs more work than this node does for one request";
    code = 413;
  } else if (reason == Reason::kNotFound || reason == Reason::kUnknownLot) {
    type = "epcisException:NoSuchResourceException";
    title = "No such resource";
    code = 404;
  }
  res.status = code;
  res.SetHeader("GS1-EPCIS-Version", kEpcisVersion);
  res.SetHeader("Access-Control-Allow-Origin", "*");
  res.SetBody(JsonText({{"type", type},
                        {"title", title},
                        {"status", code},
                        {"detail", status.message()},
                        {"reason", std::string(chain::ReasonName(status.reason()))}}),
              "application/problem+json");
}

void EpcisRest::Events(const RequestTarget& target, HttpResponse& res) const {
  auto query = ParseQuery(target);
  if (!query.ok()) return SendEpcisError(res, query.status());
  auto per_page = PerPage(target);
  if (!per_page.ok()) return SendEpcisError(res, per_page.status());
  const std::string fingerprint = QueryFingerprint(target);
  PagePosition at{store_->Tip().height, 0};
  if (target.HasParam("nextPageToken")) {
    auto read = ReadToken(target.Param("nextPageToken"), fingerprint, at.height);
    if (!read.ok()) return SendEpcisError(res, read.status());
    at = *read;
  }
  auto events = chain::FindEpcisEvents(*store_, *query, at.height);
  if (!events.ok()) return SendEpcisError(res, events.status());
  json page = json::array();
  const size_t begin = std::min<size_t>(at.offset, events->size());
  const size_t end = std::min(events->size(), begin + *per_page);
  for (size_t i = begin; i < end; ++i) page.push_back(std::move((*events)[i]));
  if (end < events->size()) {
    const std::string token = MakeToken(fingerprint, at.height, end);
    res.SetHeader("Link", "<" + base_url_ + "/epcis/events?" + QueryWithoutToken(target.raw_query) +
                              "nextPageToken=" + token + ">; rel=\"next\"");
  }
  SendDocument(res, std::move(page));
}

void EpcisRest::Event(const std::string& event_id, HttpResponse& res) const {
  chain::EpcisQuery query;
  query.event_id = event_id;
  auto events = chain::FindEpcisEvents(*store_, query, store_->Tip().height);
  if (!events.ok()) return SendEpcisError(res, events.status());
  if (events->empty()) {
    return SendEpcisError(
        res, Reject(Reason::kNotFound, "no event " + event_id.substr(0, 100) + " on this chain"));
  }
  SendDocument(res, json::array({events->front()}));
}

}  // namespace agritrace::node

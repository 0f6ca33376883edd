// The EPCIS 2.0 REST query interface (GS1 EPCIS 2.0, section 12 and its OpenAPI), read-only:
//
//   GET /epcis/events?EQ_bizStep=..&MATCH_anyEPC=..&MATCH_epcClass=..&GE_eventTime=..
//                     &LT_eventTime=..&perPage=N&nextPageToken=T
//       an EPCISQueryDocument (SimpleEventQuery results), "GS1-EPCIS-Version: 2.0.0"; when more
//       events follow, a `Link: <...&nextPageToken=T>; rel="next"` header. Values of one
//       parameter are separated by '|' (or the parameter is repeated). Events come in
//       (eventTime, eventID) order; the first page fixes the chain height the pages read, so
//       paging is stable while blocks are added.
//   GET /epcis/events/{eventID}   the event (eventID percent-encoded), in an EPCISQueryDocument
//
// Errors are RFC 7807 bodies as the standard names them: {"type":
// "epcisException:QueryParameterException", "title", "status": 400, "detail"} for a bad or
// unsupported parameter or a foreign nextPageToken; QueryTooComplexException (413) past a
// limit (chain/query/epcis_query.h, gateway_limits.h); NoSuchResourceException (404).
// Stateless: the store is read per request; safe from any number of threads.
#pragma once

#include <string>
#include <vector>

#include "chain/store/store.h"
#include "node/http/http_exchange.h"

namespace agritrace::node {

class EpcisRest {
 public:
  // `store` must outlive this; `base_url` prefixes the Link header's next page.
  EpcisRest(const chain::ChainStore* store, std::string base_url)
      : store_(store), base_url_(std::move(base_url)) {}

  void Events(const RequestTarget& target, HttpResponse& res) const;
  void Event(const std::string& event_id, HttpResponse& res) const;

 private:
  const chain::ChainStore* store_;
  std::string base_url_;
};

// The EPCIS exception body and status for `status` (QueryParameterException for MALFORMED,
// QueryTooComplexException for TOO_LARGE, NoSuchResourceException for NOT_FOUND).
void SendEpcisError(HttpResponse& res, const chain::Status& status);

}  // namespace agritrace::node

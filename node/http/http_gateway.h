// The HTTP gateway: what a shopper's phone, a partner's EPCIS tool and an operator's
// Prometheus talk to. Read-only: GET and HEAD (OPTIONS answers CORS preflights).
//
//   GET [/prefix]/01/{gtin}/10/{lot}[/21/{serial}][?linkType=..]   the GS1 Digital Link resolver
//         (resolver.h): the product page (HTML); "Accept: application/json" the proof bundle
//         JSON, "Accept: application/x-protobuf" its binary form; ?linkType=gs1:traceability,
//         gs1:epcis, gs1:certificationInfo, gs1:recallStatus; ?linkType=all or
//         "Accept: application/linkset+json" the RFC 9264 linkset; a Link header on each.
//         Other query parameters (data attributes such as 17=) do not change the lot named.
//   GET [/prefix]/01/{gtin}                  the product's lots on the chain (HTML or JSON)
//   GET /.well-known/gs1resolver            the resolver description (JSON)
//   GET /epcis/events?...                   the EPCIS 2.0 REST query interface (epcis_rest.h)
//   GET /epcis/events/{eventID}             one event
//   GET /api/v1/lots/01/{gtin}/10/{lot}     lot state (JSON); 00/{sscc} for a pallet
//   GET /api/v1/history/01/{gtin}/10/{lot}  the lot's records in chain order (JSON)
//   GET /api/v1/bundles/01/{gtin}/10/{lot}  the proof bundle (JSON)
//   GET /api/v1/status                      chain id, height, ... (JSON)
//   GET /healthz, GET /metrics              liveness; Prometheus text format
//   GET /static/...                         the page's CSS and JS, embedded in the binary
//
// Routing is on the raw request target: split on '/', then each segment percent-decoded
// (http_exchange.h), so a lot code written with %2F stays one segment. Lot codes are
// percent-encoded in every URI the gateway writes (linksets, Link headers, the page's bundle
// path, the GTIN page's links).
//
// Unknown lot: 404 (a page that says so, or JSON). Malformed GTIN or lot: 400 with the reason.
// The handlers see only HttpRequest/HttpResponse (http_exchange.h); the transport is
// GuardedHttpServer (http_guard.h: Boost.Beast on an event loop, with the connection limits),
// which hands each whole request to the router. Owns the server (its event-loop and worker
// threads); handlers only read the store.
#pragma once

#include <memory>
#include <string>

#include "chain/base/status.h"
#include "node/common/config.h"

namespace agritrace::node {

class Node;

class HttpGateway {
 public:
  // `node` must outlive the gateway.
  HttpGateway(Node* node, const NodeConfig& config);
  ~HttpGateway();

  // Binds config.http_addr and starts serving; UNAVAILABLE when the address cannot be bound.
  chain::Status Start();
  // Stops accepting, finishes in-flight requests and joins the server's threads.
  void Stop();

  // The base of Digital Link URIs: config.http_base_url, else "http://" + http_addr.
  std::string base_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool started_ = false;
};

}  // namespace agritrace::node

// The HTTP gateway: what a shopper's phone and an operator's Prometheus talk to.
//
//   GET /01/{gtin}/10/{lot}[/21/{serial}]  the product page (HTML); with
//                                          "Accept: application/json" the proof bundle JSON,
//                                          with "Accept: application/x-protobuf" the binary form
//   GET /api/v1/lots/01/{gtin}/10/{lot}     lot state (JSON)
//   GET /api/v1/history/01/{gtin}/10/{lot}  the lot's records in chain order (JSON)
//   GET /api/v1/bundles/01/{gtin}/10/{lot}  the proof bundle (JSON)
//   GET /api/v1/status                      chain id, height, ... (JSON)
//   GET /healthz, GET /metrics              liveness; Prometheus text format
//   GET /static/...                         the page's CSS and JS, embedded in the binary
//
// Unknown lot: 404 (a page that says so, or JSON). Malformed GTIN or lot: 400 with the reason.
// Owns the listener thread and cpp-httplib's worker pool; handlers only read the store.
#pragma once

#include <memory>
#include <string>
#include <thread>

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
  // Stops accepting, finishes in-flight requests and joins the listener.
  void Stop();

  // The base of Digital Link URIs: config.http_base_url, else "http://" + http_addr.
  std::string base_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread listener_;
};

}  // namespace agritrace::node

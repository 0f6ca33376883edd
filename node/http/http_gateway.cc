#include "node/http/http_gateway.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <mutex>

#include "chain/bundle/bundle.h"
#include "chain/query/bundle_builder.h"
#include "chain/model/gs1.h"
#include "chain/model/record.h"
#include "chain/export/custody_json.h"
#include "chain/export/lot_history.h"
#include "chain/export/record_json.h"
#include "node/http/http_guard.h"
#include "node/http/http_pages.h"
#include "node/node.h"
#include "node/common/version.h"
#include "node/http/web_assets.h"

namespace agritrace::node {
namespace {

using chain::Reason;
using nlohmann::json;

constexpr const char* kJsonType = "application/json";
constexpr const char* kProtobufType = "application/x-protobuf";
// A Digital Link path: GTIN (AI 01), lot (AI 10), optional serial (AI 21).
constexpr const char* kDigitalLinkPattern = R"(/01/([^/]+)/10/([^/]+)(?:/21/([^/]+))?/?)";
// Static files change only with the binary; an hour of caching spares a shop's Wi-Fi.
constexpr const char* kStaticCacheControl = "public, max-age=3600";

int HttpStatusFor(const chain::Status& status) {
  switch (status.reason()) {
    case Reason::kUnknownLot:
    case Reason::kNotFound:
      return 404;
    case Reason::kBadGs1Key:
    case Reason::kMalformed:
      return 400;
    case Reason::kTooLarge:
      return 413;
    case Reason::kOk:
    case Reason::kWrongChain:
    case Reason::kBadSignature:
    case Reason::kUnknownSigner:
    case Reason::kNotAuthorized:
    case Reason::kReplay:
    case Reason::kLotExists:
    case Reason::kNotCustodian:
    case Reason::kInsufficientQuantity:
    case Reason::kMassBalance:
    case Reason::kRecalled:
    case Reason::kStaleTimestamp:
    case Reason::kInTransit:
    case Reason::kNotInTransit:
    case Reason::kUnknownParticipant:
    case Reason::kAlreadyRegistered:
    case Reason::kRevoked:
    case Reason::kUnknownRecord:
    case Reason::kUnknownShipment:
    case Reason::kOnPallet:
    case Reason::kEventTime:
    case Reason::kUnknownPlot:  // origin rejections (records are not submitted over HTTP)
    case Reason::kPlotExists:
    case Reason::kPlotRetired:
    case Reason::kCropMismatch:
    case Reason::kYieldExceeded:
    case Reason::kPhiNotElapsed:
    case Reason::kIngredientBanned:
    case Reason::kClaimExceeded:
    case Reason::kMempoolFull:
    case Reason::kIoError:
    case Reason::kBadPassword:
    case Reason::kTimeout:
    case Reason::kUnavailable:
    case Reason::kInternal:
      break;
  }
  return 500;
}

json ErrorJson(const chain::Status& status) {
  return {{"error",
           {{"reason", std::string(chain::ReasonName(status.reason()))},
            {"message", status.message()}}}};
}

bool WantsJson(const httplib::Request& req) {
  const std::string accept = req.get_header_value("Accept");
  return accept.find(kJsonType) != std::string::npos &&
         accept.find("text/html") == std::string::npos;
}

// Proof bundles kept encoded by the gateway (see Impl::bundles); a 20-event bundle is tens of
// kilobytes, so this bounds the cache to tens of megabytes.
constexpr size_t kMaxCachedBundles = 1024;

std::string JsonText(const json& body) {
  return body.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(JsonText(body), kJsonType);
}

// Route labels for the request counter; fixed strings so the metric's cardinality is bounded.
std::string RouteOf(const std::string& path) {
  if (path.rfind("/01/", 0) == 0) return "page";
  if (path.rfind("/api/v1/lots/", 0) == 0) return "api_lot";
  if (path.rfind("/api/v1/history/", 0) == 0) return "api_history";
  if (path.rfind("/api/v1/bundles/", 0) == 0) return "api_bundle";
  if (path == "/api/v1/status") return "api_status";
  if (path == "/healthz") return "healthz";
  if (path == "/metrics") return "metrics";
  if (path.rfind("/static/", 0) == 0) return "static";
  return "other";
}

GuardedHttpServer::Options GuardOptions(const NodeConfig& config) {
  GuardedHttpServer::Options options;
  options.threads = config.http_threads;
  options.connections_per_address = config.http_max_connections_per_address;
  options.read_timeout = std::chrono::milliseconds(config.http_read_timeout_ms);
  options.write_timeout = std::chrono::milliseconds(config.http_write_timeout_ms);
  options.max_request_bytes = config.http_max_request_bytes;
  options.requests_per_second = config.http_client_requests_per_second;
  options.burst_requests = config.http_client_burst_requests;
  options.limit_loopback = config.http_rate_limit_loopback;
  return options;
}

}  // namespace

struct HttpGateway::Impl {
  Impl(Node* n, const NodeConfig& c) : node(n), config(c), server(GuardOptions(c)) {}

  Node* node;
  NodeConfig config;
  // Worker pool, request size and timeouts, per-address connection and rate limits: see
  // node/http_guard.h.
  GuardedHttpServer server;

  // Proof bundles as sent, per (format, lot, serial), valid while the tip stays where it was
  // when the bundle was built: a new block may add to any lot's lineage, and a bundle costs far
  // more to build and encode than to send. Shoppers scanning one product hit the same entry.
  struct CachedBundle {
    uint64_t height;
    std::string body;
  };
  std::mutex bundles_mu;
  std::map<std::string, CachedBundle> bundles;  // GUARDED_BY(bundles_mu)

  const chain::ChainStore& store() const { return node->store(); }

  // The encoded bundle of `key` (JSON, or protobuf when `proto`), from the cache when fresh.
  chain::Result<std::string> BundleBody(const std::string& key, const std::string& serial,
                                        bool proto) {
    const std::string cache_key = (proto ? "p|" : "j|") + key + "|" + serial;
    const uint64_t height = store().Tip().height;
    {
      std::lock_guard lock(bundles_mu);
      if (auto it = bundles.find(cache_key); it != bundles.end() && it->second.height == height) {
        return it->second.body;
      }
    }
    auto bundle = chain::BuildProofBundle(store(), node->genesis(), key, serial);
    if (!bundle.ok()) return bundle.status();
    std::string body = proto ? bundle->SerializeAsString() : JsonText(chain::BundleToJson(*bundle));
    std::lock_guard lock(bundles_mu);
    if (bundles.size() >= kMaxCachedBundles) bundles.clear();  // crude, bounded, rarely hit
    bundles[cache_key] = CachedBundle{height, body};
    return body;
  }

  void SendError(const httplib::Request& req, httplib::Response& res, const chain::Status& status,
                 bool as_json) {
    const int code = HttpStatusFor(status);
    if (as_json) return SendJson(res, code, ErrorJson(status));
    const std::string lang = PreferredLanguage(req.get_header_value("Accept-Language"));
    const bool zh = lang == "zh";
    std::string title;
    if (code == 404)
      title = zh ? "未找到该批次" : "Lot not found";
    else if (code == 400)
      title = zh ? "无效的产品码" : "Invalid product code";
    else
      title = zh ? "出错了" : "Something went wrong";
    res.status = code;
    res.set_content(RenderMessagePage(lang, title, status.message()), "text/html; charset=utf-8");
  }

  // The lot key of a Digital Link path; BAD_GS1_KEY naming what is wrong.
  static chain::Result<std::string> LotKeyOf(const std::string& gtin, const std::string& lot,
                                             const std::string& serial) {
    auto key = chain::ParseLotKey("01/" + gtin + "/10/" + lot);
    if (!key.ok()) return key.status();
    if (!serial.empty() && !chain::ValidateLotCode(serial).ok()) {
      return chain::Reject(Reason::kBadGs1Key,
                           "the serial number (AI 21) must be 1-20 characters of GS1 set 82");
    }
    return chain::FormatLotKey(*key);
  }

  chain::Status RequireLot(const std::string& key) const {
    if (store().GetLot(key)) return chain::Status::Ok();
    return chain::Reject(
        Reason::kUnknownLot,
        "There is no lot " + key +
            " on this chain. Check the code printed on "
            "the package; if it matches, the producer has not registered this lot.");
  }

  json PageConfig(const std::string& key, const std::string& serial, const std::string& path,
                  const std::string& lang) const {
    const chain::Genesis& genesis = node->genesis();
    json validators = json::array(), participants = json::array();
    for (const auto& v : genesis.validators) {
      validators.push_back({{"name", v.name}, {"pubkey", chain::ToHex(v.pubkey)}});
    }
    for (const auto& p : genesis.participants) {
      participants.push_back({{"pubkey", chain::ToHex(p.pubkey())},
                              {"name", p.name()},
                              {"organization", p.organization()}});
    }
    return {{"chain_id", genesis.chain_id},
            {"genesis_hash", chain::ToHex(genesis.hash)},
            {"validators", std::move(validators)},
            {"genesis_participants", std::move(participants)},
            {"lot", key},
            {"serial", serial},
            {"bundle_path", path},
            {"base_url", BaseUrl()},
            {"lang", lang}};
  }

  std::string BaseUrl() const {
    return config.http_base_url.empty() ? "http://" + config.http_addr : config.http_base_url;
  }

  void HandleDigitalLink(const httplib::Request& req, httplib::Response& res) {
    const bool json_wanted = WantsJson(req);
    const bool proto_wanted = req.get_header_value("Accept").find(kProtobufType) == 0;
    const std::string serial = req.matches.size() > 3 ? req.matches[3].str() : "";
    auto key = LotKeyOf(req.matches[1], req.matches[2], serial);
    if (!key.ok()) return SendError(req, res, key.status(), json_wanted);
    if (auto exists = RequireLot(*key); !exists.ok()) {
      return SendError(req, res, exists, json_wanted);
    }
    res.set_header("Vary", "Accept, Accept-Language");
    if (json_wanted || proto_wanted) {
      auto body = BundleBody(*key, serial, proto_wanted);
      if (!body.ok()) return SendError(req, res, body.status(), true);
      return res.set_content(*body, proto_wanted ? kProtobufType : kJsonType);
    }
    const std::string lang = PreferredLanguage(req.get_header_value("Accept-Language"));
    res.set_content(RenderProductPage(lang, *key, PageConfig(*key, serial, req.path, lang)),
                    "text/html; charset=utf-8");
  }

  // /api/v1/{lots,history,bundles}/01/{gtin}/10/{lot}, or 00/{sscc} for a pallet's state
  // and history.
  chain::Result<std::string> ApiLotKey(const httplib::Request& req) const {
    auto key = chain::ParseUnitKey(req.matches[1].str());
    if (!key.ok()) return key.status();
    AGRI_RETURN_IF_ERROR(RequireLot(*key));
    return key;
  }

  // Participant names from the store, each key looked up once per response.
  chain::NameLookup Names() const {
    auto cache = std::make_shared<std::map<std::string, std::string>>();
    return [this, cache](const std::string& key_bytes) {
      auto [it, inserted] = cache->try_emplace(key_bytes);
      if (!inserted) return it->second;
      if (auto pubkey = chain::ArrayFromBytes<32>(key_bytes)) {
        if (auto p = store().GetParticipant(*pubkey)) it->second = p->name();
      }
      return it->second;
    };
  }

  void AddName(json& j, const char* key, const std::string& pubkey_bytes) const {
    auto pubkey = chain::ArrayFromBytes<32>(pubkey_bytes);
    if (!pubkey) return;
    if (auto p = store().GetParticipant(*pubkey)) j[key] = p->name();
  }

  void HandleLot(const httplib::Request& req, httplib::Response& res) {
    auto key = ApiLotKey(req);
    if (!key.ok()) return SendError(req, res, key.status(), true);
    v1::LotState lot = *store().GetLot(*key);
    json j = chain::LotStateToJson(lot, Names());
    AddName(j, "owner_name", lot.owner());
    j["children"] = store().GetChildren(*key);
    SendJson(res, 200, j);
  }

  void HandleHistory(const httplib::Request& req, httplib::Response& res) {
    auto key = ApiLotKey(req);
    if (!key.ok()) return SendError(req, res, key.status(), true);
    auto history = store().GetLotHistory(*key);
    if (!history.ok()) return SendError(req, res, history.status(), true);
    json entries = json::array();
    chain::LotHistoryReplay replay(*key);  // what each record moved
    for (const chain::StoredRecord& stored : *history) {
      json entry = {{"record_id", chain::ToHex(stored.id)},
                    {"height", stored.height},
                    {"index", stored.index},
                    {"signer", chain::ToHex(stored.envelope.signer())}};
      AddName(entry, "signer_name", stored.envelope.signer());
      if (auto record = chain::DecodeRecord(stored.envelope); record.ok()) {
        entry["record"] = chain::RecordBodyToJson(record->body);
        entry["moved"] = replay.Apply(*record);
      }
      entries.push_back(std::move(entry));
    }
    SendJson(res, 200, {{"lot", *key}, {"entries", std::move(entries)}});
  }

  void HandleBundle(const httplib::Request& req, httplib::Response& res) {
    auto key = ApiLotKey(req);
    if (!key.ok()) return SendError(req, res, key.status(), true);
    auto body = BundleBody(*key, "", /*proto=*/false);
    if (!body.ok()) return SendError(req, res, body.status(), true);
    res.set_content(*body, kJsonType);
  }

  void HandleStatus(httplib::Response& res) {
    const chain::ChainTip tip = store().Tip();
    SendJson(res, 200,
             {{"chain_id", node->genesis().chain_id},
              {"genesis_hash", chain::ToHex(node->genesis().hash)},
              {"height", tip.height},
              {"tip_hash", chain::ToHex(tip.hash)},
              {"mempool_size", node->mempool_size()},
              {"node_pubkey", chain::ToHex(node->node_pubkey())},
              {"validator", node->is_validator()},
              {"base_url", BaseUrl()},
              {"version", kVersion}});
  }

  void HandleMetrics(httplib::Response& res) {
    NodeMetrics::Gauges gauges;
    gauges.height = store().Tip().height;
    gauges.mempool_size = node->mempool_size();
    gauges.peers = node->connected_peers();
    res.set_content(node->metrics().RenderPrometheus(gauges), "text/plain; version=0.0.4");
  }

  void HandleStatic(const httplib::Request& req, httplib::Response& res) {
    const WebAsset* asset = FindWebAsset(req.matches[1].str());
    if (!asset || asset->path.find(".html") != std::string_view::npos) {
      res.status = 404;
      return res.set_content("no such file\n", "text/plain");
    }
    res.set_header("Cache-Control", kStaticCacheControl);
    res.set_content(std::string(asset->body), std::string(asset->content_type));
  }

  void Routes() {
    server.Get(kDigitalLinkPattern,
               [this](const auto& req, auto& res) { HandleDigitalLink(req, res); });
    server.Get(R"(/api/v1/lots/(.+))", [this](const auto& req, auto& res) { HandleLot(req, res); });
    server.Get(R"(/api/v1/history/(.+))",
               [this](const auto& req, auto& res) { HandleHistory(req, res); });
    server.Get(R"(/api/v1/bundles/(.+))",
               [this](const auto& req, auto& res) { HandleBundle(req, res); });
    server.Get("/api/v1/status", [this](const auto&, auto& res) { HandleStatus(res); });
    server.Get("/healthz", [](const auto&, auto& res) { res.set_content("ok\n", "text/plain"); });
    server.Get("/metrics", [this](const auto&, auto& res) { HandleMetrics(res); });
    server.Get(R"(/static/([A-Za-z0-9_./-]+))",
               [this](const auto& req, auto& res) { HandleStatic(req, res); });
    server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      node->metrics().OnHttpRequest(RouteOf(req.path), res.status);
    });
  }
};

HttpGateway::HttpGateway(Node* node, const NodeConfig& config)
    : impl_(std::make_unique<Impl>(node, config)) {
  impl_->Routes();
}

HttpGateway::~HttpGateway() { Stop(); }

std::string HttpGateway::base_url() const { return impl_->BaseUrl(); }

chain::Status HttpGateway::Start() {
  const std::string& addr = impl_->config.http_addr;
  const size_t colon = addr.rfind(':');
  const int port = colon == std::string::npos ? -1 : std::atoi(addr.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    return chain::Reject(Reason::kMalformed, "http.addr must be HOST:PORT, not '" + addr + "'");
  }
  std::string host = addr.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (!impl_->server.bind_to_port(host, port)) {
    return chain::Reject(Reason::kUnavailable, "cannot listen for HTTP on " + addr);
  }
  impl_->server.WidenListenBacklog();
  listener_ = std::thread([this] { impl_->server.listen_after_bind(); });
  spdlog::info("HTTP gateway on http://{} (Digital Link base {})", addr, impl_->BaseUrl());
  return chain::Status::Ok();
}

void HttpGateway::Stop() {
  if (!listener_.joinable()) return;
  impl_->server.stop();
  listener_.join();
}

}  // namespace agritrace::node

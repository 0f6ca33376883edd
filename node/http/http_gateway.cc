#include "node/http/http_gateway.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "chain/bundle/bundle.h"
#include "chain/export/custody_json.h"
#include "chain/export/epcis.h"
#include "chain/export/lot_history.h"
#include "chain/export/record_json.h"
#include "chain/model/gs1.h"
#include "chain/model/plot.h"
#include "chain/model/record.h"
#include "chain/query/bundle_builder.h"
#include "chain/query/epcis_query.h"
#include "node/common/version.h"
#include "node/http/epcis_rest.h"
#include "node/http/gateway_limits.h"
#include "node/http/http_exchange.h"
#include "node/http/http_guard.h"
#include "node/http/http_pages.h"
#include "node/http/lot_links.h"
#include "node/http/resolver.h"
#include "node/http/web_assets.h"
#include "node/node.h"

namespace agritrace::node {
namespace {

using chain::Reason;
using nlohmann::json;

constexpr const char* kJsonType = "application/json";
constexpr const char* kProtobufType = "application/x-protobuf";
constexpr const char* kLinksetType = "application/linkset+json";
constexpr const char* kHtmlType = "text/html; charset=utf-8";
// The page's languages (web/app.js), listed as hreflang in the linkset.
const std::vector<std::string> kPageLanguages = {"en", "zh"};
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
    case Reason::kUnknownValidator:  // governance rejections (not submitted over HTTP either)
    case Reason::kValidatorExists:
    case Reason::kProposalPending:
    case Reason::kUnknownProposal:
    case Reason::kUnknownEvidence:
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

bool WantsJson(const HttpRequest& req) {
  const std::string accept = req.Header("Accept");
  return accept.find(kJsonType) != std::string::npos &&
         accept.find("text/html") == std::string::npos;
}

// Proof bundles kept encoded by the gateway (see Impl::bundles); a 20-event bundle is tens of
// kilobytes, so this bounds the cache to tens of megabytes.
constexpr size_t kMaxCachedBundles = 1024;

std::string JsonText(const json& body) {
  return body.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

void SendJson(HttpResponse& res, int status, const json& body,
              const std::string& type = kJsonType) {
  res.status = status;
  res.SetBody(JsonText(body), type);
}

// The handler of a route, bound to the gateway.
template <typename F>
HttpRouter::Handler Bind(F f) {
  return
      [f](const HttpRequest& req, const RequestTarget& target, const std::vector<std::string>& rest,
          HttpResponse& res) { f(req, target, rest, res); };
}

// The Digital Link path of what `link` names, percent-encoded: "01/{gtin}[/10/{lot}[/21/..]]".
std::string EncodedPath(const chain::DigitalLink& link) {
  std::string path = "01/" + link.gtin;
  if (link.has_lot()) path += "/10/" + chain::PercentEncodeSegment(link.lot);
  if (!link.serial.empty()) path += "/21/" + chain::PercentEncodeSegment(link.serial);
  return path;
}

// The same with its leading '/' (built by appending: GCC 12 warns, wrongly, on "/" + string).
std::string AbsolutePath(const chain::DigitalLink& link) {
  std::string path = "/";
  path += EncodedPath(link);
  return path;
}

GuardedHttpServer::Options GuardOptions(const NodeConfig& config, Node* node) {
  GuardedHttpServer::Options options;
  // Pages and bundles are kept whole until the next block (which may add to any lineage):
  // the count of committed blocks is an atomic, where the tip's height is a store read.
  options.cache_epoch = [node] { return node->metrics().blocks_committed(); };
  options.io_threads = kHttpIoThreads;
  options.handler_threads = config.http_threads;
  options.max_connections = config.http_max_connections;
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
  Impl(Node* n, const NodeConfig& c)
      : node(n),
        config(c),
        server(
            GuardOptions(c, n), [this](const HttpRequest& req) { return router.Handle(req); },
            [this](std::string_view target, int status) {
              node->metrics().OnHttpRequest(router.LabelOf(target), status);
            }),
        epcis(&n->store(), BaseUrl()) {}

  Node* node;
  NodeConfig config;
  // Transport-neutral routes (http_exchange.h); immutable after Routes(), which runs before
  // the server starts.
  HttpRouter router;
  // The server (Boost.Beast): event loop, worker pool, request size and timeouts, connection
  // caps and rate limits: see node/http/http_guard.h. It hands each request to `router`.
  GuardedHttpServer server;
  EpcisRest epcis;

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

  void SendError(const HttpRequest& req, HttpResponse& res, const chain::Status& status,
                 bool as_json) {
    const int code = HttpStatusFor(status);
    if (as_json) return SendJson(res, code, ErrorJson(status));
    const std::string lang = PreferredLanguage(req.Header("Accept-Language"));
    const bool zh = lang == "zh";
    std::string title;
    if (code == 404)
      title = zh ? "未找到该批次" : "Lot not found";
    else if (code == 400)
      title = zh ? "无效的产品码" : "Invalid product code";
    else
      title = zh ? "出错了" : "Something went wrong";
    res.status = code;
    res.SetBody(RenderMessagePage(lang, title, status.message()), kHtmlType);
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
    // Genesis's set: the trust root the page's verifier walks the bundle's set changes from
    // (web/verify.js), as genesis_hash pins it; later sets come with each bundle.
    for (const auto& v : genesis.validators) {
      validators.push_back({{"name", v.name}, {"pubkey", chain::ToHex(v.pubkey)}});
    }
    for (const auto& p : genesis.participants) {
      participants.push_back({{"pubkey", chain::ToHex(p.pubkey())},
                              {"name", p.name()},
                              {"organization", p.organization()}});
    }
    // Plots the genesis lists have no RegisterPlot record: the Origin card takes them from here.
    json plots = json::array();
    for (const v1::PlotState& p : genesis.plots) {
      json plot = {{"plot", p.plot_id()}, {"owner", chain::ToHex(p.owner())},
                   {"crop", p.crop()},    {"area", chain::FormatArea(p.area())},
                   {"cap_mg", p.cap_mg()}, {"name", p.location().name()},
                   {"season_start_month", p.season_start_month()},
                   {"season_start_day", p.season_start_day()}};
      if (p.location().has_lat_e6() && p.location().has_lon_e6()) {
        plot["lat"] = p.location().lat_e6() / 1e6;
        plot["lon"] = p.location().lon_e6() / 1e6;
      }
      plots.push_back(std::move(plot));
    }
    return {{"chain_id", genesis.chain_id},
            {"genesis_hash", chain::ToHex(genesis.hash)},
            {"validators", std::move(validators)},
            {"genesis_participants", std::move(participants)},
            {"genesis_plots", std::move(plots)},
            {"lot", key},
            {"serial", serial},
            {"bundle_path", path},
            {"base_url", BaseUrl()},
            {"lang", lang}};
  }

  std::string BaseUrl() const {
    std::string base =
        config.http_base_url.empty() ? "http://" + config.http_addr : config.http_base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
  }

  // Any path that is no other route: a GS1 Digital Link, resolved by its linkType.
  void HandleDigitalLink(const HttpRequest& req, const RequestTarget& target,
                         const std::vector<std::string>& segments, HttpResponse& res) {
    const bool json_wanted = WantsJson(req);
    if (std::none_of(segments.begin(), segments.end(),
                     [](const std::string& s) { return s == "01" || s == "00"; })) {
      res.status = 404;
      return res.SetBody("no such page\n", "text/plain");
    }
    auto link = chain::ParseDigitalLinkSegments(segments);
    if (!link.ok()) return SendError(req, res, link.status(), json_wanted);
    if (!link->sscc.empty()) {
      return SendError(req, res,
                       chain::Reject(Reason::kNotFound,
                                     "a pallet has no product page; its state is at "
                                     "/api/v1/lots/00/" +
                                         link->sscc),
                       json_wanted);
    }
    const std::string link_type = NormalizeLinkType(target.Param("linkType"));
    const bool linkset =
        link_type == "all" || req.Header("Accept").find(kLinksetType) != std::string::npos;
    const std::string anchor = BaseUrl() + AbsolutePath(*link);
    res.SetHeader("Link", LinkHeader(anchor, link->has_lot()));
    res.SetHeader("Access-Control-Allow-Origin", "*");
    res.SetHeader("Vary", "Accept, Accept-Language");
    if (!link->has_lot()) {
      if (linkset) {
        return SendJson(res, 200, Linkset(anchor, false, kPageLanguages), kLinksetType);
      }
      return HandleGtinPage(req, *link, res);
    }
    const std::string key = link->UnitKey();
    if (auto exists = RequireLot(key); !exists.ok()) {  // no links for a lot we do not have
      return SendError(req, res, exists,
                       json_wanted || linkset || (!link_type.empty() && link_type != "gs1:pip"));
    }
    if (linkset) return SendJson(res, 200, Linkset(anchor, true, kPageLanguages), kLinksetType);
    if (link_type == "gs1:traceability") return SendBundle(req, key, link->serial, res);
    if (link_type == "gs1:epcis") return HandleLotEpcis(key, res);
    if (link_type == "gs1:certificationInfo") return HandleCertificates(key, res);
    if (link_type == "gs1:recallStatus") return HandleRecallStatus(key, res);
    // gs1:pip, no linkType, or one this node does not serve: the default link, the page (the
    // resolver standard sends an unavailable link type to the default link).
    if (json_wanted || req.Header("Accept").find(kProtobufType) == 0) {
      return SendBundle(req, key, link->serial, res);
    }
    const std::string lang = PreferredLanguage(req.Header("Accept-Language"));
    res.SetBody(
        RenderProductPage(lang, key, PageConfig(key, link->serial, AbsolutePath(*link), lang)),
        kHtmlType);
    res.cacheable = true;  // depends on the target, Accept, Accept-Language and the lot only
  }

  void SendBundle(const HttpRequest& req, const std::string& key, const std::string& serial,
                  HttpResponse& res) {
    const bool proto = req.Header("Accept").find(kProtobufType) == 0;
    auto body = BundleBody(key, serial, proto);
    if (!body.ok()) return SendError(req, res, body.status(), true);
    res.SetBody(*body, proto ? kProtobufType : kJsonType);
    res.cacheable = true;  // the bundle at this tip
  }

  // A GTIN without a lot: the lots of that product on the chain (HTML, or JSON).
  void HandleGtinPage(const HttpRequest& req, const chain::DigitalLink& link, HttpResponse& res) {
    std::vector<v1::LotState> found;
    bool more = false;
    store().ForEachLot("01/" + link.gtin + "/10/", [&](const v1::LotState& lot) {
      if (found.size() == kMaxGtinPageLots) {
        more = true;
        return false;
      }
      found.push_back(lot);
      return true;
    });
    if (found.empty()) {
      return SendError(req, res,
                       chain::Reject(Reason::kUnknownLot,
                                     "There is no lot of GTIN " + link.gtin + " on this chain."),
                       WantsJson(req));
    }
    json lots = json::array();
    for (const v1::LotState& state : found) {
      chain::DigitalLink lot_link = link;
      lot_link.lot = state.lot().lot();
      lots.push_back({{"lot", lot_link.lot},
                      {"key", chain::FormatLotKey(state.lot())},
                      {"uri", BaseUrl() + AbsolutePath(lot_link)},
                      {"path", AbsolutePath(lot_link)},
                      {"commodity", state.commodity()},
                      {"variety", state.variety()},
                      {"recalled", state.recalled()}});
    }
    if (WantsJson(req)) {
      return SendJson(res, 200, {{"gtin", link.gtin}, {"lots", std::move(lots)}, {"more", more}});
    }
    const std::string lang = PreferredLanguage(req.Header("Accept-Language"));
    res.SetBody(RenderLotListPage(lang, link.gtin, lots, more), kHtmlType);
  }

  // ?linkType=gs1:epcis: the lot's events as `agritrace export epcis LOT` writes them.
  void HandleLotEpcis(const std::string& key, HttpResponse& res) {
    auto data = chain::GatherLotExport(store(), key, store().Tip().height);
    if (!data.ok()) return SendEpcisError(res, data.status());
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    res.SetHeader("GS1-EPCIS-Version", "2.0.0");
    res.SetHeader("GS1-CBV-Version", "2.0.0");
    SendJson(res, 200, chain::EpcisDocument(*data, now_ms), "application/ld+json");
  }

  // ?linkType=gs1:certificationInfo: the certificates and inspections attached to the lot.
  void HandleCertificates(const std::string& key, HttpResponse& res) {
    auto info = CertificationInfo(store(), key, Names());
    if (!info.ok()) return SendJson(res, HttpStatusFor(info.status()), ErrorJson(info.status()));
    SendJson(res, 200, *info);
  }

  // ?linkType=gs1:recallStatus: whether the lot, or a lot it was made from, is recalled.
  void HandleRecallStatus(const std::string& key, HttpResponse& res) {
    SendJson(res, 200, RecallStatus(store(), key));
  }

  // /api/v1/{lots,history,bundles}/01/{gtin}/10/{lot}, or 00/{sscc} for a pallet's state
  // and history; `rest` holds the decoded segments after the route's prefix.
  chain::Result<std::string> ApiLotKey(const std::vector<std::string>& rest) const {
    auto link = chain::ParseDigitalLinkSegments(rest);
    if (!link.ok()) return link.status();
    if ((link->sscc.empty() && !link->has_lot()) || !link->serial.empty()) {
      return chain::Reject(Reason::kBadGs1Key,
                           "name a lot, 01/{GTIN}/10/{lot code}, or a pallet, 00/{SSCC}");
    }
    const std::string key = link->UnitKey();
    AGRI_RETURN_IF_ERROR(RequireLot(key));
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

  void HandleLot(const HttpRequest& req, const std::vector<std::string>& rest, HttpResponse& res) {
    auto key = ApiLotKey(rest);
    if (!key.ok()) return SendError(req, res, key.status(), true);
    v1::LotState lot = *store().GetLot(*key);
    json j = chain::LotStateToJson(lot, Names());
    AddName(j, "owner_name", lot.owner());
    j["children"] = store().GetChildren(*key);
    SendJson(res, 200, j);
  }

  void HandleHistory(const HttpRequest& req, const std::vector<std::string>& rest,
                     HttpResponse& res) {
    auto key = ApiLotKey(rest);
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

  void HandleBundle(const HttpRequest& req, const std::vector<std::string>& rest,
                    HttpResponse& res) {
    auto key = ApiLotKey(rest);
    if (!key.ok()) return SendError(req, res, key.status(), true);
    auto body = BundleBody(*key, "", /*proto=*/false);
    if (!body.ok()) return SendError(req, res, body.status(), true);
    res.SetBody(*body, kJsonType);
    res.cacheable = true;
  }

  void HandleStatus(HttpResponse& res) {
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

  void HandleMetrics(HttpResponse& res) {
    NodeMetrics::Gauges gauges;
    gauges.height = store().Tip().height;
    gauges.mempool_size = node->mempool_size();
    gauges.peers = node->connected_peers();
    gauges.http_connections = server.active_connections();
    res.SetBody(node->metrics().RenderPrometheus(gauges), "text/plain; version=0.0.4");
  }

  void HandleStatic(const std::vector<std::string>& rest, HttpResponse& res) {
    std::string path;
    for (const std::string& segment : rest) path += (path.empty() ? "" : "/") + segment;
    const WebAsset* asset = rest.empty() ? nullptr : FindWebAsset(path);
    if (!asset || asset->path.find(".html") != std::string_view::npos) {
      res.status = 404;
      return res.SetBody("no such file\n", "text/plain");
    }
    res.SetHeader("Cache-Control", kStaticCacheControl);
    res.SetBody(std::string(asset->body), std::string(asset->content_type));
  }

  void HandleEpcisEvent(const std::vector<std::string>& rest, HttpResponse& res) {
    if (rest.size() != 1) {
      return SendEpcisError(res, chain::Reject(Reason::kNotFound,
                                               "an eventID is one path segment; percent-encode "
                                               "its '/' as %2F"));
    }
    epcis.Event(rest[0], res);
  }

  void Routes() {
    router.Add({"api", "v1", "lots"}, false, "api_lot",
               Bind([this](const auto& req, const auto&, const auto& rest, auto& res) {
                 HandleLot(req, rest, res);
               }));
    router.Add({"api", "v1", "history"}, false, "api_history",
               Bind([this](const auto& req, const auto&, const auto& rest, auto& res) {
                 HandleHistory(req, rest, res);
               }));
    router.Add({"api", "v1", "bundles"}, false, "api_bundle",
               Bind([this](const auto& req, const auto&, const auto& rest, auto& res) {
                 HandleBundle(req, rest, res);
               }));
    router.Add(
        {"api", "v1", "status"}, true, "api_status",
        Bind([this](const auto&, const auto&, const auto&, auto& res) { HandleStatus(res); }));
    router.Add({"epcis", "events"}, true, "epcis",
               Bind([this](const auto&, const auto& target, const auto&, auto& res) {
                 epcis.Events(target, res);
               }));
    router.Add({"epcis", "events"}, false, "epcis",
               Bind([this](const auto&, const auto&, const auto& rest, auto& res) {
                 HandleEpcisEvent(rest, res);
               }));
    router.Add({".well-known", "gs1resolver"}, true, "resolver",
               Bind([this](const auto&, const auto&, const auto&, auto& res) {
                 res.SetHeader("Access-Control-Allow-Origin", "*");
                 SendJson(res, 200, ResolverDescription(BaseUrl(), node->genesis().chain_id));
               }));
    router.Add({"healthz"}, true, "healthz",
               Bind([](const auto&, const auto&, const auto&, auto& res) {
                 res.SetBody("ok\n", "text/plain");
               }));
    router.Add(
        {"metrics"}, true, "metrics",
        Bind([this](const auto&, const auto&, const auto&, auto& res) { HandleMetrics(res); }));
    router.Add({"static"}, false, "static",
               Bind([this](const auto&, const auto&, const auto& rest, auto& res) {
                 HandleStatic(rest, res);
               }));
    router.SetFallback(
        "page", Bind([this](const auto& req, const auto& target, const auto& rest, auto& res) {
          HandleDigitalLink(req, target, rest, res);
        }));
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
  if (impl_->config.http_max_connections == 0 || impl_->config.http_threads == 0) {
    return chain::Reject(Reason::kMalformed,
                         "http.max_connections and http.threads must be at least 1");
  }
  std::string host = addr.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  AGRI_RETURN_IF_ERROR(impl_->server.Bind(host, port));
  impl_->server.Start();
  started_ = true;
  spdlog::info("HTTP gateway on http://{} (Digital Link base {})", addr, impl_->BaseUrl());
  return chain::Status::Ok();
}

void HttpGateway::Stop() {
  if (!started_) return;
  started_ = false;
  impl_->server.Stop();
}

}  // namespace agritrace::node

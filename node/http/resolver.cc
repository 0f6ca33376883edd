#include "node/http/resolver.h"

namespace agritrace::node {
namespace {

using nlohmann::json;

constexpr std::string_view kGs1VocHttps = "https://gs1.org/voc/";
constexpr std::string_view kGs1VocHttp = "http://gs1.org/voc/";
constexpr std::string_view kCompactPrefix = "gs1:";

std::string Href(const std::string& anchor, const char* compact) {
  return anchor + "?linkType=" + compact;
}

}  // namespace

const std::vector<LinkTypeInfo>& LotLinkTypes() {
  static const std::vector<LinkTypeInfo> kTypes = {
      {"gs1:pip", "Product journey, verified in the browser", "text/html"},
      {"gs1:traceability", "Proof bundle: signed records, Merkle proofs, certificates",
       "application/json"},
      {"gs1:epcis", "EPCIS 2.0 events of this lot", "application/ld+json"},
      {"gs1:certificationInfo", "Certificates and inspections of this lot", "application/json"},
      {"gs1:recallStatus", "Recall status (recalled, reason, since)", "application/json"},
  };
  return kTypes;
}

std::string NormalizeLinkType(std::string_view value) {
  if (value == "all" || value == "linkset") return "all";
  for (std::string_view prefix : {kGs1VocHttps, kGs1VocHttp}) {
    if (value.substr(0, prefix.size()) == prefix) {
      return std::string(kCompactPrefix) + std::string(value.substr(prefix.size()));
    }
  }
  return std::string(value);
}

std::string LinkTypeUri(std::string_view compact) {
  if (compact.substr(0, kCompactPrefix.size()) != kCompactPrefix) return std::string(compact);
  return std::string(kGs1VocHttps) + std::string(compact.substr(kCompactPrefix.size()));
}

json Linkset(const std::string& anchor, bool lot, const std::vector<std::string>& languages) {
  json set = {{"anchor", anchor}};
  const auto& types = LotLinkTypes();
  const size_t count = lot ? types.size() : 1;  // a GTIN alone: its page of lots
  for (size_t i = 0; i < count; ++i) {
    json link = {{"href", Href(anchor, types[i].compact)},
                 {"title", lot ? types[i].title : "Product: the lots of this GTIN on the chain"},
                 {"type", types[i].type}};
    if (std::string_view(types[i].type) == "text/html") link["hreflang"] = languages;
    set[LinkTypeUri(types[i].compact)] = json::array({link});
  }
  set[LinkTypeUri("gs1:defaultLink")] = set[LinkTypeUri(types[0].compact)];
  return {{"linkset", json::array({std::move(set)})}};
}

std::string LinkHeader(const std::string& anchor, bool lot) {
  std::string header =
      "<" + anchor + "?linkType=all>; rel=\"linkset\"; type=\"application/linkset+json\"";
  const auto& types = LotLinkTypes();
  const size_t count = lot ? types.size() : 1;
  for (size_t i = 0; i < count; ++i) {
    header += ", <" + Href(anchor, types[i].compact) + ">; rel=\"" + LinkTypeUri(types[i].compact) +
              "\"; type=\"" + types[i].type + "\"";
  }
  return header;
}

json ResolverDescription(const std::string& base_url, const std::string& chain_id) {
  json link_types = json::array();
  for (const LinkTypeInfo& t : LotLinkTypes()) link_types.push_back(t.compact);
  return {
      {"name", "AgriTrace node of chain " + chain_id},
      {"resolverRoot", base_url},
      {"supportedPrimaryKeys", json::array({"01"})},
      {"supportedLinkType", json::array({{{"namespace", std::string(kGs1VocHttps)},
                                          {"prefix", std::string(kCompactPrefix)},
                                          {"profile", "https://gs1.org/voc/?show=linktypes"}}})},
      {"linkTypes", std::move(link_types)},
      {"linkTypeDefaultCanBeLinkset", false},
      {"linkTypeDefaultCanBeAll", false},
      {"supportedContextValuesEnumerated", json::array()}};
}

}  // namespace agritrace::node

// GS1 Digital Link resolver descriptions (GS1 Digital Link standard 1.4 and the GS1-Conformant
// Resolver standard 1.1): which link types a lot's URI answers, the RFC 9264 linkset, the HTTP
// `Link` header and /.well-known/gs1resolver. Pure functions; the gateway serves them.
//
// Serving directly rather than redirecting: every link type names a representation this same
// node produces from the chain (page, proof bundle, EPCIS events, certificates, recall status),
// so a 307 to ourselves would only add a round trip on a shop's Wi-Fi and change the URL the
// shopper sees. Each link still has its own URI (the item's URI with ?linkType=...), listed in
// the linkset and the Link header, so a client may fetch any one directly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace agritrace::node {

// The link types a lot answers, in "gs1:" compact form; the first is the default.
struct LinkTypeInfo {
  const char* compact;  // "gs1:pip"
  const char* title;    // English title for the linkset
  const char* type;     // media type of what the link answers
};
const std::vector<LinkTypeInfo>& LotLinkTypes();

// "gs1:pip" for "gs1:pip", "https://gs1.org/voc/pip" or "http://gs1.org/voc/pip"; "all" for
// "all" (and "linkset"); "" for no value. Other values are returned as given.
std::string NormalizeLinkType(std::string_view value);
// "https://gs1.org/voc/pip" for "gs1:pip".
std::string LinkTypeUri(std::string_view compact);

// The linkset of an item: `anchor` is its canonical URI (base + "/" + Digital Link path);
// `languages` the page's languages. A GTIN-only URI (`lot` false) has only its product page.
nlohmann::json Linkset(const std::string& anchor, bool lot,
                       const std::vector<std::string>& languages);
// The same links as an RFC 8288 Link header value, plus rel="linkset" to ?linkType=all.
std::string LinkHeader(const std::string& anchor, bool lot);

// The resolver description served at /.well-known/gs1resolver.
nlohmann::json ResolverDescription(const std::string& base_url, const std::string& chain_id);

}  // namespace agritrace::node

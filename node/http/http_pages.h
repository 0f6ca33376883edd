// HTML the gateway renders around the embedded templates in web/: the product page and the
// plain error pages (unknown lot, malformed key). Pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace agritrace::node {

// "zh" when the Accept-Language header prefers Chinese over English, else "en".
std::string PreferredLanguage(std::string_view accept_language);

std::string HtmlEscape(std::string_view text);

// JSON safe to place inside <script type="application/json">: '<', '>' and '&' are escaped
// so no data can close the script element.
std::string JsonForScript(const nlohmann::json& value);

// The product page: web/index.html with the language and `config` (chain id, validators,
// lot, bundle URL, ...) filled in. The page fetches and verifies the bundle itself.
std::string RenderProductPage(const std::string& lang, const std::string& title,
                              const nlohmann::json& config);

// A small page with a heading and one message, e.g. for 404 and 400; `message` is text.
std::string RenderMessagePage(const std::string& lang, const std::string& title,
                              const std::string& message);

// The page of a GTIN-only Digital Link: the product's lots on the chain, each linking to its
// page. `lots` holds {"lot", "path", "commodity", "variety", "recalled"} objects; `more` says
// the list was cut at its limit.
std::string RenderLotListPage(const std::string& lang, const std::string& gtin,
                              const nlohmann::json& lots, bool more);

}  // namespace agritrace::node

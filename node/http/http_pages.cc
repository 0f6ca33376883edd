#include "node/http/http_pages.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "node/http/web_assets.h"

namespace agritrace::node {
namespace {

// Replaces every "{{KEY}}" in `text`.
void Fill(std::string& text, std::string_view key, const std::string& value) {
  const std::string token = "{{" + std::string(key) + "}}";
  for (size_t pos = text.find(token); pos != std::string::npos;
       pos = text.find(token, pos + value.size())) {
    text.replace(pos, token.size(), value);
  }
}

std::string Template(std::string_view path) {
  const WebAsset* asset = FindWebAsset(path);
  return asset ? std::string(asset->body) : "<!doctype html><title>{{TITLE}}</title>{{MESSAGE}}";
}

// The q-value of one Accept-Language entry such as "zh-CN;q=0.8" (1 when absent).
double Quality(std::string_view entry) {
  size_t q = entry.find(";q=");
  if (q == std::string_view::npos) return 1.0;
  return std::atof(std::string(entry.substr(q + 3)).c_str());
}

}  // namespace

std::string PreferredLanguage(std::string_view header) {
  double best_zh = 0, best_en = 0;
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view entry = header.substr(start, end - start);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    std::string tag;
    for (char c : entry.substr(0, 2)) tag.push_back(static_cast<char>(std::tolower(c)));
    if (tag == "zh") best_zh = std::max(best_zh, Quality(entry));
    if (tag == "en") best_en = std::max(best_en, Quality(entry));
    start = end + 1;
  }
  return best_zh > best_en ? "zh" : "en";
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string JsonForScript(const nlohmann::json& value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out.push_back(c);
  }
  return out;
}

std::string RenderProductPage(const std::string& lang, const std::string& title,
                              const nlohmann::json& config) {
  std::string page = Template("index.html");
  Fill(page, "LANG", lang);
  Fill(page, "TITLE", HtmlEscape(title));
  Fill(page, "CONFIG_JSON", JsonForScript(config));
  return page;
}

std::string RenderMessagePage(const std::string& lang, const std::string& title,
                              const std::string& message) {
  std::string page = Template("message.html");
  Fill(page, "LANG", lang);
  Fill(page, "TITLE", HtmlEscape(title));
  Fill(page, "MESSAGE", HtmlEscape(message));
  return page;
}

std::string RenderLotListPage(const std::string& lang, const std::string& gtin,
                              const nlohmann::json& lots, bool more) {
  const bool zh = lang == "zh";
  std::string list;  // inside the template's <p>: phrasing content only
  for (const auto& lot : lots) {
    std::string what = lot.value("commodity", "");
    if (!lot.value("variety", "").empty()) what += " (" + lot.value("variety", "") + ")";
    list += "<span class=\"lot\"><a href=\"" + HtmlEscape(lot.value("path", "")) + "\">" +
            HtmlEscape(lot.value("lot", "")) + "</a> " + HtmlEscape(what);
    if (lot.value("recalled", false))
      list += zh ? " <strong>已召回</strong>" : " <strong>recalled</strong>";
    list += "</span><br>";
  }
  if (more) list += zh ? "（仅列出部分批次）" : "(more lots exist than are listed)";
  std::string page = Template("message.html");
  Fill(page, "LANG", lang);
  Fill(page, "TITLE", HtmlEscape((zh ? "产品 " : "Product ") + gtin));
  // Every piece of data in `list` is escaped above; the template's message slot takes HTML.
  Fill(page, "MESSAGE", list);
  return page;
}

}  // namespace agritrace::node

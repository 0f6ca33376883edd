// The product page's files (web/), embedded into the binary at build time by
// cmake/embed_web.cmake so that a node serves its page with nothing installed beside it.
#pragma once

#include <string_view>

namespace agritrace::node {

struct WebAsset {
  std::string_view path;          // relative to web/, e.g. "app.js", "vendor/noble.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;
};

// nullptr when there is no such file.
const WebAsset* FindWebAsset(std::string_view path);

}  // namespace agritrace::node

#include "node/http/http_compress.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>

namespace agritrace::node {
namespace {

// zlib's windowBits for a gzip wrapper (15 bits of window + 16).
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kGzipMemLevel = 8;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// True when one Accept-Encoding entry ("br;q=0.5") has a q above zero.
bool Accepted(std::string_view params) {
  const size_t q = params.find("q=");
  if (q == std::string_view::npos) return true;
  const std::string value(Trim(params.substr(q + 2)));
  return std::strtod(value.c_str(), nullptr) > 0;
}

bool Compressible(const std::string& content_type) {
  const std::string type = Lower(content_type.substr(0, content_type.find(';')));
  return type.rfind("text/", 0) == 0 || type == "application/json" ||
         type == "application/javascript" || type == "application/xml" ||
         type == "image/svg+xml" || (type.size() > 5 && type.substr(type.size() - 5) == "+json");
}

std::optional<std::string> Gzip(const std::string& in) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kGzipMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, in.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return out;
}

std::optional<std::string> Brotli(const std::string& in) {
  size_t size = BrotliEncoderMaxCompressedSize(in.size());
  if (size == 0) return std::nullopt;
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(kBrotliQuality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, in.size(),
                             reinterpret_cast<const uint8_t*>(in.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

void AddVaryAcceptEncoding(HttpResponse& res) {
  for (auto& [name, value] : res.headers) {
    if (Lower(name) == "vary") {
      if (Lower(value).find("accept-encoding") == std::string::npos) value += ", Accept-Encoding";
      return;
    }
  }
  res.headers.emplace_back("Vary", "Accept-Encoding");
}

}  // namespace

ContentCoding ChooseCoding(std::string_view accept_encoding) {
  bool gzip = false, brotli = false;
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    const std::string_view entry = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const size_t semicolon = entry.find(';');
    const std::string name = Lower(Trim(entry.substr(0, semicolon)));
    const bool ok = semicolon == std::string_view::npos || Accepted(entry.substr(semicolon + 1));
    if (name == "br") brotli = ok;
    if (name == "gzip") gzip = ok;
  }
  if (brotli) return ContentCoding::kBrotli;
  return gzip ? ContentCoding::kGzip : ContentCoding::kIdentity;
}

void CompressForClient(std::string_view accept_encoding, HttpResponse& res) {
  if (res.status == 204 || res.status == 304 || res.body.size() < kMinCompressBytes ||
      !Compressible(res.content_type)) {
    return;
  }
  for (const auto& [name, value] : res.headers) {
    if (Lower(name) == "content-encoding") return;
  }
  AddVaryAcceptEncoding(res);  // in every form, so a cache keeps the forms apart
  const ContentCoding coding = ChooseCoding(accept_encoding);
  if (coding == ContentCoding::kIdentity) return;
  std::optional<std::string> compressed =
      coding == ContentCoding::kBrotli ? Brotli(res.body) : Gzip(res.body);
  if (!compressed) return;
  res.body = *std::move(compressed);
  res.SetHeader("Content-Encoding", coding == ContentCoding::kBrotli ? "br" : "gzip");
}

}  // namespace agritrace::node

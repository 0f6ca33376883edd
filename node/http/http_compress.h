// Compression of the gateway's answers for clients that accept it (Accept-Encoding): Brotli,
// else gzip, for text, JSON, JavaScript, XML and SVG. A shopper's phone on a poor network is
// the gateway's typical client, and the page's scripts shrink to about a third. The gateway's
// earlier server (cpp-httplib) did the same; this keeps that behaviour. Adds
// "Vary: Accept-Encoding" so a cache in between keeps the forms apart.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "node/http/http_exchange.h"

namespace agritrace::node {

// Brotli quality: 5 compresses the page's scripts within a few percent of the best (11) at a
// small fraction of its CPU, and answers are compressed per request on the worker threads.
inline constexpr int kBrotliQuality = 5;
// Bodies shorter than this are sent as they are (framing would outweigh the saving).
inline constexpr size_t kMinCompressBytes = 256;

enum class ContentCoding { kIdentity, kGzip, kBrotli };

// The coding to answer with, from an Accept-Encoding header ("gzip, deflate, br;q=0.8"):
// br when accepted, else gzip, else identity. A coding listed with q=0 is not accepted.
ContentCoding ChooseCoding(std::string_view accept_encoding);

// For a response whose type is compressible, whose status has a body and whose body is at
// least kMinCompressBytes: adds "Accept-Encoding" to Vary and, when the client accepts br or
// gzip, compresses the body in place and sets Content-Encoding (left uncompressed if
// compression fails).
void CompressForClient(std::string_view accept_encoding, HttpResponse& res);

}  // namespace agritrace::node

// Compression of the gateway's answers: which coding a client gets, what is compressed, and
// that a gzip body inflates back to the original.
#include "node/http/http_compress.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace agritrace::node {
namespace {

std::string Gunzip(const std::string& in) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

HttpResponse Page(std::string type) {
  HttpResponse res;
  res.SetHeader("Vary", "Accept, Accept-Language");
  std::string body;
  for (int i = 0; i < 200; ++i) body += "<li>rice lot " + std::to_string(i) + "</li>\n";
  res.SetBody(body, std::move(type));
  return res;
}

std::string HeaderOf(const HttpResponse& res, const std::string& name) {
  for (const auto& [key, value] : res.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST(HttpCompressTest, PrefersBrotliThenGzipAndHonoursQZero) {
  EXPECT_EQ(ChooseCoding("gzip, deflate, br"), ContentCoding::kBrotli);
  EXPECT_EQ(ChooseCoding("gzip"), ContentCoding::kGzip);
  EXPECT_EQ(ChooseCoding("br;q=0, gzip;q=0.5"), ContentCoding::kGzip);
  EXPECT_EQ(ChooseCoding("GZIP ; q=1"), ContentCoding::kGzip);
  EXPECT_EQ(ChooseCoding("gzip;q=0"), ContentCoding::kIdentity);
  EXPECT_EQ(ChooseCoding("identity"), ContentCoding::kIdentity);
  EXPECT_EQ(ChooseCoding(""), ContentCoding::kIdentity);
}

TEST(HttpCompressTest, GzipBodyInflatesToTheOriginalAndVaryNamesAcceptEncoding) {
  HttpResponse res = Page("text/html; charset=utf-8");
  const std::string original = res.body;
  CompressForClient("gzip", res);
  EXPECT_EQ(HeaderOf(res, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(res, "Vary"), "Accept, Accept-Language, Accept-Encoding");
  EXPECT_LT(res.body.size(), original.size() / 2);
  EXPECT_EQ(Gunzip(res.body), original);
}

TEST(HttpCompressTest, BrotliForClientsThatAcceptIt) {
  HttpResponse res = Page("application/json");
  const size_t original = res.body.size();
  CompressForClient("gzip, deflate, br", res);
  EXPECT_EQ(HeaderOf(res, "Content-Encoding"), "br");
  EXPECT_LT(res.body.size(), original / 2);
}

TEST(HttpCompressTest, LeavesBinaryShortAndUnacceptedBodiesAlone) {
  HttpResponse proto = Page("application/x-protobuf");
  const std::string body = proto.body;
  CompressForClient("gzip, br", proto);
  EXPECT_EQ(proto.body, body);
  EXPECT_EQ(HeaderOf(proto, "Content-Encoding"), "");

  HttpResponse small;
  small.SetBody("ok\n", "text/plain");
  CompressForClient("gzip", small);
  EXPECT_EQ(small.body, "ok\n");

  HttpResponse plain = Page("text/html");
  CompressForClient("", plain);
  EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");
  EXPECT_EQ(HeaderOf(plain, "Vary"), "Accept, Accept-Language, Accept-Encoding");
}

}  // namespace
}  // namespace agritrace::node

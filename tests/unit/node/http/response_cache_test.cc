// ResponseCache and MayCache (node/http/response_cache.h): what may be kept, entries served only
// at their epoch, a newer epoch dropping the older entries, and the bounds. The server's use of
// the cache (bytes on the wire, HEAD, rate limits) is in http_cache_test.cc.
#include "node/http/response_cache.h"

#include <gtest/gtest.h>

namespace agritrace::node {
namespace {

HttpResponse Cacheable(std::string vary = "Accept, Accept-Language") {
  HttpResponse res;
  res.SetBody("<html></html>", "text/html; charset=utf-8");
  if (!vary.empty()) res.SetHeader("Vary", std::move(vary));
  res.cacheable = true;
  return res;
}

std::shared_ptr<const CachedResponse> Entry(uint64_t epoch, size_t body_bytes = 10) {
  auto entry = std::make_shared<CachedResponse>();
  entry->epoch = epoch;
  entry->head_keep_alive = "HTTP/1.1 200 OK\r\n\r\n";
  entry->head_close = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
  entry->body.assign(body_bytes, 'x');
  return entry;
}

TEST(MayCacheTest, OnlyMarkedOkResponsesVaryingByTheKeyHeaders) {
  EXPECT_TRUE(MayCache(Cacheable()));
  EXPECT_TRUE(MayCache(Cacheable("")));
  EXPECT_TRUE(MayCache(Cacheable("accept,ACCEPT-ENCODING ,  Accept-Language")));
  HttpResponse unmarked = Cacheable();
  unmarked.cacheable = false;
  EXPECT_FALSE(MayCache(unmarked));
  HttpResponse not_found = Cacheable();
  not_found.status = 404;
  EXPECT_FALSE(MayCache(not_found));
  EXPECT_FALSE(MayCache(Cacheable("Accept, Cookie")));
  EXPECT_FALSE(MayCache(Cacheable("*")));
  HttpResponse huge = Cacheable();
  huge.body.assign(kMaxCachedResponseBodyBytes + 1, 'x');
  EXPECT_FALSE(MayCache(huge));
}

TEST(ResponseCacheTest, ServesAnEntryOnlyAtItsEpoch) {
  ResponseCache cache;
  cache.Put("/a\n\n\n", Entry(7));
  EXPECT_NE(cache.Find("/a\n\n\n", 7), nullptr);
  EXPECT_EQ(cache.Find("/a\n\n\n", 8), nullptr);
  EXPECT_EQ(cache.Find("/b\n\n\n", 7), nullptr);
}

TEST(ResponseCacheTest, ANewerEpochDropsTheOlderEntriesAndAnOlderOneIsNotKept) {
  ResponseCache cache;
  cache.Put("a", Entry(1));
  cache.Put("b", Entry(1));
  EXPECT_EQ(cache.size(), 2u);
  cache.Put("c", Entry(2));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Find("a", 1), nullptr);
  cache.Put("a", Entry(1));  // made before the tip moved: never served, so not kept
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Find("a", 1), nullptr);
  cache.Put("c", Entry(2, 20));  // replaced, its bytes counted once
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), Entry(2, 20)->bytes() + 1);
}

TEST(ResponseCacheTest, StaysWithinItsBounds) {
  ResponseCache by_count(3, 1 << 20);
  for (int i = 0; i < 10; ++i) {
    by_count.Put("k" + std::to_string(i), Entry(1));
    EXPECT_LE(by_count.size(), 3u);
  }
  EXPECT_NE(by_count.Find("k9", 1), nullptr);
  const size_t one = Entry(1, 100)->bytes() + 2;
  ResponseCache by_bytes(100, 3 * one);
  for (int i = 0; i < 10; ++i) {
    by_bytes.Put("k" + std::to_string(i), Entry(1, 100));
    EXPECT_LE(by_bytes.bytes(), 3 * one);
  }
  by_bytes.Put("big", Entry(1, 4 * one));  // larger than the whole cache: not kept
  EXPECT_EQ(by_bytes.Find("big", 1), nullptr);
  EXPECT_NE(by_bytes.Find("k9", 1), nullptr);
}

}  // namespace
}  // namespace agritrace::node

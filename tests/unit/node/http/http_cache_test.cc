// GuardedHttpServer with its response cache (response_cache.h), over raw sockets: a response a
// handler marks cacheable is sent again byte for byte without the handler, also to HEAD and to a
// request that closes; a new epoch, another Accept or an unmarked response runs the handler; the
// bytes equal those of a server without a cache; the rate limit still applies.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "node/http/http_guard.h"

namespace agritrace::node {
namespace {

int Connect(const char* source, int port) {
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source, &from.sin_addr);
  EXPECT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&from), sizeof from), 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  EXPECT_EQ(::connect(sock, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  timeval timeout{5, 0};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return sock;
}

// Sends `request` and reads one whole response (its Content-Length of body unless `head`).
std::string Exchange(int sock, const std::string& request, bool head = false) {
  EXPECT_EQ(::send(sock, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  size_t want = std::string::npos;
  while (out.size() < want) {
    const ssize_t n = ::recv(sock, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, n);
    const size_t end = out.find("\r\n\r\n");
    if (want == std::string::npos && end != std::string::npos) {
      const size_t at = out.find("Content-Length: ");
      const size_t length = at < end ? std::stoul(out.substr(at + 16)) : 0;
      want = end + 4 + (head ? 0 : length);
    }
  }
  return out;
}

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

bool ClosedByServer(int sock) {
  char c;
  return ::recv(sock, &c, 1, 0) == 0;
}

class HttpCacheTest : public ::testing::Test {
 protected:
  // /page: cacheable, varies by Accept; its body counts the handler's calls. /plain: not.
  HttpResponse Handle(const HttpRequest& req) {
    const int n = ++calls_;
    HttpResponse res;
    res.SetHeader("Vary", "Accept");
    res.SetHeader("Link", "</page?linkType=all>; rel=\"linkset\"");
    res.SetBody("call " + std::to_string(n) + " for " + req.Header("Accept") + "\n",
                "text/html; charset=utf-8");
    res.cacheable = req.target == "/page";
    return res;
  }

  std::unique_ptr<GuardedHttpServer> Serve(bool cache, double rate = 0) {
    GuardedHttpServer::Options options;
    options.io_threads = 1;
    options.handler_threads = 2;
    options.limit_loopback = true;
    options.requests_per_second = rate;
    options.burst_requests = rate;
    if (cache) options.cache_epoch = [this] { return epoch_.load(); };
    auto server = std::make_unique<GuardedHttpServer>(
        options, [this](const HttpRequest& req) { return Handle(req); });
    EXPECT_TRUE(server->Bind("127.0.0.1", 0).ok());
    server->Start();
    return server;
  }

  std::atomic<int> calls_{0};
  std::atomic<uint64_t> epoch_{5};
};

TEST_F(HttpCacheTest, SendsACachedResponseAgainByteForByteWithoutTheHandler) {
  auto server = Serve(true);
  int sock = Connect("127.0.0.1", server->port());
  const std::string first = Exchange(sock, Get("/page"));
  EXPECT_EQ(first.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << first;
  EXPECT_NE(first.find("call 1 for \n"), std::string::npos) << first;
  EXPECT_EQ(Exchange(sock, Get("/page")), first);
  EXPECT_EQ(Exchange(sock, Get("/page", "X-Other: 1\r\n")), first);  // not in the key
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(server->cached_responses(), 1u);
  // HEAD: the same head, no body, still no handler.
  const std::string head = Exchange(sock, "HEAD /page HTTP/1.1\r\nHost: x\r\n\r\n", true);
  EXPECT_EQ(head, first.substr(0, first.find("\r\n\r\n") + 4));
  EXPECT_EQ(calls_.load(), 1);
  // A request that closes gets the same body with "Connection: close", then the close.
  const std::string closing = Exchange(sock, Get("/page", "Connection: close\r\n"));
  EXPECT_NE(closing.find("\r\nConnection: close\r\n"), std::string::npos) << closing;
  EXPECT_EQ(closing.substr(closing.find("\r\n\r\n")), first.substr(first.find("\r\n\r\n")));
  EXPECT_TRUE(ClosedByServer(sock));
  ::close(sock);
  EXPECT_EQ(calls_.load(), 1);
}

TEST_F(HttpCacheTest, ANewEpochAnotherAcceptOrAnUnmarkedResponseRunsTheHandler) {
  auto server = Serve(true);
  int sock = Connect("127.0.0.1", server->port());
  EXPECT_NE(Exchange(sock, Get("/page")).find("call 1 for \n"), std::string::npos);
  const std::string json = Exchange(sock, Get("/page", "Accept: application/json\r\n"));
  EXPECT_NE(json.find("call 2 for application/json\n"), std::string::npos) << json;
  EXPECT_NE(Exchange(sock, Get("/page")).find("call 1 for \n"), std::string::npos);
  ++epoch_;  // the tip moved
  EXPECT_NE(Exchange(sock, Get("/page")).find("call 3 for \n"), std::string::npos);
  EXPECT_NE(Exchange(sock, Get("/page")).find("call 3 for \n"), std::string::npos);
  EXPECT_NE(Exchange(sock, Get("/plain")).find("call 4 for"), std::string::npos);
  EXPECT_NE(Exchange(sock, Get("/plain")).find("call 5 for"), std::string::npos);
  ::close(sock);
  EXPECT_EQ(server->cached_responses(), 1u);  // the older epoch's entries were dropped
}

TEST_F(HttpCacheTest, CachedBytesEqualThoseOfAServerWithoutACache) {
  auto cached = Serve(true);
  int sock = Connect("127.0.0.1", cached->port());
  Exchange(sock, Get("/page"));
  const std::string hit = Exchange(sock, Get("/page"));
  ::close(sock);
  calls_ = 0;
  auto plain = Serve(false);
  sock = Connect("127.0.0.1", plain->port());
  EXPECT_EQ(Exchange(sock, Get("/page")), hit);
  const std::string close_plain = Exchange(sock, Get("/page", "Connection: close\r\n"));
  ::close(sock);
  EXPECT_EQ(plain->cached_responses(), 0u);
  sock = Connect("127.0.0.1", cached->port());
  const std::string close_cached = Exchange(sock, Get("/page", "Connection: close\r\n"));
  ::close(sock);
  EXPECT_EQ(close_cached.substr(0, close_cached.find("call")),
            close_plain.substr(0, close_plain.find("call")));
}

TEST_F(HttpCacheTest, TheRateLimitAppliesToCachedAnswers) {
  auto server = Serve(true, /*rate=*/3);
  int ok = 0, limited = 0;
  for (int i = 0; i < 15; ++i) {
    int sock = Connect("127.0.0.8", server->port());
    const std::string response = Exchange(sock, Get("/page", "Connection: close\r\n"));
    ::close(sock);
    ok += response.rfind("HTTP/1.1 200", 0) == 0;
    limited += response.rfind("HTTP/1.1 429", 0) == 0;
  }
  EXPECT_GE(ok, 3);
  EXPECT_LE(ok, 6);
  EXPECT_EQ(ok + limited, 15);
  EXPECT_EQ(calls_.load(), 1);
}

}  // namespace
}  // namespace agritrace::node

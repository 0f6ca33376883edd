// GuardedHttpServer on 127.0.0.1 with raw sockets from several loopback source addresses:
// per-address and total connection caps, whole-request read deadline (slowloris), idle
// connections that hold no thread, header and body size limits, HEAD, and the per-address
// request rate limit (429 with Retry-After).
#include "node/http/http_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

namespace agritrace::node {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A client socket from `source` (any 127.0.0.0/8 address) to 127.0.0.1:port.
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

void Send(int sock, const std::string& data) {
  ASSERT_EQ(::send(sock, data.data(), data.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(data.size()));
}

// Everything until the server closes (or 5 s pass).
std::string ReadAll(int sock) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(sock, buf, sizeof buf, 0)) > 0;) out.append(buf, n);
  return out;
}

// True once the server has closed `sock` (what it sent before is discarded).
bool ReadAllNonBlocking(int sock) {
  char buf[4096];
  while (true) {
    const ssize_t n = ::recv(sock, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

std::string Request(const char* source, int port, const std::string& request) {
  int sock = Connect(source, port);
  Send(sock, request);
  std::string response = ReadAll(sock);
  ::close(sock);
  return response;
}

constexpr char kGet[] = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

// Answers /hello with "hi"; anything else 404.
HttpResponse Hello(const HttpRequest& req) {
  HttpResponse res;
  if (req.target != "/hello") {
    res.status = 404;
    res.SetBody("no\n", "text/plain");
    return res;
  }
  res.SetHeader("Vary", "Accept");
  res.SetBody("hi\n", "text/plain");
  return res;
}

class HttpGuardTest : public ::testing::Test {
 protected:
  void Start(GuardedHttpServer::Options options) {
    options.limit_loopback = true;  // the tests' clients are all on loopback
    server_ = std::make_unique<GuardedHttpServer>(options, Hello);
    ASSERT_TRUE(server_->Bind("127.0.0.1", 0).ok());
    port_ = server_->port();
    ASSERT_GT(port_, 0);
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  static GuardedHttpServer::Options Defaults() {
    GuardedHttpServer::Options options;
    options.io_threads = 1;
    options.handler_threads = 2;
    options.connections_per_address = 2;
    options.read_timeout = milliseconds(500);
    options.max_request_bytes = 1024;
    return options;
  }

  std::unique_ptr<GuardedHttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpGuardTest, ServesAnOrdinaryRequest) {
  Start(Defaults());
  EXPECT_EQ(Request("127.0.0.1", port_, kGet).rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(HttpGuardTest, SlowClientsAreCappedPerAddressAndCutOffWhileOthersAreServed) {
  Start(Defaults());
  // Two slowloris connections from 127.0.0.2 take their address's share of workers ...
  int slow1 = Connect("127.0.0.2", port_), slow2 = Connect("127.0.0.2", port_);
  Send(slow1, "G");
  Send(slow2, "G");
  std::this_thread::sleep_for(milliseconds(100));
  // ... a third from the same address is refused at once ...
  const std::string third = Request("127.0.0.2", port_, kGet);
  EXPECT_EQ(third.rfind("HTTP/1.1 429", 0), 0u) << third;
  EXPECT_NE(third.find("Retry-After: 1"), std::string::npos);
  // ... while another address is served at once.
  const auto start = Clock::now();
  EXPECT_EQ(Request("127.0.0.3", port_, kGet).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_LT(Clock::now() - start, milliseconds(300));
  // Trickling a byte every 100 ms does not keep a connection past the 500 ms request deadline.
  const auto opened = Clock::now();
  bool closed = false;
  for (int i = 0; i < 30 && !closed; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    closed = ::send(slow1, "E", 1, MSG_NOSIGNAL) < 0 || ReadAllNonBlocking(slow1);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - opened, milliseconds(1500));
  ::close(slow1);
  ::close(slow2);
}

TEST_F(HttpGuardTest, OversizedHeadersGet400AndAnOversizedBodyGets413) {
  Start(Defaults());
  std::string headers = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  for (int i = 0; i < 100; ++i) {
    headers += "X-Pad-" + std::to_string(i) + ": " + std::string(300, 'a') + "\r\n";
  }
  const std::string big_headers = Request("127.0.0.1", port_, headers + "\r\n");
  EXPECT_EQ(big_headers.rfind("HTTP/1.1 400", 0), 0u) << big_headers.substr(0, 40);
  const std::string long_line = Request(
      "127.0.0.1", port_,
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(9000, 'a') + "\r\n\r\n");
  EXPECT_EQ(long_line.rfind("HTTP/1.1 400", 0), 0u) << long_line.substr(0, 40);
  const std::string body(2048, 'b');
  const std::string big_body = Request(
      "127.0.0.1", port_,
      "POST /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2048\r\n\r\n" + body);
  EXPECT_EQ(big_body.rfind("HTTP/1.1 413", 0), 0u) << big_body.substr(0, 40);
}

TEST_F(HttpGuardTest, AnswersHeadWithTheLengthOfTheGetAndNoBody) {
  Start(Defaults());
  const std::string head =
      Request("127.0.0.1", port_, "HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: 3\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Vary: Accept\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << head;  // headers only
}

TEST_F(HttpGuardTest, ServesKeepAliveRequestsOnOneConnection) {
  Start(Defaults());
  int sock = Connect("127.0.0.1", port_);
  Send(sock, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n"
             "Connection: close\r\n\r\n");
  const std::string both = ReadAll(sock);
  ::close(sock);
  EXPECT_EQ(both.rfind("HTTP/1.1 200", 0), 0u) << both;
  EXPECT_NE(both.find("HTTP/1.1 200", 10), std::string::npos) << both;
}

// Idle and trickling connections hold no thread: with one event-loop thread and two workers,
// 200 of them from 20 addresses are all held open while another address is answered at once.
TEST_F(HttpGuardTest, HundredsOfSlowConnectionsHoldNoThread) {
  auto options = Defaults();
  options.connections_per_address = 10;
  options.read_timeout = milliseconds(30'000);
  options.idle_timeout = milliseconds(30'000);
  Start(options);
  std::vector<int> slow;
  for (int a = 0; a < 20; ++a) {
    const std::string source = "127.0.1." + std::to_string(a + 1);
    for (int i = 0; i < 10; ++i) {
      slow.push_back(Connect(source.c_str(), port_));
      Send(slow.back(), "GET /hel");
    }
  }
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (server_->active_connections() < slow.size() && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(server_->active_connections(), slow.size());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Request("127.0.0.3", port_, kGet).rfind("HTTP/1.1 200", 0), 0u);
  }
  // An eleventh connection from a slow address is refused; the held ones are still open.
  const std::string eleventh = Request("127.0.1.1", port_, kGet);
  EXPECT_EQ(eleventh.rfind("HTTP/1.1 429", 0), 0u) << eleventh;
  for (int sock : slow) EXPECT_FALSE(ReadAllNonBlocking(sock));
  for (int sock : slow) ::close(sock);
}

TEST_F(HttpGuardTest, ConnectionsBeyondTheTotalCapGet503) {
  auto options = Defaults();
  options.max_connections = 3;
  options.connections_per_address = 10;
  Start(options);
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(Connect("127.0.0.6", port_));
    Send(held.back(), "G");
  }
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (server_->active_connections() < 3 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  const std::string refused = Request("127.0.0.7", port_, kGet);
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_NE(refused.find("http.max_connections"), std::string::npos) << refused;
  for (int sock : held) ::close(sock);
}

TEST_F(HttpGuardTest, AFloodFromOneAddressGets429WithRetryAfter) {
  auto options = Defaults();
  options.requests_per_second = 2;
  options.burst_requests = 5;
  Start(options);
  int ok = 0, limited = 0;
  std::string refusal;
  for (int i = 0; i < 20; ++i) {
    const std::string response = Request("127.0.0.4", port_, kGet);
    if (response.rfind("HTTP/1.1 200", 0) == 0) ++ok;
    if (response.rfind("HTTP/1.1 429", 0) == 0) {
      ++limited;
      refusal = response;
    }
  }
  EXPECT_GE(ok, 5);
  EXPECT_LE(ok, 7);
  EXPECT_EQ(ok + limited, 20);
  EXPECT_NE(refusal.find("Retry-After: "), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("http.client_requests_per_second"), std::string::npos) << refusal;
  EXPECT_EQ(Request("127.0.0.5", port_, kGet).rfind("HTTP/1.1 200", 0), 0u);  // others unaffected
}

}  // namespace
}  // namespace agritrace::node

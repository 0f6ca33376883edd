// agritrace-hostile-client: a misbehaving client of the Ledger API and of the HTTP gateway,
// for tests/integration/hostile_clients_test.sh and slow_clients_test.sh.
//   agritrace-hostile-client oversized ADDR BYTES   one SubmitRecord carrying BYTES of body
//   agritrace-hostile-client flood ADDR CALLS       CALLS Status calls back to back
//   agritrace-hostile-client slow PORT CONNECTIONS FIRST_SOURCE SOURCES SECONDS INTERVAL_MS
//       holds CONNECTIONS connections to 127.0.0.1:PORT, the i-th bound to source address
//       FIRST_SOURCE + (i % SOURCES) (e.g. 127.0.0.2 and 100: 127.0.0.2 to 127.0.0.101), each
//       dribbling an HTTP request that never ends (one byte every INTERVAL_MS), for SECONDS;
//       a connection the server closes or answers is opened again at once.
// Prints one line per outcome ("CODE message", "ok=N refused=M last=MESSAGE", or for slow
// "ready open=N" once every connection is open, then a summary) and exits 0 once the node
// answered at all; the script checks the words.
#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "agritrace/v1/ledger.grpc.pb.h"

namespace {

using agritrace::v1::Ledger;

constexpr int kClientMaxMessageBytes = 256 * 1024 * 1024;  // never the client's limit
constexpr auto kDeadline = std::chrono::seconds(20);

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    default: return "OTHER";
  }
}

std::unique_ptr<Ledger::Stub> Connect(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(kClientMaxMessageBytes);
  args.SetMaxReceiveMessageSize(kClientMaxMessageBytes);
  return Ledger::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

int Oversized(const std::string& address, size_t bytes) {
  auto stub = Connect(address);
  agritrace::v1::SubmitRecordRequest request;
  request.mutable_envelope()->set_body(std::string(bytes, '\x01'));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
  agritrace::v1::SubmitRecordResponse response;
  grpc::Status status = stub->SubmitRecord(&context, request, &response);
  std::cout << CodeName(status.error_code()) << " " << status.error_message() << "\n";
  return 0;
}

int Flood(const std::string& address, int calls) {
  auto stub = Connect(address);
  int ok = 0, refused = 0, other = 0;
  std::string last;
  for (int i = 0; i < calls; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kDeadline);
    agritrace::v1::StatusResponse response;
    grpc::Status status = stub->Status(&context, agritrace::v1::StatusRequest(), &response);
    if (status.ok()) {
      ++ok;
    } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      last = status.error_message();
    } else {
      ++other;
      last = std::string(CodeName(status.error_code())) + " " + status.error_message();
    }
  }
  std::cout << "ok=" << ok << " refused=" << refused << " other=" << other << " last=" << last
            << "\n";
  return 0;
}

// ---- slow: connections that never finish their request.

using SteadyClock = std::chrono::steady_clock;

// The request each slow connection sends a byte at a time: headers that never end.
const std::string kSlowRequest = "GET /healthz HTTP/1.1\r\nHost: shop\r\nX-Slow: ";

struct SlowConnection {
  int fd = -1;
  size_t sent = 0;
};

// A blocking connect from `source` to 127.0.0.1:port, then non-blocking; -1 on failure.
int ConnectFrom(uint32_t source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(source);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Sends the next byte of the endless request; false when the connection is gone.
bool Dribble(SlowConnection& c) {
  const char byte = c.sent < kSlowRequest.size() ? kSlowRequest[c.sent] : 'a';
  if (::send(c.fd, &byte, 1, MSG_NOSIGNAL) != 1) return false;
  ++c.sent;
  return true;
}

struct SlowCounts {
  size_t opened = 0, connect_failures = 0, cut = 0;
  std::map<std::string, size_t> answered;  // status code -> connections answered with it
};

// Reads what the server sent on `c`; false when it answered or closed (counted).
bool StillHeld(SlowConnection& c, SlowCounts& counts) {
  char buf[512];
  const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
  if (n > 12 && std::strncmp(buf, "HTTP/1.", 7) == 0) {
    ++counts.answered[std::string(buf + 9, 3)];
  } else {
    ++counts.cut;
  }
  return false;
}

int Slow(int port, size_t connections, const std::string& first_source, uint32_t sources,
         int seconds, int interval_ms) {
  in_addr first{};
  if (inet_pton(AF_INET, first_source.c_str(), &first) != 1 || sources == 0) {
    std::cerr << "slow: FIRST_SOURCE must be an IPv4 address and SOURCES at least 1\n";
    return 2;
  }
  const uint32_t base = ntohl(first.s_addr);
  std::vector<SlowConnection> held(connections);
  SlowCounts counts;
  auto open = [&](size_t i) {
    held[i].fd = ConnectFrom(base + static_cast<uint32_t>(i % sources), port);
    held[i].sent = 0;
    if (held[i].fd < 0) {
      ++counts.connect_failures;
      return;
    }
    ++counts.opened;
    if (!Dribble(held[i])) {
      ::close(held[i].fd);
      held[i].fd = -1;
    }
  };
  for (size_t i = 0; i < connections; ++i) open(i);
  size_t open_now = 0;
  for (const auto& c : held) open_now += c.fd >= 0;
  std::cout << "ready open=" << open_now << std::endl;
  const auto end = SteadyClock::now() + std::chrono::seconds(seconds);
  auto next_byte = SteadyClock::now() + std::chrono::milliseconds(interval_ms);
  size_t min_open = open_now;
  while (SteadyClock::now() < end) {
    std::vector<pollfd> fds;
    for (const auto& c : held) fds.push_back({c.fd, POLLIN, 0});
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min(next_byte, end) - SteadyClock::now());
    ::poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(0, wait.count())));
    for (size_t i = 0; i < held.size(); ++i) {
      if (held[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
          !StillHeld(held[i], counts)) {
        ::close(held[i].fd);
        held[i].fd = -1;
      }
    }
    if (SteadyClock::now() >= next_byte) {
      next_byte += std::chrono::milliseconds(interval_ms);
      open_now = 0;
      for (auto& c : held) {
        if (c.fd >= 0 && !Dribble(c)) {
          ::close(c.fd);
          c.fd = -1;
          ++counts.cut;
        }
        open_now += c.fd >= 0;
      }
      min_open = std::min(min_open, open_now);
    }
    for (size_t i = 0; i < held.size(); ++i) {
      if (held[i].fd < 0) open(i);
    }
  }
  std::cout << "connections=" << connections << " opened=" << counts.opened
            << " min_open=" << min_open << " cut=" << counts.cut
            << " connect_failures=" << counts.connect_failures;
  for (const auto& [code, n] : counts.answered) std::cout << " answered_" << code << "=" << n;
  std::cout << std::endl;
  for (auto& c : held) {
    if (c.fd >= 0) ::close(c.fd);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc == 4 && mode == "oversized") return Oversized(argv[2], std::strtoull(argv[3], nullptr, 10));
  if (argc == 4 && mode == "flood") return Flood(argv[2], std::atoi(argv[3]));
  if (argc == 8 && mode == "slow") {
    return Slow(std::atoi(argv[2]), std::strtoull(argv[3], nullptr, 10), argv[4],
                static_cast<uint32_t>(std::strtoul(argv[5], nullptr, 10)), std::atoi(argv[6]),
                std::atoi(argv[7]));
  }
  std::cerr << "usage: agritrace-hostile-client oversized ADDR BYTES | flood ADDR CALLS | slow "
               "PORT CONNECTIONS FIRST_SOURCE SOURCES SECONDS INTERVAL_MS\n";
  return 2;
}

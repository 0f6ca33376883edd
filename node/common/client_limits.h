// Limits on what a client of the gRPC API or the HTTP gateway can make the node spend.
// Each bounds memory, threads or CPU one client (or many) can take from the others and from
// block production. Local policy, not protocol. Values operators tune are node.toml keys (see
// NodeConfig); the rest are named here with the reason for their value.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "chain/base/limits.h"
#include "node/common/peer_limits.h"

namespace agritrace::node {

// ---- gRPC: one server carries both agritrace.v1.Ledger (clients) and agritrace.v1.Peer
// (validators and observers). gRPC's message limits are per server, not per service, so:

// The transport limit for received messages must admit a peer's largest message (a proposal
// or sync batch carries whole blocks); grpc.max_message_bytes may raise it, never lower it.
inline constexpr size_t kMinGrpcMaxMessageBytes = kMaxPeerMessageBytes;
// Ledger requests are far smaller: the largest is a SubmitRecords batch of
// kMaxSubmitBatchRecords envelopes. The Ledger guard refuses anything bigger with
// RESOURCE_EXHAUSTED before decoding it (it sees the raw bytes first).
inline constexpr size_t kMaxLedgerRequestBytes =
    chain::kMaxSubmitBatchRecords * (chain::kMaxEnvelopeBytes + 16) + 64 * 1024;
// The send limit equals the receive limit: GetBlock answers with a whole block, and the Peer
// service sends the same blocks it may receive.

// A rate-limit token buys one call plus this many request bytes, so one 16 MiB batch costs
// as much as 257 small calls: big requests cannot slip through a per-call budget.
inline constexpr size_t kLedgerBytesPerToken = 64 * 1024;
// Ledger calls in progress at once, over all clients. Every sync gRPC call holds a thread;
// this cap (below kGrpcMaxThreads) keeps threads free for peer sessions, so a client flood
// never starves consensus of its gossip.
inline constexpr size_t kMaxLedgerCallsInFlight = 256;
// Ledger calls in progress at once from one client address (waiting submits hold theirs for
// up to grpc.submit_wait_max_ms). Above the load generator's 32 submitting threads.
inline constexpr size_t kMaxLedgerCallsInFlightPerClient = 64;
// Committed evidence entries one Ledger.ListEvidence answer holds (about 500 bytes each):
// every offence of an equivocating validator over many heights, a bounded reply.
inline constexpr size_t kMaxListedEvidence = 1000;
// Client addresses whose rate-limit state is remembered (least recently seen is forgotten).
inline constexpr size_t kMaxRateLimitedClients = 10'000;
// Threads the gRPC server may run: every peer session (a long bidi stream holds one), every
// peer stream still in its handshake (capped by PeerNetwork), every admitted Ledger call, and
// a few pollers. Beyond it gRPC answers RESOURCE_EXHAUSTED itself.
inline constexpr int kGrpcMaxThreads =
    static_cast<int>(kMaxPeerSessions + kMaxPendingHandshakes + kMaxLedgerCallsInFlight + 32);
// Concurrent streams on one HTTP/2 connection. A wallet uses one, a peer one, the load
// generator up to its thread count; more streams queue in the client, they do not fail.
inline constexpr int kGrpcMaxConcurrentStreams = 100;
// Keepalive. The server pings a connection idle this long and drops it when the ping is not
// answered in time: a peer whose host vanished frees its session and thread.
inline constexpr std::chrono::milliseconds kGrpcKeepaliveTime{60'000};
inline constexpr std::chrono::milliseconds kGrpcKeepaliveTimeout{20'000};
// Clients may ping at most this often while no data flows, and never on a connection with no
// calls; more than kGrpcMaxPingStrikes bad pings and the connection is closed (GOAWAY).
inline constexpr std::chrono::milliseconds kGrpcMinClientPingInterval{10'000};
inline constexpr int kGrpcMaxPingStrikes = 2;
// A connection with no call for this long is closed (a peer always has its stream open).
inline constexpr std::chrono::milliseconds kGrpcMaxConnectionIdle{5 * 60'000};
// Connections are recycled after this age (gRPC adds +-10% jitter) ...
inline constexpr std::chrono::milliseconds kGrpcMaxConnectionAge{60 * 60'000};
// ... and calls still open on them get this long to finish: longer than any waiting submit
// (grpc.submit_wait_max_ms, at most kMaxSubmitWaitMs); a peer session simply redials.
inline constexpr std::chrono::milliseconds kGrpcMaxConnectionAgeGrace{10 * 60'000};
// The server-side bound on the longest Ledger call (a submit waiting for its commit): the
// config's grpc.submit_wait_max_ms may not exceed it, whatever the client asks.
inline constexpr uint32_t kMaxSubmitWaitMs = 5 * 60'000;
static_assert(std::chrono::milliseconds(kMaxSubmitWaitMs) < kGrpcMaxConnectionAgeGrace);
static_assert(kMaxLedgerRequestBytes < kMinGrpcMaxMessageBytes);
static_assert(kMaxLedgerCallsInFlightPerClient <= kMaxLedgerCallsInFlight);

// ---- HTTP gateway (Boost.Beast on Asio: connections wait on an event loop, not on threads;
// only a request that arrived whole takes a worker thread, see node/http/http_guard.h).

// Event-loop threads. Parsing and writing are cheap next to the handlers' store reads, and two
// keep the loop answering while one is busy with a large write or a burst of accepts.
inline constexpr size_t kHttpIoThreads = 2;
// Connections open at once (http.max_connections); beyond it a new connection gets 503 and is
// closed at once. Each costs a socket and at most its header + body limits of buffer (an idle
// one a few hundred bytes), so 4096 bound the gateway's memory to about 320 MiB in the worst
// case (every connection mid-way through a maximal request) and to a few MiB when idle.
inline constexpr size_t kDefaultHttpMaxConnections = 4096;
// Connections from one address open at once; more are answered 429 at once and closed, so
// one host cannot take every connection slot.
inline constexpr size_t kDefaultHttpConnectionsPerAddress = 8;
// Whole requests waiting for a worker; beyond this they get 503 (a burst larger than this
// waiting behind slow store reads would only time out at the client).
inline constexpr size_t kMaxHttpQueuedRequests = 256;
// Connections the kernel queues before the gateway accepts them.
inline constexpr int kHttpListenBacklog = 512;
// Requests on one keep-alive connection, and how long a connection may sit idle (before a
// request's first byte) before it is closed.
inline constexpr size_t kHttpKeepAliveMaxRequests = 1000;  // as nginx's keepalive_requests default
inline constexpr std::chrono::milliseconds kHttpKeepAliveTimeout{2'000};
// Request line + headers of one request; beyond it the client gets 400 and the connection
// closes. (The body's limit is http.max_request_bytes: 413.)
inline constexpr size_t kMaxHttpHeaderBytes = 16 * 1024;
// One line of them (the request line, or one header field): beyond it, 400 and closed. The
// limit cpp-httplib had (8 KiB), so no client that worked before is refused now, and no single
// field takes the whole header budget.
inline constexpr size_t kMaxHttpHeaderLineBytes = 8 * 1024;
static_assert(kMaxHttpHeaderLineBytes <= kMaxHttpHeaderBytes);
// Addresses whose HTTP rate-limit state is remembered.
inline constexpr size_t kMaxHttpRateLimitedClients = 10'000;
// After an error answer (400, 413) the gateway stops sending and reads (and drops) what the
// client is still sending, at most this long and this much, before closing: closing with
// unread data would reset the connection and could lose the answer at the client.
inline constexpr std::chrono::milliseconds kHttpLingerTimeout{1'000};
inline constexpr size_t kMaxHttpLingerBytes = 256 * 1024;
// A connection refused at once (429, 503) is read from this long before closing, for the
// same reason.
inline constexpr std::chrono::milliseconds kHttpRefuseDrainWait{50};
// When accept fails for want of file descriptors, the gateway waits this long before trying
// again (rather than spinning); the node raises its descriptor limit at start.
inline constexpr std::chrono::milliseconds kHttpAcceptRetryDelay{100};

}  // namespace agritrace::node

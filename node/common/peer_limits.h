// Limits of the peer network. Each bounds memory, CPU or bandwidth a peer can make us spend.
// They are local policy, not protocol: nodes may differ, though a message larger than a peer
// accepts is dropped by it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "chain/base/limits.h"

namespace agritrace::node {

// Largest peer message: a sync batch or a proposal carries whole blocks.
inline constexpr size_t kMaxPeerMessageBytes = chain::kMaxBlockBytes + 1024 * 1024;
// Messages queued for one peer's writer; a peer that falls this far behind is disconnected
// (it catches up by sync on reconnect) rather than letting the queue grow without bound.
inline constexpr size_t kMaxPeerSendQueue = 4096;
// Bytes queued for one peer; the same reasoning, for a few huge messages.
inline constexpr size_t kMaxPeerSendQueueBytes = 128 * 1024 * 1024;
// Messages a peer may send per second on average, with bursts up to kPeerBurstMessages.
// Generous for honest gossip at hundreds of records per second, small enough to stop a flood.
// A peer that exceeds it is banned: honest senders pace their own writes to kPeerSendPacing
// of it (the excess waits in the send queue), so only a peer ignoring the protocol trips it.
inline constexpr double kPeerMessagesPerSecond = 2000;
inline constexpr double kPeerBurstMessages = 8000;
// The fraction of the receive limit an honest sender uses; the rest absorbs network jitter
// (messages sent apart may arrive together).
inline constexpr double kPeerSendPacing = 0.9;
// Sessions at once (inbound + outbound), well above 2 * (validators + observers).
inline constexpr size_t kMaxPeerSessions = 2 * chain::kMaxValidators + 64;
// Sessions with one node key at once: its dial to us and ours to it. More would multiply the
// per-session rate limit and let one listed key fill kMaxPeerSessions (scenario 2).
inline constexpr size_t kMaxSessionsPerPeer = 2;
// Inbound peer streams that have not finished the handshake, over all addresses and from one
// address (IP, any port). Each holds a synchronous gRPC thread until the handshake ends or
// kHandshakeTimeout passes; beyond these a new stream is refused at once (RESOURCE_EXHAUSTED)
// and holds nothing. 64 is far above the dials a healthy network makes at once (each node
// redials a lost peer with backoff); 8 per address lets the nodes of one host (a loopback
// devnet) dial at once and redial while an old stream times out, while one address can hold
// only 8 threads for kHandshakeTimeout.
inline constexpr size_t kMaxPendingHandshakes = 64;
inline constexpr size_t kMaxPendingHandshakesPerAddress = 8;
// The handshake (hello and auth both ways: two round trips after TLS) must finish within
// this, or the stream is closed. Two seconds is ten round trips across the world.
inline constexpr std::chrono::milliseconds kHandshakeTimeout{2000};
// Reconnect backoff: doubles from the first to the last value after each failed dial.
inline constexpr std::chrono::milliseconds kDialBackoffMin{200};
inline constexpr std::chrono::milliseconds kDialBackoffMax{5000};
// Default time a misbehaving peer stays banned (node.toml peer.ban_seconds overrides).
inline constexpr uint32_t kDefaultBanSeconds = 60;
// Blocks per sync request and bytes per sync response.
inline constexpr uint32_t kSyncBatchBlocks = 64;
inline constexpr size_t kMaxSyncResponseBytes = 16 * 1024 * 1024;
// A sync request with no answer after this is abandoned and retried, maybe elsewhere.
inline constexpr std::chrono::milliseconds kSyncRequestTimeout{5000};
// A peer that let a sync request time out, or answered with fewer blocks than it has when
// the answer was far below kMaxSyncResponseBytes, is not asked again for this long while
// another peer is ahead: one valid block just before each timeout cannot pin catch-up.
inline constexpr std::chrono::milliseconds kSyncSlowPeerPause{30000};
// How often a node re-announces its tip even when idle, so a lagging peer notices.
inline constexpr std::chrono::milliseconds kTipAnnounceInterval{1000};
// Ids of gossip already seen (records, votes, proposals), to stop echo storms.
inline constexpr size_t kMaxSeenGossip = 100'000;
// Record signatures remembered as verified (see VerifiedRecords).
inline constexpr size_t kMaxVerifiedRecords = 200'000;

static_assert(kMaxSyncResponseBytes + 1024 * 1024 <= kMaxPeerMessageBytes,
              "a sync response must fit in one peer message");
static_assert(kMaxPeerMessageBytes >= chain::kMaxBlockBytes,
              "a proposal or a commit carries one whole block");
static_assert(kDialBackoffMin <= kDialBackoffMax);
static_assert(kMaxPendingHandshakesPerAddress <= kMaxPendingHandshakes);
static_assert(kMaxSessionsPerPeer >= 2, "both ends may dial at once");
static_assert(kPeerBurstMessages >= kPeerMessagesPerSecond);
static_assert(kPeerSendPacing > 0 && kPeerSendPacing < 1, "senders stay below the limit");

}  // namespace agritrace::node

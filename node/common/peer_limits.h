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
// The handshake must finish within this, or the stream is closed.
inline constexpr std::chrono::milliseconds kHandshakeTimeout{5000};
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
static_assert(kPeerBurstMessages >= kPeerMessagesPerSecond);
static_assert(kPeerSendPacing > 0 && kPeerSendPacing < 1, "senders stay below the limit");

}  // namespace agritrace::node

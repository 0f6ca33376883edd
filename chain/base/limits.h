// Protocol limits. Changing one is a protocol change: every node must agree.
#pragma once

#include <cstddef>
#include <cstdint>

namespace agritrace::chain {

// A signed envelope on the wire: body + 32-byte key + 64-byte signature + framing.
inline constexpr size_t kMaxRecordBodyBytes = 16 * 1024;
inline constexpr size_t kMaxEnvelopeBytes = kMaxRecordBodyBytes + 256;

// Strings inside a record (names, commodity, field, organisation...).
inline constexpr size_t kMaxTextBytes = 256;
inline constexpr size_t kMaxChainIdBytes = 64;

// GS1: GTIN-14 and lot codes (AI 10 allows up to 20 characters of set 82).
inline constexpr size_t kGtinDigits = 14;
inline constexpr size_t kMaxLotCodeChars = 20;
inline constexpr size_t kGlnDigits = 13;

// Pack/Transform fan-in and fan-out.
inline constexpr size_t kMaxTransformInputs = 64;
inline constexpr size_t kMaxTransformOutputs = 256;
inline constexpr size_t kMaxRolesPerParticipant = 8;
// Keys one participant may have had (RotateKey). The rules follow an old key to its current
// successor when they compare a stored custodian, receiver or owner with a signer, so this
// bounds that walk; a participant rotated this often is registered afresh instead.
inline constexpr uint32_t kMaxKeyRotations = 64;

// Parts of one lot tracked at once: holdings (one per holder and pallet) plus shipments in
// transit. A lot split among more parties than this is split into new lots (pack) instead;
// the bound keeps every read and write of a lot's state small.
inline constexpr size_t kMaxLotParts = 1'000;
// Lots on one pallet (Aggregate): a pallet of 60 bags holds a few lots, a mixed pallet dozens.
inline constexpr size_t kMaxPalletLots = 256;
// An SSCC (GS1 AI 00): extension digit, GS1 company prefix and serial, check digit.
inline constexpr size_t kSsccDigits = 18;
// Document references (po, bol, inv, desadv, other) on one record.
inline constexpr size_t kMaxDocumentRefs = 16;
// UTC offsets of event times and participants' time zones: -14:00 to +14:00 (UTC-12 to UTC+14
// exist; the margin costs nothing).
inline constexpr int32_t kMaxTzOffsetMinutes = 14 * 60;

// Sensor readings per SensorReadings/Checkpoint record: a day of 6-minute readings, which
// keeps a full record (about 40 bytes a reading) far below kMaxRecordBodyBytes.
inline constexpr size_t kMaxSensorReadings = 240;
// Plausible sensor values: milli-degrees Celsius and milli-percent relative humidity.
inline constexpr int32_t kMaxAbsTemperatureMc = 100'000;
inline constexpr int32_t kMaxHumidityMpct = 100'000;

// Quantities in thousandths of a unit; 10^15 milli-kg is a million tonnes times a thousand.
inline constexpr int64_t kMaxQuantityMilli = 1'000'000'000'000'000;

// Envelopes in one Ledger.SubmitRecords call; 1000 maximal envelopes are about 16 MiB.
inline constexpr size_t kMaxSubmitBatchRecords = 1000;

// Blocks.
inline constexpr size_t kMaxBlockRecords = 10'000;
inline constexpr size_t kMaxBlockBytes = 32 * 1024 * 1024;
inline constexpr size_t kMaxValidators = 100;

// Equivocation evidence (chain/model/evidence.h). A block carries at most this many: one
// evidence is about 350 bytes, so they never crowd out records, and a byzantine proposer's
// offences of a whole round (a proposal and two votes each) of the largest validator set take
// a few blocks.
inline constexpr size_t kMaxBlockEvidence = 64;
// An offence more than this many heights below the block that would carry it is no longer
// committed: pending evidence cannot pile up forever, and a block's evidence is about the
// recent past (about three hours of a chain committing a block a second, a week of one
// committing a block a minute).
inline constexpr uint64_t kMaxEvidenceAgeHeights = 10'000;

static_assert(kMaxEnvelopeBytes > kMaxRecordBodyBytes + 32 + 64,
              "an envelope must fit a maximal body, key and signature");
static_assert(kMaxBlockBytes >= kMaxEnvelopeBytes * 1000,
              "a block must fit at least a thousand maximal records");
static_assert(kMaxBlockEvidence * 1024 < kMaxBlockBytes / 100,
              "evidence (under 1 KiB each) must take under 1% of a block");
static_assert(kMaxTransformOutputs * kMaxEnvelopeBytes / kMaxTransformOutputs <= kMaxEnvelopeBytes);

}  // namespace agritrace::chain

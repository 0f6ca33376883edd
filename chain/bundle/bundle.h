// Proof bundles: a lot's journey with the proofs that let anyone holding the genesis file check
// it without trusting the node that served it (README.md, "Consumers: QR code, product page,
// proof bundles"; docs/architecture.md, "Consumers").
//
// chain/query/bundle_builder.h gathers a bundle from a node's store.
// VerifyProofBundle checks all of it against the genesis alone and names every failure.
// BundleToJson/BundleFromJson are the JSON form (bytes as lower-case hex).
//
// Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agritrace/v1/bundle.pb.h"
#include "chain/model/genesis.h"
#include "chain/base/status.h"

namespace agritrace::chain {

inline constexpr uint32_t kBundleVersion = 1;
// Bounds on what one bundle may hold, so a deep or wide lineage cannot make a node build (or
// a phone verify) an unbounded document. A retail lot typically has a handful of ancestors
// and a few dozen records.
inline constexpr size_t kMaxBundleLots = 512;
inline constexpr size_t kMaxBundleRecords = 10'000;
inline constexpr size_t kMaxBundleBlocks = kMaxBundleRecords;
inline constexpr size_t kMaxBundleParticipants = 1'000;
// Largest bundle (either form) a verifier reads.
inline constexpr size_t kMaxBundleBytes = 64 * 1024 * 1024;
// Origin records (RegisterPlot, InputApplication, claim Certify) a bundle adds for the plots
// and claims of its lots: every plot keeps at most kMaxPlotInputs (64) applications, and a
// lineage names a few plots; beyond this the bundle is refused as TOO_LARGE.
inline constexpr size_t kMaxBundleOriginRecords = 1'000;
// Validator-set changes a bundle carries (ProofBundle.validator_changes: every change since
// genesis, one header and certificate each, at most kMaxValidators keys per header). One
// change a week for twenty years; a chain past it needs a newer trusted root than genesis.
inline constexpr size_t kMaxBundleValidatorChanges = 1'024;
static_assert(kMaxBundleOriginRecords <= kMaxBundleRecords, "origin records are records");
// Plot season totals a bundle states (ProofBundle.plot_seasons): a lineage names a few plots,
// each harvested in one season or two; more are not read.
inline constexpr size_t kMaxBundlePlotSeasons = 64;
static_assert(kMaxBundleBlocks <= kMaxBundleRecords, "every block in a bundle holds a record");

// The outcome for one record of a bundle.
struct RecordVerdict {
  std::string label;      // "record 3 (ship of 01/.../10/B1, block 4 #0)"
  bool verified = false;  // signature, proof and its block's certificate all hold
  std::vector<std::string> problems;
};

// What the Origin card shows, recomputed from the bundle's verified records only
// (chain/bundle/origin.cc).
struct OriginPlot {
  std::string plot_id, crop, area, owner_hex, place;  // place: "lat,lon" or a name
  int64_t cap_mg = 0;        // area x max yield per season
  int64_t harvested_mg = 0;  // by the bundle's own verified harvests on it (all seasons)
  bool retired = false;
  // The latest season of the bundle's harvests on it: what they proved of it, and the whole
  // plot's total the bundle states for it (-1 when it states none; checked against the proven
  // part and the cap, not provable); remaining = cap - total.
  int32_t season = 0;
  std::string season_start;  // "MM-DD"
  int64_t season_proven_mg = 0;
  int64_t season_total_mg = -1;
  uint64_t season_as_of_height = 0;
};
struct OriginInterval {  // one application before one harvest on its plot
  std::string plot_id, product, active_ingredient, harvest_lot;
  uint32_t phi_days = 0;
  std::string applied, first_allowed, harvested;  // civil dates
  bool respected = false;
};
struct OriginClaim {  // a claim the bundle states for its lot
  std::string claim, standard, certificate_id, certificate_hex;
  int64_t stated_mg = 0, backed_mg = 0, tonnage_mg = 0;
  std::vector<std::string> plots;
  bool backed = false;
  std::string why;  // when not backed
};
struct OriginVerdict {
  std::vector<OriginPlot> plots;
  std::vector<OriginInterval> intervals;
  std::vector<OriginClaim> claims;
  std::string compliance_basis, compliance_date, compliance_producer_hex;  // "" without one
};

struct BundleVerdict {
  OriginVerdict origin;
  // The validator sets the blocks were checked against: genesis's, then each verified change
  // of ProofBundle.validator_changes (from_height, validators, decided_height).
  std::vector<v1::ValidatorEpoch> validator_sets;
  std::vector<RecordVerdict> records;  // parallel to bundle.records
  std::vector<std::string> failures;   // every failure, each naming its subject
  bool ok() const { return failures.empty(); }
};

// Walks the validator-set changes the bundle carries from genesis's set (each certified by the
// set in force at its height, in ascending height, taking effect kValidatorChangeDelay later),
// then checks every block (header chain id, certificate by the set in force at its height; a
// block that decided a change must be among the changes), every record
// (signature, Merkle proof against its block's records root with leaf_count equal to the
// header's record_count, chain order), and the custody story (a receive follows a ship to
// that receiver, a shipper or transformer holds the lot, every ancestor traces back to its
// harvest). Never stops at the first failure.
BundleVerdict VerifyProofBundle(const v1::ProofBundle& bundle, const Genesis& genesis);

nlohmann::json BundleToJson(const v1::ProofBundle& bundle);
// MALFORMED naming the field on a bad shape or bad hex.
Result<v1::ProofBundle> BundleFromJson(const nlohmann::json& json);
// Either form: JSON when the text starts with '{' (after whitespace), else binary protobuf.
Result<v1::ProofBundle> ParseBundle(const std::string& bytes);

}  // namespace agritrace::chain

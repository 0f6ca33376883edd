// The load generator's workload: signer keys, their registration, and pre-signed journeys.
//
// A journey is the farm-to-shelf chain of dependent records: harvest (from the farmer's own
// registered plot), ship part of it to a
// packer, receive, the packer's cold-store sensor readings on the paddy, pack into retail
// bags, ship to a retailer, receive, the retailer's sensor readings on the bags. So the rules
// run (roles, custody, mass balance, replay guards), not only signatures. Records of one
// journey must be submitted in order to one node; journeys are independent of each other. Any
// prefix of a journey is itself valid, so a workload can hold an exact number of records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/keys.h"

namespace agritrace::bench {

struct WorkloadOptions {
  std::string chain_id;
  size_t journeys = 100;
  size_t readings_per_journey = 2;  // SensorReadings records; kFixedJourneyRecords more each
  size_t records = 0;               // > 0: stop after this many records (last journey cut short)
  size_t farmers = 64;
  size_t packers = 16;
  size_t retailers = 16;
  std::string run_id;  // makes participant names and lot codes unique per run
};

struct Signer {
  std::string name;
  chain::PrivateKey key;
  v1::Role role;
};

struct Workload {
  std::vector<Signer> signers;  // to register first
  std::vector<std::vector<v1::Envelope>> journeys;
  size_t record_count() const;
};

// Records of a journey besides its sensor readings: harvest, ship, receive, pack, ship, receive.
inline constexpr size_t kFixedJourneyRecords = 6;

// Generates keys and pre-signs every journey (the expensive part, done before timing) on
// `threads` threads.
Workload BuildWorkload(const WorkloadOptions& options, unsigned threads = 1);

// The lot at the end of journey `index`: "01/{gtin}/10/{lot}".
std::string RetailLotOf(const WorkloadOptions& options, size_t index);

// RegisterParticipant records for every signer, then a RegisterPlot for every farmer (its
// journeys harvest from it), all signed by `admin`.
std::vector<v1::Envelope> RegistrationRecords(const Workload& workload,
                                              const chain::PrivateKey& admin,
                                              const std::string& chain_id);

}  // namespace agritrace::bench

// The load generator's workload: signer keys, their registration, and pre-signed journeys.
//
// A journey is the farm-to-shelf chain of six dependent records (harvest, ship to a packer,
// receive, pack into retail bags, ship to a retailer, receive), so the rules run (custody,
// mass balance, replay guards), not only signatures. Records of one journey must be submitted
// in order to one node; journeys are independent of each other.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/keys.h"

namespace agritrace::bench {

struct WorkloadOptions {
  std::string chain_id;
  size_t journeys = 100;
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
  std::vector<Signer> signers;                 // to register first
  std::vector<std::vector<v1::Envelope>> journeys;
  size_t record_count() const;
};

// Generates keys and pre-signs every journey (the expensive part, done before timing).
Workload BuildWorkload(const WorkloadOptions& options);

// RegisterParticipant records for every signer, signed by `admin`.
std::vector<v1::Envelope> RegistrationRecords(const Workload& workload,
                                              const chain::PrivateKey& admin,
                                              const std::string& chain_id);

}  // namespace agritrace::bench

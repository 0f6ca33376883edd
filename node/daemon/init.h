// `agritrace-node init`: writes a one-validator development network into a directory:
// genesis.json, node.toml, node_key.json (encrypted) and keystore/ with the sample
// participants admin, farmer, packer, carrier, retailer, inspector and regulator.
#pragma once

#include <string>

#include "chain/model/genesis.h"
#include "chain/base/status.h"

namespace agritrace::node {

struct InitOptions {
  std::string dir;
  std::string chain_id;   // empty: "agritrace-dev-" + random suffix
  std::string name = "coop-validator";
  std::string grpc_addr = "127.0.0.1:7400";
  std::string http_addr = "127.0.0.1:7480";
  std::string password;   // encrypts the node key and every sample key
  uint64_t scrypt_n = 1 << 15;
};

// Refuses (ALREADY_REGISTERED) to overwrite an existing genesis in `dir`.
chain::Status InitDevNetwork(const InitOptions& options);

// Creates the sample participants' keys in `keystore_dir` (encrypted with options.password)
// and adds them to `genesis` (shared with node/init_network.cc), with the sample farmer's plot
// "plot-1" (rice, 100 mu, 700 kg/mu) and require_plot on: every harvest names its plot.
chain::Status AddSampleParticipants(const std::string& keystore_dir, const InitOptions& options,
                                    chain::Genesis* genesis);

}  // namespace agritrace::node

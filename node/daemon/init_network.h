// `agritrace-node init --validators N --observers M`: writes a multi-node development network
// into one directory:
//   DIR/genesis.json      the shared genesis (N validators with names, keys, peer addresses)
//   DIR/network.json      every node's name, kind, key and address (observers are allowed
//                         to peer because they are listed here)
//   DIR/keystore/         the sample participants (admin, farmer, packer, ...)
//   DIR/<node>/node.toml  per node: distinct loopback ports, paths to the shared files
//   DIR/<node>/node_key.json  its encrypted node key
// Nodes are named validator-1..N and observer-1..M.
#pragma once

#include <string>
#include <vector>

#include "chain/base/status.h"
#include "node/common/config.h"
#include "node/daemon/init.h"

namespace agritrace::node {

struct NetworkInitOptions {
  InitOptions base;  // dir, chain_id, password, scrypt_n (name/addresses unused)
  uint32_t validators = 4;
  uint32_t observers = 1;
  // One gRPC and one HTTP address per node (validators first), or empty for
  // 127.0.0.1:(base_port + i) and 127.0.0.1:(base_port + 80 + i).
  std::vector<std::string> grpc_addrs;
  std::vector<std::string> http_addrs;
  uint32_t base_port = 7400;
  // Written into every node.toml [consensus].
  NodeConfig consensus_defaults;
};

struct InitializedNode {
  std::string name;
  bool validator = false;
  std::string dir;
  std::string grpc_addr;
  std::string http_addr;
};

// Refuses (ALREADY_REGISTERED) to overwrite an existing genesis in `dir`.
chain::Result<std::vector<InitializedNode>> InitMultiNetwork(const NetworkInitOptions& options);

}  // namespace agritrace::node

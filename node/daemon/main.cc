// agritrace-node: the AgriTrace validator daemon.
//   agritrace-node init --dir DIR     write a one-validator dev network
//   agritrace-node run --dir DIR      run it (flags override node.toml)
//   agritrace-node approve --dir DIR PROPOSAL   approve a validator-set change with the node key
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <variant>
#include <vector>

#include "chain/io/file_util.h"
#include "chain/keystore/keystore.h"
#include "node/common/config.h"
#include "node/daemon/approve.h"
#include "node/daemon/init.h"
#include "node/daemon/init_network.h"
#include "node/daemon/server.h"
#include "node/common/version.h"

namespace {

using agritrace::chain::Status;

// Password for the node key and dev keystore: --password-file, else AGRITRACE_PASSWORD, else
// the documented dev default.
std::string ResolvePassword(const std::string& password_file) {
  if (!password_file.empty()) {
    auto text = agritrace::chain::ReadFile(password_file, 4096);
    if (!text.ok()) {
      std::cerr << "error: " << text.status().ToString() << "\n";
      std::exit(1);
    }
    std::string password = *text;
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
      password.pop_back();
    }
    return password;
  }
  if (const char* env = std::getenv("AGRITRACE_PASSWORD"); env && *env) return env;
  spdlog::warn("AGRITRACE_PASSWORD is not set: using the dev default password '{}'",
               agritrace::chain::kDevPassword);
  return agritrace::chain::kDevPassword;
}

// A flag of `run`: the schema entry it overrides and the option CLI11 parsed it into.
struct RunFlag {
  const agritrace::node::ConfigEntry* entry;
  CLI::Option* option;
};

// One flag per schema entry that names one, parsed into the same field of `values`.
std::vector<RunFlag> AddRunFlags(CLI::App* run_cmd, agritrace::node::NodeConfig* values) {
  std::vector<RunFlag> flags;
  for (const agritrace::node::ConfigEntry& entry : agritrace::node::ConfigSchema()) {
    if (entry.flag.empty()) continue;
    CLI::Option* option = std::visit(
        [&](auto member) {
          return run_cmd->add_option(std::string(entry.flag), values->*member,
                                     std::string(entry.comment));
        },
        entry.member);
    flags.push_back({&entry, option});
  }
  return flags;
}

bool IsTlsFile(const agritrace::node::ConfigEntry& entry) {
  using agritrace::node::NodeConfig;
  using Member = agritrace::node::ConfigEntry::Member;
  return entry.member == Member(&NodeConfig::tls_ca_file) ||
         entry.member == Member(&NodeConfig::tls_cert_file) ||
         entry.member == Member(&NodeConfig::tls_key_file) ||
         entry.member == Member(&NodeConfig::tls_client_cert_file) ||
         entry.member == Member(&NodeConfig::tls_client_key_file);
}

// Overrides `config` (the file's) with the flags given. Any --tls-* file flag turns [tls] on
// (the other files must then be set too, by file or flag).
void ApplyRunFlags(const std::vector<RunFlag>& flags, const agritrace::node::NodeConfig& values,
                   agritrace::node::NodeConfig* config) {
  for (const RunFlag& flag : flags) {
    if (flag.option->count() == 0) continue;
    agritrace::node::CopyConfigValue(*flag.entry, values, config);
    if (IsTlsFile(*flag.entry)) config->tls_enabled = true;
  }
}

int Fail(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"agritrace-node: the AgriTrace traceability chain node"};
  app.set_version_flag("--version", agritrace::node::kVersion);
  app.require_subcommand(1);
  std::string password_file;
  app.add_option("--password-file", password_file,
                 "file holding the key password (else AGRITRACE_PASSWORD, else the dev default)");

  agritrace::node::InitOptions init;
  auto* init_cmd = app.add_subcommand("init", "write a one-validator development network");
  init_cmd->add_option("--dir", init.dir, "directory to create")->required();
  init_cmd->add_option("--chain-id", init.chain_id, "chain id (default agritrace-dev-XXXXXX)");
  init_cmd->add_option("--name", init.name, "validator name")->capture_default_str();
  init_cmd->add_option("--grpc-addr", init.grpc_addr, "gRPC listen address")->capture_default_str();
  init_cmd->add_option("--http-addr", init.http_addr, "HTTP listen address")->capture_default_str();
  init_cmd->add_option("--scrypt-n", init.scrypt_n, "scrypt cost for the written keys")
      ->capture_default_str();
  // Multi-node network (see node/init_network.h): one directory per node plus shared files.
  agritrace::node::NetworkInitOptions multi;
  auto* validators_opt = init_cmd->add_option(
      "--validators", multi.validators, "write N validators (+ observers), one directory each");
  auto* observers_opt = init_cmd->add_option("--observers", multi.observers,
                                             "observer nodes (with --validators; default 0)");
  init_cmd->add_option("--base-port", multi.base_port,
                       "multi-node: gRPC on base+i, HTTP on base+80+i")->capture_default_str();
  init_cmd->add_option("--grpc-addrs", multi.grpc_addrs, "multi-node: one gRPC address per node")
      ->delimiter(',');
  init_cmd->add_option("--http-addrs", multi.http_addrs, "multi-node: one HTTP address per node")
      ->delimiter(',');
  init_cmd->add_option("--propose-timeout-ms", multi.consensus_defaults.consensus_propose_timeout_ms,
                       "multi-node: consensus propose timeout written to node.toml");
  init_cmd->add_option("--vote-timeout-ms", multi.consensus_defaults.consensus_vote_timeout_ms,
                       "multi-node: consensus vote timeout written to node.toml");

  std::string dir, config_path;
  auto* run_cmd = app.add_subcommand("run", "run a node");
  run_cmd->add_option("--dir", dir, "node directory holding node.toml");
  run_cmd->add_option("--config", config_path, "config file (default DIR/node.toml)");
  agritrace::node::NodeConfig flag_values;
  const std::vector<RunFlag> run_flags = AddRunFlags(run_cmd, &flag_values);

  std::string approve_dir, proposal;
  auto* approve_cmd = app.add_subcommand(
      "approve", "approve the open validator-set proposal with this node's validator key");
  approve_cmd->add_option("--dir", approve_dir, "node directory holding node.toml")->required();
  approve_cmd->add_option("PROPOSAL", proposal, "proposal id (64 hex, `agritrace validators`)")
      ->required();

  CLI11_PARSE(app, argc, argv);

  if (*approve_cmd) {
    Status status = agritrace::node::ApproveProposal(approve_dir, proposal,
                                                     ResolvePassword(password_file), std::cout);
    if (!status.ok()) return Fail(status);
    return 0;
  }

  if (*init_cmd && (*validators_opt || *observers_opt)) {
    multi.base = init;
    multi.base.password = ResolvePassword(password_file);
    if (!*observers_opt) multi.observers = 0;
    auto nodes = agritrace::node::InitMultiNetwork(multi);
    if (!nodes.ok()) return Fail(nodes.status());
    std::cout << "initialised a network of " << multi.validators << " validators and "
              << multi.observers << " observers in " << init.dir << "\n";
    for (const auto& node : *nodes) {
      std::cout << "  " << node.name << "  grpc " << node.grpc_addr << "  http " << node.http_addr
                << "  run: agritrace-node run --dir " << node.dir << "\n";
    }
    std::cout << "  keystore: " << init.dir << "/keystore\n";
    return 0;
  }
  if (*init_cmd) {
    init.password = ResolvePassword(password_file);
    Status status = agritrace::node::InitDevNetwork(init);
    if (!status.ok()) return Fail(status);
    std::cout << "initialised a one-validator network in " << init.dir << "\n"
              << "  genesis:  " << init.dir << "/genesis.json\n"
              << "  config:   " << init.dir << "/node.toml\n"
              << "  keystore: " << init.dir << "/keystore (admin farmer packer carrier retailer "
                 "inspector regulator)\n"
              << "run it with: agritrace-node run --dir " << init.dir << "\n";
    return 0;
  }

  if (config_path.empty()) {
    if (dir.empty()) return Fail(Status(agritrace::chain::Reason::kMalformed, "run needs --dir or --config"));
    config_path = (std::filesystem::path(dir) / "node.toml").string();
  }
  auto config = agritrace::node::LoadConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  ApplyRunFlags(run_flags, flag_values, &*config);
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  Status status = agritrace::node::RunNode(*config, ResolvePassword(password_file));
  if (!status.ok()) return Fail(status);
  return 0;
}

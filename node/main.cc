// agritrace-node: the AgriTrace validator daemon.
//   agritrace-node init --dir DIR     write a one-validator dev network
//   agritrace-node run --dir DIR      run it (flags override node.toml)
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "chain/file_util.h"
#include "chain/keystore.h"
#include "node/config.h"
#include "node/init.h"
#include "node/server.h"
#include "node/version.h"

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

  std::string dir, config_path;
  agritrace::node::NodeConfig flags;
  auto* run_cmd = app.add_subcommand("run", "run a node");
  run_cmd->add_option("--dir", dir, "node directory holding node.toml");
  run_cmd->add_option("--config", config_path, "config file (default DIR/node.toml)");
  auto* grpc_opt = run_cmd->add_option("--grpc-addr", flags.grpc_addr, "gRPC listen address");
  auto* http_opt = run_cmd->add_option("--http-addr", flags.http_addr, "HTTP listen address");
  auto* data_opt = run_cmd->add_option("--data-dir", flags.data_dir, "RocksDB directory");
  auto* genesis_opt = run_cmd->add_option("--genesis", flags.genesis_file, "genesis file");
  auto* key_opt = run_cmd->add_option("--key-file", flags.key_file, "encrypted node key file");
  auto* log_opt = run_cmd->add_option("--log-level", flags.log_level, "trace|debug|info|warn|error");
  auto* mempool_opt = run_cmd->add_option("--mempool-max-records", flags.mempool_max_records,
                                          "records the mempool holds at most");

  CLI11_PARSE(app, argc, argv);

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
  if (*grpc_opt) config->grpc_addr = flags.grpc_addr;
  if (*http_opt) config->http_addr = flags.http_addr;
  if (*data_opt) config->data_dir = flags.data_dir;
  if (*genesis_opt) config->genesis_file = flags.genesis_file;
  if (*key_opt) config->key_file = flags.key_file;
  if (*log_opt) config->log_level = flags.log_level;
  if (*mempool_opt) config->mempool_max_records = flags.mempool_max_records;
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  Status status = agritrace::node::RunNode(*config, ResolvePassword(password_file));
  if (!status.ok()) return Fail(status);
  return 0;
}

// agritrace-bench: a load generator for AgriTrace nodes.
//   agritrace-bench --dir DIR --records N [--rate R] [--threads T] [--json]
// DIR is a directory made by `agritrace-node init`: the node address comes from its
// node.toml, the chain id from its genesis, and the admin key from its keystore (password from
// AGRITRACE_PASSWORD, else the dev default). The generator registers its own signer keys,
// pre-signs every record, then times the submission.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "bench/load_runner.h"
#include "bench/load_workload.h"
#include "chain/genesis.h"
#include "chain/keystore.h"
#include "node/config.h"

namespace {

using agritrace::chain::Status;
namespace bench = agritrace::bench;

constexpr size_t kRecordsPerJourney = 6;
constexpr double kRawVerifySeconds = 2.0;

struct Args {
  std::string dir;
  std::string node;
  size_t records = 600;
  double rate = 0;
  size_t threads = 32;
  bool json = false;
};

[[noreturn]] void Die(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  std::exit(1);
}

std::string Password() {
  const char* env = std::getenv("AGRITRACE_PASSWORD");
  return env && *env ? env : agritrace::chain::kDevPassword;
}

std::string RunId() {
  uint8_t bytes[3];
  agritrace::chain::RandomBytes(bytes, sizeof(bytes));
  return agritrace::chain::ToHex(std::string_view(reinterpret_cast<char*>(bytes), 3));
}

void Print(const Args& args, const bench::RunReport& r, double raw_verify, size_t records) {
  const double committed_per_s = r.commit_seconds > 0 ? r.committed / r.commit_seconds : 0;
  const double offered_per_s = r.submit_seconds > 0 ? r.submitted / r.submit_seconds : 0;
  nlohmann::json j = {
      {"records", records},
      {"submitted", r.submitted},
      {"committed", r.committed},
      {"offered_per_s", offered_per_s},
      {"committed_per_s", committed_per_s},
      {"raw_verify_per_s", raw_verify},
      {"ratio", raw_verify > 0 ? committed_per_s / raw_verify : 0},
      {"failures", r.failures},
      {"latency_ms",
       {{"p50", r.Percentile(50)}, {"p95", r.Percentile(95)}, {"p99", r.Percentile(99)},
        {"max", r.latencies_ms.empty() ? 0 : r.latencies_ms.back()}}},
      {"threads", args.threads},
      {"rate", args.rate},
  };
  if (args.json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "records submitted     " << r.submitted << " (" << r.committed << " committed)\n"
            << "offered rate          " << static_cast<long>(offered_per_s) << " records/s\n"
            << "committed rate        " << static_cast<long>(committed_per_s) << " records/s\n"
            << "raw BIP-340 verify    " << static_cast<long>(raw_verify) << " /s on "
            << std::thread::hardware_concurrency() << " cores\n"
            << "ratio                 " << j["ratio"].get<double>() << "\n"
            << "latency ms p50/p95/p99/max  " << r.Percentile(50) << " / " << r.Percentile(95)
            << " / " << r.Percentile(99) << " / " << j["latency_ms"]["max"].get<double>() << "\n"
            << "failures              " << j["failures"].dump() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app{"agritrace-bench: pre-signed load against AgriTrace nodes"};
  app.add_option("--dir", args.dir, "directory made by agritrace-node init")->required();
  app.add_option("--node", args.node, "gRPC address (default: from DIR/node.toml)");
  app.add_option("--records", args.records, "records to submit (6 per journey)")
      ->capture_default_str();
  app.add_option("--rate", args.rate, "records/s offered; 0 = as fast as possible")
      ->capture_default_str();
  app.add_option("--threads", args.threads, "submitting threads")->capture_default_str();
  app.add_flag("--json", args.json, "print JSON");
  CLI11_PARSE(app, argc, argv);

  auto config = agritrace::node::LoadConfig(args.dir + "/node.toml");
  if (!config.ok()) Die(config.status());
  auto genesis = agritrace::chain::LoadGenesis(config->Resolve(config->genesis_file));
  if (!genesis.ok()) Die(genesis.status());
  auto admin = agritrace::chain::Keystore(args.dir + "/keystore").Load("admin", Password());
  if (!admin.ok()) Die(admin.status());
  const std::string node = args.node.empty() ? config->grpc_addr : args.node;

  bench::WorkloadOptions w;
  w.chain_id = genesis->chain_id;
  w.journeys = std::max<size_t>(1, args.records / kRecordsPerJourney);
  w.run_id = RunId();
  bench::Workload workload = bench::BuildWorkload(w);

  std::map<std::string, size_t> setup_failures;
  if (bench::SubmitAndWait(node, bench::RegistrationRecords(workload, *admin, w.chain_id),
                           setup_failures) > 0) {
    std::cerr << "error: registering signer keys failed: " << nlohmann::json(setup_failures).dump()
              << "\n";
    return 1;
  }
  const double raw_verify =
      bench::MeasureRawVerifyRate(std::thread::hardware_concurrency(), kRawVerifySeconds);
  bench::RunOptions run;
  run.nodes = {node};
  run.threads = args.threads;
  run.rate = args.rate;
  bench::RunReport report = bench::RunLoad(workload.journeys, run);
  Print(args, report, raw_verify, workload.record_count());
  return report.committed == report.submitted ? 0 : 2;
}

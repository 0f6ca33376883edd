// agritrace-bench: a load generator for AgriTrace nodes.
//   agritrace-bench --dir DIR --records N [--rate R] [--batch B] [--threads T] [--json]
//   agritrace-bench --devnet DIR --duration S --rate R [--json]
//   agritrace-bench --dir DIR --lineage N [--json]    one lot whose proof bundle has N records
//   agritrace-bench --raw-verify [--json]             only the raw BIP-340 verification rate
// DIR is a directory made by `agritrace-node init` (the node address comes from its node.toml,
// the chain id from its genesis, the admin key from its keystore) or by `scripts/devnet.sh up`
// (its devnet.json names the validators, the keystore and the password; the load is spread
// over the validators and commits are watched on the first). Keys are decrypted with
// AGRITRACE_PASSWORD, else devnet.json's password, else the dev default. The generator
// registers its own signer keys, pre-signs every record, then times the submission.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/load_runner.h"
#include "bench/load_workload.h"
#include "chain/io/genesis_file.h"
#include "chain/model/genesis.h"
#include "chain/keystore/keystore.h"
#include "chain/base/limits.h"
#include "node/common/config.h"

namespace {

using agritrace::chain::Status;
using nlohmann::json;
namespace bench = agritrace::bench;
namespace chain = agritrace::chain;

constexpr double kRawVerifySeconds = 2.0;
constexpr size_t kDefaultBatch = 200;
// Submitting threads per node when batching: one call being admitted while the next is built.
constexpr size_t kBatchThreadsPerNode = 2;
constexpr size_t kUnaryThreads = 32;
// Every node must have applied the signer registrations before load reaches it.
constexpr uint32_t kSetupWaitMs = 60'000;

struct Args {
  std::string dir;
  std::string node;
  size_t records = 600;
  double duration_s = 0;
  double rate = 0;
  size_t threads = 0;
  size_t batch = kDefaultBatch;
  size_t readings = 2;
  size_t lineage = 0;
  bool raw_verify_only = false;
  bool json = false;
};

// Where the load goes: what --dir or --devnet found.
struct Target {
  std::string mode;                // "single" or "devnet"
  std::vector<std::string> nodes;  // validators' gRPC addresses; commits watched on the first
  std::string chain_id;
  std::string keystore;
  std::string password;
};

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  std::exit(1);
}

std::string EnvPassword() {
  const char* env = std::getenv("AGRITRACE_PASSWORD");
  return env && *env ? env : "";
}

Target FromDevnet(const std::string& dir) {
  std::ifstream in(dir + "/devnet.json");
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) Die(dir + "/devnet.json is not valid JSON");
  Target t{"devnet", {}, doc.value("chain_id", ""), doc.value("keystore", ""), ""};
  for (const json& n : doc["nodes"]) {
    if (n.value("kind", "") == "validator") t.nodes.push_back(n.value("grpc", ""));
  }
  if (t.nodes.empty()) Die(dir + "/devnet.json names no validator");
  t.password = EnvPassword().empty() ? doc.value("password", chain::kDevPassword) : EnvPassword();
  return t;
}

Target FromNodeDir(const std::string& dir) {
  auto config = agritrace::node::LoadConfig(dir + "/node.toml");
  if (!config.ok()) Die(config.status().ToString());
  auto genesis = chain::LoadGenesis(config->Resolve(config->genesis_file));
  if (!genesis.ok()) Die(genesis.status().ToString());
  const std::string password = EnvPassword().empty() ? chain::kDevPassword : EnvPassword();
  return Target{"single", {config->grpc_addr}, genesis->chain_id, dir + "/keystore", password};
}

Target FindTarget(const Args& args) {
  Target t = std::filesystem::exists(args.dir + "/devnet.json") ? FromDevnet(args.dir)
                                                                : FromNodeDir(args.dir);
  if (!args.node.empty()) t.nodes = {args.node};
  return t;
}

std::string RunId() {
  uint8_t bytes[3];
  chain::RandomBytes(bytes, sizeof(bytes));
  return chain::ToHex(std::string_view(reinterpret_cast<char*>(bytes), 3));
}

double AverageEnvelopeBytes(const bench::Workload& w) {
  size_t bytes = 0, n = 0;
  for (const auto& journey : w.journeys) {
    for (const auto& e : journey) bytes += e.ByteSizeLong(), ++n;
  }
  return n ? static_cast<double>(bytes) / n : 0;
}

// Registers the workload's signers through the first node and waits until every node has them.
void RegisterSigners(const Target& target, const bench::Workload& workload, size_t batch) {
  auto admin = chain::Keystore(target.keystore).Load("admin", target.password);
  if (!admin.ok()) Die("loading the admin key: " + admin.status().ToString());
  std::map<std::string, size_t> failures;
  uint64_t height = 0;
  if (bench::SubmitAndWait(target.nodes.front(),
                           bench::RegistrationRecords(workload, *admin, target.chain_id), failures,
                           batch, &height) > 0) {
    Die("registering signer keys failed: " + json(failures).dump());
  }
  if (!bench::WaitForHeight(target.nodes, height, kSetupWaitMs)) {
    Die("not every node reached height " + std::to_string(height) + " after registration");
  }
}

json Report(const Args& args, const Target& target, const bench::RunReport& r, double raw_verify,
            const bench::Workload& workload, double presign_s) {
  const double committed_per_s = r.commit_seconds > 0 ? r.committed / r.commit_seconds : 0;
  const double offered_per_s = r.submit_seconds > 0 ? r.submitted / r.submit_seconds : 0;
  const double ratio = raw_verify > 0 ? committed_per_s / raw_verify : 0;
  return {
      {"mode", target.mode},
      {"nodes", target.nodes},
      {"validators", target.nodes.size()},
      {"records", workload.record_count()},
      {"submitted", r.submitted},
      {"accepted", r.accepted},
      {"committed", r.committed},
      {"offered_per_s", offered_per_s},
      {"committed_per_s", committed_per_s},
      {"raw_verify_per_s", raw_verify},
      {"ratio", ratio},
      // Every validator verifies every record: the targets in docs/performance.md compare this
      // with 0.75 (one validator) and 0.5 (four).
      {"ratio_x_validators", ratio * target.nodes.size()},
      {"failures", r.failures},
      {"latency_ms",
       {{"p50", r.Percentile(50)},
        {"p95", r.Percentile(95)},
        {"p99", r.Percentile(99)},
        {"max", r.latencies_ms.empty() ? 0 : r.latencies_ms.back()}}},
      {"elapsed_s", r.commit_seconds},
      {"batch", args.batch},
      {"threads", args.threads},
      {"rate", args.rate},
      {"calls", r.calls},
      {"full_retries", r.full_retries},
      {"avg_envelope_bytes", AverageEnvelopeBytes(workload)},
      {"presign_s", presign_s},
  };
}

void Print(const json& j, bool as_json) {
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  const json& l = j["latency_ms"];
  std::cout << "target                " << j["mode"].get<std::string>() << ", " << j["validators"]
            << " node(s), batch " << j["batch"] << ", threads " << j["threads"] << "\n"
            << "records submitted     " << j["submitted"] << " (" << j["committed"]
            << " committed)\n"
            << "offered rate          " << j["offered_per_s"].get<long>() << " records/s\n"
            << "committed rate        " << j["committed_per_s"].get<long>() << " records/s\n"
            << "raw BIP-340 verify    " << j["raw_verify_per_s"].get<long>() << " /s on "
            << std::thread::hardware_concurrency() << " cores\n"
            << "ratio                 " << j["ratio"].get<double>() << " (x validators "
            << j["ratio_x_validators"].get<double>() << ")\n"
            << "latency ms p50/p95/p99/max  " << l["p50"] << " / " << l["p95"] << " / " << l["p99"]
            << " / " << l["max"] << "\n"
            << "failures              " << j["failures"].dump() << "\n";
}

// --lineage N: one journey whose retail lot's proof bundle holds exactly N records.
int MakeLineage(const Args& args, const Target& target) {
  if (args.lineage < bench::kFixedJourneyRecords) {
    Die("--lineage needs at least " + std::to_string(bench::kFixedJourneyRecords) + " events");
  }
  bench::WorkloadOptions w;
  w.chain_id = target.chain_id;
  w.journeys = 1;
  w.farmers = w.packers = w.retailers = 1;
  w.readings_per_journey = args.lineage - bench::kFixedJourneyRecords;
  w.run_id = RunId();
  bench::Workload workload = bench::BuildWorkload(w);
  RegisterSigners(target, workload, args.batch);
  std::map<std::string, size_t> failures;
  uint64_t height = 0;
  if (bench::SubmitAndWait(target.nodes.front(), workload.journeys.front(), failures, args.batch,
                           &height) > 0) {
    Die("the lineage was refused: " + json(failures).dump());
  }
  bench::WaitForHeight(target.nodes, height, kSetupWaitMs);
  const std::string lot = bench::RetailLotOf(w, 0);
  if (args.json) {
    std::cout << json{{"lot", lot}, {"records", args.lineage}, {"height", height}}.dump() << "\n";
  } else {
    std::cout << lot << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app{"agritrace-bench: pre-signed load against AgriTrace nodes"};
  auto* dir = app.add_option("--dir", args.dir,
                             "directory made by agritrace-node init or scripts/devnet.sh up");
  auto* devnet = app.add_option("--devnet", args.dir, "directory made by scripts/devnet.sh up");
  dir->excludes(devnet);
  app.add_option("--node", args.node, "gRPC address (default: from DIR)");
  app.add_option("--records", args.records, "records to submit")->capture_default_str();
  app.add_option("--duration", args.duration_s,
                 "with --rate: submit rate x duration records (overrides --records)");
  app.add_option("--rate", args.rate, "records/s offered in total; 0 = as fast as possible")
      ->capture_default_str();
  app.add_option("--batch", args.batch,
                 "records per call: 1 = one SubmitRecord each, more = SubmitRecords")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, chain::kMaxSubmitBatchRecords));
  app.add_option("--threads", args.threads,
                 "submitting threads (default 32 with --batch 1, else 2 per node)");
  app.add_option("--readings", args.readings, "sensor-reading records per journey")
      ->capture_default_str();
  app.add_option("--lineage", args.lineage,
                 "instead of load: make one lot whose proof bundle has N records, print its key");
  app.add_flag("--raw-verify", args.raw_verify_only,
               "only measure the raw BIP-340 verification rate on all cores");
  app.add_flag("--json", args.json, "print JSON");
  CLI11_PARSE(app, argc, argv);

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (args.raw_verify_only) {
    const double raw = bench::MeasureRawVerifyRate(cores, kRawVerifySeconds);
    if (args.json) {
      std::cout << json{{"raw_verify_per_s", raw}, {"cores", cores}}.dump() << "\n";
    } else {
      std::cout << "raw BIP-340 verify    " << static_cast<long>(raw) << " /s on " << cores
                << " cores\n";
    }
    return raw > 0 ? 0 : 1;
  }
  if (args.dir.empty()) Die("--dir or --devnet is required");
  const Target target = FindTarget(args);
  if (args.lineage > 0) return MakeLineage(args, target);

  if (args.duration_s > 0 && args.rate > 0) {
    args.records = static_cast<size_t>(args.rate * args.duration_s);
  }
  if (args.threads == 0) {
    args.threads = args.batch == 1 ? kUnaryThreads : kBatchThreadsPerNode * target.nodes.size();
  }
  bench::WorkloadOptions w;
  w.chain_id = target.chain_id;
  w.records = std::max<size_t>(1, args.records);
  w.readings_per_journey = args.readings;
  w.run_id = RunId();
  const auto presign_start = std::chrono::steady_clock::now();
  bench::Workload workload = bench::BuildWorkload(w, cores);
  const double presign_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - presign_start).count();
  RegisterSigners(target, workload, args.batch);

  const double raw_verify = bench::MeasureRawVerifyRate(cores, kRawVerifySeconds);
  bench::RunOptions run;
  run.nodes = target.nodes;
  run.threads = args.threads;
  run.batch = args.batch;
  run.rate = args.rate;
  bench::RunReport report = bench::RunLoad(workload.journeys, run);
  Print(Report(args, target, report, raw_verify, workload, presign_s), args.json);
  return report.committed == report.submitted ? 0 : 2;
}

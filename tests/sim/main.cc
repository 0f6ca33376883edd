// agritrace-sim: runs the deterministic simulation of the node's replication over a range of
// seeds.
//
//   agritrace-sim --validators 4 --byzantine 1 --seeds 1..200 [--seed S] [--verbose]
//                 [--mode silent|equivocating-proposer|double-voter|collude|forger|
//                         bad-certificate|flooder] [--storage-faults]
//
// Prints each failing seed with the violated property and exits 1 if any seed failed; a
// failing seed replays alone with --seed S (add --verbose for its event trace).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "chain/base/hash.h"
#include "tests/sim/simulator.h"

namespace {

using agritrace::sim::ByzantineMode;
using agritrace::sim::SimOptions;

struct Args {
  SimOptions options;
  uint64_t first = 1, last = 100;
};

int Usage(const char* why) {
  std::fprintf(stderr,
               "agritrace-sim: %s\nusage: agritrace-sim [--validators N] [--byzantine B] "
               "[--seeds A..B | --seed S] [--mode MODE] [--storage-faults] [--governance [--bug-keep-removed]] [--verbose]\n",
               why);
  return 2;
}

bool ParseSeeds(const std::string& text, Args& args) {
  size_t dots = text.find("..");
  if (dots == std::string::npos) return false;
  args.first = std::strtoull(text.substr(0, dots).c_str(), nullptr, 10);
  args.last = std::strtoull(text.substr(dots + 2).c_str(), nullptr, 10);
  return args.first <= args.last;
}

bool ParseMode(const std::string& text, SimOptions& options) {
  for (ByzantineMode mode : {ByzantineMode::kSilent, ByzantineMode::kEquivocatingProposer,
                             ByzantineMode::kDoubleVoter, ByzantineMode::kCollude,
                             ByzantineMode::kForger, ByzantineMode::kBadCertificate,
                             ByzantineMode::kFlooder}) {
    if (agritrace::sim::ByzantineModeName(mode) == text) {
      options.mode = mode;
      options.fixed_mode = true;
      return true;
    }
  }
  return false;
}

// Returns an error message, or empty on success.
std::string Parse(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--verbose") {
      args.options.verbose = true;
      continue;
    }
    if (flag == "--storage-faults") {
      args.options.storage_faults = true;
      continue;
    }
    if (flag == "--governance") {
      args.options.governance = true;
      continue;
    }
    if (flag == "--bug-keep-removed") {  // negative control: needs --governance
      args.options.bug_keep_removed = true;
      continue;
    }
    if (i + 1 >= argc) return "missing value for " + flag;
    std::string value = argv[++i];
    if (flag == "--validators") {
      args.options.validators = std::atoi(value.c_str());
    } else if (flag == "--byzantine") {
      args.options.byzantine = std::atoi(value.c_str());
    } else if (flag == "--seeds") {
      if (!ParseSeeds(value, args)) return "--seeds wants A..B";
    } else if (flag == "--seed") {
      args.first = args.last = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--mode") {
      if (!ParseMode(value, args.options)) return "unknown mode " + value;
    } else {
      return "unknown flag " + flag;
    }
  }
  if (args.options.validators < 1 || args.options.validators > 64) return "--validators 1..64";
  if (args.options.bug_keep_removed && !args.options.governance) {
    return "--bug-keep-removed needs --governance";
  }
  if (args.options.governance && args.options.validators < 2) return "--governance needs 2+";
  if (args.options.byzantine < 0 || args.options.byzantine > args.options.validators) {
    return "--byzantine 0..validators";
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string error = Parse(argc, argv, args);
  if (!error.empty()) return Usage(error.c_str());
  auto start = std::chrono::steady_clock::now();
  agritrace::chain::Sha256Builder combined;
  uint64_t failed = 0, runs = 0;
  for (uint64_t seed = args.first; seed <= args.last; ++seed, ++runs) {
    agritrace::sim::SimResult result = agritrace::sim::RunSimulation(seed, args.options);
    combined.Add(result.trace_hash);
    if (!result.ok) {
      ++failed;
      for (const std::string& violation : result.violations) {
        std::printf("FAIL seed %llu: %s\n", static_cast<unsigned long long>(seed),
                    violation.c_str());
      }
    }
    if (args.first == args.last || args.options.verbose) {
      std::printf(
          "seed %llu: %s heights %llu..%llu records %llu evidence %llu messages %llu bans %llu "
          "storage faults %llu changes %llu end %lld ms trace %s\n",
          static_cast<unsigned long long>(seed), result.ok ? "ok" : "FAILED",
          static_cast<unsigned long long>(result.min_height),
          static_cast<unsigned long long>(result.max_height),
          static_cast<unsigned long long>(result.records),
          static_cast<unsigned long long>(result.evidence),
          static_cast<unsigned long long>(result.messages),
          static_cast<unsigned long long>(result.bans),
          static_cast<unsigned long long>(result.storage_faults),
          static_cast<unsigned long long>(result.validator_changes),
          static_cast<long long>(result.end_ms), result.trace_hash.c_str());
    }
    std::fflush(stdout);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%llu seeds (%d validators, %d byzantine%s): %llu failed; trace hash %s; %.1f s\n",
              static_cast<unsigned long long>(runs), args.options.validators,
              args.options.byzantine, args.options.storage_faults ? ", storage faults" : "",
              static_cast<unsigned long long>(failed),
              agritrace::chain::ToHex(combined.Finish()).c_str(), seconds);
  return failed == 0 ? 0 : 1;
}

// Micro-benchmarks of the chain core (Google Benchmark). Figures, not tests:
//   build/bin/agritrace-microbench [--benchmark_format=json]
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/load_workload.h"
#include "chain/model/block.h"
#include "chain/bundle/bundle.h"
#include "chain/query/bundle_builder.h"
#include "chain/base/hash.h"
#include "chain/model/merkle.h"
#include "chain/model/record.h"
#include "chain/rules/rules.h"
#include "chain/store/store.h"

namespace agritrace::bench {
namespace {

void BM_Sign(benchmark::State& state) {
  chain::PrivateKey key = chain::PrivateKey::Generate();
  chain::Hash256 msg = chain::Sha256("agritrace");
  for (auto _ : state) benchmark::DoNotOptimize(key.Sign(msg));
}
BENCHMARK(BM_Sign);

void BM_Verify(benchmark::State& state) {
  chain::PrivateKey key = chain::PrivateKey::Generate();
  chain::Hash256 msg = chain::Sha256("agritrace");
  chain::Signature sig = key.Sign(msg);
  for (auto _ : state) benchmark::DoNotOptimize(chain::VerifySchnorr(key.public_key(), msg, sig));
}
BENCHMARK(BM_Verify);

// A small world: the genesis-like participants of a workload, registered in an overlay.
struct World {
  Workload workload;
  chain::ChainParams params;
  chain::StateOverlay base{nullptr};
  explicit World(size_t journeys) {
    WorkloadOptions options;
    options.chain_id = "bench";
    options.journeys = journeys;
    options.run_id = "b";
    workload = BuildWorkload(options);
    params.chain_id = "bench";
    for (const Signer& s : workload.signers) {
      v1::Participant p;
      p.set_pubkey(chain::AsBytes(s.key.public_key()));
      p.set_name(s.name);
      p.add_roles(s.role);
      base.PutParticipant(p);
    }
  }
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Decode + rules (no signature) for one journey's records (six plus two sensor readings).
void BM_ValidateJourney(benchmark::State& state) {
  World world(1);
  std::vector<chain::Record> records;
  for (const auto& e : world.workload.journeys[0]) records.push_back(*chain::DecodeRecord(e));
  const int64_t now = NowMs();
  for (auto _ : state) {
    chain::StateOverlay overlay(&world.base);
    for (uint32_t i = 0; i < records.size(); ++i) {
      chain::Status s = chain::ApplyRecord(records[i], world.params, {1, i, now}, overlay);
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    }
  }
  state.SetItemsProcessed(state.iterations() * records.size());
}
BENCHMARK(BM_ValidateJourney);

std::vector<chain::Hash256> Ids(size_t n) {
  std::vector<chain::Hash256> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back(chain::Sha256(std::to_string(i)));
  return ids;
}

void BM_MerkleRoot(benchmark::State& state) {
  auto ids = Ids(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(chain::MerkleRoot(ids));
  state.SetItemsProcessed(state.iterations() * ids.size());
}
BENCHMARK(BM_MerkleRoot)->Arg(1000)->Arg(10000);

void BM_MerkleProof(benchmark::State& state) {
  auto ids = Ids(state.range(0));
  chain::Hash256 root = chain::MerkleRoot(ids);
  uint32_t i = 0;
  for (auto _ : state) {
    auto proof = chain::BuildMerkleProof(ids, i++ % ids.size());
    benchmark::DoNotOptimize(chain::VerifyMerkleProof(ids[proof.index], proof, root));
  }
}
BENCHMARK(BM_MerkleProof)->Arg(1000);

// Commit blocks of `range(0)` harvest records to RocksDB (synced WriteBatch per block).
void BM_CommitBlock(benchmark::State& state) {
  const size_t per_block = state.range(0);
  const std::string dir = std::filesystem::temp_directory_path() / "agritrace-bench-store";
  std::filesystem::remove_all(dir);
  chain::PrivateKey validator = chain::PrivateKey::Generate();
  chain::Genesis genesis;
  genesis.chain_id = "bench";
  genesis.params.chain_id = "bench";
  genesis.validators.push_back({"v", validator.public_key(), "127.0.0.1:1"});
  chain::PrivateKey farmer = chain::PrivateKey::Generate();
  v1::Participant p;
  p.set_pubkey(chain::AsBytes(farmer.public_key()));
  p.set_name("farmer");
  p.add_roles(v1::ROLE_FARMER);
  genesis.participants.push_back(p);
  auto store = chain::ChainStore::Open(dir, genesis);
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  uint64_t lot = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const chain::ChainTip tip = (*store)->Tip();
    const int64_t now = NowMs();
    chain::StateOverlay changes(store->get());
    std::vector<v1::Envelope> envelopes;
    for (size_t i = 0; i < per_block; ++i) {
      v1::RecordBody body;
      body.set_chain_id("bench");
      body.set_timestamp_ms(now);
      body.set_nonce(++lot);
      v1::Harvest* h = body.mutable_harvest();
      h->mutable_lot()->set_gtin("06901234567892");
      h->mutable_lot()->set_lot("L" + std::to_string(lot));
      h->set_commodity("rice");
      h->mutable_quantity()->set_milli(1000);
      h->mutable_quantity()->set_unit("kg");
      v1::Envelope e = chain::SignRecord(body, farmer);
      chain::Status s =
          chain::ApplyRecord(*chain::DecodeRecord(e), genesis.params,
                             {tip.height + 1, static_cast<uint32_t>(i), now}, changes);
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
      envelopes.push_back(std::move(e));
    }
    v1::Block block =
        chain::MakeBlock("bench", tip.height + 1, tip.hash, now, validator.public_key(), envelopes);
    auto decoded = chain::DecodeBlock(block, "bench");
    state.ResumeTiming();
    chain::Status s = (*store)->CommitBlock(*decoded, changes);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * per_block);
  store->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_CommitBlock)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// A chain holding one journey of `events` records, each in its own certified block: the
// costliest shape for a proof bundle (one header, certificate and proof per record).
struct BundleChain {
  std::string dir = std::filesystem::temp_directory_path() / "agritrace-bench-bundle";
  chain::Genesis genesis;
  std::unique_ptr<chain::ChainStore> store;
  std::string lot;

  explicit BundleChain(size_t events) {
    WorkloadOptions o;
    o.chain_id = "bench";
    o.journeys = 1;
    o.farmers = o.packers = o.retailers = 1;
    o.readings_per_journey = events - kFixedJourneyRecords;
    o.run_id = "b";
    Workload w = BuildWorkload(o);
    lot = RetailLotOf(o, 0);
    chain::PrivateKey validator = chain::PrivateKey::Generate();
    genesis.chain_id = genesis.params.chain_id = "bench";
    genesis.validators.push_back({"v", validator.public_key(), "127.0.0.1:1"});
    for (const Signer& s : w.signers) {
      v1::Participant p;
      p.set_pubkey(chain::AsBytes(s.key.public_key()));
      p.set_name(s.name);
      p.add_roles(s.role);
      genesis.participants.push_back(p);
    }
    std::filesystem::remove_all(dir);
    auto opened = chain::ChainStore::Open(dir, genesis);
    if (!opened.ok()) std::abort();
    store = std::move(opened).value();
    for (const v1::Envelope& e : w.journeys.front()) Commit(e, validator);
  }
  ~BundleChain() {
    store.reset();
    std::filesystem::remove_all(dir);
  }

  void Commit(const v1::Envelope& e, const chain::PrivateKey& validator) {
    const chain::ChainTip tip = store->Tip();
    const int64_t now = NowMs();
    chain::StateOverlay changes(store.get());
    chain::Status s = chain::ApplyRecord(*chain::DecodeRecord(e), genesis.params,
                                         {tip.height + 1, 0, now}, changes);
    if (!s.ok()) std::abort();  // the workload is valid by construction
    v1::Block block =
        chain::MakeBlock("bench", tip.height + 1, tip.hash, now, validator.public_key(), {e});
    v1::CommitCertificate* cert = block.mutable_certificate();
    const chain::Hash256 hash = chain::BlockHash(block.header());
    cert->set_height(tip.height + 1);
    cert->set_block_hash(chain::AsBytes(hash));
    *cert->add_signatures() = chain::SignPrecommit(validator, "bench", tip.height + 1, 0, hash);
    if (!store->CommitBlock(*chain::DecodeBlock(block, "bench"), changes).ok()) std::abort();
  }
};

void BM_BundleBuild(benchmark::State& state) {
  BundleChain c(state.range(0));
  for (auto _ : state) {
    auto bundle = chain::BuildProofBundle(*c.store, c.genesis, c.lot);
    if (!bundle.ok()) state.SkipWithError(bundle.status().ToString().c_str());
    benchmark::DoNotOptimize(bundle);
  }
}
BENCHMARK(BM_BundleBuild)->Arg(20)->Arg(50)->Unit(benchmark::kMicrosecond);

void BM_BundleVerify(benchmark::State& state) {
  BundleChain c(state.range(0));
  auto bundle = chain::BuildProofBundle(*c.store, c.genesis, c.lot);
  if (!bundle.ok()) return state.SkipWithError(bundle.status().ToString().c_str());
  for (auto _ : state) {
    chain::BundleVerdict verdict = chain::VerifyProofBundle(*bundle, c.genesis);
    if (!verdict.ok()) state.SkipWithError(verdict.failures.front().c_str());
  }
}
BENCHMARK(BM_BundleVerify)->Arg(20)->Arg(50)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace agritrace::bench

BENCHMARK_MAIN();

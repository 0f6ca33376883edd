// Lineage traces over the real RocksDB store: branching graphs, blends, depth limits, and a
// lot with 10,000 descendants (timing printed, not asserted: benchmarks are not tests).
#include "chain/query/trace.h"
#include "chain/query/find_lots.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>

#include "chain/model/block.h"
#include "chain/base/hash.h"

namespace agritrace::chain {
namespace {

constexpr char kChain[] = "agritrace-trace-test";
constexpr char kGtin[] = "09506000134352";

std::string Key(const std::string& code) { return std::string("01/") + kGtin + "/10/" + code; }

class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-trace-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    genesis_.chain_id = kChain;
    genesis_.params.chain_id = kChain;
    genesis_.validators.push_back({"v0", validator_.public_key(), "127.0.0.1:1"});
    genesis_.hash = Sha256("trace genesis");
    auto store = ChainStore::Open(dir_, genesis_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Stages lot `code`, made from `parents` by record `via`.
  void Lot(const std::string& code, const std::vector<std::string>& parents = {},
           uint8_t via = 1) {
    v1::LotState lot;
    lot.mutable_lot()->set_gtin(kGtin);
    lot.mutable_lot()->set_lot(code);
    Hash256 record{};
    record[0] = via;
    for (const std::string& parent : parents) {
      lot.add_parents()->set_gtin(kGtin);
      lot.mutable_parents()->rbegin()->set_lot(parent);
      changes_.AddLineage(Key(parent), Key(code), record);
    }
    changes_.PutLot(Key(code), lot);
  }

  void Commit() {
    ChainTip tip = store_->Tip();
    v1::Block block = MakeBlock(kChain, tip.height + 1, tip.hash, 1000, validator_.public_key(), {});
    Hash256 hash = BlockHash(block.header());
    block.mutable_certificate()->set_height(tip.height + 1);
    block.mutable_certificate()->set_block_hash(AsBytes(hash));
    *block.mutable_certificate()->add_signatures() =
        SignPrecommit(validator_, kChain, tip.height + 1, 0, hash);
    auto decoded = DecodeBlock(block, kChain);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    Status st = store_->CommitBlock(*decoded, changes_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    changes_ = StateOverlay(nullptr);
  }

  v1::TraceResponse Trace(const std::string& code, v1::TraceDirection direction,
                          uint32_t depth = 0) {
    auto trace = TraceLineage(*store_, Key(code), direction, depth);
    EXPECT_TRUE(trace.ok()) << trace.status().ToString();
    return trace.ok() ? *trace : v1::TraceResponse();
  }

  static std::set<std::string> Lots(const v1::TraceResponse& trace) {
    std::set<std::string> out;
    for (const auto& link : trace.links()) out.insert(link.lot().substr(Key("").size()));
    return out;
  }

  std::string dir_;
  Genesis genesis_;
  const PrivateKey validator_ = PrivateKey::Generate();
  std::unique_ptr<ChainStore> store_;
  StateOverlay changes_{nullptr};
};

using Set = std::set<std::string>;


TEST_F(TraceTest, ForwardTraceReachesEveryRetailLotOfOneHarvest) {
  Lot("H");
  Lot("G");
  Lot("P1", {"H"}, 2);
  Lot("P2", {"H"}, 3);
  Lot("R1", {"P1"}, 4);
  Lot("R2", {"P1"}, 4);
  Lot("R3", {"P2"}, 5);
  Lot("R4", {"P2"}, 5);
  Lot("M", {"H", "G"}, 6);
  Commit();
  EXPECT_EQ(Lots(Trace("H", v1::TRACE_DIRECTION_FORWARD)),
            (Set{"P1", "P2", "R1", "R2", "R3", "R4", "M"}));
  EXPECT_EQ(Lots(Trace("H", v1::TRACE_DIRECTION_FORWARD, 1)), (Set{"P1", "P2", "M"}));
  EXPECT_EQ(Lots(Trace("R3", v1::TRACE_DIRECTION_BACKWARD)), (Set{"P2", "H"}));
  EXPECT_EQ(Lots(Trace("M", v1::TRACE_DIRECTION_BACKWARD)), (Set{"H", "G"}));
  v1::TraceResponse r1 = Trace("R1", v1::TRACE_DIRECTION_BACKWARD);
  ASSERT_EQ(r1.links_size(), 2);
  EXPECT_EQ(r1.links(0).via_lot(), Key("R1"));
  EXPECT_EQ(r1.links(0).record_id()[0], 4);
  EXPECT_EQ(r1.links(1).depth(), 2u);
  EXPECT_EQ(r1.links(1).state().lot().lot(), "H");
}

TEST_F(TraceTest, BackwardTraceReportsRecalledAncestors) {
  Lot("H");
  Commit();
  Lot("P", {"H"});
  v1::LotState h = *store_->GetLot(Key("H"));
  h.set_recalled(true);
  changes_.PutLot(Key("H"), h);
  Commit();
  v1::TraceResponse trace = Trace("P", v1::TRACE_DIRECTION_BACKWARD);
  ASSERT_EQ(trace.recalled_lots_size(), 1);
  EXPECT_EQ(trace.recalled_lots(0), Key("H"));
  EXPECT_EQ(Trace("H", v1::TRACE_DIRECTION_FORWARD).recalled_lots_size(), 0);
}

TEST_F(TraceTest, RejectsUnknownLotAndDirection) {
  EXPECT_EQ(TraceLineage(*store_, Key("X"), v1::TRACE_DIRECTION_FORWARD, 0).status().reason(),
            Reason::kUnknownLot);
  Lot("H");
  Commit();
  EXPECT_EQ(TraceLineage(*store_, Key("H"), v1::TRACE_DIRECTION_UNSPECIFIED, 0).status().reason(),
            Reason::kMalformed);
}

TEST_F(TraceTest, TenThousandDescendantsAreTracedThroughTheIndex) {
  constexpr int kDescendants = 10'000;
  Lot("H");
  Lot("OTHER");  // an unrelated lot with its own large family must not be visited
  for (int i = 0; i < kDescendants; ++i) Lot("C" + std::to_string(i), {"H"});
  for (int i = 0; i < 1000; ++i) Lot("O" + std::to_string(i), {"OTHER"});
  Commit();
  auto start = std::chrono::steady_clock::now();
  v1::TraceResponse forward = Trace("H", v1::TRACE_DIRECTION_FORWARD);
  auto forward_ms = std::chrono::duration<double, std::milli>(
      std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(forward.links_size(), kDescendants);
  EXPECT_FALSE(forward.truncated());
  start = std::chrono::steady_clock::now();
  v1::TraceResponse backward = Trace("C9999", v1::TRACE_DIRECTION_BACKWARD);
  auto backward_ms = std::chrono::duration<double, std::milli>(
      std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(Lots(backward), (Set{"H"}));
  std::cout << "[ figures  ] forward trace of " << kDescendants << " descendants: " << forward_ms
            << " ms; backward trace of one: " << backward_ms << " ms\n";
}

// --- Lots of a product (FSMA 204 requests by GTIN or commodity)

TEST_F(TraceTest, FindsLotsByGtinOrCommodityMadeByADate) {
  Lot("A1");
  Lot("A2", {"A1"});
  v1::LotState other;  // another GTIN, another commodity
  other.mutable_lot()->set_gtin("06901234567892");
  other.mutable_lot()->set_lot("Z1");
  other.set_commodity("tea");
  changes_.PutLot("01/06901234567892/10/Z1", other);
  v1::LotState late = *changes_.GetLot(Key("A2"));
  late.set_commodity("Rice");
  late.set_created_ms(5000);
  changes_.PutLot(Key("A2"), late);
  v1::LotState early = *changes_.GetLot(Key("A1"));
  early.set_commodity("rice");
  early.set_created_ms(1000);
  changes_.PutLot(Key("A1"), early);
  Commit();
  v1::FindLotsRequest by_gtin;
  by_gtin.set_gtin(kGtin);
  auto found = FindLots(*store_, by_gtin);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->lots_size(), 2);
  EXPECT_EQ(found->lots(0).lot().lot(), "A1");
  EXPECT_FALSE(found->truncated());
  v1::FindLotsRequest by_commodity;
  by_commodity.set_commodity("RICE");
  by_commodity.set_created_before_ms(2000);
  found = FindLots(*store_, by_commodity);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->lots_size(), 1);
  EXPECT_EQ(found->lots(0).lot().lot(), "A1");
  by_commodity.set_commodity("tea");
  by_commodity.set_created_before_ms(0);
  found = FindLots(*store_, by_commodity);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->lots_size(), 1);
  EXPECT_EQ(found->lots(0).lot().gtin(), "06901234567892");
}

TEST_F(TraceTest, FindLotsStopsAtItsLimitAndSaysSo) {
  for (size_t i = 0; i <= kMaxFoundLots; ++i) Lot("L" + std::to_string(i));
  Commit();
  v1::FindLotsRequest request;
  request.set_gtin(kGtin);
  auto found = FindLots(*store_, request);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(static_cast<size_t>(found->lots_size()), kMaxFoundLots);
  EXPECT_TRUE(found->truncated());
}

TEST_F(TraceTest, RejectsFindingLotsByNeitherOrBothOfGtinAndCommodity) {
  v1::FindLotsRequest request;
  EXPECT_EQ(FindLots(*store_, request).status().reason(), Reason::kMalformed);
  request.set_gtin(kGtin);
  request.set_commodity("rice");
  EXPECT_EQ(FindLots(*store_, request).status().reason(), Reason::kMalformed);
}

TEST_F(TraceTest, RejectsFindingLotsOfABadGtin) {
  v1::FindLotsRequest request;
  request.set_gtin("09506000134353");  // wrong check digit
  EXPECT_EQ(FindLots(*store_, request).status().reason(), Reason::kBadGs1Key);
}

}  // namespace
}  // namespace agritrace::chain

// Plots in genesis: parsed, rendered back, optional (files from before plots load unchanged),
// and refused with the field named when wrong.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chain/model/genesis.h"
#include "chain/model/plot.h"

namespace agritrace::chain {
namespace {

using Json = nlohmann::json;

class PlotGenesisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    farmer_ = ToHex(PrivateKey::Generate().public_key());
    doc_ = {{"chain_id", "agritrace-plots"},
            {"genesis_time_ms", 1764331200000},
            {"validators",
             {{{"name", "coop"},
               {"pubkey", ToHex(PrivateKey::Generate().public_key())},
               {"address", "127.0.0.1:7400"}}}},
            {"participants", {{{"name", "farmer"}, {"pubkey", farmer_}, {"roles", {"farmer"}}}}}};
  }
  Json Plot() {
    return {{"id", "plot-1"},       {"owner", "farmer"},  {"area", "100mu"},
            {"crop", "rice"},       {"max_yield", "700kg/mu"}, {"lat", 45.12},
            {"lon", 127.45},        {"location_name", "Niujia village"},
            {"season_start", "03-01"}};
  }
  std::string farmer_;
  Json doc_;
};

TEST_F(PlotGenesisTest, GenesisWithoutPlotsNeedsNoPlot) {
  Result<Genesis> genesis = ParseGenesis(doc_.dump());
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_FALSE(genesis->params.require_plot);
  EXPECT_TRUE(genesis->plots.empty());
}

TEST_F(PlotGenesisTest, ParsesAndRendersPlotsAndRequirePlot) {
  doc_["plots"] = {Plot()};
  doc_["params"] = {{"require_plot", true}};
  Result<Genesis> genesis = ParseGenesis(doc_.dump());
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_TRUE(genesis->params.require_plot);
  ASSERT_EQ(genesis->plots.size(), 1u);
  EXPECT_EQ(genesis->plots[0].cap_mg(), 70'000'000'000);
  EXPECT_EQ(ToHex(genesis->plots[0].owner()), farmer_);
  EXPECT_EQ(genesis->plots[0].season_start_month(), 3u);
  Result<Genesis> again = ParseGenesis(GenesisToJson(*genesis));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->params.require_plot);
  ASSERT_EQ(again->plots.size(), 1u);
  EXPECT_EQ(again->plots[0].SerializeAsString(), genesis->plots[0].SerializeAsString());
}

TEST_F(PlotGenesisTest, RefusesBadPlots) {
  const std::vector<std::pair<std::function<void(Json&)>, std::string>> cases = {
      {[](Json& p) { p["owner"] = "nobody"; }, "plots[0].owner"},
      {[](Json& p) { p["area"] = "10 acres"; }, "plots[0].area"},
      {[](Json& p) { p["max_yield"] = "700kg"; }, "plots[0].max_yield"},
      {[](Json& p) { p["season_start"] = "3/1"; }, "plots[0].season_start"},
      {[](Json& p) { p["colour"] = "green"; }, "plots[0].colour"},
  };
  for (const auto& [mutate, field] : cases) {
    Json doc = doc_;
    Json plot = Plot();
    mutate(plot);
    doc["plots"] = {plot};
    Result<Genesis> genesis = ParseGenesis(doc.dump());
    ASSERT_FALSE(genesis.ok()) << field;
    EXPECT_EQ(genesis.status().reason(), Reason::kMalformed);
    EXPECT_NE(genesis.status().message().find(field), std::string::npos)
        << genesis.status().message();
  }
  Json doc = doc_;
  doc["plots"] = {Plot(), Plot()};
  EXPECT_FALSE(ParseGenesis(doc.dump()).ok());
  doc = doc_;
  doc["params"] = {{"require_plot", "yes"}};
  EXPECT_FALSE(ParseGenesis(doc.dump()).ok());
}

}  // namespace
}  // namespace agritrace::chain

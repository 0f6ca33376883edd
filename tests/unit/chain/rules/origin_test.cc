// Origin backed by land: plots (register, transfer, retire), harvests within a plot's season
// cap, pesticide applications and their pre-harvest intervals, banned ingredients. Every
// rejection leaves state unchanged (ExpectRejected checks it).
#include <gtest/gtest.h>

#include "chain/model/plot.h"
#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::chain {
namespace {

using namespace testing_rules;  // NOLINT: the shared fixture's helpers and constants

constexpr char kPlot[] = "plot-7";

class OriginTest : public RulesFixture {
 protected:
  OriginTest() {
    Register(inspector_, "county-inspector", {v1::ROLE_INSPECTOR});
    Register(regulator_, "county-food-office", {v1::ROLE_REGULATOR});
    Register(neighbour_, "wang-farm", {v1::ROLE_FARMER});
  }

  v1::RecordBody RegisterPlotBody(const std::string& id, const std::string& area,
                                  const std::string& yield, const std::string& crop = "tomatoes",
                                  const PrivateKey* owner = nullptr) {
    v1::RecordBody body = Body();
    v1::RegisterPlot* reg = body.mutable_register_plot();
    reg->set_plot_id(id);
    reg->set_owner(Pub(owner ? *owner : farmer_));
    *reg->mutable_area() = ParseArea(area).value();
    reg->set_crop(crop);
    EXPECT_TRUE(ParseYield(yield, *reg->mutable_max_yield(), *reg->mutable_max_yield_per()).ok());
    return body;
  }

  // A 10 mu tomato plot capped at 700 kg/mu (7 t a season), owned by the farmer.
  void TenMuPlot() { ApplyOk(RegisterPlotBody(kPlot, "10mu", "700kg/mu"), inspector_); }

  v1::RecordBody PlotHarvest(const std::string& code, std::string_view qty,
                             const std::string& plot = kPlot, int64_t at_ms = kNow) {
    v1::RecordBody body = HarvestBody(code, qty);
    body.mutable_harvest()->set_plot(plot);
    body.set_event_time_ms(at_ms);
    return body;
  }

  v1::RecordBody InputBody(const std::string& ingredient, uint32_t phi_days, int64_t at_ms,
                           const std::string& plot = kPlot) {
    v1::RecordBody body = Body();
    v1::InputApplication* input = body.mutable_input_application();
    input->set_plot_id(plot);
    input->set_product("Brand-X 25% EC");
    input->set_active_ingredient(ingredient);
    input->set_phi_days(phi_days);
    body.set_event_time_ms(at_ms);
    body.set_event_tz_offset_min(480);
    return body;
  }

  v1::PlotState PlotAt(const std::string& id) const {
    std::optional<v1::PlotState> plot = state_.GetPlot(id);
    EXPECT_TRUE(plot.has_value()) << id;
    return plot.value_or(v1::PlotState());
  }

  const PrivateKey inspector_ = PrivateKey::Generate();
  const PrivateKey regulator_ = PrivateKey::Generate();
  const PrivateKey neighbour_ = PrivateKey::Generate();
};

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

TEST(PlotArithmetic, CapIsAreaTimesYieldExactlyAcrossUnits) {
  v1::Quantity mass;
  std::string per;
  ASSERT_TRUE(ParseYield("700kg/mu", mass, per).ok());
  EXPECT_EQ(PlotCapMg(ParseArea("10mu").value(), mass, per).value(), 7'000'000'000);
  // 1 ha = 15 mu exactly: 1 ha at 700 kg/mu is 10.5 t.
  EXPECT_EQ(PlotCapMg(ParseArea("1ha").value(), mass, per).value(), 10'500'000'000);
  // 1 mu = 666.67 m2: 2000 m2 = 3 mu exactly.
  EXPECT_EQ(PlotCapMg(ParseArea("2000m2").value(), mass, per).value(), 2'100'000'000);
  ASSERT_TRUE(ParseYield("9t/ha", mass, per).ok());
  EXPECT_EQ(PlotCapMg(ParseArea("15mu").value(), mass, per).value(), 9'000'000'000);
  // 1 m2 at 9 t/ha is 0.9 kg.
  EXPECT_EQ(PlotCapMg(ParseArea("1m2").value(), mass, per).value(), 900'000);
}

TEST(PlotArithmetic, RejectsBadAreasAndYields) {
  EXPECT_EQ(ParseArea("10 acres").status().reason(), Reason::kMalformed);
  EXPECT_EQ(ParseArea("0mu").status().reason(), Reason::kMalformed);
  EXPECT_EQ(ParseArea("200000ha").status().reason(), Reason::kMalformed);
  v1::Quantity mass;
  std::string per;
  EXPECT_FALSE(ParseYield("700kg", mass, per).ok());
  EXPECT_FALSE(ParseYield("700pcs/mu", mass, per).ok());
  EXPECT_FALSE(ParseYield("700kg/acre", mass, per).ok());
}

TEST(PlotArithmetic, SeasonStartsOnItsDayInLocalTime) {
  v1::PlotState plot;
  plot.set_season_start_month(3);
  plot.set_season_start_day(1);
  // 2026-02-28T20:00Z is 2026-03-01 04:00 at +08:00: the 2026 season there, 2025 in UTC.
  const int64_t t = 1'772'308'800'000;
  EXPECT_EQ(CivilDate(t, 0), "2026-02-28");
  EXPECT_EQ(SeasonYear(plot, t, 0), 2025);
  EXPECT_EQ(SeasonYear(plot, t, 480), 2026);
}

TEST_F(OriginTest, InspectorRegistersPlotWithItsCap) {
  TenMuPlot();
  v1::PlotState plot = PlotAt(kPlot);
  EXPECT_EQ(plot.cap_mg(), 7'000'000'000);
  EXPECT_EQ(plot.owner(), Pub(farmer_));
  EXPECT_EQ(plot.registered_by(), Pub(inspector_));
}

TEST_F(OriginTest, RejectsPlotRegisteredByAFarmer) {
  ExpectRejected(RegisterPlotBody(kPlot, "10mu", "700kg/mu"), farmer_, Reason::kNotAuthorized);
}

TEST_F(OriginTest, RejectsPlotIdTwice) {
  TenMuPlot();
  ExpectRejected(RegisterPlotBody(kPlot, "5mu", "700kg/mu"), admin_, Reason::kPlotExists);
}

TEST_F(OriginTest, RejectsPlotOwnedByANonFarmer) {
  ExpectRejected(RegisterPlotBody(kPlot, "10mu", "700kg/mu", "tomatoes", &packer_), inspector_,
                 Reason::kNotAuthorized);
  ExpectRejected(RegisterPlotBody(kPlot, "10mu", "700kg/mu", "tomatoes", &stranger_), inspector_,
                 Reason::kUnknownParticipant);
}

TEST_F(OriginTest, RejectsPlotWithBadShape) {
  v1::RecordBody body = RegisterPlotBody(kPlot, "10mu", "700kg/mu");
  body.mutable_register_plot()->mutable_area()->set_unit("acre");
  ExpectRejected(body, inspector_, Reason::kMalformed);
  body = RegisterPlotBody("plot 7", "10mu", "700kg/mu");
  ExpectRejected(body, inspector_, Reason::kMalformed);
  body = RegisterPlotBody(kPlot, "10mu", "700kg/mu");
  body.mutable_register_plot()->set_season_start_month(13);
  ExpectRejected(body, inspector_, Reason::kMalformed);
}

TEST_F(OriginTest, HarvestsUpToTheCapThenRefusesWithYieldExceeded) {
  TenMuPlot();
  ApplyOk(PlotHarvest("B1", "5t"), farmer_);
  Status st = ExpectRejected(PlotHarvest("B2", "2.5t"), farmer_, Reason::kYieldExceeded);
  EXPECT_NE(st.message().find("7000kg"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("5000kg is already harvested"), std::string::npos) << st.message();
  ApplyOk(PlotHarvest("B3", "2t"), farmer_);  // exactly up to the cap
  EXPECT_EQ(LotAt(KeyOf("B3")).plot(), kPlot);
  ExpectRejected(PlotHarvest("B4", "1g"), farmer_, Reason::kYieldExceeded);
}

TEST_F(OriginTest, NextSeasonStartsFromZero) {
  TenMuPlot();
  ApplyOk(PlotHarvest("B1", "7t", kPlot, kNow - 365 * kDayMs), farmer_);
  ApplyOk(PlotHarvest("B2", "7t"), farmer_);
  EXPECT_EQ(PlotAt(kPlot).seasons_size(), 2);
}

TEST_F(OriginTest, CountsCountLotsByTheirMass) {
  TenMuPlot();
  v1::RecordBody body = PlotHarvest("B1", "1401case");
  *body.mutable_harvest()->mutable_net_mass_per_unit() = Qty("5kg");  // 7005 kg
  ExpectRejected(body, farmer_, Reason::kYieldExceeded);
}

TEST_F(OriginTest, RejectsHarvestFromUnknownPlot) {
  ExpectRejected(PlotHarvest("B1", "1t", "plot-404"), farmer_, Reason::kUnknownPlot);
}

TEST_F(OriginTest, RejectsHarvestWithoutPlotWhenGenesisRequiresOne) {
  params_.require_plot = true;
  ExpectRejected(HarvestBody("B1", "1t"), farmer_, Reason::kUnknownPlot);
  TenMuPlot();
  ApplyOk(PlotHarvest("B1", "1t"), farmer_);
}

TEST_F(OriginTest, RejectsHarvestFromSomeoneElsesPlot) {
  TenMuPlot();
  ExpectRejected(PlotHarvest("B1", "1t"), neighbour_, Reason::kNotAuthorized);
}

TEST_F(OriginTest, RejectsHarvestOfAnotherCrop) {
  ApplyOk(RegisterPlotBody(kPlot, "10mu", "700kg/mu", "rice"), inspector_);
  ExpectRejected(PlotHarvest("B1", "1t"), farmer_, Reason::kCropMismatch);
}

TEST_F(OriginTest, CropMatchIgnoresCase) {
  ApplyOk(RegisterPlotBody(kPlot, "10mu", "700kg/mu", "Tomatoes"), inspector_);
  ApplyOk(PlotHarvest("B1", "1t"), farmer_);
}

TEST_F(OriginTest, RejectsHarvestTimedInTheFuture) {
  TenMuPlot();
  v1::RecordBody body = PlotHarvest("B1", "1t");
  body.clear_event_time_ms();
  body.mutable_harvest()->set_harvest_time_ms(kNow + 30 * kDayMs);
  ExpectRejected(body, farmer_, Reason::kEventTime);
}

TEST_F(OriginTest, TransferredPlotIsHarvestedByItsNewOwner) {
  TenMuPlot();
  v1::RecordBody transfer = Body();
  transfer.mutable_transfer_plot()->set_plot_id(kPlot);
  transfer.mutable_transfer_plot()->set_new_owner(Pub(neighbour_));
  ExpectRejected(transfer, packer_, Reason::kNotAuthorized);
  ApplyOk(transfer, farmer_);
  ExpectRejected(PlotHarvest("B1", "1t"), farmer_, Reason::kNotAuthorized);
  ApplyOk(PlotHarvest("B1", "1t"), neighbour_);
}

TEST_F(OriginTest, RejectsTransferToANonFarmer) {
  TenMuPlot();
  v1::RecordBody transfer = Body();
  transfer.mutable_transfer_plot()->set_plot_id(kPlot);
  transfer.mutable_transfer_plot()->set_new_owner(Pub(retailer_));
  ExpectRejected(transfer, inspector_, Reason::kNotAuthorized);
}

TEST_F(OriginTest, RetiredPlotTakesNoHarvestsOrInputs) {
  TenMuPlot();
  v1::RecordBody retire = Body();
  retire.mutable_retire_plot()->set_plot_id(kPlot);
  retire.mutable_retire_plot()->set_reason("merged into plot-8");
  ExpectRejected(retire, farmer_, Reason::kNotAuthorized);
  v1::RecordBody again = retire;
  retire.set_nonce(next_nonce_++);
  ApplyOk(retire, inspector_);
  again.set_nonce(next_nonce_++);
  ExpectRejected(again, inspector_, Reason::kPlotRetired);
  ExpectRejected(PlotHarvest("B1", "1t"), farmer_, Reason::kPlotRetired);
  ExpectRejected(InputBody("chlorantraniliprole", 7, kNow), farmer_, Reason::kPlotRetired);
}

TEST_F(OriginTest, RefusesHarvestBeforeThePreHarvestIntervalPassed) {
  TenMuPlot();
  ApplyOk(InputBody("chlorantraniliprole", 14, kNow - 3 * kDayMs), farmer_);
  Status st = ExpectRejected(PlotHarvest("B1", "1t"), farmer_, Reason::kPhiNotElapsed);
  EXPECT_NE(st.message().find("Brand-X 25% EC"), std::string::npos) << st.message();
  // Applied 2025-11-25 (+08:00), 14 days: harvest from 2025-12-09.
  EXPECT_NE(st.message().find("2025-12-09"), std::string::npos) << st.message();
  // A harvest before the application is fine (IntervalEnds... covers the end of the interval).
  ApplyOk(PlotHarvest("B2", "1t", kPlot, kNow - 4 * kDayMs), farmer_);
}

TEST_F(OriginTest, IntervalEndsExactlyPhiDaysAfterTheApplication) {
  TenMuPlot();
  ApplyOk(InputBody("imidacloprid", 3, kNow - 3 * kDayMs), farmer_);
  ApplyOk(PlotHarvest("B1", "1t"), farmer_);
  ExpectRejected(PlotHarvest("B2", "1t", kPlot, kNow - 1), farmer_, Reason::kPhiNotElapsed);
}

TEST_F(OriginTest, RejectsApplicationOnSomeoneElsesPlot) {
  TenMuPlot();
  ExpectRejected(InputBody("imidacloprid", 3, kNow), neighbour_, Reason::kNotAuthorized);
  ExpectRejected(InputBody("imidacloprid", 3, kNow, "plot-404"), farmer_, Reason::kUnknownPlot);
}

TEST_F(OriginTest, RegulatorBansAnIngredientForACrop) {
  TenMuPlot();
  v1::RecordBody ban = Body();
  ban.mutable_ban_ingredient()->set_crop("tomatoes");
  ban.mutable_ban_ingredient()->set_active_ingredient("Methamidophos");
  ban.mutable_ban_ingredient()->set_reason("highly toxic; banned on vegetables");
  ExpectRejected(ban, inspector_, Reason::kNotAuthorized);
  ApplyOk(ban, regulator_);
  ExpectRejected(InputBody("methamidophos", 7, kNow), farmer_, Reason::kIngredientBanned);
  // Banned for tomatoes only.
  ApplyOk(RegisterPlotBody("plot-8", "5mu", "600kg/mu", "rice"), inspector_);
  ApplyOk(InputBody("methamidophos", 7, kNow, "plot-8"), farmer_);
}

TEST_F(OriginTest, RejectsApplicationWithoutProductOrWithAHugeInterval) {
  TenMuPlot();
  v1::RecordBody body = InputBody("imidacloprid", 3, kNow);
  body.mutable_input_application()->clear_product();
  ExpectRejected(body, farmer_, Reason::kMalformed);
  ExpectRejected(InputBody("imidacloprid", kMaxPhiDays + 1, kNow), farmer_, Reason::kMalformed);
}

TEST_F(OriginTest, PlotKeepsABoundedNumberOfApplications) {
  TenMuPlot();
  for (int i = 0; i < kMaxPlotInputs + 5; ++i) {
    ApplyOk(InputBody("copper hydroxide", 1, kNow - 20 * kDayMs + i * 1000), farmer_);
  }
  ApplyOk(InputBody("abamectin", 14, kNow - 10 * kDayMs), farmer_);
  EXPECT_EQ(PlotAt(kPlot).inputs_size(), kMaxPlotInputs);
  ExpectRejected(PlotHarvest("B1", "1t"), farmer_, Reason::kPhiNotElapsed);
}

}  // namespace
}  // namespace agritrace::chain

namespace agritrace::chain {
namespace {

using namespace testing_rules;  // NOLINT

// Claims with tonnage and the producer's compliance certificate.
class ClaimsTest : public OriginTest {
 protected:
  ClaimsTest() {
    TenMuPlot();
    ApplyOk(RegisterPlotBody("plot-8", "10mu", "700kg/mu"), inspector_);
  }

  // A certificate on `plot` (or, with plot empty, on the farmer) for `claim` up to `tonnage`.
  Record CertifyPlot(const std::string& plot, const std::string& claim, const std::string& tonnage,
                     int64_t valid_until_ms = 0) {
    v1::RecordBody body = Body();
    v1::Certify* c = body.mutable_certify();
    if (plot.empty()) {
      c->set_farmer(Pub(farmer_));
    } else {
      c->set_plot_id(plot);
    }
    c->set_standard("GB/T 19630 organic");
    c->set_outcome(v1::CERT_OUTCOME_PASS);
    c->set_claim(claim);
    c->set_certificate_id("ORG-2026-0042");
    *c->mutable_tonnage() = Qty(tonnage);
    c->set_valid_until_ms(valid_until_ms);
    Record record = Sign(body, inspector_);
    Status st = ApplySigned(record);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return record;
  }

  int64_t Claimed(const std::string& code, const std::string& claim = "organic") {
    int64_t mg = 0;
    const v1::LotState lot = LotAt(KeyOf(code));
    for (const v1::LotClaim& c : lot.claims()) {
      if (c.claim() == claim) mg += c.claimed_mg();
    }
    return mg;
  }
};

TEST_F(ClaimsTest, HarvestInScopeCarriesTheClaimAndUsesTonnage) {
  Record cert = CertifyPlot(kPlot, "organic", "3t");
  ApplyOk(PlotHarvest("B1", "2t"), farmer_);
  EXPECT_EQ(Claimed("B1"), 2'000'000'000);
  const v1::LotClaim claim = LotAt(KeyOf("B1")).claims(0);
  EXPECT_EQ(claim.certificate(), AsBytes(cert.id));
  ASSERT_EQ(claim.plots_size(), 1);
  EXPECT_EQ(claim.plots(0), kPlot);
  EXPECT_EQ(state_.GetClaimCert(AsBytes(cert.id))->used_mg(), 2'000'000'000);
  // Another plot is outside the certificate's scope.
  ApplyOk(PlotHarvest("B2", "2t", "plot-8"), farmer_);
  EXPECT_EQ(LotAt(KeyOf("B2")).claims_size(), 0);
}

TEST_F(ClaimsTest, RefusesHarvestBeyondTheCertificatesTonnage) {
  CertifyPlot(kPlot, "organic", "3t");
  ApplyOk(PlotHarvest("B1", "2t"), farmer_);
  Status st = ExpectRejected(PlotHarvest("B2", "1.5t"), farmer_, Reason::kClaimExceeded);
  EXPECT_NE(st.message().find("ORG-2026-0042"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("3000kg"), std::string::npos) << st.message();
  // Waiving the claim harvests it uncertified.
  v1::RecordBody waived = PlotHarvest("B2", "1.5t");
  waived.mutable_harvest()->set_waive_claims(true);
  ApplyOk(waived, farmer_);
  EXPECT_EQ(LotAt(KeyOf("B2")).claims_size(), 0);
}

TEST_F(ClaimsTest, ExpiredCertificateGivesNoClaim) {
  CertifyPlot(kPlot, "organic", "3t", kNow - kDayMs);
  ApplyOk(PlotHarvest("B1", "1t"), farmer_);
  EXPECT_EQ(LotAt(KeyOf("B1")).claims_size(), 0);
}

TEST_F(ClaimsTest, FarmerCertificateCoversEveryPlotOfTheFarmer) {
  CertifyPlot("", "gi:Wuchang rice", "10t");
  ApplyOk(PlotHarvest("B1", "1t"), farmer_);
  ApplyOk(PlotHarvest("B2", "1t", "plot-8"), farmer_);
  EXPECT_EQ(Claimed("B1", "gi:Wuchang rice"), 1'000'000'000);
  EXPECT_EQ(Claimed("B2", "gi:Wuchang rice"), 1'000'000'000);
}

TEST_F(ClaimsTest, PackCarriesOnlyTheCertifiedShare) {
  CertifyPlot(kPlot, "organic", "5t");
  Register(farmer_, "li-farm", {v1::ROLE_FARMER, v1::ROLE_PACKER});
  ApplyOk(PlotHarvest("B1", "600kg"), farmer_);
  ApplyOk(PlotHarvest("B2", "400kg", "plot-8"), farmer_);
  v1::RecordBody pack = Body();
  v1::Transform* t = pack.mutable_transform();
  t->set_kind(v1::TRANSFORM_KIND_PACK);
  AddInput(t, "B1", "600kg");
  AddInput(t, "B2", "400kg");
  AddOutput(t, "P1", "200pcs", "5kg");
  ApplyOk(pack, farmer_);
  // 1000 kg in, 60% of it certified: the bags carry 600 kg of claim.
  EXPECT_EQ(Claimed("P1"), 600'000'000);
  // Half of the bags (500 kg carrying 300 kg of claim) blended with 300 kg of uncertified rice
  // into 500 kg: 500 x 300/800 = 187.5 kg of it carries the claim.
  ApplyOk(PlotHarvest("B3", "300kg", "plot-8"), farmer_);
  v1::RecordBody blend = Body();
  t = blend.mutable_transform();
  t->set_kind(v1::TRANSFORM_KIND_TRANSFORM);
  AddInput(t, "P1", "100pcs");
  AddInput(t, "B3", "300kg");
  AddOutput(t, "M1", "500kg");
  ApplyOk(blend, farmer_);
  EXPECT_EQ(Claimed("M1"), 187'500'000);
  ASSERT_EQ(LotAt(KeyOf("M1")).claims_size(), 1);
  EXPECT_EQ(LotAt(KeyOf("M1")).claims(0).plots(0), kPlot);
}

TEST_F(ClaimsTest, RejectsClaimCertificatesWithoutScopeOrOnUnknownPlots) {
  v1::RecordBody body = Body();
  v1::Certify* c = body.mutable_certify();
  c->set_standard("GB/T 19630 organic");
  c->set_outcome(v1::CERT_OUTCOME_PASS);
  c->set_claim("organic");
  *c->mutable_tonnage() = Qty("5t");
  ExpectRejected(body, inspector_, Reason::kMalformed);
  c->set_plot_id("plot-404");
  ExpectRejected(body, inspector_, Reason::kUnknownPlot);
  c->set_plot_id(kPlot);
  *c->mutable_tonnage() = Qty("5pcs");
  ExpectRejected(body, inspector_, Reason::kMalformed);
  *c->mutable_tonnage() = Qty("5t");
  ExpectRejected(body, farmer_, Reason::kNotAuthorized);
}

TEST_F(ClaimsTest, ProducerIssuesTheComplianceCertificate) {
  ApplyOk(PlotHarvest("B1", "1t"), farmer_);
  v1::RecordBody body = Body();
  *body.mutable_compliance_cert()->mutable_lot() = Lot("B1");
  body.mutable_compliance_cert()->set_basis(v1::COMPLIANCE_BASIS_SELF_COMMITMENT);
  ExpectRejected(body, packer_, Reason::kNotAuthorized);
  body.set_nonce(next_nonce_++);
  Record record = Sign(body, farmer_);
  ASSERT_TRUE(ApplySigned(record).ok());
  EXPECT_EQ(LotAt(KeyOf("B1")).compliance_cert(), AsBytes(record.id));
  body.set_nonce(next_nonce_++);
  body.mutable_compliance_cert()->set_basis(v1::COMPLIANCE_BASIS_COMMISSIONED_TEST);
  ExpectRejected(body, farmer_, Reason::kMalformed);  // a test basis needs its report
  *body.mutable_compliance_cert()->mutable_lot() = Lot("B404");
  body.mutable_compliance_cert()->set_basis(v1::COMPLIANCE_BASIS_SELF_COMMITMENT);
  ExpectRejected(body, farmer_, Reason::kUnknownLot);
}

}  // namespace
}  // namespace agritrace::chain

// The origin commands' builders (plot register, input, compliance-cert) and the printable
// compliance slip.
#include <gtest/gtest.h>

#include "chain/base/keys.h"
#include "chain/model/plot.h"
#include "wallet-cli/commands_origin.h"
#include "wallet-cli/compliance_slip.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;

TEST(OriginCommands, BuildsAPlotRegistrationWithPolygonAndSeason) {
  PlotArgs args;
  args.plot = "plot-10";
  args.area = "10mu";
  args.crop = "rice";
  args.max_yield = "700kg/mu";
  args.polygon = "45.1201,127.4501;45.1205,127.4501;45.1205,127.4507";
  args.location = "45.1203,127.4504";
  args.season_start = "03-01";
  const chain::PubKey owner = chain::PrivateKey::Generate().public_key();
  auto body = BuildRegisterPlot(args, owner);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  const v1::RegisterPlot& reg = body->register_plot();
  EXPECT_EQ(reg.area().milli(), 10'000);
  EXPECT_EQ(reg.area().unit(), "mu");
  EXPECT_EQ(reg.max_yield_per(), "mu");
  EXPECT_EQ(reg.polygon_size(), 3);
  EXPECT_EQ(reg.season_start_month(), 3u);
  EXPECT_EQ(chain::NewPlotState(reg)->cap_mg(), 7'000'000'000);
}

TEST(OriginCommands, RefusesBadAreasYieldsPolygonsAndSeasons) {
  PlotArgs args;
  args.plot = "plot-10";
  args.area = "10mu";
  args.crop = "rice";
  args.max_yield = "700kg/mu";
  const chain::PubKey owner = chain::PrivateKey::Generate().public_key();
  for (auto mutate : std::vector<std::function<void(PlotArgs&)>>{
           [](PlotArgs& a) { a.area = "10 acres"; },
           [](PlotArgs& a) { a.max_yield = "700kg"; },
           [](PlotArgs& a) { a.polygon = "45.12;127.45"; },
           [](PlotArgs& a) { a.season_start = "13-01"; }}) {
    PlotArgs bad = args;
    mutate(bad);
    EXPECT_EQ(BuildRegisterPlot(bad, owner).status().reason(), Reason::kMalformed);
  }
}

TEST(OriginCommands, BuildsAnApplication) {
  InputArgs args;
  args.plot = "plot-1";
  args.product = "Coragen 20% SC";
  args.active_ingredient = "chlorantraniliprole";
  args.phi_days = 14;
  auto body = BuildInput(args);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->input_application().phi_days(), 14u);
}

TEST(ComplianceSlip, HoldsTheLotTheProducerTheTitleAndTheQrCode) {
  ComplianceSlip slip;
  slip.product = "rice Wuchang";
  slip.quantity = "1000kg";
  slip.origin = "plot-1, Niujia village";
  slip.producer = "farmer (Wuchang Rice Co-operative)";
  slip.phone = "+86 451 5555 0101";
  slip.date = "2026-11-28";
  slip.basis = "self-test";
  slip.lot = "01/06901234567892/10/B1";
  slip.uri = "https://trace.example.com/01/06901234567892/10/B1";
  slip.claims = {"organic 60% (GB/T 19630 organic ORG-1)"};
  auto qr = EncodeQr(slip.uri);
  ASSERT_TRUE(qr.ok());
  const std::string svg = ComplianceSlipSvg(slip, *qr, SlipSize::k80mm);
  for (const char* expected : {"承诺达标合格证", "01/06901234567892/10/B1",
                               "Wuchang Rice Co-operative", "+86 451 5555 0101",
                               "☑ 自我检测", "width=\"80mm\"", "organic 60%", "<path fill=\"#000\""}) {
    EXPECT_NE(svg.find(expected), std::string::npos) << expected;
  }
  EXPECT_NE(ComplianceSlipSvg(slip, *qr, SlipSize::kA6).find("width=\"105mm\""), std::string::npos);
  // Text is escaped, never markup.
  slip.producer = "<script>";
  EXPECT_EQ(ComplianceSlipSvg(slip, *qr, SlipSize::k80mm).find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace agritrace::wallet

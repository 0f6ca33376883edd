// The origin commands' builders (plot register, input, compliance-cert) and the printable
// compliance slip.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "chain/base/keys.h"
#include "chain/model/plot.h"
#include "wallet-cli/commands_origin.h"
#include "wallet-cli/compliance_slip.h"
#include "wallet-cli/svg_png.h"

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

ComplianceSlip SampleSlip() {
  ComplianceSlip slip;
  slip.product = "rice";
  slip.quantity = "200pcs x 5kg";
  slip.origin = "plot-1, Niujia village, Wuchang";
  slip.producer = "packer";
  slip.basis = "self-commitment";
  slip.lot = "01/06901234567809/10/OB1";
  slip.uri = "https://trace.example.com/01/06901234567809/10/OB1";
  slip.claims = {"organic 60% (GB/T 19630 organic ORG-2026-0042)"};
  return slip;
}

TEST(ComplianceSlip, WrapsALongLineAtASpaceInsideThePage) {
  const ComplianceSlip slip = SampleSlip();
  auto qr = EncodeQr(slip.uri);
  ASSERT_TRUE(qr.ok());
  const std::string svg = ComplianceSlipSvg(slip, *qr, SlipSize::k80mm);
  EXPECT_NE(svg.find(">认证声明：organic 60% (GB/T 19630 organic</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">ORG-2026-0042)</text>"), std::string::npos) << svg;
}

// Width, height and resolution from a PNG's IHDR and pHYs chunks.
struct PngSize {
  uint32_t width = 0, height = 0, dpi = 0;
};
PngSize ReadPngSize(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  PngSize size;
  if (png.size() < 24 || png.compare(1, 3, "PNG") != 0) return size;
  size.width = be32(16);
  size.height = be32(20);
  const size_t phys = png.find("pHYs");
  if (phys != std::string::npos) {
    size.dpi = static_cast<uint32_t>(std::lround(be32(phys + 4) * 0.0254));
  }
  return size;
}

TEST(SvgPng, RendersTheSlipAtThePrintersResolution) {
  const ComplianceSlip slip = SampleSlip();
  auto qr = EncodeQr(slip.uri);
  ASSERT_TRUE(qr.ok());
  const std::string dir = ::testing::TempDir();
  const std::string label = dir + "/slip-80mm.png", a6 = dir + "/slip-a6.png";
  ASSERT_TRUE(
      WriteSvgPng(ComplianceSlipSvg(slip, *qr, SlipSize::k80mm), kLabelPrinterDpi, label).ok());
  PngSize size = ReadPngSize(label);
  EXPECT_EQ(size.width, 640u);  // 80 mm at 203 dpi
  EXPECT_GT(size.height, size.width);
  EXPECT_EQ(size.dpi, 203u);
  ASSERT_TRUE(WriteSvgPng(ComplianceSlipSvg(slip, *qr, SlipSize::kA6), kOfficePrinterDpi, a6).ok());
  size = ReadPngSize(a6);
  EXPECT_EQ(size.width, 1241u);  // 105 mm at 300 dpi
  EXPECT_EQ(size.height, 1749u);  // 148 mm: the text is scaled onto A6
  EXPECT_EQ(size.dpi, 300u);
  std::filesystem::remove(label);
  std::filesystem::remove(a6);
}

TEST(SvgPng, RefusesAResolutionOutOfRangeAndANonSvg) {
  const std::string path = ::testing::TempDir() + "/never.png";
  const std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10mm\" height=\"10mm\"/>";
  EXPECT_EQ(WriteSvgPng(svg, kMinPngDpi - 1, path).reason(), Reason::kMalformed);
  EXPECT_EQ(WriteSvgPng(svg, kMaxPngDpi + 1, path).reason(), Reason::kMalformed);
  EXPECT_EQ(WriteSvgPng("not an svg", kLabelPrinterDpi, path).reason(), Reason::kMalformed);
  // 10 m square at 600 dpi is far past kMaxPngPixels.
  const std::string huge =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10000mm\" height=\"10000mm\"/>";
  EXPECT_EQ(WriteSvgPng(huge, kMaxPngDpi, path).reason(), Reason::kMalformed);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace agritrace::wallet

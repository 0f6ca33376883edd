#include "wallet-cli/qr_code.h"

#include <sstream>

#include "chain/io/file_util.h"
#include "chain/model/gs1.h"
#include "wallet-cli/module_loader.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

}  // namespace

chain::Result<QrMatrix> EncodeQr(const std::string& text) {
  auto module = LoadRenderModule();
  if (!module.ok()) return module.status();
  render::QrModules modules = (*module)->encode_qr(text);
  if (!modules.ok) return Reject(Reason::kMalformed, "the text is too long for a QR code");
  QrMatrix qr;
  qr.size = modules.size;
  qr.dark = std::move(modules.dark);
  return qr;
}

chain::Status WriteQrPng(const QrMatrix& qr, const std::string& path) {
  auto module = LoadRenderModule();
  if (!module.ok()) return module.status();
  const int modules = qr.size + 2 * kQrQuietZoneModules;
  const int pixels = modules * kQrPngPixelsPerModule;
  std::vector<uint8_t> image(static_cast<size_t>(pixels) * pixels);
  for (int y = 0; y < pixels; ++y) {
    const int my = y / kQrPngPixelsPerModule - kQrQuietZoneModules;
    for (int x = 0; x < pixels; ++x) {
      const int mx = x / kQrPngPixelsPerModule - kQrQuietZoneModules;
      image[static_cast<size_t>(y) * pixels + x] = qr.at(mx, my) ? 0 : 255;
    }
  }
  render::PngResult png = (*module)->gray_png(pixels, pixels, image);
  if (!png.error.empty()) return Reject(Reason::kIoError, png.error + " writing " + path);
  return chain::WriteFileAtomic(path, png.png, false);
}

std::string QrSvg(const QrMatrix& qr) {
  const int modules = qr.size + 2 * kQrQuietZoneModules;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << modules << " " << modules
      << "\" width=\"" << modules * kQrPngPixelsPerModule << "\" height=\""
      << modules * kQrPngPixelsPerModule << "\" shape-rendering=\"crispEdges\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"";
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      if (qr.at(x, y)) {
        out << "M" << x + kQrQuietZoneModules << " " << y + kQrQuietZoneModules << "h1v1h-1z";
      }
    }
  }
  out << "\"/>\n</svg>\n";
  return out.str();
}

std::string QrTerminal(const QrMatrix& qr) {
  const int q = kQrQuietZoneModules;
  std::string out;
  for (int y = -q; y < qr.size + q; y += 2) {
    for (int x = -q; x < qr.size + q; ++x) {
      const bool top_light = !qr.at(x, y);
      const bool bottom_light = y + 1 < qr.size + q ? !qr.at(x, y + 1) : false;
      if (top_light && bottom_light)
        out += "\u2588";
      else if (top_light)
        out += "\u2580";
      else if (bottom_light)
        out += "\u2584";
      else
        out += " ";
    }
    out += "\n";
  }
  return out;
}

std::string DigitalLinkUri(const std::string& base_url, const std::string& gtin,
                           const std::string& lot, const std::string& serial) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string uri = base + "/01/" + gtin + "/10/" + chain::PercentEncodeSegment(lot);
  if (!serial.empty()) uri += "/21/" + chain::PercentEncodeSegment(serial);
  return uri;
}

}  // namespace agritrace::wallet

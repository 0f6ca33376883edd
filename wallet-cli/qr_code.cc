#include "wallet-cli/qr_code.h"

#include <png.h>
#include <qrencode.h>

#include <cstdio>
#include <memory>
#include <sstream>

#include "chain/model/gs1.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

}  // namespace

chain::Result<QrMatrix> EncodeQr(const std::string& text) {
  // Version 0 lets the library pick the smallest version that fits; 8-bit mode keeps the URI
  // byte for byte; case-sensitive since lot codes are.
  QRcode* code = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
  if (!code) return Reject(Reason::kMalformed, "the text is too long for a QR code");
  QrMatrix qr;
  qr.size = code->width;
  qr.dark.resize(static_cast<size_t>(qr.size) * qr.size);
  for (size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = code->data[i] & 1;
  QRcode_free(code);
  return qr;
}

chain::Status WriteQrPng(const QrMatrix& qr, const std::string& path) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) return Reject(Reason::kIoError, "cannot write " + path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info || setjmp(png_jmpbuf(png))) {  // libpng reports errors by longjmp
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return Reject(Reason::kIoError, "libpng failed writing " + path);
  }
  const int modules = qr.size + 2 * kQrQuietZoneModules;
  const int pixels = modules * kQrPngPixelsPerModule;
  png_init_io(png, file.get());
  png_set_IHDR(png, info, pixels, pixels, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  std::vector<png_byte> row(pixels);
  for (int y = 0; y < pixels; ++y) {
    const int my = y / kQrPngPixelsPerModule - kQrQuietZoneModules;
    for (int x = 0; x < pixels; ++x) {
      const int mx = x / kQrPngPixelsPerModule - kQrQuietZoneModules;
      row[x] = qr.at(mx, my) ? 0 : 255;
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return chain::Status::Ok();
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

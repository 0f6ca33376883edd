// QR codes for GS1 Digital Link URIs: encoding (libqrencode, error correction M or better),
// and three renderings: PNG (libpng), SVG (written by hand) and Unicode half blocks for a
// terminal. Every rendering includes the 4-module quiet zone readers need. libqrencode and
// libpng are in libagritrace-wallet-render.so, loaded on first use (wallet-cli/module_loader.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chain/base/status.h"

namespace agritrace::wallet {

// The quiet zone ISO/IEC 18004 requires around a symbol, in modules.
inline constexpr int kQrQuietZoneModules = 4;
// PNG pixels per module: 8 keeps a version-5 code about 330 px, crisp when printed small.
inline constexpr int kQrPngPixelsPerModule = 8;

// A square matrix of modules; true = dark.
struct QrMatrix {
  int size = 0;
  std::vector<bool> dark;  // row-major, size * size
  bool at(int x, int y) const {
    return x >= 0 && y >= 0 && x < size && y < size && dark[static_cast<size_t>(y) * size + x];
  }
};

// Error correction level M (15% of the symbol restorable). MALFORMED when the text is too
// long for any QR version.
chain::Result<QrMatrix> EncodeQr(const std::string& text);

chain::Status WriteQrPng(const QrMatrix& qr, const std::string& path);
std::string QrSvg(const QrMatrix& qr);
// Light modules are drawn (a terminal's text is light on dark), two rows per line.
std::string QrTerminal(const QrMatrix& qr);

// "{base}/01/{gtin}/10/{lot}[/21/{serial}]" with the values percent-encoded as GS1 Digital
// Link requires; a trailing "/" of `base_url` is dropped.
std::string DigitalLinkUri(const std::string& base_url, const std::string& gtin,
                           const std::string& lot, const std::string& serial);

}  // namespace agritrace::wallet

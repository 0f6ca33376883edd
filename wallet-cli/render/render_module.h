// What `agritrace` asks of libagritrace-wallet-render.so, the shared module that holds the
// CLI's image libraries: QR encoding (libqrencode), PNG encoding (libpng) and SVG rasterising
// (librsvg on cairo, with Pango and fontconfig behind them).
//
// Loaded with dlopen on the first command that draws (`qr`, `compliance-cert --slip`), so the
// other commands start without mapping the GTK stack (wallet-cli/module_loader.h). The module
// holds none of our code and writes no files: pixels, SVG text and PNG bytes cross as plain
// values, the caller writes the file. Both sides are built together; `abi_version` refuses a
// stale module.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agritrace::wallet::render {

// Bumped whenever anything in this header changes.
inline constexpr int kRenderModuleAbiVersion = 1;

struct QrModules {
  bool ok = false;         // false: the text fits no QR version
  int size = 0;            // modules per side
  std::vector<bool> dark;  // row-major, size * size
};

struct PngResult {
  std::string error;  // non-empty on failure
  std::string png;
};

// Why an SVG could not be drawn, for the caller's reason code.
enum class SvgFailure { kNone, kUnreadable, kNoPrintableSize, kRender, kEncode };

struct SvgPngResult {
  SvgFailure failure = SvgFailure::kNone;
  std::string error;
  std::string png;
};

struct RenderModule {
  int abi_version;
  // Error correction level M, 8-bit mode, smallest version that fits.
  QrModules (*encode_qr)(const std::string& text);
  // An 8-bit greyscale PNG of `width` x `height` pixels, row-major.
  PngResult (*gray_png)(int width, int height, const std::vector<uint8_t>& pixels);
  // Renders `svg` at `dpi` onto white, at most `max_pixels`, with a pHYs chunk for `dpi`.
  SvgPngResult (*svg_png)(const std::string& svg, int dpi, double max_pixels);
};

inline constexpr const char* kRenderModuleEntry = "agritrace_wallet_render_module";
inline constexpr const char* kRenderModuleFile = "libagritrace-wallet-render.so";

}  // namespace agritrace::wallet::render

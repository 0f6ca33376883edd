// Rasterises an SVG document (the compliance slip) to a PNG at a printer's resolution, with
// librsvg and cairo in libagritrace-wallet-render.so (loaded on first use,
// wallet-cli/module_loader.h). Text is laid out by Pango with the system's fonts through
// fontconfig, so Chinese needs a CJK font installed (fonts-wqy-zenhei or fonts-noto-cjk).
#pragma once

#include <string>

#include "chain/base/status.h"

namespace agritrace::wallet {

// 203 dpi (8 dots/mm) is the resolution of most thermal label printers; 300 dpi that of
// office laser printers and the better label printers.
inline constexpr int kLabelPrinterDpi = 203;
inline constexpr int kOfficePrinterDpi = 300;
// Resolutions accepted: below 72 dpi the slip's small English lines are unreadable; 600 dpi
// is the finest a label or office printer prints, and keeps a long 80 mm slip near 10 megapixels.
inline constexpr int kMinPngDpi = 72;
inline constexpr int kMaxPngDpi = 600;
// Largest image written (pixels), whatever the SVG claims its size to be: 64 MB of pixels.
inline constexpr double kMaxPngPixels = 16e6;

// Renders `svg` (its width and height in mm) at `dpi` onto white and writes it to `path`
// atomically. MALFORMED for a dpi out of range or an SVG librsvg cannot read or size;
// IO_ERROR when the PNG cannot be written.
chain::Status WriteSvgPng(const std::string& svg, int dpi, const std::string& path);

}  // namespace agritrace::wallet

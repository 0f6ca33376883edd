#include "wallet-cli/svg_png.h"

#include "chain/io/file_util.h"
#include "wallet-cli/module_loader.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

}  // namespace

chain::Status WriteSvgPng(const std::string& svg, int dpi, const std::string& path) {
  if (dpi < kMinPngDpi || dpi > kMaxPngDpi) {
    return Reject(Reason::kMalformed, "--dpi must be " + std::to_string(kMinPngDpi) + " to " +
                                          std::to_string(kMaxPngDpi) + ", not " +
                                          std::to_string(dpi));
  }
  auto module = LoadRenderModule();
  if (!module.ok()) return module.status();
  render::SvgPngResult png = (*module)->svg_png(svg, dpi, kMaxPngPixels);
  switch (png.failure) {
    case render::SvgFailure::kNone: break;
    case render::SvgFailure::kUnreadable:
      return Reject(Reason::kMalformed, "librsvg cannot read the slip: " + png.error);
    case render::SvgFailure::kNoPrintableSize:
      return Reject(Reason::kMalformed,
                    "the slip has no printable size at " + std::to_string(dpi) + " dpi (at most " +
                        std::to_string(static_cast<int64_t>(kMaxPngPixels)) + " pixels)");
    case render::SvgFailure::kRender:
      return Reject(Reason::kMalformed, "librsvg cannot render the slip: " + png.error);
    case render::SvgFailure::kEncode:
      return Reject(Reason::kIoError, "cairo cannot encode the PNG of " + path);
  }
  return chain::WriteFileAtomic(path, png.png, false);
}

}  // namespace agritrace::wallet

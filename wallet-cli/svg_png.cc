#include "wallet-cli/svg_png.h"

#include <cairo.h>
#include <librsvg/rsvg.h>
#include <zlib.h>

#include <cmath>
#include <memory>

#include "chain/io/file_util.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct CairoDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

std::string TakeMessage(GError* error) {
  std::string text = error && error->message ? error->message : "unknown error";
  if (error) g_error_free(error);
  return text;
}

cairo_status_t AppendPng(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void AppendBigEndian(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

// Inserts a pHYs chunk (pixels per metre) after IHDR, so that printing software prints the
// image at its true size (80 mm wide) rather than guessing 72 or 96 dpi. cairo writes none.
void SetPhysicalSize(std::string& png, int dpi) {
  constexpr size_t kIhdrEnd = 8 + 4 + 4 + 13 + 4;  // signature, length, type, data, CRC
  if (png.size() < kIhdrEnd) return;
  const uint32_t per_metre = static_cast<uint32_t>(std::lround(dpi / 0.0254));
  std::string chunk = "pHYs";
  AppendBigEndian(chunk, per_metre);
  AppendBigEndian(chunk, per_metre);
  chunk += '\x01';  // unit: metre
  std::string out;
  AppendBigEndian(out, 9);
  out += chunk;
  AppendBigEndian(out, static_cast<uint32_t>(
                           crc32(0, reinterpret_cast<const Bytef*>(chunk.data()), chunk.size())));
  png.insert(kIhdrEnd, out);
}

}  // namespace

chain::Status WriteSvgPng(const std::string& svg, int dpi, const std::string& path) {
  if (dpi < kMinPngDpi || dpi > kMaxPngDpi) {
    return Reject(Reason::kMalformed, "--dpi must be " + std::to_string(kMinPngDpi) + " to " +
                                          std::to_string(kMaxPngDpi) + ", not " +
                                          std::to_string(dpi));
  }
  GError* error = nullptr;
  std::unique_ptr<RsvgHandle, GObjectUnref> handle(
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
  if (!handle)
    return Reject(Reason::kMalformed, "librsvg cannot read the slip: " + TakeMessage(error));
  rsvg_handle_set_dpi(handle.get(), dpi);
  double width = 0, height = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &width, &height) || width <= 0 ||
      height <= 0 || width * height > kMaxPngPixels) {
    return Reject(Reason::kMalformed,
                  "the slip has no printable size at " + std::to_string(dpi) + " dpi (at most " +
                      std::to_string(static_cast<int64_t>(kMaxPngPixels)) + " pixels)");
  }
  const int px_width = static_cast<int>(std::ceil(width));
  const int px_height = static_cast<int>(std::ceil(height));
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, px_width, px_height));
  std::unique_ptr<cairo_t, CairoDestroy> cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);  // paper, under the slip's own background
  cairo_paint(cr.get());
  const RsvgRectangle viewport{0, 0, width, height};
  if (!rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &error)) {
    return Reject(Reason::kMalformed, "librsvg cannot render the slip: " + TakeMessage(error));
  }
  cairo_surface_flush(surface.get());
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), AppendPng, &png) != CAIRO_STATUS_SUCCESS) {
    return Reject(Reason::kIoError, "cairo cannot encode the PNG of " + path);
  }
  SetPhysicalSize(png, dpi);
  return chain::WriteFileAtomic(path, png, false);
}

}  // namespace agritrace::wallet

// libagritrace-wallet-render.so: libqrencode, libpng and librsvg/cairo for `agritrace` (see
// render_module.h). Built with hidden visibility; only the entry point is exported.
#include "wallet-cli/render/render_module.h"

#include <cairo.h>
#include <librsvg/rsvg.h>
#include <png.h>
#include <qrencode.h>
#include <zlib.h>

#include <cmath>
#include <memory>

namespace agritrace::wallet::render {
namespace {

QrModules EncodeQr(const std::string& text) {
  QrModules qr;
  // Version 0 lets the library pick the smallest version that fits; 8-bit mode keeps the URI
  // byte for byte; case-sensitive since lot codes are.
  QRcode* code = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
  if (!code) return qr;
  qr.ok = true;
  qr.size = code->width;
  qr.dark.resize(static_cast<size_t>(qr.size) * qr.size);
  for (size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = code->data[i] & 1;
  QRcode_free(code);
  return qr;
}

void AppendToString(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data),
                                                          length);
}

PngResult GrayPng(int width, int height, const std::vector<uint8_t>& pixels) {
  PngResult result;
  if (width <= 0 || height <= 0 ||
      pixels.size() != static_cast<size_t>(width) * static_cast<size_t>(height)) {
    result.error = "the image has no pixels";
    return result;
  }
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info || setjmp(png_jmpbuf(png))) {  // libpng reports errors by longjmp
    png_destroy_write_struct(&png, info ? &info : nullptr);
    result.error = "libpng failed";
    result.png.clear();
    return result;
  }
  png_set_write_fn(png, &result.png, AppendToString, nullptr);
  png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height; ++y) {
    png_write_row(png, pixels.data() + static_cast<size_t>(y) * width);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return result;
}

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

SvgPngResult Fail(SvgFailure failure, std::string error) {
  SvgPngResult result;
  result.failure = failure;
  result.error = std::move(error);
  return result;
}

SvgPngResult SvgPng(const std::string& svg, int dpi, double max_pixels) {
  GError* error = nullptr;
  std::unique_ptr<RsvgHandle, GObjectUnref> handle(
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
  if (!handle) return Fail(SvgFailure::kUnreadable, TakeMessage(error));
  rsvg_handle_set_dpi(handle.get(), dpi);
  double width = 0, height = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &width, &height) || width <= 0 ||
      height <= 0 || width * height > max_pixels) {
    return Fail(SvgFailure::kNoPrintableSize, "");
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
    return Fail(SvgFailure::kRender, TakeMessage(error));
  }
  cairo_surface_flush(surface.get());
  SvgPngResult result;
  if (cairo_surface_write_to_png_stream(surface.get(), AppendPng, &result.png) !=
      CAIRO_STATUS_SUCCESS) {
    return Fail(SvgFailure::kEncode, "cairo cannot encode the PNG");
  }
  SetPhysicalSize(result.png, dpi);
  return result;
}

constexpr RenderModule kModule{kRenderModuleAbiVersion, &EncodeQr, &GrayPng, &SvgPng};

}  // namespace
}  // namespace agritrace::wallet::render

extern "C" __attribute__((visibility("default"))) const agritrace::wallet::render::RenderModule*
agritrace_wallet_render_module() {
  return &agritrace::wallet::render::kModule;
}

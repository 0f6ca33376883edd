#include "wallet-cli/compliance_slip.h"

#include <algorithm>
#include <memory>
#include <sstream>
#include <vector>

namespace agritrace::wallet {
namespace {

// Page widths in millimetres and the margins and line heights drawn on them.
constexpr double kWidth80Mm = 80;
constexpr double kWidthA6Mm = 105;
constexpr double kHeightA6Mm = 148;
constexpr double kMarginMm = 4;
constexpr double kTitleMm = 5.2;     // title font size
constexpr double kTextMm = 3.2;      // Chinese line font size
constexpr double kSmallMm = 2.4;     // English line font size
constexpr double kLineMm = 7.6;      // a field: Chinese line plus English line
constexpr double kQrMm = 30;         // printed QR code: 30 mm reads from a phone at arm's length

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Text widths are estimated, not measured (the SVG is drawn without fonts): a CJK character
// is one em wide; digits and capitals at most 0.64 em in the sans-serifs the slip names
// (DejaVu's digits are 0.636 em), other Latin characters about 0.5 em.
constexpr double kWideLatinEm = 0.64;
constexpr double kLatinEm = 0.5;
constexpr char32_t kFirstWideCodePoint = 0x2E80;  // CJK radicals onward

double EmsOf(char32_t code) {
  if (code >= kFirstWideCodePoint) return 1.0;
  if ((code >= '0' && code <= '9') || (code >= 'A' && code <= 'Z')) return kWideLatinEm;
  return kLatinEm;
}

// Splits `text` into lines of at most `width_mm` at font size `size_mm`, at a space when the
// line has one, else between characters (never inside a UTF-8 sequence).
std::vector<std::string> Wrap(const std::string& text, double size_mm, double width_mm) {
  std::vector<std::string> lines;
  std::string line;
  double line_mm = 0;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    const size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t code = lead < 0x80 ? lead : lead & (0x7F >> len);
    for (size_t k = 1; k < len && i + k < text.size(); ++k) {
      code = (code << 6) | (text[i + k] & 0x3F);
    }
    const double char_mm = size_mm * EmsOf(code);
    if (line_mm + char_mm > width_mm && !line.empty()) {
      const size_t space = line.rfind(' ');
      std::string rest;
      if (space != std::string::npos && space > 0) {
        rest = line.substr(space + 1);
        line.resize(space);
      }
      lines.push_back(line);
      line = rest;
      line_mm = 0;
      for (unsigned char c : rest) line_mm += (c & 0xC0) == 0x80 ? 0 : size_mm * kWideLatinEm;
    }
    line.append(text, i, len);
    line_mm += char_mm;
    i += len;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

struct Basis {
  const char* key;
  const char* zh;
  const char* en;
};
constexpr Basis kBases[] = {
    {"commissioned-test", "委托检测", "commissioned test"},
    {"self-test", "自我检测", "self test"},
    {"internal-control", "内部质量控制", "internal quality control"},
    {"self-commitment", "自我承诺", "self commitment"},
};

class Page {
 public:
  explicit Page(double width) : width_(width), y_(kMarginMm) {}

  void Text(double x, double size, const std::string& text, const char* weight = "normal",
            const char* anchor = "start") {
    body_ << "<text x=\"" << x << "\" y=\"" << y_ + size << "\" font-size=\"" << size
          << "\" font-weight=\"" << weight << "\" text-anchor=\"" << anchor << "\">"
          << Escape(text) << "</text>\n";
  }
  // Lines of `text` wrapped to the page, each kept with `gap_mm` below it.
  void Lines(double x, double size, const std::string& text, double gap_mm,
             const char* anchor = "start") {
    const double room = std::string(anchor) == "middle" ? width_ - 2 * kMarginMm
                                                       : width_ - kMarginMm - x;
    for (const std::string& line : Wrap(text, size, room)) {
      Text(x, size, line, "normal", anchor);
      y_ += size + gap_mm;
    }
  }
  void Field(const std::string& zh, const std::string& en, const std::string& value) {
    Lines(kMarginMm, kTextMm, zh + "：" + value, 0.6);
    Text(kMarginMm, kSmallMm, en);
    y_ += kLineMm - kTextMm - 0.6;
  }
  void Rule() {
    body_ << "<line x1=\"" << kMarginMm << "\" y1=\"" << y_ << "\" x2=\"" << width_ - kMarginMm
          << "\" y2=\"" << y_ << "\" stroke=\"#000\" stroke-width=\"0.3\"/>\n";
    y_ += 1.5;
  }
  void Skip(double mm) { y_ += mm; }
  double y() const { return y_; }
  double width() const { return width_; }
  std::ostringstream& body() { return body_; }

 private:
  double width_;
  double y_;
  std::ostringstream body_;
};

void Commitments(Page& page, const std::string& basis) {
  page.Text(kMarginMm, kTextMm, "我承诺对产品质量安全以及合格证真实性负责：");
  page.Skip(kTextMm + 0.6);
  page.Text(kMarginMm, kSmallMm, "I commit to the safety of this product and the truth of this certificate:");
  page.Skip(kSmallMm + 1.6);
  const std::pair<const char*, const char*> statements[] = {
      {"☑ 不使用禁用农药兽药、停用兽药和非法添加物",
       "no banned pesticides or veterinary drugs, no illegal additives"},
      {"☑ 常规农药兽药残留不超标", "residues of permitted pesticides and drugs within limits"},
      {"☑ 对承诺的真实性负责", "I am responsible for the truth of this commitment"},
  };
  for (const auto& [zh, en] : statements) {
    page.Text(kMarginMm + 1, kTextMm, zh);
    page.Skip(kTextMm + 0.5);
    page.Text(kMarginMm + 5, kSmallMm, en);
    page.Skip(kSmallMm + 1.4);
  }
  page.Text(kMarginMm, kTextMm, "承诺依据 Basis：");
  page.Skip(kTextMm + 1);
  for (const Basis& b : kBases) {
    page.Text(kMarginMm + 1, kTextMm,
              std::string(basis == b.key ? "☑ " : "☐ ") + b.zh + "  " + b.en);
    page.Skip(kTextMm + 1.2);
  }
}

void QrBlock(Page& page, const QrMatrix& qr, const ComplianceSlip& slip) {
  const int modules = qr.size + 2 * kQrQuietZoneModules;
  const double module_mm = kQrMm / modules;
  const double x0 = (page.width() - kQrMm) / 2;
  const double y0 = page.y();
  page.body() << "<g transform=\"translate(" << x0 << " " << y0 << ") scale(" << module_mm
              << ")\" shape-rendering=\"crispEdges\">\n<rect width=\"" << modules
              << "\" height=\"" << modules << "\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"";
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      if (qr.at(x, y)) {
        page.body() << "M" << x + kQrQuietZoneModules << " " << y + kQrQuietZoneModules
                    << "h1v1h-1z";
      }
    }
  }
  page.body() << "\"/>\n</g>\n";
  page.Skip(kQrMm + 1);
  page.Text(page.width() / 2, kSmallMm, "扫码查看追溯信息 Scan to trace and verify", "normal",
            "middle");
  page.Skip(kSmallMm + 1);
  page.Lines(page.width() / 2, kSmallMm * 0.8, slip.uri, kSmallMm * 0.2 + 1, "middle");
}

}  // namespace

namespace {

// The slip laid out on a page `width` mm wide (its height is where the last line ends).
void LayOut(const ComplianceSlip& slip, const QrMatrix& qr, Page& page) {
  page.Text(page.width() / 2, kTitleMm, "承诺达标合格证", "bold", "middle");
  page.Skip(kTitleMm + 1);
  page.Text(page.width() / 2, kSmallMm, "Compliance Certificate (commitment to meet standards)",
            "normal", "middle");
  page.Skip(kSmallMm + 2);
  page.Rule();
  page.Field("产品名称", "Product", slip.product);
  page.Field("数量（重量）", "Quantity", slip.quantity);
  page.Field("产地", "Origin (plot, place)", slip.origin);
  page.Field("生产者", "Producer", slip.producer);
  page.Field("联系方式", "Phone", slip.phone);
  page.Field("开具日期", "Date issued", slip.date);
  page.Field("批次", "Lot", slip.lot);
  for (const std::string& claim : slip.claims) page.Field("认证声明", "Certified claim", claim);
  page.Rule();
  Commitments(page, slip.basis);
  page.Rule();
  QrBlock(page, qr, slip);
  page.Text(kMarginMm, kSmallMm * 0.7, "chain record " + slip.record_id);
  page.Skip(kSmallMm + kMarginMm);
}

}  // namespace

std::string ComplianceSlipSvg(const ComplianceSlip& slip, const QrMatrix& qr, SlipSize size) {
  // An 80 mm slip is as long as its text. An A6 page is 105 x 148 mm: when the text runs
  // longer, it is laid out on a proportionally larger page that the viewBox scales down to A6
  // (smaller type, a wider line, the same proportions).
  const double width_mm = size == SlipSize::kA6 ? kWidthA6Mm : kWidth80Mm;
  auto page = std::make_unique<Page>(width_mm);
  LayOut(slip, qr, *page);
  double scale = 1;
  if (size == SlipSize::kA6 && page->y() > kHeightA6Mm) {
    scale = kHeightA6Mm / page->y();
    page = std::make_unique<Page>(width_mm / scale);
    LayOut(slip, qr, *page);  // no longer than before: wider lines wrap less
  }
  const double height_mm = size == SlipSize::kA6 ? kHeightA6Mm : page->y();
  const double view_height = height_mm / scale;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width_mm << "mm\" height=\""
      << height_mm << "mm\" viewBox=\"0 0 " << page->width() << " " << view_height
      << "\" font-family=\"'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Zen Hei',"
         "'Microsoft YaHei',sans-serif\">\n"
      << "<title>承诺达标合格证 " << Escape(slip.lot) << "</title>\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
      << "<rect x=\"1\" y=\"1\" width=\"" << page->width() - 2 << "\" height=\"" << view_height - 2
      << "\" fill=\"none\" stroke=\"#000\" stroke-width=\"0.4\"/>\n"
      << page->body().str() << "</svg>\n";
  return out.str();
}

}  // namespace agritrace::wallet

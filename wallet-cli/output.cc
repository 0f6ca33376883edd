#include "wallet-cli/output.h"

#include <algorithm>
#include <ostream>

namespace agritrace::wallet {

nlohmann::json ErrorJson(const chain::Status& status) {
  return {{"error",
           {{"reason", std::string(chain::ReasonName(status.reason()))},
            {"message", status.message()}}}};
}

std::string ErrorLine(const chain::Status& status) {
  return "error: " + std::string(chain::ReasonName(status.reason())) + ": " + status.message();
}

std::string FormatFields(const Fields& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, key.size());
  std::string text;
  for (const auto& [key, value] : fields) {
    if (key.empty()) {  // a further line of the field above
      text.append(width + 2, ' ');
      text += value;
      text += '\n';
      continue;
    }
    text += key;
    text += ':';
    text.append(width - key.size() + 1, ' ');
    text += value;
    text += '\n';
  }
  return text;
}

// Strings from the chain may hold invalid UTF-8; replace rather than throw while printing.
std::string DumpJson(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Output::Json(const nlohmann::json& value) { out_ << DumpJson(value, 2) << '\n'; }

void Output::JsonLine(const nlohmann::json& value) { out_ << DumpJson(value, -1) << '\n'; }

void Output::Line(const std::string& text) { out_ << text << '\n'; }

void Output::Print(const Fields& fields) { out_ << FormatFields(fields); }

void Output::Warn(const std::string& text) { err_ << "warning: " << text << '\n'; }

void Output::Error(const chain::Status& status) {
  err_ << ErrorLine(status) << '\n';
  if (json_) out_ << DumpJson(ErrorJson(status), 2) << '\n';
  out_.flush();
}

}  // namespace agritrace::wallet

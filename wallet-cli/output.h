// How the wallet CLI prints: human text by default, JSON with --json, and errors in one shape.
//
// Errors: "error: REASON: sentence" on stderr; with --json also
// {"error": {"reason": "REASON", "message": "sentence"}} on stdout.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/base/status.h"

namespace agritrace::wallet {

// {"error": {"reason": ..., "message": ...}}.
nlohmann::json ErrorJson(const chain::Status& status);
// "error: REASON: sentence".
std::string ErrorLine(const chain::Status& status);

// value.dump(), replacing invalid UTF-8 instead of throwing; indent -1 is compact.
std::string DumpJson(const nlohmann::json& value, int indent);

// "key:   value" lines with the values aligned one column past the longest key; an empty key
// continues the field above on a line of its own.
using Fields = std::vector<std::pair<std::string, std::string>>;
std::string FormatFields(const Fields& fields);

// Writes to the given streams (std::cout/std::cerr in the binary, string streams in tests).
// Not thread-safe; the CLI is single-threaded.
class Output {
 public:
  Output(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  void set_json(bool json) { json_ = json; }
  bool json() const { return json_; }

  // Pretty JSON (2-space indent) on stdout.
  void Json(const nlohmann::json& value);
  // One compact JSON document per line (for results streamed per item).
  void JsonLine(const nlohmann::json& value);
  void Line(const std::string& text);
  void Print(const Fields& fields);
  void Warn(const std::string& text);  // "warning: ..." on stderr
  // Prints an error as described above.
  void Error(const chain::Status& status);

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool json_ = false;
};

}  // namespace agritrace::wallet

// The README's configuration table is the config schema (ConfigSchema()) rendered as Markdown:
// this test fails when they differ and prints the table to paste. With
// AGRITRACE_UPDATE_README=1 it rewrites the table in README.md instead.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <variant>

#include "node/common/config.h"

namespace agritrace::node {
namespace {

const char* const kReadmePath = AGRITRACE_TESTDATA "/../../README.md";
// The table sits between these two lines (HTML comments: invisible in the rendered README).
constexpr std::string_view kBeginMarker =
    "<!-- config-table: generated from ConfigSchema() in node/common/config.cc; "
    "AGRITRACE_UPDATE_README=1 build/bin/unit_node_common rewrites it -->\n";
constexpr std::string_view kEndMarker = "<!-- end config-table -->\n";

// 65536 -> "64 KiB": byte sizes as the README states them.
std::string FormatBytes(uint64_t bytes) {
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes == 0 || bytes % 1024 != 0) return std::to_string(bytes);
  std::string unit;
  for (const char* next : kUnits) {
    if (bytes % 1024 != 0) break;
    bytes /= 1024;
    unit = next;
  }
  return std::to_string(bytes) + " " + unit;
}

std::string DefaultCell(const ConfigEntry& entry) {
  const NodeConfig defaults;
  return std::visit(
      [&](auto member) -> std::string {
        const auto& value = defaults.*member;
        using T = std::remove_cvref_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return value.empty() ? "empty" : "`" + value + "`";
        } else if constexpr (std::is_same_v<T, bool>) {
          return value ? "`true`" : "`false`";
        } else if (entry.key.ends_with("_bytes")) {
          return FormatBytes(value);
        } else {
          return std::to_string(value);
        }
      },
      entry.member);
}

std::string RenderTable() {
  std::ostringstream out;
  out << "| option | default | flag of `run` | meaning |\n|---|---|---|---|\n";
  for (const ConfigEntry& entry : ConfigSchema()) {
    out << "| `" << entry.section << "." << entry.key << "` | " << DefaultCell(entry) << " | ";
    if (!entry.flag.empty()) out << "`" << entry.flag << "`";
    out << " | " << entry.comment << " |\n";
  }
  return out.str();
}

TEST(ConfigReadmeTest, FormatsByteSizesInTheLargestExactUnit) {
  EXPECT_EQ(FormatBytes(65536), "64 KiB");
  EXPECT_EQ(FormatBytes(40 * 1024 * 1024), "40 MiB");
  EXPECT_EQ(FormatBytes(1536), "1536");
  EXPECT_EQ(FormatBytes(1000), "1000");
  EXPECT_EQ(FormatBytes(0), "0");
}

TEST(ConfigReadmeTest, ReadmeTableIsTheSchema) {
  std::ifstream in(kReadmePath);
  ASSERT_TRUE(in) << "cannot read " << kReadmePath;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string readme = buffer.str();
  const size_t begin = readme.find(kBeginMarker);
  ASSERT_NE(begin, std::string::npos) << "README.md lacks the line " << kBeginMarker;
  const size_t table = begin + kBeginMarker.size();
  const size_t end = readme.find(kEndMarker, table);
  ASSERT_NE(end, std::string::npos) << "README.md lacks the line " << kEndMarker;

  const std::string expected = RenderTable();
  if (readme.compare(table, end - table, expected) == 0) return;
  if (const char* update = std::getenv("AGRITRACE_UPDATE_README"); update && *update == '1') {
    std::ofstream(kReadmePath) << readme.substr(0, table) << expected << readme.substr(end);
    GTEST_SKIP() << "rewrote the configuration table in " << kReadmePath;
  }
  FAIL() << "README.md's configuration table differs from ConfigSchema() "
            "(node/common/config.cc); it should read:\n"
         << expected;
}

}  // namespace
}  // namespace agritrace::node

// agritrace-dbstat: what a stopped node's chain takes on disk, per column family.
//   agritrace-dbstat DATA_DIR [--compact] [--json]
// Opens the RocksDB directory with the options the node last wrote to it (its OPTIONS file:
// compression, table format), so a --compact (flush, then a forced full compaction of every
// column family down to the bottom level) rewrites the files exactly as the node would.
// Reports the directory's bytes (as `du -sb` counts them, before and after), and per column
// family its live SST bytes, key count, and the logical bytes of its keys and values.
// Never run it on the data directory of a running node: RocksDB's lock refuses it.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/options_util.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

[[noreturn]] void Die(const std::string& what, const rocksdb::Status& s) {
  std::cerr << "error: " << what << ": " << s.ToString() << "\n";
  std::exit(1);
}

json ColumnFamilyStats(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf) {
  uint64_t keys = 0, key_bytes = 0, value_bytes = 0;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), cf));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++keys;
    key_bytes += it->key().size();
    value_bytes += it->value().size();
  }
  rocksdb::ColumnFamilyMetaData meta;
  db.GetColumnFamilyMetaData(cf, &meta);
  return {{"sst_bytes", meta.size},
          {"files", meta.file_count},
          {"keys", keys},
          {"key_bytes", key_bytes},
          {"value_bytes", value_bytes}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  bool compact = false, as_json = false;
  CLI::App app{"agritrace-dbstat: a stopped node's chain on disk, per column family"};
  app.add_option("DATA_DIR", dir, "the node's RocksDB directory (node.data_dir)")->required();
  app.add_flag("--compact", compact, "flush and compact every column family first");
  app.add_flag("--json", as_json, "print JSON");
  CLI11_PARSE(app, argc, argv);

  const uint64_t before = DirBytes(dir);
  rocksdb::ConfigOptions config;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  rocksdb::Status s = rocksdb::LoadLatestOptions(config, dir, &db_options, &descriptors);
  if (!s.ok()) Die("reading the options of " + dir, s);
  db_options.create_if_missing = false;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  if (!s.ok()) Die("opening " + dir, s);
  std::unique_ptr<rocksdb::DB> db(raw);

  if (compact) {
    s = db->Flush(rocksdb::FlushOptions(), handles);
    if (!s.ok()) Die("flushing", s);
    rocksdb::CompactRangeOptions options;
    options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (auto* cf : handles) {
      s = db->CompactRange(options, cf, nullptr, nullptr);
      if (!s.ok()) Die("compacting " + cf->GetName(), s);
    }
  }
  json families = json::object();
  uint64_t sst_bytes = 0;
  for (auto* cf : handles) {
    families[cf->GetName()] = ColumnFamilyStats(*db, cf);
    sst_bytes += families[cf->GetName()]["sst_bytes"].get<uint64_t>();
  }
  for (auto* cf : handles) db->DestroyColumnFamilyHandle(cf);
  s = db->Close();
  if (!s.ok()) Die("closing", s);
  db.reset();
  // Obsolete files (old WAL, replaced SSTs) are deleted on close; measure after it.
  const uint64_t after = DirBytes(dir);

  json report = {{"dir", dir},
                 {"compacted", compact},
                 {"dir_bytes_before", before},
                 {"dir_bytes_after", after},
                 {"sst_bytes", sst_bytes},
                 {"column_families", families}};
  if (as_json) {
    std::cout << report.dump(2) << "\n";
    return 0;
  }
  std::cout << dir << ": " << before << " bytes before, " << after << " after"
            << (compact ? " compaction" : "") << "\n";
  for (const auto& [name, f] : families.items()) {
    std::cout << "  " << name << ": " << f["sst_bytes"] << " bytes in " << f["files"]
              << " SST file(s), " << f["keys"] << " keys, " << f["key_bytes"] << " + "
              << f["value_bytes"] << " logical bytes\n";
  }
  return 0;
}

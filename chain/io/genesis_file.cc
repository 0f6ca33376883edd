#include "chain/io/genesis_file.h"

#include "chain/io/file_util.h"

namespace agritrace::chain {

Result<Genesis> LoadGenesis(const std::string& path) {
  Result<std::string> bytes = ReadFile(path, kMaxGenesisFileBytes);
  if (!bytes.ok()) return bytes.status();
  return ParseGenesis(*bytes);
}

}  // namespace agritrace::chain

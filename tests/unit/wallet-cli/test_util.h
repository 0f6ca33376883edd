// Helpers shared by the wallet unit tests: a temporary keystore directory.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace agritrace::wallet::testing {

// A fresh directory under $TMPDIR, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "agritrace-wallet-XXXXXX");
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace agritrace::wallet::testing

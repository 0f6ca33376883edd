// Fuzz target: node.toml. LoadConfig reads a path, so each input is written to one scratch
// file per process (in $TMPDIR, removed at exit) and loaded from there. Unknown keys, wrong
// types, out-of-range integers and broken TOML must all come back as MALFORMED, never as an
// exception or a crash; a config that loads is written back with ConfigToToml (to a second
// scratch file in the same directory) and must load again equal.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "node/common/config.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

namespace {

// The scratch file; unlinked when the process exits.
class ScratchFile {
 public:
  ScratchFile() {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/agritrace-fuzz-config-XXXXXX";
    const int fd = mkstemp(path_.data());
    FUZZ_CHECK(fd >= 0);
    close(fd);
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

  void Write(const std::string& text) {
    Write(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  }
  void Write(const uint8_t* data, size_t size) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    FUZZ_CHECK(f != nullptr);
    FUZZ_CHECK(std::fwrite(data, 1, size, f) == size);
    std::fclose(f);
  }

 private:
  std::string path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ScratchFile file;
  file.Write(data, size);
  auto config = node::LoadConfig(file.path());
  if (!config.ok()) {
    FUZZ_CHECK(config.status().reason() == chain::Reason::kMalformed);
    return 0;
  }
  static ScratchFile written;
  written.Write(node::ConfigToToml(*config));
  auto reloaded = node::LoadConfig(written.path());
  FUZZ_CHECK(reloaded.ok());
  FUZZ_CHECK(*reloaded == *config);
  (void)config->Resolve(config->data_dir);
  return 0;
}

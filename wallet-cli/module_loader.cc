#include "wallet-cli/module_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <vector>

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

// The folder of the running executable, from /proc/self/exe ("" when unreadable).
std::string ExecutableDir() {
  char path[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) return "";
  const std::string exe(path, static_cast<size_t>(length));
  const size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "" : exe.substr(0, slash);
}

std::vector<std::string> Candidates(const char* file) {
  const std::string dir = ExecutableDir();
  if (dir.empty()) return {file};  // then the loader's own search path
  return {dir + "/" + file, dir + "/../lib/agritrace/" + file};
}

// dlopen's the first candidate that exists and returns its entry point's answer. RTLD_LOCAL:
// nothing of the module is visible to the executable but what the entry point hands out.
chain::Result<const void*> Load(const char* file, const char* entry) {
  std::string tried;
  for (const std::string& path : Candidates(file)) {
    if (path.find('/') != std::string::npos && access(path.c_str(), F_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      return Reject(Reason::kUnavailable,
                    "cannot load " + path + ": " + (why ? why : "unknown error"));
    }
    using EntryPoint = const void* (*)();
    auto* get = reinterpret_cast<EntryPoint>(dlsym(handle, entry));
    if (!get) return Reject(Reason::kUnavailable, path + " has no " + entry + "()");
    return get();
  }
  return Reject(Reason::kUnavailable, std::string("the agritrace module ") + file +
                                          " is missing (looked for " + tried + ")");
}

template <typename Module>
chain::Result<const Module*> LoadChecked(const char* file, const char* entry, int abi_version) {
  static const Module* cached = nullptr;
  if (cached) return cached;
  auto loaded = Load(file, entry);
  if (!loaded.ok()) return loaded.status();
  const auto* module = static_cast<const Module*>(*loaded);
  if (!module || module->abi_version != abi_version) {
    return Reject(Reason::kUnavailable,
                  std::string(file) + " does not match this agritrace (ABI " +
                      std::to_string(module ? module->abi_version : 0) + ", expected " +
                      std::to_string(abi_version) + "): rebuild both");
  }
  cached = module;
  return cached;
}

}  // namespace

chain::Result<const net::NetModule*> LoadNetModule() {
  return LoadChecked<net::NetModule>(net::kNetModuleFile, net::kNetModuleEntry,
                                     net::kNetModuleAbiVersion);
}

chain::Result<const render::RenderModule*> LoadRenderModule() {
  return LoadChecked<render::RenderModule>(render::kRenderModuleFile, render::kRenderModuleEntry,
                                           render::kRenderModuleAbiVersion);
}

}  // namespace agritrace::wallet

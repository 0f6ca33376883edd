// The CLI's optional shared modules, loaded with dlopen on first use: the network clients
// (gRPC, HTTP: wallet-cli/net/net_module.h) and the image libraries (QR, PNG, SVG:
// wallet-cli/render/render_module.h).
//
// Why: `agritrace` is a short-lived process, and mapping and relocating gRPC (with abseil and
// re2), libssl and the GTK stack cost about 12 ms of a 24 ms `agritrace verify FILE` that needs
// none of them. The executable links only what the offline commands use (chain libraries,
// protobuf, libsecp256k1, OpenSSL's libcrypto); a command that talks to a node or draws loads
// its module when it first needs it (docs/performance.md, "agritrace verify without gRPC").
//
// A module is looked for beside the executable (the build tree, build/bin/), then in
// ../lib/agritrace/ relative to it (an installed tree). A missing or stale module is an
// UNAVAILABLE error naming the file, never a crash. Not thread-safe (the CLI is one thread).
#pragma once

#include "chain/base/status.h"
#include "wallet-cli/net/net_module.h"
#include "wallet-cli/render/render_module.h"

namespace agritrace::wallet {

// Loaded once per process and never unloaded.
chain::Result<const net::NetModule*> LoadNetModule();
chain::Result<const render::RenderModule*> LoadRenderModule();

}  // namespace agritrace::wallet

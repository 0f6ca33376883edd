#include "wallet-cli/app.h"

#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "wallet-cli/cli_context.h"
#include "wallet-cli/commands.h"
#include "wallet-cli/commands_events.h"
#include "wallet-cli/commands_origin.h"
#include "wallet-cli/output.h"

namespace agritrace::wallet {
namespace {

// Exit codes: CLI11's own codes (100+) are folded into 2, the usual "usage error".
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr uint32_t kMaxTimeoutMs = 24 * 3600 * 1000;

// Shown under every subcommand's --help, since CLI11 lists parent options only on the parent.
constexpr const char* kGlobalFooter =
    "Global options (before or after the subcommand):\n"
    "  --node HOST:PORT       node address (env AGRITRACE_NODE, default 127.0.0.1:7400)\n"
    "  --keystore DIR         keystore directory (env AGRITRACE_KEYSTORE,\n"
    "                         default $HOME/.agritrace/keystore)\n"
    "  --key NAME             signing key (env AGRITRACE_KEY)\n"
    "  --json                 print JSON instead of text\n"
    "  --password-file FILE   keystore password file (else env AGRITRACE_PASSWORD, else a\n"
    "                         prompt on a terminal)\n"
    "  --chain-id ID          chain id for offline signing (default: asked from the node)\n"
    "  --timeout-ms MS        per-call deadline (default 30000)\n"
    "  --tls-ca FILE --tls-cert FILE --tls-key FILE\n"
    "                         mutual TLS to the node (env AGRITRACE_TLS_CA, _CERT, _KEY)";

void AddGlobalOptions(CLI::App& app, GlobalOptions& opts) {
  app.add_option("--node", opts.node, "Node address HOST:PORT (env AGRITRACE_NODE)")
      ->capture_default_str();
  app.add_option("--keystore", opts.keystore_dir, "Keystore directory (env AGRITRACE_KEYSTORE)")
      ->capture_default_str();
  app.add_option("--key", opts.key_name, "Signing key name in the keystore (env AGRITRACE_KEY)");
  app.add_flag("--json", opts.json, "Print JSON instead of text");
  app.add_option("--password-file", opts.password_file,
                 "File holding the keystore password (else env AGRITRACE_PASSWORD, else a "
                 "prompt on a terminal)");
  app.add_option("--chain-id", opts.chain_id,
                 "Chain id for offline signing (default: asked from the node)");
  app.add_option("--timeout-ms", opts.timeout_ms, "Per-call deadline in milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(uint32_t{1}, kMaxTimeoutMs));
  app.add_option("--tls-ca", opts.tls_ca, "CA certificate of the node's network (PEM)");
  app.add_option("--tls-cert", opts.tls_cert,
                 "Client certificate (clientAuth only: scripts/make-certs.sh DIR NAME), signed by "
                 "that CA (PEM)");
  app.add_option("--tls-key", opts.tls_key, "Key of the client certificate (PEM)");
}

int RunAction(const Action& action, Output& out) {
  chain::Status status;
  try {
    status = action();
  } catch (const std::exception& e) {
    // Nothing we call is expected to throw; if something does, report it in the usual shape.
    status = chain::Status(chain::Reason::kInternal, std::string("unexpected failure: ") + e.what());
  }
  if (status.ok()) return 0;
  out.Error(status);
  return kExitFailure;
}

}  // namespace

int RunCli(int argc, char** argv, std::ostream& out_stream, std::ostream& err_stream) {
  Output out(out_stream, err_stream);
  Context ctx(DefaultGlobalOptions(), out);
  Action action;

  CLI::App app("agritrace: wallet for the AgriTrace traceability chain (keys, signing, "
               "submitting, queries)",
               "agritrace");
  app.fallthrough();  // global options also after the subcommand; inherited by subcommands
  app.require_subcommand(1);
  AddGlobalOptions(app, ctx.options());
  app.footer(kGlobalFooter);  // inherited by the subcommands created below
  AddKeyCommands(app, ctx, action);
  AddSignCommands(app, ctx, action);
  AddRecordCommands(app, ctx, action);
  AddQueryCommands(app, ctx, action);
  AddEvidenceCommands(app, ctx, action);
  AddValidatorCommands(app, ctx, action);
  AddEventCommands(app, ctx, action);
  AddCustodyCommands(app, ctx, action);
  AddConsumerCommands(app, ctx, action);
  AddOriginCommands(app, ctx, action);
  app.footer("");  // the top-level help already lists the global options

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out_stream, err_stream);
    return code == 0 ? 0 : kExitUsage;
  }
  out.set_json(ctx.options().json);
  if (!action) return kExitUsage;  // unreachable: require_subcommand
  if (chain::Status tls = ctx.LoadTls(); !tls.ok()) {
    out.Error(tls);
    return kExitFailure;
  }
  return RunAction(action, out);
}

int RunCli(int argc, char** argv) { return RunCli(argc, argv, std::cout, std::cerr); }

}  // namespace agritrace::wallet

// The `agritrace` subcommands. Each Add*Commands registers subcommands on the app; when one is
// chosen its work is stored in `action` and run after the whole command line has been parsed
// (so global options given after the subcommand are already in the Context).
//
// The Build*/Run* functions are exposed for unit tests; they print through ctx.out().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "agritrace/v1/ledger.pb.h"
#include "agritrace/v1/records.pb.h"
#include "chain/model/record.h"
#include "chain/base/status.h"
#include "wallet-cli/cli_context.h"
#include "wallet-cli/output.h"

namespace agritrace::wallet {

using Action = std::function<chain::Status()>;

void AddKeyCommands(CLI::App& app, Context& ctx, Action& action);
void AddSignCommands(CLI::App& app, Context& ctx, Action& action);
void AddRecordCommands(CLI::App& app, Context& ctx, Action& action);
void AddQueryCommands(CLI::App& app, Context& ctx, Action& action);
// `evidence`: equivocation evidence committed on chain (commands_evidence.cc).
void AddEvidenceCommands(CLI::App& app, Context& ctx, Action& action);
// validator propose add|remove|rotate, validator withdraw, validators (commands_validators.cc).
void AddValidatorCommands(CLI::App& app, Context& ctx, Action& action);
// Prints committed evidence (exposed for tests): one line each, or with --json an array.
void PrintEvidence(Context& ctx, const v1::ListEvidenceResponse& response);
// `qr` and `verify` (commands_consumer.cc).
void AddConsumerCommands(CLI::App& app, Context& ctx, Action& action);
// ship, receive, cancel-shipment, loss, sell, aggregate, disaggregate (commands_custody.cc).
void AddCustodyCommands(CLI::App& app, Context& ctx, Action& action);

// Registers `callback` on `sub` so that choosing it stores `run` into `action`.
template <typename Run>
void SetAction(CLI::App* sub, Action& action, Run run) {
  sub->callback([&action, run] { action = run; });
}

// --- Signing (commands_sign.cc)

// Flags every signing command accepts.
struct SignFlags {
  bool no_wait = false;   // return once accepted into the mempool
  std::string out_file;   // sign offline into this file instead of submitting
  std::string time;       // record timestamp (ISO 8601); default now
  std::string at;         // when the event happened (ISO 8601 with its offset); default now
};

// Adds --no-wait, --out, --time and --at to a signing command.
void AddSignFlags(CLI::App* sub, SignFlags& flags);

// When the event happened and the UTC offset it is shown in. --at with an offset keeps its
// offset; --at without one is read in the default zone, which is the signer's time zone from
// its participant record (asked from the node unless signing offline) or else this machine's.
// Without --at: time_ms 0 (the chain reads it as when signed) in the default zone.
struct EventTime {
  int64_t time_ms = 0;
  int32_t offset_min = 0;
};
chain::Result<EventTime> ResolveEventTime(Context& ctx, const SignFlags& flags);

// Signs `body` (its event set) with the --key key and either writes it to --out or submits it,
// printing the one-line result (with --json also what the record created, CreatedJson).
chain::Status SignAndSend(Context& ctx, const SignFlags& flags, v1::RecordBody body);
// Same, returning the signed record without printing or submitting (for --out and tests).
chain::Result<chain::Record> SignForContext(Context& ctx, const SignFlags& flags,
                                            v1::RecordBody body);

struct HarvestArgs {
  std::string lot;
  std::string commodity;
  std::string variety;
  std::string quantity;
  std::string net_mass;
  std::string field;
  std::string location;       // LAT,LON
  std::string gln;
  std::string harvest_time;   // ISO 8601; default now
  std::string temp_range;     // allowed range "MIN..MAX" degrees C (sensor breaches)
  std::string humidity_range; // allowed range "MIN..MAX" percent
  std::vector<std::string> refs;  // TYPE:ID document references
  std::string plot;               // registered plot id
  bool no_claim = false;          // waive the claims of certificates in scope
};
// `now_ms` is the harvest time when --harvest-time is not given (the event time, else now).
chain::Result<v1::RecordBody> BuildHarvest(const HarvestArgs& args, int64_t now_ms);

struct TransformArgs {
  std::vector<std::string> from;  // LOT:QTY
  std::vector<std::string> to;    // LOT:QTY
  std::string net_mass;
  std::string commodity;
  std::string variety;
  std::string temp_range;      // allowed range of every output, "MIN..MAX" degrees C
  std::string humidity_range;  // percent
  std::vector<std::string> refs;  // TYPE:ID document references
};
chain::Result<v1::RecordBody> BuildTransform(const TransformArgs& args, v1::TransformKind kind);

struct RegisterArgs {
  std::string name;
  std::string pubkey;  // 64 hex, or a keystore name
  std::vector<std::string> roles;
  std::string organization;
  std::string gln;
  std::string location;
  std::string address;
  std::string phone;
  std::string tz;  // "+08:00"
};
chain::Result<v1::RecordBody> BuildRegister(Context& ctx, const RegisterArgs& args);

// "TYPE:ID" texts (--ref) -> document references (MALFORMED naming the types).
chain::Result<std::vector<v1::DocumentRef>> ParseDocumentRefs(const std::vector<std::string>& refs);

// --- Records (commands_records.cc)

// What `record show --json` prints: the signed file JSON plus "signature_valid".
nlohmann::json RecordShowJson(const chain::Record& record);
chain::Status RunRecordShow(Context& ctx, const std::string& path);
chain::Status RunSubmit(Context& ctx, const std::vector<std::string>& files, bool no_wait);

}  // namespace agritrace::wallet

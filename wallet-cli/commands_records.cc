// `agritrace submit FILE...`, `record show FILE`, `record get ID`.
#include <memory>

#include "chain/base/bytes.h"
#include "chain/export/record_json.h"
#include "wallet-cli/commands.h"
#include "wallet-cli/wallet.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

Fields RecordFields(Context& ctx, const chain::Record& record, bool signature_valid) {
  const std::string signer_hex = chain::ToHex(record.signer);
  const std::optional<std::string> name = ctx.keystore().FindByPubKey(record.signer);
  return {{"id", chain::ToHex(record.id)},
          {"type", std::string(chain::EventName(record.body))},
          {"signer", signer_hex + (name ? " (" + *name + ")" : "")},
          {"signature", chain::ToHex(record.signature) + (signature_valid ? " (valid)" : " (INVALID)")},
          {"chain id", record.body.chain_id()},
          {"time", chain::FormatIsoTime(record.body.timestamp_ms())},
          {"nonce", std::to_string(record.body.nonce())},
          {"body", chain::ToHex(record.envelope.body())}};
}

void PrintRecord(Context& ctx, const chain::Record& record, const json& extra) {
  const bool valid = chain::VerifyRecordSignature(record).ok();
  if (ctx.out().json()) {
    json j = RecordShowJson(record);
    j.update(extra);
    ctx.out().Json(j);
    return;
  }
  Fields fields = RecordFields(ctx, record, valid);
  for (const auto& [key, value] : extra.items()) {
    fields.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  ctx.out().Print(fields);
  ctx.out().Line("event:");
  ctx.out().Line(DumpJson(chain::EventToJson(record.body), 2));
}

chain::Status RunRecordGet(Context& ctx, const std::string& id_hex) {
  auto id = chain::ArrayFromHex<32>(id_hex);
  if (!id) return Reject(Reason::kMalformed, "a record id is 64 hex characters, not '" + id_hex + "'");
  auto response = ctx.node().GetRecord(chain::AsBytes(*id));
  if (!response.ok()) return response.status();
  auto record = chain::DecodeRecord(response->envelope());
  if (!record.ok()) return record.status();
  PrintRecord(ctx, *record,
              {{"height", response->height()},
               {"index", response->index()},
               {"block_hash", chain::ToHex(response->block_hash())}});
  return chain::Status::Ok();
}

// Submits one file; prints its result line.
chain::Status SubmitOne(Context& ctx, const std::string& file, bool no_wait) {
  auto record = ReadSignedFile(file);
  if (!record.ok()) return record.status();
  auto response = ctx.node().SubmitRecord(record->envelope, !no_wait);
  if (!response.ok()) return response.status();
  const std::string id = chain::ToHex(record->id);
  if (ctx.out().json()) {
    json j = SubmitResultJson(id, response->committed(), response->height());
    j.update(CreatedJson(record->body, id));
    j["file"] = file;
    ctx.out().JsonLine(j);
  } else {
    ctx.out().Line(file + ": " +
                   SubmitResultLine(record->body, id, response->committed(), response->height()));
  }
  return chain::Status::Ok();
}

}  // namespace

json RecordShowJson(const chain::Record& record) {
  json j = RecordToFileJson(record);
  j["signature_valid"] = chain::VerifyRecordSignature(record).ok();
  return j;
}

chain::Status RunRecordShow(Context& ctx, const std::string& path) {
  auto record = ReadSignedFile(path);
  if (!record.ok()) return record.status();
  PrintRecord(ctx, *record, json::object());
  return chain::Status::Ok();
}

chain::Status RunSubmit(Context& ctx, const std::vector<std::string>& files, bool no_wait) {
  size_t failed = 0;
  chain::Status first_failure;
  for (const std::string& file : files) {
    chain::Status status = SubmitOne(ctx, file, no_wait);
    if (status.ok()) continue;
    if (ctx.out().json()) {
      json j = ErrorJson(status);
      j["file"] = file;
      ctx.out().JsonLine(j);
    } else {
      ctx.out().Line(file + ": " + ErrorLine(status));
    }
    if (failed++ == 0) first_failure = status;
  }
  if (failed == 0) return chain::Status::Ok();
  return chain::Status(first_failure.reason(),
                       std::to_string(failed) + " of " + std::to_string(files.size()) +
                           " records failed; the first: " + first_failure.message());
}

void AddRecordCommands(CLI::App& app, Context& ctx, Action& action) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto no_wait = std::make_shared<bool>(false);
  CLI::App* submit = app.add_subcommand("submit", "Submit signed record files (from --out)");
  submit->add_option("FILE", *files, "Signed record JSON files")->required();
  submit->add_flag("--no-wait", *no_wait, "Return once each record is in the mempool");
  SetAction(submit, action, [&ctx, files, no_wait] { return RunSubmit(ctx, *files, *no_wait); });

  CLI::App* record = app.add_subcommand("record", "Inspect signed records");
  record->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  CLI::App* show = record->add_subcommand("show", "Decode a signed record file (no node needed)");
  show->add_option("FILE", *path, "Signed record JSON file")->required();
  SetAction(show, action, [&ctx, path] { return RunRecordShow(ctx, *path); });

  auto id = std::make_shared<std::string>();
  CLI::App* get = record->add_subcommand("get", "Fetch a committed record from the node");
  get->add_option("ID", *id, "Record id (64 hex)")->required();
  SetAction(get, action, [&ctx, id] { return RunRecordGet(ctx, *id); });
}

}  // namespace agritrace::wallet

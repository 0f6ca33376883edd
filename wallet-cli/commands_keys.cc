// `agritrace key new|list|show|import|export`.
#include <cctype>
#include <memory>
#include <optional>

#include "chain/base/bytes.h"
#include "chain/io/file_util.h"
#include "wallet-cli/commands.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

// A secret-hex file holds 64 hex characters and maybe a newline.
constexpr size_t kMaxSecretFileBytes = 1024;

struct KeyArgs {
  std::string name;
  uint64_t scrypt_n = chain::ScryptParams{}.n;
  std::string secret_file;
};

void PrintKey(Context& ctx, const std::string& verb, const std::string& name,
              const chain::PubKey& pubkey) {
  const chain::Keystore store = ctx.keystore();
  if (ctx.out().json()) {
    ctx.out().Json({{"name", name}, {"pubkey", chain::ToHex(pubkey)}, {"path", store.PathOf(name)}});
    return;
  }
  if (!verb.empty()) ctx.out().Line(verb + " key " + name + " in " + store.dir());
  ctx.out().Print({{"name", name}, {"pubkey", chain::ToHex(pubkey)}, {"path", store.PathOf(name)}});
}

chain::Status SaveKey(Context& ctx, const std::string& name, const chain::PrivateKey& key,
                      uint64_t scrypt_n, const std::string& verb) {
  if (scrypt_n < 2 || (scrypt_n & (scrypt_n - 1)) != 0 || scrypt_n > chain::kMaxScryptN) {
    return Reject(Reason::kMalformed, "--scrypt-n must be a power of two between 2 and " +
                                          std::to_string(chain::kMaxScryptN));
  }
  auto password = ctx.Password(/*confirm=*/true);
  if (!password.ok()) return password.status();
  chain::ScryptParams params;
  params.n = scrypt_n;
  AGRI_RETURN_IF_ERROR(ctx.keystore().Save(name, key, *password, params));
  PrintKey(ctx, verb, name, key.public_key());
  return chain::Status::Ok();
}

chain::Status RunKeyNew(Context& ctx, const KeyArgs& args) {
  return SaveKey(ctx, args.name, chain::PrivateKey::Generate(), args.scrypt_n, "created");
}

chain::Status RunKeyImport(Context& ctx, const KeyArgs& args) {
  auto text = chain::ReadFile(args.secret_file, kMaxSecretFileBytes);
  if (!text.ok()) {
    return chain::Status(text.status().reason(),
                         args.secret_file + ": " + text.status().message());
  }
  std::string hex = *text;
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.pop_back();
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.front()))) hex.erase(0, 1);
  auto bytes = chain::FromHex(hex);
  std::optional<chain::PrivateKey> key;
  if (bytes && bytes->size() == 32) key = chain::PrivateKey::FromBytes(*bytes);
  if (!key) {
    return Reject(Reason::kMalformed, args.secret_file +
                                          " must hold a 32-byte secp256k1 secret key as 64 hex "
                                          "characters");
  }
  return SaveKey(ctx, args.name, *key, args.scrypt_n, "imported");
}

chain::Status RunKeyList(Context& ctx) {
  const chain::Keystore store = ctx.keystore();
  json list = json::array();
  Fields fields;
  for (const std::string& name : store.List()) {
    auto info = store.Info(name);
    const std::string pubkey = info.ok() ? chain::ToHex(info->pubkey) : "(unreadable key file)";
    list.push_back({{"name", name}, {"pubkey", pubkey}});
    fields.emplace_back(name, pubkey);
  }
  if (ctx.out().json()) {
    ctx.out().Json(list);
  } else if (fields.empty()) {
    ctx.out().Line("no keys in " + store.dir() + " (create one with `agritrace key new NAME`)");
  } else {
    ctx.out().Print(fields);
  }
  return chain::Status::Ok();
}

chain::Status RunKeyShow(Context& ctx, const KeyArgs& args) {
  auto info = ctx.keystore().Info(args.name);
  if (!info.ok()) {
    return chain::Status(info.status().reason(), "key '" + args.name + "' in " +
                                                     ctx.keystore().dir() + ": " +
                                                     info.status().message());
  }
  PrintKey(ctx, "", args.name, info->pubkey);
  return chain::Status::Ok();
}

chain::Status RunKeyExport(Context& ctx, const KeyArgs& args) {
  if (auto info = ctx.keystore().Info(args.name); !info.ok()) {
    return chain::Status(info.status().reason(), "key '" + args.name + "' in " +
                                                     ctx.keystore().dir() + ": " +
                                                     info.status().message());
  }
  auto password = ctx.Password();
  if (!password.ok()) return password.status();
  auto key = ctx.keystore().Load(args.name, *password);
  if (!key.ok()) return key.status();
  ctx.out().Warn("this is the secret key of '" + args.name +
                 "'; anyone who sees it can sign as this participant");
  const std::string secret = chain::ToHex(key->bytes());
  if (ctx.out().json()) {
    ctx.out().Json({{"name", args.name},
                    {"pubkey", chain::ToHex(key->public_key())},
                    {"secret", secret}});
  } else {
    ctx.out().Line(secret);
  }
  return chain::Status::Ok();
}

}  // namespace

void AddKeyCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* key = app.add_subcommand("key", "Manage keys in the encrypted keystore (--keystore)");
  key->require_subcommand(1);
  auto args = std::make_shared<KeyArgs>();

  CLI::App* create = key->add_subcommand("new", "Create a new random key NAME");
  create->add_option("NAME", args->name, "Key name ([A-Za-z0-9_.-], at most 64)")->required();
  create->add_option("--scrypt-n", args->scrypt_n, "scrypt cost N (a power of two)")
      ->capture_default_str();
  SetAction(create, action, [&ctx, args] { return RunKeyNew(ctx, *args); });

  key->add_subcommand("list", "List key names and public keys")->callback([&action, &ctx] {
    action = [&ctx] { return RunKeyList(ctx); };
  });

  CLI::App* show = key->add_subcommand("show", "Show a key's name and public key");
  show->add_option("NAME", args->name, "Key name")->required();
  SetAction(show, action, [&ctx, args] { return RunKeyShow(ctx, *args); });

  CLI::App* import = key->add_subcommand("import", "Import a 32-byte secret key as NAME");
  import->add_option("NAME", args->name, "Key name")->required();
  import->add_option("--secret-hex-file", args->secret_file, "File holding the secret as 64 hex")
      ->required();
  import->add_option("--scrypt-n", args->scrypt_n, "scrypt cost N (a power of two)")
      ->capture_default_str();
  SetAction(import, action, [&ctx, args] { return RunKeyImport(ctx, *args); });

  CLI::App* exp = key->add_subcommand("export", "Print a key's secret as hex (warns on stderr)");
  exp->add_option("NAME", args->name, "Key name")->required();
  SetAction(exp, action, [&ctx, args] { return RunKeyExport(ctx, *args); });
}

}  // namespace agritrace::wallet

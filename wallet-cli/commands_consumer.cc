// Consumer commands: `qr` (a GS1 Digital Link QR code for a lot) and `verify` (check a proof
// bundle, fetched over HTTP or read from a file, against a genesis file, offline).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "chain/bundle/bundle.h"
#include "chain/io/file_util.h"
#include "chain/io/genesis_file.h"
#include "chain/model/gs1.h"
#include "chain/model/record.h"
#include "chain/export/record_json.h"
#include "wallet-cli/commands.h"
#include "wallet-cli/module_loader.h"
#include "wallet-cli/qr_code.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

constexpr const char* kDefaultBaseUrl = "http://127.0.0.1:7480";
// Fetching a bundle: connection and read deadlines for a phone-grade network.
constexpr int64_t kFetchConnectTimeoutSeconds = 10;
constexpr int64_t kFetchReadTimeoutSeconds = 60;

struct QrArgs {
  std::string lot;
  std::string base_url;
  std::string serial;
  std::string png;
  std::string svg;
};

std::string BaseUrl(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("AGRITRACE_BASE_URL"); env && *env) return env;
  return kDefaultBaseUrl;
}

chain::Status RunQr(Context& ctx, const QrArgs& args) {
  auto key = chain::ParseLotKey(args.lot);
  if (!key.ok()) return key.status();
  if (!args.serial.empty() && !chain::ValidateLotCode(args.serial).ok()) {
    return Reject(Reason::kBadGs1Key, "a serial number (AI 21) is 1-20 characters of GS1 set 82");
  }
  const std::string uri =
      DigitalLinkUri(BaseUrl(args.base_url), key->gtin(), key->lot(), args.serial);
  auto qr = EncodeQr(uri);
  if (!qr.ok()) return qr.status();
  if (!args.png.empty()) AGRI_RETURN_IF_ERROR(WriteQrPng(*qr, args.png));
  if (!args.svg.empty()) AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic(args.svg, QrSvg(*qr), false));
  if (ctx.out().json()) {
    ctx.out().Json({{"uri", uri}, {"modules", qr->size}, {"png", args.png}, {"svg", args.svg}});
    return chain::Status::Ok();
  }
  if (args.png.empty() && args.svg.empty()) ctx.out().out() << QrTerminal(*qr);
  ctx.out().Line(uri);
  if (!args.png.empty()) ctx.out().Line("PNG: " + args.png);
  if (!args.svg.empty()) ctx.out().Line("SVG: " + args.svg);
  return chain::Status::Ok();
}

// GET `url` with Accept: application/json, at most kMaxBundleBytes, through the network
// module (so `verify FILE` never loads it).
chain::Result<std::string> Fetch(const std::string& url) {
  auto module = LoadNetModule();
  if (!module.ok()) return module.status();
  net::HttpGetOptions options;
  options.accept = "application/json";
  options.max_body_bytes = chain::kMaxBundleBytes;
  options.connect_timeout_s = kFetchConnectTimeoutSeconds;
  options.read_timeout_s = kFetchReadTimeoutSeconds;
  net::HttpResult res = (*module)->http_get(url, options);
  if (res.too_large) return Reject(Reason::kTooLarge, "the bundle at " + url + " is too large");
  if (!res.transport_error.empty()) {
    return Reject(Reason::kUnavailable, "cannot fetch " + url + ": " + res.transport_error);
  }
  if (res.status != 200) {
    json j = json::parse(res.body, nullptr, false);
    std::string why = j.is_object() && j.contains("error") ? j["error"].value("message", "")
                                                           : "HTTP " + std::to_string(res.status);
    return Reject(res.status == 404 ? Reason::kUnknownLot : Reason::kUnavailable,
                  url + ": " + why);
  }
  return std::move(res.body);
}

chain::Result<std::string> ReadSource(const std::string& source) {
  if (source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0) return Fetch(source);
  return chain::ReadFile(source, chain::kMaxBundleBytes);
}

std::string NameOf(const v1::ProofBundle& bundle, const chain::Genesis& genesis,
                   const std::string& pubkey) {
  const v1::Participant* found = nullptr;
  for (const auto& p : bundle.participants())
    if (p.pubkey() == pubkey) found = &p;
  for (const auto& p : genesis.participants)
    if (p.pubkey() == pubkey) found = &p;
  if (!found) return chain::ToHex(pubkey).substr(0, 16);
  return found->organization().empty() ? found->name()
                                       : found->name() + " (" + found->organization() + ")";
}

std::string Summary(const v1::ProofBundle& bundle, const chain::Genesis& genesis,
                    const v1::RecordBody& body) {
  json e = chain::EventToJson(body);
  std::string text = std::string(chain::EventName(body));
  if (e.contains("lot")) text += " " + e["lot"].get<std::string>();
  if (body.has_harvest()) {
    text += ": " + body.harvest().commodity() + " " + e["quantity"].get<std::string>() +
            (body.harvest().field().empty() ? "" : ", " + body.harvest().field());
  } else if (body.has_transform()) {
    text = std::string(chain::TransformKindName(body.transform().kind()));
    for (const auto& in : e["inputs"]) {
      text += " " + in["quantity"].get<std::string>() + " of " + in["lot"].get<std::string>();
    }
    for (const auto& out : e["outputs"]) {
      text += " -> " + out["lot"].get<std::string>() + " " + out["quantity"].get<std::string>();
    }
  } else if (body.has_ship()) {
    text += " to " + NameOf(bundle, genesis, body.ship().receiver());
  } else if (body.has_cool()) {
    text += ": " + e["method"].get<std::string>();
  } else if (body.has_rotate_key()) {  // the custody that follows is the new key's
    text += " of " + NameOf(bundle, genesis, body.rotate_key().new_pubkey()) + ": key " +
            chain::ToHex(body.rotate_key().old_pubkey()).substr(0, 16) + "... -> " +
            chain::ToHex(body.rotate_key().new_pubkey()).substr(0, 16) + "...";
  }
  return text;
}

void PrintJourney(Context& ctx, const v1::ProofBundle& bundle, const chain::Genesis& genesis,
                  const chain::BundleVerdict& verdict) {
  ctx.out().Line("journey of " + bundle.lot() + " (chain " + bundle.chain_id() + ")");
  for (int i = 0; i < bundle.records_size(); ++i) {
    auto record = chain::DecodeRecord(bundle.records(i).envelope());
    const bool ok = verdict.records[i].verified;
    std::string line = std::string(ok ? "  ok   " : "  FAIL ");
    if (record.ok()) {
      line += chain::FormatIsoTime(record->body.timestamp_ms()) + "  " +
              Summary(bundle, genesis, record->body) + "  by " +
              NameOf(bundle, genesis, record->envelope.signer());
    } else {
      line += "record " + std::to_string(i) + " (undecodable)";
    }
    ctx.out().Line(line + "  [block " + std::to_string(bundle.records(i).height()) + "]");
  }
}

std::string Kg(int64_t mg) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f kg", static_cast<double>(mg) / 1e6);
  return text;
}

std::string NameOfHex(const v1::ProofBundle& bundle, const chain::Genesis& genesis,
                      const std::string& hex) {
  std::optional<std::string> key = chain::FromHex(hex);
  return key ? NameOf(bundle, genesis, *key) : hex;
}

// The whole plot's season total is the serving node's statement, checked only against the
// bundle's own harvests and the cap (bundle.proto PlotSeasonTotal); the text says so.
std::string SeasonTotalText(const chain::OriginPlot& p) {
  if (p.season_total_mg < 0) return ", season total not stated";
  const int64_t remaining = std::max<int64_t>(0, p.cap_mg - p.season_total_mg);
  return ", harvested " + Kg(p.season_total_mg) + ", remaining " + Kg(remaining) +
         " (whole plot, stated by the node at height " + std::to_string(p.season_as_of_height) +
         ")";
}

// The Origin card as the verifier recomputed it (chain/bundle/origin.h).
void PrintOrigin(Context& ctx, const v1::ProofBundle& bundle, const chain::Genesis& genesis,
                 const chain::OriginVerdict& origin) {
  if (origin.plots.empty() && origin.claims.empty() && origin.compliance_basis.empty()) return;
  ctx.out().Line("origin of " + bundle.lot());
  for (const chain::OriginPlot& p : origin.plots) {
    ctx.out().Line("  plot " + p.plot_id + ": " + p.crop + ", " + p.area + ", owner " +
                   NameOfHex(bundle, genesis, p.owner_hex) +
                   (p.place.empty() ? "" : ", at " + p.place) + (p.retired ? " (retired)" : ""));
    ctx.out().Line("    season " + std::to_string(p.season) + " (from " + p.season_start +
                   "): cap " + Kg(p.cap_mg) + SeasonTotalText(p) + "; this product's harvests " +
                   Kg(p.season_proven_mg) + " (verified)");
  }
  for (const chain::OriginInterval& i : origin.intervals) {
    ctx.out().Line(std::string(i.respected ? "  ok   " : "  FAIL ") + "interval: " + i.product +
                   " (" + i.active_ingredient + ") on " + i.plot_id + " " + i.applied + ", " +
                   std::to_string(i.phi_days) + " days; " + i.harvest_lot + " harvested " +
                   i.harvested);
  }
  for (const chain::OriginClaim& c : origin.claims) {
    ctx.out().Line(std::string(c.backed ? "  ok   " : "  UNBACKED ") + "claim " + c.claim + ": " +
                   Kg(c.stated_mg) + ", certificate " + c.certificate_id + " (" + c.standard +
                   ", " + Kg(c.tonnage_mg) + ")" + (c.backed ? "" : ": " + c.why));
  }
  if (!origin.compliance_basis.empty()) {
    ctx.out().Line("  compliance certificate: " + origin.compliance_basis + ", " +
                   origin.compliance_date + ", by " +
                   NameOfHex(bundle, genesis, origin.compliance_producer_hex));
  }
}

json OriginJson(const chain::OriginVerdict& origin) {
  json plots = json::array(), intervals = json::array(), claims = json::array();
  for (const chain::OriginPlot& p : origin.plots) {
    plots.push_back({{"plot", p.plot_id}, {"crop", p.crop}, {"area", p.area},
                     {"owner", p.owner_hex}, {"place", p.place}, {"cap_mg", p.cap_mg},
                     {"harvested_mg", p.harvested_mg}, {"retired", p.retired},
                     {"season", p.season}, {"season_start", p.season_start},
                     {"season_proven_mg", p.season_proven_mg}});
    if (p.season_total_mg >= 0) {
      plots.back()["season_total_mg"] = p.season_total_mg;
      plots.back()["season_remaining_mg"] = std::max<int64_t>(0, p.cap_mg - p.season_total_mg);
      plots.back()["season_total_as_of_height"] = p.season_as_of_height;
      plots.back()["season_total_proven"] = false;
    }
  }
  for (const chain::OriginInterval& i : origin.intervals) {
    intervals.push_back({{"plot", i.plot_id}, {"product", i.product},
                         {"active_ingredient", i.active_ingredient}, {"phi_days", i.phi_days},
                         {"applied", i.applied}, {"harvest_lot", i.harvest_lot},
                         {"harvested", i.harvested}, {"respected", i.respected}});
  }
  for (const chain::OriginClaim& c : origin.claims) {
    claims.push_back({{"claim", c.claim}, {"certificate", c.certificate_hex},
                      {"certificate_id", c.certificate_id}, {"standard", c.standard},
                      {"claimed_mg", c.stated_mg}, {"backed_mg", c.backed_mg},
                      {"tonnage_mg", c.tonnage_mg}, {"plots", c.plots}, {"backed", c.backed},
                      {"why", c.why}});
  }
  json out = {{"plots", plots}, {"intervals", intervals}, {"claims", claims}};
  if (!origin.compliance_basis.empty()) {
    out["compliance"] = {{"basis", origin.compliance_basis},
                         {"date", origin.compliance_date},
                         {"producer", origin.compliance_producer_hex}};
  }
  return out;
}

// The validator sets the blocks were checked against: genesis's, then each verified change the
// bundle carries (issue 17).
json ValidatorSetsJson(const chain::BundleVerdict& verdict) {
  json sets = json::array();
  for (const v1::ValidatorEpoch& epoch : verdict.validator_sets) {
    json validators = json::array();
    for (const v1::ValidatorInfo& v : epoch.validators()) {
      validators.push_back({{"name", v.name()}, {"pubkey", chain::ToHex(v.pubkey())}});
    }
    sets.push_back({{"from_height", epoch.from_height()},
                    {"decided_height", epoch.decided_height()},
                    {"validators", std::move(validators)}});
  }
  return sets;
}

void PrintValidatorSets(Context& ctx, const chain::BundleVerdict& verdict) {
  for (size_t i = 1; i < verdict.validator_sets.size(); ++i) {
    const v1::ValidatorEpoch& epoch = verdict.validator_sets[i];
    std::string names;
    for (const v1::ValidatorInfo& v : epoch.validators()) {
      names += (names.empty() ? "" : ", ") + v.name();
    }
    ctx.out().Line("validator set from height " + std::to_string(epoch.from_height()) +
                   " (changed in block " + std::to_string(epoch.decided_height()) + "): " + names);
  }
}

chain::Status RunVerify(Context& ctx, const std::string& source, const std::string& genesis_path) {
  auto genesis = chain::LoadGenesis(genesis_path);
  if (!genesis.ok()) return genesis.status();
  auto bytes = ReadSource(source);
  if (!bytes.ok()) return bytes.status();
  auto bundle = chain::ParseBundle(*bytes);
  if (!bundle.ok()) return bundle.status();
  chain::BundleVerdict verdict = chain::VerifyProofBundle(*bundle, *genesis);
  if (ctx.out().json()) {
    json records = json::array();
    for (const auto& r : verdict.records) {
      records.push_back({{"label", r.label}, {"verified", r.verified}, {"problems", r.problems}});
    }
    ctx.out().Json({{"ok", verdict.ok()},
                    {"lot", bundle->lot()},
                    {"records", records},
                    {"origin", OriginJson(verdict.origin)},
                    {"validator_sets", ValidatorSetsJson(verdict)},
                    {"failures", verdict.failures}});
  } else {
    PrintJourney(ctx, *bundle, *genesis, verdict);
    PrintOrigin(ctx, *bundle, *genesis, verdict.origin);
    PrintValidatorSets(ctx, verdict);
    for (const std::string& failure : verdict.failures) ctx.out().Line("FAILED: " + failure);
  }
  if (!verdict.ok()) {
    return Reject(Reason::kBadSignature,
                  "the proof bundle of " + bundle->lot() +
                      " does not verify: " + std::to_string(verdict.failures.size()) +
                      " problem(s); the first: " + verdict.failures.front());
  }
  if (!ctx.out().json()) {
    ctx.out().Line("OK: " + std::to_string(bundle->records_size()) + " records in " +
                   std::to_string(bundle->blocks_size()) +
                   " certified blocks verified against genesis " + chain::ToHex(genesis->hash) +
                   (verdict.validator_sets.size() > 1
                        ? " across " + std::to_string(verdict.validator_sets.size() - 1) +
                              " validator-set change(s)"
                        : ""));
  }
  return chain::Status::Ok();
}

}  // namespace

void AddConsumerCommands(CLI::App& app, Context& ctx, Action& action) {
  auto qr = std::make_shared<QrArgs>();
  CLI::App* qr_cmd = app.add_subcommand(
      "qr", "GS1 Digital Link QR code of a lot: PNG, SVG, or drawn in the terminal");
  qr_cmd->add_option("LOT", qr->lot, "01/{gtin14}/10/{lot}")->required();
  qr_cmd->add_option("--base-url", qr->base_url,
                     "URI prefix, e.g. https://trace.example.com (env AGRITRACE_BASE_URL, "
                     "default http://127.0.0.1:7480)");
  qr_cmd->add_option("--serial", qr->serial, "serial number (GS1 AI 21) of one item");
  qr_cmd->add_option("--png", qr->png, "write a PNG to FILE");
  qr_cmd->add_option("--svg", qr->svg, "write an SVG to FILE");
  SetAction(qr_cmd, action, [&ctx, qr] { return RunQr(ctx, *qr); });

  auto source = std::make_shared<std::string>();
  auto genesis = std::make_shared<std::string>();
  CLI::App* verify = app.add_subcommand(
      "verify", "Verify a lot's proof bundle (URL or file) offline against a genesis file");
  verify->add_option("SOURCE", *source, "page URL (…/01/{gtin}/10/{lot}) or bundle file")
      ->required();
  verify->add_option("--genesis", *genesis, "the network's genesis.json")->required();
  SetAction(verify, action, [&ctx, source, genesis] { return RunVerify(ctx, *source, *genesis); });
}

}  // namespace agritrace::wallet

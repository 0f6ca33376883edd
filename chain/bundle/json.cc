// The JSON form of a proof bundle. Bytes are lower-case hex. Besides the proven fields, each
// record carries "id" and "decoded" and each block "height", "hash" and (when it decided one)
// "validator_change": conveniences for readers, never trusted by a verifier (it recomputes
// them from the hex bytes). "validator_changes" (blocks, like "blocks") is left out when empty,
// and a bundle without it reads as one with none.
#include <algorithm>
#include <cctype>

#include "chain/model/block.h"
#include "chain/bundle/bundle.h"
#include "chain/model/lot_claims.h"
#include "chain/model/record.h"
#include "chain/export/record_json.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "agritrace-proof-bundle/v1";

json CertificateToJson(const v1::CommitCertificate& cert) {
  json signatures = json::array();
  for (const v1::CommitSig& sig : cert.signatures()) {
    signatures.push_back(
        {{"validator", ToHex(sig.validator())}, {"signature", ToHex(sig.signature())}});
  }
  return {{"height", cert.height()},
          {"round", cert.round()},
          {"block_hash", ToHex(cert.block_hash())},
          {"signatures", std::move(signatures)}};
}

json BlockToJson(const v1::BundleBlock& block) {
  v1::BlockHeader header;
  json out = {{"header", ToHex(block.header())},
              {"hash", ToHex(BlockHash(block.header()))},
              {"certificate", CertificateToJson(block.certificate())}};
  if (header.ParseFromString(block.header())) {
    out["height"] = header.height();
    out["time"] = FormatIsoTime(header.time_ms());
    if (header.has_validator_change()) {
      json validators = json::array();
      for (const v1::ValidatorInfo& v : header.validator_change().validators()) {
        validators.push_back({{"name", v.name()}, {"pubkey", ToHex(v.pubkey())}});
      }
      out["validator_change"] = {{"effective_height", header.validator_change().effective_height()},
                                 {"validators", std::move(validators)}};
    }
  }
  return out;
}

json RecordToJson(const v1::BundleRecord& record) {
  const v1::Envelope& e = record.envelope();
  json proof = json::array();
  for (const std::string& sibling : record.proof()) proof.push_back(ToHex(sibling));
  json out = {{"envelope",
               {{"body", ToHex(e.body())},
                {"signer", ToHex(e.signer())},
                {"signature", ToHex(e.signature())}}},
              {"id", ToHex(ComputeRecordId(e.body(), e.signer(), e.signature()))},
              {"height", record.height()},
              {"index", record.index()},
              {"leaf_count", record.leaf_count()},
              {"proof", std::move(proof)}};
  v1::RecordBody body;
  if (body.ParseFromString(e.body())) out["decoded"] = RecordBodyToJson(body);
  return out;
}

// --- Parsing

Status Bad(const std::string& what) {
  return Reject(Reason::kMalformed, "proof bundle JSON: " + what);
}

Result<std::string> Hex(const json& parent, const char* key, const std::string& where) {
  auto it = parent.find(key);
  if (it == parent.end() || !it->is_string()) {
    return Bad(where + "." + key + " must be a hex string");
  }
  std::optional<std::string> bytes = FromHex(it->get<std::string>());
  if (!bytes) return Bad(where + "." + key + " is not valid hex");
  return *bytes;
}

template <typename T>
Result<T> Number(const json& parent, const char* key, const std::string& where) {
  auto it = parent.find(key);
  if (it == parent.end() || !it->is_number_unsigned()) {
    return Bad(where + "." + key + " must be a non-negative integer");
  }
  return it->get<T>();
}

#define AGRI_ASSIGN_OR_RETURN(lhs, expr)      \
  auto lhs##_r = (expr);                      \
  if (!lhs##_r.ok()) return lhs##_r.status(); \
  auto& lhs = *lhs##_r

Result<v1::BundleRecord> RecordFromJson(const json& j, const std::string& where) {
  if (!j.is_object()) return Bad(where + " must be an object");
  auto env_it = j.find("envelope");
  if (env_it == j.end() || !env_it->is_object()) return Bad(where + ".envelope is missing");
  v1::BundleRecord out;
  AGRI_ASSIGN_OR_RETURN(body, Hex(*env_it, "body", where + ".envelope"));
  AGRI_ASSIGN_OR_RETURN(signer, Hex(*env_it, "signer", where + ".envelope"));
  AGRI_ASSIGN_OR_RETURN(signature, Hex(*env_it, "signature", where + ".envelope"));
  out.mutable_envelope()->set_body(body);
  out.mutable_envelope()->set_signer(signer);
  out.mutable_envelope()->set_signature(signature);
  AGRI_ASSIGN_OR_RETURN(height, Number<uint64_t>(j, "height", where));
  AGRI_ASSIGN_OR_RETURN(index, Number<uint32_t>(j, "index", where));
  AGRI_ASSIGN_OR_RETURN(leaf_count, Number<uint32_t>(j, "leaf_count", where));
  out.set_height(height);
  out.set_index(index);
  out.set_leaf_count(leaf_count);
  auto proof = j.find("proof");
  if (proof == j.end() || !proof->is_array()) return Bad(where + ".proof must be an array");
  for (const json& sibling : *proof) {
    std::optional<std::string> bytes =
        sibling.is_string() ? FromHex(sibling.get<std::string>()) : std::nullopt;
    if (!bytes) return Bad(where + ".proof holds a value that is not hex");
    out.add_proof(*bytes);
  }
  return out;
}

Result<v1::CommitCertificate> CertificateFromJson(const json& j, const std::string& where) {
  if (!j.is_object()) return Bad(where + " must be an object");
  v1::CommitCertificate out;
  AGRI_ASSIGN_OR_RETURN(height, Number<uint64_t>(j, "height", where));
  AGRI_ASSIGN_OR_RETURN(round, Number<uint32_t>(j, "round", where));
  AGRI_ASSIGN_OR_RETURN(block_hash, Hex(j, "block_hash", where));
  out.set_height(height);
  out.set_round(round);
  out.set_block_hash(block_hash);
  auto sigs = j.find("signatures");
  if (sigs == j.end() || !sigs->is_array()) return Bad(where + ".signatures must be an array");
  for (const json& sig : *sigs) {
    if (!sig.is_object()) return Bad(where + ".signatures holds a non-object");
    AGRI_ASSIGN_OR_RETURN(validator, Hex(sig, "validator", where + ".signatures[]"));
    AGRI_ASSIGN_OR_RETURN(signature, Hex(sig, "signature", where + ".signatures[]"));
    v1::CommitSig* out_sig = out.add_signatures();
    out_sig->set_validator(validator);
    out_sig->set_signature(signature);
  }
  return out;
}

Result<v1::BundleBlock> BlockFromJson(const json& j, const std::string& where) {
  if (!j.is_object()) return Bad(where + " must be an object");
  v1::BundleBlock out;
  AGRI_ASSIGN_OR_RETURN(header, Hex(j, "header", where));
  out.set_header(header);
  auto cert = j.find("certificate");
  if (cert == j.end()) return Bad(where + ".certificate is missing");
  AGRI_ASSIGN_OR_RETURN(certificate, CertificateFromJson(*cert, where + ".certificate"));
  *out.mutable_certificate() = certificate;
  return out;
}

// Participants are informative; a malformed entry is skipped rather than failing the bundle.
std::optional<v1::Participant> ParticipantFromJson(const json& j) {
  if (!j.is_object() || !j.contains("pubkey") || !j["pubkey"].is_string()) return std::nullopt;
  std::optional<std::string> key = FromHex(j["pubkey"].get<std::string>());
  if (!key) return std::nullopt;
  v1::Participant out;
  out.set_pubkey(*key);
  out.set_name(j.value("name", ""));
  out.set_organization(j.value("organization", ""));
  if (j.contains("roles") && j["roles"].is_array()) {
    for (const json& role : j["roles"]) {
      if (role.is_string()) out.add_roles(RoleFromName(role.get<std::string>()));
    }
  }
  if (j.contains("location") && j["location"].is_object() && !j["location"].empty()) {
    const json& loc = j["location"];
    out.mutable_location()->set_gln(loc.value("gln", ""));
    out.mutable_location()->set_name(loc.value("name", ""));
    if (loc.contains("lat_e6") && loc["lat_e6"].is_number_integer())
      out.mutable_location()->set_lat_e6(loc["lat_e6"].get<int32_t>());
    if (loc.contains("lon_e6") && loc["lon_e6"].is_number_integer())
      out.mutable_location()->set_lon_e6(loc["lon_e6"].get<int32_t>());
  }
  return out;
}

json ClaimToJson(const v1::LotClaim& claim) {
  return {{"claim", claim.claim()},
          {"certificate", ToHex(claim.certificate())},
          {"standard", claim.standard()},
          {"certificate_id", claim.certificate_id()},
          {"claimed_mg", claim.claimed_mg()},
          {"plots", claim.plots()}};
}

// Stated claims are checked by the verifier, not trusted; a malformed entry is skipped.
std::optional<v1::LotClaim> ClaimFromJson(const json& j) {
  if (!j.is_object() || !j.contains("certificate") || !j["certificate"].is_string()) {
    return std::nullopt;
  }
  std::optional<std::string> certificate = FromHex(j["certificate"].get<std::string>());
  if (!certificate || !j.contains("claimed_mg") || !j["claimed_mg"].is_number_integer()) {
    return std::nullopt;
  }
  v1::LotClaim out;
  out.set_claim(j.value("claim", ""));
  out.set_certificate(*certificate);
  out.set_standard(j.value("standard", ""));
  out.set_certificate_id(j.value("certificate_id", ""));
  out.set_claimed_mg(j["claimed_mg"].get<int64_t>());
  if (j.contains("plots") && j["plots"].is_array()) {
    for (const json& plot : j["plots"]) {
      if (plot.is_string() && out.plots_size() < kMaxClaimPlots) {
        out.add_plots(plot.get<std::string>());
      }
    }
  }
  return out;
}

// Stated like the claims: a malformed entry is skipped (its plot then shows no season total).
std::optional<v1::PlotSeasonTotal> PlotSeasonFromJson(const json& j) {
  if (!j.is_object() || !j.contains("plot") || !j["plot"].is_string() ||
      !j.contains("season") || !j["season"].is_number_integer() ||
      !j.contains("harvested_mg") || !j["harvested_mg"].is_number_integer()) {
    return std::nullopt;
  }
  v1::PlotSeasonTotal out;
  out.set_plot_id(j["plot"].get<std::string>());
  out.set_season(j["season"].get<int32_t>());
  out.set_harvested_mg(j["harvested_mg"].get<int64_t>());
  if (j.contains("as_of_height") && j["as_of_height"].is_number_unsigned()) {
    out.set_as_of_height(j["as_of_height"].get<uint64_t>());
  }
  return out;
}

template <typename T, typename Parse, typename Add>
Status ParseList(const json& j, const char* key, size_t limit, Parse parse, Add add) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return Bad(std::string(key) + " must be an array");
  if (it->size() > limit) {
    return Reject(Reason::kTooLarge,
                  std::string("proof bundle: more than ") + std::to_string(limit) + " " + key);
  }
  for (size_t i = 0; i < it->size(); ++i) {
    Result<T> item = parse((*it)[i], std::string(key) + "[" + std::to_string(i) + "]");
    if (!item.ok()) return item.status();
    add(std::move(item).value());
  }
  return Status::Ok();
}

}  // namespace

json BundleToJson(const v1::ProofBundle& bundle) {
  json records = json::array(), blocks = json::array(), participants = json::array();
  for (const v1::BundleRecord& record : bundle.records()) records.push_back(RecordToJson(record));
  for (const v1::BundleBlock& block : bundle.blocks()) blocks.push_back(BlockToJson(block));
  for (const v1::Participant& p : bundle.participants())
    participants.push_back(ParticipantToJson(p));
  json out = {{"format", kFormat},
              {"version", bundle.version()},
              {"chain_id", bundle.chain_id()},
              {"genesis_hash", ToHex(bundle.genesis_hash())},
              {"lot", bundle.lot()},
              {"records", std::move(records)},
              {"blocks", std::move(blocks)},
              {"participants", std::move(participants)}};
  if (!bundle.serial().empty()) out["serial"] = bundle.serial();
  if (bundle.validator_changes_size() > 0) {
    json changes = json::array();
    for (const v1::BundleBlock& block : bundle.validator_changes()) {
      changes.push_back(BlockToJson(block));
    }
    out["validator_changes"] = std::move(changes);
  }
  if (bundle.claims_size() > 0) {
    json claims = json::array();
    for (const v1::LotClaim& claim : bundle.claims()) claims.push_back(ClaimToJson(claim));
    out["claims"] = std::move(claims);
  }
  if (bundle.plot_seasons_size() > 0) {
    json seasons = json::array();
    for (const v1::PlotSeasonTotal& s : bundle.plot_seasons()) {
      seasons.push_back({{"plot", s.plot_id()},
                         {"season", s.season()},
                         {"harvested_mg", s.harvested_mg()},
                         {"as_of_height", s.as_of_height()}});
    }
    out["plot_seasons"] = std::move(seasons);
  }
  return out;
}

static Result<v1::ProofBundle> BundleFromJsonUnchecked(const json& j) {
  if (!j.is_object()) return Bad("the document must be an object");
  if (j.value("format", "") != kFormat) {
    return Bad("format must be \"" + std::string(kFormat) + "\"");
  }
  v1::ProofBundle out;
  out.set_version(j.value("version", 0u));
  out.set_chain_id(j.value("chain_id", ""));
  AGRI_ASSIGN_OR_RETURN(genesis_hash, Hex(j, "genesis_hash", "bundle"));
  out.set_genesis_hash(genesis_hash);
  out.set_lot(j.value("lot", ""));
  out.set_serial(j.value("serial", ""));
  AGRI_RETURN_IF_ERROR(
      ParseList<v1::BundleRecord>(j, "records", kMaxBundleRecords, RecordFromJson,
                                  [&](v1::BundleRecord r) { *out.add_records() = std::move(r); }));
  AGRI_RETURN_IF_ERROR(
      ParseList<v1::BundleBlock>(j, "blocks", kMaxBundleBlocks, BlockFromJson,
                                 [&](v1::BundleBlock b) { *out.add_blocks() = std::move(b); }));
  if (j.contains("validator_changes")) {
    AGRI_RETURN_IF_ERROR(ParseList<v1::BundleBlock>(
        j, "validator_changes", kMaxBundleValidatorChanges, BlockFromJson,
        [&](v1::BundleBlock b) { *out.add_validator_changes() = std::move(b); }));
  }
  auto participants = j.find("participants");
  if (participants != j.end() && participants->is_array()) {
    for (const json& p : *participants) {
      if (out.participants_size() >= static_cast<int>(kMaxBundleParticipants)) break;
      if (auto parsed = ParticipantFromJson(p)) *out.add_participants() = std::move(*parsed);
    }
  }
  auto claims = j.find("claims");
  if (claims != j.end() && claims->is_array()) {
    for (const json& c : *claims) {
      if (out.claims_size() >= kMaxLotClaims) break;
      if (auto parsed = ClaimFromJson(c)) *out.add_claims() = std::move(*parsed);
    }
  }
  auto seasons = j.find("plot_seasons");
  if (seasons != j.end() && seasons->is_array()) {
    for (const json& s : *seasons) {
      if (out.plot_seasons_size() >= static_cast<int>(kMaxBundlePlotSeasons)) break;
      if (auto parsed = PlotSeasonFromJson(s)) *out.add_plot_seasons() = std::move(*parsed);
    }
  }
  return out;
}

Result<v1::ProofBundle> BundleFromJson(const json& j) {
  // value() throws on a wrongly typed field; bad input must come back as a Status.
  try {
    return BundleFromJsonUnchecked(j);
  } catch (const json::exception& e) {
    return Bad(std::string("a field has the wrong type (") + e.what() + ")");
  }
}

Result<v1::ProofBundle> ParseBundle(const std::string& bytes) {
  if (bytes.size() > kMaxBundleBytes) {
    return Reject(Reason::kTooLarge, "the proof bundle is " + std::to_string(bytes.size()) +
                                         " bytes; the limit is " + std::to_string(kMaxBundleBytes));
  }
  auto first =
      std::find_if(bytes.begin(), bytes.end(), [](unsigned char c) { return !std::isspace(c); });
  if (first != bytes.end() && *first == '{') {
    json parsed = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return Bad("the text is not valid JSON");
    return BundleFromJson(parsed);
  }
  v1::ProofBundle bundle;
  if (!bundle.ParseFromString(bytes)) {
    return Reject(Reason::kMalformed, "the file is neither a JSON nor a binary proof bundle");
  }
  if (static_cast<size_t>(bundle.validator_changes_size()) > kMaxBundleValidatorChanges) {
    return Reject(Reason::kTooLarge, "proof bundle: more than " +
                                         std::to_string(kMaxBundleValidatorChanges) +
                                         " validator_changes");
  }
  return bundle;
}

}  // namespace agritrace::chain

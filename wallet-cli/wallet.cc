#include "wallet-cli/wallet.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "chain/base/bytes.h"
#include "chain/io/file_util.h"
#include "chain/model/genesis.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"
#include "chain/model/state.h"
#include "chain/export/custody_json.h"
#include "chain/export/record_json.h"
#include "wallet-cli/output.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

constexpr double kMicroDegrees = 1e6;
constexpr double kMaxLatitude = 90.0;
constexpr double kMaxLongitude = 180.0;
// A signed file holds one envelope (at most kMaxEnvelopeBytes, hex-doubled) plus its decoded
// JSON; 1 MiB is generous and keeps a wrong file argument from being read whole.
constexpr size_t kMaxSignedFileBytes = 1024 * 1024;

constexpr std::string_view kKnownRoles =
    "admin, farmer, packer, processor, carrier, retailer, inspector, regulator";

std::string Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  const size_t end = s.find_last_not_of(" \t");
  return std::string(s.substr(begin, end - begin + 1));
}

// Parses a decimal degree value strictly (the whole text must be a number).
bool ParseDegrees(const std::string& text, double limit, int32_t& out_e6) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return false;
  if (value < -limit || value > limit) return false;
  out_e6 = static_cast<int32_t>(std::llround(value * kMicroDegrees));
  return true;
}

chain::Result<std::string> HexField(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) {
    return Reject(Reason::kMalformed,
                  std::string("the signed record file has no \"") + key + "\" hex string");
  }
  auto bytes = chain::FromHex(j[key].get<std::string>());
  if (!bytes) {
    return Reject(Reason::kMalformed,
                  std::string("the \"") + key + "\" field of the signed record file is not hex");
  }
  return *bytes;
}

}  // namespace

chain::Result<LotQuantityText> SplitLotQuantity(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return Reject(Reason::kMalformed, std::string("'") + std::string(text) +
                                          "' is not LOT:QTY (e.g. 01/06901234567892/10/B1:500kg)");
  }
  return LotQuantityText{Trim(text.substr(0, colon)), Trim(text.substr(colon + 1))};
}

chain::Result<v1::LotAmount> ParseLotAmount(std::string_view text) {
  auto parts = SplitLotQuantity(text);
  if (!parts.ok()) return parts.status();
  auto lot = chain::ParseLotKey(parts->lot);
  if (!lot.ok()) return lot.status();
  auto quantity = chain::ParseQuantity(parts->quantity);
  if (!quantity.ok()) return quantity.status();
  v1::LotAmount amount;
  *amount.mutable_lot() = *lot;
  *amount.mutable_quantity() = *quantity;
  return amount;
}

chain::Status ParseLatLon(std::string_view text, v1::Location& location) {
  const size_t comma = text.find(',');
  int32_t lat = 0, lon = 0;
  if (comma == std::string_view::npos ||
      !ParseDegrees(Trim(text.substr(0, comma)), kMaxLatitude, lat) ||
      !ParseDegrees(Trim(text.substr(comma + 1)), kMaxLongitude, lon)) {
    return Reject(Reason::kMalformed,
                  std::string("'") + std::string(text) +
                      "' is not LAT,LON in decimal degrees (e.g. 45.12,127.45; latitude within "
                      "+-90, longitude within +-180)");
  }
  location.set_lat_e6(lat);
  location.set_lon_e6(lon);
  return chain::Status::Ok();
}

chain::Result<v1::Location> ParseLocation(const std::string& gln, const std::string& lat_lon) {
  v1::Location location;
  if (!gln.empty()) {
    AGRI_RETURN_IF_ERROR(chain::ValidateGln(gln));
    location.set_gln(gln);
  }
  if (!lat_lon.empty()) AGRI_RETURN_IF_ERROR(ParseLatLon(lat_lon, location));
  return location;
}

chain::Result<std::vector<v1::Role>> ParseRoles(const std::vector<std::string>& names) {
  std::vector<v1::Role> roles;
  for (const std::string& joined : names) {
    size_t start = 0;
    while (start <= joined.size()) {
      size_t comma = joined.find(',', start);
      if (comma == std::string::npos) comma = joined.size();
      const std::string name = Trim(std::string_view(joined).substr(start, comma - start));
      start = comma + 1;
      if (name.empty()) continue;
      const v1::Role role = chain::RoleFromName(name);
      if (role == v1::ROLE_UNSPECIFIED) {
        return Reject(Reason::kMalformed, "unknown role '" + name + "'; roles are " +
                                              std::string(kKnownRoles));
      }
      if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
    }
  }
  if (roles.empty()) {
    return Reject(Reason::kMalformed, "give at least one --role (" + std::string(kKnownRoles) + ")");
  }
  return roles;
}

uint64_t RandomNonce() {
  uint64_t nonce = 0;
  chain::RandomBytes(reinterpret_cast<uint8_t*>(&nonce), sizeof(nonce));
  return nonce;
}

chain::Result<chain::Record> SignBody(v1::RecordBody body, const std::string& chain_id,
                                      int64_t timestamp_ms, uint64_t nonce,
                                      const chain::PrivateKey& key) {
  body.set_chain_id(chain_id);
  body.set_timestamp_ms(timestamp_ms);
  body.set_nonce(nonce);
  return chain::DecodeRecord(chain::SignRecord(body, key));
}

json RecordToFileJson(const chain::Record& record) {
  return {{"id", chain::ToHex(record.id)},
          {"signer", chain::ToHex(record.signer)},
          {"signature", chain::ToHex(record.signature)},
          {"body", chain::ToHex(record.envelope.body())},
          {"event", chain::RecordBodyToJson(record.body)}};
}

chain::Result<chain::Record> RecordFromFileJson(const json& j) {
  if (!j.is_object()) return Reject(Reason::kMalformed, "the signed record file is not a JSON object");
  v1::Envelope envelope;
  auto body = HexField(j, "body");
  if (!body.ok()) return body.status();
  auto signer = HexField(j, "signer");
  if (!signer.ok()) return signer.status();
  auto signature = HexField(j, "signature");
  if (!signature.ok()) return signature.status();
  envelope.set_body(std::move(*body));
  envelope.set_signer(std::move(*signer));
  envelope.set_signature(std::move(*signature));
  auto record = chain::DecodeRecord(envelope);
  if (!record.ok()) return record.status();
  if (j.contains("id")) {
    if (!j["id"].is_string() || j["id"].get<std::string>() != chain::ToHex(record->id)) {
      return Reject(Reason::kMalformed,
                    "the \"id\" field does not match the record's body, signer and signature; "
                    "the file was edited");
    }
  }
  return record;
}

chain::Status WriteSignedFile(const std::string& path, const chain::Record& record) {
  return chain::WriteFileAtomic(path, DumpJson(RecordToFileJson(record), 2) + "\n",
                                /*private_mode=*/false);
}

chain::Result<chain::Record> ReadSignedFile(const std::string& path) {
  auto text = chain::ReadFile(path, kMaxSignedFileBytes);
  if (!text.ok()) {
    return chain::Status(text.status().reason(), path + ": " + text.status().message());
  }
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Reject(Reason::kMalformed, path + " is not valid JSON");
  auto record = RecordFromFileJson(j);
  if (!record.ok()) {
    return chain::Status(record.status().reason(), path + ": " + record.status().message());
  }
  return record;
}

std::string RecordSubject(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kRegisterParticipant: return body.register_participant().name();
    case v1::RecordBody::kHarvest: return chain::FormatLotKey(body.harvest().lot());
    case v1::RecordBody::kTransform: {
      std::string lots;
      for (const auto& output : body.transform().outputs()) {
        if (!lots.empty()) lots += ", ";
        lots += chain::FormatLotKey(output.lot());
      }
      return lots;
    }
    case v1::RecordBody::kRegisterDevice: return body.register_device().name();
    case v1::RecordBody::kSensorReadings: return chain::FormatLotKey(body.sensor_readings().lot());
    case v1::RecordBody::kCheckpoint: return chain::FormatLotKey(body.checkpoint().lot());
    case v1::RecordBody::kCertify: return chain::FormatLotKey(body.certify().lot());
    case v1::RecordBody::kRecall: return chain::FormatLotKey(body.recall().lot());
    case v1::RecordBody::kRevoke: return chain::ToHex(body.revoke().pubkey());
    case v1::RecordBody::kCorrection: return chain::ToHex(body.correction().record_id());
    case v1::RecordBody::kRotateKey: return chain::ToHex(body.rotate_key().old_pubkey());
    case v1::RecordBody::kShip:
    case v1::RecordBody::kReceive:
    case v1::RecordBody::kSell:
    case v1::RecordBody::kCancelShipment:
    case v1::RecordBody::kLoss:
    case v1::RecordBody::kAggregate:
    case v1::RecordBody::kDisaggregate:
    case v1::RecordBody::kUpdateParticipant:
    case v1::RecordBody::kCool: return chain::CustodyEventSubject(body);
    case v1::RecordBody::kRegisterPlot: return "plot " + body.register_plot().plot_id();
    case v1::RecordBody::kTransferPlot: return "plot " + body.transfer_plot().plot_id();
    case v1::RecordBody::kRetirePlot: return "plot " + body.retire_plot().plot_id();
    case v1::RecordBody::kInputApplication: return "plot " + body.input_application().plot_id();
    case v1::RecordBody::kProposeValidatorChange:
      return "validator " + body.propose_validator_change().name();
    case v1::RecordBody::kApproveValidatorChange:
      return "proposal " + chain::ToHex(body.approve_validator_change().proposal_id());
    case v1::RecordBody::kWithdrawValidatorProposal:
      return "proposal " + chain::ToHex(body.withdraw_validator_proposal().proposal_id());
    case v1::RecordBody::kComplianceCert:
      return chain::FormatLotKey(body.compliance_cert().lot());
    case v1::RecordBody::kBanIngredient:
      return chain::IngredientBanKey(body.ban_ingredient().crop(),
                                     body.ban_ingredient().active_ingredient());
    case v1::RecordBody::EVENT_NOT_SET: break;
  }
  return "";
}

std::string CommandName(const v1::RecordBody& body) {
  if (body.has_transform()) return std::string(chain::TransformKindName(body.transform().kind()));
  if (body.has_register_participant()) return "register";
  if (body.has_cancel_shipment()) return "cancel-shipment";
  if (body.has_update_participant()) return "participant update";
  return std::string(chain::EventName(body));
}

json CreatedJson(const v1::RecordBody& body, const std::string& record_id_hex) {
  switch (body.event_case()) {
    case v1::RecordBody::kShip: return {{"shipment", record_id_hex}};
    case v1::RecordBody::kReceive:
      if (!body.receive().has_reject() || body.receive().reject().milli() == 0) break;
      return {{"return_shipment", record_id_hex}};
    case v1::RecordBody::kHarvest: return {{"lot", chain::FormatLotKey(body.harvest().lot())}};
    case v1::RecordBody::kTransform: {
      json lots = json::array();
      for (const auto& output : body.transform().outputs()) {
        lots.push_back(chain::FormatLotKey(output.lot()));
      }
      return {{"lots", std::move(lots)}};
    }
    case v1::RecordBody::kAggregate:
      return {{"pallet", chain::FormatPalletKey(body.aggregate().sscc())}};
    case v1::RecordBody::kRegisterParticipant:
      return {{"participant", body.register_participant().name()}};
    default: break;
  }
  return json::object();
}

std::string SubmitResultLine(const v1::RecordBody& body, const std::string& record_id_hex,
                             bool committed, uint64_t height) {
  const std::string what = CommandName(body) + " " + RecordSubject(body);
  // A ship record's id names its shipment (receive --shipment, cancel-shipment); so does a
  // receive's when it sends a rejected part back.
  std::string id = "record " + record_id_hex;
  const json created = CreatedJson(body, record_id_hex);
  if (created.contains("shipment")) id += ", the shipment's id";
  if (created.contains("return_shipment")) id += ", the id of the rejected part's way back";
  if (body.has_propose_validator_change()) id += ", the proposal id";
  if (committed) {
    return "committed " + what + " in block " + std::to_string(height) + " (" + id + ")";
  }
  return "accepted " + what + " into the mempool (" + id + ")";
}

json SubmitResultJson(const std::string& record_id_hex, bool committed, uint64_t height) {
  return {{"record_id", record_id_hex}, {"height", height}, {"committed", committed}};
}

}  // namespace agritrace::wallet

#include "chain/model/genesis.h"

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "chain/model/gs1.h"
#include "chain/model/plot.h"
#include "chain/base/hash.h"
#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

using Json = nlohmann::json;
// Keeps the written file in the documented field order, which is easier to review by eye.
using OrderedJson = nlohmann::ordered_json;

// Genesis lists the initial participants only; the rest register on chain.
constexpr size_t kMaxGenesisParticipants = 10'000;
// A block that waits longer than a minute for company is a misconfiguration, not a tuning.
constexpr int64_t kMaxBlockDelayMs = 60'000;
constexpr double kMicroDegreesPerDegree = 1e6;
constexpr double kMaxLatitude = 90.0;
constexpr double kMaxLongitude = 180.0;

struct RoleEntry {
  v1::Role role;
  std::string_view name;
};
constexpr RoleEntry kRoles[] = {
    {v1::ROLE_ADMIN, "admin"},         {v1::ROLE_FARMER, "farmer"},
    {v1::ROLE_PACKER, "packer"},       {v1::ROLE_PROCESSOR, "processor"},
    {v1::ROLE_CARRIER, "carrier"},     {v1::ROLE_RETAILER, "retailer"},
    {v1::ROLE_INSPECTOR, "inspector"}, {v1::ROLE_REGULATOR, "regulator"},
};

Status Malformed(const std::string& field, const std::string& problem) {
  return Reject(Reason::kMalformed, "genesis: \"" + field + "\" " + problem);
}

// Rejects keys outside `allowed`: a misspelt optional field would otherwise be silently
// ignored and the network started with defaults nobody chose.
Status CheckKeys(const Json& object, const std::string& where,
                 std::initializer_list<std::string_view> allowed) {
  for (const auto& item : object.items()) {
    bool known = false;
    for (std::string_view key : allowed) known = known || item.key() == key;
    if (!known) return Malformed(where + item.key(), "is not a known genesis field");
  }
  return Status::Ok();
}

Result<std::string> GetText(const Json& object, const std::string& key, const std::string& where,
                            bool required, size_t max_bytes = kMaxTextBytes) {
  if (!object.contains(key)) {
    if (required) return Malformed(where + key, "is missing");
    return std::string();
  }
  const Json& value = object.at(key);
  if (!value.is_string()) return Malformed(where + key, "must be a string");
  std::string text = value.get<std::string>();
  if (required && text.empty()) return Malformed(where + key, "must not be empty");
  if (text.size() > max_bytes) {
    return Malformed(where + key, "is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

// An integer in [min, max] (min >= 0); `fallback` when absent and not required.
Result<int64_t> GetInt(const Json& object, const std::string& key, const std::string& where,
                       bool required, int64_t fallback, int64_t min, int64_t max) {
  if (!object.contains(key)) {
    if (required) return Malformed(where + key, "is missing");
    return fallback;
  }
  const Json& value = object.at(key);
  if (!value.is_number_integer()) return Malformed(where + key, "must be an integer");
  // nlohmann keeps large positive numbers unsigned; compare in the matching type.
  bool in_range = value.is_number_unsigned()
                      ? value.get<uint64_t>() <= static_cast<uint64_t>(max) &&
                            value.get<uint64_t>() >= static_cast<uint64_t>(min)
                      : value.get<int64_t>() >= min && value.get<int64_t>() <= max;
  if (!in_range) {
    return Malformed(where + key,
                     "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value.get<int64_t>();
}

Result<PubKey> GetPubKey(const Json& value, const std::string& field) {
  if (!value.is_string()) return Malformed(field, "must be a hex string");
  auto key = ArrayFromHex<32>(value.get<std::string>());
  if (!key) return Malformed(field, "must be 64 hex digits (a 32-byte x-only public key)");
  if (!IsValidPubKey(*key)) return Malformed(field, "is not a valid secp256k1 public key");
  return *key;
}

// Decimal degrees in [-limit, limit] to micro-degrees.
Result<int32_t> GetMicroDegrees(const Json& value, const std::string& field, double limit) {
  if (!value.is_number()) return Malformed(field, "must be a number of decimal degrees");
  double degrees = value.get<double>();
  if (!std::isfinite(degrees) || degrees < -limit || degrees > limit) {
    return Malformed(field, "must be between -" + std::to_string(static_cast<int>(limit)) +
                                " and " + std::to_string(static_cast<int>(limit)) + " degrees");
  }
  return static_cast<int32_t>(std::llround(degrees * kMicroDegreesPerDegree));
}

Status ParseLocation(const Json& item, const std::string& where, v1::Location& location) {
  Result<std::string> gln = GetText(item, "gln", where, false);
  if (!gln.ok()) return gln.status();
  if (!gln->empty()) {
    Status valid = ValidateGln(*gln);
    if (!valid.ok()) return Malformed(where + "gln", "is not a GLN: " + valid.message());
    location.set_gln(*gln);
  }
  Result<std::string> name = GetText(item, "location_name", where, false);
  if (!name.ok()) return name.status();
  location.set_name(*name);
  if (item.contains("lat")) {
    Result<int32_t> lat = GetMicroDegrees(item.at("lat"), where + "lat", kMaxLatitude);
    if (!lat.ok()) return lat.status();
    location.set_lat_e6(*lat);
  }
  if (item.contains("lon")) {
    Result<int32_t> lon = GetMicroDegrees(item.at("lon"), where + "lon", kMaxLongitude);
    if (!lon.ok()) return lon.status();
    location.set_lon_e6(*lon);
  }
  return Status::Ok();
}

Status ParseRoles(const Json& item, const std::string& where, v1::Participant& participant) {
  if (!item.contains("roles")) return Status::Ok();  // admins may get their only role later
  const Json& roles = item.at("roles");
  if (!roles.is_array()) return Malformed(where + "roles", "must be an array of role names");
  if (roles.size() > kMaxRolesPerParticipant) {
    return Malformed(where + "roles",
                     "lists more than " + std::to_string(kMaxRolesPerParticipant) + " roles");
  }
  std::set<v1::Role> seen;
  for (const Json& name : roles) {
    v1::Role role = name.is_string() ? RoleFromName(name.get<std::string>()) : v1::ROLE_UNSPECIFIED;
    if (role == v1::ROLE_UNSPECIFIED) {
      return Malformed(where + "roles", "holds " + name.dump() +
                                            ", which is not a role (admin, farmer, packer, "
                                            "processor, carrier, retailer, inspector, regulator)");
    }
    if (!seen.insert(role).second)
      return Malformed(where + "roles", "lists " + name.dump() + " twice");
    participant.add_roles(role);
  }
  return Status::Ok();
}

// Master data (chain format 2): "address", "phone" (digits, spaces, + - ( )) and
// "tz_offset_min" (minutes east of UTC, within +-14:00), each optional.
Status ParseContact(const Json& item, const std::string& where, v1::ContactDetails& contact) {
  Result<std::string> address = GetText(item, "address", where, false);
  if (!address.ok()) return address.status();
  contact.set_address(*address);
  Result<std::string> phone = GetText(item, "phone", where, false);
  if (!phone.ok()) return phone.status();
  for (char c : *phone) {
    if (!(c >= '0' && c <= '9') && c != '+' && c != ' ' && c != '-' && c != '(' && c != ')') {
      return Malformed(where + "phone", "may hold only digits, spaces and + - ( )");
    }
  }
  contact.set_phone(*phone);
  if (!item.contains("tz_offset_min")) return Status::Ok();
  const Json& tz = item.at("tz_offset_min");
  if (!tz.is_number_integer() || tz.get<int64_t>() < -kMaxTzOffsetMinutes ||
      tz.get<int64_t>() > kMaxTzOffsetMinutes) {
    return Malformed(where + "tz_offset_min",
                     "must be an integer of minutes east of UTC, from -840 to 840 (+08:00 is 480)");
  }
  contact.set_tz_offset_min(static_cast<int32_t>(tz.get<int64_t>()));
  return Status::Ok();
}

Result<v1::Participant> ParseParticipant(const Json& item, const std::string& where) {
  if (!item.is_object()) return Malformed(where, "must be an object");
  AGRI_RETURN_IF_ERROR(CheckKeys(item, where,
                                 {"name", "pubkey", "roles", "organization", "gln", "lat", "lon",
                                  "location_name", "address", "phone", "tz_offset_min"}));
  v1::Participant participant;
  Result<std::string> name = GetText(item, "name", where, true);
  if (!name.ok()) return name.status();
  participant.set_name(*name);
  if (!item.contains("pubkey")) return Malformed(where + "pubkey", "is missing");
  Result<PubKey> key = GetPubKey(item.at("pubkey"), where + "pubkey");
  if (!key.ok()) return key.status();
  participant.set_pubkey(AsBytes(*key));
  Result<std::string> organization = GetText(item, "organization", where, false);
  if (!organization.ok()) return organization.status();
  participant.set_organization(*organization);
  AGRI_RETURN_IF_ERROR(ParseRoles(item, where, participant));
  AGRI_RETURN_IF_ERROR(ParseLocation(item, where, *participant.mutable_location()));
  v1::ContactDetails contact;
  AGRI_RETURN_IF_ERROR(ParseContact(item, where, contact));
  if (contact.ByteSizeLong() > 0) *participant.mutable_contact() = std::move(contact);
  return participant;
}

Status ParseParticipants(const Json& root, Genesis& genesis) {
  if (!root.contains("participants")) return Status::Ok();
  const Json& list = root.at("participants");
  if (!list.is_array()) return Malformed("participants", "must be an array");
  if (list.size() > kMaxGenesisParticipants) {
    return Malformed("participants",
                     "lists more than " + std::to_string(kMaxGenesisParticipants) + " entries");
  }
  std::set<std::string> keys, names;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = "participants[" + std::to_string(i) + "].";
    Result<v1::Participant> participant = ParseParticipant(list[i], where);
    if (!participant.ok()) return participant.status();
    if (!keys.insert(participant->pubkey()).second) {
      return Malformed(where + "pubkey", "is listed for another participant already");
    }
    if (!names.insert(participant->name()).second) {
      return Malformed(where + "name", "is taken by another participant");
    }
    genesis.participants.push_back(std::move(participant).value());
  }
  return Status::Ok();
}

bool HasRole(const v1::Participant& participant, v1::Role role) {
  for (int r : participant.roles()) {
    if (r == role) return true;
  }
  return false;
}

// Each admin must also be listed as a participant, which gives it the name other records use
// for it; the admin role is added to that entry.
Status ApplyAdmins(const Json& root, Genesis& genesis) {
  if (!root.contains("admins")) return Status::Ok();
  const Json& admins = root.at("admins");
  if (!admins.is_array()) return Malformed("admins", "must be an array of public keys");
  std::set<PubKey> seen;
  for (size_t i = 0; i < admins.size(); ++i) {
    std::string field = "admins[" + std::to_string(i) + "]";
    Result<PubKey> key = GetPubKey(admins[i], field);
    if (!key.ok()) return key.status();
    if (!seen.insert(*key).second) return Malformed(field, "lists an admin twice");
    v1::Participant* match = nullptr;
    for (v1::Participant& p : genesis.participants) {
      if (p.pubkey() == AsBytes(*key)) match = &p;
    }
    if (match == nullptr) {
      return Malformed(field, "is not among the participants; list the admin there with a name");
    }
    if (!HasRole(*match, v1::ROLE_ADMIN)) {
      if (match->roles_size() >= static_cast<int>(kMaxRolesPerParticipant)) {
        return Malformed(field, "would give its participant more than " +
                                    std::to_string(kMaxRolesPerParticipant) + " roles");
      }
      match->add_roles(v1::ROLE_ADMIN);
    }
  }
  return Status::Ok();
}

Status CheckEveryoneHasARole(const Genesis& genesis) {
  for (size_t i = 0; i < genesis.participants.size(); ++i) {
    if (genesis.participants[i].roles_size() == 0) {
      return Malformed("participants[" + std::to_string(i) + "].roles",
                       "is empty; a participant without a role can record nothing");
    }
  }
  return Status::Ok();
}

Result<GenesisValidator> ParseValidator(const Json& item, const std::string& where) {
  if (!item.is_object()) return Malformed(where, "must be an object");
  AGRI_RETURN_IF_ERROR(CheckKeys(item, where, {"name", "pubkey", "address"}));
  GenesisValidator validator;
  Result<std::string> name = GetText(item, "name", where, true);
  if (!name.ok()) return name.status();
  validator.name = *name;
  if (!item.contains("pubkey")) return Malformed(where + "pubkey", "is missing");
  Result<PubKey> key = GetPubKey(item.at("pubkey"), where + "pubkey");
  if (!key.ok()) return key.status();
  validator.pubkey = *key;
  Result<std::string> address = GetText(item, "address", where, false);
  if (!address.ok()) return address.status();
  validator.address = *address;
  return validator;
}

Status ParseValidators(const Json& root, Genesis& genesis) {
  if (!root.contains("validators")) return Malformed("validators", "is missing");
  const Json& list = root.at("validators");
  if (!list.is_array() || list.empty()) {
    return Malformed("validators", "must be a non-empty array");
  }
  if (list.size() > kMaxValidators) {
    return Malformed("validators",
                     "lists more than " + std::to_string(kMaxValidators) + " validators");
  }
  std::set<PubKey> keys;
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = "validators[" + std::to_string(i) + "].";
    Result<GenesisValidator> validator = ParseValidator(list[i], where);
    if (!validator.ok()) return validator.status();
    if (!keys.insert(validator->pubkey).second) {
      return Malformed(where + "pubkey", "is listed for another validator already");
    }
    if (!names.insert(validator->name).second) {
      return Malformed(where + "name", "is taken by another validator");
    }
    genesis.validators.push_back(std::move(validator).value());
  }
  return Status::Ok();
}

Status ParseParams(const Json& root, Genesis& genesis) {
  if (!root.contains("params")) return Status::Ok();
  const Json& params = root.at("params");
  if (!params.is_object()) return Malformed("params", "must be an object");
  AGRI_RETURN_IF_ERROR(CheckKeys(
      params, "params.",
      {"max_record_age_ms", "max_record_future_ms", "max_block_records", "block_delay_ms",
       "require_plot"}));
  if (params.contains("require_plot")) {
    if (!params.at("require_plot").is_boolean()) {
      return Malformed("params.require_plot", "must be true or false");
    }
    genesis.params.require_plot = params.at("require_plot").get<bool>();
  }
  constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  Result<int64_t> age = GetInt(params, "max_record_age_ms", "params.", false,
                               genesis.params.max_record_age_ms, 0, kInt64Max);
  Result<int64_t> future = GetInt(params, "max_record_future_ms", "params.", false,
                                  genesis.params.max_record_future_ms, 0, kInt64Max);
  Result<int64_t> records = GetInt(params, "max_block_records", "params.", false,
                                   genesis.max_block_records, 1, kMaxBlockRecords);
  Result<int64_t> delay = GetInt(params, "block_delay_ms", "params.", false, genesis.block_delay_ms,
                                 0, kMaxBlockDelayMs);
  for (const auto* value : {&age, &future, &records, &delay}) {
    if (!value->ok()) return value->status();
  }
  genesis.params.max_record_age_ms = *age;
  genesis.params.max_record_future_ms = *future;
  genesis.max_block_records = static_cast<uint32_t>(*records);
  genesis.block_delay_ms = static_cast<uint32_t>(*delay);
  return Status::Ok();
}

// Genesis lists a network's first plots; the rest register on chain.
constexpr size_t kMaxGenesisPlots = 10'000;

// "MM-DD" -> month, day.
Status ParseSeasonStart(const Json& item, const std::string& where, v1::RegisterPlot& reg) {
  Result<std::string> text = GetText(item, "season_start", where, false);
  if (!text.ok()) return text.status();
  if (text->empty()) return Status::Ok();
  unsigned month = 0, day = 0;
  char extra = 0;
  if (std::sscanf(text->c_str(), "%2u-%2u%c", &month, &day, &extra) != 2 || month < 1 ||
      month > 12 || day < 1 || day > 31) {
    return Malformed(where + "season_start", "must be MM-DD, e.g. 03-01");
  }
  reg.set_season_start_month(month);
  reg.set_season_start_day(day);
  return Status::Ok();
}

Result<v1::PlotState> ParsePlot(const Json& item, const std::string& where,
                                const Genesis& genesis) {
  if (!item.is_object()) return Malformed(where, "must be an object");
  AGRI_RETURN_IF_ERROR(CheckKeys(item, where,
                                 {"id", "owner", "area", "crop", "max_yield", "gln", "lat", "lon",
                                  "location_name", "season_start"}));
  v1::RegisterPlot reg;
  Result<std::string> id = GetText(item, "id", where, true, kMaxPlotIdBytes);
  Result<std::string> owner = GetText(item, "owner", where, true);
  Result<std::string> area = GetText(item, "area", where, true);
  Result<std::string> crop = GetText(item, "crop", where, true);
  Result<std::string> yield = GetText(item, "max_yield", where, true);
  for (const auto* value : {&id, &owner, &area, &crop, &yield}) {
    if (!value->ok()) return value->status();
  }
  reg.set_plot_id(*id);
  for (const v1::Participant& p : genesis.participants) {
    if (p.name() == *owner && HasRole(p, v1::ROLE_FARMER)) reg.set_owner(p.pubkey());
  }
  if (reg.owner().empty()) return Malformed(where + "owner", "must name a farmer participant");
  Result<v1::Area> parsed_area = ParseArea(*area);
  if (!parsed_area.ok()) return Malformed(where + "area", parsed_area.status().message());
  *reg.mutable_area() = *parsed_area;
  reg.set_crop(*crop);
  Status yield_ok = ParseYield(*yield, *reg.mutable_max_yield(), *reg.mutable_max_yield_per());
  if (!yield_ok.ok()) return Malformed(where + "max_yield", yield_ok.message());
  AGRI_RETURN_IF_ERROR(ParseLocation(item, where, *reg.mutable_location()));
  AGRI_RETURN_IF_ERROR(ParseSeasonStart(item, where, reg));
  Result<v1::PlotState> plot = NewPlotState(reg);
  if (!plot.ok()) return Malformed(where.substr(0, where.size() - 1), plot.status().message());
  return plot;
}

Status ParsePlots(const Json& root, Genesis& genesis) {
  if (!root.contains("plots")) return Status::Ok();
  const Json& list = root.at("plots");
  if (!list.is_array()) return Malformed("plots", "must be an array");
  if (list.size() > kMaxGenesisPlots) {
    return Malformed("plots", "lists more than " + std::to_string(kMaxGenesisPlots) + " plots");
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = "plots[" + std::to_string(i) + "].";
    Result<v1::PlotState> plot = ParsePlot(list[i], where, genesis);
    if (!plot.ok()) return plot.status();
    if (!ids.insert(plot->plot_id()).second) return Malformed(where + "id", "is listed twice");
    genesis.plots.push_back(std::move(plot).value());
  }
  return Status::Ok();
}

OrderedJson PlotToGenesisJson(const v1::PlotState& plot, const Genesis& genesis) {
  OrderedJson out;
  out["id"] = plot.plot_id();
  for (const v1::Participant& p : genesis.participants) {
    if (p.pubkey() == plot.owner()) out["owner"] = p.name();
  }
  out["area"] = FormatArea(plot.area());
  out["crop"] = plot.crop();
  out["max_yield"] = FormatYield(plot.max_yield(), plot.max_yield_per());
  const v1::Location& location = plot.location();
  if (!location.gln().empty()) out["gln"] = location.gln();
  if (location.has_lat_e6()) out["lat"] = location.lat_e6() / kMicroDegreesPerDegree;
  if (location.has_lon_e6()) out["lon"] = location.lon_e6() / kMicroDegreesPerDegree;
  if (!location.name().empty()) out["location_name"] = location.name();
  if (plot.season_start_month() != 0) {
    char start[24];
    std::snprintf(start, sizeof start, "%02u-%02u", plot.season_start_month(),
                  plot.season_start_day() == 0 ? 1u : plot.season_start_day());
    out["season_start"] = start;
  }
  return out;
}

Status ParseRoot(const Json& root, Genesis& genesis) {
  if (!root.is_object())
    return Reject(Reason::kMalformed, "genesis: the file must hold a JSON object");
  AGRI_RETURN_IF_ERROR(CheckKeys(
      root, "",
      {"chain_format", "chain_id", "genesis_time_ms", "validators", "admins", "participants",
       "params", "plots"}));
  // Absent: the current format (hand-written test networks need not say it).
  Result<int64_t> format = GetInt(root, "chain_format", "", false, kChainFormat, 0,
                                  std::numeric_limits<int64_t>::max());
  if (!format.ok()) return format.status();
  if (*format != kChainFormat) {
    return Malformed("chain_format", "is " + std::to_string(*format) + "; this node speaks format " +
                                         std::to_string(kChainFormat));
  }
  Result<std::string> chain_id = GetText(root, "chain_id", "", true, kMaxChainIdBytes);
  if (!chain_id.ok()) return chain_id.status();
  genesis.chain_id = *chain_id;
  genesis.params.chain_id = *chain_id;
  Result<int64_t> time =
      GetInt(root, "genesis_time_ms", "", true, 0, 0, std::numeric_limits<int64_t>::max());
  if (!time.ok()) return time.status();
  genesis.genesis_time_ms = *time;
  AGRI_RETURN_IF_ERROR(ParseValidators(root, genesis));
  AGRI_RETURN_IF_ERROR(ParseParticipants(root, genesis));
  AGRI_RETURN_IF_ERROR(ApplyAdmins(root, genesis));
  AGRI_RETURN_IF_ERROR(CheckEveryoneHasARole(genesis));
  AGRI_RETURN_IF_ERROR(ParsePlots(root, genesis));
  return ParseParams(root, genesis);
}

OrderedJson ParticipantToJson(const v1::Participant& p) {
  OrderedJson out;
  out["name"] = p.name();
  out["pubkey"] = ToHex(p.pubkey());
  OrderedJson roles = OrderedJson::array();
  for (int role : p.roles()) roles.push_back(RoleName(static_cast<v1::Role>(role)));
  out["roles"] = roles;
  if (!p.organization().empty()) out["organization"] = p.organization();
  const v1::Location& location = p.location();
  if (!location.gln().empty()) out["gln"] = location.gln();
  if (location.has_lat_e6()) out["lat"] = location.lat_e6() / kMicroDegreesPerDegree;
  if (location.has_lon_e6()) out["lon"] = location.lon_e6() / kMicroDegreesPerDegree;
  if (!location.name().empty()) out["location_name"] = location.name();
  const v1::ContactDetails& contact = p.contact();
  if (!contact.address().empty()) out["address"] = contact.address();
  if (!contact.phone().empty()) out["phone"] = contact.phone();
  if (contact.has_tz_offset_min()) out["tz_offset_min"] = contact.tz_offset_min();
  return out;
}

}  // namespace

ValidatorSet Genesis::validator_set() const {
  ValidatorSet set;
  for (const GenesisValidator& v : validators) set.validators.push_back(v.pubkey);
  return set;
}

Result<Genesis> ParseGenesis(const std::string& file_bytes) {
  // No exceptions: a parse failure yields a "discarded" value.
  Json root = Json::parse(file_bytes, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return Reject(Reason::kMalformed, "genesis: the file is not valid JSON");
  }
  Genesis genesis;
  AGRI_RETURN_IF_ERROR(ParseRoot(root, genesis));
  genesis.hash = Sha256(file_bytes);
  return genesis;
}

std::string GenesisToJson(const Genesis& genesis) {
  OrderedJson root;
  root["chain_format"] = kChainFormat;
  root["chain_id"] = genesis.chain_id;
  root["genesis_time_ms"] = genesis.genesis_time_ms;
  OrderedJson validators = OrderedJson::array();
  for (const GenesisValidator& v : genesis.validators) {
    validators.push_back(
        OrderedJson{{"name", v.name}, {"pubkey", ToHex(v.pubkey)}, {"address", v.address}});
  }
  root["validators"] = validators;
  OrderedJson admins = OrderedJson::array();
  OrderedJson participants = OrderedJson::array();
  for (const v1::Participant& p : genesis.participants) {
    if (HasRole(p, v1::ROLE_ADMIN)) admins.push_back(ToHex(p.pubkey()));
    participants.push_back(ParticipantToJson(p));
  }
  root["admins"] = admins;
  root["participants"] = participants;
  root["params"] = OrderedJson{{"max_record_age_ms", genesis.params.max_record_age_ms},
                               {"max_record_future_ms", genesis.params.max_record_future_ms},
                               {"max_block_records", genesis.max_block_records},
                               {"block_delay_ms", genesis.block_delay_ms}};
  if (genesis.params.require_plot) root["params"]["require_plot"] = true;
  if (!genesis.plots.empty()) {
    OrderedJson plots = OrderedJson::array();
    for (const v1::PlotState& plot : genesis.plots) plots.push_back(PlotToGenesisJson(plot, genesis));
    root["plots"] = plots;
  }
  // Strings parsed from JSON are valid UTF-8; anything else is replaced rather than thrown on,
  // because chain/ reports errors as values.
  return root.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

std::string_view RoleName(v1::Role role) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.role == role) return entry.name;
  }
  return "unspecified";
}

v1::Role RoleFromName(std::string_view name) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.name == name) return entry.role;
  }
  return v1::ROLE_UNSPECIFIED;
}

}  // namespace agritrace::chain

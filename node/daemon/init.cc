#include "node/daemon/init.h"

#include <chrono>
#include <filesystem>

#include "chain/io/file_util.h"
#include "chain/model/genesis.h"
#include "chain/model/plot.h"
#include "chain/keystore/keystore.h"
#include "node/common/config.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;

namespace {

struct SampleParticipant {
  const char* name;
  std::vector<v1::Role> roles;
  const char* organization;
  const char* place;
  int32_t lat_e6;
  int32_t lon_e6;
  const char* address;
  const char* phone;
};

// China Standard Time, the whole cast's time zone: events are shown in it.
constexpr int32_t kChinaTzOffsetMin = 8 * 60;

// The demo's cast: a rice co-operative in Wuchang, Heilongjiang, and its supply chain.
// Addresses and phone numbers are made up (555 numbers).
const std::vector<SampleParticipant>& SampleParticipants() {
  static const std::vector<SampleParticipant> kSamples = {
      {"admin", {v1::ROLE_ADMIN}, "Wuchang County Agriculture Bureau", "Wuchang", 44920000,
       127150000, "1 Renmin Road, Wuchang, Heilongjiang 150200", "+86 451 5555 0100"},
      {"farmer", {v1::ROLE_FARMER}, "Wuchang Rice Co-operative", "Niujia village", 45120000,
       127450000, "Niujia village, Wuchang, Heilongjiang 150229", "+86 451 5555 0101"},
      {"packer", {v1::ROLE_PACKER, v1::ROLE_PROCESSOR}, "Golden Grain Mill & Packing", "Harbin",
       45750000, 126630000, "88 Hanan Industrial Park, Harbin, Heilongjiang 150060",
       "+86 451 5555 0102"},
      {"carrier", {v1::ROLE_CARRIER}, "Longjiang Cold Chain Logistics", "Harbin", 45800000,
       126530000, "12 Logistics Avenue, Daoli, Harbin 150010", "+86 451 5555 0103"},
      {"retailer", {v1::ROLE_RETAILER}, "Fresh Market Shanghai", "Shanghai", 31230000, 121470000,
       "500 Nanjing Road West, Jing'an, Shanghai 200041", "+86 21 5555 0104"},
      {"inspector", {v1::ROLE_INSPECTOR}, "Heilongjiang Food Inspection Lab", "Harbin", 45760000,
       126650000, "3 Xuefu Road, Nangang, Harbin 150080", "+86 451 5555 0105"},
      {"regulator", {v1::ROLE_REGULATOR}, "County Market Regulation Bureau", "Wuchang", 44920000,
       127150000, "9 Zhengfu Street, Wuchang, Heilongjiang 150200", "+86 451 5555 0106"},
  };
  return kSamples;
}

std::string RandomSuffix() {
  uint8_t bytes[3];
  chain::RandomBytes(bytes, sizeof(bytes));
  return chain::ToHex(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

chain::Result<v1::Participant> MakeSample(const SampleParticipant& sample, chain::Keystore& keystore,
                                          const InitOptions& options) {
  chain::PrivateKey key = chain::PrivateKey::Generate();
  AGRI_RETURN_IF_ERROR(keystore.Save(sample.name, key, options.password, {options.scrypt_n, 8, 1}));
  v1::Participant participant;
  participant.set_pubkey(chain::AsBytes(key.public_key()));
  participant.set_name(sample.name);
  for (v1::Role role : sample.roles) participant.add_roles(role);
  participant.set_organization(sample.organization);
  participant.mutable_location()->set_name(sample.place);
  participant.mutable_location()->set_lat_e6(sample.lat_e6);
  participant.mutable_location()->set_lon_e6(sample.lon_e6);
  participant.mutable_contact()->set_address(sample.address);
  participant.mutable_contact()->set_phone(sample.phone);
  participant.mutable_contact()->set_tz_offset_min(kChinaTzOffsetMin);
  return participant;
}

// The sample farmer's registered plot, and the rule that every harvest names its plot: the
// sample networks show origin backed by land from the first harvest.
chain::Status AddSamplePlot(chain::Genesis* genesis) {
  v1::RegisterPlot reg;
  reg.set_plot_id("plot-1");
  for (const v1::Participant& p : genesis->participants) {
    if (p.name() == "farmer") reg.set_owner(p.pubkey());
  }
  auto area = chain::ParseArea("100mu");
  if (!area.ok()) return area.status();
  *reg.mutable_area() = *area;
  reg.set_crop("rice");
  AGRI_RETURN_IF_ERROR(
      chain::ParseYield("700kg/mu", *reg.mutable_max_yield(), *reg.mutable_max_yield_per()));
  reg.mutable_location()->set_name("Niujia village, Wuchang");
  reg.mutable_location()->set_lat_e6(45'120'000);
  reg.mutable_location()->set_lon_e6(127'450'000);
  auto plot = chain::NewPlotState(reg);
  if (!plot.ok()) return plot.status();
  genesis->plots.push_back(std::move(*plot));
  genesis->params.require_plot = true;
  return chain::Status::Ok();
}

}  // namespace

chain::Status AddSampleParticipants(const std::string& keystore_dir, const InitOptions& options,
                                    chain::Genesis* genesis) {
  chain::Keystore keystore(keystore_dir);
  for (const auto& sample : SampleParticipants()) {
    auto participant = MakeSample(sample, keystore, options);
    if (!participant.ok()) return participant.status();
    genesis->participants.push_back(std::move(*participant));
  }
  return AddSamplePlot(genesis);
}

chain::Status InitDevNetwork(const InitOptions& options) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::absolute(options.dir);
  const uint64_t n = options.scrypt_n;
  if (n < 2 || n > chain::kMaxScryptN || (n & (n - 1)) != 0) {
    return Reject(Reason::kMalformed, "--scrypt-n must be a power of two from 2 to " +
                                          std::to_string(chain::kMaxScryptN));
  }
  if (fs::exists(dir / "genesis.json")) {
    return Reject(Reason::kAlreadyRegistered,
                  (dir / "genesis.json").string() + " exists; init never overwrites a network");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Reject(Reason::kIoError, "cannot create " + dir.string() + ": " + ec.message());

  chain::Genesis genesis;
  genesis.chain_id = options.chain_id.empty() ? "agritrace-dev-" + RandomSuffix() : options.chain_id;
  genesis.genesis_time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();

  chain::PrivateKey node_key = chain::PrivateKey::Generate();
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic(
      (dir / "node_key.json").string(),
      chain::EncryptKey(node_key, options.name, options.password, {options.scrypt_n, 8, 1}), true));
  genesis.validators.push_back({options.name, node_key.public_key(), options.grpc_addr});

  AGRI_RETURN_IF_ERROR(AddSampleParticipants((dir / "keystore").string(), options, &genesis));
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic((dir / "genesis.json").string(),
                                              chain::GenesisToJson(genesis), false));
  NodeConfig config;
  config.name = options.name;
  config.grpc_addr = options.grpc_addr;
  config.http_addr = options.http_addr;
  return chain::WriteFileAtomic((dir / "node.toml").string(), ConfigToToml(config), false);
}

}  // namespace agritrace::node

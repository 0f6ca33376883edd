#include "bench/load_workload.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "chain/model/gs1.h"
#include "chain/model/plot.h"
#include "chain/model/record.h"

namespace agritrace::bench {
namespace {

// Valid GTIN-14s (check digits verified by the rules).
constexpr const char* kPaddyGtin = "06901234567892";
constexpr const char* kRetailGtin = "06901234567809";
// Every journey harvests 1000 kg, ships 900 kg of it to the packer (a partial shipment: the
// farmer keeps 100 kg) and packs 600 kg into 120 bags of 5 kg, all of which go to the retailer.
constexpr int64_t kHarvestMilliKg = 1'000'000;
constexpr int64_t kShipToPackerMilliKg = 900'000;
constexpr int64_t kPackMilliKg = 600'000;
constexpr int64_t kBagsMilli = 120'000;
constexpr int64_t kBagMilliKg = 5'000;
// A SensorReadings record carries an hour of 10-minute cold-store readings.
constexpr int kReadingsPerRecord = 6;
constexpr int64_t kReadingIntervalMs = 10 * 60 * 1000;
constexpr int32_t kColdStoreMilliC = 4'000;
constexpr int32_t kColdStoreHumidityMpct = 65'000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t RandomNonce() {
  uint64_t nonce;
  chain::RandomBytes(reinterpret_cast<uint8_t*>(&nonce), sizeof(nonce));
  return nonce;
}

v1::RecordBody NewBody(const std::string& chain_id) {
  v1::RecordBody body;
  body.set_chain_id(chain_id);
  body.set_timestamp_ms(NowMs());
  body.set_nonce(RandomNonce());
  return body;
}

void SetLot(v1::LotKey* key, const char* gtin, const std::string& lot) {
  key->set_gtin(gtin);
  key->set_lot(lot);
}

void SetQuantity(v1::Quantity* q, int64_t milli, const char* unit) {
  q->set_milli(milli);
  q->set_unit(unit);
}

// Each load farmer harvests from its own plot, registered with it by the admin; a large one
// (10,000 ha at 9 t/ha, 90,000 t a season) so that a long run never meets the cap.
constexpr const char* kLoadPlotArea = "10000ha";
constexpr const char* kLoadPlotYield = "9t/ha";

std::string PlotOf(const Signer& farmer) { return farmer.name + "-plot"; }

std::string PaddyLot(const WorkloadOptions& o, size_t j) {
  return "H" + o.run_id + std::to_string(j);
}
std::string BagsLot(const WorkloadOptions& o, size_t j) {
  return "R" + o.run_id + std::to_string(j);
}

v1::Envelope Readings(const WorkloadOptions& o, const Signer& holder, const char* gtin,
                      const std::string& lot, size_t seq) {
  v1::RecordBody body = NewBody(o.chain_id);
  v1::SensorReadings* r = body.mutable_sensor_readings();
  SetLot(r->mutable_lot(), gtin, lot);
  const int64_t first_ms =
      body.timestamp_ms() - (seq + 1) * kReadingsPerRecord * kReadingIntervalMs;
  for (int i = 0; i < kReadingsPerRecord; ++i) {
    v1::SensorReading* reading = r->add_readings();
    reading->set_time_ms(first_ms + i * kReadingIntervalMs);
    reading->set_temperature_mc(kColdStoreMilliC + 100 * i);
    reading->set_humidity_mpct(kColdStoreHumidityMpct);
  }
  return chain::SignRecord(body, holder.key);
}

std::vector<v1::Envelope> Journey(const WorkloadOptions& o, size_t j, const Signer& farmer,
                                  const Signer& packer, const Signer& retailer) {
  const std::string paddy = PaddyLot(o, j);
  const std::string bags = BagsLot(o, j);
  // The packer's readings (the first half, rounded up) come before packing, the retailer's
  // after receiving the bags.
  const size_t packer_readings = (o.readings_per_journey + 1) / 2;
  std::vector<v1::Envelope> records;

  v1::RecordBody harvest = NewBody(o.chain_id);
  v1::Harvest* h = harvest.mutable_harvest();
  SetLot(h->mutable_lot(), kPaddyGtin, paddy);
  h->set_commodity("rice");
  h->set_variety("Wuchang Daohuaxiang No.2");
  SetQuantity(h->mutable_quantity(), kHarvestMilliKg, "kg");
  h->set_harvest_time_ms(harvest.timestamp_ms());
  h->set_field("Plot " + std::to_string(j % 100));
  h->set_plot(PlotOf(farmer));
  records.push_back(chain::SignRecord(harvest, farmer.key));

  // Ships `milli_kg` of the lot (0: everything `from` holds), then `to` receives it all.
  auto ship = [&](const Signer& from, const Signer& to, const char* gtin, const std::string& lot,
                  int64_t milli_kg) {
    v1::RecordBody body = NewBody(o.chain_id);
    SetLot(body.mutable_ship()->mutable_lot(), gtin, lot);
    body.mutable_ship()->set_receiver(chain::AsBytes(to.key.public_key()));
    if (milli_kg > 0) SetQuantity(body.mutable_ship()->mutable_quantity(), milli_kg, "kg");
    records.push_back(chain::SignRecord(body, from.key));
    v1::RecordBody receive = NewBody(o.chain_id);
    SetLot(receive.mutable_receive()->mutable_lot(), gtin, lot);
    records.push_back(chain::SignRecord(receive, to.key));
  };
  ship(farmer, packer, kPaddyGtin, paddy, kShipToPackerMilliKg);
  for (size_t i = 0; i < packer_readings; ++i) {
    records.push_back(Readings(o, packer, kPaddyGtin, paddy, i));
  }

  v1::RecordBody pack = NewBody(o.chain_id);
  v1::Transform* t = pack.mutable_transform();
  t->set_kind(v1::TRANSFORM_KIND_PACK);
  v1::LotAmount* in = t->add_inputs();
  SetLot(in->mutable_lot(), kPaddyGtin, paddy);
  SetQuantity(in->mutable_quantity(), kPackMilliKg, "kg");
  v1::LotOutput* out = t->add_outputs();
  SetLot(out->mutable_lot(), kRetailGtin, bags);
  SetQuantity(out->mutable_quantity(), kBagsMilli, "pcs");
  SetQuantity(out->mutable_net_mass_per_unit(), kBagMilliKg, "kg");
  records.push_back(chain::SignRecord(pack, packer.key));

  ship(packer, retailer, kRetailGtin, bags, 0);
  for (size_t i = packer_readings; i < o.readings_per_journey; ++i) {
    records.push_back(Readings(o, retailer, kRetailGtin, bags, i));
  }
  return records;
}

Signer MakeSigner(const WorkloadOptions& o, const char* kind, size_t i, v1::Role role) {
  return Signer{"bench-" + o.run_id + "-" + kind + "-" + std::to_string(i),
                chain::PrivateKey::Generate(), role};
}

}  // namespace

size_t Workload::record_count() const {
  size_t n = 0;
  for (const auto& journey : journeys) n += journey.size();
  return n;
}

std::string RetailLotOf(const WorkloadOptions& o, size_t index) {
  return std::string("01/") + kRetailGtin + "/10/" + BagsLot(o, index);
}

Workload BuildWorkload(const WorkloadOptions& o, unsigned threads) {
  Workload w;
  for (size_t i = 0; i < o.farmers; ++i)
    w.signers.push_back(MakeSigner(o, "farmer", i, v1::ROLE_FARMER));
  for (size_t i = 0; i < o.packers; ++i)
    w.signers.push_back(MakeSigner(o, "packer", i, v1::ROLE_PACKER));
  for (size_t i = 0; i < o.retailers; ++i) {
    w.signers.push_back(MakeSigner(o, "retailer", i, v1::ROLE_RETAILER));
  }
  const size_t per_journey = kFixedJourneyRecords + o.readings_per_journey;
  const size_t journeys = o.records > 0 ? (o.records + per_journey - 1) / per_journey : o.journeys;
  w.journeys.resize(journeys);
  // Signing is the expensive part: journeys are independent, so split them over threads.
  auto sign_some = [&](size_t first) {
    for (size_t j = first; j < journeys; j += std::max(1u, threads)) {
      const Signer& farmer = w.signers[j % o.farmers];
      const Signer& packer = w.signers[o.farmers + j % o.packers];
      const Signer& retailer = w.signers[o.farmers + o.packers + j % o.retailers];
      w.journeys[j] = Journey(o, j, farmer, packer, retailer);
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t) workers.emplace_back(sign_some, t);
  sign_some(0);
  for (auto& worker : workers) worker.join();
  if (o.records > 0 && journeys > 0) {
    w.journeys.back().resize(o.records - (journeys - 1) * per_journey);
  }
  return w;
}

std::vector<v1::Envelope> RegistrationRecords(const Workload& workload,
                                              const chain::PrivateKey& admin,
                                              const std::string& chain_id) {
  std::vector<v1::Envelope> records;
  for (const Signer& signer : workload.signers) {
    v1::RecordBody body = NewBody(chain_id);
    v1::RegisterParticipant* r = body.mutable_register_participant();
    r->set_pubkey(chain::AsBytes(signer.key.public_key()));
    r->set_name(signer.name);
    r->add_roles(signer.role);
    r->set_organization("Load generator");
    records.push_back(chain::SignRecord(body, admin));
  }
  for (const Signer& signer : workload.signers) {
    if (signer.role != v1::ROLE_FARMER) continue;
    v1::RecordBody body = NewBody(chain_id);
    v1::RegisterPlot* plot = body.mutable_register_plot();
    plot->set_plot_id(PlotOf(signer));
    plot->set_owner(chain::AsBytes(signer.key.public_key()));
    *plot->mutable_area() = chain::ParseArea(kLoadPlotArea).value();
    plot->set_crop("rice");
    (void)chain::ParseYield(kLoadPlotYield, *plot->mutable_max_yield(),
                            *plot->mutable_max_yield_per());
    records.push_back(chain::SignRecord(body, admin));
  }
  return records;
}

}  // namespace agritrace::bench

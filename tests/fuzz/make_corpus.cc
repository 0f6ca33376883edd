// Writes the seed corpora of the fuzz targets: tests/fuzz/corpus/<target>/<seed>.
//
//   build/bin/fuzz_make_corpus tests/fuzz/corpus
//
// Everything is derived from the fixed fuzz network (fuzz_fixture.h): a farm-to-shelf journey
// (harvest, sensor readings, ship, checkpoint, receive, certify, pack, ship, receive, sell,
// recall, register) is applied with the real rules and committed into a scratch RocksDB store
// as blocks certified by three of the four validators; the seeds are those records, blocks,
// certificates, votes, proposals, peer messages, the proof bundle of the retail lot (binary and
// JSON), the EPCIS export of the journey, key files, the genesis, node.toml and URLs, plus a
// few edge cases per target. Signatures are randomized (BIP-340 aux randomness), so each run
// writes different bytes; existing files with the same names are overwritten, others are kept
// (regressions found by fuzzing live beside the seeds).
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include "agritrace/v1/peer.pb.h"
#include "chain/bundle/bundle.h"
#include "chain/query/bundle_builder.h"
#include "chain/consensus/messages.h"
#include "chain/export/epcis.h"
#include "chain/model/gs1.h"
#include "chain/base/hash.h"
#include "chain/keystore/keystore.h"
#include "chain/model/quantity.h"
#include "chain/rules/rules.h"
#include "chain/store/store.h"
#include "node/common/config.h"
#include "node/p2p/peer_handshake.h"
#include "tests/fuzz/fuzz_fixture.h"

namespace agritrace::fuzz {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kHourMs = 3'600'000;
constexpr char kGtinBulk[] = "06901234567892";
constexpr char kGtinBag[] = "06901234567809";

fs::path g_out;
int g_files = 0;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = g_out / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
  ++g_files;
}

// The seeds are only useful if they get past the checks: make sure they do.
void Expect(const chain::Status& status, const std::string& what) {
  if (status.ok()) return;
  std::cerr << "make_corpus: seed " << what << " does not verify: " << status.ToString() << "\n";
  std::exit(1);
}

// For targets whose first byte picks the kind of input.
std::string Tagged(uint8_t tag, const std::string& bytes) {
  return std::string(1, static_cast<char>(tag)) + bytes;
}

v1::LotKey Lot(const char* gtin, const std::string& code) {
  v1::LotKey key;
  key.set_gtin(gtin);
  key.set_lot(code);
  return key;
}

v1::Quantity Qty(std::string_view text) { return *chain::ParseQuantity(text); }

chain::PubKey Pub32(const std::string& name) { return FuzzKey(name).public_key(); }
std::string Pub(const std::string& name) { return chain::AsBytes(FuzzKey(name).public_key()); }

// The journey, committed block by block into a scratch store.
class Journey {
 public:
  explicit Journey(const std::string& dir) : genesis_(FuzzGenesis()) {
    auto store = chain::ChainStore::Open(dir, genesis_);
    if (!store.ok()) Die("store: " + store.status().ToString());
    store_ = std::move(store).value();
  }

  void Run();

  const chain::Genesis& genesis() const { return genesis_; }
  const chain::ChainStore& store() const { return *store_; }
  const std::vector<v1::Block>& blocks() const { return blocks_; }
  const std::vector<std::pair<std::string, v1::Envelope>>& records() const { return records_; }

 private:
  [[noreturn]] static void Die(const std::string& why) {
    std::cerr << "make_corpus: " << why << "\n";
    std::exit(1);
  }

  v1::Envelope Sign(const std::string& signer, const std::string& label,
                    const std::function<void(v1::RecordBody&)>& fill) {
    v1::RecordBody body;
    body.set_chain_id(genesis_.chain_id);
    body.set_timestamp_ms(kFuzzT0 + static_cast<int64_t>(nonce_) * kHourMs / 4);
    body.set_nonce(++nonce_);
    fill(body);
    v1::Envelope envelope = chain::SignRecord(body, FuzzKey(signer));
    records_.emplace_back(label, envelope);
    return envelope;
  }

  // Applies with the real rules and commits one block certified by validators 0..2.
  void Commit(const std::vector<v1::Envelope>& envelopes) {
    const chain::ChainTip tip = store_->Tip();
    const uint64_t height = tip.height + 1;
    const int64_t time_ms = kFuzzT0 + static_cast<int64_t>(height) * kHourMs;
    chain::StateOverlay changes(store_.get());
    for (uint32_t i = 0; i < envelopes.size(); ++i) {
      auto record = chain::DecodeRecord(envelopes[i]);
      if (!record.ok()) Die("decode: " + record.status().ToString());
      chain::Status applied =
          chain::ApplyRecord(*record, genesis_.params, {height, i, time_ms}, changes);
      if (!applied.ok()) Die("apply " + std::string(chain::EventName(record->body)) + ": " +
                             applied.ToString());
    }
    const chain::PubKey proposer = chain::ProposerFor(genesis_.validator_set(), height, 0);
    v1::Block block =
        chain::MakeBlock(genesis_.chain_id, height, tip.hash, time_ms, proposer, envelopes);
    auto decoded = chain::DecodeBlock(block, genesis_.chain_id);
    if (!decoded.ok()) Die("block: " + decoded.status().ToString());
    v1::CommitCertificate* cert = decoded->block.mutable_certificate();
    cert->set_height(height);
    cert->set_block_hash(chain::AsBytes(decoded->hash));
    for (int v = 0; v < 3; ++v) {
      *cert->add_signatures() = chain::SignPrecommit(FuzzKey("validator" + std::to_string(v)),
                                                     genesis_.chain_id, height, 0, decoded->hash);
    }
    chain::Status committed = store_->CommitBlock(*decoded, changes);
    if (!committed.ok()) Die("commit: " + committed.ToString());
    blocks_.push_back(decoded->block);
  }

  const chain::Genesis& genesis_;
  std::unique_ptr<chain::ChainStore> store_;
  std::vector<v1::Block> blocks_;
  std::vector<std::pair<std::string, v1::Envelope>> records_;
  uint64_t nonce_ = 0;
};

v1::SensorReading Reading(int64_t time_ms, int32_t temperature_mc) {
  v1::SensorReading r;
  r.set_time_ms(time_ms);
  r.set_temperature_mc(temperature_mc);
  r.set_humidity_mpct(80'000);
  return r;
}

// An SSCC (AI 00) with its check digit, for the pallet of the journey.
constexpr char kPalletSscc[] = "106141411234567897";

void Journey::Run() {
  v1::Envelope harvest = Sign("farmer", "harvest", [](v1::RecordBody& b) {
    v1::Harvest* h = b.mutable_harvest();
    *h->mutable_lot() = Lot(kGtinBulk, "B1");
    h->set_commodity("rice");
    h->set_variety("Wuchang");
    *h->mutable_quantity() = Qty("1000kg");
    h->set_harvest_time_ms(kFuzzT0);
    h->set_field("Plot 7");
  });
  v1::Envelope other = Sign("farmer", "harvest_small", [](v1::RecordBody& b) {
    v1::Harvest* h = b.mutable_harvest();
    *h->mutable_lot() = Lot(kGtinBulk, "X9");
    h->set_commodity("rice");
    *h->mutable_quantity() = Qty("5kg");
    h->set_field("Plot 8");
  });
  Commit({other, harvest});
  Commit({Sign("farmer", "sensor_readings", [](v1::RecordBody& b) {
    *b.mutable_sensor_readings()->mutable_lot() = Lot(kGtinBulk, "B1");
    *b.mutable_sensor_readings()->add_readings() = Reading(kFuzzT0 + 1000, 2500);
    *b.mutable_sensor_readings()->add_readings() = Reading(kFuzzT0 + 2000, 7500);
  })});
  Commit({Sign("farmer", "ship", [](v1::RecordBody& b) {
    *b.mutable_ship()->mutable_lot() = Lot(kGtinBulk, "B1");
    b.mutable_ship()->set_receiver(Pub("packer"));
    b.mutable_ship()->set_carrier(Pub("carrier"));
  })});
  Commit({Sign("carrier", "checkpoint", [](v1::RecordBody& b) {
    v1::Checkpoint* c = b.mutable_checkpoint();
    *c->mutable_lot() = Lot(kGtinBulk, "B1");
    c->set_step(v1::CHECKPOINT_STEP_ARRIVING);
    c->set_time_ms(b.timestamp_ms());
    c->mutable_location()->set_name("Harbin depot");
    c->mutable_location()->set_lat_e6(45'750'000);
    c->mutable_location()->set_lon_e6(126'650'000);
    *c->add_readings() = Reading(b.timestamp_ms(), 3000);
  })});
  Commit({Sign("packer", "receive", [](v1::RecordBody& b) {
    *b.mutable_receive()->mutable_lot() = Lot(kGtinBulk, "B1");
  })});
  Commit({Sign("inspector", "certify", [](v1::RecordBody& b) {
    v1::Certify* c = b.mutable_certify();
    *c->mutable_lot() = Lot(kGtinBulk, "B1");
    c->set_standard("GB/T 19630 organic");
    c->set_outcome(v1::CERT_OUTCOME_PASS);
    c->set_document_sha256(std::string(32, '\x5a'));
    c->set_certificate_id("ORG-2025-001");
  })});
  v1::Envelope pack = Sign("packer", "pack", [](v1::RecordBody& b) {
    v1::Transform* t = b.mutable_transform();
    t->set_kind(v1::TRANSFORM_KIND_PACK);
    v1::LotAmount* in = t->add_inputs();
    *in->mutable_lot() = Lot(kGtinBulk, "B1");
    *in->mutable_quantity() = Qty("600kg");
    v1::LotOutput* out = t->add_outputs();
    *out->mutable_lot() = Lot(kGtinBag, "R1");
    *out->mutable_quantity() = Qty("120pcs");
    *out->mutable_net_mass_per_unit() = Qty("5kg");
  });
  v1::Envelope ship = Sign("packer", "ship_retail", [](v1::RecordBody& b) {
    *b.mutable_ship()->mutable_lot() = Lot(kGtinBag, "R1");
    b.mutable_ship()->set_receiver(Pub("retailer"));
  });
  Commit({pack, ship});
  Commit({Sign("retailer", "receive_retail", [](v1::RecordBody& b) {
    *b.mutable_receive()->mutable_lot() = Lot(kGtinBag, "R1");
  })});
  Commit({Sign("retailer", "sell", [](v1::RecordBody& b) {
    *b.mutable_sell()->mutable_lot() = Lot(kGtinBag, "R1");
  })});
  Commit({Sign("regulator", "recall", [](v1::RecordBody& b) {
    *b.mutable_recall()->mutable_lot() = Lot(kGtinBulk, "X9");
    b.mutable_recall()->set_reason("Cadmium above limit");
  })});
  // Custody in parts: a partial shipment with a rejected part sent back, a loss, a pallet
  // shipped and taken apart, a cancelled shipment, and a master-data update.
  Commit({Sign("packer", "ship_partial", [](v1::RecordBody& b) {
    *b.mutable_ship()->mutable_lot() = Lot(kGtinBulk, "B1");
    *b.mutable_ship()->mutable_quantity() = Qty("100kg");
    b.mutable_ship()->set_receiver(Pub("retailer"));
    v1::DocumentRef* ref = b.mutable_ship()->add_refs();
    ref->set_type(v1::DOCUMENT_TYPE_PO);
    ref->set_id("PO-1");
  })});
  Commit({Sign("retailer", "receive_split", [](v1::RecordBody& b) {
    *b.mutable_receive()->mutable_lot() = Lot(kGtinBulk, "B1");
    *b.mutable_receive()->mutable_accept() = Qty("90kg");
    *b.mutable_receive()->mutable_reject() = Qty("10kg");
    b.mutable_receive()->set_reject_reason("wet");
  })});
  Commit({Sign("packer", "receive_returned", [](v1::RecordBody& b) {
    *b.mutable_receive()->mutable_lot() = Lot(kGtinBulk, "B1");
  })});
  Commit({Sign("packer", "loss", [](v1::RecordBody& b) {
    *b.mutable_loss()->mutable_lot() = Lot(kGtinBulk, "B1");
    *b.mutable_loss()->mutable_quantity() = Qty("10kg");
    b.mutable_loss()->set_reason(v1::LOSS_REASON_SPOILAGE);
  })});
  Commit({Sign("packer", "aggregate", [](v1::RecordBody& b) {
    b.mutable_aggregate()->set_sscc(kPalletSscc);
    v1::LotAmount* content = b.mutable_aggregate()->add_contents();
    *content->mutable_lot() = Lot(kGtinBulk, "B1");
    *content->mutable_quantity() = Qty("200kg");
  })});
  Commit({Sign("packer", "ship_pallet", [](v1::RecordBody& b) {
    b.mutable_ship()->set_sscc(kPalletSscc);
    b.mutable_ship()->set_receiver(Pub("retailer"));
  })});
  Commit({Sign("retailer", "receive_pallet",
               [](v1::RecordBody& b) { b.mutable_receive()->set_sscc(kPalletSscc); })});
  Commit({Sign("retailer", "disaggregate",
               [](v1::RecordBody& b) { b.mutable_disaggregate()->set_sscc(kPalletSscc); })});
  v1::Envelope wrong = Sign("packer", "ship_to_cancel", [](v1::RecordBody& b) {
    *b.mutable_ship()->mutable_lot() = Lot(kGtinBulk, "B1");
    *b.mutable_ship()->mutable_quantity() = Qty("50kg");
    b.mutable_ship()->set_receiver(Pub("retailer"));
  });
  Commit({wrong});
  const std::string shipment = chain::AsBytes(chain::DecodeRecord(wrong)->id);
  Commit({Sign("packer", "cancel_shipment", [&](v1::RecordBody& b) {
    *b.mutable_cancel_shipment()->mutable_lot() = Lot(kGtinBulk, "B1");
    b.mutable_cancel_shipment()->set_shipment(shipment);
  })});
  Commit({Sign("farmer", "update_participant", [](v1::RecordBody& b) {
    b.mutable_update_participant()->set_pubkey(Pub("farmer"));
    b.mutable_update_participant()->set_phone("+86 451 5555 0101");
    b.mutable_update_participant()->set_tz_offset_min(480);
  })});
  Commit({Sign("admin", "register_participant", [](v1::RecordBody& b) {
    v1::RegisterParticipant* r = b.mutable_register_participant();
    r->set_pubkey(Pub("farmer2"));
    r->set_name("farmer2");
    r->add_roles(v1::ROLE_FARMER);
    r->set_organization("Niujia Farm");
    r->mutable_location()->set_gln("6901234000009");
  })});
}

void RecordSeeds(const Journey& j) {
  for (const auto& [label, envelope] : j.records()) {
    Write("fuzz_record", label, envelope.SerializeAsString());
    v1::RecordBody body;
    body.ParseFromString(envelope.body());
    Write("fuzz_record_json", "body_" + label, Tagged(0, envelope.body()));
  }
  Write("fuzz_record", "empty", "");
  v1::Envelope unsigned_envelope = j.records().front().second;
  unsigned_envelope.clear_signature();
  Write("fuzz_record", "no_signature", unsigned_envelope.SerializeAsString());
}

void RecordJsonSeeds(const Journey& j) {
  for (const char* key : {"01/06901234567892/10/B1", "01/06901234567809/10/R1",
                          "01/06901234567892/10/X9"}) {
    if (auto lot = j.store().GetLot(key)) {
      Write("fuzz_record_json", "lot_" + std::string(key).substr(21),
            Tagged(1, lot->SerializeAsString()));
    }
  }
  int i = 0;
  for (const v1::Participant& p : j.genesis().participants) {
    Write("fuzz_record_json", "participant_" + std::to_string(i++), Tagged(2, p.SerializeAsString()));
  }
  const char* times[] = {"2025-11-28T12:00:00Z", "2025-11-28T12:00:00.123Z", "2025-11-28",
                         "2025-11-28 08:30+08:00", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                         "0000-01-01T00:00:00-23:59", "2025-02-29T00:00:00Z"};
  i = 0;
  for (const char* t : times) Write("fuzz_record_json", "time_" + std::to_string(i++), Tagged(3, t));
  const char* quantities[] = {"1000kg", "2.5 t", "120pcs", "0.001g", "3case",
                              "1000000000000t", "-5kg", "1.2345kg"};
  i = 0;
  for (const char* q : quantities) {
    Write("fuzz_record_json", "quantity_" + std::to_string(i++), Tagged(4, q));
  }
}

void BlockSeeds(const Journey& j) {
  const chain::ValidatorSet set = j.genesis().validator_set();
  for (const v1::Block& block : j.blocks()) {
    auto decoded = chain::DecodeBlock(block, j.genesis().chain_id);
    const uint64_t h = decoded->header.height();
    const std::string n = std::to_string(h);
    Expect(chain::VerifyCertificate(block.certificate(), j.genesis().chain_id, h, decoded->hash,
                                    set),
           "certificate " + n);
    Write("fuzz_block", "block_" + n, block.SerializeAsString());
    Write("fuzz_certificate", "cert_" + n, block.certificate().SerializeAsString());
    if (h > 3) continue;  // a few heights of votes and proposals are plenty
    for (int v = 0; v < 4; ++v) {
      const chain::PrivateKey key = FuzzKey("validator" + std::to_string(v));
      const std::string who = "_h" + n + "_v" + std::to_string(v);
      Write("fuzz_consensus", "prevote" + who,
            Tagged(0, chain::SignVote(key, j.genesis().chain_id, h, 0, v1::VOTE_TYPE_PREVOTE,
                                      decoded->hash).SerializeAsString()));
      Write("fuzz_consensus", "precommit" + who,
            Tagged(0, chain::SignVote(key, j.genesis().chain_id, h, 1, v1::VOTE_TYPE_PRECOMMIT,
                                      decoded->hash).SerializeAsString()));
    }
    Write("fuzz_consensus", "nil_prevote_h" + n,
          Tagged(0, chain::SignVote(FuzzKey("validator3"), j.genesis().chain_id, h, 2,
                                    v1::VOTE_TYPE_PREVOTE, std::nullopt).SerializeAsString()));
    const chain::PubKey proposer = chain::ProposerFor(set, h, 0);
    for (int v = 0; v < 4; ++v) {
      const chain::PrivateKey key = FuzzKey("validator" + std::to_string(v));
      if (key.public_key() != proposer) continue;
      const v1::Proposal proposal = chain::SignProposal(key, j.genesis().chain_id, h, 0, -1, block);
      Expect(chain::VerifyProposal(proposal, j.genesis().chain_id, set), "proposal " + n);
      Write("fuzz_consensus", "proposal_h" + n, Tagged(1, proposal.SerializeAsString()));
    }
  }
  // A block and certificate with nothing in them.
  Write("fuzz_block", "empty", "");
  Write("fuzz_certificate", "empty", "");
  v1::CommitCertificate no_quorum = j.blocks().front().certificate();
  no_quorum.mutable_signatures()->DeleteSubrange(1, 2);
  Write("fuzz_certificate", "one_signature", no_quorum.SerializeAsString());
  v1::CommitCertificate duplicate = j.blocks().front().certificate();
  *duplicate.add_signatures() = duplicate.signatures(0);
  Write("fuzz_certificate", "duplicate_signer", duplicate.SerializeAsString());
}

void PeerSeeds(const Journey& j) {
  const chain::Genesis& g = j.genesis();
  const chain::Hash256 our_challenge = chain::Sha256("fuzz challenge");
  auto write = [](const std::string& name, const v1::PeerMessage& m) {
    Write("fuzz_peer_message", name, m.SerializeAsString());
  };
  v1::PeerMessage m;
  chain::Hash256 challenge{};
  *m.mutable_hello() =
      node::MakeHello(g.chain_id, g.hash, FuzzKey("validator1").public_key(), "validator1",
                      &challenge);
  write("hello", m);
  // validator1 answering the hello validator0 (the target's "us") sent with our_challenge.
  v1::PeerHello ours = m.hello();
  ours.set_node_pubkey(Pub("validator0"));
  ours.set_challenge(chain::AsBytes(our_challenge));
  m.Clear();
  *m.mutable_auth() = node::MakeAuth(FuzzKey("validator1"), g.chain_id, g.hash, ours);
  Expect(node::CheckAuth(m.auth(), g.chain_id, g.hash, our_challenge, Pub32("validator1"),
                         Pub32("validator0")),
         "peer auth");
  write("auth", m);
  m.Clear();
  m.mutable_tip()->set_height(j.blocks().size());
  m.mutable_tip()->set_tip_hash(chain::AsBytes(j.store().Tip().hash));
  write("tip", m);
  m.Clear();
  *m.mutable_record() = j.records().front().second;
  write("record", m);
  m.Clear();
  *m.mutable_proposal() = chain::SignProposal(
      FuzzKey("validator1"), g.chain_id, 1, 0, -1, j.blocks().front());  // maybe not the proposer
  for (int v = 0; v < 4; ++v) {
    const chain::PrivateKey key = FuzzKey("validator" + std::to_string(v));
    if (key.public_key() == chain::ProposerFor(g.validator_set(), 1, 0)) {
      *m.mutable_proposal() = chain::SignProposal(key, g.chain_id, 1, 0, -1, j.blocks().front());
    }
  }
  write("proposal", m);
  m.Clear();
  auto first = chain::DecodeBlock(j.blocks().front(), g.chain_id);
  *m.mutable_vote() = chain::SignVote(FuzzKey("validator2"), g.chain_id, 1, 0,
                                      v1::VOTE_TYPE_PRECOMMIT, first->hash);
  write("vote", m);
  m.Clear();
  *m.mutable_commit() = j.blocks().back();
  write("commit", m);
  m.Clear();
  m.mutable_sync_request()->set_from_height(1);
  m.mutable_sync_request()->set_max_blocks(64);
  write("sync_request", m);
  m.Clear();
  for (size_t i = 0; i < 4 && i < j.blocks().size(); ++i) {
    *m.mutable_sync_response()->add_blocks() = j.blocks()[i];
  }
  m.mutable_sync_response()->set_tip_height(j.blocks().size());
  write("sync_response", m);
  write("empty", v1::PeerMessage());
}

void BundleSeeds(const Journey& j) {
  for (const char* key : {"01/06901234567809/10/R1", "01/06901234567892/10/X9"}) {
    auto bundle = chain::BuildProofBundle(j.store(), j.genesis(), key, "S1");
    if (!bundle.ok()) {
      std::cerr << "make_corpus: bundle " << key << ": " << bundle.status().ToString() << "\n";
      std::exit(1);
    }
    const std::string name = std::string(key).substr(21);  // "R1", "X9"
    const chain::BundleVerdict verdict = chain::VerifyProofBundle(*bundle, j.genesis());
    Expect(verdict.ok() ? chain::Status::Ok()
                        : chain::Reject(chain::Reason::kMalformed, verdict.failures.front()),
           "bundle " + name);
    Write("fuzz_bundle", "bundle_" + name + ".pb", bundle->SerializeAsString());
    Write("fuzz_bundle", "bundle_" + name + ".json", chain::BundleToJson(*bundle).dump(1));
  }
  Write("fuzz_bundle", "empty.json", "{}");
  Write("fuzz_bundle", "empty.pb", "");
}

void EpcisSeeds(const Journey& j) {
  chain::ExportData data;
  data.root_lot = "01/06901234567809/10/R1";
  uint32_t index = 0;
  for (const auto& [label, envelope] : j.records()) {
    auto record = chain::DecodeRecord(envelope);
    data.records.push_back({*record, ++index, 0});
  }
  for (const char* key : {"01/06901234567892/10/B1", "01/06901234567809/10/R1",
                          "01/06901234567892/10/X9"}) {
    if (auto lot = j.store().GetLot(key)) data.lots[key] = *lot;
  }
  for (const v1::Participant& p : j.genesis().participants) data.participants[p.pubkey()] = p;
  const json doc = chain::EpcisDocument(data, kFuzzT0 + 24 * kHourMs);
  Write("fuzz_epcis_import", "journey.json", doc.dump(1));
  const json& events = doc["epcisBody"]["eventList"];
  for (size_t i = 0; i < events.size(); ++i) {
    json one = doc;
    one["epcisBody"]["eventList"] = json::array({events[i]});
    Write("fuzz_epcis_import", "event_" + std::to_string(i) + ".json", one.dump());
  }
  Write("fuzz_epcis_import", "empty_list.json",
        R"({"type":"EPCISDocument","schemaVersion":"2.0","epcisBody":{"eventList":[]}})");
  Write("fuzz_epcis_import", "not_epcis.json", "[1,2,{\"a\":null}]");
}

void KeystoreSeeds() {
  const chain::ScryptParams cheap{16, 1, 1};
  const std::string farmer = chain::EncryptKey(FuzzKey("farmer"), "farmer", "fuzz-password", cheap);
  Expect(chain::DecryptKey(farmer, "fuzz-password").status(), "farmer.json");
  Write("fuzz_keystore", "farmer.json", farmer);
  Write("fuzz_keystore", "validator0.json",
        chain::EncryptKey(FuzzKey("validator0"), "validator0", "fuzz-password", {64, 8, 1}));
  Write("fuzz_keystore", "wrong_password.json",
        chain::EncryptKey(FuzzKey("packer"), "packer", "another password", cheap));
  // The default parameters (n = 2^15): parsed, not derived, by the target.
  Write("fuzz_keystore", "default_params.json",
        chain::EncryptKey(FuzzKey("carrier"), "carrier", "fuzz-password"));
  json hostile = json::parse(chain::EncryptKey(FuzzKey("admin"), "admin", "fuzz-password", cheap));
  hostile["kdfparams"]["n"] = uint64_t{1} << 40;
  hostile["kdfparams"]["r"] = 1024;
  Write("fuzz_keystore", "over_cap.json", hostile.dump());
  hostile["kdfparams"]["n"] = 3;
  hostile["kdfparams"]["r"] = 1;
  Write("fuzz_keystore", "n_not_power_of_two.json", hostile.dump());
  Write("fuzz_keystore", "not_json", "version: 1");
}

void TextSeeds() {
  const char* keys[] = {
      "01/06901234567892/10/B1",
      "/01/06901234567892/10/B1",
      "https://trace.example.com/01/06901234567892/10/B1",
      "01/6901234567892/10/LOT-2025.11",
      "01/12345670/10/A",
      "01/06901234567892/10/B1/21/S1",
      "01/06901234567893/10/B1",
      "01/06901234567892/10/ABCDEFGHIJKLMNOPQRSTU",
      "06901234567892",
      "6901234000009",
      "B1%2F7!\"&'()*+,-./:;<=>?_",
      "",
  };
  int i = 0;
  for (const char* k : keys) Write("fuzz_gs1", "key_" + std::to_string(i++), k);
  const char* requests[] = {
      "/01/06901234567892/10/B1",
      "/01/06901234567809/10/R1/21/S1\nzh-CN,zh;q=0.9,en;q=0.8",
      "/01/06901234567809/10/R1/?x=1\nen-US,en;q=0.9",
      "/01/6901234567892/10/B%2F1/\nde, *;q=0.5",
      "/api/v1/lots/01/06901234567892/10/B1",
      "/api/v1/history/01/06901234567809/10/R1\nzh;q=0,en",
      "/api/v1/bundles/https://x/01/06901234567809/10/R1",
      "/api/v1/status",
      "/static/app.js",
      "/static/../index.html",
      "/metrics\nzh-TW;q=0.7, en;q=0.71",
      "/%30%31/0690%3",
      "/shop/rice/01/06901234567892/10/B%2F7?linkType=gs1%3Aepcis&17=261231",
      "/01/06901234567892?linkType=all\nzh",
      "/.well-known/gs1resolver",
      "/epcis/events?EQ_bizStep=shipping|receiving&perPage=5&nextPageToken=3.5.00",
      "/epcis/events/ni%3A%2F%2F%2Fsha-256%3Babc%3Fver%3DCBV2.0",
      "/00/106141411234567897",
  };
  i = 0;
  for (const char* r : requests) Write("fuzz_http_route", "request_" + std::to_string(i++), r);
}

void GenesisAndConfigSeeds() {
  Write("fuzz_genesis", "fuzz_genesis.json", FuzzGenesisJson());
  json g = json::parse(FuzzGenesisJson());
  g["validators"] = json::array({g["validators"][0]});
  Write("fuzz_genesis", "one_validator.json", g.dump(2));
  g.erase("params");
  Write("fuzz_genesis", "no_params.json", g.dump());
  Write("fuzz_genesis", "empty_object.json", "{}");

  node::NodeConfig config;
  Write("fuzz_config", "default.toml", node::ConfigToToml(config));
  config.http_addr = "";
  config.http_base_url = "https://trace.example.com";
  config.peer_network_file = "network.json";
  config.log_level = "debug";
  Write("fuzz_config", "custom.toml", node::ConfigToToml(config));
  Write("fuzz_config", "unknown_key.toml", "[node]\nname = \"v\"\ncolour = \"red\"\n");
  Write("fuzz_config", "wrong_type.toml", "[grpc]\nmax_message_bytes = \"big\"\n");
  Write("fuzz_config", "negative.toml", "[http]\nthreads = -1\nmax_request_bytes = 1e99\n");
  Write("fuzz_config", "inline_tables.toml",
        "node = { name = \"a\", genesis = 'g.json' }\n[[log]]\nlevel = \"x\"\n");
  Write("fuzz_config", "broken.toml", "[node\nname = \"unterminated\n");
  Write("fuzz_config", "out_of_range.toml",
        "[grpc]\nmax_message_bytes = 4294967296\n[mempool]\nmax_bytes = -1\n");
  Write("fuzz_config", "wrong_bool.toml", "[tls]\nenabled = \"yes\"\n");
  config = node::NodeConfig();
  config.name = "quote \" backslash \\ tab\t newline\n caf\u00e9";
  config.grpc_max_message_bytes = 4294967295u;
  config.mempool_max_bytes = 9223372036854775807ull;
  Write("fuzz_config", "escapes_and_bounds.toml", node::ConfigToToml(config));
}

}  // namespace
}  // namespace agritrace::fuzz

int main(int argc, char** argv) {
  using namespace agritrace::fuzz;
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " CORPUS_DIR   (e.g. tests/fuzz/corpus)\n";
    return 2;
  }
  g_out = argv[1];
  char dir_template[] = "/tmp/agritrace-fuzz-corpus-XXXXXX";
  if (!mkdtemp(dir_template)) return 1;
  {
    Journey journey(dir_template);
    journey.Run();
    RecordSeeds(journey);
    RecordJsonSeeds(journey);
    BlockSeeds(journey);
    PeerSeeds(journey);
    BundleSeeds(journey);
    EpcisSeeds(journey);
  }
  std::filesystem::remove_all(dir_template);
  KeystoreSeeds();
  TextSeeds();
  GenesisAndConfigSeeds();
  std::cout << "wrote " << g_files << " seed files under " << g_out << "\n";
  return 0;
}

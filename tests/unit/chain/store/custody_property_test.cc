// Property test of quantity-true custody: seeded random sequences of harvests, partial and
// whole shipments, receipts with accepted and rejected parts, cancellations, losses, sales,
// packs, pallets (aggregate, ship, receive, disaggregate) by several parties. After every block
// every lot is conserved (quantity = holdings + in transit + consumed + lost + sold, nothing
// negative) and every pallet's lots are exactly where the pallet is; and a chain committed to
// RocksDB, reopened, holds exactly the state the same records give in memory.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <set>

#include "chain/base/hash.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"
#include "chain/rules/rules.h"
#include "chain/store/store.h"

namespace agritrace::chain {
namespace {

constexpr char kChain[] = "agritrace-custody-property";
constexpr char kGtin[] = "06901234567892";
constexpr int64_t kNow = 1'764'331'200'000;
// Sequences run in memory (each a few blocks of a few records), and those run through RocksDB.
constexpr uint64_t kMemorySeeds = 2'000;
constexpr uint64_t kStoreSeeds = 12;
constexpr int kBlocksPerSequence = 8;
constexpr int kRecordsPerBlock = 6;

// SplitMix64: deterministic on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 7) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int64_t Uniform(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Uniform(0, static_cast<int64_t>(items.size()) - 1))];
  }

 private:
  uint64_t state_;
};

struct Party {
  std::string name;
  v1::Role role;
  PrivateKey key;
};

std::vector<Party> Cast() {
  std::vector<Party> cast;
  const std::vector<std::pair<std::string, v1::Role>> roles = {
      {"farm-a", v1::ROLE_FARMER},  {"farm-b", v1::ROLE_FARMER},
      {"packer", v1::ROLE_PACKER},  {"carrier", v1::ROLE_CARRIER},
      {"shop-a", v1::ROLE_RETAILER}, {"shop-b", v1::ROLE_RETAILER}};
  for (const auto& [name, role] : roles) {
    cast.push_back({name, role, *PrivateKey::FromBytes(AsBytes(Sha256("custody " + name)))});
  }
  return cast;
}

v1::Quantity Milli(int64_t milli, const std::string& unit) {
  v1::Quantity q;
  q.set_milli(milli);
  q.set_unit(unit);
  return q;
}

v1::LotKey LotOf(const std::string& code) {
  v1::LotKey key;
  key.set_gtin(kGtin);
  key.set_lot(code);
  return key;
}

std::string SsccFor(uint64_t serial) {
  std::string digits = "1061414" + std::to_string(1'000'000'000 + serial).substr(0, 10);
  return digits + std::to_string(Gs1CheckDigit(digits));
}

// Generates plausible (and sometimes wrong) records from the current state.
class Generator {
 public:
  Generator(uint64_t seed, const std::vector<Party>& cast) : rng_(seed), cast_(cast) {}

  // One record against `state` (committed plus the block so far), signed by its actor.
  v1::Envelope Next(const StateReader& state) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::optional<std::pair<v1::RecordBody, const Party*>> made = Make(state);
      if (made) {
        made->first.set_chain_id(kChain);
        made->first.set_timestamp_ms(kNow);
        made->first.set_nonce(++nonce_);
        return SignRecord(made->first, made->second->key);
      }
    }
    return Harvest();
  }

  const std::set<std::string>& keys() const { return keys_; }

 private:
  struct Part {
    std::string key;
    v1::LotState lot;
    const Party* holder = nullptr;
    int64_t milli = 0;
    std::string sscc;
  };

  const Party* PartyOf(const std::string& pubkey) const {
    for (const Party& p : cast_) {
      if (AsBytes(p.key.public_key()) == pubkey) return &p;
    }
    return nullptr;
  }

  // Every holding of every lot and pallet seen so far.
  std::vector<Part> Holdings(const StateReader& state) const {
    std::vector<Part> parts;
    for (const std::string& key : keys_) {
      std::optional<v1::LotState> lot = state.GetLot(key);
      if (!lot) continue;
      for (const v1::Holding& h : lot->holdings()) {
        parts.push_back({key, *lot, PartyOf(h.participant()), h.milli(), h.sscc()});
      }
    }
    return parts;
  }

  v1::Envelope Harvest() {
    v1::RecordBody body;
    body.set_chain_id(kChain);
    body.set_timestamp_ms(kNow);
    body.set_nonce(++nonce_);
    const std::string code = "H" + std::to_string(++lots_);
    *body.mutable_harvest()->mutable_lot() = LotOf(code);
    body.mutable_harvest()->set_commodity("rice");
    *body.mutable_harvest()->mutable_quantity() = Milli(rng_.Uniform(1, 1000) * 1000, "kg");
    keys_.insert(FormatLotKey(LotOf(code)));
    return SignRecord(body, cast_[rng_.Uniform(0, 1)].key);
  }

  int64_t Amount(int64_t held) {
    if (rng_.Chance(10)) return held + rng_.Uniform(1, 1000);  // more than held: refused
    return rng_.Uniform(1, std::max<int64_t>(held, 1));
  }

  const Party& Other(const Party* than) {
    const Party* other = than;
    while (other == than) other = &rng_.Pick(cast_);
    return *other;
  }

  std::optional<std::pair<v1::RecordBody, const Party*>> Make(const StateReader& state) {
    std::vector<Part> parts = Holdings(state);
    v1::RecordBody body;
    const int op = static_cast<int>(rng_.Uniform(0, 9));
    if (op == 0 || parts.empty()) return std::nullopt;  // harvest (by Next's fallback)
    const Part& part = rng_.Pick(parts);
    if (!part.holder) return std::nullopt;
    const bool pallet = !part.lot.sscc().empty();
    const std::string& unit = part.lot.quantity().unit();
    switch (op) {
      case 1:
      case 2: {  // ship part or all of a holding, or a pallet
        if (!part.sscc.empty()) return std::nullopt;
        v1::Ship* ship = body.mutable_ship();
        if (pallet) {
          ship->set_sscc(part.lot.sscc());
        } else {
          *ship->mutable_lot() = part.lot.lot();
          if (rng_.Chance(80)) *ship->mutable_quantity() = Milli(Amount(part.milli), unit);
        }
        ship->set_receiver(AsBytes(Other(part.holder).key.public_key()));
        return std::make_pair(body, part.holder);
      }
      case 3:
      case 4:
        return Receive(state, rng_.Chance(25));
      case 5: {  // loss
        if (pallet) return std::nullopt;
        *body.mutable_loss()->mutable_lot() = part.lot.lot();
        *body.mutable_loss()->mutable_quantity() = Milli(Amount(part.milli), unit);
        body.mutable_loss()->set_reason(v1::LOSS_REASON_SPOILAGE);
        return std::make_pair(body, part.holder);
      }
      case 6: {  // sale (only retailers may)
        if (pallet) return std::nullopt;
        *body.mutable_sell()->mutable_lot() = part.lot.lot();
        if (rng_.Chance(70)) *body.mutable_sell()->mutable_quantity() = Milli(Amount(part.milli), unit);
        return std::make_pair(body, part.holder);
      }
      case 7: {  // pack part of a holding into a new lot of at most its mass
        if (pallet || !part.sscc.empty()) return std::nullopt;
        v1::Transform* t = body.mutable_transform();
        t->set_kind(v1::TRANSFORM_KIND_PACK);
        const int64_t milli = Amount(part.milli);
        v1::LotAmount* input = t->add_inputs();
        *input->mutable_lot() = part.lot.lot();
        *input->mutable_quantity() = Milli(milli, unit);
        v1::LotOutput* output = t->add_outputs();
        const std::string code = "P" + std::to_string(++lots_);
        *output->mutable_lot() = LotOf(code);
        *output->mutable_quantity() = Milli(std::max<int64_t>(milli / 2, 1), unit);
        keys_.insert(FormatLotKey(LotOf(code)));
        return std::make_pair(body, part.holder);
      }
      case 8: {  // a pallet of up to two lots the holder holds off pallets
        if (pallet || !part.sscc.empty()) return std::nullopt;
        const std::string sscc = SsccFor(++pallets_);
        body.mutable_aggregate()->set_sscc(sscc);
        for (const Part& other : parts) {
          if (other.holder != part.holder || !other.sscc.empty() || !other.lot.sscc().empty() ||
              body.aggregate().contents_size() == 2 ||
              (other.key != part.key && rng_.Chance(50))) {
            continue;
          }
          v1::LotAmount* content = body.mutable_aggregate()->add_contents();
          *content->mutable_lot() = other.lot.lot();
          *content->mutable_quantity() = Milli(Amount(other.milli), other.lot.quantity().unit());
        }
        keys_.insert(FormatPalletKey(sscc));
        return std::make_pair(body, part.holder);
      }
      default: {  // take a pallet apart, or cancel a shipment
        if (pallet) {
          body.mutable_disaggregate()->set_sscc(part.lot.sscc());
          return std::make_pair(body, part.holder);
        }
        return Receive(state, true);
      }
    }
  }

  // Receives (accepting all, or splitting) or cancels a random shipment.
  std::optional<std::pair<v1::RecordBody, const Party*>> Receive(const StateReader& state,
                                                                 bool cancel) {
    std::vector<std::pair<std::string, v1::InTransit>> moving;
    for (const std::string& key : keys_) {
      std::optional<v1::LotState> lot = state.GetLot(key);
      if (!lot) continue;
      for (const v1::InTransit& part : lot->in_transit()) {
        if (part.sscc().empty()) moving.emplace_back(key, part);
      }
    }
    if (moving.empty()) return std::nullopt;
    const auto& [key, part] = rng_.Pick(moving);
    std::optional<v1::LotState> lot = state.GetLot(key);
    v1::RecordBody body;
    const bool pallet = !lot->sscc().empty();
    if (cancel) {
      v1::CancelShipment* c = body.mutable_cancel_shipment();
      if (pallet) c->set_sscc(lot->sscc()); else *c->mutable_lot() = lot->lot();
      c->set_shipment(part.shipment());
      return std::make_pair(body, PartyOf(part.from()));
    }
    v1::Receive* r = body.mutable_receive();
    if (pallet) r->set_sscc(lot->sscc()); else *r->mutable_lot() = lot->lot();
    r->set_shipment(part.shipment());
    if (!pallet && rng_.Chance(50)) {
      const int64_t reject = rng_.Uniform(0, part.milli());
      *r->mutable_reject() = Milli(reject, lot->quantity().unit());
      r->set_reject_reason("damaged");
    }
    return std::make_pair(body, PartyOf(part.to()));
  }

  Rng rng_;
  const std::vector<Party>& cast_;
  std::set<std::string> keys_;
  uint64_t nonce_ = 0;
  uint64_t lots_ = 0;
  uint64_t pallets_ = 0;
};

void ExpectConserved(const std::string& key, const v1::LotState& lot, uint64_t seed) {
  int64_t held = 0, moving = 0;
  for (const v1::Holding& h : lot.holdings()) {
    ASSERT_GT(h.milli(), 0) << "seed " << seed << " " << key;
    held += h.milli();
  }
  for (const v1::InTransit& t : lot.in_transit()) {
    ASSERT_GT(t.milli(), 0) << "seed " << seed << " " << key;
    moving += t.milli();
  }
  ASSERT_GE(lot.consumed_milli(), 0);
  ASSERT_GE(lot.lost_milli(), 0);
  ASSERT_GE(lot.sold_milli(), 0);
  ASSERT_EQ(lot.quantity().milli(),
            held + moving + lot.consumed_milli() + lot.lost_milli() + lot.sold_milli())
      << "seed " << seed << " " << key << ": " << lot.ShortDebugString();
  ASSERT_EQ(lot.quantity_left().milli(), held + moving) << "seed " << seed << " " << key;
}

// A live pallet's lots are exactly where the pallet is, in exactly its amounts.
void ExpectPalletWhole(const StateReader& state, const v1::LotState& pallet, uint64_t seed) {
  if (pallet.quantity_left().milli() == 0) return;
  for (const v1::LotAmount& content : pallet.contents()) {
    std::optional<v1::LotState> lot = state.GetLot(FormatLotKey(content.lot()));
    ASSERT_TRUE(lot.has_value());
    int64_t on_pallet = 0;
    for (const v1::Holding& h : lot->holdings()) on_pallet += h.sscc() == pallet.sscc() ? h.milli() : 0;
    for (const v1::InTransit& t : lot->in_transit()) {
      on_pallet += t.sscc() == pallet.sscc() ? t.milli() : 0;
    }
    ASSERT_EQ(on_pallet, content.quantity().milli()) << "seed " << seed << " pallet "
                                                     << pallet.sscc();
  }
}

void CheckAll(const StateReader& state, const std::set<std::string>& keys, uint64_t seed) {
  for (const std::string& key : keys) {
    std::optional<v1::LotState> lot = state.GetLot(key);
    if (!lot) continue;
    ExpectConserved(key, *lot, seed);
    if (!lot->sscc().empty()) ExpectPalletWhole(state, *lot, seed);
  }
}

ChainParams Params() {
  ChainParams params;
  params.chain_id = kChain;
  return params;
}

// The genesis participants, as committed state.
void Seed(StateOverlay& state, const std::vector<Party>& cast) {
  for (const Party& p : cast) {
    v1::Participant participant;
    participant.set_pubkey(AsBytes(p.key.public_key()));
    participant.set_name(p.name);
    participant.add_roles(p.role);
    state.PutParticipant(participant);
  }
}

// Applies one block's worth of generated records to `block` (on top of committed state);
// returns the accepted envelopes in block order.
std::vector<v1::Envelope> ApplyBlock(Generator& gen, StateOverlay& block, uint64_t height,
                                     std::map<Reason, int>& reasons) {
  std::vector<v1::Envelope> accepted;
  for (int i = 0; i < kRecordsPerBlock; ++i) {
    v1::Envelope envelope = gen.Next(block);
    Result<Record> record = DecodeRecord(envelope);
    EXPECT_TRUE(record.ok());
    ApplyContext ctx{height, static_cast<uint32_t>(accepted.size()), kNow};
    Status st = ApplyRecord(*record, Params(), ctx, block);
    ++reasons[st.reason()];
    if (st.ok()) accepted.push_back(envelope);
  }
  return accepted;
}

TEST(CustodyPropertyTest, EveryLotIsConservedAfterEveryBlock) {
  const std::vector<Party> cast = Cast();
  std::map<Reason, int> reasons;
  for (uint64_t seed = 1; seed <= kMemorySeeds; ++seed) {
    StateOverlay committed(nullptr);
    Seed(committed, cast);
    Generator gen(seed, cast);
    for (int height = 1; height <= kBlocksPerSequence; ++height) {
      StateOverlay block(&committed);
      ApplyBlock(gen, block, static_cast<uint64_t>(height), reasons);
      block.MergeInto(committed);
      CheckAll(committed, gen.keys(), seed);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  // The generator reaches the custody events and their refusals, not only harvests.
  EXPECT_GT(reasons[Reason::kOk], static_cast<int>(kMemorySeeds) * 10);
  EXPECT_GT(reasons[Reason::kInsufficientQuantity], 100);
}

class CustodyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-custody-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    genesis_.chain_id = kChain;
    genesis_.params.chain_id = kChain;
    genesis_.validators.push_back({"v0", validator_.public_key(), "127.0.0.1:1"});
    for (const Party& p : cast_) {
      v1::Participant participant;
      participant.set_pubkey(AsBytes(p.key.public_key()));
      participant.set_name(p.name);
      participant.add_roles(p.role);
      genesis_.participants.push_back(participant);
    }
    genesis_.hash = Sha256("custody property genesis");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<ChainStore> Open() {
    Result<std::unique_ptr<ChainStore>> store = ChainStore::Open(dir_, genesis_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  Status Commit(ChainStore& store, const std::vector<v1::Envelope>& records,
                const StateOverlay& changes) {
    const ChainTip tip = store.Tip();
    v1::Block block = MakeBlock(kChain, tip.height + 1, tip.hash, kNow, validator_.public_key(),
                                records);
    const Hash256 hash = BlockHash(block.header());
    block.mutable_certificate()->set_height(tip.height + 1);
    block.mutable_certificate()->set_block_hash(AsBytes(hash));
    *block.mutable_certificate()->add_signatures() =
        SignPrecommit(validator_, kChain, tip.height + 1, 0, hash);
    Result<DecodedBlock> decoded = DecodeBlock(block, kChain);
    if (!decoded.ok()) return decoded.status();
    return store.CommitBlock(*decoded, changes);
  }

  std::string dir_;
  std::vector<Party> cast_ = Cast();
  PrivateKey validator_ = *PrivateKey::FromBytes(AsBytes(Sha256("custody validator")));
  Genesis genesis_;
};

TEST_F(CustodyStoreTest, AChainReopenedFromRocksDbHoldsTheStateOfItsRecords) {
  std::map<Reason, int> reasons;
  for (uint64_t seed = 1; seed <= kStoreSeeds; ++seed) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::unique_ptr<ChainStore> store = Open();
    ASSERT_NE(store, nullptr);
    StateOverlay memory(nullptr);
    Seed(memory, cast_);
    Generator gen(seed, cast_);
    for (int i = 0; i < kBlocksPerSequence; ++i) {
      const uint64_t height = store->Tip().height + 1;
      StateOverlay changes(store.get());
      std::vector<v1::Envelope> records = ApplyBlock(gen, changes, height, reasons);
      ASSERT_TRUE(Commit(*store, records, changes).ok());
      // The same records on the in-memory state.
      StateOverlay block(&memory);
      for (uint32_t index = 0; index < records.size(); ++index) {
        Result<Record> record = DecodeRecord(records[index]);
        ASSERT_TRUE(ApplyRecord(*record, Params(), {height, index, kNow}, block).ok());
      }
      block.MergeInto(memory);
      CheckAll(*store, gen.keys(), seed);
    }
    store.reset();
    store = Open();  // reopen: what RocksDB kept
    ASSERT_NE(store, nullptr);
    for (const std::string& key : gen.keys()) {
      std::optional<v1::LotState> stored = store->GetLot(key);
      std::optional<v1::LotState> expected = memory.GetLot(key);
      ASSERT_EQ(stored.has_value(), expected.has_value()) << key;
      if (stored) {
        EXPECT_EQ(stored->SerializeAsString(), expected->SerializeAsString())
            << "seed " << seed << " " << key;
      }
    }
  }
}

}  // namespace
}  // namespace agritrace::chain

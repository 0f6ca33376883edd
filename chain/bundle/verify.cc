// Verifying a proof bundle against the genesis file alone.
//
// Order of checks: the bundle's identity (chain id, genesis hash), the validator-set changes
// (each certified by the set in force at its height, walking the sets forward from genesis's),
// every block (header shape, chain id, certificate by the set of its height), every record
// (decoding, chain order, signature, Merkle proof), then the story the verified records tell
// (custody and lineage). Every failure is collected with the subject it concerns, so a tampered
// bundle is reported precisely.
#include <map>
#include <optional>
#include <set>

#include "chain/model/block.h"
#include "chain/bundle/bundle.h"
#include "chain/bundle/origin.h"
#include "chain/export/custody_json.h"
#include "chain/model/custody_replay.h"
#include "chain/model/gs1.h"
#include "chain/model/merkle.h"
#include "chain/model/record.h"
#include "chain/model/validator_set.h"

namespace agritrace::chain {
namespace {

struct VerifiedBlock {
  v1::BlockHeader header;
  bool verified = false;
};

// The lot a custody record moves, for the record's label; "" for the other events.
std::string PrimaryLot(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest:
      return FormatLotKey(body.harvest().lot());
    case v1::RecordBody::kTransform:
      if (body.transform().outputs_size() > 0) {
        return FormatLotKey(body.transform().outputs(0).lot());
      }
      return "";
    case v1::RecordBody::kShip:
    case v1::RecordBody::kReceive:
    case v1::RecordBody::kCancelShipment:
    case v1::RecordBody::kLoss:
    case v1::RecordBody::kSell:
    case v1::RecordBody::kAggregate:
    case v1::RecordBody::kDisaggregate:
    case v1::RecordBody::kCool:
      return CustodyEventSubject(body);  // the lot, or "00/{sscc}" for a pallet
    case v1::RecordBody::kRegisterParticipant:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kSensorReadings:
    case v1::RecordBody::kCheckpoint:
    case v1::RecordBody::kCertify:
    case v1::RecordBody::kRecall:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
    case v1::RecordBody::kUpdateParticipant:
    // Origin records (plots, applications, bans): none of this switch's business.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert:
    case v1::RecordBody::kProposeValidatorChange:
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
    case v1::RecordBody::EVENT_NOT_SET:
      break;
  }
  return "";
}

class Verifier {
 public:
  Verifier(const v1::ProofBundle& bundle, const Genesis& genesis)
      : bundle_(bundle), genesis_(genesis), schedule_(genesis) {}

  BundleVerdict Run() {
    verdict_.records.resize(bundle_.records_size());
    CheckIdentity();
    CheckValidatorChanges();
    verdict_.validator_sets = schedule_.epochs();
    CheckBlocks();
    CheckRecords();
    CheckCustody();
    CheckLineage();
    CheckOrigin();
    CheckParticipants();
    for (RecordVerdict& record : verdict_.records) record.verified = record.problems.empty();
    return std::move(verdict_);
  }

 private:
  void Fail(std::string what) { verdict_.failures.push_back(std::move(what)); }
  void FailRecord(size_t i, const std::string& problem) {
    verdict_.records[i].problems.push_back(problem);
    Fail(verdict_.records[i].label + ": " + problem);
  }

  void CheckIdentity() {
    if (bundle_.chain_id() != genesis_.chain_id) {
      Fail("the bundle is for chain \"" + bundle_.chain_id() + "\", the genesis file for \"" +
           genesis_.chain_id + "\"");
    }
    if (bundle_.genesis_hash() != AsBytes(genesis_.hash)) {
      Fail("the bundle names genesis " + ToHex(bundle_.genesis_hash()) +
           ", not this genesis file (" + ToHex(genesis_.hash) + ")");
    }
  }

  // --- Validator sets (issue 17): from genesis's, each change the bundle carries, in height
  // order, certified by the set in force at its own height, then in force from its effective
  // height. A change left out cannot be noticed here, but the blocks certified by the set it
  // made then fail against the older set (or, for a block that decided it, CheckBlocks names it).
  void CheckValidatorChanges() {
    if (static_cast<size_t>(bundle_.validator_changes_size()) > kMaxBundleValidatorChanges) {
      Fail("the bundle carries " + std::to_string(bundle_.validator_changes_size()) +
           " validator-set changes; at most " + std::to_string(kMaxBundleValidatorChanges) +
           " are read");
      return;
    }
    uint64_t last_height = 0;
    for (int i = 0; i < bundle_.validator_changes_size(); ++i) {
      const v1::BundleBlock& block = bundle_.validator_changes(i);
      v1::BlockHeader header;
      if (!header.ParseFromString(block.header()) || header.height() == 0) {
        Fail("validator-set change #" + std::to_string(i) +
             ": the header is not a valid block header");
        continue;
      }
      const uint64_t height = header.height();
      const std::string label = "validator-set change in block " + std::to_string(height);
      if (height <= last_height) {
        Fail(label + (height == last_height ? ": listed twice"
                                            : ": not in ascending height order"));
        continue;
      }
      last_height = height;
      listed_changes_.emplace(height, block.header());
      if (header.chain_id() != genesis_.chain_id) {
        Fail(label + ": the header is for chain \"" + header.chain_id() + "\"");
        continue;
      }
      if (!header.has_validator_change()) {
        Fail(label + ": the header carries no validator-set change");
        continue;
      }
      Status cert = VerifyCertificate(block.certificate(), genesis_.chain_id, height,
                                      BlockHash(block.header()), schedule_.SetAt(height));
      if (!cert.ok()) {
        Fail(label + ": certificate: " + cert.ToString() + FormerValidators(block, height));
        continue;
      }
      const v1::ValidatorSetChange& change = header.validator_change();
      if (change.effective_height() != height + kValidatorChangeDelay) {
        Fail(label + ": it takes effect at height " + std::to_string(change.effective_height()) +
             ", not " + std::to_string(height + kValidatorChangeDelay) + " (its height + " +
             std::to_string(kValidatorChangeDelay) + ")");
        continue;
      }
      Status added = schedule_.Add(change, height);
      if (!added.ok()) {
        Fail(label + ": " + added.message());
        continue;
      }
      accepted_changes_.insert(height);
    }
  }

  // For a certificate refused at `height`: the signers that were validators at another height
  // (removed, or an old key after a rotation), so the failure says why a known key is refused.
  std::string FormerValidators(const v1::BundleBlock& block, uint64_t height) const {
    std::string out;
    for (const v1::CommitSig& sig : block.certificate().signatures()) {
      auto key = ArrayFromBytes<32>(sig.validator());
      if (!key || schedule_.FindAt(height, *key)) continue;
      const std::vector<v1::ValidatorEpoch>& epochs = schedule_.epochs();
      // The newest set before `height` holding the key; the next set, which dropped it, is in
      // force at `height` or earlier.
      for (size_t e = epochs.size(); e-- > 0;) {
        if (epochs[e].from_height() > height) continue;
        const v1::ValidatorInfo* v = schedule_.FindAt(epochs[e].from_height(), *key);
        if (!v) continue;
        if (e + 1 < epochs.size()) {
          out += "; " + v->name() + "'s key " + ToHex(*key).substr(0, 16) +
                 "... left the validator set at height " +
                 std::to_string(epochs[e + 1].from_height());
        }
        break;
      }
    }
    return out;
  }

  void CheckBlocks() {
    uint64_t last_height = 0;
    for (int i = 0; i < bundle_.blocks_size(); ++i) {
      const v1::BundleBlock& block = bundle_.blocks(i);
      std::string label = "block #" + std::to_string(i);
      VerifiedBlock vb;
      if (!vb.header.ParseFromString(block.header()) || vb.header.height() == 0) {
        Fail(label + ": the header is not a valid block header");
        continue;
      }
      const uint64_t height = vb.header.height();
      label = "block " + std::to_string(height);
      if (height <= last_height) {
        Fail(label + ": blocks are not in ascending height order");
        continue;
      }
      last_height = height;
      if (vb.header.chain_id() != genesis_.chain_id) {
        Fail(label + ": the header is for chain \"" + vb.header.chain_id() + "\"");
      } else if (vb.header.records_root().size() != 32) {
        Fail(label + ": the header's records root is not 32 bytes");
      } else if (CheckListedChange(label, vb.header, block.header())) {
        Status cert = VerifyCertificate(block.certificate(), genesis_.chain_id, height,
                                        BlockHash(block.header()), schedule_.SetAt(height));
        if (cert.ok()) {
          vb.verified = true;
        } else {
          Fail(label + ": certificate: " + cert.ToString() + FormerValidators(block, height));
        }
      }
      blocks_.emplace(height, std::move(vb));
    }
  }

  // A block that decided a set change must be one of validator_changes, verified there: else
  // the blocks after it would be checked against the set before the change.
  bool CheckListedChange(const std::string& label, const v1::BlockHeader& header,
                         const std::string& header_bytes) {
    if (!header.has_validator_change()) return true;
    auto listed = listed_changes_.find(header.height());
    if (listed == listed_changes_.end()) {
      Fail(label + ": it decides a validator-set change that the bundle's validator_changes "
                   "leave out");
      return false;
    }
    if (listed->second != header_bytes) {
      Fail(label + ": its header differs from the validator-set change the bundle lists for it");
      return false;
    }
    return accepted_changes_.count(header.height()) > 0;  // else already named there
  }

  void CheckRecords() {
    std::pair<uint64_t, uint32_t> last{0, 0};
    for (int i = 0; i < bundle_.records_size(); ++i) {
      const v1::BundleRecord& br = bundle_.records(i);
      RecordVerdict& rv = verdict_.records[i];
      rv.label = "record " + std::to_string(i);
      Result<Record> record = DecodeRecord(br.envelope());
      if (!record.ok()) {
        decoded_.push_back(std::nullopt);
        FailRecord(i, record.status().ToString());
        continue;
      }
      std::string lot = PrimaryLot(record->body);
      rv.label += " (" + std::string(EventName(record->body)) + (lot.empty() ? "" : " of " + lot) +
                  ", block " + std::to_string(br.height()) + " #" + std::to_string(br.index()) +
                  ")";
      std::pair<uint64_t, uint32_t> place{br.height(), br.index()};
      if (i > 0 && place <= last) FailRecord(i, "records are not in chain order");
      last = place;
      if (record->body.chain_id() != genesis_.chain_id) {
        FailRecord(i, "signed for chain \"" + record->body.chain_id() + "\"");
      }
      Status sig = VerifyRecordSignature(*record);
      if (!sig.ok()) FailRecord(i, "signature: " + sig.ToString());
      CheckProof(i, br, record->id);
      decoded_.push_back(std::move(record).value());
    }
  }

  void CheckProof(size_t i, const v1::BundleRecord& br, const Hash256& id) {
    auto block = blocks_.find(br.height());
    if (block == blocks_.end()) {
      FailRecord(i, "block " + std::to_string(br.height()) + " is not in the bundle");
      return;
    }
    if (!block->second.verified) {
      FailRecord(i, "its block " + std::to_string(br.height()) + " is not certified");
    }
    const v1::BlockHeader& header = block->second.header;
    if (br.leaf_count() != header.record_count()) {
      FailRecord(i, "Merkle proof: it claims " + std::to_string(br.leaf_count()) +
                        " leaves but block " + std::to_string(br.height()) + " holds " +
                        std::to_string(header.record_count()) + " records");
      return;
    }
    MerkleProof proof;
    proof.index = br.index();
    proof.leaf_count = br.leaf_count();
    for (const std::string& sibling : br.proof()) {
      auto hash = ArrayFromBytes<32>(sibling);
      if (!hash) return FailRecord(i, "Merkle proof: a sibling hash is not 32 bytes");
      proof.path.push_back(*hash);
    }
    auto root = ArrayFromBytes<32>(header.records_root());
    if (!root || !VerifyMerkleProof(id, proof, *root)) {
      FailRecord(i, "Merkle proof: the record is not included in block " +
                        std::to_string(br.height()) + " at index " + std::to_string(br.index()));
    }
  }

  // --- The story: every record's custody claim, quantity by quantity (custody_replay.h).
  void CheckCustody() {
    for (size_t i = 0; i < decoded_.size(); ++i) {
      if (decoded_[i]) replay_.Apply(i, *decoded_[i]);
    }
  }

  // The lot and every ancestor must be created by a record in the bundle, back to harvests.
  void CheckLineage() {
    std::set<std::string> seen;
    std::vector<std::string> todo = {bundle_.lot()};
    while (!todo.empty()) {
      std::string lot = std::move(todo.back());
      todo.pop_back();
      if (!seen.insert(lot).second) continue;
      std::optional<std::vector<std::string>> parents = replay_.Parents(lot);
      if (!parents) {
        Fail("lot " + lot +
             (lot == bundle_.lot() ? "" : " (an ancestor of " + bundle_.lot() + ")") +
             ": no record in the bundle shows how it was made");
        continue;
      }
      for (const std::string& parent : *parents) todo.push_back(parent);
    }
  }

  // The Origin card, from the records that verified so far (origin.h).
  void CheckOrigin() {
    OriginReplay origin(bundle_, genesis_, [this](const std::string& problem) { Fail(problem); });
    for (size_t i = 0; i < decoded_.size(); ++i) {
      if (decoded_[i] && verdict_.records[i].problems.empty()) origin.Apply(*decoded_[i]);
    }
    verdict_.origin = origin.Finish(bundle_);
  }

  // Names are for display, but the genesis file vouches for the participants it lists.
  void CheckParticipants() {
    for (const v1::Participant& p : bundle_.participants()) {
      for (const v1::Participant& g : genesis_.participants) {
        if (g.pubkey() != p.pubkey()) continue;
        if (g.name() != p.name() || g.organization() != p.organization()) {
          Fail("participant " + ToHex(p.pubkey()).substr(0, 16) + ": the bundle calls it \"" +
               p.name() + "\" (" + p.organization() + "), the genesis file \"" + g.name() + "\" (" +
               g.organization() + ")");
        }
      }
    }
  }

  const v1::ProofBundle& bundle_;
  const Genesis& genesis_;
  ValidatorSchedule schedule_;
  std::map<uint64_t, std::string> listed_changes_;  // height -> header bytes
  std::set<uint64_t> accepted_changes_;            // heights whose change is in schedule_
  BundleVerdict verdict_;
  std::map<uint64_t, VerifiedBlock> blocks_;
  std::vector<std::optional<Record>> decoded_;  // parallel to bundle_.records
  CustodyReplay replay_{[this](size_t i, const std::string& problem) { FailRecord(i, problem); }};
};

}  // namespace

BundleVerdict VerifyProofBundle(const v1::ProofBundle& bundle, const Genesis& genesis) {
  return Verifier(bundle, genesis).Run();
}

}  // namespace agritrace::chain

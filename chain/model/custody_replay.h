// The custody story a lot's records tell, replayed quantity by quantity: by the proof-bundle
// verifier (chain/bundle) to check every custody claim, and by the exporters (chain/export) to
// report what each event moved (a ship without a quantity moves everything its signer held).
// A lot's history holds every record that touched it and its ancestors, so each lot's parts can
// be followed exactly: who held how much, which shipments were on their
// way, what was rejected, lost, sold or put on a pallet. Each record's custody claim is checked
// against the parts the records before it left; lots outside the bundle's lineage (another
// product's inputs) are skipped, as the bundle cannot show them.
//
// Not thread-safe; one replay per verification.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chain/model/record.h"

namespace agritrace::chain {

class CustodyReplay {
 public:
  // What one record moved of one lot, in the lot's unit.
  struct Move {
    std::string lot;  // lot key
    int64_t milli = 0;
    std::string unit;
  };
  // What record i moved: shipped, accepted, lost, sold, put on or taken off a pallet
  // (`moved`), and for a receipt the part it rejected.
  struct Moves {
    std::vector<Move> moved;
    std::vector<Move> rejected;
  };

  // `problem(i, text)` is called for each failed claim of record i.
  explicit CustodyReplay(std::function<void(size_t, const std::string&)> problem)
      : problem_(std::move(problem)) {}

  // Applies record i (records come in chain order).
  void Apply(size_t i, const Record& record);

  // The parents of `lot` when a record in the bundle created it; nullopt otherwise.
  std::optional<std::vector<std::string>> Parents(const std::string& lot) const;
  // What record i moved (empty when it moved nothing, or its claim failed).
  const Moves& MovesOf(size_t i) const;
  // What `party` holds of `lot` now (on or off pallets), in the lot's unit; 0 for a lot the
  // records applied so far did not create.
  int64_t HeldNow(const std::string& lot, const std::string& party) const;

 private:
  struct Part {
    std::string party;   // key bytes
    std::string sscc;    // on this pallet
    int64_t milli = 0;
  };
  struct Transit {
    std::string from, to, sscc;
    int64_t milli = 0;
  };
  struct Lot {
    std::string unit;
    std::vector<std::string> parents;
    std::vector<Part> held;
    std::map<std::string, Transit> transit;  // shipment (record id bytes) -> part
  };
  struct Pallet {
    std::vector<std::pair<std::string, int64_t>> contents;  // lot key, milli
  };

  void Create(size_t i, const std::string& lot, const Record& r, const v1::Quantity& quantity,
              std::vector<std::string> parents);
  // The amount in the lot's unit; reports and returns nullopt when it cannot be converted.
  std::optional<int64_t> InUnit(size_t i, const Lot& lot, const std::string& key,
                                const v1::Quantity& quantity);
  int64_t HeldBy(const Lot& lot, const std::string& party, const std::string& sscc) const;
  // Takes `milli` (all it holds when nullopt) from the signer; false (reported) if short.
  bool Take(size_t i, Lot& lot, const std::string& key, const std::string& party,
            std::optional<int64_t> milli, const std::string& sscc, const char* action,
            int64_t* taken = nullptr);
  void Give(Lot& lot, const std::string& party, int64_t milli, const std::string& sscc);
  // The shipment of `lot` a receive or cancel names (or the only one to / from `party`).
  std::optional<std::string> FindShipment(size_t i, const Lot& lot, const std::string& key,
                                          const std::string& named, const std::string& party,
                                          bool as_receiver, bool on_pallet);

  void Transform(size_t i, const Record& r);
  void Ship(size_t i, const Record& r);
  void Receive(size_t i, const Record& r);
  void Cancel(size_t i, const Record& r);
  void Exit(size_t i, const Record& r, const v1::LotKey& lot_key, const v1::Quantity& quantity,
            bool has_quantity, const char* action);
  void Aggregate(size_t i, const Record& r);
  void Disaggregate(size_t i, const Record& r);
  // Moves every lot of a pallet shipment with `move(lot, transit)`.
  void MovePallet(const std::string& sscc, const std::string& shipment,
                  const std::function<void(Lot&, const Transit&)>& move);

  bool SameParty(const std::string& stored, const std::string& acting) const;

  std::function<void(size_t, const std::string&)> problem_;
  std::map<std::string, Lot> lots_;
  std::map<std::string, Pallet> pallets_;
  std::map<std::string, std::string> successors_;  // old key -> new key (RotateKey records)
  std::map<size_t, Moves> moves_;
  size_t current_ = 0;  // the record being applied
  // Records that record i moved `milli` of `lot` (rejected: the part sent back).
  void Note(const std::string& lot, const Lot& state, int64_t milli, bool rejected = false);
};

}  // namespace agritrace::chain

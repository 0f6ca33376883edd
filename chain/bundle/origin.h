// The origin story of a proof bundle, from its verified records alone: the plots its harvests
// came from (cap, owner), the pre-harvest interval of every application on its plot dated
// before each harvest, the season totals the bundle states for those plots (checked against
// the bundle's own harvests and the cap), the claims each lot carries (harvests under a
// certificate in scope; packs and transforms by the rules' own arithmetic,
// chain/model/lot_claims.h), and whether the claims the bundle states for its lot are backed
// by them.
//
// Used by VerifyProofBundle (verify.cc). Not thread-safe; one per verification.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agritrace/v1/bundle.pb.h"
#include "chain/bundle/bundle.h"
#include "chain/model/genesis.h"
#include "chain/model/record.h"

namespace agritrace::chain {

class OriginReplay {
 public:
  // `fail` receives each failure, naming its subject. The bundle's participants give a
  // signer's organisation for certificates on an organisation (informative, like their names).
  // Plots the genesis file lists are known from the start (the genesis vouches for them).
  OriginReplay(const v1::ProofBundle& bundle, const Genesis& genesis,
               std::function<void(const std::string&)> fail);

  // Feed verified records in chain order.
  void Apply(const Record& record);
  // After the last record: the card for `bundle.lot()`, with its stated claims checked.
  OriginVerdict Finish(const v1::ProofBundle& bundle);

 private:
  struct Plot {
    OriginPlot card;
    v1::PlotState state;  // as registered: its season start, for SeasonYear
  };
  static Plot CardOf(const v1::PlotState& state);
  struct Application {
    v1::InputApplication input;
    int64_t applied_ms = 0;
    int32_t tz_offset_min = 0;
  };
  struct HarvestOnPlot {
    std::string plot_id, lot_key;
    int64_t harvest_ms = 0;
    int32_t tz_offset_min = 0;
    int64_t mass_mg = 0;
  };
  struct Cert {
    v1::Certify certify;
    std::string signer;
  };

  void ApplyHarvest(const Record& record);
  void CheckIntervals(const std::string& plot_id, const std::string& lot_key, int64_t harvest_ms,
                      int32_t tz_offset_min);
  void HarvestClaims(const Record& record, v1::LotState& lot, int64_t harvest_ms, int64_t mass_mg);
  void ApplyTransform(const Record& record);
  void CheckSeasons(const v1::ProofBundle& bundle);

  const v1::ProofBundle& bundle_;
  std::function<void(const std::string&)> fail_;
  std::map<std::string, Plot> plots_;
  std::set<std::string> named_plots_;  // by the bundle's harvests: the ones shown
  std::map<std::string, std::vector<Application>> applications_;  // by plot, chain order
  std::vector<std::pair<std::string, Cert>> certs_;               // record id, chain order
  std::map<std::string, v1::LotState> lots_;                      // quantity, claims, plot
  std::map<std::string, std::string> compliance_;                 // lot -> basis
  std::map<std::string, std::pair<std::string, std::string>> compliance_by_;  // date, signer
  std::vector<HarvestOnPlot> harvests_;  // checked against every application at the end
  std::vector<OriginInterval> intervals_;
};

}  // namespace agritrace::chain

#include "chain/bundle/origin.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "chain/export/origin_json.h"
#include "chain/model/gs1.h"
#include "chain/model/lot_claims.h"
#include "chain/model/plot.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

std::string Kg(int64_t mg) {
  const int64_t grams = mg / 1000;
  std::string out = std::to_string(grams / 1000);
  if (grams % 1000 != 0) {
    std::string frac = std::to_string(1000 + grams % 1000).substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + " kg";
}

std::string Place(const v1::Location& at) {
  if (at.has_lat_e6() && at.has_lon_e6()) {
    char text[48];
    std::snprintf(text, sizeof text, "%.6f,%.6f", at.lat_e6() / 1e6, at.lon_e6() / 1e6);
    return text;
  }
  return at.name();
}

std::string SeasonStartText(const v1::PlotState& plot) {
  char text[24];
  std::snprintf(text, sizeof text, "%02u-%02u",
                plot.season_start_month() == 0 ? 1u : plot.season_start_month(),
                plot.season_start_day() == 0 ? 1u : plot.season_start_day());
  return text;
}

bool ValidAt(const v1::Certify& cert, int64_t at_ms) {
  if (cert.valid_from_ms() != 0 && at_ms < cert.valid_from_ms()) return false;
  return cert.valid_until_ms() == 0 || at_ms <= cert.valid_until_ms();
}

}  // namespace

OriginReplay::OriginReplay(const v1::ProofBundle& bundle, const Genesis& genesis,
                           std::function<void(const std::string&)> fail)
    : bundle_(bundle), fail_(std::move(fail)) {
  for (const v1::PlotState& plot : genesis.plots) plots_[plot.plot_id()] = CardOf(plot);
}

OriginReplay::Plot OriginReplay::CardOf(const v1::PlotState& state) {
  Plot plot;
  plot.card.plot_id = state.plot_id();
  plot.card.crop = state.crop();
  plot.card.area = FormatArea(state.area());
  plot.card.owner_hex = ToHex(state.owner());
  plot.card.place = Place(state.location());
  plot.card.cap_mg = state.cap_mg();
  plot.card.retired = state.retired();
  plot.card.season_start = SeasonStartText(state);
  plot.state = state;
  plot.state.clear_seasons();  // what a genesis file may say of seasons is not evidence
  return plot;
}

void OriginReplay::Apply(const Record& record) {
  const v1::RecordBody& body = record.body;
  switch (body.event_case()) {
    case v1::RecordBody::kRegisterPlot: {
      Result<v1::PlotState> state = NewPlotState(body.register_plot());
      if (!state.ok()) {
        fail_("plot " + body.register_plot().plot_id() + ": " + state.status().ToString());
        return;
      }
      plots_[state->plot_id()] = CardOf(*state);
      return;
    }
    case v1::RecordBody::kTransferPlot:
      if (auto it = plots_.find(body.transfer_plot().plot_id()); it != plots_.end()) {
        it->second.card.owner_hex = ToHex(body.transfer_plot().new_owner());
      }
      return;
    case v1::RecordBody::kRetirePlot:
      if (auto it = plots_.find(body.retire_plot().plot_id()); it != plots_.end()) {
        it->second.card.retired = true;
      }
      return;
    case v1::RecordBody::kInputApplication:
      applications_[body.input_application().plot_id()].push_back(
          {body.input_application(), EventTimeOf(body), body.event_tz_offset_min()});
      return;
    case v1::RecordBody::kCertify:
      if (!body.certify().claim().empty()) {
        certs_.push_back({AsBytes(record.id), {body.certify(), AsBytes(record.signer)}});
      }
      return;
    case v1::RecordBody::kHarvest:
      return ApplyHarvest(record);
    case v1::RecordBody::kTransform:
      return ApplyTransform(record);
    case v1::RecordBody::kComplianceCert: {
      const std::string lot = FormatLotKey(body.compliance_cert().lot());
      compliance_[lot] = ComplianceBasisName(body.compliance_cert().basis());
      compliance_by_[lot] = {CivilDate(EventTimeOf(body), body.event_tz_offset_min()),
                             ToHex(AsBytes(record.signer))};
      return;
    }
    default:
      return;  // the rest moves no origin
  }
}

void OriginReplay::ApplyHarvest(const Record& record) {
  const v1::Harvest& harvest = record.body.harvest();
  const std::string lot_key = FormatLotKey(harvest.lot());
  v1::LotState lot;
  *lot.mutable_quantity() = harvest.quantity();
  *lot.mutable_net_mass_per_unit() = harvest.net_mass_per_unit();
  lot.set_plot(harvest.plot());
  const int64_t harvest_ms =
      harvest.harvest_time_ms() != 0 ? harvest.harvest_time_ms() : EventTimeOf(record.body);
  const int64_t mass_mg =
      MassMilligrams(harvest.quantity(), harvest.net_mass_per_unit()).value_or(0);
  if (!harvest.plot().empty()) {
    auto plot = plots_.find(harvest.plot());
    if (plot == plots_.end()) {
      fail_("lot " + lot_key + ": plot " + harvest.plot() +
            " is named but its RegisterPlot record is not in the bundle");
    } else {
      plot->second.card.harvested_mg += mass_mg;
      named_plots_.insert(harvest.plot());
      harvests_.push_back(
          {harvest.plot(), lot_key, harvest_ms, record.body.event_tz_offset_min(), mass_mg});
    }
  }
  if (!harvest.waive_claims()) HarvestClaims(record, lot, harvest_ms, mass_mg);
  lots_[lot_key] = std::move(lot);
}

void OriginReplay::CheckIntervals(const std::string& plot_id, const std::string& lot_key,
                                  int64_t harvest_ms, int32_t tz_offset_min) {
  for (const Application& a : applications_[plot_id]) {
    const int64_t allowed_ms = a.applied_ms + a.input.phi_days() * kMsPerDay;
    OriginInterval interval{plot_id,
                            a.input.product(),
                            a.input.active_ingredient(),
                            lot_key,
                            a.input.phi_days(),
                            CivilDate(a.applied_ms, a.tz_offset_min),
                            CivilDate(allowed_ms, a.tz_offset_min),
                            CivilDate(harvest_ms, tz_offset_min),
                            true};
    // As the rules: a harvest before the application is not affected by it. Every application
    // counts, also one recorded after the harvest but dated before it (the rules could not
    // refuse that harvest; the card must not call its interval respected).
    interval.respected = harvest_ms < a.applied_ms || harvest_ms >= allowed_ms;
    if (!interval.respected) {
      fail_("lot " + lot_key + ": harvested on " + interval.harvested + " from plot " + plot_id +
            ", within the " + std::to_string(a.input.phi_days()) + "-day pre-harvest interval of " +
            a.input.product() + " applied on " + interval.applied + " (first allowed day " +
            interval.first_allowed + ")");
    }
    if (intervals_.size() < kMaxBundleOriginRecords) intervals_.push_back(std::move(interval));
  }
}

// The rules' choice (chain/rules/claims.cc): per claim, the first certificate in scope order
// (plot, farmer, organisation), valid at the harvest, whose tonnage covers the harvest. What
// other harvests used of it is not in the bundle; the tonnage bounds it.
void OriginReplay::HarvestClaims(const Record& record, v1::LotState& lot, int64_t harvest_ms,
                                 int64_t mass_mg) {
  const std::string signer = AsBytes(record.signer);
  std::string organization;
  for (const v1::Participant& p : bundle_.participants()) {
    if (p.pubkey() == signer) organization = p.organization();
  }
  auto scope_rank = [&](const v1::Certify& c) {
    if (!c.plot_id().empty()) return c.plot_id() == lot.plot() ? 0 : -1;
    if (!c.farmer().empty()) return c.farmer() == signer ? 1 : -1;
    return !organization.empty() && c.organization() == organization ? 2 : -1;
  };
  std::set<std::string> done;
  for (int rank = 0; rank < 3; ++rank) {
    for (const auto& [id, cert] : certs_) {
      const v1::Certify& c = cert.certify;
      if (scope_rank(c) != rank || done.count(c.claim()) || !ValidAt(c, harvest_ms)) continue;
      const int64_t tonnage_mg = MassMilligrams(c.tonnage()).value_or(0);
      if (tonnage_mg < mass_mg || lot.claims_size() >= kMaxLotClaims) continue;
      done.insert(c.claim());
      v1::LotClaim* claim = lot.add_claims();
      claim->set_claim(c.claim());
      claim->set_certificate(id);
      claim->set_standard(c.standard());
      claim->set_certificate_id(c.certificate_id());
      claim->set_claimed_mg(mass_mg);
      if (!lot.plot().empty()) claim->add_plots(lot.plot());
    }
  }
}

void OriginReplay::ApplyTransform(const Record& record) {
  const v1::Transform& transform = record.body.transform();
  std::vector<ClaimedInput> inputs;
  int64_t in_mg = 0;
  for (const v1::LotAmount& input : transform.inputs()) {
    auto lot = lots_.find(FormatLotKey(input.lot()));
    if (lot == lots_.end()) continue;  // the lineage check names a lot made by no record
    const int64_t mg =
        MassMilligrams(input.quantity(), lot->second.net_mass_per_unit()).value_or(0);
    inputs.push_back({&lot->second, mg});
    in_mg += mg;
  }
  const std::vector<v1::LotClaim> carried = ClaimsCarriedIn(inputs);
  std::vector<std::pair<std::string, v1::LotState>> made;
  for (const v1::LotOutput& output : transform.outputs()) {
    v1::LotState lot;
    *lot.mutable_quantity() = output.quantity();
    *lot.mutable_net_mass_per_unit() = output.net_mass_per_unit();
    const int64_t out_mg =
        MassMilligrams(output.quantity(), output.net_mass_per_unit()).value_or(0);
    AddOutputClaims(carried, in_mg, out_mg, lot);
    made.emplace_back(FormatLotKey(output.lot()), std::move(lot));
  }
  for (auto& [key, lot] : made) lots_[key] = std::move(lot);
}

// Each plot's latest season among the bundle's harvests on it: what they prove of it, and the
// whole plot's total the bundle states, which must lie between that and the cap. A stated
// total for another season is checked the same way, not shown.
void OriginReplay::CheckSeasons(const v1::ProofBundle& bundle) {
  std::map<std::pair<std::string, int32_t>, int64_t> proven;  // (plot, season) -> mg
  for (const HarvestOnPlot& h : harvests_) {
    Plot& plot = plots_[h.plot_id];
    const int32_t season = SeasonYear(plot.state, h.harvest_ms, h.tz_offset_min);
    proven[{h.plot_id, season}] += h.mass_mg;
    plot.card.season = std::max(plot.card.season, season);
  }
  for (auto& [id, plot] : plots_) {
    if (named_plots_.count(id)) plot.card.season_proven_mg = proven[{id, plot.card.season}];
  }
  size_t read = 0;
  for (const v1::PlotSeasonTotal& stated : bundle.plot_seasons()) {
    if (++read > kMaxBundlePlotSeasons) break;
    auto plot = plots_.find(stated.plot_id());
    if (plot == plots_.end() || !named_plots_.count(stated.plot_id())) continue;  // shown nowhere
    const std::string subject = "plot " + stated.plot_id() + ", season " +
                                std::to_string(stated.season()) + ": the bundle states " +
                                Kg(stated.harvested_mg()) + " harvested";
    const int64_t own = proven[{stated.plot_id(), stated.season()}];
    if (stated.harvested_mg() < own) {
      fail_(subject + ", less than its own verified harvests on the plot (" + Kg(own) + ")");
    } else if (stated.harvested_mg() > plot->second.card.cap_mg) {
      fail_(subject + ", more than the plot's cap (" + Kg(plot->second.card.cap_mg) + ")");
    }
    if (stated.season() == plot->second.card.season) {
      plot->second.card.season_total_mg = stated.harvested_mg();
      plot->second.card.season_as_of_height = stated.as_of_height();
    }
  }
}

OriginVerdict OriginReplay::Finish(const v1::ProofBundle& bundle) {
  OriginVerdict out;
  CheckSeasons(bundle);
  for (const auto& [id, plot] : plots_) {
    if (named_plots_.count(id)) out.plots.push_back(plot.card);
  }
  for (const HarvestOnPlot& h : harvests_) {
    CheckIntervals(h.plot_id, h.lot_key, h.harvest_ms, h.tz_offset_min);
  }
  out.intervals = std::move(intervals_);
  if (auto c = compliance_.find(bundle.lot()); c != compliance_.end()) {
    out.compliance_basis = c->second;
    out.compliance_date = compliance_by_[bundle.lot()].first;
    out.compliance_producer_hex = compliance_by_[bundle.lot()].second;
  }
  auto lot = lots_.find(bundle.lot());
  for (const v1::LotClaim& stated : bundle.claims()) {
    OriginClaim claim{stated.claim(),
                      stated.standard(),
                      stated.certificate_id(),
                      ToHex(stated.certificate()),
                      stated.claimed_mg(),
                      0,
                      0,
                      {stated.plots().begin(), stated.plots().end()},
                      false,
                      ""};
    for (const auto& [id, cert] : certs_) {
      if (id == stated.certificate()) {
        claim.tonnage_mg = MassMilligrams(cert.certify.tonnage()).value_or(0);
        claim.standard = cert.certify.standard();
        claim.certificate_id = cert.certify.certificate_id();
      }
    }
    if (lot != lots_.end()) {
      for (const v1::LotClaim& backed : lot->second.claims()) {
        if (backed.claim() == stated.claim() && backed.certificate() == stated.certificate()) {
          claim.backed_mg = backed.claimed_mg();
        }
      }
    }
    claim.backed = claim.backed_mg > 0 && claim.backed_mg >= stated.claimed_mg();
    if (!claim.backed) {
      claim.why = claim.tonnage_mg == 0 ? "its certificate " + claim.certificate_hex.substr(0, 16) +
                                              " is not among the bundle's verified records"
                                        : "the bundle's records back " + Kg(claim.backed_mg) +
                                              " of it, not " + Kg(stated.claimed_mg());
      fail_("claim " + stated.claim() + " of lot " + bundle.lot() + " (" + Kg(stated.claimed_mg()) +
            "): cannot be backed: " + claim.why);
    }
    out.claims.push_back(std::move(claim));
  }
  return out;
}

}  // namespace agritrace::chain

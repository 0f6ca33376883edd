// The rules that back origin with land: plots (register, transfer, retire), pesticide and
// fertiliser applications with their pre-harvest intervals, banned ingredients, and what a
// harvest must respect on its plot (owner, crop, intervals, the season's yield cap).
#include <algorithm>
#include <string>

#include "chain/model/plot.h"
#include "chain/model/quantity.h"
#include "chain/rules/internal.h"

namespace agritrace::chain::rules_internal {
namespace {

bool SameCrop(const std::string& a, const std::string& b) {
  return IngredientBanKey(a, "") == IngredientBanKey(b, "");  // ASCII case-insensitive
}

Result<v1::PlotState> LoadPlot(const StateReader& state, const std::string& plot_id) {
  std::optional<v1::PlotState> plot = state.GetPlot(plot_id);
  if (!plot) {
    return Reject(Reason::kUnknownPlot, "plot " + plot_id +
                                            " is not registered; an inspector or admin registers "
                                            "it with `agritrace plot register`");
  }
  return *std::move(plot);
}

Result<v1::PlotState> LoadActivePlot(const StateReader& state, const std::string& plot_id) {
  Result<v1::PlotState> plot = LoadPlot(state, plot_id);
  if (plot.ok() && plot->retired()) {
    return Reject(Reason::kPlotRetired,
                  "plot " + plot_id + " was retired (" + plot->retire_reason() + ")");
  }
  return plot;
}

// A registered, unrevoked farmer: who may own a plot.
Status RequireFarmer(const StateReader& state, const std::string& key_bytes,
                     std::string_view role_in_record) {
  auto key = ArrayFromBytes<32>(key_bytes);  // length checked statelessly
  std::optional<v1::Participant> owner = key ? state.GetParticipant(*key) : std::nullopt;
  if (!owner) {
    return Reject(Reason::kUnknownParticipant, "the " + std::string(role_in_record) + " (" +
                                                   Who(state, key_bytes) +
                                                   ") is not a registered participant");
  }
  if (owner->revoked() || !owner->rotated_to().empty()) {
    return Reject(Reason::kRevoked, "the " + std::string(role_in_record) + " " + owner->name() +
                                        " was revoked or re-keyed; name its current key");
  }
  if (!HasRole(*owner, v1::ROLE_FARMER)) {
    return Reject(Reason::kNotAuthorized, owner->name() + " cannot own a plot; that needs the "
                                                          "farmer role");
  }
  return Status::Ok();
}

// The harvest's own time: its harvest time when given, else the event time.
int64_t HarvestTimeMs(const EventEnv& env) {
  const v1::Harvest& harvest = env.record.body.harvest();
  return harvest.harvest_time_ms() != 0 ? harvest.harvest_time_ms() : EventTimeMs(env);
}

Status CheckIntervals(const v1::PlotState& plot, int64_t harvest_ms) {
  for (const v1::PlotInput& input : plot.inputs()) {
    const int64_t allowed_ms = input.applied_ms() + input.phi_days() * kMsPerDay;
    if (harvest_ms < input.applied_ms() || harvest_ms >= allowed_ms) continue;
    return Reject(Reason::kPhiNotElapsed,
                  "plot " + plot.plot_id() + " was treated with " + input.product() + " (" +
                      input.active_ingredient() + ") on " +
                      CivilDate(input.applied_ms(), input.tz_offset_min()) + " with a " +
                      std::to_string(input.phi_days()) +
                      "-day pre-harvest interval; the first allowed harvest day is " +
                      CivilDate(allowed_ms, input.tz_offset_min()));
  }
  return Status::Ok();
}

Status CheckCap(const v1::PlotState& plot, int32_t season, int64_t harvest_mg) {
  const int64_t done_mg = HarvestedInSeason(plot, season);
  if (harvest_mg <= plot.cap_mg() - done_mg) return Status::Ok();
  return Reject(Reason::kYieldExceeded,
                "plot " + plot.plot_id() + " may yield " + FormatMass(plot.cap_mg()) +
                    " in the season of " + std::to_string(season) + " (" +
                    FormatArea(plot.area()) + " x " +
                    FormatYield(plot.max_yield(), plot.max_yield_per()) + "); " +
                    FormatMass(done_mg) + " is already harvested, so at most " +
                    FormatMass(std::max<int64_t>(0, plot.cap_mg() - done_mg)) +
                    " more, not " + FormatMass(harvest_mg));
}

Status AddToSeason(v1::PlotState& plot, int32_t season, int64_t harvest_mg) {
  for (v1::SeasonHarvest& entry : *plot.mutable_seasons()) {
    if (entry.year() != season) continue;
    entry.set_harvested_mg(entry.harvested_mg() + harvest_mg);  // <= cap: CheckCap
    return Status::Ok();
  }
  if (plot.seasons_size() >= kMaxPlotSeasons) {
    return Reject(Reason::kTooLarge, "plot " + plot.plot_id() + " already has " +
                                         std::to_string(kMaxPlotSeasons) + " seasons of harvests");
  }
  v1::SeasonHarvest* entry = plot.add_seasons();
  entry->set_year(season);
  entry->set_harvested_mg(harvest_mg);
  return Status::Ok();
}

}  // namespace

Status ApplyRegisterPlot(const EventEnv& env) {
  const v1::RegisterPlot& reg = env.record.body.register_plot();
  AGRI_RETURN_IF_ERROR(
      RequireRole(env.signer, {v1::ROLE_INSPECTOR, v1::ROLE_ADMIN}, "register plots"));
  if (env.scratch.GetPlot(reg.plot_id())) {
    return Reject(Reason::kPlotExists,
                  "plot " + reg.plot_id() + " is already registered; give the new plot its own id");
  }
  AGRI_RETURN_IF_ERROR(RequireFarmer(env.scratch, reg.owner(), "plot owner"));
  Result<v1::PlotState> plot = NewPlotState(reg);
  if (!plot.ok()) return plot.status();
  plot->set_registered_by(env.signer_bytes());
  plot->set_register_record(AsBytes(env.record.id));
  plot->set_registered_height(env.ctx.height);
  env.scratch.PutPlot(*std::move(plot));
  return Status::Ok();
}

namespace {

// Keeps the record's id among the plot's changes (the newest kMaxPlotChanges).
void RememberChange(const EventEnv& env, v1::PlotState& plot) {
  plot.add_change_records(AsBytes(env.record.id));
  if (plot.change_records_size() > kMaxPlotChanges) {
    plot.mutable_change_records()->erase(plot.mutable_change_records()->begin());
  }
}

}  // namespace

Status ApplyTransferPlot(const EventEnv& env) {
  const v1::TransferPlot& transfer = env.record.body.transfer_plot();
  Result<v1::PlotState> plot = LoadActivePlot(env.scratch, transfer.plot_id());
  if (!plot.ok()) return plot.status();
  if (!SameParty(env.scratch, plot->owner(), env.signer_bytes()) &&
      !HasRole(env.signer, v1::ROLE_INSPECTOR) && !HasRole(env.signer, v1::ROLE_ADMIN)) {
    return Reject(Reason::kNotAuthorized, env.signer.name() + " may not transfer plot " +
                                              plot->plot_id() +
                                              "; only its owner, an inspector or an admin can");
  }
  AGRI_RETURN_IF_ERROR(RequireFarmer(env.scratch, transfer.new_owner(), "new owner"));
  plot->set_owner(transfer.new_owner());
  RememberChange(env, *plot);
  env.scratch.PutPlot(*std::move(plot));
  return Status::Ok();
}

Status ApplyRetirePlot(const EventEnv& env) {
  const v1::RetirePlot& retire = env.record.body.retire_plot();
  AGRI_RETURN_IF_ERROR(
      RequireRole(env.signer, {v1::ROLE_INSPECTOR, v1::ROLE_ADMIN}, "retire plots"));
  Result<v1::PlotState> plot = LoadActivePlot(env.scratch, retire.plot_id());
  if (!plot.ok()) return plot.status();
  plot->set_retired(true);
  plot->set_retire_reason(retire.reason());
  RememberChange(env, *plot);
  env.scratch.PutPlot(*std::move(plot));
  return Status::Ok();
}

Status ApplyInputApplication(const EventEnv& env) {
  const v1::InputApplication& input = env.record.body.input_application();
  Result<v1::PlotState> plot = LoadActivePlot(env.scratch, input.plot_id());
  if (!plot.ok()) return plot.status();
  if (!SameParty(env.scratch, plot->owner(), env.signer_bytes())) {
    return Reject(Reason::kNotAuthorized, env.signer.name() + " does not own plot " +
                                              plot->plot_id() + " (" +
                                              Who(env.scratch, plot->owner()) +
                                              " does); only its owner records applications");
  }
  if (auto ban = env.scratch.GetIngredientBan(IngredientBanKey(plot->crop(),
                                                                input.active_ingredient()))) {
    return Reject(Reason::kIngredientBanned, input.active_ingredient() + " is banned for " +
                                                 plot->crop() + " (" + ban->reason() +
                                                 "); it may not be applied on plot " +
                                                 plot->plot_id());
  }
  v1::PlotInput entry;
  entry.set_product(input.product());
  entry.set_active_ingredient(input.active_ingredient());
  entry.set_applied_ms(EventTimeMs(env));
  entry.set_phi_days(input.phi_days());
  entry.set_tz_offset_min(env.record.body.event_tz_offset_min());
  entry.set_record(AsBytes(env.record.id));
  *plot->add_inputs() = std::move(entry);
  if (plot->inputs_size() > kMaxPlotInputs) {
    // Forget the application whose interval ends first: it is the one least likely to matter.
    auto* inputs = plot->mutable_inputs();
    auto ends = [](const v1::PlotInput& i) { return i.applied_ms() + i.phi_days() * kMsPerDay; };
    auto first = std::min_element(inputs->begin(), inputs->end(),
                                  [&](const auto& a, const auto& b) { return ends(a) < ends(b); });
    inputs->erase(first);
  }
  env.scratch.PutPlot(*std::move(plot));
  return Status::Ok();
}

Status ApplyBanIngredient(const EventEnv& env) {
  const v1::BanIngredient& ban = env.record.body.ban_ingredient();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_REGULATOR}, "ban active ingredients"));
  v1::IngredientBan stored;
  stored.set_crop(ban.crop());
  stored.set_active_ingredient(ban.active_ingredient());
  stored.set_reason(ban.reason());
  stored.set_banned_by(env.signer_bytes());
  stored.set_record(AsBytes(env.record.id));
  env.scratch.PutIngredientBan(IngredientBanKey(ban.crop(), ban.active_ingredient()),
                               std::move(stored));
  return Status::Ok();
}

Status ApplyHarvestToPlot(const EventEnv& env, v1::LotState& lot) {
  const v1::Harvest& harvest = env.record.body.harvest();
  if (harvest.plot().empty()) {
    // Certificates on the farmer or its organisation still give a harvest their claims.
    const int64_t mass_mg =
        MassMilligrams(harvest.quantity(), harvest.net_mass_per_unit()).value_or(0);
    // A partner's harvest imported as an attestation grew on land this chain has not
    // registered: it names no plot and carries no claim, since nothing here backs one.
    if (env.record.body.has_attestation()) return Status::Ok();
    if (!env.params.require_plot) {
      return ApplyHarvestClaims(env, lot, HarvestTimeMs(env), mass_mg);
    }
    return Reject(Reason::kUnknownPlot, "this chain requires every harvest to name the "
                                        "registered plot it came from (--plot PLOT)");
  }
  Result<v1::PlotState> plot = LoadActivePlot(env.scratch, harvest.plot());
  if (!plot.ok()) return plot.status();
  if (!SameParty(env.scratch, plot->owner(), env.signer_bytes())) {
    return Reject(Reason::kNotAuthorized, env.signer.name() + " does not own plot " +
                                              plot->plot_id() + " (" +
                                              Who(env.scratch, plot->owner()) +
                                              " does); harvest only from your own plots");
  }
  if (!SameCrop(plot->crop(), harvest.commodity())) {
    return Reject(Reason::kCropMismatch, "plot " + plot->plot_id() + " grows " + plot->crop() +
                                             ", not " + harvest.commodity());
  }
  const int64_t harvest_ms = HarvestTimeMs(env);
  if (harvest_ms > env.ctx.block_time_ms + env.params.max_record_future_ms) {
    return Reject(Reason::kEventTime, "the harvest time is in the future; a harvest is recorded "
                                      "once it happened");
  }
  AGRI_RETURN_IF_ERROR(CheckIntervals(*plot, harvest_ms));
  // Stateless checks made sure the mass is known.
  const int64_t mass_mg = MassMilligrams(harvest.quantity(), harvest.net_mass_per_unit()).value_or(0);
  const int32_t season = SeasonYear(*plot, harvest_ms, env.record.body.event_tz_offset_min());
  AGRI_RETURN_IF_ERROR(CheckCap(*plot, season, mass_mg));
  AGRI_RETURN_IF_ERROR(AddToSeason(*plot, season, mass_mg));
  lot.set_plot(plot->plot_id());
  env.scratch.PutPlot(*std::move(plot));
  return ApplyHarvestClaims(env, lot, harvest_ms, mass_mg);
}

}  // namespace agritrace::chain::rules_internal

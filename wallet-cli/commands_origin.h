// Origin commands: plots (plot register|show|transfer|retire), pesticide and fertiliser
// applications (input), banned ingredients (ban-ingredient). Builders are exposed for unit
// tests.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"
#include "wallet-cli/commands.h"

namespace agritrace::wallet {

void AddOriginCommands(CLI::App& app, Context& ctx, Action& action);

struct PlotArgs {
  std::string plot;
  std::string owner;         // participant (keystore name, hex key or on-chain name)
  std::string area;          // "100mu", "6.5ha", "2000m2"
  std::string crop;
  std::string max_yield;     // "700kg/mu"
  std::string polygon;       // "lat,lon;lat,lon;..."
  std::string location;      // "lat,lon"
  std::string season_start;  // "MM-DD"
};
// `owner` is the resolved owner key.
chain::Result<v1::RecordBody> BuildRegisterPlot(const PlotArgs& args, const chain::PubKey& owner);

struct InputArgs {
  std::string plot;
  std::string product;
  std::string active_ingredient;
  uint32_t phi_days = 0;
  std::string rate;
};
chain::Result<v1::RecordBody> BuildInput(const InputArgs& args);

}  // namespace agritrace::wallet

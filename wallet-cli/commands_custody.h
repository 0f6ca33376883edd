// The custody commands of chain format 2: ship, receive, cancel-shipment, loss, sell,
// aggregate, disaggregate and `participant update`; and cool. Each signs one record. Builders are
// exposed for unit tests.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"
#include "chain/model/record.h"
#include "wallet-cli/commands.h"

namespace agritrace::wallet {

// What a custody command names: a lot ("01/..." or a Digital Link URL) or a pallet ("00/{sscc}"
// or the bare 18-digit SSCC). BAD_GS1_KEY naming both forms otherwise.
struct LotOrPallet {
  std::optional<v1::LotKey> lot;
  std::string sscc;  // set for a pallet
};
chain::Result<LotOrPallet> ParseLotOrPallet(const std::string& text);

struct ShipArgs {
  std::string unit;  // LOT or 00/{SSCC}
  std::string to;
  std::string quantity;  // empty: everything the signer holds
  std::string carrier;
  std::vector<std::string> refs;
};
chain::Result<v1::RecordBody> BuildShip(Context& ctx, const ShipArgs& args);

struct ReceiveArgs {
  std::string unit;
  std::string shipment;  // 64 hex; empty: the only shipment on its way to the signer
  std::string accept;
  std::string reject;
  std::string reason;
  std::vector<std::string> refs;
};
chain::Result<v1::RecordBody> BuildReceive(const ReceiveArgs& args);

// The cancel of the shipment opened by `shipment` (a ship record, or a receive that sent a
// rejected part back), naming its lot or pallet. MALFORMED for any other record.
chain::Result<v1::RecordBody> BuildCancelShipment(const chain::Record& shipment);

struct LossArgs {
  std::string lot;
  std::string quantity;
  std::string reason;  // spoilage, damage, shrinkage, sample, theft, destroyed, other
  std::string note;
};
chain::Result<v1::RecordBody> BuildLoss(const LossArgs& args);

// `cool LOT --method M [--location PLACE] [--gln GLN]`: the holder cooled the lot (FSMA 204
// cooling, 21 CFR 1.1325(b)); when is --at.
struct CoolArgs {
  std::string lot;
  std::string method;    // forced-air, hydrocooling, ice, vacuum, cold-storage
  std::string location;  // place name or LAT,LON; empty: the signer's own location
  std::string gln;
};
chain::Result<v1::RecordBody> BuildCool(const CoolArgs& args);

struct SellArgs {
  std::string lot;
  std::string quantity;  // empty: the signer's whole holding
  std::vector<std::string> refs;
};
chain::Result<v1::RecordBody> BuildSell(const SellArgs& args);

struct AggregateArgs {
  std::string pallet;
  std::vector<std::string> lots;  // LOT:QTY
};
chain::Result<v1::RecordBody> BuildAggregate(const AggregateArgs& args);
chain::Result<v1::RecordBody> BuildDisaggregate(const std::string& pallet);

// `participant update`: only the options given change (an empty --gln clears the GLN).
struct ParticipantUpdateArgs {
  std::string who;
  std::optional<std::string> address;
  std::optional<std::string> phone;
  std::optional<std::string> gln;
  std::optional<std::string> party_gln;
  std::optional<std::string> tz;
};
chain::Result<v1::RecordBody> BuildParticipantUpdate(const std::string& pubkey_bytes,
                                                     const ParticipantUpdateArgs& args);
// Adds `update` under the `participant` subcommand.
void AddParticipantUpdate(CLI::App* participant, Context& ctx, Action& action);

}  // namespace agritrace::wallet

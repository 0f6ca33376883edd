// Custody commands: ship, receive, cancel-shipment, loss, sell, aggregate, disaggregate,
// `participant update`, and cool.
#include "wallet-cli/commands_custody.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "chain/base/bytes.h"
#include "chain/base/limits.h"
#include "chain/export/custody_json.h"
#include "chain/export/record_json.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"
#include "wallet-cli/wallet.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

constexpr const char* kUnitHelp =
    "Lot key 01/{gtin14}/10/{lot} (or a GS1 Digital Link URL), or a pallet 00/{SSCC}";
constexpr const char* kRefHelp = "Document TYPE:ID (po, bol, inv, desadv, other); repeatable";

bool IsSscc(const std::string& text) {
  return text.size() == chain::kSsccDigits &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// `text` as a quantity, its option named in the error.
chain::Result<v1::Quantity> Quantity(const std::string& text, const std::string& option) {
  auto q = chain::ParseQuantity(text);
  if (!q.ok()) return Reject(Reason::kMalformed, option + ": " + q.status().message());
  return q;
}

chain::Status AddRefs(const std::vector<std::string>& texts,
                      google::protobuf::RepeatedPtrField<v1::DocumentRef>* refs) {
  auto parsed = ParseDocumentRefs(texts);
  if (!parsed.ok()) return parsed.status();
  for (v1::DocumentRef& ref : *parsed) *refs->Add() = std::move(ref);
  return chain::Status::Ok();
}

chain::Result<std::string> PalletSscc(const std::string& text) {
  if (IsSscc(text)) {
    AGRI_RETURN_IF_ERROR(chain::ValidateSscc(text));
    return text;
  }
  return chain::ParsePalletKey(text);
}

chain::Result<std::string> ShipmentId(const std::string& hex) {
  auto id = chain::ArrayFromHex<32>(hex);
  if (!id) {
    return Reject(Reason::kMalformed,
                  "a shipment id is the 64-hex id of its ship record (as "
                  "ship --json and history print it), not '" +
                      hex + "'");
  }
  return chain::AsBytes(*id);
}

template <typename Build>
chain::Status BuildAndSend(Context& ctx, const SignFlags& flags, Build build) {
  chain::Result<v1::RecordBody> body = build();
  if (!body.ok()) return body.status();
  return SignAndSend(ctx, flags, std::move(*body));
}

// Registers a signing subcommand whose record `build` makes from its parsed arguments.
template <typename Args, typename Build>
CLI::App* AddSigning(CLI::App& app, Context& ctx, Action& action, const std::string& name,
                     const std::string& description, std::shared_ptr<Args> args, Build build) {
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(name, description);
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags, build] {
    return BuildAndSend(ctx, *flags, [&] { return build(ctx, *args); });
  });
  return sub;
}

// The lot or pallet a shipment (or rejected part on its way back) was opened for.
chain::Result<v1::RecordBody> CancelOf(const std::string& id_hex, const v1::LotKey* lot,
                                       const std::string& sscc) {
  auto id = ShipmentId(id_hex);
  if (!id.ok()) return id.status();
  v1::RecordBody body;
  v1::CancelShipment& cancel = *body.mutable_cancel_shipment();
  if (lot) *cancel.mutable_lot() = *lot;
  cancel.set_sscc(sscc);
  cancel.set_shipment(*id);
  return body;
}

chain::Status RunCancelShipment(Context& ctx, const std::string& id_hex, const SignFlags& flags) {
  auto id = ShipmentId(id_hex);
  if (!id.ok()) return id.status();
  auto response = ctx.node().GetRecord(*id);
  if (!response.ok()) {
    const Reason reason = response.status().reason();
    if (reason != Reason::kNotFound && reason != Reason::kUnknownRecord) return response.status();
    return Reject(Reason::kUnknownShipment, "no record " + id_hex +
                                                " is on the chain; a shipment is named by its ship "
                                                "record's id (ship --json and history print it)");
  }
  auto record = chain::DecodeRecord(response->envelope());
  if (!record.ok()) return record.status();
  auto body = BuildCancelShipment(*record);
  if (!body.ok()) return body.status();
  return SignAndSend(ctx, flags, std::move(*body));
}

void AddShip(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<ShipArgs>();
  CLI::App* sub = AddSigning(
      app, ctx, action, "ship",
      "Ship part or all of what you hold of LOT, or a pallet, to a receiver (opens a shipment "
      "named by this record's id)",
      args, [](Context& c, const ShipArgs& a) { return BuildShip(c, a); });
  sub->add_option("LOT", args->unit, kUnitHelp)->required();
  sub->add_option("--to", args->to, "Receiver: keystore name, 64-hex public key, or on-chain name")
      ->required();
  sub->add_option("--quantity", args->quantity,
                  "How much, e.g. 600kg (default: everything you hold of LOT; a pallet ships "
                  "whole)");
  sub->add_option("--carrier", args->carrier, "Carrier participant (same forms as --to)");
  sub->add_option("--ref", args->refs, kRefHelp);
}

void AddReceive(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<ReceiveArgs>();
  CLI::App* sub = AddSigning(
      app, ctx, action, "receive",
      "Receive a shipment of LOT (or a pallet) on its way to you; accept all of it, or accept "
      "part and reject the rest back to the shipper",
      args, [](Context&, const ReceiveArgs& a) { return BuildReceive(a); });
  sub->add_option("LOT", args->unit, kUnitHelp)->required();
  sub->add_option("--shipment", args->shipment,
                  "The shipment (its ship record id, 64 hex); needed when several are on their "
                  "way to you");
  sub->add_option("--accept", args->accept, "Quantity accepted (default: the rest)");
  sub->add_option("--reject", args->reject, "Quantity rejected: it goes back to the shipper");
  sub->add_option("--reason", args->reason, "Why part is rejected (required with --reject)");
  sub->add_option("--ref", args->refs, kRefHelp);
}

void AddCancelShipment(CLI::App& app, Context& ctx, Action& action) {
  auto id = std::make_shared<std::string>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "cancel-shipment",
      "Take back a shipment nobody has received (wrong or revoked receiver; the shipper)");
  sub->add_option("SHIPMENT", *id, "The shipment's id: its ship record id (64 hex)")->required();
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, id, flags] { return RunCancelShipment(ctx, *id, *flags); });
}

void AddLoss(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<LossArgs>();
  CLI::App* sub = AddSigning(
      app, ctx, action, "loss",
      "Record that part of what you hold of LOT is gone: spoiled, damaged, sampled, stolen or "
      "destroyed (also the end of a recall)",
      args, [](Context&, const LossArgs& a) { return BuildLoss(a); });
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  sub->add_option("--quantity", args->quantity, "How much, e.g. 20kg")->required();
  sub->add_option("--reason", args->reason,
                  "spoilage, damage, shrinkage, sample, theft, destroyed or other")
      ->required();
  sub->add_option("--note", args->note, "What happened, in a few words");
}

void AddSell(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<SellArgs>();
  CLI::App* sub =
      AddSigning(app, ctx, action, "sell", "Record retail sales of LOT (retailer holding it)", args,
                 [](Context&, const SellArgs& a) { return BuildSell(a); });
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  sub->add_option("--quantity", args->quantity,
                  "How much was sold, e.g. 25pcs (default: everything you hold of LOT)");
  sub->add_option("--ref", args->refs, kRefHelp);
}

void AddPallets(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<AggregateArgs>();
  CLI::App* sub =
      AddSigning(app, ctx, action, "aggregate",
                 "Put lot quantities you hold on a pallet (GS1 SSCC); they then move only with it",
                 args, [](Context&, const AggregateArgs& a) { return BuildAggregate(a); });
  sub->add_option("PALLET", args->pallet, "00/{SSCC}: 18 digits with their check digit")
      ->required();
  sub->add_option("--lots", args->lots, "LOT:QTY on the pallet (several may follow)")->required();

  auto pallet = std::make_shared<std::string>();
  AddSigning(app, ctx, action, "disaggregate",
             "Take everything off a pallet you hold (its SSCC is then spent)", pallet,
             [](Context&, const std::string& p) { return BuildDisaggregate(p); })
      ->add_option("PALLET", *pallet, "00/{SSCC}")
      ->required();
}

}  // namespace

chain::Result<LotOrPallet> ParseLotOrPallet(const std::string& text) {
  LotOrPallet out;
  if (IsSscc(text)) {
    AGRI_RETURN_IF_ERROR(chain::ValidateSscc(text));
    out.sscc = text;
    return out;
  }
  auto key = chain::ParseUnitKey(text);
  if (!key.ok()) return key.status();
  if (key->rfind("00/", 0) == 0) {
    out.sscc = key->substr(3);
    return out;
  }
  auto lot = chain::ParseLotKey(*key);
  if (!lot.ok()) return lot.status();
  out.lot = *lot;
  return out;
}

chain::Result<v1::RecordBody> BuildShip(Context& ctx, const ShipArgs& args) {
  auto unit = ParseLotOrPallet(args.unit);
  if (!unit.ok()) return unit.status();
  v1::RecordBody body;
  v1::Ship& s = *body.mutable_ship();
  if (unit->lot) *s.mutable_lot() = *unit->lot;
  s.set_sscc(unit->sscc);
  if (!args.quantity.empty()) {
    if (!unit->sscc.empty()) {
      return Reject(Reason::kMalformed,
                    "a pallet ships whole; leave out --quantity (or take "
                    "it apart and ship lots)");
    }
    auto q = Quantity(args.quantity, "--quantity");
    if (!q.ok()) return q.status();
    *s.mutable_quantity() = *q;
  }
  AGRI_RETURN_IF_ERROR(AddRefs(args.refs, s.mutable_refs()));
  auto receiver = ctx.ResolveParticipant(args.to);
  if (!receiver.ok()) return receiver.status();
  s.set_receiver(chain::AsBytes(*receiver));
  if (!args.carrier.empty()) {
    auto carrier = ctx.ResolveParticipant(args.carrier);
    if (!carrier.ok()) return carrier.status();
    s.set_carrier(chain::AsBytes(*carrier));
  }
  return body;
}

chain::Result<v1::RecordBody> BuildReceive(const ReceiveArgs& args) {
  auto unit = ParseLotOrPallet(args.unit);
  if (!unit.ok()) return unit.status();
  v1::RecordBody body;
  v1::Receive& r = *body.mutable_receive();
  if (unit->lot) *r.mutable_lot() = *unit->lot;
  r.set_sscc(unit->sscc);
  if (!args.shipment.empty()) {
    auto id = ShipmentId(args.shipment);
    if (!id.ok()) return id.status();
    r.set_shipment(*id);
  }
  if (!args.accept.empty()) {
    auto q = Quantity(args.accept, "--accept");
    if (!q.ok()) return q.status();
    *r.mutable_accept() = *q;
  }
  if (!args.reject.empty()) {
    auto q = Quantity(args.reject, "--reject");
    if (!q.ok()) return q.status();
    *r.mutable_reject() = *q;
    if (args.reason.empty()) {
      return Reject(Reason::kMalformed, "say why you reject part of the shipment: --reason TEXT");
    }
  }
  r.set_reject_reason(args.reason);
  AGRI_RETURN_IF_ERROR(AddRefs(args.refs, r.mutable_refs()));
  return body;
}

chain::Result<v1::RecordBody> BuildCancelShipment(const chain::Record& shipment) {
  const std::string id = chain::ToHex(shipment.id);
  const v1::RecordBody& b = shipment.body;
  if (b.has_ship())
    return CancelOf(id, b.ship().has_lot() ? &b.ship().lot() : nullptr, b.ship().sscc());
  if (b.has_receive() && b.receive().has_reject() && b.receive().reject().milli() > 0) {
    return CancelOf(id, &b.receive().lot(), "");  // a rejected part on its way back
  }
  return Reject(Reason::kUnknownShipment, "record " + id + " is a " +
                                              std::string(chain::EventName(b)) +
                                              ", not a shipment; name the id of the ship record");
}

chain::Result<v1::RecordBody> BuildLoss(const LossArgs& args) {
  auto lot = chain::ParseLotKey(args.lot);
  if (!lot.ok()) return lot.status();
  auto quantity = Quantity(args.quantity, "--quantity");
  if (!quantity.ok()) return quantity.status();
  auto reason = chain::ParseLossReason(args.reason);
  if (!reason.ok()) return Reject(Reason::kMalformed, "--reason: " + reason.status().message());
  v1::RecordBody body;
  v1::Loss& l = *body.mutable_loss();
  *l.mutable_lot() = *lot;
  *l.mutable_quantity() = *quantity;
  l.set_reason(*reason);
  l.set_note(args.note);
  return body;
}

chain::Result<v1::RecordBody> BuildCool(const CoolArgs& args) {
  auto lot = chain::ParseLotKey(args.lot);
  if (!lot.ok()) return lot.status();
  auto method = chain::ParseCoolingMethod(args.method);
  if (!method.ok()) return Reject(Reason::kMalformed, "--method: " + method.status().message());
  v1::RecordBody body;
  v1::Cool& c = *body.mutable_cool();
  *c.mutable_lot() = *lot;
  c.set_method(*method);
  if (args.location.empty() && args.gln.empty()) return body;
  // --location is LAT,LON when it parses as coordinates, else the place's name.
  auto coords = ParseLocation(args.gln, args.location);
  if (coords.ok() && !args.location.empty()) {
    *c.mutable_location() = *coords;
    return body;
  }
  auto gln_only = ParseLocation(args.gln, "");
  if (!gln_only.ok()) return gln_only.status();
  *c.mutable_location() = *gln_only;
  c.mutable_location()->set_name(args.location);
  return body;
}

chain::Result<v1::RecordBody> BuildSell(const SellArgs& args) {
  auto lot = chain::ParseLotKey(args.lot);
  if (!lot.ok()) return lot.status();
  v1::RecordBody body;
  v1::Sell& s = *body.mutable_sell();
  *s.mutable_lot() = *lot;
  if (!args.quantity.empty()) {
    auto q = Quantity(args.quantity, "--quantity");
    if (!q.ok()) return q.status();
    *s.mutable_quantity() = *q;
  }
  AGRI_RETURN_IF_ERROR(AddRefs(args.refs, s.mutable_refs()));
  return body;
}

chain::Result<v1::RecordBody> BuildAggregate(const AggregateArgs& args) {
  auto sscc = PalletSscc(args.pallet);
  if (!sscc.ok()) return sscc.status();
  if (args.lots.size() > chain::kMaxPalletLots) {
    return Reject(Reason::kTooLarge,
                  "a pallet holds at most " + std::to_string(chain::kMaxPalletLots) + " lots");
  }
  v1::RecordBody body;
  body.mutable_aggregate()->set_sscc(*sscc);
  for (const std::string& text : args.lots) {
    auto amount = ParseLotAmount(text);
    if (!amount.ok()) return amount.status();
    *body.mutable_aggregate()->add_contents() = *amount;
  }
  return body;
}

chain::Result<v1::RecordBody> BuildDisaggregate(const std::string& pallet) {
  auto sscc = PalletSscc(pallet);
  if (!sscc.ok()) return sscc.status();
  v1::RecordBody body;
  body.mutable_disaggregate()->set_sscc(*sscc);
  return body;
}

chain::Result<v1::RecordBody> BuildParticipantUpdate(const std::string& pubkey_bytes,
                                                     const ParticipantUpdateArgs& args) {
  v1::RecordBody body;
  v1::UpdateParticipant& u = *body.mutable_update_participant();
  u.set_pubkey(pubkey_bytes);
  if (args.address) u.set_address(*args.address);
  if (args.phone) u.set_phone(*args.phone);
  if (args.gln) {
    if (!args.gln->empty()) AGRI_RETURN_IF_ERROR(chain::ValidateGln(*args.gln));
    u.set_gln(*args.gln);
  }
  if (args.party_gln) {
    if (!args.party_gln->empty()) AGRI_RETURN_IF_ERROR(chain::ValidateGln(*args.party_gln));
    u.set_party_gln(*args.party_gln);
  }
  if (args.tz) {
    auto tz = chain::ParseTzOffset(*args.tz);
    if (!tz.ok()) return Reject(Reason::kMalformed, "--tz: " + tz.status().message());
    u.set_tz_offset_min(*tz);
  }
  if (!args.address && !args.phone && !args.gln && !args.party_gln && !args.tz) {
    return Reject(Reason::kMalformed,
                  "nothing to update: give --address, --phone, --gln, --party-gln or --tz");
  }
  return body;
}

void AddParticipantUpdate(CLI::App* participant, Context& ctx, Action& action) {
  auto args = std::make_shared<ParticipantUpdateArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = participant->add_subcommand(
      "update", "Change a participant's address, phone, GLN or time zone (itself or an admin)");
  sub->add_option("WHO", args->who, "On-chain name, 64-hex key or keystore name")->required();
  sub->add_option("--address", args->address, "Postal address, one line");
  sub->add_option("--phone", args->phone, "Phone number");
  sub->add_option("--gln", args->gln, "GS1 GLN of its location (13 digits; \"\" clears it)");
  sub->add_option("--party-gln", args->party_gln,
                  "The organisation's own GS1 GLN (AI 417, EPCIS owning party; \"\" clears it)");
  sub->add_option("--tz", args->tz, "Time zone as a UTC offset, e.g. +08:00 (--tz=-05:00)");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&]() -> chain::Result<v1::RecordBody> {
      auto key = ctx.ResolveParticipant(args->who);
      if (!key.ok()) return key.status();
      return BuildParticipantUpdate(chain::AsBytes(*key), *args);
    });
  });
}

void AddCool(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<CoolArgs>();
  CLI::App* sub = AddSigning(
      app, ctx, action, "cool",
      "Record that you cooled LOT, which you hold (FSMA 204 cooling: active temperature "
      "reduction; when: --at)",
      args, [](Context&, const CoolArgs& a) { return BuildCool(a); });
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot}")->required();
  sub->add_option("--method", args->method, "forced-air, hydrocooling, ice, vacuum or cold-storage")
      ->required();
  sub->add_option("--location", args->location,
                  "Where it was cooled: place name, or LAT,LON (default: your own location)");
  sub->add_option("--gln", args->gln, "GS1 GLN of that place (13 digits)");
}

void AddCustodyCommands(CLI::App& app, Context& ctx, Action& action) {
  AddShip(app, ctx, action);
  AddReceive(app, ctx, action);
  AddCancelShipment(app, ctx, action);
  AddLoss(app, ctx, action);
  AddCool(app, ctx, action);
  AddSell(app, ctx, action);
  AddPallets(app, ctx, action);
}

}  // namespace agritrace::wallet

// Signing commands: register, harvest, pack, transform; the signing flags (--at) every signing
// command shares.
#include <cstdlib>
#include <memory>

#include "chain/base/bytes.h"
#include "chain/model/gs1.h"
#include "chain/base/keys.h"
#include "chain/base/limits.h"
#include "chain/model/quantity.h"
#include "chain/export/custody_json.h"
#include "chain/export/record_json.h"
#include "wallet-cli/wallet.h"

#include "wallet-cli/commands.h"
#include "wallet-cli/commands_events.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

// --net-mass must be a mass; count lots need it.
chain::Result<v1::Quantity> ParseNetMass(const std::string& text) {
  auto q = chain::ParseQuantity(text);
  if (!q.ok()) return q.status();
  if (chain::KindOfUnit(q->unit()) != chain::UnitKind::kMass) {
    return Reject(Reason::kMalformed, "--net-mass must be a mass such as 5kg, not '" + text + "'");
  }
  return q;
}

bool IsCount(const v1::Quantity& q) { return chain::KindOfUnit(q.unit()) == chain::UnitKind::kCount; }

chain::Status NeedNetMass(const v1::LotKey& lot, const v1::Quantity& q) {
  return Reject(Reason::kMalformed, chain::FormatLotKey(lot) + " is counted in " + q.unit() +
                                        "; give --net-mass (the mass of one " + q.unit() + ")");
}

chain::Status PrintSigned(Context& ctx, const SignFlags& flags, const chain::Record& record) {
  AGRI_RETURN_IF_ERROR(WriteSignedFile(flags.out_file, record));
  const std::string id = chain::ToHex(record.id);
  if (ctx.out().json()) {
    nlohmann::json j = RecordToFileJson(record);
    j["file"] = flags.out_file;
    j.update(CreatedJson(record.body, id));
    ctx.out().Json(j);
  } else {
    ctx.out().Line("signed " + CommandName(record.body) + " " +
                   RecordSubject(record.body) + " into " + flags.out_file + " (record " + id +
                   ")");
  }
  return chain::Status::Ok();
}

}  // namespace

void AddSignFlags(CLI::App* sub, SignFlags& flags) {
  sub->add_flag("--no-wait", flags.no_wait, "Return once the node accepts it into its mempool");
  sub->add_option("--out", flags.out_file,
                  "Sign offline: write the signed record to FILE instead of submitting "
                  "(no node contact when --chain-id is given)");
  sub->add_option("--time", flags.time, "Record (signing) timestamp, ISO 8601 (default now)");
  sub->add_option("--at", flags.at,
                  "When the event happened, ISO 8601 with its UTC offset, e.g. "
                  "2026-12-01T06:30:00+08:00 (default now, in the signer's time zone)");
}

chain::Result<EventTime> ResolveEventTime(Context& ctx, const SignFlags& flags) {
  // Offline with --chain-id: no node contact at all, so the machine's zone.
  const bool offline = !flags.out_file.empty() && !ctx.options().chain_id.empty();
  const auto default_offset = [&](int64_t at_ms) {
    auto info = ctx.keystore().Info(ctx.options().key_name);
    if (!info.ok()) return Context::LocalTzOffset(at_ms);
    return ctx.DefaultTzOffset(info->pubkey, offline, at_ms);
  };
  EventTime event;
  if (flags.at.empty()) {
    event.offset_min = default_offset(Context::NowMs());
    return event;
  }
  auto zoned = chain::ParseZonedTime(flags.at);
  if (!zoned.ok()) {
    return Reject(Reason::kMalformed, "--at: " + zoned.status().message());
  }
  if (zoned->offset_min) {
    event.offset_min = *zoned->offset_min;
    if (std::abs(event.offset_min) > chain::kMaxTzOffsetMinutes) {
      return Reject(Reason::kMalformed, "--at " + flags.at +
                                            ": the UTC offset is outside -14:00..+14:00");
    }
    event.time_ms = zoned->unix_ms;
  } else {
    // A wall-clock time without an offset is the signer's local time.
    event.offset_min = default_offset(zoned->unix_ms);
    event.time_ms = zoned->unix_ms - int64_t{event.offset_min} * 60 * 1000;
  }
  if (event.time_ms <= 0) {
    return Reject(Reason::kEventTime, "--at " + flags.at + " is before 1970");
  }
  return event;
}

chain::Result<chain::Record> SignForContext(Context& ctx, const SignFlags& flags,
                                            v1::RecordBody body) {
  int64_t timestamp_ms = Context::NowMs();
  if (!flags.time.empty()) {
    auto parsed = chain::ParseIsoTime(flags.time);
    if (!parsed.ok()) return parsed.status();
    timestamp_ms = *parsed;
  }
  auto event = ResolveEventTime(ctx, flags);
  if (!event.ok()) return event.status();
  body.set_event_time_ms(event->time_ms);
  body.set_event_tz_offset_min(event->offset_min);
  auto key = ctx.SigningKey();
  if (!key.ok()) return key.status();
  auto chain_id = ctx.ChainId();
  if (!chain_id.ok()) return chain_id.status();
  return SignBody(std::move(body), *chain_id, timestamp_ms, RandomNonce(), *key);
}

chain::Status SignAndSend(Context& ctx, const SignFlags& flags, v1::RecordBody body) {
  auto record = SignForContext(ctx, flags, std::move(body));
  if (!record.ok()) return record.status();
  if (!flags.out_file.empty()) return PrintSigned(ctx, flags, *record);
  auto response = ctx.node().SubmitRecord(record->envelope, !flags.no_wait);
  if (!response.ok()) return response.status();
  const std::string id = response->record_id().empty() ? chain::ToHex(record->id)
                                                       : chain::ToHex(response->record_id());
  if (ctx.out().json()) {
    nlohmann::json j = SubmitResultJson(id, response->committed(), response->height());
    j.update(CreatedJson(record->body, id));
    ctx.out().Json(j);
  } else {
    ctx.out().Line(SubmitResultLine(record->body, id, response->committed(), response->height()));
  }
  return chain::Status::Ok();
}

chain::Result<v1::RecordBody> BuildHarvest(const HarvestArgs& args, int64_t now_ms) {
  auto lot = chain::ParseLotKey(args.lot);
  if (!lot.ok()) return lot.status();
  v1::RecordBody body;
  v1::Harvest& h = *body.mutable_harvest();
  *h.mutable_lot() = *lot;
  h.set_commodity(args.commodity);
  h.set_variety(args.variety);
  h.set_field(args.field);
  auto quantity = chain::ParseQuantity(args.quantity);
  if (!quantity.ok()) return quantity.status();
  *h.mutable_quantity() = *quantity;
  if (!args.net_mass.empty()) {
    auto net = ParseNetMass(args.net_mass);
    if (!net.ok()) return net.status();
    *h.mutable_net_mass_per_unit() = *net;
  } else if (IsCount(*quantity)) {
    return NeedNetMass(*lot, *quantity);
  }
  h.set_harvest_time_ms(now_ms);
  if (!args.harvest_time.empty()) {
    auto t = chain::ParseIsoTime(args.harvest_time);
    if (!t.ok()) return t.status();
    h.set_harvest_time_ms(*t);
  }
  auto location = ParseLocation(args.gln, args.location);
  if (!location.ok()) return location.status();
  if (location->ByteSizeLong() > 0) *h.mutable_location() = *location;
  auto range = ParseConditionRange(args.temp_range, args.humidity_range);
  if (!range.ok()) return range.status();
  if (range->ByteSizeLong() > 0) *h.mutable_allowed_range() = *range;
  auto refs = ParseDocumentRefs(args.refs);
  if (!refs.ok()) return refs.status();
  for (v1::DocumentRef& ref : *refs) *h.add_refs() = std::move(ref);
  h.set_plot(args.plot);
  h.set_waive_claims(args.no_claim);
  return body;
}

chain::Result<v1::RecordBody> BuildTransform(const TransformArgs& args, v1::TransformKind kind) {
  if (args.from.size() > chain::kMaxTransformInputs || args.to.size() > chain::kMaxTransformOutputs) {
    return Reject(Reason::kTooLarge, "at most " + std::to_string(chain::kMaxTransformInputs) +
                                         " --from and " +
                                         std::to_string(chain::kMaxTransformOutputs) +
                                         " --to lots per record");
  }
  v1::RecordBody body;
  v1::Transform& t = *body.mutable_transform();
  t.set_kind(kind);
  for (const std::string& text : args.from) {
    auto amount = ParseLotAmount(text);
    if (!amount.ok()) return amount.status();
    *t.add_inputs() = *amount;
  }
  std::optional<v1::Quantity> net_mass;
  if (!args.net_mass.empty()) {
    auto net = ParseNetMass(args.net_mass);
    if (!net.ok()) return net.status();
    net_mass = *net;
  }
  for (const std::string& text : args.to) {
    auto amount = ParseLotAmount(text);
    if (!amount.ok()) return amount.status();
    v1::LotOutput& out = *t.add_outputs();
    *out.mutable_lot() = amount->lot();
    *out.mutable_quantity() = amount->quantity();
    if (IsCount(amount->quantity())) {
      if (!net_mass) return NeedNetMass(amount->lot(), amount->quantity());
      *out.mutable_net_mass_per_unit() = *net_mass;
    }
    out.set_commodity(args.commodity);
    out.set_variety(args.variety);
    auto range = ParseConditionRange(args.temp_range, args.humidity_range);
    if (!range.ok()) return range.status();
    if (range->ByteSizeLong() > 0) *out.mutable_allowed_range() = *range;
  }
  auto refs = ParseDocumentRefs(args.refs);
  if (!refs.ok()) return refs.status();
  for (v1::DocumentRef& ref : *refs) *t.add_refs() = std::move(ref);
  return body;
}

chain::Result<v1::RecordBody> BuildRegister(Context& ctx, const RegisterArgs& args) {
  auto roles = ParseRoles(args.roles);
  if (!roles.ok()) return roles.status();
  auto location = ParseLocation(args.gln, args.location);
  if (!location.ok()) return location.status();
  std::optional<chain::PubKey> pubkey = chain::ArrayFromHex<32>(args.pubkey);
  if (!pubkey) {
    if (auto info = ctx.keystore().Info(args.pubkey); info.ok()) pubkey = info->pubkey;
  }
  if (!pubkey || !chain::IsValidPubKey(*pubkey)) {
    return Reject(Reason::kMalformed, "--pubkey must be a 64-hex x-only public key (or a key "
                                      "name in the keystore), not '" + args.pubkey + "'");
  }
  v1::RecordBody body;
  v1::RegisterParticipant& r = *body.mutable_register_participant();
  r.set_pubkey(chain::AsBytes(*pubkey));
  r.set_name(args.name);
  for (v1::Role role : *roles) r.add_roles(role);
  r.set_organization(args.organization);
  if (location->ByteSizeLong() > 0) *r.mutable_location() = *location;
  r.mutable_contact()->set_address(args.address);
  r.mutable_contact()->set_phone(args.phone);
  if (!args.tz.empty()) {
    auto tz = chain::ParseTzOffset(args.tz);
    if (!tz.ok()) return Reject(Reason::kMalformed, "--tz: " + tz.status().message());
    r.mutable_contact()->set_tz_offset_min(*tz);
  }
  if (r.contact().ByteSizeLong() == 0) r.clear_contact();
  return body;
}

chain::Result<std::vector<v1::DocumentRef>> ParseDocumentRefs(
    const std::vector<std::string>& refs) {
  std::vector<v1::DocumentRef> out;
  for (const std::string& text : refs) {
    auto ref = chain::ParseDocumentRef(text);
    if (!ref.ok()) return Reject(Reason::kMalformed, "--ref: " + ref.status().message());
    out.push_back(*std::move(ref));
  }
  return out;
}

namespace {

// Runs a builder, then signs and sends what it built.
template <typename Build>
chain::Status BuildAndSend(Context& ctx, const SignFlags& flags, Build build) {
  chain::Result<v1::RecordBody> body = build();
  if (!body.ok()) return body.status();
  return SignAndSend(ctx, flags, std::move(*body));
}

void AddRegister(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<RegisterArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(
      "register", "Register a participant (RegisterParticipant; the --key signer must be an admin)");
  sub->add_option("NAME", args->name, "On-chain participant name (unique)")->required();
  sub->add_option("--pubkey", args->pubkey, "Participant public key: 64 hex, or a keystore name")
      ->required();
  sub->add_option("--role", args->roles,
                  "Role(s): admin, farmer, packer, processor, carrier, retailer, inspector, "
                  "regulator; repeat or comma-separate")
      ->required();
  sub->add_option("--org", args->organization, "Organisation name")->required();
  sub->add_option("--gln", args->gln, "GS1 GLN of the participant's location (13 digits)");
  sub->add_option("--location", args->location, "LAT,LON in decimal degrees");
  sub->add_option("--address", args->address, "Postal address, one line");
  sub->add_option("--phone", args->phone, "Phone number, e.g. \"+86 451 5555 0101\"");
  sub->add_option("--tz", args->tz,
                  "Time zone as a UTC offset, e.g. +08:00 (events are shown in it)");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    return BuildAndSend(ctx, *flags, [&] { return BuildRegister(ctx, *args); });
  });
}

void AddHarvest(CLI::App& app, Context& ctx, Action& action) {
  auto args = std::make_shared<HarvestArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand("harvest", "Record a harvest, creating lot LOT (farmer)");
  sub->add_option("LOT", args->lot, "Lot key 01/{gtin14}/10/{lot} or a GS1 Digital Link URL")
      ->required();
  sub->add_option("--commodity", args->commodity, "Commodity, e.g. rice")->required();
  sub->add_option("--variety", args->variety, "Variety, e.g. Wuchang");
  sub->add_option("--quantity", args->quantity, "Quantity with unit, e.g. 1000kg or 120case")
      ->required();
  sub->add_option("--net-mass", args->net_mass, "Net mass per unit for count quantities, e.g. 5kg");
  sub->add_option("--field", args->field, "Field name as the farm calls it, e.g. \"Plot 7\"");
  sub->add_option("--plot", args->plot,
                  "Registered plot it came from (counts against its season cap)");
  sub->add_flag("--no-claim", args->no_claim,
                "Carry no claim even where a certificate covers the harvest");
  sub->add_option("--location", args->location, "Field LAT,LON in decimal degrees");
  sub->add_option("--gln", args->gln, "GS1 GLN of the field (13 digits)");
  sub->add_option("--harvest-time", args->harvest_time, "Harvest time, ISO 8601 (default now)");
  sub->add_option("--temp-range", args->temp_range, "Allowed temperature MIN..MAX in C, e.g. 0..4");
  sub->add_option("--humidity-range", args->humidity_range, "Allowed humidity MIN..MAX in %");
  sub->add_option("--ref", args->refs,
                  "Document TYPE:ID (po, bol, inv, desadv, other); repeatable");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags] {
    // The harvest time defaults to the event time (--at), else the record's own time (--time,
    // else now).
    return BuildAndSend(ctx, *flags, [&]() -> chain::Result<v1::RecordBody> {
      int64_t now_ms = Context::NowMs();
      if (!flags->time.empty()) {
        auto t = chain::ParseIsoTime(flags->time);
        if (!t.ok()) return t.status();
        now_ms = *t;
      }
      auto event = ResolveEventTime(ctx, *flags);
      if (!event.ok()) return event.status();
      if (event->time_ms != 0) now_ms = event->time_ms;
      auto body = BuildHarvest(*args, now_ms);
      if (body.ok() && event->time_ms != 0 && body->harvest().harvest_time_ms() != now_ms) {
        return Reject(Reason::kMalformed, "--harvest-time and --at differ; give one of them");
      }
      return body;
    });
  });
}

void AddTransform(CLI::App& app, Context& ctx, Action& action, const std::string& name,
                  v1::TransformKind kind, const std::string& description) {
  auto args = std::make_shared<TransformArgs>();
  auto flags = std::make_shared<SignFlags>();
  CLI::App* sub = app.add_subcommand(name, description);
  sub->add_option("--from", args->from, "Input LOT:QTY consumed (repeatable)")->required();
  sub->add_option("--to", args->to, "Output LOT:QTY created (repeatable)")->required();
  sub->add_option("--net-mass", args->net_mass,
                  "Net mass per unit for every count-unit output, e.g. 5kg");
  sub->add_option("--commodity", args->commodity, "Output commodity (default: the first input's)");
  sub->add_option("--variety", args->variety, "Output variety (default: the first input's)");
  sub->add_option("--temp-range", args->temp_range,
                  "Allowed temperature of the outputs MIN..MAX in C (default: the first input's)");
  sub->add_option("--humidity-range", args->humidity_range, "Allowed humidity MIN..MAX in %");
  sub->add_option("--ref", args->refs,
                  "Document TYPE:ID (po, bol, inv, desadv, other); repeatable");
  AddSignFlags(sub, *flags);
  SetAction(sub, action, [&ctx, args, flags, kind] {
    return BuildAndSend(ctx, *flags, [&] { return BuildTransform(*args, kind); });
  });
}

}  // namespace

void AddSignCommands(CLI::App& app, Context& ctx, Action& action) {
  AddRegister(app, ctx, action);
  AddHarvest(app, ctx, action);
  AddTransform(app, ctx, action, "pack", v1::TRANSFORM_KIND_PACK,
               "Pack input lots into output lots (Transform kind PACK; packer with custody)");
  AddTransform(app, ctx, action, "transform", v1::TRANSFORM_KIND_TRANSFORM,
               "Transform input lots into output lots (Transform kind TRANSFORM; processor)");
}

}  // namespace agritrace::wallet

#include "chain/export/fsma.h"

#include <functional>
#include <map>

#include "chain/base/bytes.h"
#include "chain/model/gs1.h"
#include "chain/export/event_time.h"
#include "chain/export/record_json.h"
#include "chain/model/custody_replay.h"

namespace agritrace::chain {
namespace {

enum Column {
  kTlc,
  kTlcSource,
  kProduct,
  kCommodity,
  kVariety,
  kQuantity,
  kUnit,
  kCte,
  kDate,
  kTime,
  kLocation,
  kLocationGln,
  kShipFrom,
  kShipTo,
  kPreviousSource,
  kInputTlcs,
  kDocType,
  kDocNumber,
  kLocalTime,
  kColumnCount,
};

using Row = std::vector<std::string>;

std::string Escape(const std::string& cell) {
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// "Name, Organisation (GLN ...)" for a party; the key's start when unknown.
std::string PlaceOf(const ExportData& data, const std::string& pubkey) {
  const v1::Participant* party = data.Party(pubkey);
  if (!party) return "key " + ToHex(pubkey).substr(0, 16);
  std::string out = party->organization().empty() ? party->name() : party->organization();
  if (!party->location().name().empty()) out += ", " + party->location().name();
  return out;
}

std::string GlnOf(const ExportData& data, const std::string& pubkey) {
  const v1::Participant* party = data.Party(pubkey);
  return party ? party->location().gln() : "";
}

// Whole-number quantities print without decimals: "1000", "2.5".
std::string Amount(const v1::Quantity& q) {
  std::string text = std::to_string(q.milli() / 1000);
  if (int64_t frac = q.milli() % 1000; frac != 0) {
    std::string digits = std::to_string(1000 + (frac < 0 ? -frac : frac)).substr(1);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text;
}

struct RowContext {
  const ExportData& data;
  const ExportRecord& rec;
  const CustodyReplay::Moves& moves;  // what the record moved (custody replay)
};

// FSMA 204 reference document types for the record's document references.
std::string DocumentTypeName(v1::DocumentType type) {
  switch (type) {
    case v1::DOCUMENT_TYPE_PO: return "Purchase Order";
    case v1::DOCUMENT_TYPE_BOL: return "Bill of Lading";
    case v1::DOCUMENT_TYPE_INV: return "Invoice";
    case v1::DOCUMENT_TYPE_DESADV: return "Despatch Advice";
    case v1::DOCUMENT_TYPE_OTHER:
    case v1::DOCUMENT_TYPE_UNSPECIFIED:
    case v1::DocumentType_INT_MIN_SENTINEL_DO_NOT_USE_:
    case v1::DocumentType_INT_MAX_SENTINEL_DO_NOT_USE_:
      break;
  }
  return "Other";
}

const google::protobuf::RepeatedPtrField<v1::DocumentRef>* RefsOf(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest: return &body.harvest().refs();
    case v1::RecordBody::kTransform: return &body.transform().refs();
    case v1::RecordBody::kShip: return &body.ship().refs();
    case v1::RecordBody::kReceive: return &body.receive().refs();
    case v1::RecordBody::kSell: return &body.sell().refs();
    case v1::RecordBody::kRegisterParticipant:  // events that carry no document references
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kSensorReadings:
    case v1::RecordBody::kCheckpoint:
    case v1::RecordBody::kCertify:
    case v1::RecordBody::kRecall:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
    case v1::RecordBody::kCancelShipment:
    case v1::RecordBody::kLoss:
    case v1::RecordBody::kAggregate:
    case v1::RecordBody::kDisaggregate:
    case v1::RecordBody::kUpdateParticipant:
    // Origin records (plots, applications, bans): not FSMA 204 events.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert:
    case v1::RecordBody::EVENT_NOT_SET:
      break;
  }
  return nullptr;
}

Row BaseRow(const RowContext& rc, const v1::LotKey& key, const std::string& cte, int64_t time_ms) {
  Row row(kColumnCount);
  const std::string lot_key = FormatLotKey(key);
  const v1::LotState* lot = rc.data.Lot(lot_key);
  row[kTlc] = TraceabilityLotCode(key);
  if (lot) {
    row[kTlcSource] = PlaceOf(rc.data, lot->owner());
    row[kCommodity] = lot->commodity();
    row[kVariety] = lot->variety();
    row[kProduct] = lot->commodity() + (lot->variety().empty() ? "" : " " + lot->variety()) +
                    " (GTIN " + key.gtin() + ")";
    row[kQuantity] = Amount(lot->quantity());
    row[kUnit] = lot->quantity().unit();
  }
  row[kCte] = cte;
  std::string iso = FormatIsoTime(time_ms);
  row[kDate] = iso.substr(0, 10);
  row[kTime] = iso.size() > 11 ? iso.substr(11) : "";
  const std::string signer = AsBytes(rc.rec.record.signer);
  row[kLocation] = PlaceOf(rc.data, signer);
  row[kLocationGln] = GlnOf(rc.data, signer);
  row[kDocType] = "AgriTrace record";
  row[kDocNumber] = ToHex(rc.rec.record.id);
  // The business documents the record names come first; the record itself always last.
  if (const auto* refs = RefsOf(rc.rec.record.body); refs && !refs->empty()) {
    std::string types, numbers;
    for (const v1::DocumentRef& ref : *refs) {
      types += DocumentTypeName(ref.type()) + "; ";
      numbers += ref.id() + "; ";
    }
    row[kDocType] = types + row[kDocType];
    row[kDocNumber] = numbers + row[kDocNumber];
  }
  row[kLocalTime] = FormatLocalIsoTime(time_ms, rc.rec.record.body.event_tz_offset_min());
  return row;
}

void HarvestRows(const RowContext& rc, std::vector<Row>& rows) {
  const v1::Harvest& h = rc.rec.record.body.harvest();
  Row row = BaseRow(rc, h.lot(), "Harvesting", EventTimeOf(rc.rec.record.body));
  row[kQuantity] = Amount(h.quantity());
  row[kUnit] = h.quantity().unit();
  row[kLocation] = h.field() + (h.location().name().empty() ? "" : ", " + h.location().name());
  row[kLocationGln] = h.location().gln();
  rows.push_back(std::move(row));
}

void TransformRows(const RowContext& rc, std::vector<Row>& rows) {
  const v1::Transform& t = rc.rec.record.body.transform();
  bool from_harvest = false;
  std::string inputs;
  for (const v1::LotAmount& in : t.inputs()) {
    const v1::LotState* lot = rc.data.Lot(FormatLotKey(in.lot()));
    from_harvest = from_harvest || (lot && lot->parents().empty());
    if (!inputs.empty()) inputs += "; ";
    inputs += TraceabilityLotCode(in.lot());
    inputs += ' ';
    inputs += Amount(in.quantity());
    inputs += ' ';
    inputs += in.quantity().unit();
  }
  const bool initial = t.kind() == v1::TRANSFORM_KIND_PACK && from_harvest;
  for (const v1::LotOutput& out : t.outputs()) {
    Row row = BaseRow(rc, out.lot(), initial ? "Initial Packing" : "Transformation",
                      EventTimeOf(rc.rec.record.body));
    row[kQuantity] = Amount(out.quantity());
    row[kUnit] = out.quantity().unit();
    row[kInputTlcs] = inputs;
    rows.push_back(std::move(row));
  }
}

// One row per lot a record moved, with the amount it moved.
void MovedRows(const RowContext& rc, const std::vector<CustodyReplay::Move>& moves,
               const std::string& cte, const std::function<void(Row&)>& fill,
               std::vector<Row>& rows) {
  for (const CustodyReplay::Move& move : moves) {
    Result<v1::LotKey> lot = ParseLotKey(move.lot);
    if (!lot.ok()) continue;
    Row row = BaseRow(rc, *lot, cte, EventTimeOf(rc.rec.record.body));
    v1::Quantity q;
    q.set_milli(move.milli);
    q.set_unit(move.unit);
    row[kQuantity] = Amount(q);
    row[kUnit] = move.unit;
    fill(row);
    rows.push_back(std::move(row));
  }
}

void ShipRows(const RowContext& rc, std::vector<Row>& rows) {
  const v1::Ship& s = rc.rec.record.body.ship();
  MovedRows(rc, rc.moves.moved, "Shipping", [&](Row& row) {
    row[kShipFrom] = row[kLocation];
    row[kShipTo] = PlaceOf(rc.data, s.receiver());
  }, rows);
}

// The ship record a receipt completes: the one it names, else the latest earlier ship of the
// lot (or pallet).
const ExportRecord* ShipmentOf(const ExportData& data, const ExportRecord& receive) {
  const v1::Receive& r = receive.record.body.receive();
  const ExportRecord* found = nullptr;
  for (const ExportRecord& candidate : data.records) {
    if (&candidate == &receive) break;
    if (!r.shipment().empty() && AsBytes(candidate.record.id) == r.shipment()) return &candidate;
    if (!candidate.record.body.has_ship()) continue;
    const v1::Ship& s = candidate.record.body.ship();
    if (s.sscc() == r.sscc() && FormatLotKey(s.lot()) == FormatLotKey(r.lot())) found = &candidate;
  }
  return found;
}

// A receipt: what was accepted (Receiving), and what was rejected, shipped back to its sender
// (Shipping from the receiver).
void ReceiveRows(const RowContext& rc, std::vector<Row>& rows) {
  const ExportRecord* ship = ShipmentOf(rc.data, rc.rec);
  const std::string sender = ship ? PlaceOf(rc.data, AsBytes(ship->record.signer)) : "";
  MovedRows(rc, rc.moves.moved, "Receiving", [&](Row& row) {
    row[kShipTo] = row[kLocation];
    row[kShipFrom] = sender;
    row[kPreviousSource] = sender;
  }, rows);
  MovedRows(rc, rc.moves.rejected, "Shipping", [&](Row& row) {
    row[kShipFrom] = row[kLocation];
    row[kShipTo] = sender;
  }, rows);
}

void CoolingRows(const RowContext& rc, std::vector<Row>& rows) {
  const v1::SensorReadings& s = rc.rec.record.body.sensor_readings();
  const v1::LotState* lot = rc.data.Lot(FormatLotKey(s.lot()));
  // Cooling is a farm CTE: readings the harvester records on its own raw lot.
  if (!lot || !lot->parents().empty() || lot->owner() != AsBytes(rc.rec.record.signer)) return;
  int64_t when = s.readings().empty() ? rc.rec.record.body.timestamp_ms() : s.readings(0).time_ms();
  rows.push_back(BaseRow(rc, s.lot(), "Cooling", when));
}

int64_t RowTime(const Row& row) {
  auto t = ParseIsoTime(row[kDate] + "T" + (row[kTime].empty() ? "00:00:00Z" : row[kTime]));
  return t.ok() ? *t : 0;
}

}  // namespace

const std::vector<std::string>& FsmaColumns() {
  static const std::vector<std::string> kColumns = {
      "Traceability Lot Code", "Traceability Lot Code Source", "Product Description",
      "Commodity", "Variety", "Quantity", "Unit of Measure", "Critical Tracking Event",
      "Event Date", "Event Time (UTC)", "Location Description", "Location Identifier (GLN)",
      "Ship From Location", "Ship To Location", "Immediate Previous Source",
      "Input Traceability Lot Codes", "Reference Document Type", "Reference Document Number",
      "Event Time (Local)"};
  return kColumns;
}

std::string TraceabilityLotCode(const v1::LotKey& lot) {
  return "(01)" + lot.gtin() + "(10)" + lot.lot();
}

std::string FsmaCsv(const ExportData& data, int64_t from_ms, int64_t to_ms) {
  std::vector<Row> rows;
  CustodyReplay replay([](size_t, const std::string&) {});  // certified records: no claims fail
  for (size_t i = 0; i < data.records.size(); ++i) replay.Apply(i, data.records[i].record);
  for (size_t i = 0; i < data.records.size(); ++i) {
    const ExportRecord& rec = data.records[i];
    const RowContext rc{data, rec, replay.MovesOf(i)};
    switch (rec.record.body.event_case()) {
      case v1::RecordBody::kHarvest: HarvestRows(rc, rows); break;
      case v1::RecordBody::kTransform: TransformRows(rc, rows); break;
      case v1::RecordBody::kShip: ShipRows(rc, rows); break;
      case v1::RecordBody::kReceive: ReceiveRows(rc, rows); break;
      case v1::RecordBody::kSensorReadings: CoolingRows(rc, rows); break;
      // No critical tracking event of FSMA 204 for these.
      case v1::RecordBody::kRegisterParticipant:
      case v1::RecordBody::kRegisterDevice:
      case v1::RecordBody::kCheckpoint:
      case v1::RecordBody::kCertify:
      case v1::RecordBody::kRecall:
      case v1::RecordBody::kSell:
      case v1::RecordBody::kRevoke:
      case v1::RecordBody::kCorrection:
      case v1::RecordBody::kRotateKey:
      // Losses, sales, pallets and cancelled shipments: records of the supply chain's own,
      // not FSMA 204 events (what was shipped and received is reported above).
      case v1::RecordBody::kCancelShipment:
      case v1::RecordBody::kLoss:
      case v1::RecordBody::kAggregate:
      case v1::RecordBody::kDisaggregate:
      case v1::RecordBody::kUpdateParticipant:
      // Origin records (plots, applications, bans): not FSMA 204 events.
      case v1::RecordBody::kRegisterPlot:
      case v1::RecordBody::kTransferPlot:
      case v1::RecordBody::kRetirePlot:
      case v1::RecordBody::kInputApplication:
      case v1::RecordBody::kBanIngredient:
      case v1::RecordBody::kComplianceCert:
      case v1::RecordBody::EVENT_NOT_SET: break;
    }
  }
  std::string out;
  for (size_t i = 0; i < FsmaColumns().size(); ++i) {
    if (i) out += ',';
    out += Escape(FsmaColumns()[i]);
  }
  out += "\n";
  for (const Row& row : rows) {
    int64_t t = RowTime(row);
    if ((from_ms != 0 && t < from_ms) || (to_ms != 0 && t > to_ms)) continue;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += Escape(row[i]);
    }
    out += "\n";
  }
  return out;
}

}  // namespace agritrace::chain

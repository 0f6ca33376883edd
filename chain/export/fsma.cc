#include "chain/export/fsma.h"

#include <cstdio>
#include <optional>
#include <string_view>

#include "chain/base/bytes.h"
#include "chain/export/custody_json.h"
#include "chain/export/event_time.h"
#include "chain/export/record_json.h"
#include "chain/model/custody_replay.h"
#include "chain/model/gs1.h"

namespace agritrace::chain {
namespace {

// One column per KDE (docs/fsma.md), in FsmaColumns() order.
enum Column {
  kCte,
  kTlc,
  kTlcSource,
  kTlcSourceReference,
  kProduct,
  kCommodity,
  kVariety,
  kQuantity,
  kUnit,
  kDate,
  kTime,
  kLocation,
  kSubsequentRecipient,
  kPreviousSource,
  kField,
  kFarm,
  kHarvesterName,
  kHarvesterPhone,
  kHarvestDate,
  kCoolingLocation,
  kCoolingDate,
  kDateReceived,
  kQuantityReceived,
  kUnitReceived,
  kInputTlc,
  kInputProduct,
  kInputCommodity,
  kInputVariety,
  kInputQuantity,
  kInputUnit,
  kDocType,
  kDocNumber,
  kCoolingMethod,
  kLot,
  kInputLot,
  kRecord,
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

// Whole-number quantities print without decimals: "1000", "2.5".
std::string Amount(int64_t milli) {
  const int64_t magnitude = milli < 0 ? -milli : milli;
  std::string text = milli < 0 ? "-" : "";
  text.append(std::to_string(magnitude / 1000));
  if (int64_t frac = magnitude % 1000; frac != 0) {
    std::string digits = std::to_string(1000 + frac).substr(1);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text;
}

void Join(std::string& out, const std::string& part) {
  if (part.empty()) return;
  if (!out.empty()) out += "; ";
  out += part;
}

std::string Coordinates(const v1::Location& where) {
  if (!where.has_lat_e6() || !where.has_lon_e6()) return "";
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%.6f,%.6f", where.lat_e6() / 1e6, where.lon_e6() / 1e6);
  return buffer;
}

// Everything the chain shows about a record's event, read once per record.
class FsmaWriter {
 public:
  FsmaWriter(const ExportData& data, const FsmaFilter& filter)
      : data_(data), filter_(filter), replay_([](size_t, const std::string&) {}) {}

  std::vector<Row> Run() {
    // Certified records: no custody claim fails, so every move is known.
    for (size_t i = 0; i < data_.records.size(); ++i) {
      replay_.Apply(i, data_.records[i].record);
      RowsOf(i);
    }
    return std::move(rows_);
  }

 private:
  const v1::RecordBody& Body(size_t i) const { return data_.records[i].record.body; }
  std::string Signer(size_t i) const { return AsBytes(data_.records[i].record.signer); }

  // 1.1310: business name, phone number, physical address (or coordinates), plus the GLN.
  // `where` (a harvest's field, a cooling room) comes first when the record names a place.
  std::string Describe(const std::string& pubkey, const v1::Location* where = nullptr) const {
    std::string out;
    if (where) Join(out, where->name());
    const v1::Participant* party = data_.Party(pubkey);
    if (party && !party->device_owner().empty()) party = data_.Party(party->device_owner());
    if (!party) {
      Join(out, "key " + ToHex(pubkey).substr(0, 16));
      return out;
    }
    Join(out, BusinessName(*party));
    Join(out, party->contact().phone());
    Join(out, party->contact().address());
    const std::string gln = where && !where->gln().empty() ? where->gln() : party->location().gln();
    if (!gln.empty()) Join(out, "GLN " + gln);
    const std::string coords = where ? Coordinates(*where) : "";
    if (!coords.empty()) {
      Join(out, coords);
    } else if (party->contact().address().empty()) {
      Join(out, Coordinates(party->location()));
    }
    return out;
  }

  static std::string BusinessName(const v1::Participant& party) {
    return party.organization().empty() ? party.name() : party.organization();
  }

  // An alternative to the TLC source's location description (1.1310): its GLN, else the
  // participant's name on this chain, where anyone can read its master data.
  std::string SourceReference(const std::string& pubkey) const {
    const v1::Participant* party = data_.Party(pubkey);
    if (!party) return "";
    if (!party->location().gln().empty()) return "GLN " + party->location().gln();
    return "urn:agritrace:party:" + party->name();
  }

  // The record's UTC offset, else its signer's time zone.
  int32_t OffsetOf(size_t i) const {
    const v1::RecordBody& body = Body(i);
    if (body.event_tz_offset_min() != 0) return body.event_tz_offset_min();
    const v1::Participant* party = data_.Party(Signer(i));
    return party && party->contact().has_tz_offset_min() ? party->contact().tz_offset_min() : 0;
  }

  std::string LocalTime(size_t i) const {
    return FormatLocalIsoTime(EventTimeOf(Body(i)), OffsetOf(i));
  }
  std::string LocalDate(size_t i) const { return LocalTime(i).substr(0, 10); }

  const v1::LotState* LotOf(const v1::LotKey& key) const { return data_.Lot(FormatLotKey(key)); }

  // A raw agricultural commodity: a harvested lot (made from no other lot).
  bool IsRaw(const v1::LotKey& key) const {
    const v1::LotState* lot = LotOf(key);
    return lot && lot->parents().empty();
  }

  static std::string ProductOf(const v1::LotKey& key, const std::string& commodity,
                               const std::string& variety) {
    return commodity + (variety.empty() ? "" : " " + variety) + " (GTIN " + key.gtin() + ")";
  }

  // The row every CTE starts from: the lot's identity and product, the event's time, place,
  // reference documents and record.
  Row BaseRow(size_t i, const v1::LotKey& key, const char* cte) const {
    Row row(kColumnCount);
    row[kCte] = cte;
    if (const v1::LotState* lot = LotOf(key)) {
      row[kProduct] = ProductOf(key, lot->commodity(), lot->variety());
      row[kCommodity] = lot->commodity();
      row[kVariety] = lot->variety();
      row[kUnit] = lot->quantity().unit();
      if (!lot->parents().empty()) {
        row[kTlc] = TraceabilityLotCode(key);
        row[kTlcSource] = Describe(lot->owner());
        row[kTlcSourceReference] = SourceReference(lot->owner());
      }
    }
    const std::string local = LocalTime(i);
    row[kDate] = local.substr(0, 10);
    row[kTime] = local;
    row[kLocation] = Describe(Signer(i));
    row[kLot] = FormatLotKey(key);
    row[kRecord] = ToHex(data_.records[i].record.id);
    AddDocuments(i, row);
    return row;
  }

  // The business documents the record names; else the AgriTrace record itself, which anyone
  // can verify on the chain.
  void AddDocuments(size_t i, Row& row) const {
    const auto* refs = RefsOf(Body(i));
    if (!refs || refs->empty()) {
      row[kDocType] = "AgriTrace record";
      row[kDocNumber] = row[kRecord];
      return;
    }
    for (const v1::DocumentRef& ref : *refs) {
      Join(row[kDocType], DocumentTypeName(ref.type()));
      Join(row[kDocNumber], ref.id());
    }
  }

  static const google::protobuf::RepeatedPtrField<v1::DocumentRef>* RefsOf(
      const v1::RecordBody& body) {
    if (body.has_harvest()) return &body.harvest().refs();
    if (body.has_transform()) return &body.transform().refs();
    if (body.has_ship()) return &body.ship().refs();
    if (body.has_receive()) return &body.receive().refs();
    return nullptr;
  }

  static std::string DocumentTypeName(v1::DocumentType type) {
    switch (type) {
      case v1::DOCUMENT_TYPE_PO:
        return "Purchase Order";
      case v1::DOCUMENT_TYPE_BOL:
        return "Bill of Lading";
      case v1::DOCUMENT_TYPE_INV:
        return "Invoice";
      case v1::DOCUMENT_TYPE_DESADV:
        return "Despatch Advice";
      case v1::DOCUMENT_TYPE_OTHER:
      case v1::DOCUMENT_TYPE_UNSPECIFIED:
      case v1::DocumentType_INT_MIN_SENTINEL_DO_NOT_USE_:
      case v1::DocumentType_INT_MAX_SENTINEL_DO_NOT_USE_:
        break;
    }
    return "Other";
  }

  // --- Looking along the records

  std::optional<size_t> HarvestOf(const std::string& lot_key) const {
    for (size_t i = 0; i < data_.records.size(); ++i) {
      if (Body(i).has_harvest() && FormatLotKey(Body(i).harvest().lot()) == lot_key) return i;
    }
    return std::nullopt;
  }

  // The first shipment of the lot by `shipper` after record `after`: its receiver is the
  // food's immediate subsequent recipient (a carrier is a transporter, never the recipient).
  std::string NextRecipient(size_t after, const std::string& lot_key,
                            const std::string& shipper) const {
    for (size_t i = after + 1; i < data_.records.size(); ++i) {
      const v1::RecordBody& body = Body(i);
      if (body.has_ship() && Signer(i) == shipper && body.ship().has_lot() &&
          FormatLotKey(body.ship().lot()) == lot_key) {
        return Describe(body.ship().receiver());
      }
    }
    return "";
  }

  // The latest cooling of the lot before record `before`.
  std::optional<size_t> CoolingBefore(size_t before, const std::string& lot_key) const {
    std::optional<size_t> found;
    for (size_t i = 0; i < before; ++i) {
      if (Body(i).has_cool() && FormatLotKey(Body(i).cool().lot()) == lot_key) found = i;
    }
    return found;
  }

  // Who sent what a receipt took: the shipment it names, else the latest earlier shipment of
  // that lot (or pallet) to its signer.
  std::string SenderOf(size_t receive) const {
    const v1::Receive& r = Body(receive).receive();
    std::string sender;
    for (size_t i = 0; i < receive; ++i) {
      const v1::RecordBody& body = Body(i);
      const std::string id = AsBytes(data_.records[i].record.id);
      // A ship, or a receipt that sent a rejected part back: its signer sent it.
      if (!r.shipment().empty() && id == r.shipment()) return Describe(Signer(i));
      if (body.has_ship() && body.ship().sscc() == r.sscc() &&
          FormatLotKey(body.ship().lot()) == FormatLotKey(r.lot()) &&
          body.ship().receiver() == Signer(receive)) {
        sender = Describe(Signer(i));
      }
    }
    return sender;
  }

  // --- Rows, CTE by CTE

  void RowsOf(size_t i) {
    const v1::RecordBody& body = Body(i);
    if (body.has_harvest()) return HarvestRow(i);
    if (body.has_cool()) return CoolingRow(i);
    if (body.has_transform()) return TransformRows(i);
    if (body.has_ship()) return MovedRows(i, replay_.MovesOf(i).moved, true);
    if (body.has_receive()) {
      MovedRows(i, replay_.MovesOf(i).moved, false);
      MovedRows(i, replay_.MovesOf(i).rejected, true);
    }
    // Other records are no CTE of FSMA 204: losses, sales, pallets and cancelled shipments
    // change what is held but move nothing to another party; sensor readings, checkpoints,
    // certificates and recalls describe lots; the rest is master data.
  }

  void AddHarvestKdes(size_t harvest, Row& row) const {
    const v1::Harvest& h = Body(harvest).harvest();
    const std::string harvester = Signer(harvest);
    row[kField] = h.field();
    row[kFarm] = Describe(harvester, h.has_location() ? &h.location() : nullptr);
    if (const v1::Participant* party = data_.Party(harvester)) {
      row[kHarvesterName] = BusinessName(*party);
      row[kHarvesterPhone] = party->contact().phone();
    }
    row[kHarvestDate] = LocalDate(harvest);
  }

  void AddCoolingKdes(size_t cooling, Row& row) const {
    const v1::Cool& c = Body(cooling).cool();
    row[kCoolingLocation] = Describe(Signer(cooling), c.has_location() ? &c.location() : nullptr);
    row[kCoolingDate] = LocalDate(cooling);
    row[kCoolingMethod] = std::string(CoolingMethodCode(c.method()));
  }

  void HarvestRow(size_t i) {
    const v1::Harvest& h = Body(i).harvest();
    Row row = BaseRow(i, h.lot(), "Harvesting");
    row[kProduct] = ProductOf(h.lot(), h.commodity(), h.variety());
    row[kCommodity] = h.commodity();
    row[kVariety] = h.variety();
    row[kQuantity] = Amount(h.quantity().milli());
    row[kUnit] = h.quantity().unit();
    AddHarvestKdes(i, row);
    row[kLocation] = row[kFarm];
    row[kSubsequentRecipient] = NextRecipient(i, row[kLot], Signer(i));
    Emit(std::move(row));
  }

  void CoolingRow(size_t i) {
    const v1::Cool& c = Body(i).cool();
    if (!IsRaw(c.lot())) return;  // 1.1325(b): cooling before initial packing only
    Row row = BaseRow(i, c.lot(), "Cooling");
    row[kQuantity] = Amount(replay_.HeldNow(row[kLot], Signer(i)));  // what the cooler held
    AddCoolingKdes(i, row);
    row[kLocation] = row[kCoolingLocation];
    if (std::optional<size_t> harvest = HarvestOf(row[kLot])) {
      row[kFarm] = Describe(Signer(*harvest), Body(*harvest).harvest().has_location()
                                                  ? &Body(*harvest).harvest().location()
                                                  : nullptr);
    }
    row[kSubsequentRecipient] = NextRecipient(i, row[kLot], Signer(i));
    Emit(std::move(row));
  }

  // Initial packing (1.1330(a)(1)-(10)): what the packer received of a raw input, and when.
  void AddReceivedKdes(size_t pack, const std::string& input_key, Row& row) const {
    int64_t received = 0;
    std::optional<size_t> last;
    for (size_t i = 0; i < pack; ++i) {
      if (!Body(i).has_receive() || Signer(i) != Signer(pack)) continue;
      for (const CustodyReplay::Move& move : replay_.MovesOf(i).moved) {
        if (move.lot != input_key) continue;
        received += move.milli;
        last = i;
      }
    }
    if (!last) return;  // the packer harvested it itself: nothing was received
    row[kDateReceived] = LocalDate(*last);
    row[kQuantityReceived] = Amount(received);
    if (const v1::LotState* lot = data_.Lot(input_key)) row[kUnitReceived] = lot->quantity().unit();
  }

  void TransformRows(size_t i) {
    const v1::Transform& t = Body(i).transform();
    // Initial packing packs raw commodities (1.1330); everything else transforms (1.1350).
    bool initial = false;
    for (const v1::LotAmount& in : t.inputs()) {
      initial = initial || (t.kind() == v1::TRANSFORM_KIND_PACK && IsRaw(in.lot()));
    }
    const char* cte = initial ? "Initial Packing" : "Transformation";
    for (const v1::LotOutput& out : t.outputs()) {
      for (const v1::LotAmount& in : t.inputs()) {
        Row row = BaseRow(i, out.lot(), cte);
        row[kQuantity] = Amount(out.quantity().milli());
        row[kUnit] = out.quantity().unit();
        AddInputKdes(i, in, row);
        Emit(std::move(row));
      }
    }
  }

  void AddInputKdes(size_t i, const v1::LotAmount& in, Row& row) const {
    const std::string input_key = FormatLotKey(in.lot());
    row[kInputLot] = input_key;
    row[kInputQuantity] = Amount(in.quantity().milli());
    row[kInputUnit] = in.quantity().unit();
    if (const v1::LotState* lot = data_.Lot(input_key)) {
      row[kInputProduct] = ProductOf(in.lot(), lot->commodity(), lot->variety());
      row[kInputCommodity] = lot->commodity();
      row[kInputVariety] = lot->variety();
    }
    if (!IsRaw(in.lot())) {
      row[kInputTlc] = TraceabilityLotCode(in.lot());
      return;
    }
    if (std::optional<size_t> harvest = HarvestOf(input_key)) AddHarvestKdes(*harvest, row);
    if (std::optional<size_t> cooling = CoolingBefore(i, input_key)) AddCoolingKdes(*cooling, row);
    AddReceivedKdes(i, input_key, row);
  }

  // Shipping (1.1340) or receiving (1.1345) rows, one per lot the record moved. A raw lot's
  // moves before initial packing are not CTEs (1.1340(c), 1.1345(c)).
  void MovedRows(size_t i, const std::vector<CustodyReplay::Move>& moves, bool shipping) {
    for (const CustodyReplay::Move& move : moves) {
      Result<v1::LotKey> key = ParseLotKey(move.lot);
      if (!key.ok() || IsRaw(*key)) continue;
      Row row = BaseRow(i, *key, shipping ? "Shipping" : "Receiving");
      row[kQuantity] = Amount(move.milli);
      row[kUnit] = move.unit;
      const v1::RecordBody& body = Body(i);
      if (shipping && body.has_ship()) {
        row[kSubsequentRecipient] = Describe(body.ship().receiver());
      } else if (shipping) {  // a rejected part, going back to whoever sent it
        row[kSubsequentRecipient] = SenderOf(i);
      } else {
        row[kPreviousSource] = SenderOf(i);
      }
      Emit(std::move(row));
    }
  }

  void Emit(Row row) {
    if (!filter_.lots.empty() && !filter_.lots.count(row[kLot])) return;
    if (!filter_.from_date.empty() && row[kDate] < filter_.from_date) return;
    if (!filter_.to_date.empty() && row[kDate] > filter_.to_date) return;
    rows_.push_back(std::move(row));
  }

  const ExportData& data_;
  const FsmaFilter& filter_;
  CustodyReplay replay_;
  std::vector<Row> rows_;
};

}  // namespace

const std::vector<std::string>& FsmaColumns() {
  static const std::vector<std::string> kColumns = {
      "Critical Tracking Event",
      "Traceability Lot Code",
      "Traceability Lot Code Source Location Description",
      "Traceability Lot Code Source Reference",
      "Product Description",
      "Commodity",
      "Variety",
      "Quantity",
      "Unit of Measure",
      "Event Date",
      "Event Time",
      "Event Location Description",
      "Immediate Subsequent Recipient Location Description",
      "Immediate Previous Source Location Description",
      "Field or Growing Area Name",
      "Harvest Farm Location Description",
      "Harvester Business Name",
      "Harvester Phone Number",
      "Harvest Date",
      "Cooling Location Description",
      "Cooling Date",
      "Date Received",
      "Quantity Received",
      "Unit of Measure Received",
      "Input Traceability Lot Code",
      "Input Product Description",
      "Input Commodity",
      "Input Variety",
      "Input Quantity",
      "Input Unit of Measure",
      "Reference Document Type",
      "Reference Document Number",
      "Cooling Method",
      "AgriTrace Lot",
      "AgriTrace Input Lot",
      "AgriTrace Record"};
  static_assert(kColumnCount == 36, "one header per column");
  return kColumns;
}

std::string TraceabilityLotCode(const v1::LotKey& lot) {
  return "(01)" + lot.gtin() + "(10)" + lot.lot();
}

std::string FsmaCell(const std::string& text) {
  // OWASP's CSV injection advice: a leading = + - @ (or tab, CR) makes a spreadsheet run the
  // cell as a formula; a leading quote keeps it text.
  if (!text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos) {
    std::string quoted = "'";  // appended: GCC 12 misreads "'" + text as overlapping
    quoted.append(text);
    return Escape(quoted);
  }
  return Escape(text);
}

std::string FsmaCsv(const ExportData& data, const FsmaFilter& filter) {
  std::string out;
  const auto line = [&out](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += FsmaCell(cells[i]);
    }
    out += "\n";
  };
  line(FsmaColumns());
  for (const Row& row : FsmaWriter(data, filter).Run()) line(row);
  return out;
}

}  // namespace agritrace::chain

// FSMA 204 by the rule: the custody journey (harvest, cooling, a partial shipment with a
// rejected part, initial packing, shipping with a rejection, a transformation) exported and
// checked column by column against docs/fsma.md's table; the CTEs the rule does and does not
// know; local dates; formula neutralising; date and lot filters.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "chain/export/fsma.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

const char* const kDocsPath = AGRITRACE_TESTDATA "/../../docs/fsma.md";
constexpr int64_t kHour = 3600LL * 1000;
constexpr int64_t kT0 = 1'764'367'200'000;  // 2025-11-28T22:00:00Z = 11-29 06:00 in Beijing
constexpr int32_t kBeijing = 8 * 60;
const std::vector<std::string> kCtes = {"Harvesting",     "Cooling",  "Initial Packing",
                                        "Transformation", "Shipping", "Receiving"};

v1::LotKey Lot(const std::string& gtin, const std::string& code) {
  v1::LotKey key;
  key.set_gtin(gtin);
  key.set_lot(code);
  return key;
}
const v1::LotKey kB1 = Lot("06901234567892", "B1");
const v1::LotKey kP1 = Lot("06901234567809", "P1");
const v1::LotKey kM1 = Lot("06901234567809", "M1");

// RFC 4180 lines: quoted cells may hold commas, quotes and line breaks.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(' ') - begin + 1);
}

// docs/fsma.md's column table: column name -> the marks of the six CTEs (K, O, X or -).
struct DocsRow {
  std::string column;
  std::map<std::string, std::string> marks;  // CTE -> mark
};

std::vector<DocsRow> ReadDocsTable() {
  std::ifstream in(kDocsPath);
  EXPECT_TRUE(in.good()) << kDocsPath;
  std::vector<DocsRow> out;
  std::vector<std::string> header;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| Column |", 0) == 0) {
      std::stringstream cells(line);
      for (std::string cell; std::getline(cells, cell, '|');) header.push_back(Trim(cell));
      continue;
    }
    if (header.empty() || line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| ", 0) != 0) break;
    std::vector<std::string> cells;
    std::stringstream split(line);
    for (std::string cell; std::getline(split, cell, '|');) cells.push_back(Trim(cell));
    EXPECT_EQ(cells.size(), header.size()) << line;
    DocsRow row{cells[1], {}};
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) {
      for (const std::string& cte : kCtes) {
        if (header[i] == cte) row.marks[cte] = cells[i];
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

class FsmaKdeTest : public ::testing::Test {
 protected:
  FsmaKdeTest() {
    Party(farmer_, "farmer", "Wuchang Rice Co-operative", "+86 451 5555 0101",
          "Niujia village, Wuchang, Heilongjiang 150229", "0614141000005");
    Party(packer_, "packer", "Golden Grain Mill & Packing", "+86 451 5555 0102",
          "88 Hanan Industrial Park, Harbin", "");
    Party(retailer_, "retailer", "Fresh Market Shanghai", "+86 21 5555 0104",
          "500 Nanjing Road West, Shanghai", "");
    Journey();
  }

  void Party(const PrivateKey& key, const std::string& name, const std::string& org,
             const std::string& phone, const std::string& address, const std::string& gln) {
    v1::Participant p;
    p.set_pubkey(AsBytes(key.public_key()));
    p.set_name(name);
    p.set_organization(org);
    p.mutable_location()->set_gln(gln);
    p.mutable_contact()->set_phone(phone);
    p.mutable_contact()->set_address(address);
    p.mutable_contact()->set_tz_offset_min(kBeijing);
    data_.participants[p.pubkey()] = p;
  }

  void State(const v1::LotKey& key, const std::string& qty, const PrivateKey& owner,
             std::vector<v1::LotKey> parents, const std::string& commodity = "rice") {
    v1::LotState lot;
    *lot.mutable_lot() = key;
    lot.set_commodity(commodity);
    lot.set_variety("Wuchang");
    *lot.mutable_quantity() = *ParseQuantity(qty);
    lot.set_owner(AsBytes(owner.public_key()));
    for (const v1::LotKey& parent : parents) *lot.add_parents() = parent;
    data_.lots[FormatLotKey(key)] = lot;
  }

  // Signs a record that happened `hours` after kT0 in Beijing time.
  v1::RecordBody At(double hours) {
    v1::RecordBody body;
    body.set_timestamp_ms(kT0 + static_cast<int64_t>(hours * kHour));
    body.set_event_time_ms(body.timestamp_ms());
    body.set_event_tz_offset_min(kBeijing);
    return body;
  }

  void Add(const v1::RecordBody& body, const PrivateKey& key) {
    auto record = DecodeRecord(SignRecord(body, key));
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    data_.records.push_back({*record, data_.records.size() + 1, 0});
  }

  static void Ref(google::protobuf::RepeatedPtrField<v1::DocumentRef>* refs, v1::DocumentType type,
                  const std::string& id) {
    v1::DocumentRef* ref = refs->Add();
    ref->set_type(type);
    ref->set_id(id);
  }

  void Journey() {
    v1::RecordBody harvest = At(0);
    v1::Harvest& h = *harvest.mutable_harvest();
    *h.mutable_lot() = kB1;
    h.set_commodity("rice");
    h.set_variety("Wuchang");
    *h.mutable_quantity() = *ParseQuantity("1000kg");
    h.set_field("Plot 7");
    Ref(h.mutable_refs(), v1::DOCUMENT_TYPE_PO, "PO-2026-118");
    Add(harvest, farmer_);
    v1::RecordBody sensor = At(1);  // a reading is not cooling
    *sensor.mutable_sensor_readings()->mutable_lot() = kB1;
    sensor.mutable_sensor_readings()->add_readings()->set_time_ms(kT0 + kHour);
    Add(sensor, farmer_);
    v1::RecordBody cool = At(2);
    *cool.mutable_cool()->mutable_lot() = kB1;
    cool.mutable_cool()->set_method(v1::COOLING_METHOD_FORCED_AIR);
    cool.mutable_cool()->mutable_location()->set_name("Cold room 2");
    Add(cool, farmer_);
    v1::RecordBody ship = At(5);
    *ship.mutable_ship()->mutable_lot() = kB1;
    *ship.mutable_ship()->mutable_quantity() = *ParseQuantity("600kg");
    ship.mutable_ship()->set_receiver(AsBytes(packer_.public_key()));
    Ref(ship.mutable_ship()->mutable_refs(), v1::DOCUMENT_TYPE_BOL, "BOL-77");
    Add(ship, farmer_);
    v1::RecordBody receive = At(9);
    *receive.mutable_receive()->mutable_lot() = kB1;
    *receive.mutable_receive()->mutable_accept() = *ParseQuantity("580kg");
    *receive.mutable_receive()->mutable_reject() = *ParseQuantity("20kg");
    receive.mutable_receive()->set_reject_reason("bruised");
    Add(receive, packer_);
    v1::RecordBody pack = At(24);
    v1::Transform& p = *pack.mutable_transform();
    p.set_kind(v1::TRANSFORM_KIND_PACK);
    *p.add_inputs()->mutable_lot() = kB1;
    *p.mutable_inputs(0)->mutable_quantity() = *ParseQuantity("500kg");
    *p.add_outputs()->mutable_lot() = kP1;
    *p.mutable_outputs(0)->mutable_quantity() = *ParseQuantity("100pcs");
    Ref(p.mutable_refs(), v1::DOCUMENT_TYPE_INV, "INV-9");
    Add(pack, packer_);
    v1::RecordBody ship_p1 = At(30);
    *ship_p1.mutable_ship()->mutable_lot() = kP1;
    *ship_p1.mutable_ship()->mutable_quantity() = *ParseQuantity("40pcs");
    ship_p1.mutable_ship()->set_receiver(AsBytes(retailer_.public_key()));
    Add(ship_p1, packer_);
    v1::RecordBody receive_p1 = At(40);
    *receive_p1.mutable_receive()->mutable_lot() = kP1;
    *receive_p1.mutable_receive()->mutable_accept() = *ParseQuantity("35pcs");
    *receive_p1.mutable_receive()->mutable_reject() = *ParseQuantity("5pcs");
    receive_p1.mutable_receive()->set_reject_reason("torn bags");
    Add(receive_p1, retailer_);
    v1::RecordBody transform = At(48);
    v1::Transform& t = *transform.mutable_transform();
    t.set_kind(v1::TRANSFORM_KIND_TRANSFORM);
    *t.add_inputs()->mutable_lot() = kP1;
    *t.mutable_inputs(0)->mutable_quantity() = *ParseQuantity("20pcs");
    *t.add_outputs()->mutable_lot() = kM1;
    *t.mutable_outputs(0)->mutable_quantity() = *ParseQuantity("100kg");
    Add(transform, packer_);
    State(kB1, "1000kg", farmer_, {});
    State(kP1, "100pcs", packer_, {kB1});
    State(kM1, "100kg", packer_, {kP1}, "rice flour");
  }

  // The CSV's rows as column name -> cell.
  std::vector<std::map<std::string, std::string>> Rows(const FsmaFilter& filter = {}) {
    auto lines = ParseCsv(FsmaCsv(data_, filter));
    EXPECT_FALSE(lines.empty());
    std::vector<std::map<std::string, std::string>> out;
    for (size_t i = 1; i < lines.size(); ++i) {
      EXPECT_EQ(lines[i].size(), lines[0].size()) << "row " << i;
      std::map<std::string, std::string> row;
      for (size_t c = 0; c < lines[0].size() && c < lines[i].size(); ++c) {
        row[lines[0][c]] = lines[i][c];
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  static std::vector<std::map<std::string, std::string>> Of(
      const std::vector<std::map<std::string, std::string>>& rows, const std::string& cte) {
    std::vector<std::map<std::string, std::string>> out;
    for (const auto& row : rows) {
      if (row.at("Critical Tracking Event") == cte) out.push_back(row);
    }
    return out;
  }

  const PrivateKey farmer_ = PrivateKey::Generate();
  const PrivateKey packer_ = PrivateKey::Generate();
  const PrivateKey retailer_ = PrivateKey::Generate();
  ExportData data_;
};

TEST_F(FsmaKdeTest, TheHeaderIsTheDocsTablesColumns) {
  std::vector<std::string> documented;
  for (const DocsRow& row : ReadDocsTable()) documented.push_back(row.column);
  EXPECT_EQ(documented, FsmaColumns());
  auto lines = ParseCsv(FsmaCsv(data_, {}));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], FsmaColumns());
}

TEST_F(FsmaKdeTest, EveryKdeTheDocsTableMarksIsFilledOnItsCtesRows) {
  const std::vector<DocsRow> table = ReadDocsTable();
  ASSERT_EQ(table.size(), FsmaColumns().size());
  const auto rows = Rows();
  for (const std::string& cte : kCtes) {
    const auto cte_rows = Of(rows, cte);
    ASSERT_FALSE(cte_rows.empty()) << "the journey has no " << cte << " row";
    for (const DocsRow& column : table) {
      const std::string mark = column.marks.at(cte);
      ASSERT_TRUE(mark == "K" || mark == "O" || mark == "X" || mark == "-")
          << column.column << " / " << cte << ": " << mark;
      bool any = false;
      for (const auto& row : cte_rows) {
        const std::string& cell = row.at(column.column);
        any = any || !cell.empty();
        if (mark == "K" || mark == "X") {
          EXPECT_FALSE(cell.empty())
              << cte << " row of " << row.at("AgriTrace Lot") << " lacks " << column.column;
        }
        if (mark == "-") {
          EXPECT_TRUE(cell.empty()) << cte << " row has " << column.column << ": " << cell;
        }
      }
      if (mark == "O") EXPECT_TRUE(any) << "no " << cte << " row has " << column.column;
    }
  }
}

TEST_F(FsmaKdeTest, RowsFollowTheRule) {
  const auto rows = Rows();
  // Harvesting: no TLC (1.1320), dated in Beijing (22:00 UTC is 06:00 the next day there), the
  // farm described with business name, phone, address and GLN, the packer as recipient.
  const auto harvest = Of(rows, "Harvesting");
  ASSERT_EQ(harvest.size(), 1u);
  EXPECT_EQ(harvest[0].at("Traceability Lot Code"), "");
  EXPECT_EQ(harvest[0].at("Event Date"), "2025-11-29");
  EXPECT_EQ(harvest[0].at("Event Time"), "2025-11-29T06:00:00+08:00");
  EXPECT_EQ(harvest[0].at("Event Location Description"),
            "Wuchang Rice Co-operative; +86 451 5555 0101; Niujia village, Wuchang, Heilongjiang "
            "150229; GLN 0614141000005");
  EXPECT_EQ(harvest[0].at("Reference Document Type"), "Purchase Order");
  EXPECT_EQ(harvest[0].at("Reference Document Number"), "PO-2026-118");
  EXPECT_NE(
      harvest[0].at("Immediate Subsequent Recipient Location Description").find("Golden Grain"),
      std::string::npos);
  // Cooling only from the cool record (the sensor reading is none), with the cooler's holding.
  const auto cooling = Of(rows, "Cooling");
  ASSERT_EQ(cooling.size(), 1u);
  EXPECT_EQ(cooling[0].at("Quantity"), "1000");
  EXPECT_EQ(cooling[0].at("Cooling Method"), "forced-air");
  EXPECT_EQ(cooling[0].at("Cooling Location Description").rfind("Cold room 2; Wuchang Rice", 0),
            0u);
  // The raw lot's shipment and receipt are no CTEs (1.1340(c), 1.1345(c)).
  for (const auto& row : rows) {
    if (row.at("Critical Tracking Event") == "Shipping" ||
        row.at("Critical Tracking Event") == "Receiving") {
      EXPECT_NE(row.at("AgriTrace Lot"), FormatLotKey(kB1));
    }
  }
  // Initial packing carries the harvest, cooling and receipt of its input.
  const auto packing = Of(rows, "Initial Packing");
  ASSERT_EQ(packing.size(), 1u);
  EXPECT_EQ(packing[0].at("Traceability Lot Code"), "(01)06901234567809(10)P1");
  EXPECT_EQ(packing[0].at("Traceability Lot Code Source Reference"), "urn:agritrace:party:packer");
  EXPECT_EQ(packing[0].at("Harvest Date"), "2025-11-29");
  EXPECT_EQ(packing[0].at("Field or Growing Area Name"), "Plot 7");
  EXPECT_EQ(packing[0].at("Harvester Phone Number"), "'+86 451 5555 0101");  // neutralised
  EXPECT_EQ(packing[0].at("Cooling Date"), "2025-11-29");
  EXPECT_EQ(packing[0].at("Date Received"), "2025-11-29");
  EXPECT_EQ(packing[0].at("Quantity Received"), "580");
  EXPECT_EQ(packing[0].at("Input Quantity"), "500");
  EXPECT_EQ(packing[0].at("Quantity"), "100");
  EXPECT_EQ(packing[0].at("Unit of Measure"), "pcs");
  // Shipping and receiving state what moved: 40 bags out, 35 accepted, 5 shipped back.
  const auto shipping = Of(rows, "Shipping");
  ASSERT_EQ(shipping.size(), 2u);
  EXPECT_EQ(shipping[0].at("Quantity"), "40");
  EXPECT_EQ(shipping[1].at("Quantity"), "5");
  EXPECT_NE(shipping[1].at("Immediate Subsequent Recipient Location Description").find("Golden"),
            std::string::npos);
  const auto receiving = Of(rows, "Receiving");
  ASSERT_EQ(receiving.size(), 1u);
  EXPECT_EQ(receiving[0].at("Quantity"), "35");
  EXPECT_NE(receiving[0].at("Immediate Previous Source Location Description").find("Golden"),
            std::string::npos);
  // A transformation names its input by TLC.
  const auto transformation = Of(rows, "Transformation");
  ASSERT_EQ(transformation.size(), 1u);
  EXPECT_EQ(transformation[0].at("Input Traceability Lot Code"), "(01)06901234567809(10)P1");
  EXPECT_EQ(transformation[0].at("Commodity"), "rice flour");
}

TEST_F(FsmaKdeTest, OneRowPerInputOfATransformation) {
  v1::RecordBody blend = At(50);
  v1::Transform& t = *blend.mutable_transform();
  t.set_kind(v1::TRANSFORM_KIND_TRANSFORM);
  *t.add_inputs()->mutable_lot() = kP1;
  *t.mutable_inputs(0)->mutable_quantity() = *ParseQuantity("10pcs");
  *t.add_inputs()->mutable_lot() = kM1;
  *t.mutable_inputs(1)->mutable_quantity() = *ParseQuantity("50kg");
  const v1::LotKey mix = Lot("06901234567809", "X1");
  *t.add_outputs()->mutable_lot() = mix;
  *t.mutable_outputs(0)->mutable_quantity() = *ParseQuantity("100kg");
  Add(blend, packer_);
  State(mix, "100kg", packer_, {kP1, kM1});
  std::vector<std::string> inputs;
  for (const auto& row : Of(Rows(), "Transformation")) {
    if (row.at("AgriTrace Lot") == FormatLotKey(mix))
      inputs.push_back(row.at("Input Traceability Lot Code"));
  }
  EXPECT_EQ(inputs,
            (std::vector<std::string>{"(01)06901234567809(10)P1", "(01)06901234567809(10)M1"}));
}

TEST_F(FsmaKdeTest, FiltersByLocalDateAndLot) {
  FsmaFilter day;
  day.from_date = "2025-11-29";
  day.to_date = "2025-11-29";
  std::set<std::string> ctes;
  for (const auto& row : Rows(day)) ctes.insert(row.at("Critical Tracking Event"));
  EXPECT_EQ(ctes, (std::set<std::string>{"Harvesting", "Cooling"}));
  FsmaFilter later;
  later.from_date = "2025-11-30";
  later.lots = {FormatLotKey(kM1)};
  const auto rows = Rows(later);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("Critical Tracking Event"), "Transformation");
}

TEST_F(FsmaKdeTest, NeutralisesCellsASpreadsheetWouldRun) {
  EXPECT_EQ(FsmaCell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(FsmaCell("+1"), "'+1");
  EXPECT_EQ(FsmaCell("-1"), "'-1");
  EXPECT_EQ(FsmaCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(FsmaCell("\tx"), "'\tx");
  EXPECT_EQ(FsmaCell("rice"), "rice");
  EXPECT_EQ(FsmaCell("a, b"), "\"a, b\"");
  data_.lots[FormatLotKey(kB1)].set_commodity("=cmd|' /C calc'!A0");
  data_.records[0].record.body.mutable_harvest()->set_commodity("=cmd|' /C calc'!A0");
  const std::string csv = FsmaCsv(data_, {});
  EXPECT_EQ(csv.find(",=cmd"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'=cmd"), std::string::npos) << csv;
}

}  // namespace
}  // namespace agritrace::chain

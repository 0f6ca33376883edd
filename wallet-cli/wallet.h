// The wallet's pure building blocks: parsing command-line values into record fields, signing
// bodies, and the signed-envelope JSON file format. No network, no terminal.
//
// Signed envelope file (what `--out` writes and `submit` / `record show` read):
//   {"id": hex, "signer": hex, "signature": hex, "body": hex, "event": RecordBodyToJson(body)}
// Only body, signer and signature are trusted when reading; id is checked against them and
// "event" is informational.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"
#include "chain/base/keys.h"
#include "chain/model/record.h"
#include "chain/base/status.h"

namespace agritrace::wallet {

// "LOT:QTY" split at the LAST ':' (lot codes may contain ':'; quantities never do).
// MALFORMED when there is no ':' or either side is empty.
struct LotQuantityText {
  std::string lot;
  std::string quantity;
};
chain::Result<LotQuantityText> SplitLotQuantity(std::string_view text);
// SplitLotQuantity, then ParseLotKey (BAD_GS1_KEY) and ParseQuantity (MALFORMED).
chain::Result<v1::LotAmount> ParseLotAmount(std::string_view text);

// "45.12,127.45" -> lat_e6/lon_e6 (micro-degrees, rounded). MALFORMED outside +-90 / +-180.
chain::Status ParseLatLon(std::string_view text, v1::Location& location);
// Builds a Location from optional --gln (validated, BAD_GS1_KEY) and --location texts.
chain::Result<v1::Location> ParseLocation(const std::string& gln, const std::string& lat_lon);

// Role names (each may itself be comma-separated) -> roles, deduplicated, in order.
// MALFORMED naming the valid roles on an unknown one or when none are given.
chain::Result<std::vector<v1::Role>> ParseRoles(const std::vector<std::string>& names);

// A random replay-guard nonce from the OS CSPRNG.
uint64_t RandomNonce();

// Fills chain id, timestamp and nonce into `body` (which already carries its event), signs the
// serialized bytes, and decodes the result back into a Record (id, signer, signature).
chain::Result<chain::Record> SignBody(v1::RecordBody body, const std::string& chain_id,
                                      int64_t timestamp_ms, uint64_t nonce,
                                      const chain::PrivateKey& key);

// The signed envelope file JSON described above.
nlohmann::json RecordToFileJson(const chain::Record& record);
// Parses and checks it: hex fields, DecodeRecord, id consistency (MALFORMED on mismatch).
// Does not verify the signature.
chain::Result<chain::Record> RecordFromFileJson(const nlohmann::json& json);

// Writes RecordToFileJson (pretty, trailing newline) to `path` atomically.
chain::Status WriteSignedFile(const std::string& path, const chain::Record& record);
// Reads and parses a signed envelope file (NOT_FOUND, IO_ERROR, MALFORMED).
chain::Result<chain::Record> ReadSignedFile(const std::string& path);

// What a record is about, for one-line messages: the lot key for harvest/ship/receive and the
// events about one lot, the output lots (comma-separated) for pack/transform, the name for a
// registration, the key for a revocation or rotation, the corrected record's id.
std::string RecordSubject(const v1::RecordBody& body);

// The command that makes such a record: "register", "harvest", "pack", "transform", "ship",
// "receive", "cancel-shipment", "participant update", ...
std::string CommandName(const v1::RecordBody& body);

// What a record creates, for --json next to its record id: {"shipment": id} for a ship (a
// shipment is named by its record's id), {"return_shipment": id} for a receive that rejects a
// part, {"lot"} for a harvest, {"lots": [...]} for pack and transform, {"pallet": "00/{sscc}"}
// for aggregate, {"participant": name} for register; {} otherwise.
nlohmann::json CreatedJson(const v1::RecordBody& body, const std::string& record_id_hex);

// "committed harvest LOT in block 3 (record HEX)" or
// "accepted harvest LOT into the mempool (record HEX)".
std::string SubmitResultLine(const v1::RecordBody& body, const std::string& record_id_hex,
                             bool committed, uint64_t height);
// {"record_id": hex, "height": N, "committed": bool}.
nlohmann::json SubmitResultJson(const std::string& record_id_hex, bool committed,
                                uint64_t height);

}  // namespace agritrace::wallet

// The printable compliance certificate (承诺达标合格证) of a lot: an SVG slip in the national
// layout, Chinese with English below each line, with the lot's GS1 Digital Link QR code.
// Sized for 80 mm label printers or A6 (105 x 148 mm). Pure: the caller gathers the data.
#pragma once

#include <string>
#include <vector>

#include "wallet-cli/qr_code.h"

namespace agritrace::wallet {

enum class SlipSize { k80mm, kA6 };

struct ComplianceSlip {
  std::string product;      // commodity and variety
  std::string quantity;     // "1000kg"
  std::string origin;       // plot and place
  std::string producer;     // name and organisation
  std::string phone;
  std::string date;         // "2026-11-28"
  std::string basis;        // "self-commitment", "self-test", ...
  std::string lot;          // "01/{gtin}/10/{lot}"
  std::string uri;          // the Digital Link URI the QR code holds
  std::string record_id;    // the ComplianceCert record on chain (hex)
  std::vector<std::string> claims;  // claims the chain backs, e.g. "organic 60% (ORG-1)"
};

std::string ComplianceSlipSvg(const ComplianceSlip& slip, const QrMatrix& qr, SlipSize size);

}  // namespace agritrace::wallet

// Origin claims with tonnage: certificates on a plot, a farmer or an organisation, the claims
// harvests in their scope carry (using up the certificate's tonnage), the share of a claim an
// output of a pack or transform carries, and the producer's compliance commitment on a lot.
//
// Claimed mass only ever shrinks on its way down the lineage: a harvest claims at most what
// its certificate has left; an output claims floor(out x claimed in / in) of each claim, so
// the outputs of a record together claim no more than its inputs did.
#include <algorithm>
#include <set>
#include <string>

#include "chain/model/gs1.h"
#include "chain/model/lot_claims.h"
#include "chain/model/plot.h"
#include "chain/model/quantity.h"
#include "chain/rules/internal.h"

namespace agritrace::chain::rules_internal {
namespace {

// Most claim certificates per scope (a plot, farmer or organisation holds a few standards).
constexpr int kMaxCertsPerScope = 16;

bool ValidAt(const v1::ClaimCert& cert, int64_t at_ms) {
  if (cert.valid_from_ms() != 0 && at_ms < cert.valid_from_ms()) return false;
  return cert.valid_until_ms() == 0 || at_ms <= cert.valid_until_ms();
}

// The certificates whose scope covers a harvest by the signer on `plot_id`, once each, in
// scope order (plot, farmer, organisation) and then in the order they were issued.
std::vector<v1::ClaimCert> CertsInScope(const EventEnv& env, const std::string& plot_id) {
  std::vector<std::string> scopes;
  if (!plot_id.empty()) scopes.push_back("plot/" + plot_id);
  scopes.push_back("farmer/" + ToHex(env.signer_bytes()));
  if (!env.signer.organization().empty()) scopes.push_back("org/" + env.signer.organization());
  std::vector<v1::ClaimCert> out;
  std::set<std::string> seen;
  for (const std::string& scope : scopes) {
    const v1::CertIndex index = env.scratch.GetCertIndex(scope);  // iterated below: keep it
    for (const std::string& id : index.certificates()) {
      if (!seen.insert(id).second) continue;
      if (auto cert = env.scratch.GetClaimCert(id)) out.push_back(*std::move(cert));
    }
  }
  return out;
}

std::string CertName(const v1::ClaimCert& cert) {
  return cert.certificate_id().empty() ? "certificate " + ToHex(cert.record()).substr(0, 16)
                                       : "certificate " + cert.certificate_id();
}

v1::LotClaim ClaimOf(const v1::ClaimCert& cert, int64_t mg, const std::string& plot_id) {
  v1::LotClaim claim;
  claim.set_claim(cert.claim());
  claim.set_certificate(cert.record());
  claim.set_standard(cert.standard());
  claim.set_certificate_id(cert.certificate_id());
  claim.set_claimed_mg(mg);
  if (!plot_id.empty()) claim.add_plots(plot_id);
  return claim;
}

Status RequireScope(const EventEnv& env, const v1::Certify& certify) {
  if (!certify.plot_id().empty()) {
    if (env.scratch.GetPlot(certify.plot_id())) return Status::Ok();
    return Reject(Reason::kUnknownPlot, "plot " + certify.plot_id() + " is not registered");
  }
  if (!certify.farmer().empty()) {
    auto key = ArrayFromBytes<32>(certify.farmer());  // length checked statelessly
    std::optional<v1::Participant> farmer = key ? env.scratch.GetParticipant(*key) : std::nullopt;
    if (farmer && HasRole(*farmer, v1::ROLE_FARMER)) return Status::Ok();
    return Reject(Reason::kUnknownParticipant,
                  "the certified farmer (" + Who(env.scratch, certify.farmer()) +
                      ") is not a registered farmer");
  }
  return Status::Ok();  // an organisation: whoever signs harvests in its name
}

}  // namespace

Status ApplyClaimCertify(const EventEnv& env) {
  const v1::Certify& certify = env.record.body.certify();
  AGRI_RETURN_IF_ERROR(RequireScope(env, certify));
  v1::ClaimCert cert;
  cert.set_record(AsBytes(env.record.id));
  cert.set_claim(certify.claim());
  cert.set_standard(certify.standard());
  cert.set_certificate_id(certify.certificate_id());
  cert.set_plot_id(certify.plot_id());
  cert.set_farmer(certify.farmer());
  cert.set_organization(certify.organization());
  cert.set_tonnage_mg(MassMilligrams(certify.tonnage()).value_or(0));  // checked statelessly
  cert.set_valid_from_ms(certify.valid_from_ms());
  cert.set_valid_until_ms(certify.valid_until_ms());
  cert.set_inspector(env.signer_bytes());
  const std::string scope = CertScopeKey(cert);
  v1::CertIndex index = env.scratch.GetCertIndex(scope);
  if (index.certificates_size() >= kMaxCertsPerScope) {
    return Reject(Reason::kTooLarge, "the scope " + scope + " already has " +
                                         std::to_string(kMaxCertsPerScope) +
                                         " claim certificates");
  }
  index.add_certificates(cert.record());
  env.scratch.PutCertIndex(scope, std::move(index));
  env.scratch.PutClaimCert(std::move(cert));
  return Status::Ok();
}

Status ApplyHarvestClaims(const EventEnv& env, v1::LotState& lot, int64_t harvest_ms,
                          int64_t mass_mg) {
  const v1::Harvest& harvest = env.record.body.harvest();
  if (harvest.waive_claims()) return Status::Ok();
  std::vector<v1::ClaimCert> certs = CertsInScope(env, harvest.plot());
  std::set<std::string> claims;
  for (const v1::ClaimCert& cert : certs) {
    if (ValidAt(cert, harvest_ms)) claims.insert(cert.claim());
  }
  for (const std::string& claim : claims) {
    const v1::ClaimCert* chosen = nullptr;
    const v1::ClaimCert* fullest = nullptr;  // the one with most left, for the message
    for (const v1::ClaimCert& cert : certs) {
      if (cert.claim() != claim || !ValidAt(cert, harvest_ms)) continue;
      const int64_t left = cert.tonnage_mg() - cert.used_mg();
      if (!fullest || left > fullest->tonnage_mg() - fullest->used_mg()) fullest = &cert;
      if (!chosen && left >= mass_mg) chosen = &cert;
    }
    if (!chosen) {
      return Reject(Reason::kClaimExceeded,
                    CertName(*fullest) + " (" + claim + ", " + fullest->standard() + ") covers " +
                        FormatMass(fullest->tonnage_mg()) + " of which " +
                        FormatMass(fullest->used_mg()) + " is used; this harvest of " +
                        FormatMass(mass_mg) +
                        " does not fit. Harvest less, or waive the claim (--no-claim)");
    }
    if (lot.claims_size() >= kMaxLotClaims) break;  // claiming less is always safe
    v1::ClaimCert used = *chosen;
    used.set_used_mg(used.used_mg() + mass_mg);
    *lot.add_claims() = ClaimOf(used, mass_mg, harvest.plot());
    env.scratch.PutClaimCert(std::move(used));
    // Later claims must see this certificate's new use: reload it for the next loop.
    certs = CertsInScope(env, harvest.plot());
  }
  return Status::Ok();
}

Status ApplyComplianceCert(const EventEnv& env) {
  const v1::ComplianceCert& cert = env.record.body.compliance_cert();
  Result<v1::LotState> lot = LoadLot(env.scratch, cert.lot());
  if (!lot.ok()) return lot.status();
  const std::string lot_key = FormatLotKey(cert.lot());
  if (!SameParty(env.scratch, lot->owner(), env.signer_bytes())) {
    return Reject(Reason::kNotAuthorized, env.signer.name() +
                                              " did not produce lot " + lot_key + "; only its "
                                              "producer (" + Who(env.scratch, lot->owner()) +
                                              ") issues its compliance certificate");
  }
  AGRI_RETURN_IF_ERROR(RequireNotRecalled(env.scratch, lot_key, *lot, "certified compliant"));
  lot->set_compliance_cert(AsBytes(env.record.id));
  lot->set_compliance_basis(cert.basis());
  env.scratch.PutLot(lot_key, *std::move(lot));
  Touch(env, lot_key);
  return Status::Ok();
}

}  // namespace agritrace::chain::rules_internal

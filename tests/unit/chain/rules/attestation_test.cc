// Attested records: a participant (here the packhouse, importing a partner's EPCIS events)
// signs events another party did. The rules act as that party's shadow key, so the attester's
// own goods and everyone else's are never moved by an attestation, and the party is never
// treated as having signed.
#include <gtest/gtest.h>

#include "chain/model/attestation.h"
#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::chain {
namespace {

using namespace testing_rules;  // NOLINT: the shared fixture's helpers and constants

constexpr char kPartnerFarm[] = "https://id.gs1.org/417/6901234000047";
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

class AttestationTest : public RulesFixture {
 protected:
  static v1::AttestedParty Party(const std::string& uri, const std::string& name) {
    v1::AttestedParty party;
    party.set_uri(uri);
    party.set_name(name);
    return party;
  }

  // `body` as done by the party `uri`, happened `age_ms` before it is signed.
  v1::RecordBody Attested(v1::RecordBody body, const std::string& uri, int64_t age_ms = 0) {
    *body.mutable_attestation()->mutable_party() = Party(uri, "partner");
    body.mutable_attestation()->set_event_id("ni:///sha-256;00?ver=CBV2.0");
    if (age_ms) body.set_event_time_ms(kNow - age_ms);
    return body;
  }

  v1::RecordBody RecallBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_recall()->mutable_lot() = Lot(code);
    body.mutable_recall()->set_reason("aflatoxin");
    return body;
  }

  std::string Shadow(const std::string& uri) const {
    return AsBytes(AttestedPartyKey(Pub(packer_), uri));
  }
};

TEST_F(AttestationTest, APartnersJourneyIsHeldByItsShadowNotByTheAttester) {
  // A partner's harvest 90 days ago (far beyond the 30-day signing window), signed now.
  ApplyOk(Attested(HarvestBody("B1", "500kg"), kPartnerFarm, 90 * kDayMs), packer_);
  v1::LotState lot = LotAt(kB1);
  EXPECT_EQ(lot.owner(), Shadow(kPartnerFarm));
  EXPECT_EQ(lot.created_ms(), kNow - 90 * kDayMs);
  EXPECT_EQ(Held(kB1, packer_), 0);
  std::optional<v1::Participant> shadow =
      state_.GetParticipant(*ArrayFromBytes<32>(Shadow(kPartnerFarm)));
  ASSERT_TRUE(shadow.has_value());
  EXPECT_EQ(shadow->attested_by(), Pub(packer_));
  EXPECT_EQ(shadow->attested().uri(), kPartnerFarm);
  EXPECT_FALSE(state_.FindParticipantByName(shadow->name()).has_value());

  // The partner ships 200 kg to the packhouse, which receives it itself.
  ApplyOk(Attested(ShipBody("B1", Pub(packer_), "", "200kg"), kPartnerFarm, 80 * kDayMs),
          packer_);
  ApplyOk(ReceiveBody("B1"), packer_);
  EXPECT_EQ(Held(kB1, packer_), 200'000);
  ExpectConserved(LotAt(kB1));
}

// A chain that requires plots still takes a partner's harvest: it names no plot here and
// carries no claim; the chain's own farmers' harvests still need a plot.
TEST_F(AttestationTest, APartnersHarvestNeedsNoPlotAndCarriesNoClaim) {
  params_.require_plot = true;
  ExpectRejected(HarvestBody("B2", "100kg"), farmer_, Reason::kUnknownPlot);
  ApplyOk(Attested(HarvestBody("B1", "500kg"), kPartnerFarm, 10 * kDayMs), packer_);
  v1::LotState lot = LotAt(kB1);
  EXPECT_EQ(lot.owner(), Shadow(kPartnerFarm));
  EXPECT_TRUE(lot.plot().empty());
  EXPECT_EQ(lot.claims_size(), 0);
}

TEST_F(AttestationTest, AnAttestationCannotMoveGoodsItsPartyDoesNotHold) {
  ApplyOk(HarvestBody("B1", "500kg"), farmer_);
  // The farm's own lot: a partner's shadow holds none of it.
  ExpectRejected(Attested(ShipBody("B1", Pub(packer_), "", "100kg"), kPartnerFarm), packer_,
                 Reason::kNotCustodian);
}

TEST_F(AttestationTest, AShadowRecallsOnlyLotsItsAttesterBroughtOn) {
  ApplyOk(HarvestBody("B1", "500kg"), farmer_);
  ExpectRejected(Attested(RecallBody("B1"), "urn:agritrace:party:regulator"), packer_,
                 Reason::kNotAuthorized);
  ApplyOk(Attested(HarvestBody("B2", "100kg"), kPartnerFarm), packer_);
  ApplyOk(Attested(RecallBody("B2"), "urn:agritrace:party:regulator"), packer_);
  EXPECT_TRUE(LotAt(KeyOf("B2")).recalled());
}

TEST_F(AttestationTest, RejectsAttestingAnythingButGoodsEvents) {
  PrivateKey newcomer = PrivateKey::Generate();
  ExpectRejected(Attested(RegisterBody(newcomer, "newcomer", {v1::ROLE_FARMER}), kPartnerFarm),
                 admin_, Reason::kMalformed);
  // Land records are their signers' own too: an application on a plot is never attested.
  v1::RecordBody input = Body();
  v1::InputApplication& application = *input.mutable_input_application();
  application.set_plot_id("plot-1");
  application.set_product("Coragen 20% SC");
  application.set_active_ingredient("chlorantraniliprole");
  application.set_phi_days(14);
  Status refused = ExpectRejected(Attested(input, kPartnerFarm), packer_, Reason::kMalformed);
  EXPECT_NE(refused.message().find("only events about goods"), std::string::npos)
      << refused.message();
}

TEST_F(AttestationTest, RejectsAnAttestationNamingNobody) {
  v1::RecordBody body = HarvestBody("B1", "500kg");
  body.mutable_attestation()->set_event_id("x");
  ExpectRejected(body, packer_, Reason::kMalformed);
}

TEST_F(AttestationTest, RejectsAnAttestationByADevice) {
  PrivateKey device = PrivateKey::Generate();
  v1::Participant sensor;
  sensor.set_pubkey(Pub(device));
  sensor.set_name("probe-1");
  sensor.set_device_owner(Pub(packer_));
  state_.PutParticipant(sensor);
  ExpectRejected(Attested(HarvestBody("B1", "500kg"), kPartnerFarm), device,
                 Reason::kNotAuthorized);
}

}  // namespace
}  // namespace agritrace::chain

// The Digital Link resolver's descriptions: link type names, the RFC 9264 linkset, Link header.
#include "node/http/resolver.h"

#include <gtest/gtest.h>

namespace agritrace::node {
namespace {

TEST(ResolverTest, NormalizesLinkTypesToTheCompactForm) {
  EXPECT_EQ(NormalizeLinkType("gs1:epcis"), "gs1:epcis");
  EXPECT_EQ(NormalizeLinkType("https://gs1.org/voc/epcis"), "gs1:epcis");
  EXPECT_EQ(NormalizeLinkType("http://gs1.org/voc/recallStatus"), "gs1:recallStatus");
  EXPECT_EQ(NormalizeLinkType("all"), "all");
  EXPECT_EQ(NormalizeLinkType(""), "");
  EXPECT_EQ(LinkTypeUri("gs1:pip"), "https://gs1.org/voc/pip");
}

TEST(ResolverTest, LotLinksetListsEveryLinkTypeWithTheDefault) {
  const std::string anchor = "https://t.example/01/06901234567892/10/B%2F7";
  const nlohmann::json set = Linkset(anchor, true, {"en", "zh"})["linkset"][0];
  EXPECT_EQ(set["anchor"], anchor);
  for (const LinkTypeInfo& t : LotLinkTypes()) {
    const nlohmann::json& link = set[LinkTypeUri(t.compact)][0];
    EXPECT_EQ(link["href"], anchor + "?linkType=" + t.compact);
    EXPECT_EQ(link["type"], t.type);
  }
  EXPECT_EQ(set["https://gs1.org/voc/defaultLink"], set["https://gs1.org/voc/pip"]);
  EXPECT_EQ(set["https://gs1.org/voc/pip"][0]["hreflang"], nlohmann::json({"en", "zh"}));
}

TEST(ResolverTest, GtinLinksetHasOnlyItsPage) {
  const nlohmann::json set =
      Linkset("https://t.example/01/06901234567892", false, {"en"})["linkset"][0];
  EXPECT_TRUE(set.contains("https://gs1.org/voc/pip"));
  EXPECT_FALSE(set.contains("https://gs1.org/voc/epcis"));
  EXPECT_EQ(LinkHeader("https://t.example/01/06901234567892", false).find("gs1:epcis"),
            std::string::npos);
}

}  // namespace
}  // namespace agritrace::node

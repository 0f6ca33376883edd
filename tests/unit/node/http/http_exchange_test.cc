// The gateway's transport-neutral request target parsing and routing.
#include "node/http/http_exchange.h"

#include <gtest/gtest.h>

#include "node/http/gateway_limits.h"

namespace agritrace::node {
namespace {

TEST(ParseRequestTargetTest, SplitsOnRawSlashesThenDecodesEachSegment) {
  auto target = ParseRequestTarget("/01/06901234567892/10/B%2F7?linkType=gs1%3Apip&17=261231");
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->segments, (std::vector<std::string>{"01", "06901234567892", "10", "B/7"}));
  EXPECT_EQ(target->Param("linkType"), "gs1:pip");
  EXPECT_EQ(target->Param("17"), "261231");
  EXPECT_EQ(target->raw_path, "/01/06901234567892/10/B%2F7");
}

TEST(ParseRequestTargetTest, ReadsRepeatedParametersAndPlusAsSpace) {
  auto target = ParseRequestTarget("/epcis/events?EQ_bizStep=a&EQ_bizStep=b+c&x");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->Params("EQ_bizStep"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_TRUE(target->HasParam("x"));
  EXPECT_FALSE(target->HasParam("y"));
}

TEST(ParseRequestTargetTest, IgnoresATrailingSlash) {
  auto target = ParseRequestTarget("/healthz/");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->segments, (std::vector<std::string>{"healthz"}));
}

TEST(ParseRequestTargetTest, RejectsBadEscapesAndTooManyPartsAsMalformed) {
  std::string long_path;
  for (size_t i = 0; i <= kMaxTargetSegments; ++i) long_path += "/a";
  std::string many_params = "/x?";
  for (size_t i = 0; i <= kMaxQueryParameters; ++i) many_params += "p=1&";
  for (const std::string& bad : {std::string("/a%zz"), std::string("/a?b=%2"),
                                 std::string("http://host/a"), long_path, many_params}) {
    auto target = ParseRequestTarget(bad);
    EXPECT_FALSE(target.ok()) << bad;
    EXPECT_EQ(target.status().reason(), chain::Reason::kMalformed) << bad;
  }
}

HttpRouter TestRouter() {
  HttpRouter router;
  const auto echo = [](std::string name) {
    return [name](const HttpRequest&, const RequestTarget&, const std::vector<std::string>& rest,
                  HttpResponse& res) {
      std::string text = name;
      for (const auto& s : rest) text += "|" + s;
      res.SetBody(text, "text/plain");
    };
  };
  router.Add({"api", "v1", "lots"}, false, "api_lot", echo("lots"));
  router.Add({"healthz"}, true, "healthz", echo("health"));
  router.SetFallback("page", echo("page"));
  return router;
}

HttpResponse Get(const HttpRouter& router, const std::string& target,
                 const std::string& method = "GET") {
  return router.Handle(HttpRequest{method, target, {}, "127.0.0.1"});
}

TEST(HttpRouterTest, RoutesOnDecodedSegmentsWithTheRestForTheHandler) {
  const HttpRouter router = TestRouter();
  EXPECT_EQ(Get(router, "/api/v1/lots/01/x/10/A%2F1").body, "lots|01|x|10|A/1");
  EXPECT_EQ(Get(router, "/healthz").body, "health");
  EXPECT_EQ(Get(router, "/healthz/more").body, "page|healthz|more");  // exact route
  EXPECT_EQ(Get(router, "/api%2Fv1/lots").body, "page|api/v1|lots");  // one segment, no route
  EXPECT_EQ(router.LabelOf("/api/v1/lots/00/1"), "api_lot");
  EXPECT_EQ(router.LabelOf("/%zz"), "other");
}

TEST(HttpRouterTest, AnswersBadTargetsMethodsAndPreflights) {
  const HttpRouter router = TestRouter();
  EXPECT_EQ(Get(router, "/a%zz").status, 400);
  EXPECT_EQ(Get(router, "/healthz", "POST").status, 405);
  HttpResponse preflight = Get(router, "/01/x", "OPTIONS");
  EXPECT_EQ(preflight.status, 204);
  bool cors = false;
  for (const auto& [name, value] : preflight.headers) {
    cors = cors || (name == "Access-Control-Allow-Origin" && value == "*");
  }
  EXPECT_TRUE(cors);
}

}  // namespace
}  // namespace agritrace::node

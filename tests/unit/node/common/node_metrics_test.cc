#include "node/common/node_metrics.h"

#include <gtest/gtest.h>

namespace agritrace::node {
namespace {

// Each metric has its HELP and TYPE lines and one sample, as Prometheus text format requires.
TEST(NodeMetricsTest, EvidenceIsCountedAndItsPendingGaugeSet) {
  NodeMetrics metrics;
  metrics.OnEvidenceCommitted(2);
  metrics.OnEvidenceCommitted(1);
  metrics.SetEvidencePending(5);
  metrics.SetEvidencePending(4);
  const std::string text = metrics.RenderPrometheus({});
  EXPECT_NE(text.find("# TYPE agritrace_evidence_committed_total counter\n"
                      "agritrace_evidence_committed_total 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE agritrace_evidence_pending gauge\nagritrace_evidence_pending 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# HELP agritrace_evidence_committed_total "), std::string::npos);
  EXPECT_NE(text.find("# HELP agritrace_evidence_pending "), std::string::npos);
}

}  // namespace
}  // namespace agritrace::node

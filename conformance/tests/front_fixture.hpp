#pragma once
// What the check tests share: an in-process reference behind a MutantFront as
// a profile, running one check against it, and judging a result.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "conformance/tests/mutant_front.hpp"
#include "conformance/tests/support.hpp"
#include "reference/testkit/in_process_backend.hpp"

namespace mcpgym::conformance::testing {

// The JSON body of a forwarded request (discarded when it is none).
inline nlohmann::json body_of(const ForwardedRequest& r) {
  return nlohmann::json::parse(r.body, nullptr, false);
}

// The JSON-RPC method of a forwarded request; empty when it has none.
inline std::string method_of(const ForwardedRequest& r) {
  const nlohmann::json b = body_of(r);
  if (!b.is_object() || !b.contains("method") || !b["method"].is_string()) return {};
  return b["method"].get<std::string>();
}

// An in-process reference (optionally configured or with faults) behind a mutant front.
struct Mutant {
  testkit::InProcessBackend backend;
  MutantFront front;
  Profile profile;
  Mutant(MutantFront::RequestHook on_request, MutantFront::ResponseHook on_response,
         gym::GymAppOptions app = {},
         mcp::HttpServerOptions options = testkit::InProcessBackend::default_options())
      : backend(app, options),
        front("127.0.0.1", backend.port(), std::move(on_request), std::move(on_response)),
        profile(url_profile(front.url())) {}
};

// Check `id` against a Mutant with these hooks.
inline CheckResult run_mutant(const std::string& id, MutantFront::RequestHook on_request,
                              MutantFront::ResponseHook on_response = {}) {
  Mutant m(std::move(on_request), std::move(on_response));
  return run_check(m.profile, id);
}

inline void expect_verdict(const CheckResult& r, Verdict verdict, const std::string& actual_part) {
  EXPECT_EQ(r.verdict, verdict) << describe(r);
  EXPECT_NE(r.actual.find(actual_part), std::string::npos)
      << "actual should mention: " << actual_part << "\n"
      << describe(r);
}

// Runs the checks matching `patterns` against `profile`: those in `skipped`
// must be skipped, every other must pass, and the others' ids must be `want`
// in order.
inline void expect_all_pass(const Profile& profile, const std::vector<std::string>& patterns,
                            const std::vector<std::string>& want,
                            const std::vector<std::string>& skipped = {}) {
  std::vector<std::string> seen;
  for (const auto& r : run_checks(profile, patterns)) {
    if (std::find(skipped.begin(), skipped.end(), r.id) != skipped.end()) {
      EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);
      continue;
    }
    seen.push_back(r.id);
    EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  }
  EXPECT_EQ(seen, want);
}

}  // namespace mcpgym::conformance::testing

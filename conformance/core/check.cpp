#include "conformance/core/check.hpp"

#include <utility>

namespace mcpgym::conformance {

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kMust:
      return "MUST";
    case Level::kShould:
      return "SHOULD";
    case Level::kMay:
      return "MAY";
  }
  return "?";
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kWarn:
      return "warn";
    case Verdict::kSkip:
      return "skip";
    case Verdict::kError:
      return "error";
  }
  return "?";
}

std::string_view check_era_name(CheckEra era) {
  switch (era) {
    case CheckEra::kLegacy:
      return "legacy";
    case CheckEra::kModern:
      return "modern";
    case CheckEra::kBoth:
      return "both";
  }
  return "?";
}

std::string_view profile_kind_name(ProfileKind kind) {
  switch (kind) {
    case ProfileKind::kBackend:
      return "backend";
    case ProfileKind::kProxy:
      return "proxy";
    case ProfileKind::kMcp:
      return "mcp";
  }
  return "?";
}

std::string_view feature_name(Feature feature) {
  switch (feature) {
    case Feature::kSlippery:
      return "slippery";
    case Feature::kTruncation:
      return "truncation";
    case Feature::kGymnasiumMaps:
      return "gymnasium-maps";
    case Feature::k8x8:
      return "8x8";
  }
  return "?";
}

std::optional<Feature> parse_feature(std::string_view name) {
  for (Feature f :
       {Feature::kSlippery, Feature::kTruncation, Feature::kGymnasiumMaps, Feature::k8x8}) {
    if (feature_name(f) == name) return f;
  }
  return std::nullopt;
}

std::string_view control_plane_name(ControlPlane form) {
  return form == ControlPlane::kResources ? "resources" : "http";
}

Outcome Outcome::held(std::string expected, std::string actual) {
  return Outcome{Kind::kHeld, std::move(expected), std::move(actual), {}};
}
Outcome Outcome::broken(std::string expected, std::string actual) {
  return Outcome{Kind::kBroken, std::move(expected), std::move(actual), {}};
}
Outcome Outcome::not_applicable(std::string reason) {
  return Outcome{Kind::kNotApplicable, "", std::move(reason), {}};
}
Outcome Outcome::could_not_run(std::string why) {
  return Outcome{Kind::kCouldNotRun, "", std::move(why), {}};
}
Outcome&& Outcome::with(std::string detail) && {
  details.push_back(std::move(detail));
  return std::move(*this);
}

std::string Check::area() const {
  return id.substr(0, id.find('.'));
}

Verdict verdict_for(Outcome::Kind kind, Level level) {
  switch (kind) {
    case Outcome::Kind::kHeld:
      return Verdict::kPass;
    case Outcome::Kind::kNotApplicable:
      return Verdict::kSkip;
    case Outcome::Kind::kCouldNotRun:
      return Verdict::kError;
    case Outcome::Kind::kBroken:
      return level == Level::kMust     ? Verdict::kFail
             : level == Level::kShould ? Verdict::kWarn
                                       : Verdict::kPass;
  }
  return Verdict::kError;
}

}  // namespace mcpgym::conformance

#pragma once
// Waiting for a launched implementation to become ready (LaunchSpec::readiness;
// not part of the supervisor's interface).
#include <optional>
#include <regex>
#include <string>

#include "common/expected.hpp"
#include "harness/process/process_impl.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::harness::internal {

// Waits as `spec.readiness` says, until `deadline`, and starts the stdout
// drain. On success the Process knows its URL; otherwise an error
// ([mcpgym.process.exited_early] or [mcpgym.process.not_ready], the latter
// after stopping the process) naming what was waited for, what was seen and
// the last lines of stderr. `pattern` is the compiled readiness pattern
// (kStdoutLine only).
Expected<void, std::string> await_readiness(ProcessImpl& process, const LaunchSpec& spec,
                                            const std::optional<std::regex>& pattern,
                                            const std::string& default_url,
                                            Clock::time_point deadline);

}  // namespace mcpgym::harness::internal

#pragma once

#include <cstddef>

namespace mcpgym::numpy {

// gymnasium's categorical_sample, np.argmax(np.cumsum(probs) > u), given the drawn u. The
// running sum is added in order like np.cumsum, so rounding matches; when rounding leaves the
// total at or below u, argmax of an all-false array is 0, and so is this.
template <class Probabilities>
std::size_t categorical_sample(const Probabilities& probabilities, double u) {
  double cumulative = 0.0;
  std::size_t index = 0;
  for (const double p : probabilities) {
    cumulative += p;
    if (cumulative > u) return index;
    ++index;
  }
  return 0;
}

}  // namespace mcpgym::numpy

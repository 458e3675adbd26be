// Links probe_upper: its header, and probe_lower's through it, are visible.
#include "lower/lower.hpp"
#include "upper/upper.hpp"

int main() {
  return upper_value() == lower_value() + 1 ? 0 : 1;
}

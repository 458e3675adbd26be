// A library sees the headers of what it links.
#include "upper/upper.hpp"

#include "lower/lower.hpp"

int upper_value() {
  return lower_value() + 1;
}

#include "lower/lower.hpp"

int lower_value() {
  return 1;
}

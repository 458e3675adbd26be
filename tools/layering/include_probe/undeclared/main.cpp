// Links only probe_lower: including probe_upper's header must not compile.
#include "upper/upper.hpp"

int main() {
  return upper_marker - 2;
}

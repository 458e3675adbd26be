# All dependencies come from Debian packages, through their own CMake or
# pkg-config files (tools/install-deps.sh installs them). Nothing is downloaded.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(GTest REQUIRED)
find_package(rapidcheck REQUIRED)
# Boost.Process (v1 API) is header-only once told to use std::filesystem.
find_package(Boost 1.81 REQUIRED)

find_package(PkgConfig REQUIRED)
# cpp-httplib 0.11 is a compiled library; its Cflags (OpenSSL, zlib, brotli
# switches) change the class layout, so every user compiles with exactly them.
pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)

if(MCPGYM_BUILD_BENCHMARKS)
  find_package(benchmark QUIET)
endif()

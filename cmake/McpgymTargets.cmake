# Project-wide conventions for our own targets (never applied to third-party code).

# What `ctest -L unit` runs, and the programs they may start: `make test-asan`
# builds only this, not the program-level test executables it does not run.
if(NOT TARGET mcpgym-unit-tests)
  add_custom_target(mcpgym-unit-tests)
endif()

# Include scopes: a target sees only the headers of the directories of its own
# sources and those of the libraries it links. mcpgym_stage_headers puts the
# .hpp files of those directories under ${PROJECT_BINARY_DIR}/include/<target>/
# at their repository-relative path (symlinks, so edits are seen at once) and
# adds that directory, and only it, to the target's include path: PUBLIC for a
# library, PRIVATE for a program or test. `#include "reference/mcp/x.hpp"` from
# a target that does not link mcpgym_mcp then fails to compile. A header-only
# piece belongs to the library whose directory holds it; HEADER_DIRS names
# directories a target owns without having sources there, HEADERS single
# headers (a header-only seam that shares a directory with a library above it).
function(mcpgym_stage_headers target scope)
  cmake_parse_arguments(ARG "" "" "SOURCES;HEADER_DIRS;HEADERS" ${ARGN})
  set(dirs "")
  foreach(source IN LISTS ARG_SOURCES)
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} OUTPUT_VARIABLE source)
    cmake_path(GET source PARENT_PATH dir)
    list(APPEND dirs ${dir})
  endforeach()
  foreach(dir IN LISTS ARG_HEADER_DIRS)
    cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} NORMALIZE
                OUTPUT_VARIABLE dir)
    list(APPEND dirs ${dir})
  endforeach()
  list(REMOVE_DUPLICATES dirs)
  set(headers "")
  foreach(dir IN LISTS dirs)
    # CONFIGURE_DEPENDS: a header added later re-runs the configure step.
    file(GLOB dir_headers CONFIGURE_DEPENDS ${dir}/*.hpp)
    list(APPEND headers ${dir_headers})
  endforeach()
  foreach(header IN LISTS ARG_HEADERS)
    cmake_path(ABSOLUTE_PATH header BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} NORMALIZE
               OUTPUT_VARIABLE header)
    list(APPEND headers ${header})
  endforeach()
  list(REMOVE_DUPLICATES headers)
  set(stage ${PROJECT_BINARY_DIR}/include/${target})
  file(REMOVE_RECURSE ${stage})  # headers deleted or moved since the last configure
  file(MAKE_DIRECTORY ${stage})
  foreach(header IN LISTS headers)
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${header})
    cmake_path(GET relative PARENT_PATH relative_dir)
    file(MAKE_DIRECTORY ${stage}/${relative_dir})
    file(CREATE_LINK ${header} ${stage}/${relative} SYMBOLIC)
  endforeach()
  target_include_directories(${target} ${scope} $<BUILD_INTERFACE:${stage}>)
endfunction()

# The linker option for MCPGYM_FAST_LINKER: lld, else gold, else none (the
# toolchain's default); found once per build directory.
if(MCPGYM_FAST_LINKER AND NOT DEFINED CACHE{MCPGYM_LINKER_FLAG})
  include(CheckLinkerFlag)
  set(flag "")
  foreach(linker IN ITEMS lld gold)
    check_linker_flag(CXX -fuse-ld=${linker} MCPGYM_HAS_LINKER_${linker})
    if(MCPGYM_HAS_LINKER_${linker})
      set(flag -fuse-ld=${linker})
      break()
    endif()
  endforeach()
  set(MCPGYM_LINKER_FLAG "${flag}" CACHE INTERNAL "The linker option MCPGYM_FAST_LINKER chose")
  message(STATUS "MCPGYM_FAST_LINKER: ${flag}")
endif()

function(mcpgym_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra $<$<BOOL:${MCPGYM_WERROR}>:-Werror>)
  if(MCPGYM_FAST_LINKER AND MCPGYM_LINKER_FLAG)
    target_link_options(${target} PRIVATE ${MCPGYM_LINKER_FLAG})
  endif()
  target_compile_definitions(${target} PUBLIC BOOST_PROCESS_USE_STD_FS)
  if(MCPGYM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(MCPGYM_FUZZ)
    # Coverage for libFuzzer in every library a target links; the fuzz targets
    # themselves link the fuzzer's main (mcpgym_add_fuzz_target).
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                                             -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# Precompiled headers for the test executables (option MCPGYM_PCH of the
# top-level project): GoogleTest, GMock, RapidCheck and nlohmann/json, parsed
# once per build directory instead of once per test translation unit. They are
# compiled once, in the target mcpgym_pch_test with the tests' own flags
# (mcpgym_target_defaults, mcpgym_test_code_flags), and every test REUSE_FROMs
# it. Only third-party headers are precompiled, so the include scopes of the
# project's headers are unchanged. Libraries and programs get none: their
# translation units are dominated by code generation, and loading a PCH costs
# about a second per file (docs/performance.md, "Build time"). A PCH that no
# longer matches its users' flags would silently be ignored (a slower build, not
# a wrong one); CMake passes -Winvalid-pch, so that is a warning, an error under
# MCPGYM_WERROR. OFF by default, ON in the project's own builds (Makefile): with
# the PCH, g++ 12 at -O2 reports false -Warray-bounds/-Wrestrict on std::string
# operator+ in test files that compile clean without it; the tests' files compile
# at -O0 in RelWithDebInfo and Debug (mcpgym_test_code_flags), where it does not.
function(mcpgym_use_test_pch target)
  if(NOT MCPGYM_PCH)
    return()
  endif()
  if(NOT TARGET mcpgym_pch_test)
    set(anchor ${PROJECT_BINARY_DIR}/mcpgym_pch_test.cpp)
    file(CONFIGURE OUTPUT ${anchor} CONTENT "// Only compiles the tests' precompiled header.\n")
    add_library(mcpgym_pch_test OBJECT ${anchor})
    mcpgym_target_defaults(mcpgym_pch_test)
    mcpgym_test_code_flags(mcpgym_pch_test)
    target_link_libraries(mcpgym_pch_test PRIVATE GTest::gtest GTest::gmock rapidcheck
                                                  nlohmann_json::nlohmann_json)
    target_precompile_headers(mcpgym_pch_test PRIVATE <gtest/gtest.h> <gmock/gmock.h>
                              <rapidcheck.h> <rapidcheck/gtest.h> <nlohmann/json.hpp> <chrono>
                              <filesystem> <functional> <map> <memory> <optional> <string>
                              <string_view> <thread> <vector>)
  endif()
  target_precompile_headers(${target} REUSE_FROM mcpgym_pch_test)
endfunction()

# A static library of the project. Its headers are the .hpp files of its
# sources' directories (and of HEADER_DIRS), visible to it and to whoever links
# it; LIBS are its dependencies, PUBLIC. Each library is recorded for the
# layering check (mcpgym_write_library_graph).
# Without SOURCES it is header-only (an INTERFACE library of HEADER_DIRS and
# HEADERS).
function(mcpgym_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;HEADER_DIRS;HEADERS" ${ARGN})
  if(ARG_SOURCES)
    add_library(${name} STATIC ${ARG_SOURCES})
    mcpgym_target_defaults(${name})
    set(scope PUBLIC)
  else()
    add_library(${name} INTERFACE)
    set(scope INTERFACE)
  endif()
  mcpgym_stage_headers(${name} ${scope} SOURCES ${ARG_SOURCES} HEADER_DIRS ${ARG_HEADER_DIRS}
                       HEADERS ${ARG_HEADERS})
  target_link_libraries(${name} ${scope} ${ARG_LIBS})
  mcpgym_record_library(${name})
endfunction()

function(mcpgym_add_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  mcpgym_target_defaults(${name})
  mcpgym_stage_headers(${name} PRIVATE SOURCES ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  add_dependencies(mcpgym-unit-tests ${name})
endfunction()

# The library graph for tools/check-layering.sh: one line per library,
# "<library> <top-level folder> <linked library>...", written at generate time.
function(mcpgym_record_library name)
  set_property(GLOBAL APPEND PROPERTY MCPGYM_LIBRARIES ${name})
endfunction()

function(mcpgym_write_library_graph file)
  get_property(libraries GLOBAL PROPERTY MCPGYM_LIBRARIES)
  set(lines "")
  foreach(library IN LISTS libraries)
    get_target_property(dir ${library} SOURCE_DIR)
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${dir})
    string(REGEX REPLACE "/.*" "" folder "${relative}")
    get_target_property(links ${library} INTERFACE_LINK_LIBRARIES)  # PUBLIC or INTERFACE
    set(deps "")
    foreach(link IN LISTS links)
      if(link IN_LIST libraries)
        list(APPEND deps ${link})
      endif()
    endforeach()
    list(JOIN deps " " deps)
    string(APPEND lines "${library} ${folder} ${deps}\n")
  endforeach()
  file(WRITE ${file} "${lines}")
endfunction()

# Flags for the tests' own translation units (not the libraries they test).
# Line tables only (-g1): enough for a backtrace, a sanitizer report or a
# breakpoint by line, but no description of variables and types, which made up
# most of a test object's size and much of its compile time (docs/performance.md,
# "Build time").
# In RelWithDebInfo (make build, make test) the tests' own files are also not
# optimised (-O0): optimisation and code generation were half of a test
# file's compile time and the test code itself does little work; the
# libraries and programs under test keep -O2, so program-level tests run the
# optimised programs. (Inline templates a test file instantiates, such as
# nlohmann/json's, may then run unoptimised in that test executable.)
function(mcpgym_test_code_flags target)
  target_compile_options(${target} PRIVATE $<$<CONFIG:Debug,RelWithDebInfo>:-g1>
                                           $<$<CONFIG:RelWithDebInfo>:-O0>)
endfunction()

# How long one test may run before ctest stops it: a guard against hangs, not
# a timing target. Sanitized programs start and run several times slower, and
# the suite's whole-run tests against the proxy (which starts a sanitized
# backend per session) took 100 s of the 120 under ASan+UBSan, so the guard
# is wider there.
if(MCPGYM_SANITIZE)
  set(MCPGYM_TEST_TIMEOUT 360)
else()
  set(MCPGYM_TEST_TIMEOUT 120)
endif()

# A GoogleTest executable whose tests ctest discovers one by one.
# LABELS is "<kind>;<area>": kind `unit` (in-process, also run under ASan+UBSan
# by `make test-asan`) or `program` (spawns built programs); the area prefixes
# each test's name, so `ctest -R '^model\.'` selects an area. (gtest_discover_tests
# in CMake 3.25 flattens PROPERTIES, so a test can carry only one label.)
function(mcpgym_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS;DEFINITIONS" ${ARGN})
  list(GET ARG_LABELS 0 kind)
  list(LENGTH ARG_LABELS label_count)
  set(prefix "")
  if(label_count GREATER 1)
    list(GET ARG_LABELS 1 area)
    set(prefix "${area}.")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  mcpgym_target_defaults(${name})
  mcpgym_test_code_flags(${name})
  mcpgym_use_test_pch(${name})
  mcpgym_stage_headers(${name} PRIVATE SOURCES ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main
                                        rapidcheck)
  target_compile_definitions(${name} PRIVATE MCPGYM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             ${ARG_DEFINITIONS})
  gtest_discover_tests(${name} TEST_PREFIX "${prefix}" DISCOVERY_TIMEOUT 30
                       PROPERTIES LABELS ${kind} TIMEOUT ${MCPGYM_TEST_TIMEOUT})
  if(kind STREQUAL "unit")
    add_dependencies(mcpgym-unit-tests ${name})
  endif()
endfunction()

# A libFuzzer target (fuzz/): SOURCES define LLVMFuzzerTestOneInput and call the
# project's real code. In a normal build it is linked with the replay main
# (fuzz/replay_main.cpp, the library mcpgym_fuzz_replay_main) and registered as
# the ctest test fuzz.<name> (label `unit`, so ASan+UBSan replay it too) over
# its committed corpus fuzz/corpus/<name>/; with MCPGYM_FUZZ=ON it is linked
# with libFuzzer instead, for `make fuzz`. Binaries land in build/fuzz/.
function(mcpgym_add_fuzz_target name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target mcpgym-fuzz-${name})
  set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name})
  if(NOT IS_DIRECTORY ${corpus})
    message(FATAL_ERROR "fuzz target ${name} has no seed corpus at ${corpus}")
  endif()
  add_executable(${target} ${ARG_SOURCES})
  mcpgym_target_defaults(${target})
  mcpgym_stage_headers(${target} PRIVATE SOURCES ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
  add_dependencies(mcpgym-fuzz-targets ${target})  # defined in fuzz/CMakeLists.txt
  if(MCPGYM_FUZZ)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  else()
    target_link_libraries(${target} PRIVATE mcpgym_fuzz_replay_main)
    add_dependencies(mcpgym-unit-tests ${target})
    add_test(NAME fuzz.${name} COMMAND ${target} ${corpus})
    set_tests_properties(fuzz.${name} PROPERTIES LABELS unit TIMEOUT ${MCPGYM_TEST_TIMEOUT})
  endif()
endfunction()

# Project-wide conventions for our own targets (never applied to third-party code).

function(mcpgym_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
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

function(mcpgym_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  mcpgym_target_defaults(${name})
  target_link_libraries(${name} PUBLIC ${ARG_LIBS})
endfunction()

function(mcpgym_add_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  mcpgym_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  add_dependencies(mcpgym-unit-tests ${name})
endfunction()

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
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main
                                        rapidcheck)
  target_compile_definitions(${name} PRIVATE MCPGYM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             ${ARG_DEFINITIONS})
  gtest_discover_tests(${name} TEST_PREFIX "${prefix}" DISCOVERY_TIMEOUT 30
                       PROPERTIES LABELS ${kind} TIMEOUT 120)
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
  target_link_libraries(${target} PRIVATE ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
  add_dependencies(mcpgym-fuzz-targets ${target})  # defined in fuzz/CMakeLists.txt
  if(MCPGYM_FUZZ)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  else()
    target_link_libraries(${target} PRIVATE mcpgym_fuzz_replay_main)
    add_dependencies(mcpgym-unit-tests ${target})
    add_test(NAME fuzz.${name} COMMAND ${target} ${corpus})
    set_tests_properties(fuzz.${name} PROPERTIES LABELS unit TIMEOUT 120)
  endif()
endfunction()

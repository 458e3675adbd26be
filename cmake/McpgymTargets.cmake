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
endfunction()

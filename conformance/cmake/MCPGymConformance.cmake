# mcpgym_add_conformance_test: runs the MCP-Gym conformance suite against a
# server as part of a project's ctest, one ctest test per requirement area
# (labels `conformance` and `conformance-<area>`), each running that area's
# checks as GoogleTest tests (mcpgym-conform-gtest), with JUnit XML written
# next to the build's test files.
#
#   mcpgym_add_conformance_test(NAME <name>
#     PROFILE backend|proxy|mcp
#     COMMAND <template> | URL <url> | STDIO <command> | PROFILE_FILE <file>
#     [CONTROL_PLANE resources|http|both] [FEATURES <feature>...] [MAX_ENVS <n>]
#     [BASELINE <file>] [STRICT] [AREAS <area>...] [LABELS <label>...]
#     [TIMEOUT <seconds>] [WORKING_DIRECTORY <dir>] [EXTRA_ARGS <arg>...])
#
# COMMAND is a template: {port} is required, {seed} and {config} are
# optional, and a proxy's command takes {backend}. Write placeholders as they
# are; CMake passes them through. Found through find_package(mcpgym-conformance)
# after install, or from the build tree with add_subdirectory.
set(MCPGYM_CONFORMANCE_AREAS lifecycle headers sessions properties proxy-paths proxy-forwarding
    termination metadata determinism)

function(mcpgym_add_conformance_test)
  cmake_parse_arguments(ARG "STRICT" "NAME;PROFILE;COMMAND;URL;STDIO;PROFILE_FILE;CONTROL_PLANE;MAX_ENVS;BASELINE;TIMEOUT;WORKING_DIRECTORY"
                        "FEATURES;AREAS;LABELS;EXTRA_ARGS" ${ARGN})
  if(NOT ARG_NAME)
    message(FATAL_ERROR "mcpgym_add_conformance_test: NAME is required")
  endif()
  if(TARGET mcpgym::mcpgym-conform-gtest)
    set(runner mcpgym::mcpgym-conform-gtest)
  elseif(TARGET mcpgym-conform-gtest)
    set(runner mcpgym-conform-gtest)
  else()
    message(FATAL_ERROR "mcpgym_add_conformance_test: no mcpgym-conform-gtest target; "
                        "find_package(mcpgym-conformance) or add_subdirectory the suite first")
  endif()

  set(args)
  if(ARG_PROFILE_FILE)
    list(APPEND args --profile-file ${ARG_PROFILE_FILE})
  else()
    if(NOT ARG_PROFILE)
      message(FATAL_ERROR "mcpgym_add_conformance_test(${ARG_NAME}): PROFILE is required")
    endif()
    list(APPEND args --profile ${ARG_PROFILE})
    if(ARG_COMMAND)
      list(APPEND args --cmd "${ARG_COMMAND}")
    elseif(ARG_URL)
      list(APPEND args --url "${ARG_URL}")
    elseif(ARG_STDIO)
      list(APPEND args --stdio "${ARG_STDIO}")
    else()
      message(FATAL_ERROR "mcpgym_add_conformance_test(${ARG_NAME}): give COMMAND, URL, STDIO or PROFILE_FILE")
    endif()
    if(ARG_CONTROL_PLANE)
      list(APPEND args --control-plane ${ARG_CONTROL_PLANE})
    endif()
    if(ARG_FEATURES)
      string(REPLACE ";" "," features "${ARG_FEATURES}")
      list(APPEND args --features ${features})
    endif()
    if(ARG_MAX_ENVS)
      list(APPEND args --max-envs ${ARG_MAX_ENVS})
    endif()
  endif()
  if(ARG_BASELINE)
    list(APPEND args --baseline ${ARG_BASELINE})
  endif()
  if(ARG_STRICT)
    list(APPEND args --strict)
  endif()
  list(APPEND args ${ARG_EXTRA_ARGS})

  set(areas ${ARG_AREAS})
  if(NOT areas)
    set(areas ${MCPGYM_CONFORMANCE_AREAS})
    if(NOT ARG_PROFILE STREQUAL "proxy")
      list(REMOVE_ITEM areas proxy-paths proxy-forwarding)
    endif()
  endif()
  set(timeout 120)
  if(ARG_TIMEOUT)
    set(timeout ${ARG_TIMEOUT})
  endif()
  set(workdir ${CMAKE_CURRENT_BINARY_DIR})
  if(ARG_WORKING_DIRECTORY)
    set(workdir ${ARG_WORKING_DIRECTORY})
  endif()
  foreach(area IN LISTS areas)
    set(test ${ARG_NAME}.${area})
    add_test(NAME ${test}
             COMMAND $<TARGET_FILE:${runner}> ${args} --only "${area}.*"
                     --gtest_output=xml:${CMAKE_CURRENT_BINARY_DIR}/conformance-junit/${test}.xml
             WORKING_DIRECTORY ${workdir})
    set_tests_properties(${test} PROPERTIES LABELS "conformance;conformance-${area};${ARG_LABELS}"
                                            TIMEOUT ${timeout})
  endforeach()
endfunction()

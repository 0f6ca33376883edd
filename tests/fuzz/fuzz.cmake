# tests/fuzz/: one libFuzzer target per decoder and parser. Included from the top
# CMakeLists.txt (same directory scope, so the generated web assets are visible here).
#
# Normal build (any compiler): each fuzz_<thing> is an ordinary executable whose main()
# (replay_main.cc) feeds every file of tests/fuzz/corpus/fuzz_<thing>/ to the target once;
# ctest runs these as tests labelled `fuzz`.
# -DAGRITRACE_FUZZ=ON (CC=clang CXX=clang++): the same sources become libFuzzer binaries with
# ASan + UBSan, and the code under test (the chain/ layers, plus the node/ files a target compiles
# in) gets coverage instrumentation. scripts/fuzz.sh configures, builds and runs them. Only the
# fuzz targets are meant to be built in that tree (`--target fuzz_all`).
option(AGRITRACE_FUZZ "Build tests/fuzz as libFuzzer binaries (needs CC=clang CXX=clang++)" OFF)

set(FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
set(FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -g)
if(AGRITRACE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "AGRITRACE_FUZZ needs clang: configure with CC=clang CXX=clang++")
  endif()
  # -Wno-error: clang warns about things gcc (the compiler -Werror is tuned for) does not.
  foreach(layer ${AGRITRACE_CHAIN_LAYERS})
    target_compile_options(${layer} PRIVATE -fsanitize=fuzzer-no-link ${FUZZ_SANITIZERS}
                           -Wno-error)
    target_link_options(${layer} INTERFACE ${FUZZ_SANITIZERS})
  endforeach()
endif()

# Deterministic keys and genesis shared by the targets and the corpus generator.
add_library(agritrace_fuzz_fixture STATIC ${FUZZ_DIR}/fuzz_fixture.cc)
target_link_libraries(agritrace_fuzz_fixture PUBLIC agritrace_rules agritrace_test_support)
if(AGRITRACE_FUZZ)
  target_compile_options(agritrace_fuzz_fixture PRIVATE -fsanitize=fuzzer-no-link
                         ${FUZZ_SANITIZERS})
endif()

set(AGRITRACE_FUZZ_TARGETS)
# agritrace_fuzz_target(NAME [SOURCES extra.cc...] [LIBS lib...] [INCLUDES layer...]):
# tests/fuzz/NAME.cc, its seed
# corpus tests/fuzz/corpus/NAME/, and the ctest replay NAME.
function(agritrace_fuzz_target name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBS;INCLUDES" ${ARGN})
  add_executable(${name} ${FUZZ_DIR}/${name}.cc ${F_SOURCES})
  target_link_libraries(${name} PRIVATE agritrace_fuzz_fixture ${F_LIBS})
  foreach(layer ${F_INCLUDES})  # headers only: their sources are compiled in above
    target_include_directories(${name} PRIVATE ${CMAKE_BINARY_DIR}/include/${layer})
  endforeach()
  target_compile_options(${name} PRIVATE ${AGRITRACE_WARNINGS})
  set(corpus ${FUZZ_DIR}/corpus/${name})
  if(AGRITRACE_FUZZ)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${FUZZ_SANITIZERS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer ${FUZZ_SANITIZERS})
    add_test(NAME ${name} COMMAND ${name} -runs=0 ${corpus})
  else()
    target_sources(${name} PRIVATE ${FUZZ_DIR}/replay_main.cc)
    add_test(NAME ${name} COMMAND ${name} ${corpus})
  endif()
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 60)
  set(AGRITRACE_FUZZ_TARGETS ${AGRITRACE_FUZZ_TARGETS} ${name} PARENT_SCOPE)
endfunction()

agritrace_fuzz_target(fuzz_record LIBS agritrace_export)
agritrace_fuzz_target(fuzz_record_json LIBS agritrace_export)
agritrace_fuzz_target(fuzz_block)
agritrace_fuzz_target(fuzz_consensus LIBS agritrace_consensus)
agritrace_fuzz_target(fuzz_certificate)
agritrace_fuzz_target(fuzz_peer_message SOURCES ${CMAKE_SOURCE_DIR}/node/p2p/peer_handshake.cc
                      LIBS agritrace_consensus INCLUDES agritrace_p2p agritrace_node_common)
agritrace_fuzz_target(fuzz_bundle LIBS agritrace_bundle)
agritrace_fuzz_target(fuzz_keystore LIBS agritrace_keystore)
agritrace_fuzz_target(fuzz_gs1)
agritrace_fuzz_target(fuzz_genesis)
agritrace_fuzz_target(fuzz_epcis_import LIBS agritrace_export)
# node/ files compiled straight in (not the whole agritrace_node library, which pulls in gRPC
# and would triple the instrumented build).
agritrace_fuzz_target(fuzz_config SOURCES ${CMAKE_SOURCE_DIR}/node/common/config.cc
                      LIBS tomlplusplus::tomlplusplus INCLUDES agritrace_node_common)
agritrace_fuzz_target(fuzz_http_route
                      SOURCES ${CMAKE_SOURCE_DIR}/node/http/http_pages.cc
                              ${CMAKE_SOURCE_DIR}/node/http/http_exchange.cc
                              ${CMAKE_SOURCE_DIR}/node/http/resolver.cc ${WEB_ASSETS_CC}
                      INCLUDES agritrace_http)

add_custom_target(fuzz_all DEPENDS ${AGRITRACE_FUZZ_TARGETS})

# The seed corpus generator (tests/fuzz/make_corpus.cc; see tests/fuzz/README.md). Not a test:
# run it by hand when the formats change.
if(NOT AGRITRACE_FUZZ)
  add_executable(fuzz_make_corpus ${FUZZ_DIR}/make_corpus.cc)
  target_link_libraries(fuzz_make_corpus PRIVATE agritrace_fuzz_fixture agritrace_query
                        agritrace_consensus agritrace_export agritrace_keystore agritrace_p2p)
endif()

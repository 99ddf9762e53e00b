# Replays the committed fuzz corpora with any compiler: one ctest test per fuzz target,
# "fuzz-replay/<target>", over tests/fuzz/corpus/<target>/. Included from tests/CMakeLists.txt,
# so it runs in the normal and the sanitizer builds alike (label "unit": pure library).
set(PT_FUZZ_TARGETS fuzz_json fuzz_env fuzz_options)
foreach(t ${PT_FUZZ_TARGETS})
  add_executable(${t}_replay ${CMAKE_CURRENT_LIST_DIR}/${t}.c ${CMAKE_CURRENT_LIST_DIR}/replay_main.c)
  target_link_libraries(${t}_replay PRIVATE podtrace_policy)
  add_test(NAME fuzz-replay/${t} COMMAND ${t}_replay ${CMAKE_CURRENT_LIST_DIR}/corpus/${t})
  set_tests_properties(fuzz-replay/${t} PROPERTIES LABELS "unit;fuzz")
endforeach()

# The proxy's HTTP parsing.
add_executable(fuzz_http_replay ${CMAKE_CURRENT_LIST_DIR}/fuzz_http.c ${CMAKE_CURRENT_LIST_DIR}/replay_main.c
  ${CMAKE_SOURCE_DIR}/src/proxy/http_msg.c)
target_include_directories(fuzz_http_replay PRIVATE ${HTTP_PARSER_INCLUDE})
target_link_libraries(fuzz_http_replay PRIVATE ${HTTP_PARSER_LIB})
if(PODTRACE_SANITIZE)
  target_compile_options(fuzz_http_replay PRIVATE ${PODTRACE_SANITIZE_FLAGS})
  target_link_options(fuzz_http_replay PRIVATE -fsanitize=address,undefined)
endif()
add_test(NAME fuzz-replay/fuzz_http COMMAND fuzz_http_replay ${CMAKE_CURRENT_LIST_DIR}/corpus/fuzz_http)
set_tests_properties(fuzz-replay/fuzz_http PROPERTIES LABELS "unit;fuzz")

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

# Sanitizer and fuzzing builds, for every target of the tree.
#   -DQKOV_SANITIZE=address,undefined   the whole test suite under ASan+UBSan
#   -DQKOV_SANITIZE=thread              ThreadSanitizer (see tests/reliability/tsan.supp)
#   -DQKOV_FUZZ=ON                      libFuzzer targets in fuzz/ (clang only);
#                                       implies address,undefined unless QKOV_SANITIZE says otherwise
# Qt and LibTorch stay uninstrumented (Debian's builds); only our code is.
set(QKOV_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list (e.g. address,undefined or thread); empty = none")
option(QKOV_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)

if(QKOV_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "QKOV_FUZZ=ON needs clang (libFuzzer): configure with CXX=clang++")
  endif()
  if(NOT QKOV_SANITIZE)
    set(QKOV_SANITIZE "address,undefined" CACHE STRING "" FORCE)
  endif()
  # Coverage instrumentation for the parsers the fuzz targets link; the
  # targets themselves add -fsanitize=fuzzer (which brings libFuzzer's main).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(QKOV_SANITIZE)
  add_compile_options(-fsanitize=${QKOV_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${QKOV_SANITIZE})
  if(QKOV_SANITIZE MATCHES "undefined")
    # Undefined behaviour aborts the test (or the fuzz run) instead of
    # printing a line that a passing test would hide.
    add_compile_options(-fno-sanitize-recover=undefined)
    if(NOT QKOV_FUZZ)
      # vptr checks compare typeinfo across libraries; LibTorch's own UBSan
      # builds turn them off for that reason. The fuzz build links no
      # LibTorch and keeps them.
      add_compile_options(-fno-sanitize=vptr)
    endif()
  endif()
  message(STATUS "QKOV: sanitizers ${QKOV_SANITIZE}")
endif()

# Warnings and sanitizers applied to every meridian target through one interface library. Libraries
# link it PRIVATE and only in this build tree ($<BUILD_INTERFACE:meridian_options>), so neither a
# program that adds meridian with add_subdirectory nor one built on the installed package inherits
# -Wall, -Werror or -fsanitize compile flags; executables and tests link it themselves (a static
# library's PRIVATE link options still reach the executables linking it in this tree, so a
# MERIDIAN_SANITIZE build links the sanitizer runtimes wherever its objects go).
add_library(meridian_options INTERFACE)
target_compile_options(meridian_options INTERFACE -Wall -Wextra -Wpedantic)
if(MERIDIAN_WERROR)
  target_compile_options(meridian_options INTERFACE -Werror)
endif()
if(MERIDIAN_SANITIZE)
  target_compile_options(meridian_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(meridian_options INTERFACE -fsanitize=address,undefined)
endif()

# MERIDIAN_FUZZ (clang only): coverage instrumentation for libFuzzer on every meridian target, so the
# fuzz targets in tests/fuzz/ can explore the libraries' code. Used by scripts/fuzz.sh in its own tree.
option(MERIDIAN_FUZZ "Build the libFuzzer targets (clang; use with MERIDIAN_SANITIZE)" OFF)
if(MERIDIAN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MERIDIAN_FUZZ needs clang (libFuzzer); configure with CXX=clang++ CC=clang")
  endif()
  target_compile_options(meridian_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

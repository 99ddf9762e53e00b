# CMake toolchain file: cross-compile podtrace for aarch64 with Debian's cross compiler
# (gcc-aarch64-linux-gnu) against the arm64 multiarch -dev packages (libfoo-dev:arm64).
#
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=tools/cross/aarch64-toolchain.cmake
#
# tools/cross/check-aarch64.sh installs the prerequisites and runs this build.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(PODTRACE_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${PODTRACE_CROSS_TRIPLE}-gcc)
# Debian multiarch: the arm64 libraries live in /usr/lib/aarch64-linux-gnu, their headers
# in /usr/include (searched by the Debian cross compiler after its own sysroot headers).
set(CMAKE_LIBRARY_ARCHITECTURE ${PODTRACE_CROSS_TRIPLE})

# Only arm64 .pc files (plus the architecture-independent ones): never the build machine's.
# ENV is set here rather than by the caller so that a plain re-configure (and the
# try_compile projects, which re-read this file) see the same pkg-config view.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${PODTRACE_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# No sysroot and no CMAKE_FIND_ROOT_PATH: the multiarch paths are the real host paths, and
# CMAKE_LIBRARY_ARCHITECTURE above makes find_library() look in /usr/lib/aarch64-linux-gnu
# (pkg-config's -L for the arm64 .pc files points there too). Programs run on the build machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

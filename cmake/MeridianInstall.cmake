# What `cmake --install build --prefix P` puts under P (docs/packaging.md):
#   include/meridian/...              public headers of every library, and the generated version.hpp
#   lib/libmeridian_*.a               the libraries
#   lib/cmake/meridian/               meridianConfig.cmake, its version file, the exported targets
#                                     meridian::core, io, app, atmosphere, ocean, land
#   lib/pkgconfig/meridian.pc         the same libraries for make, meson, or a compiler command line
#   share/meridian/                   the shipped data (the earth raster for grid.mask = earth)
#   bin/meridian                      the stock model
# Warning and sanitizer flags (meridian_options) are no part of it: libraries link them PRIVATE and
# only inside this build tree ($<BUILD_INTERFACE:...>).
include(CMakePackageConfigHelpers)

set(MERIDIAN_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/meridian)
set(MERIDIAN_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/meridian)

# Every library a program may build on, users before what they use (the link order of meridian.pc).
set(MERIDIAN_EXPORTED_LIBRARIES meridian_atmosphere meridian_ocean meridian_land meridian_seaice meridian_earth meridian_io
  meridian_core)
if(TARGET meridian_app)
  list(PREPEND MERIDIAN_EXPORTED_LIBRARIES meridian_app)
endif()

install(TARGETS ${MERIDIAN_EXPORTED_LIBRARIES} EXPORT meridianTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS meridian RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Public headers: every library's include/ folder. The domains are globbed so that a new one (or a
# moved one) is installed without a change here.
file(GLOB meridian_domain_includes LIST_DIRECTORIES true ${PROJECT_SOURCE_DIR}/domains/*/include)
foreach(dir ${PROJECT_SOURCE_DIR}/core/include ${PROJECT_SOURCE_DIR}/io/include ${PROJECT_SOURCE_DIR}/apps/app/include
            ${meridian_domain_includes})
  if(IS_DIRECTORY ${dir})
    install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
  endif()
endforeach()
install(FILES ${MERIDIAN_GENERATED_DIR}/meridian/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/meridian)

# The earth raster (grid.mask = earth), which meridian_earth also looks for there once installed.
install(FILES ${PROJECT_SOURCE_DIR}/domains/earth/data/earth_land_fraction.pgm DESTINATION ${MERIDIAN_INSTALL_DATADIR})

install(EXPORT meridianTargets NAMESPACE meridian:: DESTINATION ${MERIDIAN_INSTALL_CMAKEDIR}
        FILE meridianTargets.cmake)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/meridianConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/meridianConfig.cmake
  INSTALL_DESTINATION ${MERIDIAN_INSTALL_CMAKEDIR}
  PATH_VARS MERIDIAN_INSTALL_DATADIR)
# SameMinorVersion: before 1.0 a minor release may change the API (the framework interfaces are still
# moving, issue 12), so find_package(meridian 0.1) must not accept 0.2; patch releases stay compatible.
# From 1.0 on, when the API is stable within a major release, this becomes SameMajorVersion.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/meridianConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/meridianConfig.cmake
              ${PROJECT_BINARY_DIR}/package/meridianConfigVersion.cmake
        DESTINATION ${MERIDIAN_INSTALL_CMAKEDIR})

# meridian.pc: the libraries in link order (static archives: users before what they use), then what
# they need, with the paths this build found. prefix is relative to the .pc file, so the installed
# tree can be moved.
set(pc_libs "")
foreach(lib ${MERIDIAN_EXPORTED_LIBRARIES})
  string(APPEND pc_libs " -l${lib}")
endforeach()
set(pc_deps ${HDF5_HL_LIBRARIES} ${HDF5_C_LIBRARIES} ${MPI_CXX_LIBRARIES} ${MPI_C_LIBRARIES})
if(TARGET meridian_app)
  list(PREPEND pc_deps $<TARGET_LINKER_FILE:Boost::program_options>)
endif()
list(REMOVE_DUPLICATES pc_deps)
list(JOIN pc_deps " " pc_deps)
set(pc_cflags ${MPI_CXX_INCLUDE_DIRS} ${HDF5_INCLUDE_DIRS})
list(REMOVE_DUPLICATES pc_cflags)
list(TRANSFORM pc_cflags PREPEND "-I")
list(APPEND pc_cflags ${HDF5_DEFINITIONS})
list(JOIN pc_cflags " " pc_cflags)
file(RELATIVE_PATH pc_to_prefix /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${PROJECT_SOURCE_DIR}/cmake/meridian.pc.in ${PROJECT_BINARY_DIR}/package/meridian.pc.in @ONLY)
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/package/meridian.pc INPUT ${PROJECT_BINARY_DIR}/package/meridian.pc.in)
install(FILES ${PROJECT_BINARY_DIR}/package/meridian.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

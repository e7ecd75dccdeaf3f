# `cmake --install`: the one static library, the public headers, and a CMake
# package so apps can `find_package(stencilforge)` and link stencilforge::stencilforge.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS stencilforge EXPORT stencilforgeTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY runtime/include/stencilforge DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT stencilforgeTargets NAMESPACE stencilforge::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stencilforge)
install(FILES catalog.json DESTINATION ${CMAKE_INSTALL_DATADIR}/stencilforge)

configure_package_config_file(cmake/stencilforgeConfig.cmake.in
                              "${CMAKE_CURRENT_BINARY_DIR}/stencilforgeConfig.cmake"
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stencilforge)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/stencilforgeConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/stencilforgeConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/stencilforgeConfigVersion.cmake"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stencilforge)

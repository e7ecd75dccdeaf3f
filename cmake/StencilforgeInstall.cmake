# `cmake --install`: the one static library, the public headers, and a CMake
# package so apps can `find_package(stencilforge)` and link stencilforge::stencilforge.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS stencilforge EXPORT stencilforgeTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY runtime/include/stencilforge DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT stencilforgeTargets NAMESPACE stencilforge::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stencilforge)
install(FILES catalog.json DESTINATION ${CMAKE_INSTALL_DATADIR}/stencilforge)

# Kokkos from tools/setup.sh lives in the source tree (.deps/kokkos): it is
# shipped inside the prefix so the installed config names no path into the
# clone. A Kokkos of the user's own is found where it was installed.
set(SF_KOKKOS_SHIPPED OFF)
set(SF_KOKKOS_HINT "")
if (Kokkos_FOUND)
    cmake_path(IS_PREFIX PROJECT_SOURCE_DIR "${Kokkos_DIR}" NORMALIZE _kokkos_in_tree)
    if (_kokkos_in_tree)
        set(SF_KOKKOS_SHIPPED ON)
        install(DIRECTORY "${PROJECT_SOURCE_DIR}/.deps/kokkos/" DESTINATION ${CMAKE_INSTALL_LIBDIR}/stencilforge/kokkos
                USE_SOURCE_PERMISSIONS)
        # Kokkos's config names its own install prefix (a hint for its
        # launcher): made relative to the file, as the rest of it is.
        install(CODE "
            set(_f \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/stencilforge/kokkos/lib/cmake/Kokkos/KokkosConfigCommon.cmake\")
            if (EXISTS \"\${_f}\")
                file(READ \"\${_f}\" _text)
                string(REPLACE \"${PROJECT_SOURCE_DIR}/.deps/kokkos\" \"\\\${CMAKE_CURRENT_LIST_DIR}/../../..\" _text \"\${_text}\")
                file(WRITE \"\${_f}\" \"\${_text}\")
            endif ()")
    else ()
        set(SF_KOKKOS_HINT "${Kokkos_DIR}")
    endif ()
endif ()

configure_package_config_file(cmake/stencilforgeConfig.cmake.in
                              "${CMAKE_CURRENT_BINARY_DIR}/stencilforgeConfig.cmake"
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stencilforge)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/stencilforgeConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/stencilforgeConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/stencilforgeConfigVersion.cmake"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/stencilforge)

# pkg-config (stencilforge.pc): the same library and its dependencies as
# link flags, paths relative to the .pc file's own directory.
set(_pc_libs "")
if (Kokkos_FOUND)
    if (SF_KOKKOS_SHIPPED)
        string(APPEND _pc_libs " \${libdir}/stencilforge/kokkos/lib/libkokkoscontainers.a"
               " \${libdir}/stencilforge/kokkos/lib/libkokkoscore.a")
    else ()
        string(APPEND _pc_libs " $<TARGET_FILE:Kokkos::kokkoscontainers> $<TARGET_FILE:Kokkos::kokkoscore>")
    endif ()
endif ()
if (SF_WITH_CUDA)
    string(APPEND _pc_libs " $<TARGET_FILE:CUDA::cudart_static> -lrt")
endif ()
file(GENERATE OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/stencilforge.pc" CONTENT "prefix=\${pcfiledir}/../..
libdir=\${prefix}/${CMAKE_INSTALL_LIBDIR}
includedir=\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}

Name: stencilforge
Description: Halide-generated stencil and convolution kernels (one static library)
Version: ${PROJECT_VERSION}
Cflags: -I\${includedir} -std=c++20 -fopenmp
Libs: -L\${libdir} -lstencilforge${_pc_libs} -fopenmp -lpthread -ldl
")
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/stencilforge.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

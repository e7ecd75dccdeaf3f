# ctest script: configure, build and run examples/consumer against an installed
# stencilforge, the way an app would use it (find_package, link, run). The
# app gets the build's compiler flags, so sanitizer builds link their runtime.
file(REMOVE_RECURSE "${BINARY_DIR}")
foreach (step configure build run)
    if (step STREQUAL "configure")
        set(cmd "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
            -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
    elseif (step STREQUAL "build")
        set(cmd "${CMAKE_COMMAND}" --build "${BINARY_DIR}")
    else ()
        set(cmd "${BINARY_DIR}/consumer")
    endif ()
    execute_process(COMMAND ${cmd} RESULT_VARIABLE rc)
    if (NOT rc EQUAL 0)
        message(FATAL_ERROR "consumer example: ${step} failed (${rc})")
    endif ()
endforeach ()

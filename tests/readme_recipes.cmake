# ctest script: the installed package as a user meets it. It checks that no
# installed CMake or pkg-config file names a path into the clone or the build
# tree, moves the prefix elsewhere, then builds and runs the README's own
# recipes from its text (main.cpp with its CMakeLists.txt, and the same
# main.cpp through pkg-config) against the moved copy.
# -DREADME= -DPREFIX= -DWORK= -DSOURCE_TREE= -DBUILD_TREE= -DGENERATOR= -DCXX= "-DCXX_FLAGS="
file(REMOVE_RECURSE "${WORK}")
file(GLOB_RECURSE _installed "${PREFIX}/*.cmake" "${PREFIX}/*.pc")
foreach (f IN LISTS _installed)
    file(READ "${f}" _text)
    foreach (tree "${SOURCE_TREE}" "${BUILD_TREE}")
        string(FIND "${_text}" "${tree}" _at)
        if (NOT _at EQUAL -1)
            message(FATAL_ERROR "${f} names ${tree}: the installed package is not relocatable")
        endif ()
    endforeach ()
endforeach ()
set(_moved "${WORK}/moved-prefix")
file(COPY "${PREFIX}/" DESTINATION "${_moved}")

# The recipes: a "<!-- recipe: NAME -->" line, then a fenced block.
file(READ "${README}" _readme)
foreach (name main.cpp CMakeLists.txt pkg-config)
    string(REGEX MATCH "<!-- recipe: ${name} -->\n```[a-z]*\n([^`]*)```" _m "${_readme}")
    if (NOT CMAKE_MATCH_1)
        message(FATAL_ERROR "README.md has no '<!-- recipe: ${name} -->' block")
    endif ()
    set(_recipe_${name} "${CMAKE_MATCH_1}")
endforeach ()
file(WRITE "${WORK}/app/main.cpp" "${_recipe_main.cpp}")
file(WRITE "${WORK}/app/CMakeLists.txt" "${_recipe_CMakeLists.txt}")

function(run_step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if (NOT rc EQUAL 0)
        message(FATAL_ERROR "README recipe: ${what} failed (${rc}):\n${out}")
    endif ()
    message(STATUS "${what}: ok ${out}")
endfunction()
run_step("cmake configure" "${CMAKE_COMMAND}" -S "${WORK}/app" -B "${WORK}/app-build" -G "${GENERATOR}"
         "-DCMAKE_PREFIX_PATH=${_moved}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
run_step("cmake build" "${CMAKE_COMMAND}" --build "${WORK}/app-build")
run_step("run (CMake build)" "${WORK}/app-build/my_app")

# The pkg-config lines as written, with <dir> the moved prefix and g++ this build's compiler.
string(STRIP "${_recipe_pkg-config}" _line)
string(REPLACE "<dir>" "${_moved}" _line "${_line}")
string(REPLACE "g++ " "${CXX} ${CXX_FLAGS} " _line "${_line}")
run_step("pkg-config build" sh -c "cd '${WORK}/app' && ${_line}")
run_step("run (pkg-config build)" "${WORK}/app/my_app")

# Expands catalog.json once, with tools/sfcatalog (Python's standard library
# only), into build/catalog/: variants.cmake (the lists the build iterates),
# the runtime's kernel tables and each engine's instantiation units. Call
# sf_generate_catalog() after the toolchains are known: SF_CATALOG_DROPS holds
# "FIELD=VALUE[,FIELD=VALUE]:REASON" entries for the variants a missing
# toolchain cannot build. SF_TUNING_FAMILIES (a cache variable: the tuning
# build, docs/selection.md) adds those families' tuning candidates.
set(SF_TUNING_FAMILIES "" CACHE STRING
    "The tuning build: <shape>_<dtype> families whose tuning candidates are built too; default: catalog.json's tuning_families (tools/tune.sh sets it); empty: none")
set(SF_CATALOG_FILE "${PROJECT_SOURCE_DIR}/catalog.json")
set(SF_CATALOG_DIR "${PROJECT_BINARY_DIR}/catalog")
find_program(SF_PYTHON NAMES python3 HINTS "${PROJECT_SOURCE_DIR}/.venv/bin" NO_DEFAULT_PATH)
if (NOT SF_PYTHON)
    find_package(Python3 3.9 REQUIRED COMPONENTS Interpreter)
    set(SF_PYTHON "${Python3_EXECUTABLE}")
endif ()

function(sf_generate_catalog)
    file(GLOB _generator_sources "${PROJECT_SOURCE_DIR}/tools/sfcatalog/*.py")
    set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 "${SF_CATALOG_FILE}" ${_generator_sources})
    set(_drops "")
    foreach (_d IN LISTS SF_CATALOG_DROPS)
        list(APPEND _drops --drop "${_d}")
    endforeach ()
    set(_tuning "")
    if (SF_TUNING_FAMILIES)
        string(REPLACE ";" "," _families "${SF_TUNING_FAMILIES}")
        set(_tuning --tuning "${_families}")
    endif ()
    execute_process(COMMAND "${SF_PYTHON}" -m sfcatalog --catalog "${SF_CATALOG_FILE}" generate
                            --out "${SF_CATALOG_DIR}" ${_drops} ${_tuning}
                    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}/tools"
                    RESULT_VARIABLE _rc ERROR_VARIABLE _err)
    if (NOT _rc EQUAL 0)
        message(FATAL_ERROR "stencilforge: the catalog generator failed:\n${_err}")
    endif ()
endfunction()

# Reads catalog.json (the one kernel catalog) and expands it into the variant
# list every other part of the build uses: SF_VARIANTS, plus for each variant V
# the variables SF_<V>_SHAPE/PATTERN/DIMS/RADIUS/DTYPE/SCHEDULE/ENGINE/DEPTH/REMAINDER/X_GRANULE/
# AUTOSCHEDULER/AUTOSCHEDULER_PARAMS/PLANNED_GRID/DEVICE (host, opencl, cuda)/
# HALIDE_SCHEDULE (the generator's schedule name)/CTYPE (float, double)/
# HALIDE_TYPE (float32, float64)/DESCRIPTION.
set(SF_CATALOG_FILE "${PROJECT_SOURCE_DIR}/catalog.json")
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${SF_CATALOG_FILE}")
file(READ "${SF_CATALOG_FILE}" _sf_json)

function(_sf_json_list out_var)
    string(JSON _n LENGTH "${_sf_json}" ${ARGN})
    set(_items "")
    if (_n GREATER 0)
        math(EXPR _last "${_n} - 1")
        foreach (_i RANGE ${_last})
            string(JSON _item GET "${_sf_json}" ${ARGN} ${_i})
            list(APPEND _items "${_item}")
        endforeach ()
    endif ()
    set(${out_var} "${_items}" PARENT_SCOPE)
endfunction()

# A field the catalog may omit: its value, or `default`.
function(_sf_json_optional out_var default)
    string(JSON _value ERROR_VARIABLE _missing GET "${_sf_json}" ${ARGN})
    if (_missing)
        set(_value "${default}")
    endif ()
    set(${out_var} "${_value}" PARENT_SCOPE)
endfunction()

# An array field the catalog may omit: its items as a list, or `default`.
function(_sf_json_optional_list out_var default)
    string(JSON _n ERROR_VARIABLE _missing LENGTH "${_sf_json}" ${ARGN})
    set(_items "${default}")
    if (NOT _missing)
        _sf_json_list(_items ${ARGN})
    endif ()
    set(${out_var} "${_items}" PARENT_SCOPE)
endfunction()

# Records variant `v`'s fields: SF_<v>_<FIELD> from the local _<field>. A
# macro, so the variables land in the including directory's scope.
macro(_sf_record v)
    foreach (_field ${ARGN})
        string(TOUPPER "${_field}" _F)
        set(SF_${v}_${_F} "${_${_field}}")
    endforeach ()
endmacro()

string(JSON _n_shapes LENGTH "${_sf_json}" shapes)
string(JSON _n_impls LENGTH "${_sf_json}" implementations)
_sf_json_list(_dtypes dtypes)
math(EXPR _last_shape "${_n_shapes} - 1")
math(EXPR _last_impl "${_n_impls} - 1")

# The element type of each catalog dtype, as C++ and Halide spell it.
set(_ctype_f32 float)
set(_ctype_f64 double)
set(_halide_type_f32 float32)
set(_halide_type_f64 float64)

set(SF_VARIANTS "")
set(SF_SCHEDULES "")
foreach (_s RANGE ${_last_shape})
    string(JSON _shape GET "${_sf_json}" shapes ${_s} name)
    string(JSON _pattern GET "${_sf_json}" shapes ${_s} pattern)
    string(JSON _dims GET "${_sf_json}" shapes ${_s} dims)
    string(JSON _radius GET "${_sf_json}" shapes ${_s} radius)
    foreach (_dtype IN LISTS _dtypes)
        foreach (_m RANGE ${_last_impl})
            string(JSON _schedule GET "${_sf_json}" implementations ${_m} schedule)
            string(JSON _engine GET "${_sf_json}" implementations ${_m} engine)
            string(JSON _description GET "${_sf_json}" implementations ${_m} description)
            _sf_json_list(_depths implementations ${_m} depths)
            _sf_json_optional(_remainder "" implementations ${_m} remainder)
            _sf_json_optional(_x_granule 1 implementations ${_m} x_granule)
            _sf_json_optional(_autoscheduler "" implementations ${_m} autoscheduler)
            _sf_json_optional_list(_autoscheduler_params "" implementations ${_m} autoscheduler_params)
            _sf_json_optional_list(_planned_grid "" implementations ${_m} planned_grid ${_dims})
            # Device variants (GPU schedules) exist once per device API; their
            # schedule label says which: opencl_gpu_tiled, cuda_gpu_tiled.
            _sf_json_optional_list(_devices "host" implementations ${_m} devices)
            set(_halide_schedule "${_schedule}")
            foreach (_device IN LISTS _devices)
                set(_label "${_schedule}")
                if (NOT _device STREQUAL "host")
                    set(_label "${_device}_${_schedule}")
                endif ()
                list(APPEND SF_SCHEDULES "${_label}")
                foreach (_depth IN LISTS _depths)
                    set(_v "${_shape}_${_dtype}_${_label}_t${_depth}")
                    list(APPEND SF_VARIANTS "${_v}")
                    set(_ctype "${_ctype_${_dtype}}")
                    set(_halide_type "${_halide_type_${_dtype}}")
                    _sf_record(${_v} shape pattern dims radius dtype engine depth remainder x_granule autoscheduler
                               autoscheduler_params planned_grid device halide_schedule ctype halide_type description)
                    set(SF_${_v}_SCHEDULE "${_label}")
                endforeach ()
            endforeach ()
        endforeach ()
    endforeach ()
endforeach ()
list(REMOVE_DUPLICATES SF_SCHEDULES)
list(LENGTH SF_VARIANTS _n_variants)
message(STATUS "stencilforge catalog: ${_n_variants} variants")

# Leaves the variants of one engine out of the build (its toolchain is missing).
macro(sf_drop_engine engine why)
    set(_kept "")
    foreach (_v IN LISTS SF_VARIANTS)
        if (NOT SF_${_v}_ENGINE STREQUAL "${engine}")
            list(APPEND _kept "${_v}")
        endif ()
    endforeach ()
    set(SF_VARIANTS "${_kept}")
    message(STATUS "stencilforge: ${engine} variants left out: ${why}")
endmacro()

# The convolution family (catalog.json "conv"): SF_CONV_VARIANTS, and for each
# variant V the variables SF_<V>_ALGORITHM/FAMILY (filter, layer, depthwise)/
# SCHEDULE/BOUNDARY (filters; else empty)/STRIDE (layers; else 1)/
# KERNEL_SIZES/DTYPE/HALIDE_TYPE/TOLERANCE/DESCRIPTION.
# Names: <algorithm>_<dtype>_<schedule>_<boundary> for filters
# (filter2d_f32_tiled_clamp), <algorithm>_<dtype>_<schedule>_s<stride>
# for layers (conv_direct_f32_tiled_s2).
set(SF_CONV_VARIANTS "")
_sf_json_list(_conv_dtypes conv dtypes)
string(JSON _n_conv LENGTH "${_sf_json}" conv algorithms)
math(EXPR _last_conv "${_n_conv} - 1")
foreach (_a RANGE ${_last_conv})
    string(JSON _algorithm GET "${_sf_json}" conv algorithms ${_a} algorithm)
    string(JSON _family GET "${_sf_json}" conv algorithms ${_a} family)
    string(JSON _description GET "${_sf_json}" conv algorithms ${_a} description)
    string(JSON _tolerance GET "${_sf_json}" conv algorithms ${_a} tolerance)
    _sf_json_list(_conv_schedules conv algorithms ${_a} schedules)
    _sf_json_optional_list(_kernel_sizes "" conv algorithms ${_a} kernel_sizes)
    # Filters vary by boundary mode, layers by stride: the name's last part.
    _sf_json_optional_list(_boundaries "" conv algorithms ${_a} boundaries)
    _sf_json_optional_list(_strides "" conv algorithms ${_a} strides)
    set(_suffixes ${_boundaries})
    foreach (_s IN LISTS _strides)
        list(APPEND _suffixes "s${_s}")
    endforeach ()
    foreach (_dtype IN LISTS _conv_dtypes)
        foreach (_schedule IN LISTS _conv_schedules)
            foreach (_suffix IN LISTS _suffixes)
                set(_v "${_algorithm}_${_dtype}_${_schedule}_${_suffix}")
                list(APPEND SF_CONV_VARIANTS "${_v}")
                set(_boundary "")
                set(_stride 1)
                if (_suffix MATCHES "^s([0-9]+)$")
                    set(_stride "${CMAKE_MATCH_1}")
                else ()
                    set(_boundary "${_suffix}")
                endif ()
                set(_halide_type "${_halide_type_${_dtype}}")
                _sf_record(${_v} algorithm family schedule boundary stride kernel_sizes dtype tolerance halide_type
                           description)
            endforeach ()
        endforeach ()
    endforeach ()
endforeach ()
list(LENGTH SF_CONV_VARIANTS _n_conv_variants)
message(STATUS "stencilforge catalog: ${_n_conv_variants} convolution variants")

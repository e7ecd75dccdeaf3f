"""The kernel catalog, expanded once: catalog.json -> a validated list of variants.

CMake (through ``python -m sfcatalog generate``), the runtime's generated C++
tables and the report tools all read the catalog through this package, so no
other part of the project derives a variant's meaning from its name.

    import sfcatalog
    cat = sfcatalog.load()                 # the repository's catalog.json
    v = cat.find("star2d1r_f32_temporal_t4")
    v.shape, v.schedule, v.depth           # ('star2d1r', 'temporal', 4)
"""
from . import emit  # noqa: F401  (sfcatalog.emit: the build files)
from . import loc  # noqa: F401  (sfcatalog.loc: lines per implementation, for the report)
from .model import Catalog, CatalogError, ConvVariant, StencilVariant, load

__all__ = ["Catalog", "CatalogError", "ConvVariant", "StencilVariant", "load"]

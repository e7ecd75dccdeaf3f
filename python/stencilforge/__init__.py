"""stencilforge: Halide-generated stencil and convolution kernels.

Grids are NumPy arrays in C order, (ny, nx) or (nz, ny, nx), float32 or
float64; they are passed to the kernels without a copy. Images are planar
float32 (H, W) or (C, H, W); layer tensors NHWC float32 with HWIO weights.
Errors raise stencilforge.Error with the library's message. See the
repository's docs/ (semantics.md, conv.md) for what each call computes.
"""
from ._core import (Error, PreparedConv2d, __version__, conv2d, depthwise_conv3x3, describe, families, filter2d,
                    list_conv, run, sep_filter2d)
from ._core import list as _list


def list(shape=None, dtype=None, engine=None, runs_here=False):  # noqa: A001 (the CLI's verb)
    """The catalog's stencil kernels as dicts, optionally filtered by shape, dtype, engine, or what runs here."""
    return _list(shape=shape, dtype=dtype, engine=engine, runs_here=runs_here)


__all__ = ["Error", "PreparedConv2d", "__version__", "conv2d", "depthwise_conv3x3", "describe", "families",
           "filter2d", "list", "list_conv", "run", "sep_filter2d"]

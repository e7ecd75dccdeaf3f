"""catalog.json -> validated variants. Expansion and validation only: emit.py writes the build's files.

A stencil variant is one (shape, dtype, implementation row, device, depth); a convolution variant one
(algorithm row, dtype, schedule, device, boundary or stride). Everything a build, the runtime or a report
needs to know about a variant is a field here, read from the catalog, never parsed back out of its name.
"""
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CATALOG = ROOT / "catalog.json"

CTYPE = {"f32": "float", "f64": "double"}
HALIDE_TYPE = {"f32": "float32", "f64": "float64"}
DTYPE_BYTES = {"f32": 4, "f64": 8}
ENGINES = ("halide", "handwritten", "kokkos")
DEVICES = ("host", "opencl", "cuda")
KNOBS = ("tile_x", "tile_y", "tile_z")
ISAS = ("avx2", "avx512")  # the model's efficiencies, in stencilforge::CpuIsa order
# The default shared-memory limit per CUDA block; beyond it a launch must opt in (cudaFuncSetAttribute), which
# Halide 21's CUDA runtime never does.
GPU_SHARED_LIMIT = 48 * 1024
# A name component the report tools, benchmark names ("<variant>/<size>") and file names all accept.
LABEL = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

TOP_KEYS = {"comment", "shapes", "dtypes", "implementations", "conv", "tuning_families"}
SHAPE_KEYS = {"name", "pattern", "dims", "radius"}
IMPL_KEYS = {"schedule", "engine", "depths", "depths_by_dims", "remainder", "x_granule", "description",
             "autoscheduler", "planned_grid", "autoscheduler_params", "devices", "dims", "dtypes", "tolerance",
             "schedule_source", "policy", "header", "knobs", "gpu_staging", "skip", "model", "tuning", "stores"}
MODEL_KEYS = {"efficiency", "overhead", "phased", "tile"}
TUNING_KEYS = {"depths", "depths_by_dims", "knobs"}
SKIP_KEYS = {"dims", "dtype", "depth", "why"}
CONV_KEYS = {"comment", "dtypes", "devices", "algorithms"}
ALGO_KEYS = {"algorithm", "family", "tolerance", "tolerances", "boundaries", "strides", "kernel_sizes",
             "schedules", "gpu_schedules", "engine", "devices", "description", "schedule_sources", "signature",
             "kernel_arguments", "winograd_m", "blocked_weights"}
SIGNATURES = ("filter2d", "sepfilter", "layer")
FAMILIES = ("filter", "layer", "depthwise")


class CatalogError(ValueError):
    """catalog.json is malformed or inconsistent; the message names the entry and the field."""


@dataclass(frozen=True)
class StencilVariant:
    name: str
    shape: str
    pattern: str
    dims: int
    radius: int
    dtype: str
    schedule: str          # the label: the row's schedule, prefixed by the device API on a GPU (cuda_gpu_tiled)
    base_schedule: str     # the row's schedule as written (gpu_tiled): the Halide generator's schedule parameter
    engine: str
    depth: int
    remainder: str         # the label of the schedule that runs the steps left over, or ""
    x_granule: int
    autoscheduler: str
    autoscheduler_params: tuple
    planned_grid: tuple
    device: str
    tolerance: float       # the accuracy contract when looser than the dtype's; 0: the dtype's
    description: str
    schedule_source: str   # Halide: the schedules/ file that registers the schedule ("" for autoschedulers)
    policy: str            # hand-written and Kokkos: the C++ policy type
    header: str            # the header that defines the policy
    knobs: tuple           # (("tile_x", 512), ...): generator parameters the row sets
    efficiency: tuple      # the selection model: fraction of the FMA peak its inner loop reaches, per ISA (avx2,
                           # avx512), grids inside the LLC and beyond it (zeros: no model)
    overhead: float        # the selection model: per-cell work besides the taps (loads, store, loop), in taps
    phased: bool           # the selection model: loads a tile, then computes it (memory and compute times add)
    model_tile: tuple      # the selection model: the tile whose T*r halo is recomputed per fused pass, x first
    candidate: bool        # a tuning candidate (the tuning build's extra parameters), not a catalog row itself
    nontemporal: bool      # writes its output with non-temporal stores (its memory roof: the non-temporal copy)

    @property
    def ctype(self):
        return CTYPE[self.dtype]

    @property
    def halide_type(self):
        return HALIDE_TYPE[self.dtype]

    @property
    def impl(self):
        """The report's column: the schedule label, with _t<depth> for fused depths."""
        return self.schedule if self.depth == 1 else f"{self.schedule}_t{self.depth}"


@dataclass(frozen=True)
class ConvVariant:
    name: str
    algorithm: str
    family: str
    engine: str
    schedule: str          # label (cuda_gpu_tiled on a device)
    base_schedule: str     # as the row writes it (gpu_tiled, hw_smem, tc_tf32)
    device: str
    boundary: str          # filters; "" for layers
    stride: int            # layers; 1 for filters
    kernel_sizes: tuple
    dtype: str
    tolerance: float
    description: str
    signature: str         # which entry of the conv table holds it: filter2d, sepfilter or layer
    schedule_source: str   # Halide: the schedules/ file that registers <algorithm>.<schedule>
    kernel_argument: str   # hand-written: the kernel template's argument (smem, tf32, ...)
    winograd_m: int        # Winograd F(m x m, 3 x 3): its filter transform is a kernel of its own; 0 otherwise
    # (avx512, avx2): the block of output channels the kernel reads its weights
    # repacked into, per ISA, and its register tile's channels; () for HWIO weights.
    weight_block: tuple = ()

    @property
    def blocked_weights(self):
        return bool(self.weight_block)


@dataclass
class Catalog:
    variants: list
    conv_variants: list
    path: Path = None
    dropped: list = field(default_factory=list)   # (condition text, reason, names)
    tuning_rows: list = field(default_factory=list)  # _candidates() arguments per row with a tuning space
    tuning_families: list = field(default_factory=list)  # the tuning build's default families

    def add_tuning(self, families):
        """The tuning build: adds each tuning space's candidates (depths x knob sets of a host Halide row) for
        the families named ("star2d1r_f32", ...; ["default"]: the catalog's tuning_families); a candidate equal
        to a catalog variant is that variant."""
        if list(families) == ["default"]:
            families = self.tuning_families
        known = {f"{v.shape}_{v.dtype}" for v in self.variants}
        for f in families:
            if f not in known:
                raise CatalogError(f"tuning family '{f}' is not a <shape>_<dtype> of the catalog "
                                   f"(known: {', '.join(sorted(known))})")
        added = []
        symbols = {v.name.replace("-", "_") for v in self.variants if v.engine == "halide"}
        for t in self.tuning_rows:
            for c in _candidates(*t, families=set(families)):
                if c.name not in self._by_name:
                    if c.name.replace("-", "_") in symbols:
                        raise CatalogError(f"catalog.json: tuning candidate {c.name}: its C symbol (- as _) is "
                                           "another variant's")
                    symbols.add(c.name.replace("-", "_"))
                    added.append(c)
        self.variants += added
        self._index()
        return added

    def __post_init__(self):
        self._index()

    def _index(self):
        self._by_name = {v.name: v for v in self.variants}
        self._conv_by_name = {v.name: v for v in self.conv_variants}

    def find(self, name):
        return self._by_name.get(name)

    def find_conv(self, name):
        return self._conv_by_name.get(name)

    def schedule_order(self):
        """Implementation columns in catalog order (each schedule label, then its depths)."""
        return list(dict.fromkeys(v.impl for v in self.variants))

    def drop(self, reason, **fields):
        """Leaves out the variants (stencil and conv) whose fields all match: their toolchain is missing."""
        def match(v):
            return all(getattr(v, k) == val for k, val in fields.items())
        gone = [v.name for v in self.variants + self.conv_variants if match(v)]
        self.variants = [v for v in self.variants if not match(v)]
        self.conv_variants = [v for v in self.conv_variants if not match(v)]
        self._index()
        self.dropped.append((" ".join(f"{k}={v}" for k, v in fields.items()), reason, gone))


def _fail(where, what):
    raise CatalogError(f"catalog.json: {where}: {what}")


def _keys(obj, allowed, where):
    if not isinstance(obj, dict):
        _fail(where, f"expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        _fail(where, f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def _get(obj, key, kind, where, default=None, required=True):
    if key not in obj:
        if required:
            _fail(where, f"missing '{key}'")
        return default
    value = obj[key]
    ok = {"str": lambda x: isinstance(x, str),
          "int": lambda x: isinstance(x, int) and not isinstance(x, bool),
          "num": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
          "list": lambda x: isinstance(x, list),
          "dict": lambda x: isinstance(x, dict)}[kind]
    if not ok(value):
        _fail(where, f"'{key}' must be a{'n' if kind == 'int' else ''} {kind}, got {json.dumps(value)}")
    return value


# A blocked_weights entry: {"avx512": B, "avx2": B}, each B whole vectors of
# the ISA's f32 lanes, 1 to 4 of them (the register tile's channels).
_ISA_LANES = {"avx512": 16, "avx2": 8}


def _weight_block(per_isa, where):
    if not isinstance(per_isa, dict) or set(per_isa) != set(_ISA_LANES):
        _fail(where, "must map exactly avx512 and avx2 to a block of output channels")
    for isa, lanes in _ISA_LANES.items():
        b = per_isa[isa]
        if not isinstance(b, int) or isinstance(b, bool) or b % lanes or not lanes <= b <= 4 * lanes:
            _fail(where, f"{isa} block {b!r} must be 1 to 4 vectors of {lanes} lanes ({lanes} to {4 * lanes}, a multiple of {lanes})")
    return (per_isa["avx512"], per_isa["avx2"])


def _int_list(obj, key, where, default=None, required=True):
    items = _get(obj, key, "list", where, default, required)
    if items is None:
        return None
    for x in items:
        if not isinstance(x, int) or isinstance(x, bool) or x < 1:
            _fail(where, f"'{key}' must hold positive integers, got {json.dumps(items)}")
    return items


def _label(text, where, what):
    if not LABEL.match(text):
        _fail(where, f"{what} '{text}' must be lower-case letters, digits, '_' and '-' (it is part of kernel, "
                     "benchmark and file names)")


def _registers(root, source, macro, key, where):
    """The schedule file exists and registers `key` (validation only: the build compiles the file)."""
    path = root / source
    if not path.is_file():
        _fail(where, f"schedule file '{source}' does not exist")
    args = [a.strip() for a in key.split(".")]
    pattern = r"\b" + macro + r"\s*\(\s*" + r"\s*,\s*".join(re.escape(a) for a in args) + r"\s*,"
    if not re.search(pattern, path.read_text()):
        _fail(where, f"'{source}' does not register {macro}({', '.join(args)}, ...)")


def load(path=None, root=None):
    """Reads, validates and expands catalog.json; raises CatalogError naming the first problem."""
    path = Path(path) if path else DEFAULT_CATALOG
    root = Path(root) if root else path.resolve().parent
    try:
        text = path.read_text()
    except OSError as e:
        raise CatalogError(f"cannot read {path}: {e.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise CatalogError(f"{path}: not valid JSON: {e}") from None
    _keys(data, TOP_KEYS, "top level")
    shapes = _shapes(data)
    dtypes = _get(data, "dtypes", "list", "top level")
    for d in dtypes:
        if d not in CTYPE:
            _fail("dtypes", f"unknown dtype {json.dumps(d)} (known: {', '.join(CTYPE)})")
    rows = _get(data, "implementations", "list", "top level")
    variants = []
    tuning_rows = []
    for i, row in enumerate(rows):
        variants += [(i, v) for v in _expand_row(row, i, shapes, dtypes, root)]
        if "tuning" in row:
            tuning_rows.append((i, row, shapes, dtypes, root))
    # Catalog order: shape, then dtype, then the implementation rows as listed (devices, depths within a row).
    shape_at = {s["name"]: k for k, s in enumerate(shapes)}
    variants = [v for _, v in sorted(variants, key=lambda iv: (shape_at[iv[1].shape], dtypes.index(iv[1].dtype),
                                                               iv[0]))]
    _check_remainders(variants)
    conv = _expand_conv(_get(data, "conv", "dict", "top level"), root)
    names = set()
    for v in variants + conv:
        if v.name in names:
            _fail(v.name, "two catalog entries expand to this name")
        names.add(v.name)
    tuning_families = _get(data, "tuning_families", "list", "top level", [], required=False)
    cat = Catalog(variants, conv, path, tuning_rows=tuning_rows, tuning_families=tuning_families)
    known = {f"{v.shape}_{v.dtype}" for v in variants}
    for f in tuning_families:
        if f not in known:
            _fail("tuning_families", f"'{f}' is not a <shape>_<dtype> of the catalog")
    # Every candidate must expand cleanly (names, remainders) whether or not a tuning build asks for it.
    _check_remainders(variants + [c for t in tuning_rows for c in _candidates(*t)])
    return cat


def _candidates(i, row, shapes, dtypes, root, families=None):
    """The tuning space of implementation row i: its depths x knob sets, as candidate variants (for the
    families given, or all). A knob set {} keeps the schedule's own tiles (the label stays the schedule's);
    any other sets every tile of its dims and names them in the label (temporal-x2048y128)."""
    space = row["tuning"]
    out = []
    for dims in (2, 3):
        for knobs in space["knobs"].get(str(dims), []):
            label = row["schedule"] + ("-" + "".join(f"{k[-1]}{knobs[k]}" for k in KNOBS if k in knobs)
                                       if knobs else "")
            depths = space.get("depths_by_dims", {}).get(str(dims), space["depths"])
            dim_shapes = [sh for sh in shapes if sh["dims"] == dims]
            for v in _expand_row(row, i, dim_shapes, dtypes, root, candidate=(label, depths, knobs)):
                if families is None or f"{v.shape}_{v.dtype}" in families:
                    out.append(v)
    return out


def _shapes(data):
    shapes = []
    for i, s in enumerate(_get(data, "shapes", "list", "top level")):
        where = f"shapes[{i}]"
        _keys(s, SHAPE_KEYS, where)
        name = _get(s, "name", "str", where)
        pattern = _get(s, "pattern", "str", where)
        dims = _get(s, "dims", "int", where)
        radius = _get(s, "radius", "int", where)
        if pattern not in ("star", "box"):
            _fail(where, f"pattern '{pattern}' is not star or box")
        if dims not in (2, 3):
            _fail(where, f"dims {dims} is not 2 or 3")
        if not 1 <= radius <= 8:
            _fail(where, f"radius {radius} is outside [1, 8] (the generator's range)")
        # The name says the shape (the report's tables group by it); it must say it truly.
        if name != f"{pattern}{dims}d{radius}r":
            _fail(where, f"name '{name}' must be '{pattern}{dims}d{radius}r' (pattern, dims, radius)")
        shapes.append({"name": name, "pattern": pattern, "dims": dims, "radius": radius})
    return shapes


def _expand_row(row, i, shapes, dtypes, root, candidate=None):
    """The row's variants; `candidate` = (label, depths, knobs): one point of its tuning space instead."""
    where = f"implementations[{i}]"
    _keys(row, IMPL_KEYS, where)
    schedule = _get(row, "schedule", "str", where)
    where = f"implementation '{schedule}'"
    _label(schedule, where, "schedule")
    if re.search(r"_t\d+$", schedule):
        _fail(where, "the schedule label must not end in _t<digits> (the depth suffix)")
    engine = _get(row, "engine", "str", where)
    if engine not in ENGINES:
        _fail(where, f"engine '{engine}' is not one of {', '.join(ENGINES)}")
    description = _get(row, "description", "str", where)
    depths = _int_list(row, "depths", where)
    by_dims = _get(row, "depths_by_dims", "dict", where, {}, required=False)
    for k in by_dims:
        if k not in ("2", "3"):
            _fail(where, f"depths_by_dims key '{k}' is not 2 or 3")
        _int_list(by_dims, k, where + " depths_by_dims")
    only_dims = _int_list(row, "dims", where, required=False)
    only_dtypes = _get(row, "dtypes", "list", where, required=False)
    devices = _get(row, "devices", "list", where, ["host"], required=False)
    for d in devices:
        if d not in DEVICES:
            _fail(where, f"device '{d}' is not one of {', '.join(DEVICES)}")
    tolerance = _get(row, "tolerance", "num", where, 0, required=False)
    remainder = _get(row, "remainder", "str", where, "", required=False)
    x_granule = _get(row, "x_granule", "int", where, 1, required=False)
    autoscheduler = _get(row, "autoscheduler", "str", where, "", required=False)
    as_params = _get(row, "autoscheduler_params", "list", where, [], required=False)
    planned = _get(row, "planned_grid", "dict", where, {}, required=False)
    source = _get(row, "schedule_source", "str", where, "", required=False)
    policy = _get(row, "policy", "str", where, "", required=False)
    header = _get(row, "header", "str", where, "", required=False)
    knobs = _get(row, "knobs", "dict", where, {}, required=False)
    staging = _get(row, "gpu_staging", "dict", where, None, required=False)
    skips = _get(row, "skip", "list", where, [], required=False)
    model = _model(row, where, devices, only_dims)
    stores = _get(row, "stores", "str", where, "ordinary", required=False)
    if stores not in ("ordinary", "nontemporal"):
        _fail(where, f"stores '{stores}' is not 'ordinary' or 'nontemporal' (how the kernel writes its output)")
    if stores == "nontemporal" and devices != ["host"]:
        _fail(where, "stores 'nontemporal' is a CPU store kind: the row must run on the host only")
    _tuning(row, where, engine, autoscheduler, devices)
    for k, sk in enumerate(skips):
        _keys(sk, SKIP_KEYS, f"{where} skip[{k}]")
        if not isinstance(sk.get("why"), str) or not sk["why"]:
            _fail(f"{where} skip[{k}]", "needs 'why': the reason the combination is not built")
    skip_used = [False] * len(skips)
    for k, val in knobs.items():
        if k not in KNOBS:
            _fail(where, f"knob '{k}' is not one of {', '.join(KNOBS)} (schedules/schedule.h Knobs)")
        if not isinstance(val, int) or isinstance(val, bool) or val < 1:
            _fail(where, f"knob '{k}' must be a positive integer")
    if engine == "halide":
        if policy or header:
            _fail(where, "a Halide row names its schedule file (schedule_source), not a policy or header")
        if autoscheduler:
            if source:
                _fail(where, "an autoscheduled row has no schedule_source (the autoscheduler schedules it)")
            if not planned:
                _fail(where, "an autoscheduled row needs planned_grid (the grid it plans for, per dims)")
        else:
            if not source:
                _fail(where, "a Halide row needs schedule_source, the schedules/ file that registers it")
            _registers(root, source, "SF_REGISTER_STENCIL_SCHEDULE", schedule, where)
    else:
        if source or autoscheduler:
            _fail(where, f"a {engine} row has no schedule_source or autoscheduler")
        if not policy or not header:
            _fail(where, f"a {engine} row needs policy (its C++ type) and header (the file defining it)")
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", policy):
            _fail(where, f"policy '{policy}' is not a C++ identifier")
        if not (root / header).is_file():
            _fail(where, f"header '{header}' does not exist")
    out = []
    for s in shapes:
        if only_dims and s["dims"] not in only_dims:
            continue
        row_depths = by_dims.get(str(s["dims"]), depths)
        label_base, row_knobs = schedule, knobs
        tile = tuple(model.get("tile", {}).get(str(s["dims"]), ()))
        if candidate:
            label_base, row_depths, row_knobs = candidate
            if row_knobs:
                tile = tuple(row_knobs[k] for k in KNOBS[:s["dims"]])
            knob_text = ", ".join(f"{k}={n}" for k, n in sorted(row_knobs.items())) or "the schedule's own tiles"
            row_description = f"{description} [tuning candidate: {knob_text}]"
        else:
            row_description = description
        grid = ()
        if autoscheduler:
            grid = _int_list(planned, str(s["dims"]), where + " planned_grid")
            if len(grid) != s["dims"]:
                _fail(where, f"planned_grid for {s['dims']}-D has {len(grid)} extents")
        for dtype in dtypes:
            if only_dtypes and dtype not in only_dtypes:
                continue
            for device in devices:
                label = label_base if device == "host" else f"{device}_{label_base}"
                rem = "" if not remainder else (remainder if device == "host" else f"{device}_{remainder}")
                for depth in row_depths:
                    hit = [k for k, sk in enumerate(skips)
                           if sk.get("dims", s["dims"]) == s["dims"] and sk.get("dtype", dtype) == dtype
                           and sk.get("depth", depth) == depth]
                    if hit:
                        for k in hit:
                            skip_used[k] = True
                        continue
                    if staging is not None:
                        _check_staging(staging, s, dtype, depth, where)
                    out.append(StencilVariant(
                        name=f"{s['name']}_{dtype}_{label}_t{depth}", shape=s["name"], pattern=s["pattern"],
                        dims=s["dims"], radius=s["radius"], dtype=dtype, schedule=label, base_schedule=schedule,
                        engine=engine, depth=depth, remainder=rem, x_granule=x_granule,
                        autoscheduler=autoscheduler, autoscheduler_params=tuple(as_params),
                        planned_grid=tuple(grid), device=device, tolerance=float(tolerance),
                        description=row_description, schedule_source=source, policy=policy, header=header,
                        knobs=tuple(sorted(row_knobs.items())),
                        efficiency=tuple(_pair(model["efficiency"][isa][str(s["dims"])]) for isa in ISAS)
                        if device == "host" and model else ((0.0, 0.0), (0.0, 0.0)),
                        overhead=float(model.get("overhead", 0)) if device == "host" else 0.0,
                        phased=bool(model.get("phased", False)) and device == "host",
                        model_tile=tile if device == "host" else (), candidate=bool(candidate),
                        nontemporal=stores == "nontemporal"))
    for k, used in enumerate(skip_used):
        if not used:
            _fail(f"{where} skip[{k}]", "matches no variant of the row (a stale entry)")
    return out


def _model(row, where, devices, only_dims):
    """The selection model's view of a row (docs/selection.md): required on rows that run on the host, where
    the auto pick ranks them; efficiency per dims in (0, 1], tile per dims with one extent per dimension."""
    model = _get(row, "model", "dict", where, None, required=False)
    if model is None:
        if "host" in devices:
            _fail(where, "a row that runs on the host needs 'model' (efficiency per dims; tile for fused rows): "
                         "the auto pick ranks host variants by it")
        return {}
    _keys(model, MODEL_KEYS, where + " model")
    by_isa = _get(model, "efficiency", "dict", where + " model")
    _keys(by_isa, set(ISAS), where + " model efficiency")
    for isa in ISAS:
        eff = _get(by_isa, isa, "dict", where + " model efficiency")
        for d in only_dims or (2, 3):
            x = eff.get(str(d))
            values = x if isinstance(x, list) and len(x) == 2 else [x]
            if any(not isinstance(y, (int, float)) or isinstance(y, bool) or not 0 < y <= 1 for y in values):
                _fail(where + " model", f"{isa} efficiency for {d}-D must be a number in (0, 1] or a pair of them "
                                        f"(grids inside the LLC, beyond it), got {json.dumps(x)}")
    if not isinstance(model.get("phased", False), bool):
        _fail(where + " model", "phased must be true or false")
    if _get(model, "overhead", "num", where + " model", 0, required=False) < 0:
        _fail(where + " model", "overhead must be >= 0 (taps of per-cell work besides the stencil's)")
    for d, t in _get(model, "tile", "dict", where + " model", {}, required=False).items():
        if d not in ("2", "3") or not isinstance(t, list) or len(t) != int(d) or \
                any(not isinstance(x, int) or isinstance(x, bool) or x < 1 for x in t):
            _fail(where + " model", f"tile '{d}' must be {d} positive extents (x first)")
    return model


def _pair(x):
    """An efficiency as written (one number, or [inside the LLC, beyond it]) as the pair."""
    return (float(x[0]), float(x[1])) if isinstance(x, list) else (float(x), float(x))


def _tuning(row, where, engine, autoscheduler, devices):
    """A tuning space: only on host Halide rows scheduled by a schedules/ file (the generator takes the knobs)."""
    space = _get(row, "tuning", "dict", where, None, required=False)
    if space is None:
        return
    if engine != "halide" or autoscheduler or devices != ["host"]:
        _fail(where + " tuning", "only a host Halide row with a schedule_source has a tuning space")
    _keys(space, TUNING_KEYS, where + " tuning")
    _int_list(space, "depths", where + " tuning")
    for k, d in _get(space, "depths_by_dims", "dict", where + " tuning", {}, required=False).items():
        if k not in ("2", "3"):
            _fail(where + " tuning", f"depths_by_dims key '{k}' is not 2 or 3")
        _int_list(space["depths_by_dims"], k, where + " tuning depths_by_dims")
    for d, sets in _get(space, "knobs", "dict", where + " tuning").items():
        if d not in ("2", "3") or not isinstance(sets, list):
            _fail(where + " tuning", f"knobs '{d}' must be a list of knob sets for 2 or 3 dims")
        for ks in sets:
            if not isinstance(ks, dict):
                _fail(where + " tuning", f"knob set {json.dumps(ks)} is not an object")
            need = set(KNOBS[:int(d)])
            if ks and set(ks) != need:
                _fail(where + " tuning", f"knob set {json.dumps(ks)} must be {{}} (the schedule's tiles) or set "
                                         f"exactly {', '.join(sorted(need))}")
            if any(not isinstance(x, int) or isinstance(x, bool) or x < 1 for x in ks.values()):
                _fail(where + " tuning", f"knob set {json.dumps(ks)}: tiles must be positive integers")


def _check_staging(staging, shape, dtype, depth, where):
    """A lower bound on a GPU temporal block's shared memory. Step k (0 = the input) is staged on the block's
    tile plus a (T-k)*r halo per side, and a step is live together with the one it feeds, so the block needs
    at least the largest pair of consecutive staged regions. Past the default 48 KiB the launch fails: such a
    combination must not be built (list it in the row's skip, with why)."""
    _keys(staging, {"block"}, where + " gpu_staging")
    block = _int_list(staging["block"], str(shape["dims"]), where + " gpu_staging block")

    def cells(k):
        n = 1
        for b in block:
            n *= b + 2 * shape["radius"] * (depth - k)
        return n
    pairs = [cells(k) + cells(k + 1) for k in range(depth - 1)] or [cells(0)]
    need = max(pairs) * DTYPE_BYTES[dtype]
    if need > GPU_SHARED_LIMIT:
        _fail(where, f"{shape['name']} {dtype} T={depth} needs at least {need} B of shared memory per block, over "
                     f"the {GPU_SHARED_LIMIT} B a block gets without an opt-in; add it to the row's skip")


def _check_remainders(variants):
    index = {(v.shape, v.dtype, v.schedule, v.depth) for v in variants}
    labels = {v.schedule for v in variants}
    for v in variants:
        if v.remainder and v.remainder not in labels:
            _fail(v.name, f"remainder schedule '{v.remainder}' is not in the catalog")
        if v.depth > 1:
            # Every leftover step count needs a depth-1 variant of the same shape and dtype to run it.
            if (v.shape, v.dtype, v.schedule, 1) not in index and \
                    (v.shape, v.dtype, v.remainder, 1) not in index:
                _fail(v.name, "no depth-1 variant (its own schedule or its remainder) runs leftover steps")


def _expand_conv(conv, root):
    where = "conv"
    _keys(conv, CONV_KEYS, where)
    dtypes = _get(conv, "dtypes", "list", where)
    all_devices = _get(conv, "devices", "list", where)
    out = []
    for i, a in enumerate(_get(conv, "algorithms", "list", where)):
        where = f"conv.algorithms[{i}]"
        _keys(a, ALGO_KEYS, where)
        algorithm = _get(a, "algorithm", "str", where)
        where = f"conv algorithm '{algorithm}'"
        _label(algorithm, where, "algorithm")
        family = _get(a, "family", "str", where)
        if family not in FAMILIES:
            _fail(where, f"family '{family}' is not one of {', '.join(FAMILIES)}")
        description = _get(a, "description", "str", where)
        tolerance = _get(a, "tolerance", "num", where)
        tolerances = _get(a, "tolerances", "dict", where, {}, required=False)
        engine = _get(a, "engine", "str", where, "halide", required=False)
        if engine not in ("halide", "handwritten"):
            _fail(where, f"engine '{engine}' is not halide or handwritten")
        devices = _get(a, "devices", "list", where, all_devices, required=False)
        host = _get(a, "schedules", "list", where)
        gpu = _get(a, "gpu_schedules", "list", where, [], required=False)
        sizes = _int_list(a, "kernel_sizes", where, [], required=False)
        boundaries = _get(a, "boundaries", "list", where, [], required=False)
        strides = _int_list(a, "strides", where, [], required=False)
        signature = _get(a, "signature", "str", where)
        if signature not in SIGNATURES:
            _fail(where, f"signature '{signature}' is not one of {', '.join(SIGNATURES)}")
        sources = _get(a, "schedule_sources", "dict", where, {}, required=False)
        arguments = _get(a, "kernel_arguments", "dict", where, {}, required=False)
        m = _get(a, "winograd_m", "int", where, 0, required=False)
        blocked = _get(a, "blocked_weights", "dict", where, {}, required=False)
        for s, per_isa in blocked.items():
            if s not in host or engine != "halide" or signature != "layer":
                _fail(where, f"blocked_weights '{s}' is not one of its host Halide layer schedules")
            blocked[s] = _weight_block(per_isa, f"{where}, blocked_weights '{s}'")
        if bool(boundaries) == bool(strides):
            _fail(where, "a conv row varies by boundaries (filters) or strides (layers): exactly one of them")
        for s in list(tolerances) + list(sources) + list(arguments):
            if s not in host + gpu:
                _fail(where, f"'{s}' (in tolerances, schedule_sources or kernel_arguments) is not one of its schedules")
        for s in host + gpu:
            _label(s, where, "schedule")
            if engine == "halide":
                if s not in sources:
                    _fail(where, f"schedule '{s}' needs a schedule_sources entry (the schedules/ file registering it)")
                key = f"{algorithm}.{s}"
                try:
                    _registers(root, sources[s], "SF_REGISTER_CONV_SCHEDULE", key, where)
                except CatalogError:
                    _registers(root, sources[s], "SF_REGISTER_CONV_SCHEDULE", f"any.{s}", where)
            elif s not in arguments:
                _fail(where, f"hand-written schedule '{s}' needs a kernel_arguments entry (its template argument)")
        if m:
            for s in gpu:
                _fail(where, f"Winograd has no GPU filter transform; gpu schedule '{s}' cannot be listed")
        entries = [("host", s) for s in host] + [(d, s) for s in gpu for d in devices]
        # The name's last part: the boundary (filters) or s<stride> (layers).
        suffixes = [(b, 1) for b in boundaries] + [(f"s{s}", s) for s in strides]
        for dtype in dtypes:
            for device, s in entries:
                label = s if device == "host" else f"{device}_{s}"
                tol = tolerances.get(s, tolerance)
                for suffix, stride in suffixes:
                    out.append(ConvVariant(
                        name=f"{algorithm}_{dtype}_{label}_{suffix}", algorithm=algorithm, family=family,
                        engine=engine, schedule=label, base_schedule=s, device=device,
                        boundary=suffix if boundaries else "", stride=stride if strides else 1,
                        kernel_sizes=tuple(sizes), dtype=dtype, tolerance=float(tol),
                        description=description,
                        signature=signature, schedule_source=sources.get(s, ""),
                        kernel_argument=arguments.get(s, ""), winograd_m=m,
                        weight_block=blocked.get(s, ()) if device == "host" else ()))
    return out

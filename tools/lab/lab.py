#!/usr/bin/env python3
"""The schedule lab: edit a file in schedules/, get a checked number in seconds.

  tools/lab/lab.py VARIANT [--knob NAME=VALUE ...] [--grid 4096x4096] [--steps N] [--reps 5]
                   [--isa avx2|avx512] [--stmt] [--asm] [--build-dir build]

Rebuilds only the schedule's generator (build/generators/sf_gen_<schedule file>), generates VARIANT with the
catalog's parameters plus the --knob overrides for this machine's ISA (one target, no runtime), loads it into
build/tools/sf_lab, which checks it against the plain-loop reference and times it next to the library's current
VARIANT and the hand-written omp loop on the same grid. --stmt and --asm keep Halide's lowered statement and the
assembly in build/lab/<VARIANT>/. The library itself is not rebuilt: `ninja -C build` does that when you are done.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import sfcatalog  # noqa: E402

DEFAULT_GRID = {2: "4096x4096", 3: "256x256x128"}


def fail(msg):
    print(f"lab: {msg}", file=sys.stderr)
    sys.exit(2)


def active_isa(driver, requested):
    """The ISA the library's kernels use here, asked of the library itself (the CPU's, capped by --isa or
    STENCILFORGE_CPU_ISA), so the lab kernel never uses instructions the library would not."""
    env = dict(os.environ, **({"STENCILFORGE_CPU_ISA": requested} if requested else {}))
    r = subprocess.run([str(driver), "isa"], capture_output=True, text=True, env=env)
    if r.returncode:
        fail(f"{driver} isa failed: {r.stderr.strip()}")
    isa = r.stdout.strip()
    if requested and isa != requested:
        fail(f"--isa {requested}: this CPU runs {isa} code")
    return isa


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("variant")
    p.add_argument("--knob", action="append", default=[], metavar="NAME=VALUE",
                   help="a generator parameter override (tile_x=512, tile_y=32, ...)")
    p.add_argument("--grid")
    p.add_argument("--steps", type=int)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--isa", choices=("avx2", "avx512"))
    p.add_argument("--stmt", action="store_true", help="keep Halide's lowered statement (.stmt)")
    p.add_argument("--asm", action="store_true", help="keep the generated assembly (.s)")
    p.add_argument("--build-dir", default=str(ROOT / "build"))
    a = p.parse_args()
    build = Path(a.build_dir)
    cat = sfcatalog.load()
    v = cat.find(a.variant)
    if v is None:
        near = [x.name for x in cat.variants if x.name.startswith(a.variant.split("_t")[0])][:5]
        fail(f"'{a.variant}' is not a catalog variant" + (f"; did you mean {', '.join(near)}?" if near else ""))
    if v.engine != "halide" or v.device != "host" or v.autoscheduler:
        fail(f"{v.name} is not a host Halide variant scheduled by a schedules/ file (engine {v.engine}, device "
             f"{v.device}{', autoscheduler ' + v.autoscheduler if v.autoscheduler else ''})")
    settings_file = build / "lab" / "lab.json"
    if not settings_file.exists():
        fail(f"{settings_file} is missing: build the project first (./tools/build.sh)")
    settings = json.loads(settings_file.read_text())
    params = {"pattern": v.pattern, "radius": v.radius, "dims": v.dims, "dtype": v.halide_type, "depth": v.depth,
              "schedule": v.base_schedule, "x_granule": v.x_granule, **dict(v.knobs)}
    for k in a.knob:
        name, eq, value = k.partition("=")
        if not eq or not name or not value:
            fail(f"--knob '{k}' is not NAME=VALUE")
        if name in ("pattern", "radius", "dims", "dtype", "depth"):
            fail(f"--knob {name}: the lab tries schedules of {v.name} as it is; pick the variant with that {name}")
        params[name] = value
    depth = int(params["depth"])
    steps = a.steps or depth
    if steps % depth:
        fail(f"--steps {steps} is not a multiple of depth {depth}: the lab times full passes of the kernel it built")
    grid = a.grid or DEFAULT_GRID[v.dims]
    key = sfcatalog.emit.generator_key(v.schedule_source)
    out = build / "lab" / v.name
    out.mkdir(parents=True, exist_ok=True)
    driver = build / "tools" / "sf_lab"
    t0 = time.monotonic()
    # Only the schedule's generator: the edited file, and a relink (and the driver once, if it was never built).
    targets = [f"generators/sf_gen_{key}"] + ([] if driver.exists() else ["tools/sf_lab"])
    r = subprocess.run(["ninja", "-C", str(build), *targets], capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stdout[-4000:] + r.stderr[-2000:])
        fail(f"building {' '.join(targets)} failed")
    t1 = time.monotonic()
    isa = active_isa(driver, a.isa)
    # The library's own host target for that ISA (CMake's SF_HALIDE_TARGETS), as a C function without a runtime:
    # the driver's library already holds the one Halide runtime.
    target = settings["halide_targets"][isa].replace("-c_plus_plus_name_mangling", "") + "-no_runtime"
    emit = ["object", "h"] + (["stmt"] if a.stmt else []) + (["assembly"] if a.asm else [])
    gen = [str(build / "generators" / f"sf_gen_{key}"), "-g", "stencil", "-f", "sf_lab_kernel", "-o", str(out),
           "-e", ",".join(emit), f"target={target}", *[f"{k}={val}" for k, val in params.items()]]
    r = subprocess.run(gen, capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stderr[-4000:])
        fail("the generator refused the schedule (message above)")
    so = out / "sf_lab_kernel.so"
    r = subprocess.run([settings["cxx"], "-shared", str(out / "sf_lab_kernel.o"), "-o", str(so)],
                       capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stderr)
        fail("linking the lab kernel failed")
    t2 = time.monotonic()
    print(f"built    {v.name} with {' '.join(f'{k}={val}' for k, val in params.items())}")
    print(f"         target {target}; generator {t1 - t0:.1f} s, kernel {t2 - t1:.1f} s")
    env = dict(os.environ, STENCILFORGE_CPU_ISA=isa)
    r = subprocess.run([str(driver), "run", v.name, str(so), "--grid", grid, "--steps", str(steps),
                        "--reps", str(a.reps)], env=env)
    for ext, flag in (("stmt", a.stmt), ("s", a.asm)):
        if flag:
            print(f"kept     {out / ('sf_lab_kernel.' + ext)}")
    print(f"total    {time.monotonic() - t0:.1f} s")
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()

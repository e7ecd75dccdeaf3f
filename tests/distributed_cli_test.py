"""`mpiexec -n N stencilforge run` on .npy files: the output equals the
one-process run's byte for byte (2 ranks, 4 ranks on a 2x2 process grid,
3-D, uneven blocks from --balance), and bad input fails on every rank with
one message, exit status 1, and no file written or replaced.
Usage: distributed_cli_test.py STENCILFORGE MPIEXEC"""
import os
import sys
import tempfile

import numpy as np

import mpi_checks
from mpi_checks import check, failures

cli, mpiexec = sys.argv[1], sys.argv[2]


def run(args, ranks=None):
    return mpi_checks.run((mpi_checks.mpiexec_prefix(mpiexec, ranks) + [cli] if ranks else [cli]) + ["run"] + args +
                          ["-t", "1"])


with tempfile.TemporaryDirectory() as d:
    p = lambda name: os.path.join(d, name)
    rng = np.random.default_rng(4)
    np.save(p("a.npy"), rng.standard_normal((101, 83)).astype(np.float32))
    np.save(p("b.npy"), rng.standard_normal((27, 33, 41)))
    c2 = "0.1,0.2,0.35,0.2,0.15"
    c3 = "0.1,0.1,0.15,0.3,0.15,0.1,0.1"
    cases = [
        (["-k", "star2d1r_f32_omp_trapezoid_t4", "-i", p("a.npy"), "-s", "11", "-c", c2], 2, []),
        (["-k", "star2d1r_f32_temporal_t8", "-i", p("a.npy"), "-s", "19", "-c", c2], 4, ["--procs", "2x2"]),
        (["-k", "star3d1r_f64_omp_wavefront_t4", "-i", p("b.npy"), "-s", "9", "-c", c3], 4, []),
        (["-k", "star2d1r_f32_omp_t1", "-i", p("a.npy"), "-s", "10", "-c", c2], 2, ["--balance", "--period", "4"]),
    ]
    for i, (args, ranks, extra) in enumerate(cases):
        one, many = p(f"one{i}.npy"), p(f"many{i}.npy")
        r1 = run(args + ["-o", one])
        rn = run(args + ["-o", many, "-v"] + extra, ranks)
        check(r1.returncode == 0 and rn.returncode == 0, f"case {i} ran: {r1.stderr} {rn.stderr}")
        if r1.returncode == 0 and rn.returncode == 0:
            check(open(one, "rb").read() == open(many, "rb").read(), f"case {i}: {ranks} ranks differ from one process")
            check(f"on {ranks} ranks" in rn.stdout, f"case {i}: -v reports the ranks: {rn.stdout}")

    # Bad input: every rank fails, rank 0 says why once, nothing is written.
    with open(p("keep.npy"), "wb") as f:
        f.write(b"existing")
    bad = [
        (["-k", "star2d1r_f32_omp_t1", "-i", p("b.npy"), "-o", p("keep.npy"), "-c", c2], "is 2-D"),
        (["-k", "star2d1r_f32_omp_t1", "-i", p("missing.npy"), "-o", p("keep.npy"), "-c", c2], "no such file"),
        (["-k", "star2d1r_f32_omp_t1", "-i", p("a.npy"), "-o", p("no/dir/x.npy"), "-c", c2], "does not exist"),
        (["-k", "star2d1r_f32_nope", "-i", p("a.npy"), "-o", p("keep.npy"), "-c", c2], "star2d1r_f32_nope"),
        (["-k", "star2d1r_f32_omp_trapezoid_t8", "-i", p("a.npy"), "-o", p("keep.npy"), "-c", c2, "-s", "80",
          "--period", "64"], "cannot be cut into"),
        (["-k", "x", "--rank-kernels", "star2d1r_f32_omp_t1,star2d1r_f64_omp_t1", "-i", p("a.npy"), "-o",
          p("keep.npy"), "-c", c2], "rank 1: "),
        (["-k", "star2d1r_f32_omp_t1", "--procs", "3x1", "-i", p("a.npy"), "-o", p("keep.npy"), "-c", c2],
         "more ranks along a dimension"),
    ]
    for args, fragment in bad:
        r = run(args, 2)
        check(r.returncode != 0, f"{fragment}: exit status {r.returncode}")
        check(r.stderr.count("error:") == 1 and fragment in r.stderr, f"{fragment}: stderr was {r.stderr!r}")
    check(open(p("keep.npy"), "rb").read() == b"existing", "a failed run replaced the existing output")
    leftovers = [f for f in os.listdir(d) if f.startswith(".")]
    check(not leftovers, f"temporary files left: {leftovers}")

print(f"{len(cases) + len(bad) + 2 - len(failures)} passed")
mpi_checks.finish()

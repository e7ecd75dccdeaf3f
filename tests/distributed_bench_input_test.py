"""sf_distributed_bench on bad input: a malformed --grid or --case period, a
count out of range, an unknown variant, an unopenable --json each end with
an exit status (1, or CLI11's for an option) and a message naming the
problem, not a crash or an MPI abort (the grid and period cases on two ranks
too); a good run appends one JSON row, and a refused one leaves an existing
--json file unchanged.
Usage: distributed_bench_input_test.py SF_DISTRIBUTED_BENCH MPIEXEC"""
import json
import os
import sys
import tempfile

import mpi_checks
from mpi_checks import check

bench, mpiexec = sys.argv[1], sys.argv[2]
V = "star2d1r_f32_omp_t1"


def run(args, ranks=1):
    return mpi_checks.run(mpi_checks.mpiexec_prefix(mpiexec, ranks) + [bench] + args)


with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "rows.jsonl")
    good = run(["--grid", "67x45", "--steps", "3", "--reps", "1", "--case", V, "--json", out], ranks=2)
    check(good.returncode == 0, f"a good 2-rank run exits 0: {good.returncode} {good.stderr[-400:]}")
    rows = [json.loads(line) for line in open(out)] if os.path.exists(out) else []
    check(len(rows) == 1 and rows[0]["grid"] == "67x45" and rows[0]["ranks"] == 2,
          f"a good run appends one row: {rows}")
    before = open(out).read() if os.path.exists(out) else ""
    bad = [
        (["--grid", "64xabc"], "--grid '64xabc'"),
        (["--grid", "64x0"], "--grid '64x0'"),
        (["--grid", "64x64x64x64"], "2 or 3 extents"),
        (["--grid", "99999999999999999999x8"], "--grid"),
        (["--case", V + ":x"], "the period after ':'"),
        (["--case", V + ":-1"], "the period after ':'"),
        (["--case", ":4"], "names no variant"),
        (["--case", "star9d_nope"], "star9d_nope"),
        (["--steps", "0"], "--steps"),
        (["--reps", "-3"], "--reps"),
        (["--threads", "0"], "--threads"),
    ]
    for args, needle in bad:
        options = {"--grid": "64x64", "--steps": "2", "--reps": "1", "--case": V, "--json": out}
        options[args[0]] = args[1]  # CLI11 refuses an option given twice
        for ranks in ((1, 2) if args[0] in ("--grid", "--case") else (1,)):
            r = run([a for kv in options.items() for a in kv], ranks)
            text = r.stdout + r.stderr
            # an exit status, not a signal; no uncaught exception, no MPI_ABORT
            clean = 0 < r.returncode < 128 and "terminate called" not in text and "MPI_ABORT" not in text
            check(clean and needle in text,
                  f"{args} on {ranks} rank(s): exit {r.returncode}, message naming {needle!r}: {text[:400]!r}")
    check((open(out).read() if os.path.exists(out) else "") == before, "refused runs leave the --json file unchanged")
    nodir = os.path.join(d, "missing", "rows.jsonl")
    r = run(["--grid", "64x64", "--steps", "2", "--reps", "1", "--case", V, "--json", nodir])
    check(r.returncode == 1 and "--json" in r.stderr and not os.path.exists(nodir),
          f"an unopenable --json is refused: {r.returncode} {r.stderr[-300:]!r}")

mpi_checks.finish()

"""What the MPI script tests share: the mpiexec prefix (CI runs as root and
oversubscribes its 2 cores) and a failure list that the script's exit
status reports."""
import subprocess
import sys


def mpiexec_prefix(mpiexec, ranks):
    return [mpiexec, "--oversubscribe", "--allow-run-as-root", "-n", str(ranks)]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def finish():
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)

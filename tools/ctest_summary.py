"""A filter for ctest's console output (tools/test.sh): passes everything
through but the skipped tests. Their progress lines and ctest's closing
list of them (hundreds of CUDA tests on a machine without a GPU) become a
few lines: how many were skipped, grouped by the reason each test gave
(read from ctest's LastTest.log), with one example name per group. The
full log stays in build/Testing/Temporary/LastTest.log.

usage: ctest ... | python tools/ctest_summary.py BUILD_DIR"""
import collections
import os
import re
import sys


def skip_reasons(log_path):
    """{test name: the first line after gtest's 'Skipped' marker} for the skipped tests of the last run."""
    reasons = {}
    if not os.path.exists(log_path):
        return reasons
    name, output, in_output = None, [], False
    for line in open(log_path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^\d+/\d+ Test: (.*?)(  #.*)?$", line)
        if m:
            name, output, in_output = m.group(1), [], False
            continue
        if line == "Output:":
            in_output = True
            continue
        if line == "<end of output>":
            in_output = False
            for i, text in enumerate(output):
                if text.endswith(": Skipped") and i + 1 < len(output) and name:
                    reasons[name] = output[i + 1].strip()
                    break
            continue
        if in_output and not line.startswith("-----"):
            output.append(line)
    return reasons


def group_key(reason):
    # Kernel names (identifiers with underscores) differ per test; the reason does not.
    return re.sub(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9-]+)+\b", "<kernel>", reason)


def main(build_dir):
    skipped, in_list = [], False
    for line in sys.stdin:
        if re.match(r"^\s+Start\s+\d+: ", line):
            continue  # the result line that follows says it again
        if "***Skipped" in line:
            m = re.search(r"Test +#\d+: (\S+)", line)
            if m:
                skipped.append(m.group(1))
            continue
        if line.startswith("The following tests did not run:"):
            in_list = True
            continue
        if in_list:
            if re.match(r"^\s+\d+ - ", line):
                continue
            in_list = False
        sys.stdout.write(line)
        sys.stdout.flush()
    if not skipped:
        return
    reasons = skip_reasons(os.path.join(build_dir, "Testing", "Temporary", "LastTest.log"))
    groups = collections.OrderedDict()
    for name in skipped:
        groups.setdefault(group_key(reasons.get(name, "(no reason printed)")), []).append(name)
    print(f"{len(skipped)} tests skipped (not failures), by reason:")
    for key, names in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(names):4d}  {key[:160]}  (e.g. {names[0]})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build")

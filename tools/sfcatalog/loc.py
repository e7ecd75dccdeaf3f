"""Development cost next to speed: the lines of C++ a user writes for an implementation, counted the same way
for every engine (non-blank lines once // and /* */ comments are removed).

What counts is the file the catalog names for the implementation: a Halide row's schedule_source (the
algorithm in generators/ is shared by every Halide schedule, so it is not charged to any), a hand-written or
Kokkos row's policy header. An autoscheduled row writes no schedule: 0 lines. A small hand-written counter:
cloc is not among the project's dependencies, and this is the one rule every row is held to.
"""
import re
from pathlib import Path

from .model import ROOT

_STRING = r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\''
_TOKENS = re.compile(_STRING + r"|//[^\n]*|/\*.*?\*/", re.S)


def code_lines(text):
    """Non-blank lines of C++ source once comments are removed (string literals are kept as they are)."""
    def strip(m):
        tok = m.group(0)
        if tok.startswith("//"):
            return ""
        if tok.startswith("/*"):
            return "\n" * tok.count("\n")  # keep the line structure
        return tok
    return sum(1 for line in _TOKENS.sub(strip, text).splitlines() if line.strip())


def implementation_source(v):
    """The file a user writes for variant v's implementation, relative to the repository, or "" (an
    autoscheduler)."""
    return v.schedule_source or v.header


def implementation_lines(v, root=ROOT):
    source = implementation_source(v)
    return (source, code_lines((Path(root) / source).read_text())) if source else ("", 0)

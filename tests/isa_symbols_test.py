#!/usr/bin/env python3
"""The per-ISA builds of the hand-written CPU policies must not share a weak
symbol: the linker keeps one copy of each, and if the AVX-512 build's copy of,
say, std::vector<float>::resize were kept, AVX2-only machines would run
AVX-512 code (SIGILL). Every weak or unique symbol an ISA's objects define
must name that ISA's namespace (stencilforge::handwritten::<isa>), in its own
name or a template argument, which makes it distinct per ISA.

usage: isa_symbols_test.py ISA OBJECT... (or one ;-separated list)
"""
import subprocess
import sys


def main():
    # CMake passes $<TARGET_OBJECTS:...> as one ;-separated argument.
    isa, objects = sys.argv[1], [o for arg in sys.argv[2:] for o in arg.split(";") if o]
    if not objects:
        sys.exit("isa_symbols_test.py: no object files given")
    marker = f"11handwritten{len(isa)}{isa}"  # the Itanium mangling of ...::handwritten::<isa>
    shared = []
    for obj in objects:
        out = subprocess.run(["nm", "--defined-only", obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) < 3:
                continue
            kind, name = parts[1], parts[2]
            if kind in "WVu" and marker not in name and not name.startswith("DW.ref."):
                shared.append(f"{obj}: {kind} {name}")
    if shared:
        demangled = subprocess.run(["c++filt"], input="\n".join(s.rsplit(" ", 1)[1] for s in shared),
                                   capture_output=True, text=True).stdout.splitlines()
        print(f"{len(shared)} weak symbol(s) of the {isa} build are outside its namespace "
              "(another ISA build may define the same symbol):")
        for s, d in zip(shared, demangled):
            print(f"  {s}\n    = {d}")
        sys.exit(1)
    print(f"{isa}: {len(objects)} object(s), no weak symbol outside stencilforge::handwritten::{isa}")


if __name__ == "__main__":
    main()

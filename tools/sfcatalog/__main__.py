"""Command line of the catalog generator.

  python -m sfcatalog generate --out DIR [--drop FIELD=VALUE[,FIELD=VALUE]:REASON ...] [--tuning FAMILY,...]
      Validates catalog.json, leaves out the variants a missing toolchain cannot build, adds the tuning
      candidates of the families named (the tuning build, docs/selection.md), and writes
      DIR/variants.cmake, the runtime's tables and the engines' instantiation units (CMake runs this).
  python -m sfcatalog check
      Validates catalog.json only; exit 1 with the first problem.
  python -m sfcatalog list [--json]
      Every variant with its fields.
"""
import argparse
import dataclasses
import json
import sys

from . import emit
from .model import CatalogError, load


def parse_drop(spec):
    """'device=cuda,engine=handwritten:no nvcc' -> ('no nvcc', {'device': 'cuda', 'engine': 'handwritten'})."""
    cond, sep, reason = spec.partition(":")
    pairs = [kv.split("=", 1) for kv in cond.split(",")] if cond else []
    known = {"engine", "device", "dtype", "schedule", "shape"}
    if not sep or not reason or not pairs or any(len(p) != 2 or p[0] not in known or not p[1] for p in pairs):
        raise CatalogError(f"--drop '{spec}': expected FIELD=VALUE[,FIELD=VALUE]:REASON with FIELD one of "
                           f"{', '.join(sorted(known))}")
    return reason, dict(pairs)


def main(argv=None):
    p = argparse.ArgumentParser(prog="sfcatalog")
    p.add_argument("--catalog", help="catalog.json (default: the repository's)")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--out", required=True)
    g.add_argument("--drop", action="append", default=[], metavar="FIELD=VALUE[,...]:REASON")
    g.add_argument("--tuning", default="", metavar="FAMILY,...", help="add these families' tuning candidates")
    sub.add_parser("check")
    ls = sub.add_parser("list")
    ls.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    try:
        cat = load(args.catalog)
        if args.cmd == "generate":
            if args.tuning:
                cat.add_tuning([f for f in args.tuning.replace(";", ",").split(",") if f])
            for spec in args.drop:
                reason, fields = parse_drop(spec)
                cat.drop(reason, **fields)
            emit.generate(cat, args.out)
        elif args.cmd == "list":
            rows = [dataclasses.asdict(v) for v in cat.variants + cat.conv_variants]
            if args.json:
                json.dump(rows, sys.stdout, indent=1)
            else:
                for r in rows:
                    print(r["name"])
    except CatalogError as e:
        print(f"sfcatalog: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

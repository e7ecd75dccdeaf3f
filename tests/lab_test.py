#!/usr/bin/env python3
"""The schedule lab (tools/lab/lab.py) end to end on small grids (ctest schedule_lab): it rebuilds the schedule's
generator, builds the variant with knob overrides, checks it against the reference and times it; a knob that
would change the algorithm, a non-catalog name and an autoscheduled variant are refused with a message."""
import os
import subprocess
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = os.environ.get("SF_BUILD_DIR", str(ROOT / "build"))


def lab(*args):
    return subprocess.run([sys.executable, str(ROOT / "tools" / "lab" / "lab.py"), *args, "--build-dir", BUILD,
                           "--reps", "1"], capture_output=True, text=True)


class Lab(unittest.TestCase):
    def test_checks_and_times_a_variant_with_knobs(self):
        # An awkward grid (not a multiple of any tile or vector) and a knob the catalog does not set.
        r = lab("star2d2r_f64_temporal_t2", "--grid", "67x45", "--steps", "6", "--knob", "tile_x=48")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("tile_x=48", r.stdout)
        self.assertRegex(r.stdout, r"check .* against the reference: .*: ok")
        self.assertIn("hand-written star2d2r_f64_omp_t1", r.stdout)

    def test_a_3d_variant_on_both_isas(self):
        for isa in ("avx2",):
            r = lab("box3d1r_f32_tiled_t1", "--grid", "19x11x9", "--steps", "2", "--isa", isa)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn(f"isa      {isa}", r.stdout)

    def test_refusals(self):
        for args, needle in ((["star2d1r_f32_temporal_t4", "--knob", "radius=2"], "--knob radius"),
                             (["star2d1r_f32_temporal_t4", "--knob", "tile_x"], "is not NAME=VALUE"),
                             (["star2d1r_f32_temporal_t4", "--steps", "6"], "not a multiple of depth 4"),
                             (["star2d1r_f32_tempral_t4"], "is not a catalog variant"),
                             (["star2d1r_f32_adams2019_t1"], "autoscheduler Adams2019"),
                             (["star2d1r_f32_temporal_t4", "--grid", "64x64x64", "--steps", "4"], "has 3 extents")):
            r = lab(*args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(needle, r.stderr, args)
            self.assertNotIn("Traceback", r.stderr)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""The report tools on synthetic benchmark JSON (unittest, run by ctest with the project's .venv):
each table reads its own columns, no schedule overwrites another's column, GPU rows carry no CPU
roof or % of the CPU peak, and a benchmark name that is not a catalog variant is an error."""
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"


def run(script, *args):
    return subprocess.run([sys.executable, str(TOOLS / script), *args], capture_output=True, text=True)


def median(name, **counters):
    return {"name": name + "/real_time", "run_type": "aggregate", "aggregate_name": "median", **counters}


class ConvReport(unittest.TestCase):
    def report(self, benchmarks):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "conv.json"
            path.write_text(json.dumps({"context": {"fma_peak_f32_GFLOPs": "100"}, "benchmarks": benchmarks}))
            r = run("conv_report.py", str(path), "--out-dir", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            return (Path(d) / "conv.md").read_text()

    def rows(self, md, heading):
        section = md.split(heading, 1)[1].split("\n## ", 1)[0]
        return [line for line in section.splitlines() if line.startswith("| res2_3x3")]

    def test_each_table_reads_its_own_columns(self):
        layer = "layer/res2_3x3/b1/"
        gflops = {"conv_direct_f32_tiled_s1": 50, "conv_direct_f32_naive_s1": 5, "onednn": 60,
                  "conv_direct_f32_cuda_gpu_tiled_s1": 1000, "cudnn": 2000,
                  "conv_implicit_gemm_f32_cuda_tc_tf32_s1": 3000, "cudnn_tf32": 4000}
        md = self.report([median(layer + impl, **{"FLOP/s": g * 1e9, "peak_frac": g / 100.0, "label": "N1 x"})
                          for impl, g in gflops.items()])
        host = self.rows(md, "## Layers")[0]
        self.assertIn("**50 (50%)**", host)      # tiled's own number, not overwritten by naive's
        self.assertIn("| 5 (5%) |", host)        # naive in a column of its own
        self.assertIn("0.83x (direct)", host)
        gpu = self.rows(md, "## GPU layers")[0]
        self.assertIn("**1000** | - | 2000 |", gpu)  # no % of the CPU peak on GPU rows
        tc = self.rows(md, "## Tensor-core layers")[0]
        self.assertIn("**3000** | - | - | 4000 | 0.75x", tc)  # tc columns, not CUDA direct's numbers
        self.assertNotIn("1000", tc)


class StencilReport(unittest.TestCase):
    def write(self, d, names, **context):
        counters = {"cell_steps/s": 1e9, "roof_frac": 0.5, "FLOP/s": 1e10, "bw_frac": 0.5, "ai": 1.25}
        benchmarks = [median(n, **counters, device_roof=1 if "cuda" in n else 0, label="large 8x8") for n in names]
        ctx = {"fma_peak_f32_GFLOPs": "200", "fma_peak_f64_GFLOPs": "100", "copy_bw_roof_GBps": "30", **context}
        path = Path(d) / "stencils.json"
        path.write_text(json.dumps({"context": ctx, "benchmarks": benchmarks}))
        return path

    def test_header_names_the_store_roofs(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, ["star2d1r_f32_tiled_t1/large"], copy_bw_nontemporal_GBps="45",
                              copy_bw_memcpy_GBps="40")
            self.assertEqual(run("report.py", "report", str(path), "--out-dir", d).returncode, 0)
            md = (Path(d) / "stencils.md").read_text()
            self.assertIn("copy 30.0 GB/s with ordinary stores (the kernels' roof; memcpy 40.0, "
                          "non-temporal stores 45.0 = 1.50x)", md)
            self.assertIn("No implementation in this run writes with non-temporal stores", md)
            path = self.write(d, ["star2d1r_f32_tiled_t1/large", "star2d1r_f32_omp_stream_t1/large"])
            self.assertEqual(run("report.py", "report", str(path), "--out-dir", d).returncode, 0)
            self.assertIn("Held to the non-temporal copy (their catalog rows say `\"stores\": \"nontemporal\"`): "
                          "`omp_stream`;", (Path(d) / "stencils.md").read_text())
            # A run from before the non-temporal copy was measured still reports.
            path = self.write(d, ["star2d1r_f32_tiled_t1/large"], copy_bw_memcpy_GBps="40")
            self.assertEqual(run("report.py", "report", str(path), "--out-dir", d).returncode, 0)
            self.assertIn("(the kernels' roof; memcpy 40.0)", (Path(d) / "stencils.md").read_text())

    def test_gpu_rows_are_labelled_by_the_device_roof(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, ["star2d1r_f32_tiled_t1/large", "star2d1r_f32_cuda_gpu_tiled_t1/large"])
            r = run("report.py", "report", str(path), "--out-dir", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            md = (Path(d) / "stencils.md").read_text().splitlines()  # the full table (the console shows a summary)
            row = next(line for line in md if line.startswith("| star2d1r_f32 | large"))
            cells = [c.strip() for c in row.split("|")[3:-1]]
            self.assertTrue(cells[0].endswith("50% m"), cells)   # tiled: the CPU's memory roof
            self.assertTrue(cells[1].endswith("50% d"), cells)   # cuda: the device's, never m or c

    def test_the_hand_written_temporal_baseline_is_a_tracked_ratio(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, ["star2d1r_f32_tiled_t1/large", "star2d1r_f32_temporal_t4/large",
                                  "star2d1r_f32_omp_t1/large", "star2d1r_f32_omp_trapezoid_t4/large"])
            r = run("report.py", "report", str(path), "--out-dir", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            md = next(Path(d).glob("*.md")).read_text()
            self.assertIn("best Halide / best hand-written temporal (omp_trapezoid_t4) = 1.00x", md)

    def test_the_auto_pick_is_marked_and_compared_with_the_best(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, ["star2d1r_f32_tiled_t1/large", "star2d1r_f32_omp_t1/large"])
            data = json.loads(path.read_text())
            data["benchmarks"][1]["cell_steps/s"] = 4e9  # omp is the best, at 4 G
            data["benchmarks"].append(median("auto:star2d1r_f32/large", **{"cell_steps/s": 3e9},
                                             label="large 8x8 pick star2d1r_f32_tiled_t1"))
            data["context"]["tuning_record"] = "none: no tuning record at /x (`stencilforge tune` writes one)"
            path.write_text(json.dumps(data))
            r = run("report.py", "report", str(path), "--out-dir", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            md = (Path(d) / "stencils.md").read_text().splitlines()
            row = next(line for line in md if line.startswith("| star2d1r_f32 | large"))
            cells = [c.strip() for c in row.split("|")[3:-1]]
            self.assertTrue(cells[0].endswith("◂auto"), cells)       # the picked column, tiled
            self.assertFalse(cells[1].endswith("◂auto"), cells)
            auto = [line for line in md if line.startswith("| star2d1r_f32 | large |")][1]
            # The console: a summary within 120 columns, the fastest (omp) and the pick's ratio to it.
            self.assertLessEqual(max(len(line) for line in r.stdout.splitlines()), 120, r.stdout)
            console = next(line for line in r.stdout.splitlines() if line.startswith("star2d1r_f32  large"))
            self.assertIn("omp", console)
            self.assertTrue(console.rstrip().endswith("0.75x"), console)
            self.assertIn("star2d1r_f32_tiled_t1 | 3.00 | omp | 4.00 | 0.75x", auto)
            self.assertIn("no tuning record", (Path(d) / "stencils.md").read_text())

    def test_lines_per_implementation_next_to_speed(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, ["star2d1r_f32_temporal_t4/large", "star2d1r_f32_omp_trapezoid_t4/large",
                                  "star2d1r_f32_mullapudi2016_t1/large"])
            r = run("report.py", "report", str(path), "--out-dir", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            md = (Path(d) / "stencils.md").read_text()
            section = md.split("## Lines a user writes", 1)[1].split("\n## ", 1)[0]
            row = next(line for line in section.splitlines() if line.startswith("| temporal |"))
            self.assertIn("`schedules/temporal.cpp`", row)
            self.assertTrue(row.endswith("| 50% |"), row)
            lines = int(row.split("|")[3])
            self.assertTrue(0 < lines < len((ROOT / "schedules/temporal.cpp").read_text().splitlines()), row)
            self.assertIn("| mullapudi2016 | (autoscheduler: none) | 0 |", section)
            self.assertIn("`handwritten/cpu/omp_trapezoid.h`", section)

    def test_code_lines_leave_out_comments_and_blank_lines(self):
        sys.path.insert(0, str(TOOLS))
        import sfcatalog
        text = 'int a; // one\n/* two\n three */\n\n   \nconst char *s = "// kept";\nint b; /* c */ int d;\n'
        self.assertEqual(sfcatalog.loc.code_lines(text), 3)

    def test_unparsed_names_are_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            # Names are looked up in the catalog (tools/sfcatalog), not parsed: a well-formed name of a
            # variant the catalog does not have is as unplaceable as a malformed one.
            path = self.write(d, ["star2d1r_f32_tiled_t1/large", "mystery_kernel/large", "star3d12r_f64_omp_t1/small",
                                  "star2d2r_f64_kokkos-temporal_t4/small"])
            r = run("report.py", "report", str(path), "--out-dir", d)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("mystery_kernel/large", r.stderr)
            self.assertIn("star3d12r_f64_omp_t1/small", r.stderr)
            self.assertNotIn("kokkos-temporal", r.stderr)  # a catalog variant whose schedule holds '-' is placed


if __name__ == "__main__":
    unittest.main()

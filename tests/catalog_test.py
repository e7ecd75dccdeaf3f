#!/usr/bin/env python3
"""The catalog generator (tools/sfcatalog) on the real catalog and on broken copies of it (unittest, run by
ctest as catalog_generator): what it expands, what it refuses and with which message, and that the strings it
emits reach C++ and CMake unchanged (compiled and run, not compared as text)."""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import sfcatalog  # noqa: E402
from sfcatalog import emit  # noqa: E402

CATALOG = json.loads((ROOT / "catalog.json").read_text())


def load_edited(edit):
    """Loads a copy of catalog.json changed by edit(data); schedule files and headers from the repository."""
    data = copy.deepcopy(CATALOG)
    edit(data)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "catalog.json"
        path.write_text(json.dumps(data))
        return sfcatalog.load(path, root=ROOT)


def row(data, schedule):
    return next(r for r in data["implementations"] if r["schedule"] == schedule)


class RealCatalog(unittest.TestCase):
    cat = sfcatalog.load()

    def test_names_are_their_fields(self):
        for v in self.cat.variants:
            self.assertEqual(v.name, f"{v.shape}_{v.dtype}_{v.schedule}_t{v.depth}")
            self.assertEqual(v.shape, f"{v.pattern}{v.dims}d{v.radius}r")
        self.assertEqual(len({v.name for v in self.cat.variants}), len(self.cat.variants))

    def test_expansion_follows_the_rows(self):
        v = self.cat.find("star3d1r_f64_cuda_gpu_temporal_t2")
        self.assertEqual((v.base_schedule, v.device, v.remainder, v.engine), ("gpu_temporal", "cuda", "cuda_gpu_tiled",
                                                                               "halide"))
        self.assertEqual(v.schedule_source, "schedules/gpu_temporal.cpp")
        # The skip entry leaves out exactly the combination that cannot launch.
        self.assertIsNone(self.cat.find("star3d1r_f64_cuda_gpu_temporal_t4"))
        self.assertIsNotNone(self.cat.find("star3d1r_f32_cuda_gpu_temporal_t4"))
        self.assertIsNotNone(self.cat.find("star2d1r_f64_cuda_gpu_temporal_t8"))
        omp = self.cat.find("box2d2r_f32_omp_t1")
        self.assertEqual((omp.policy, omp.header), ("OmpLoop", "handwritten/cpu/omp_loop.h"))
        w = self.cat.find_conv("conv_winograd_f4x4_f32_tiled_s1")
        self.assertEqual((w.winograd_m, w.signature, w.stride), (4, "layer", 1))
        f = self.cat.find_conv("filter2d_f32_cuda_hw_smem_mirror")
        self.assertEqual((f.kernel_argument, f.boundary, f.engine), ("smem", "mirror", "handwritten"))

    def test_drop_removes_every_matching_variant(self):
        cat = sfcatalog.load()
        cat.drop("no nvcc", device="cuda", engine="handwritten")
        self.assertFalse([v for v in cat.variants + cat.conv_variants if v.device == "cuda" and v.engine == "handwritten"])
        self.assertTrue([v for v in cat.variants if v.device == "cuda" and v.engine == "halide"])
        self.assertIsNone(cat.find("star2d1r_f32_cuda_hw_smem_t1"))
        self.assertEqual(cat.dropped[0][1], "no nvcc")


    def test_tuning_candidates(self):
        cat = sfcatalog.load()
        base = {v.name for v in cat.variants}
        added = cat.add_tuning(["star3d1r_f32", "star2d1r_f64"])
        self.assertTrue(added)
        self.assertFalse(base & {v.name for v in added})  # a candidate equal to a catalog variant is that variant
        self.assertEqual({f"{v.shape}_{v.dtype}" for v in added}, {"star3d1r_f32", "star2d1r_f64"})
        v = cat.find("star3d1r_f32_temporal-x512y32z128_t6")
        self.assertEqual((v.candidate, v.base_schedule, v.depth, v.remainder), (True, "temporal", 6, "tiled"))
        self.assertEqual(v.knobs, (("tile_x", 512), ("tile_y", 32), ("tile_z", 128)))
        self.assertEqual(v.model_tile, (512, 32, 128))  # the halo the model charges is the candidate's own tile
        own = cat.find("star2d1r_f64_temporal_t16")    # {}: the schedule's tiles, under its own label
        self.assertEqual((own.knobs, own.model_tile, own.schedule), ((), (1024, 256), "temporal"))
        self.assertFalse(cat.find("star2d1r_f32_temporal_t4").candidate)
        # C symbols stay distinct ('-' is '_' there) and the generator gets the knobs.
        text = emit.variants_cmake(cat, "/tmp/x")
        self.assertIn("SF_HL_star3d1r_f32_temporal_x512y32z128_t6_PARAMS", text)
        self.assertIn("tile_z=128", text)
        self.assertIn("stencilforge::kernels::star3d1r_f32_temporal_x512y32z128_t6", emit.kernel_table(cat))
        default = sfcatalog.load()
        self.assertEqual({f"{v.shape}_{v.dtype}" for v in default.add_tuning(["default"])},
                         set(CATALOG["tuning_families"]))
        with self.assertRaises(sfcatalog.CatalogError) as e:
            sfcatalog.load().add_tuning(["star9d1r_f32"])
        self.assertIn("tuning family 'star9d1r_f32'", str(e.exception))

    def test_model_fields_reach_the_table(self):
        cat = sfcatalog.load()
        v = cat.find("star3d1r_f32_omp_trapezoid_t4")
        self.assertTrue(v.phased)
        self.assertEqual(v.model_tile, (256, 32, 32))
        self.assertEqual([len(e) for e in v.efficiency], [2, 2])  # per ISA (avx2, avx512): inside the LLC, beyond it
        self.assertEqual(v.efficiency[1], tuple(row(CATALOG, "omp_trapezoid")["model"]["efficiency"]["avx512"]["3"]))
        self.assertEqual(cat.find("star3d1r_f32_cuda_hw_smem_t1").efficiency, ((0.0, 0.0), (0.0, 0.0)))  # no model

    def test_blocked_weights_reach_the_table_and_the_generator(self):
        cat = sfcatalog.load()
        tiled = cat.find_conv("conv_direct_f32_tiled_s1")
        self.assertTrue(tiled.blocked_weights)
        self.assertFalse(cat.find_conv("conv_direct_f32_naive_s1").blocked_weights)  # HWIO unless the row says so
        self.assertFalse(cat.find_conv("conv_direct_f32_cuda_gpu_tiled_s1").blocked_weights)  # host schedules only
        self.assertEqual(tiled.weight_block, (32, 16))  # the catalog's block per ISA: (avx512, avx2)
        self.assertIn(".weight_block = {32, 16}", emit.conv_table(cat))
        self.assertIn("[[weight_block_avx512=32]] [[weight_block_avx2=16]]", emit.variants_cmake(cat, "/tmp/x"))

    def test_store_kind_reaches_the_table(self):
        cat = sfcatalog.load()
        self.assertTrue(cat.find("star2d1r_f32_omp_stream_t1").nontemporal)
        self.assertFalse(cat.find("star2d1r_f32_omp_t1").nontemporal)  # ordinary stores unless the row says so
        self.assertIn('"star2d1r_f32_omp_stream_t1"', emit.kernel_table(cat))


class Refusals(unittest.TestCase):
    def refuses(self, edit, *fragments):
        with self.assertRaises(sfcatalog.CatalogError) as e:
            load_edited(edit)
        for f in fragments:
            self.assertIn(f, str(e.exception))

    def test_store_kind(self):
        self.refuses(lambda d: row(d, "omp").update(stores="streaming"), "stores 'streaming' is not")
        self.refuses(lambda d: row(d, "gpu_tiled").update(stores="nontemporal"), "must run on the host only")

    def test_blocked_weights_name_host_layer_schedules(self):
        block = {"avx512": 32, "avx2": 16}
        self.refuses(lambda d: d["conv"]["algorithms"][3].update(blocked_weights={"gpu_tiled": block}),
                     "blocked_weights 'gpu_tiled' is not one of its host Halide layer schedules")
        self.refuses(lambda d: d["conv"]["algorithms"][0].update(blocked_weights={"tiled": block}),
                     "blocked_weights 'tiled' is not one of its host Halide layer schedules")

    def test_weight_blocks_are_whole_vectors_per_isa(self):
        direct = lambda d: d["conv"]["algorithms"][3]
        self.refuses(lambda d: direct(d).update(blocked_weights=["tiled"]), "blocked_weights", "must be a")
        self.refuses(lambda d: direct(d).update(blocked_weights={"tiled": {"avx512": 32}}),
                     "must map exactly avx512 and avx2")
        for isa, bad in (("avx512", 24), ("avx512", 0), ("avx512", 80), ("avx2", 12), ("avx2", "16"), ("avx2", True)):
            per_isa = {"avx512": 32, "avx2": 16, isa: bad}
            self.refuses(lambda d: direct(d).update(blocked_weights={"tiled": per_isa}),
                         f"{isa} block {bad!r} must be 1 to 4 vectors")

    def test_unknown_key(self):
        self.refuses(lambda d: row(d, "tiled").update(tile_xx=4), "implementation", "unknown key(s) tile_xx")
        self.refuses(lambda d: d["conv"]["algorithms"][0].update(strid=[1]), "unknown key(s) strid")
        self.refuses(lambda d: d.update(shape=[]), "top level", "unknown key(s) shape")

    def test_schedule_file_must_exist_and_register_the_schedule(self):
        self.refuses(lambda d: row(d, "temporal").update(schedule_source="schedules/nope.cpp"),
                     "'schedules/nope.cpp' does not exist")
        self.refuses(lambda d: row(d, "temporal").update(schedule_source="schedules/tiled.cpp"),
                     "'schedules/tiled.cpp' does not register SF_REGISTER_STENCIL_SCHEDULE(temporal")
        self.refuses(lambda d: row(d, "temporal").pop("schedule_source"), "needs schedule_source")
        self.refuses(lambda d: d["conv"]["algorithms"][2]["schedule_sources"].pop("tiled"),
                     "schedule 'tiled' needs a schedule_sources entry")

    def test_engines_need_a_policy_and_its_header(self):
        self.refuses(lambda d: row(d, "omp").pop("policy"), "needs policy")
        self.refuses(lambda d: row(d, "kokkos-tiled").update(header="kokkos/policies/none.hpp"),
                     "header 'kokkos/policies/none.hpp' does not exist")
        self.refuses(lambda d: row(d, "omp").update(policy="Omp Loop"), "not a C++ identifier")

    def test_names_the_tools_can_read(self):
        self.refuses(lambda d: row(d, "tiled").update(schedule="tiled_t2"), "must not end in _t<digits>")
        self.refuses(lambda d: row(d, "tiled").update(schedule="Tiled"), "lower-case")
        self.refuses(lambda d: d["shapes"][0].update(radius=2), "name 'star2d1r' must be 'star2d2r'")

    def test_shared_memory_envelope(self):
        # Without the skip entry, 3D f64 T=4 gpu_temporal is refused by size.
        self.refuses(lambda d: row(d, "gpu_temporal").pop("skip"), "star3d1r f64 T=4 needs at least 62720 B",
                     "add it to the row's skip")
        # A skip that matches nothing is stale.
        self.refuses(lambda d: row(d, "gpu_temporal")["skip"].append({"dims": 2, "depth": 16, "why": "x"}),
                     "matches no variant")

    def test_leftover_steps_need_a_depth_one_variant(self):
        self.refuses(lambda d: row(d, "temporal").pop("remainder"), "no depth-1 variant")
        self.refuses(lambda d: row(d, "temporal").update(remainder="tiledd"), "remainder schedule 'tiledd'")

    def test_model_and_tuning_fields(self):
        self.refuses(lambda d: row(d, "omp").pop("model"), "needs 'model'")
        self.refuses(lambda d: row(d, "omp")["model"]["efficiency"]["avx2"].update({"2": 1.5}),
                     "avx2 efficiency for 2-D must be a number in (0, 1]")
        self.refuses(lambda d: row(d, "omp")["model"]["efficiency"]["avx512"].update({"3": [0.1]}),
                     "avx512 efficiency for 3-D")
        self.refuses(lambda d: row(d, "omp")["model"]["efficiency"].pop("avx2"), "missing 'avx2'")
        self.refuses(lambda d: row(d, "omp")["model"]["efficiency"].update(sse=1), "unknown key(s) sse")
        self.refuses(lambda d: row(d, "omp")["model"].update(tile={"2": [64]}), "tile '2' must be 2 positive")
        self.refuses(lambda d: row(d, "omp")["model"].update(phased="yes"), "phased must be true or false")
        self.refuses(lambda d: row(d, "omp")["model"].update(speed=1), "unknown key(s) speed")
        self.refuses(lambda d: row(d, "omp").update(tuning={"depths": [1], "knobs": {}}), "only a host Halide row")
        self.refuses(lambda d: row(d, "temporal")["tuning"]["knobs"]["2"].append({"tile_x": 64}),
                     "must be {} (the schedule's tiles) or set exactly tile_x, tile_y")
        self.refuses(lambda d: row(d, "temporal")["tuning"]["knobs"]["3"].append({"tile_x": 0, "tile_y": 1, "tile_z": 1}),
                     "tiles must be positive")
        self.refuses(lambda d: d["tuning_families"].append("star2d9r_f32"), "tuning_families", "'star2d9r_f32'")
        # A tuning space's candidates are checked even when no tuning build asks for them.
        self.refuses(lambda d: row(d, "temporal").pop("remainder"), "no depth-1 variant")

    def test_knobs(self):
        self.refuses(lambda d: row(d, "temporal").update(knobs={"tile_w": 4}), "knob 'tile_w'")
        cat = load_edited(lambda d: row(d, "temporal").update(knobs={"tile_x": 512}))
        self.assertEqual(cat.find("star2d1r_f32_temporal_t4").knobs, (("tile_x", 512),))
        self.assertIn("tile_x=512", emit.variants_cmake(cat, "/tmp/x"))


HOSTILE = 'a "quoted" \\path\\ ; $ {x} ]] ]=] \t tab\nnewline \x01 end'


class Escaping(unittest.TestCase):
    def test_cpp_string_round_trips_through_the_compiler(self):
        cxx = os.environ.get("SF_CXX") or shutil.which("c++") or shutil.which("g++")
        if not cxx:
            self.skipTest("no C++ compiler")
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "t.cpp"
            src.write_text('#include <cstdio>\nint main() { std::fputs(' + emit.cpp_string(HOSTILE) + ', stdout); }\n')
            subprocess.run([cxx, str(src), "-o", str(Path(d) / "t")], check=True)
            out = subprocess.run([str(Path(d) / "t")], capture_output=True, check=True).stdout
            self.assertEqual(out.decode(), HOSTILE)

    def test_cmake_arg_round_trips_through_cmake(self):
        cmake = os.environ.get("SF_CMAKE") or shutil.which("cmake")
        if not cmake:
            self.skipTest("no cmake")
        with tempfile.TemporaryDirectory() as d:
            script = Path(d) / "t.cmake"
            script.write_text(f"set(X {emit.cmake_arg(HOSTILE)})\nfile(WRITE \"{d}/out.txt\" \"${{X}}\")\n")
            subprocess.run([cmake, "-P", str(script)], check=True)
            self.assertEqual((Path(d) / "out.txt").read_text(), HOSTILE)

    def test_a_hostile_description_lands_in_the_table_escaped(self):
        cat = load_edited(lambda d: row(d, "naive").update(description=HOSTILE))
        self.assertIn(emit.cpp_string(HOSTILE), emit.kernel_table(cat))


class Generate(unittest.TestCase):
    def test_unchanged_files_are_not_rewritten(self):
        cat = sfcatalog.load()
        with tempfile.TemporaryDirectory() as d:
            first = emit.generate(cat, d)
            self.assertIn(Path(d) / "variants.cmake", first)
            table = Path(d) / "runtime" / "kernel_table.cpp"
            os.utime(table, (1, 1))
            self.assertEqual(emit.generate(cat, d), [])
            self.assertEqual(table.stat().st_mtime, 1)
            units = sorted(p.name for p in (Path(d) / "kokkos").iterdir())
            self.assertEqual(units, ["kokkos_Flat.cpp", "kokkos_Temporal.cpp", "kokkos_Tiled.cpp"])

    def test_rows_sharing_a_policy_instantiate_it_once(self):
        # A second row on an existing policy is one catalog edit; its unit must not instantiate a template twice.
        def add_rows(d):
            d["implementations"].append(dict(row(d, "omp"), schedule="omp2"))
            d["implementations"].append(dict(row(d, "kokkos-flat"), schedule="kokkos-flat2"))
        cat = load_edited(add_rows)
        self.assertIsNotNone(cat.find("box3d1r_f64_omp2_t1"))
        for units in (emit.host_units(cat), emit.kokkos_units(cat)):
            for name, text in units.items():
                lines = [ln for ln in text.splitlines() if ln.startswith("template ")]
                self.assertEqual(len(lines), len(set(lines)), name)
                self.assertTrue(lines, name)

    def test_command_line_errors_are_messages(self):
        r = subprocess.run([sys.executable, "-m", "sfcatalog", "generate", "--out", "/nonexistent/x", "--drop", "x"],
                           cwd=ROOT / "tools", capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--drop 'x': expected FIELD=VALUE", r.stderr)
        self.assertNotIn("Traceback", r.stderr)


if __name__ == "__main__":
    unittest.main()

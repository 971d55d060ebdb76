"""Tests of the peer benchmark's harness (run by bench/peers/run-tests.sh from scripts/test.sh).

Pure parts (shapes, figures, report) with fixed inputs; the floor driver and the report end to end with real child
processes (the floor binary built with swiftc, a real SQLite file); when ORCH_BIN is set, that the orch binary has
every peer DAG the Python side expects, with the same number of tasks (dags/PeerBenchmarks.swift and shapes.py are
two copies of one table). No timing figure is checked: only that the figures are computed from what was recorded.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import otherwork  # noqa: E402
import report  # noqa: E402
import run as peers_run  # noqa: E402
import floors  # noqa: E402  (after run: driver puts bench/airflow, which has a run.py too, on the path)
import hop_parts  # noqa: E402
import file_create  # noqa: E402
import ab  # noqa: E402
import orch_test_driver  # noqa: E402
from driver import TRASH_ENV, discard, parse_args  # noqa: E402
from shapes import SHAPES, figures, parse_shapes  # noqa: E402


class ShapeTests(unittest.TestCase):
    def test_ids_and_upstreams(self):
        fan = SHAPES["fanout_100"]
        self.assertEqual(fan.task_ids("small"), ["root", *(f"t{i}" for i in range(1, 11)), "join"])
        self.assertEqual(fan.upstream("t3", "small"), ["root"])
        self.assertEqual(len(fan.upstream("join", "full")), 100)
        self.assertEqual(SHAPES["chain_20"].upstream("c5", "full"), ["c4"])
        self.assertEqual(SHAPES["chain_20"].upstream("c1", "full"), [])
        self.assertEqual(SHAPES["astro_100x10"].dag_ids("full", "inproc")[-1], "peer_astro_100x10_inproc_100")
        self.assertEqual(SHAPES["astro_100x10"].total_tasks("full"), 1000)
        self.assertEqual(SHAPES["trigger"].dag_ids("small"), ["peer_trigger_proc_s"])

    def test_unknown_shape_and_scale_are_errors(self):
        with self.assertRaisesRegex(ValueError, "unknown shape.*fanout_7.*known: fanout_100"):
            parse_shapes("fanout_100,fanout_7")
        with self.assertRaisesRegex(ValueError, "scale must be"):
            SHAPES["chain_20"].dims("huge")
        self.assertEqual(len(parse_shapes("all")), len(SHAPES))

    def test_chain_figures(self):
        shape = SHAPES["sleep_10"]  # small: 2 tasks of 1 s
        tasks = [("d", "c1", 100.0, 101.0), ("d", "c2", 101.25, 102.25)]
        f = figures(shape, "small", tasks, t_trigger=99.5, run_end=102.5)
        self.assertEqual(f["wall_s"], 2.25)
        self.assertEqual(f["overhead_s"], 0.25)  # wall - 2 x 1 s of work
        self.assertEqual(f["overhead_per_task_ms"], 125.0)
        self.assertEqual(f["hop_p50_s"], 0.25)
        self.assertEqual(f["trigger_to_first_start_s"], 0.5)
        self.assertEqual(f["trigger_to_end_s"], 3.0)

    def test_figures_reject_missing_or_backwards_tasks(self):
        with self.assertRaisesRegex(ValueError, "expected 2 task times, got 1"):
            figures(SHAPES["sleep_10"], "small", [("d", "c1", 1.0, 2.0)], None, None)
        with self.assertRaisesRegex(ValueError, "ends before it starts"):
            figures(SHAPES["sleep_10"], "small", [("d", "c1", 1.0, 2.0), ("d", "c2", 3.0, 2.5)], None, None)

    def test_bad_driver_and_runner_options_exit_with_a_message(self):
        for argv in (["--repeats", "0"], ["--shapes", "nope"], ["--run-timeout", "0"]):
            with self.assertRaises(SystemExit) as e, open(os.devnull, "w") as null:
                sys.stderr, saved = null, sys.stderr
                try:
                    parse_args("x", argv)
                finally:
                    sys.stderr = saved
            self.assertEqual(e.exception.code, 2)
        with self.assertRaises(SystemExit), open(os.devnull, "w") as null:
            sys.stderr, saved = null, sys.stderr
            try:
                peers_run.parse(["--systems", "orch-proc,kestra"])
            finally:
                sys.stderr = saved


def sample(system, shape, **fig):
    return {"type": "sample", "system": system, "shape": shape, **fig}


class HopPartsTests(unittest.TestCase):
    """bench/peers/hop_parts.py: a chain hop's four parts from `perf sched timehist -w` lines."""

    @staticmethod
    def wake(t: float, waker: str, woken: str) -> str:
        return f"  {t:.6f} [0001]  {waker}    awakened: {woken}"

    def test_a_hop_is_split_at_its_four_wake_ups_and_a_broken_one_is_skipped(self):
        s, child1, child2 = "orch-bench-dags[100]", "orch-bench-dags[201]", "orch-bench-dags[202]"
        reader, engine = "r-initiated-qos[301/300]", "r-initiated-qos[302/300]"
        lines = [
            self.wake(1.000000, s, child1),                 # fork
            self.wake(1.000400, child1, reader),            # its report, straight to the reader
            self.wake(1.000460, reader, engine),            # the reader hands it to the engine
            self.wake(1.000500, child1, s),                 # its exit (SIGCHLD): not part of the hop
            self.wake(1.000700, engine, "orch-bench-dags[100]"),   # the next request
            self.wake(1.000950, s, child2),                 # the next fork: the hop is whole
            self.wake(1.001000, child2, "kworker/0:2[9]"),  # not a report
            self.wake(1.001500, s, "orch-bench-dags[203]"), # a fork before any report: hop skipped
        ]
        found = hop_parts.parts(lines, "100")
        self.assertEqual([round(v * 1e6) for v in found["child"]], [400])
        self.assertEqual([round(v * 1e6) for v in found["relay"]], [60])
        self.assertEqual([round(v * 1e6) for v in found["engine"]], [240])
        self.assertEqual([round(v * 1e6) for v in found["server"]], [250])

    def test_a_reader_that_takes_the_turn_itself_has_no_relay(self):
        s, child1, child2 = "orch-bench-dags[100]", "orch-bench-dags[201]", "orch-bench-dags[202]"
        reader = "r-initiated-qos[301/300]"
        lines = [
            self.wake(1.000000, s, child1),                 # fork
            self.wake(1.000400, child1, reader),            # its report, straight to the reader
            self.wake(1.000600, reader, s),                 # the reader's own turn sends the next request
            self.wake(1.000850, s, child2),                 # the next fork: the hop is whole
        ]
        found = hop_parts.parts(lines, "100")
        self.assertEqual([round(v * 1e6) for v in found["child"]], [400])
        self.assertEqual([round(v * 1e6) for v in found["relay"]], [0])
        self.assertEqual([round(v * 1e6) for v in found["engine"]], [200])
        self.assertEqual([round(v * 1e6) for v in found["server"]], [250])


class ABTests(unittest.TestCase):
    """bench/peers/ab.py: the CPU per task it prints beside orch_driver.py's figures."""

    def test_cpu_per_task_is_the_runs_cpu_over_its_tasks_where_both_are_known(self):
        samples = ab.with_cpu_per_task([{"shape": "fanout_1000", "tasks": 1002, "cpu_s": 1.24},
                                        {"shape": "chain_20", "tasks": 20, "cpu_s": None},
                                        {"shape": "trigger", "tasks": 0, "cpu_s": 0.01}])
        self.assertAlmostEqual(samples[0]["cpu_per_task_ms"], 1.2375, places=4)
        self.assertNotIn("cpu_per_task_ms", samples[1])
        self.assertNotIn("cpu_per_task_ms", samples[2])
        table = ab.summary({"M": samples[:1], "O": [dict(samples[0], cpu_per_task_ms=1.1)]}, ["fanout_1000"])
        self.assertIn("| fanout_1000 | CPU per task (ms) | 1.238 (1.238-1.238, n=1) | 1.100 (1.100-1.100, n=1) |", table)


class ReportTests(unittest.TestCase):
    def test_medians_ratios_and_errors(self):
        records = [sample("orch-proc", "fanout_100", tasks_per_s=v, peak_rss_mb=30, overhead_per_task_ms=4)
                   for v in (100, 120, 90)]
        records += [sample("airflow", "fanout_100", tasks_per_s=v, peak_rss_mb=900, overhead_per_task_ms=400)
                    for v in (1, 2, 3)]
        records += [sample("floor-spawn", "fanout_100", tasks_per_s=200, overhead_per_task_ms=2)]
        records += [{"type": "error", "system": "luigi", "shape": "fanout_100", "error": "TimeoutError: x"}]
        summary = report.summarize(records)
        s = summary[("orch-proc", "fanout_100")]["tasks_per_s"]
        self.assertEqual((s["median"], s["min"], s["max"], s["n"]), (100, 90, 120, 3))
        self.assertEqual(report.advantage(100, 2, True), 50)
        self.assertEqual(report.advantage(0.1, 2.0, False), 20)
        self.assertIsNone(report.advantage(None, 2, True))
        md = report.markdown(summary, [r for r in records if r["type"] == "error"], {})
        self.assertIn("| fanout_100 | tasks_per_s (higher is better) | 100 (90.0–120) |", md)
        self.assertIn("50.0x", md)  # orch-proc vs airflow
        self.assertIn("| orch-proc vs airflow |", md)
        self.assertIn("| 4.00 (4.00–4.00) | 2.00 (n=1) | 2.0x |", md)  # orch's overhead per task, the floor's, ratio
        self.assertIn("| luigi | fanout_100 | TimeoutError: x |", md)

    def test_a_run_without_floors_says_so_instead_of_a_table_of_dashes(self):
        summary = report.summarize([sample("orch-inproc", "chain_20", hop_p50_s=0.0002, overhead_per_task_ms=0.2),
                                    sample("dagster-inprocess", "chain_20", hop_p50_s=0.001)])
        md = report.markdown(summary, [], {})
        floor_section = md[md.index("## orch over the floor"):md.index("## Peak memory")]
        self.assertIn("No orch system and floor of its mechanism both ran", floor_section)
        self.assertNotIn("| - | - | ratio |", floor_section)
        self.assertNotIn("| chain_20 |", floor_section)

    def test_the_glance_table_has_the_medians_in_the_readme_s_units(self):
        summary = report.summarize(
            [sample("orch-proc", "chain_20", hop_p50_s=v) for v in (0.004, 0.005, 0.009)]
            + [sample("luigi", "chain_20", hop_p50_s=0.0104)]
            + [{"type": "idle", "system": "orch-proc", "pss_mb_median": 65.8, "processes": 2},
               {"type": "idle", "system": "floor-spawn", "pss_mb_median": 0, "processes": 0}]
            + [sample("floor-spawn", "chain_20", hop_p50_s=0.0036)])
        md = report.markdown(summary, [], {})
        self.assertIn("| shape | orch-proc | luigi | floor-spawn |", md)
        self.assertIn("| chain_20 (hop, ms) | 5.00 | 10.4 | 3.60 |", md)        # the median, in milliseconds
        self.assertIn("| idle, DAGs loaded (PSS, MiB) | 65.8 | - | - |", md)   # a floor has nothing idle
        self.assertLess(md.index("## At a glance"), md.index("## Per shape"))

    def test_svg_is_well_formed_and_names_every_system(self):
        import xml.etree.ElementTree as ET
        summary = report.summarize([sample("orch-proc", "fanout_100", tasks_per_s=120, peak_rss_mb=30),
                                    sample("prefect", "fanout_100", tasks_per_s=150, peak_rss_mb=320),
                                    {"type": "idle", "system": "prefect", "rss_mb_median": 300}])
        tasks, memory = report.charts(summary)
        for svg in (tasks, memory):
            root = ET.fromstring(svg)
            texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
            self.assertIn("orch-proc", texts)
            self.assertIn("prefect", texts)
        self.assertIn("idle", memory)

    def test_the_tasks_per_second_chart_leaves_the_one_task_trigger_shape_out(self):
        # A one-task shape's "tasks/s" is one over a no-op body's duration (a million for orch and the floors in the
        # third full run's chart): not a throughput. Its peak memory still means something.
        summary = report.summarize([sample("orch-inproc", "trigger", tasks_per_s=1048576.0, peak_rss_mb=40),
                                    sample("prefect", "trigger", tasks_per_s=913.2, peak_rss_mb=300),
                                    sample("orch-inproc", "fanout_100", tasks_per_s=4500, peak_rss_mb=50),
                                    sample("prefect", "fanout_100", tasks_per_s=150, peak_rss_mb=320)])
        tasks, memory = report.charts(summary)
        self.assertNotIn("trigger", tasks)
        self.assertNotIn("1,048,576", tasks)
        self.assertIn("fanout_100", tasks)
        self.assertIn("trigger", memory)

    def test_idle_table_lists_pss_smallest_first(self):
        summary = report.summarize([
            {"type": "idle", "system": "luigi", "rss_mb_median": 49, "pss_mb_median": 45, "processes": 1},
            {"type": "idle", "system": "orch-proc", "rss_mb_median": 92, "pss_mb_median": 40, "processes": 2},
            {"type": "idle", "system": "floor-spawn", "rss_mb_median": 0, "pss_mb_median": 0, "cpu_pct": -0.0,
             "processes": 0}])
        md = report.markdown(summary, [], {})
        self.assertNotIn("| floor-spawn | ", md[md.index("## Idle"):])   # a floor runs nothing while idle: no row
        self.assertEqual(report.fmt(-0.0), "0")
        self.assertIn("| PSS median (MiB) | RSS median (MiB) |", md)
        orch_row, luigi_row = md.index("| orch-proc | - | - | - | 40.0 (n=1) | 92.0 (n=1) |"), md.index("| luigi | - | - | - | 45.0 (n=1) | 49.0 (n=1) |")
        self.assertLess(orch_row, luigi_row)

    def test_targets_are_judged_from_the_medians_and_each_10x_against_its_mode_s_floor(self):
        records = [sample("orch-proc", "chain_20", hop_p50_s=v, overhead_per_task_ms=1.0) for v in (0.001, 0.0012)]
        records += [sample("luigi", "chain_20", hop_p50_s=0.003),                      # 10x needs 0.3 ms
                    sample("floor-forked", "chain_20", hop_p50_s=0.0004),              # a fork alone: 0.4 ms
                    sample("floor-spawn", "chain_20", overhead_per_task_ms=2.0)]       # orch-proc 0.55x of it
        records += [sample("orch-proc", "fanout_100", tasks_per_s=900, overhead_per_task_ms=1.5),
                    sample("luigi", "fanout_100", tasks_per_s=100),                    # 10x needs 1,000 tasks/s
                    sample("floor-forked", "fanout_100", tasks_per_s=5000),
                    sample("floor-spawn", "fanout_100", overhead_per_task_ms=0.4)]     # orch-proc 3.75x of it
        records += [sample("orch-inproc", "trigger", trigger_to_first_start_s=0.002),
                    sample("prefect", "trigger", trigger_to_first_start_s=0.05)]       # 25x: met, no row below
        records += [{"type": "idle", "system": "orch-proc", "pss_mb_median": 39.0, "processes": 2},
                    {"type": "idle", "system": "orch-inproc", "pss_mb_median": 41.0, "processes": 2},
                    {"type": "idle", "system": "luigi", "pss_mb_median": 40.0, "processes": 1},
                    {"type": "idle", "system": "prefect", "pss_mb_median": 375, "processes": 3},
                    {"type": "idle", "system": "floor-spawn", "pss_mb_median": 0, "processes": 0}]
        md = report.markdown(report.summarize(records), [], {})
        section = md[md.index("## The issue's targets"):md.index("## Per shape")]
        self.assertIn("| ahead of every like-for-like peer on every shape | closest 2.7x (orch-proc vs luigi, chain_20); "
                      "0 of 3 pairs not ahead | met |", section)
        self.assertIn("| at least 10x on fan-out, chain hop and trigger to first start | lowest 2.7x (orch-proc vs "
                      "luigi, chain_20); 2 of 3 pairs under 10x | not met |", section)
        # The smallest peer (Luigi, 40.0) is below orch-inproc's 41.0: one orch mode above a peer is not met.
        self.assertIn("| idle memory the smallest (PSS, DAGs loaded) | orch-inproc 41.0 MiB, smallest peer luigi 40.0 "
                      "MiB | not met |", section)
        self.assertIn("| orch-proc's overhead per task within 3x of floor-spawn's | 0.50x–3.8x across 2 shapes (worst "
                      "fanout_100) | not met |", section)
        self.assertNotIn("floor-batched's", section)                   # no floor-batched figures: no verdict
        self.assertIn("| chain_20 | orch-proc vs luigi | 1.10 ms | 3.00 ms | 2.7x | 0.3 ms | no: beyond "
                      "floor-forked's 0.4 ms |", section)
        self.assertIn("| fanout_100 | orch-proc vs luigi | 900 tasks/s | 100 tasks/s | 9.0x | 1,000 tasks/s | yes: "
                      "floor-forked 5,000 tasks/s |", section)
        self.assertNotIn("| trigger |", section)
        self.assertLess(section.index("| chain_20 |"), section.index("| fanout_100 |"))   # the furthest from 10x first
        # A run with none of the targets' figures has no section.
        self.assertNotIn("## The issue's targets", report.markdown(report.summarize([sample("luigi", "trigger")]), [], {}))

    def test_each_shape_over_an_overhead_target_is_set_against_its_mode_s_floor(self):
        records = [sample("floor-batched", shape, overhead_per_task_ms=0.002) for shape in ("chain_20", "sleep_10")]
        records += [sample("orch-inproc", "chain_20", overhead_per_task_ms=0.2),       # 100x floor-batched's
                    sample("floor-isolated", "chain_20", overhead_per_task_ms=0.05),   # 25x: beyond 5x itself
                    sample("orch-inproc", "sleep_10", overhead_per_task_ms=0.012),     # 6x
                    sample("floor-isolated", "sleep_10", overhead_per_task_ms=0.004),  # 2x: 5x is within reach
                    sample("orch-inproc", "trigger", overhead_per_task_ms=1.0),        # trigger has no overhead
                    sample("floor-batched", "trigger", overhead_per_task_ms=0.001)]
        records += [sample("orch-proc", "chain_20", overhead_per_task_ms=1.0),         # 0.5x floor-spawn's: met
                    sample("floor-spawn", "chain_20", overhead_per_task_ms=2.0)]
        md = report.markdown(report.summarize(records), [], {})
        section = md[md.index("## The issue's targets"):md.index("## Per shape")]
        self.assertIn("| orch-inproc's overhead per task within 5x of floor-batched's | 6.0x–100.0x across 2 shapes "
                      "(worst chain_20) | not met |", section)
        self.assertIn("| chain_20 | orch-inproc within 5x of floor-batched | 100.0x | no: floor-isolated itself is "
                      "25.0x |", section)
        self.assertIn("| sleep_10 | orch-inproc within 5x of floor-batched | 6.0x | yes: floor-isolated is 2.0x |",
                      section)
        self.assertNotIn("| trigger |", section)
        self.assertNotIn("within 3x of floor-spawn |", section)                # a met target has no rows
        # Without the mechanism's floor the row says so rather than guessing.
        md = report.markdown(report.summarize([r for r in records if r["system"] != "floor-isolated"]), [], {})
        self.assertIn("| chain_20 | orch-inproc within 5x of floor-batched | 100.0x | - |", md)

    def test_the_readme_s_tables_are_rewritten_between_their_markers_and_the_rest_kept(self):
        samples = [sample("orch-proc", "chain_20", hop_p50_s=0.002), sample("luigi", "chain_20", hop_p50_s=0.007)]
        readme = ("# r\n\nbefore\n<!-- peers-glance -->\n| old | glance |\n<!-- /peers-glance -->\nbetween\n"
                  "<!-- peers-ratios -->\n| old |\n<!-- /peers-ratios -->\nand\n<!-- peers-targets -->\n"
                  "<!-- /peers-targets -->\nafter\n")
        with tempfile.TemporaryDirectory() as d:
            Path(d, "s.jsonl").write_text("".join(json.dumps(s) + "\n" for s in samples))
            Path(d, "README.md").write_text(readme)
            r = subprocess.run([sys.executable, str(HERE / "report.py"), str(Path(d, "s.jsonl")), "--out", d,
                                "--readme", str(Path(d, "README.md"))], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(Path(d, "README.md").read_text(),
                             "# r\n\nbefore\n<!-- peers-glance -->\n| shape | orch-proc | luigi |\n| --- | --- | --- |\n"
                             "| chain_20 (hop, ms) | 2.00 | 7.00 |\n<!-- /peers-glance -->\nbetween\n"
                             "<!-- peers-ratios -->\n| shape | orch-proc vs luigi |\n| --- | --- |\n"
                             "| chain_20 | 3.5x |\n<!-- /peers-ratios -->\nand\n<!-- peers-targets -->\n"
                             "| target | this run | verdict |\n| --- | --- | --- |\n"
                             "| ahead of every like-for-like peer on every shape | closest 3.5x (orch-proc vs luigi, "
                             "chain_20); 0 of 1 pairs not ahead | met |\n"
                             "| at least 10x on fan-out, chain hop and trigger to first start | lowest 3.5x (orch-proc "
                             "vs luigi, chain_20); 1 of 1 pairs under 10x | not met |\n\n"
                             "Pairs under 10x on the 10x shapes, and whether the floor of orch's mechanism in that mode "
                             "(floor-forked for a process per task, floor-isolated in-process) allows 10x on this "
                             "machine:\n\n| shape | pair | orch | peer | ratio | 10x needs | the floor allows it |\n"
                             "| --- | --- | --- | --- | --- | --- | --- |\n"
                             "| chain_20 | orch-proc vs luigi | 2.00 ms | 7.00 ms | 3.5x | 0.7 ms | - |\n"
                             "<!-- /peers-targets -->\nafter\n")
            # A README without one of the markers is an error that writes nothing, the report included.
            Path(d, "README.md").write_text(readme.replace("<!-- /peers-ratios -->\n", ""))
            Path(d, "peers.md").unlink()
            r = subprocess.run([sys.executable, str(HERE / "report.py"), str(Path(d, "s.jsonl")), "--out", d,
                                "--readme", str(Path(d, "README.md"))], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn("<!-- /peers-ratios -->", r.stderr)
            self.assertFalse(Path(d, "peers.md").exists())
            self.assertEqual(Path(d, "README.md").read_text(), readme.replace("<!-- /peers-ratios -->\n", ""))

    def test_bad_samples_file_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as d:
            bad = Path(d, "s.jsonl")
            bad.write_text('{"type": "sample"}\nnot json\n')
            r = subprocess.run([sys.executable, str(HERE / "report.py"), str(bad), "--out", d],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn("s.jsonl:2: not JSON", r.stderr)
            self.assertFalse(Path(d, "peers.md").exists())
            r = subprocess.run([sys.executable, str(HERE / "report.py"), str(Path(d, "missing.jsonl"))],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn("no samples file", r.stderr)


class FileCreateTests(unittest.TestCase):
    """run.py's probe of file creation under TMPDIR, and its wait for the file system to settle."""

    def test_the_probe_creates_and_times_new_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            p50, p90, folder = file_create.create_times_us(tmp, 20)
            self.assertEqual(len(os.listdir(folder)), 20)   # left in place: a removal slows the next creations
            self.assertGreater(p50, 0)
            self.assertGreaterEqual(p90, p50)

    def settle(self, reads, limit=50):
        slept = []
        probes = iter(reads)
        got = file_create.settle("/nowhere", limit, sleep=slept.append, probe=lambda _: (next(probes), 0.0, ""),
                                 log=lambda _: None)
        return got, slept

    def test_settle_waits_until_creation_is_quick(self):
        got, slept = self.settle([400, 300, 20])
        self.assertEqual(slept, [30, 30])
        self.assertEqual((got["p50_us"], got["waited_s"]), (20, 60))

    def test_settle_gives_up_after_its_wait(self):
        got, slept = self.settle([400] * 20)
        self.assertEqual(len(slept), 11)
        self.assertEqual((got["p50_us"], got["waited_s"]), (400, 330))

    def test_a_zero_limit_probes_once_and_never_waits(self):
        got, slept = self.settle([400, 20], limit=0)
        self.assertEqual((slept, got["p50_us"], got["waited_s"]), ([], 400, 0))

    def test_the_report_says_what_creating_a_file_cost(self):
        summary = report.summarize([sample("orch-proc", "chain_20", hop_p50_s=0.0006)])
        part = {"file_create_start": {"p50_us": 12.5, "p90_us": 30.0, "waited_s": 60.0},
                "file_create_end": {"p50_us": 14.0, "p90_us": 33.0, "waited_s": 0}}
        md = report.markdown(summary, [], {"machine": "m", "parts": [part]})
        self.assertIn("Creating a file under TMPDIR, p50 of 200 new files: 12.5 µs at the start, after waiting 60 s "
                      "for it to settle; at the end 14.0 µs.", md)
        self.assertNotIn("Creating a file", report.markdown(summary, [], {"machine": "m", "parts": [{}]}))


class MemoryTests(unittest.TestCase):
    """Summed PSS counts a page that several processes of a system share once; summed RSS once per process."""

    def test_pages_two_processes_share_are_counted_once(self):
        import importlib.util
        spec = importlib.util.spec_from_file_location("airflow_run", HERE.parent / "airflow" / "run.py")
        af = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(af)
        reader = "import mmap, sys, time\n" \
                 "f = open(sys.argv[1], 'rb'); m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)\n" \
                 "sum(m[i] for i in range(0, len(m), 4096)); print('ready', flush=True); time.sleep(60)\n"
        with tempfile.TemporaryDirectory() as d:
            shared = Path(d, "shared.bin")
            shared.write_bytes(os.urandom(32 * 2**20))
            procs = [subprocess.Popen([sys.executable, "-c", reader, str(shared)], stdout=subprocess.PIPE, text=True)
                     for _ in range(2)]
            try:
                for p in procs:
                    self.assertEqual(p.stdout.readline().strip(), "ready")
                pids = [p.pid for p in procs]
                rss, pss = af.rss_bytes(pids), af.pss_bytes(pids)
                self.assertGreater(rss, 64 * 2**20)           # the 32 MiB file in each process's RSS
                self.assertLess(pss, rss - 28 * 2**20)        # ... and once, in halves, in the PSS
                self.assertGreater(pss, 32 * 2**20)
                self.assertEqual(af.pss_bytes([2**22 + 12345]), 0)   # a process that is gone counts nothing
            finally:
                for p in procs:
                    p.kill()
                    p.wait()


# The start of a child interpreter that measures as a driver does (argv[1]: this folder): the meter moves its process
# into a cgroup, so a test of it runs in a process of its own.
DRIVER_PRELUDE = """
import sys, time
sys.path.insert(0, sys.argv[1])
import driver
class System:
    roots = []
    reaped_cpu = 0.0
meter = driver.cpu_meter()
"""


class CPUMeterTests(unittest.TestCase):
    """The CPU figure counts a process that outlives its parent (reparented to init), which the /proc sum missed
    (Dagster's figures came out negative). Runs in a child interpreter: the meter moves its process into a cgroup."""

    def test_an_orphan_s_cpu_is_counted(self):
        code = DRIVER_PRELUDE + """import os
if meter.method != "cgroup":
    print("skip"); sys.exit(0)
before = meter.snapshot(System)
if os.fork() == 0:          # the child forks a grandchild that spins 0.4 s of CPU, and exits at once
    if os.fork() == 0:
        end = time.thread_time() + 0.4
        while time.thread_time() < end: pass
        os._exit(0)
    os._exit(0)
os.wait()
time.sleep(1.0)             # the orphan spins meanwhile, reparented to init, and ends
print(meter.snapshot(System).cpu_since(before))
meter.close()
"""
        r = subprocess.run([sys.executable, "-c", code, str(HERE)], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        if r.stdout.strip() == "skip":
            self.skipTest("no writable cpuacct cgroup (not root)")
        self.assertGreaterEqual(float(r.stdout), 0.35)


class OtherWorkTests(unittest.TestCase):
    """Other programs' CPU beside a measurement: counted when a process the driver did not start spins, not when
    the driver's own system does. Runs in a child interpreter: the meter moves its process into a cgroup."""
    CODE = DRIVER_PRELUDE + """busy_before, _ = driver.machine_cpu()
before = meter.snapshot(System)
if sys.argv[2] == "spin":   # the system's own work: 1 s of CPU in the driver's process
    end = time.thread_time() + 1.0
    while time.thread_time() < end: pass
else:                       # measuring: the test spins meanwhile and says when it is done
    print("measuring", flush=True)
    sys.stdin.readline()
figures = meter.snapshot(System).other_work_since(before)
figures["busy_s"] = driver.machine_cpu()[0] - busy_before
print(figures)
meter.close()
"""

    def measure_while(self, mode: str, spin_outside: float) -> dict:
        child = subprocess.Popen([sys.executable, "-c", self.CODE, str(HERE), mode], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if mode != "spin":
            self.assertEqual(child.stdout.readline().strip(), "measuring", child.stderr.read() if child.poll() else "")
            end = time.thread_time() + spin_outside    # this test's process: not started by the child's driver
            while time.thread_time() < end:
                pass
        out, err = child.communicate("done\n", timeout=60)
        self.assertEqual(child.returncode, 0, err)
        return eval(out)   # a dict literal the child printed

    def test_another_program_s_cpu_is_counted_and_the_system_s_own_is_not(self):
        figures = self.measure_while("sleep", spin_outside=0.8)
        self.assertGreaterEqual(figures["others_cpu_s"], 0.6)
        self.assertEqual(figures["machine_cpus"], os.cpu_count())
        self.assertGreaterEqual(figures["steal_s"], 0)
        # Its own 1 s of CPU is not another program's, whatever else the machine is doing meanwhile.
        figures = self.measure_while("spin", spin_outside=0)
        self.assertGreaterEqual(figures["busy_s"] - figures["others_cpu_s"], 0.9)

    def test_the_section_names_disturbed_steps_and_measurements(self):
        def rec(system, shape, repeat, wall, others):
            return sample(system, shape, repeat=repeat, trigger_to_end_s=wall, others_cpu_s=others, steal_s=0.01,
                          machine_cpus=2)
        records = [rec("orch-proc", "chain_20", 1, 0.03, 0.0), rec("orch-proc", "sleep_10", 1, 10.0, 0.1),
                   # A step of short runs, each too short to judge alone (under 2 CPU seconds), disturbed in sum.
                   rec("luigi", "chain_20", 1, 0.5, 0.1), rec("luigi", "fanout_100", 1, 0.5, 0.1),
                   # One long run above the limit: 2.5 of 20 CPU seconds (12.5 %).
                   rec("prefect", "sleep_10", 2, 10.0, 2.5),
                   {"type": "idle", "system": "prefect", "repeat": 2, "seconds": 60, "others_cpu_s": 0.6,
                    "steal_s": 0, "machine_cpus": 2},
                   sample("airflow", "chain_20", repeat=1, trigger_to_end_s=9.0)]   # a run from before: no figures
        lines = otherwork.markdown(records, ["orch-proc", "luigi", "prefect", "airflow"])
        md = "\n".join(lines)
        self.assertIn("| orch-proc | 2 | 0.5 % | 0.5 % | 0.02 | 0 |", md)     # 0.1 of 20.06 CPU seconds
        self.assertIn("| luigi | 2 | 10.0 % | - | 0.02 | 0 |", md)
        self.assertIn("| prefect | 2 | 2.2 % | 12.5 % | 0.01 | 1 |", md)     # 3.1 of 140 (its idle 0.5 %)
        self.assertNotIn("| airflow |", md)
        self.assertIn("| luigi | 1 | 10.0 % |", md)                           # the disturbed step
        self.assertIn("| prefect | sleep_10 | 2 | 2.50 | 12.5 % |", md)        # the disturbed measurement
        self.assertIn("1 measurement(s) and 1 step(s) above 5 %", otherwork.summary_line(records))
        quiet = [rec("orch-proc", "sleep_10", 1, 10.0, 0.1)]
        self.assertIn("No measurement and no step above 5 %.", "\n".join(otherwork.markdown(quiet, ["orch-proc"])))
        self.assertEqual(otherwork.markdown([sample("luigi", "chain_20")], ["luigi"]), [])


class FloorEndToEndTests(unittest.TestCase):
    """The floor drivers and the report on real processes: a small run of three shapes each."""

    def test_floors_then_report(self):
        with tempfile.TemporaryDirectory() as d:
            binary = os.environ.get("PEERS_FLOOR_BIN", str(Path(d, "orch-floor")))
            lines = []
            for mode in ("spawn", "forked", "fsync", "isolated", "batched"):
                r = subprocess.run([sys.executable, str(HERE / "floors.py"), "--mode", mode, "--floor", binary,
                                    "--scale", "small", "--idle-seconds", "0",
                                    "--shapes", "fanout_100,astro_100x10,sleep_10"],
                                   capture_output=True, text=True, timeout=600)
                self.assertEqual(r.returncode, 0, r.stderr[-2000:])
                lines += [json.loads(x) for x in r.stdout.splitlines()]
            self.assertEqual(len(lines), 15)
            for rec in lines:
                self.assertEqual(rec["type"], "sample")
                self.assertEqual(rec["machine_cpus"], os.cpu_count())   # other work on the machine, beside each
                self.assertGreaterEqual(rec["others_cpu_s"], 0)
                self.assertGreaterEqual(rec["steal_s"], 0)
                self.assertEqual(rec["tasks"], SHAPES[rec["shape"]].total_tasks("small"))
                if rec["shape"] == "sleep_10":  # two 1-second sleeps in a chain
                    self.assertGreaterEqual(rec["wall_s"], 2.0)
                    self.assertGreaterEqual(rec["overhead_s"], 0.0)
            samples = Path(d, "s.jsonl")
            samples.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
            r = subprocess.run([sys.executable, str(HERE / "report.py"), str(samples), "--out", d],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            md = Path(d, "peers.md").read_text()
            for system in ("floor-spawn", "floor-forked", "floor-fsync", "floor-isolated", "floor-batched"):
                self.assertIn(system, md)
            self.assertIn("## Other work on the machine while each system ran", md)
            self.assertTrue(Path(d, "peers-memory.svg").read_text().startswith("<svg"))


    def test_the_forked_and_isolated_floors_keep_each_dags_order(self):
        """A layer starts after the one before it ended, in each DAG; every task ran once, in a process of its own
        (forked) or in the host process (isolated), with its times recorded."""
        with tempfile.TemporaryDirectory() as d:
            binary = floors.build_floor(os.environ.get("PEERS_FLOOR_BIN", str(Path(d, "orch-floor"))))
            for mode in ("forked", "isolated"):
                for kind, dags, size in (("fanout", 1, 3), ("chain", 3, 4)):
                    db = str(Path(d, f"{mode}-{kind}.db"))
                    subprocess.run([binary, "inprocess", kind, "cpu", str(dags), str(size), db, mode], check=True,
                                   timeout=60)
                    with sqlite3.connect(db) as c:
                        rows = c.execute("SELECT dag_id, task_id, start, end FROM task WHERE state = 'success'")
                        times = {(dag, task): (start, end) for dag, task, start, end in rows}
                    total = dags * (size + 2 if kind == "fanout" else size)
                    self.assertEqual(len(times), total, (mode, kind))
                    self.assertTrue(all(s <= e for s, e in times.values()))
                    for dag in {dag for dag, _ in times}:
                        if kind == "fanout":
                            middle = [times[(dag, f"t{i}")] for i in range(1, size + 1)]
                            self.assertTrue(all(times[(dag, "root")][1] <= s for s, _ in middle), (mode, dag))
                            self.assertTrue(all(e <= times[(dag, "join")][0] for _, e in middle), (mode, dag))
                        else:
                            for i in range(1, size):
                                self.assertLessEqual(times[(dag, f"c{i}")][1], times[(dag, f"c{i + 1}")][0], (mode, dag))

    def test_a_run_over_the_timeout_is_reported_and_the_rest_skipped(self):
        with tempfile.TemporaryDirectory() as d:
            binary = os.environ.get("PEERS_FLOOR_BIN", str(Path(d, "orch-floor")))
            r = subprocess.run([sys.executable, str(HERE / "floors.py"), "--mode", "fsync", "--floor", binary,
                                "--scale", "small", "--idle-seconds", "1", "--shapes", "sleep_10,trigger",
                                "--run-timeout", "0.5"], capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 1)
            records = [json.loads(x) for x in r.stdout.splitlines()]
            self.assertEqual([(x["type"], x["shape"]) for x in records], [("error", "sleep_10"), ("error", "trigger")])
            self.assertIn("TimeoutError", records[0]["error"])
            self.assertIn("not run: the sleep_10 run did not finish", records[1]["error"])


class ResumeTests(unittest.TestCase):
    """run.py --resume on real floor drivers: a run cut short during a step carries on from that step, with the
    cut step's samples dropped and nothing run twice; other options or no run are refused."""

    def run_py(self, out: str, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(HERE / "run.py"), "--systems", "floor-fsync,floor-batched",
                               "--shapes", "trigger", "--scale", "small", "--repeats", "2", "--idle-seconds", "0",
                               "--skip-setup", "--settle-create-us", "0",   # measures nothing: never wait
                               "--out", out, *extra], capture_output=True, text=True, timeout=900)

    def test_a_run_cut_during_a_step_carries_on_from_it(self):
        with tempfile.TemporaryDirectory() as d:
            r = self.run_py(d)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            peers = Path(d, "peers")
            whole = [json.loads(x) for x in (peers / "samples.jsonl").read_text().splitlines()]
            progress = json.loads((peers / "machine.json").read_text())
            self.assertEqual(len(progress["done"]), 4)
            # As if the machine stopped during the last step (repeat 2's second system): its samples half written.
            last = progress["done"].pop()
            lines = (peers / "samples.jsonl").read_text().splitlines(keepends=True)
            keep = len(lines)
            while keep and json.loads(lines[keep - 1]).get("system") == last[1]:
                keep -= 1
            offset = len("".join(lines[:keep]).encode())
            progress["running"] = {"repeat": last[0], "system": last[1], "offset": offset}
            progress.pop("uptime_end")
            (peers / "machine.json").write_text(json.dumps(progress))
            with open(peers / "samples.jsonl", "r+") as f:
                f.truncate(offset)
                f.seek(offset)
                f.write('{"type": "sample", "system": "' + last[1] + '", "shape": "trig')   # cut mid-line
            r = self.run_py(d, "--resume")
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertIn("done in an earlier part", r.stderr)
            resumed = [json.loads(x) for x in (peers / "samples.jsonl").read_text().splitlines()]
            count = lambda recs: sorted((x["type"], x["system"], x["shape"]) for x in recs)  # noqa: E731
            self.assertEqual(count(resumed), count(whole))   # every step once, the cut one again, no fragment
            progress = json.loads((peers / "machine.json").read_text())
            self.assertEqual(len(progress["done"]), 4)
            self.assertEqual(len(progress["parts"]), 2)
            self.assertNotIn("running", progress)
            self.assertIn("Run in 2 parts", Path(d, "peers.md").read_text())
            self.assertEqual(progress["homes"], tempfile.gettempdir())   # where every system's files lived
            self.assertIn(f"under `{tempfile.gettempdir()}` (TMPDIR)", Path(d, "peers.md").read_text())

    def test_other_options_or_no_run_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            r = self.run_py(d, "--resume")
            self.assertEqual(r.returncode, 2)
            self.assertIn("no run to carry on", r.stderr)
            r = self.run_py(d)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            r = self.run_py(d, "--resume", "--idle-seconds", "5")
            self.assertEqual(r.returncode, 2)
            self.assertIn("other options", r.stderr)
            record = Path(d, "peers", "machine.json")
            progress = json.loads(record.read_text())
            self.assertEqual(len(progress["code"]["harness"]), 64)
            progress["code"]["harness"] = "0" * 64   # as if a driver was edited since the run started
            record.write_text(json.dumps(progress))
            r = self.run_py(d, "--resume")
            self.assertEqual(r.returncode, 2)
            self.assertIn("the harness changed since the run", r.stderr)


class DiscardTests(unittest.TestCase):
    """A stopped system's home: moved into run.py's trash (removed when the run ends), else removed at once."""

    def test_under_run_py_the_home_waits_in_the_trash_else_it_is_removed(self):
        with tempfile.TemporaryDirectory() as d:
            home, trash = Path(d, "orch-peers-x"), Path(d, "trash")
            (home / "logs").mkdir(parents=True)
            (home / "logs" / "a.log").write_text("a")
            with mock.patch.dict(os.environ, {TRASH_ENV: str(trash)}):
                discard(str(home))
            self.assertFalse(home.exists())
            kept = list(trash.iterdir())
            self.assertEqual(len(kept), 1)
            self.assertTrue(kept[0].name.startswith("orch-peers-x-"))
            self.assertEqual((kept[0] / "logs" / "a.log").read_text(), "a")
            (home / "logs").mkdir(parents=True)
            with mock.patch.dict(os.environ):
                os.environ.pop(TRASH_ENV, None)
                discard(str(home))  # no trash named: removed now
            self.assertFalse(home.exists())
            self.assertEqual(len(list(trash.iterdir())), 1)


class LogTailTests(unittest.TestCase):
    def test_a_failed_run_keeps_the_end_of_each_log_of_the_system_s_home(self):
        import contextlib
        import io
        import driver

        class Home:
            name = "sys"

        with tempfile.TemporaryDirectory() as d:
            Path(d, "server.log").write_text("".join(f"line {i}\n" for i in range(100)))
            Path(d, "data.db").write_text("not a log")
            system = Home()
            system.home = d
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                driver.log_tails(system, lines=5)
            self.assertIn("last 5 lines of server.log", err.getvalue())
            self.assertIn("line 99", err.getvalue())
            self.assertNotIn("line 94\n", err.getvalue())
            self.assertNotIn("not a log", err.getvalue())


class ResumeByShapeTests(unittest.TestCase):
    """A step cut short keeps the shapes it finished: only the others run again, then the idle measurement; a step
    whose shapes all finished measures only the idle system."""

    def run_py(self, out: str, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(HERE / "run.py"), "--systems", "floor-fsync",
                               "--shapes", "trigger,fanout_100", "--scale", "small", "--repeats", "1",
                               "--idle-seconds", "1", "--skip-setup", "--out", out, *extra],
                              capture_output=True, text=True, timeout=900)

    def cut(self, out: str, keep: int, fragment: str) -> list[str]:
        """As if the machine stopped during the only step after its first `keep` lines: returns those lines."""
        peers = Path(out, "peers")
        progress = json.loads((peers / "machine.json").read_text())
        step = progress["done"].pop()
        progress["running"] = {"repeat": step[0], "system": step[1], "offset": 0}
        progress.pop("uptime_end")
        (peers / "machine.json").write_text(json.dumps(progress))
        lines = (peers / "samples.jsonl").read_text().splitlines(keepends=True)
        (peers / "samples.jsonl").write_text("".join(lines[:keep]) + fragment)
        return lines[:keep]

    def records(self, out: str) -> list[dict]:
        return [json.loads(x) for x in Path(out, "peers", "samples.jsonl").read_text().splitlines()]

    def test_a_step_cut_after_a_shape_runs_only_the_rest(self):
        with tempfile.TemporaryDirectory() as d:
            r = self.run_py(d)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            whole = self.records(d)
            self.assertEqual([(x["type"], x.get("shape")) for x in whole],
                             [("sample", "trigger"), ("sample", "fanout_100"), ("idle", None)])
            kept = self.cut(d, 1, '{"type": "sample", "system": "floor-fsync", "shape": "fano')
            r = self.run_py(d, "--resume")
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertIn("carried on; finished before: trigger", r.stderr)
            text = Path(d, "peers", "samples.jsonl").read_text()
            self.assertTrue(text.startswith(kept[0]))       # the finished shape's line is kept as it was
            self.assertEqual([(x["type"], x.get("shape")) for x in self.records(d)],
                             [("sample", "trigger"), ("sample", "fanout_100"), ("idle", None)])
            progress = json.loads(Path(d, "peers", "machine.json").read_text())
            self.assertEqual(progress["done"], [[0, "floor-fsync"]])
            self.assertNotIn("running", progress)
            self.assertIn("Run in 2 parts", Path(d, "peers.md").read_text())
            self.assertEqual(progress["homes"], tempfile.gettempdir())   # where every system's files lived
            self.assertIn(f"under `{tempfile.gettempdir()}` (TMPDIR)", Path(d, "peers.md").read_text())

    def test_a_step_cut_before_its_idle_measures_only_the_idle(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(self.run_py(d).returncode, 0)
            kept = self.cut(d, 2, "")
            r = self.run_py(d, "--resume")
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            self.assertIn("finished before: fanout_100, trigger", r.stderr)
            self.assertTrue(Path(d, "peers", "samples.jsonl").read_text().startswith("".join(kept)))
            self.assertEqual([x["type"] for x in self.records(d)], ["sample", "sample", "idle"])

    def test_other_peer_versions_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(self.run_py(d).returncode, 0)
            record = Path(d, "peers", "machine.json")
            progress = json.loads(record.read_text())
            self.assertEqual(progress["code"]["peers"], {})   # floors only: no venv
            progress["code"]["peers"] = {"prefect": "0" * 64}
            record.write_text(json.dumps(progress))
            r = self.run_py(d, "--resume")
            self.assertEqual(r.returncode, 2)
            self.assertIn("peers' versions (pip freeze) changed", r.stderr)


class OrchSourceTests(unittest.TestCase):
    """orch_source names orch's code by git trees, so a part on a fresh machine can be checked to build the same
    program; uncommitted changes to it are refused."""

    def test_trees_name_the_source_and_uncommitted_changes_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            git = lambda *a: subprocess.run(["git", "-C", d, *a], check=True, capture_output=True)  # noqa: E731
            git("init", "-q")
            for path in peers_run.ORCH_SOURCES:
                target = Path(d, path) if "." in Path(path).name else Path(d, path, "x.txt")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(path)
            git("add", "-A")
            git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one")
            saved = peers_run.REPO
            try:
                peers_run.REPO = Path(d)
                first = peers_run.orch_source()
                self.assertIsInstance(first, dict)
                self.assertEqual(set(first["trees"]), set(peers_run.ORCH_SOURCES))
                Path(d, "Sources", "x.txt").write_text("changed")
                message = peers_run.orch_source()
                self.assertIsInstance(message, str)
                self.assertIn("uncommitted changes", message)
                git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "two")
                second = peers_run.orch_source()
                self.assertNotEqual(first["trees"]["Sources"], second["trees"]["Sources"])
                self.assertEqual(first["trees"]["dags"], second["trees"]["dags"])
                Path(d, "README.md").write_text("docs are not orch's source")
                self.assertEqual(peers_run.orch_source(), second)
            finally:
                peers_run.REPO = saved


class FingerprintTests(unittest.TestCase):
    """A resumed run compares only what measures: the drivers and what they import, not the files that orchestrate,
    install or report; the peers by their whole freeze, written beside the results for a later sitting."""

    def test_only_the_files_that_measure_are_fingerprinted(self):
        names = {p.relative_to(HERE.parents[1]).as_posix() for p in peers_run.measuring_files()}
        for measuring in ("bench/peers/driver.py", "bench/peers/shapes.py", "bench/peers/orch_driver.py",
                          "bench/peers/dagster_defs.py", "bench/peers/floors.py", "bench/airflow/run.py",
                          "bench/bundles.py"):
            self.assertIn(measuring, names)
        self.assertTrue(any(n.startswith("bench/peers/floor/") and n.endswith(".swift") for n in names), names)
        self.assertTrue(any(n.startswith("bench/peers/airflow_dags/") for n in names), names)
        for orchestrating in ("bench/peers/run.py", "bench/peers/report.py", "bench/peers/setup.sh",
                              "bench/peers/run-tests.sh", "bench/peers/test_peers.py"):
            self.assertNotIn(orchestrating, names)

    def test_peers_are_named_by_the_sha256_of_their_freeze_and_the_freeze_is_written(self):
        freezes = {"luigi": "luigi==3.8.1\nSQLAlchemy==1.4.54\n", "prefect": None}
        code = peers_run.fingerprint(None, freezes)
        self.assertEqual(code["peers"]["prefect"], None)
        other = peers_run.fingerprint(None, {"luigi": "luigi==3.8.1\nSQLAlchemy==1.4.53\n", "prefect": None})
        self.assertNotEqual(code["peers"]["luigi"], other["peers"]["luigi"])   # a dependency's version counts
        self.assertEqual(code["harness"], other["harness"])
        with tempfile.TemporaryDirectory() as d:
            peers_run.write_freezes(Path(d), freezes)
            self.assertEqual(Path(d, "venvs", "luigi.txt").read_text(), freezes["luigi"])
            self.assertEqual(sorted(p.name for p in Path(d, "venvs").iterdir()), ["luigi.txt"])

    def test_the_venvs_of_the_systems(self):
        self.assertEqual(peers_run.peer_venvs(["orch-proc", "dagster", "dagster-inprocess", "luigi"]),
                         ["dagster", "luigi"])


def airflow_harness():
    """bench/airflow/run.py under a name of its own (bench/peers has a run.py too)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("airflow_bench_run", HERE.parent / "airflow" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@unittest.skipUnless(os.environ.get("ORCH_TEST_PG"), "ORCH_TEST_PG not set (scripts/test.sh sets it)")
class AirflowLeftoversTests(unittest.TestCase):
    """A run cut while Airflow measured leaves DAG runs queued or running in its metadata DB; the harness fails them
    (and their unfinished task instances) before the scheduler starts. The statement runs on real PostgreSQL, in a
    scratch schema with the columns of Airflow 3's dag_run and task_instance that it reads (psycopg2 lives only in
    the Airflow venv, so psql runs it here)."""

    def psql(self, sql, schema):
        env = dict(os.environ, PGOPTIONS=f"-c search_path={schema}")
        r = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", os.environ["ORCH_TEST_PG"]],
                           input=sql, env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_unfinished_runs_and_their_open_tasks_are_failed_the_rest_kept(self):
        schema = f"airflow_leftovers_{os.getpid()}"
        fail_unfinished = airflow_harness().FAIL_UNFINISHED_RUNS_SQL + ";"
        self.psql(f"CREATE SCHEMA {schema};", "public")
        self.addCleanup(self.psql, f"DROP SCHEMA IF EXISTS {schema} CASCADE;", "public")
        self.psql("""
CREATE TABLE dag_run (dag_id text, run_id text, state text, end_date timestamptz);
CREATE TABLE task_instance (dag_id text, run_id text, task_id text, state text, end_date timestamptz);
INSERT INTO dag_run VALUES ('d', 'cut', 'running', NULL), ('d', 'waiting', 'queued', NULL),
                           ('d', 'done', 'success', now() - interval '1 day'), ('e', 'cut', 'failed', NULL);
INSERT INTO task_instance VALUES
  ('d', 'cut', 't1', 'success', now() - interval '1 hour'), ('d', 'cut', 't2', 'running', NULL),
  ('d', 'cut', 't3', NULL, NULL), ('d', 'cut', 't4', 'upstream_failed', NULL),
  ('d', 'waiting', 't1', 'scheduled', NULL), ('d', 'done', 't1', 'success', now() - interval '1 day'),
  ('e', 'cut', 't1', 'queued', NULL);""", schema)
        counts = self.psql(fail_unfinished, schema)
        self.assertEqual(counts, "2|3")
        runs = self.psql("SELECT dag_id, run_id, state, end_date IS NOT NULL FROM dag_run ORDER BY 1, 2;", schema)
        self.assertEqual(runs.splitlines(), ["d|cut|failed|t", "d|done|success|t", "d|waiting|failed|t",
                                             "e|cut|failed|f"])
        tis = self.psql("SELECT dag_id, run_id, task_id, state FROM task_instance ORDER BY 1, 2, 3;", schema)
        self.assertEqual(tis.splitlines(), ["d|cut|t1|success", "d|cut|t2|failed", "d|cut|t3|failed",
                                            "d|cut|t4|upstream_failed", "d|done|t1|success",
                                            "d|waiting|t1|failed", "e|cut|t1|queued"])
        # Nothing left to fail: a second start changes nothing.
        self.assertEqual(self.psql(fail_unfinished, schema), "0|0")


@unittest.skipUnless(os.environ.get("ORCH_BIN"), "ORCH_BIN not set (scripts/test.sh sets it)")
class OrchHasThePeerDAGs(unittest.TestCase):
    def test_every_peer_dag_with_its_task_count(self):
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, ORCH_HOME=home)
            r = subprocess.run([os.environ["ORCH_BIN"], "dags", "list"], env=env, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            listed = r.stdout
            for shape in SHAPES.values():
                for scale in ("full", "small"):
                    for mode in ("proc", "inproc"):
                        for dag_id in shape.dag_ids(scale, mode):
                            self.assertRegex(listed, rf"(?m)^{dag_id}\s.*\b{shape.tasks_per_dag(scale)}\b",
                                             f"{dag_id} missing or with another task count")


    def test_the_orch_driver_triggers_through_the_api_and_the_cli(self):
        # `orch serve` with POST /api/v2/dags/{id}/dagRuns (the default), and `orch scheduler` with `orch trigger`.
        for via in ("api", "cli"):
            r = subprocess.run([sys.executable, str(HERE / "orch_driver.py"), "--orch", os.environ["ORCH_BIN"],
                                "--mode", "inproc", "--trigger", via, "--scale", "small", "--repeats", "1",
                                "--idle-seconds", "0", "--shapes", "trigger,astro_100x10"],
                               capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            samples = [json.loads(x) for x in r.stdout.splitlines() if '"sample"' in x]
            self.assertEqual([x["shape"] for x in samples], ["trigger", "astro_100x10"], r.stdout)
            for rec in samples:
                self.assertEqual(rec["tasks"], SHAPES[rec["shape"]].total_tasks("small"))
                self.assertGreater(rec["trigger_to_first_start_s"], 0)
            self.assertIn(f"triggers through the {via}", r.stderr)

    def test_the_orch_test_driver_runs_each_dag_with_dags_test_and_reads_its_bodies(self):
        # `orch dags test` per DAG, one after another: every task's peer-body line read, the run's end from its last line.
        # The bundle executable by hand (the default) and through `orch dags test`.
        for via in ("bundle", "orch"):
            r = subprocess.run([sys.executable, str(HERE / "orch_test_driver.py"), "--orch", os.environ["ORCH_BIN"],
                                "--via", via, "--scale", "small", "--repeats", "1", "--idle-seconds", "60",
                                "--shapes", "trigger,chain_20,astro_100x10"], capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            records = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
            self.assertEqual([x["shape"] for x in records], ["trigger", "chain_20", "astro_100x10"], r.stdout)  # no idle
            for rec in records:
                self.assertEqual(rec["system"], "orch-test")
                self.assertEqual(rec["tasks"], SHAPES[rec["shape"]].total_tasks("small"))
                self.assertGreater(rec["trigger_to_first_start_s"], 0)
                self.assertGreaterEqual(rec["trigger_to_end_s"], rec["trigger_to_first_start_s"])
                self.assertGreater(rec["peak_rss_mb"], 5, rec)   # the reaped bundle process's peak, not the sampler's
            self.assertIn("hop_p50_s", records[1])
            self.assertIn("orch-bench-dags" if via == "bundle" else "orch dags test", r.stderr)


class OrchTestOutputTests(unittest.TestCase):
    """bench/peers/orch_test_driver.py: the figures of one `orch dags test` from its output."""

    def test_bodies_end_and_state_are_read_and_other_lines_ignored(self):
        text = ("[2026-12-07T20:00:00.000Z] peer_chain_20_inproc: run test__x: 2 tasks, one at a time\n"
                "[2026-12-07T20:00:00.001Z] c1: peer-body 1796673600.001000 1796673600.001100\n"
                "[2026-12-07T20:00:00.001Z] c1: success (0.1 ms)\n"
                "[2026-12-07T20:00:00.002Z] c2: peer-body 1796673600.001200 1796673600.001300\n"
                "[2026-12-07T20:00:00.250Z] peer_chain_20_inproc: run test__x: success in 0.3 ms (2 success)\n")
        tasks, end, state = orch_test_driver.parse_output("d", text)
        self.assertEqual(tasks, [("d", "c1", 1796673600.001, 1796673600.0011), ("d", "c2", 1796673600.0012,
                                                                               1796673600.0013)])
        self.assertAlmostEqual(end, 1796673600.25, places=3)
        self.assertEqual(state, "success")
        self.assertEqual(orch_test_driver.parse_output("d", "crashed\n"), ([], None, None))


if __name__ == "__main__":
    unittest.main()

"""scripts/test says how far each pass is while both run side by side, prints each full
output when they end, and closes on pytest's summary line."""

from __future__ import annotations

import sys

from govcloud.testing import suite

OUTPUT = """============================= test session starts ==============================
platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.7.0
collected 40 items / 2 deselected / 38 selected

govcloud/a/tests/test_one.py ....F.....s                                 [ 28%]
govcloud/b/tests/test_two.py ......E...
..                                                                       [ 60%]
=================================== FAILURES ===================================
_________________________________ test_seven ___________________________________
E       assert 7 != 7
..
=========================== short test summary info ============================
FAILED govcloud/a/tests/test_one.py::test_seven - assert 7 != 7
============= 1 failed, 21 passed, 1 skipped, 1 error in 9.36s ================
"""

FAKE_PASS = """
import sys, time
print("collected 3 items", flush=True)
for result in sys.argv[1]:
    time.sleep(0.4)
    print(result, end="", flush=True)
print("  [100%]")
failed = sys.argv[1].count("F")
print(f"===== {failed} failed, {3 - failed} passed in 1.2s =====" if failed
      else "===== 3 passed in 1.2s =====")
sys.exit(1 if failed else 0)
"""


def test_progress_counts_the_tests_run_and_failed_so_far():
    progress = suite.read_progress(OUTPUT)
    assert (progress.done, progress.failed, progress.collected, progress.percent) == (
        23, 2, 38, 60)
    assert progress.describe() == "23 of 38 tests done (60%), 2 failed"


def test_progress_of_a_pass_that_has_not_started_is_zero():
    assert suite.read_progress("").describe() == "0 tests done, 0 failed"


def test_the_closing_line_is_pytests_summary():
    assert suite.summary_line(OUTPUT) == (
        "============= 1 failed, 21 passed, 1 skipped, 1 error in 9.36s ================")


def test_passes_side_by_side_report_progress_then_each_output_failing_last(
        tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(suite, "PROGRESS_SECONDS", 0.5)
    script = tmp_path / "fake_pytest.py"
    script.write_text(FAKE_PASS)
    passes = [suite.Pass("pass one", [sys.executable, str(script), ".F."]),
              suite.Pass("pass two", [sys.executable, str(script), "..."])]
    suite.run_side_by_side(passes, tmp_path)
    printed = capsys.readouterr().out
    progress_lines = [line for line in printed.splitlines() if line.startswith("[0m")]
    assert progress_lines, printed
    assert "pass one: " in progress_lines[0] and "pass two: " in progress_lines[0]
    assert "pass one: 3 of 3 tests done (100%), 1 failed, finished" in progress_lines[-1]
    assert [p.code for p in passes] == [1, 0]
    assert printed.index("===== 3 passed") < printed.index("===== 1 failed, 2 passed")
    assert printed.rstrip().endswith("===== 1 failed, 2 passed in 1.2s =====")

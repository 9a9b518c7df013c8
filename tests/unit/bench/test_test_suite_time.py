"""bench/test_suite_time.py reads the times of CI's run from its timestamped output: checked
on a recorded sample of `bash .ci/run` (nothing is run here)."""

from bench.test_suite_time import parse, report

# Seconds since the start of the run, then the line, as bench/test_suite_time.py records them.
SAMPLE = """
0.4 ==> starting Redis
2.1 .venv/bin/ruff check bot actions telephony bench scripts
3.0 All checks passed!
9.8 Success: no issues found in 251 source files
10.2 ==> creating .venv
130.5 ==> downloading the spaCy pipeline
190.0 ==> training the model beside the first stages (log: build/training.log)
190.1 ==> make test-unit
190.3 .venv/bin/python -m pytest tests/unit -q -n 4
260.0 4 workers [806 items]
300.0 ........................................................................ [ 90%]
330.2 \x1b[32m804 passed\x1b[0m, \x1b[33m2 skipped\x1b[0m in 139.61s (0:02:19)
330.4 ==> make test-legal
341.0 57 passed in 10.20s
341.1 ==> make test-data
347.5 1 failed, 1 passed in 6.01s
347.6 make[1]: *** [Makefile:134: test-data] Error 1
347.7 ==> the model is trained
347.8 ==> make test-model
420.0 2 passed in 71.90s (0:01:11)
420.1 ==> make test-integration
700.0 ================= 226 passed, 2 skipped, 3 warnings in 279.33s (0:04:39) =================
700.2 ==> make test-resilience
800.0 24 passed in 99.50s (0:01:39)
800.1 ==> make test-browser
1000.0 13 passed, 2 skipped in 199.00s (0:03:19)
1000.2 ==> summary
1000.3 NOT TESTED: 2 tests needing Chromium (browser 2: no Chromium; to test: make browsers)
1000.4 FAILED stages: data (scroll up to each '==> make test-<stage>')
1001.0 make: *** [Makefile:108: test] Error 1
"""


def sample():
    for line in SAMPLE.strip().splitlines():
        at, text = line.split(" ", 1)
        yield float(at), text.encode().decode("unicode_escape")


def test_each_stage_runs_from_its_line_to_the_next_with_its_last_pytest_summary():
    run = parse(sample(), total=1001.5, model_changes=[345.0])
    assert [stage.name for stage in run.stages] == [
        "unit",
        "legal",
        "data",
        "model",
        "integration",
        "resilience",
        "browser",
    ]
    unit, legal, data, model, integration, resilience, browser = run.stages
    assert (unit.started, unit.ended) == (190.1, 330.4)
    assert unit.pytest == "804 passed, 2 skipped"  # colours stripped
    assert data.pytest == "1 failed, 1 passed"
    assert integration.pytest == "226 passed, 2 skipped, 3 warnings"  # pytest's '=' padding
    assert browser.ended == 1000.2  # to the summary, not the end of the run
    assert round(sum(stage.seconds for stage in run.stages) + run.setup_seconds, 1) == 1000.2
    assert run.setup_seconds == 190.1
    assert run.failed_stages == ["data"]
    assert run.not_tested.startswith("NOT TESTED: 2 tests needing Chromium")


def test_training_runs_from_its_line_to_the_models_new_mtime_beside_the_first_stages():
    run = parse(sample(), total=1001.5, model_changes=[345.0])
    assert (run.training_started, run.training_ended, run.training_outcome) == (190.0, 345.0, "trained")
    assert run.beside_training() == ["unit", "legal", "data"]
    # A change of the model before the training line (another checkout's run) is not its end.
    assert parse(sample(), total=1001.5, model_changes=[5.0, 345.0]).training_ended == 345.0
    # No new mtime seen: the "trained" line (when the stages stopped waiting) is the upper bound.
    assert parse(sample(), total=1001.5).training_ended == 347.7


def test_a_run_with_the_model_up_to_date_and_no_summary():
    lines = [(0.0, "==> make test-unit"), (1.0, "3 passed in 1.0s"), (1.0, "==> make test-data")]
    run = parse(lines + [(1.1, "2 passed in 0.1s")], total=1.2)
    assert run.training_started is None and run.beside_training() == []
    assert [(stage.name, stage.pytest, stage.ended) for stage in run.stages] == [
        ("unit", "3 passed", 1.0),
        ("data", "2 passed", 1.2),
    ]


def test_the_report_names_the_command_the_budget_and_the_failed_stage():
    run = parse(sample(), total=1001.5, model_changes=[345.0])
    text = report(run, "bash .ci/run", 2, "python3 -m bench.test_suite_time")
    assert text.splitlines()[0] == "| part of the run | time | result |"
    assert (
        "| training the model, beside `make test-unit`, `make test-legal`, `make test-data` | 2.6 min | trained |"
        in text
    )
    assert "| `make test-unit` | 2.3 min | 804 passed, 2 skipped |" in text
    assert "| `make test-data` | 0.1 min | 1 failed, 1 passed (stage FAILED) |" in text
    assert "| **all of `bash .ci/run`** | **16.7 min** | FAILED (exit 2): data |" in text
    assert "0.56 of the 30 minutes CI allows for `make test`" in text
    assert text.splitlines()[-1].startswith("Measured ")
    assert "with `python3 -m bench.test_suite_time` (runs `bash .ci/run` once" in text

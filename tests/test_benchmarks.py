"""The benchmark harness: its notebook runner measures a real kernel, its report hides no miss."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

import benchmarks.notebooks
from benchmarks.__main__ import main, to_markdown
from benchmarks.notebooks import run_all, run_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))


def make_notebook(path, source):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(notebook, path)
    return path


def test_run_notebook_measures_the_kernels_memory_and_cpu_time(tmp_path):
    path = make_notebook(
        tmp_path / "big.ipynb",
        "import time\nimport numpy as np\nx = np.ones(40_000_000)\nx.sum()\n"
        "end = time.process_time() + 1.5\nwhile time.process_time() < end:\n    pass",
    )
    result = run_notebook(path)
    assert result["error"] == ""
    assert result["peak_mb"] > 300  # 320 MB of float64 lives in the kernel, not in this process
    # 1.5 s of the kernel's own CPU time (plus its start), counted in the kernel, not here
    assert 1.5 <= result["cpu_seconds"] <= result["seconds"] * 2 + 1, result
    assert result["within_budget"]


def test_run_notebook_reports_errors_instead_of_stopping(tmp_path):
    path = make_notebook(tmp_path / "broken.ipynb", "raise ValueError('deliberate')")
    result = run_notebook(path)
    assert "deliberate" in result["error"] and not result["within_budget"]


def test_the_benchmark_runs_every_notebook_of_the_course(monkeypatch):
    ran = []

    def fake_run(path):
        ran.append(path.name)
        return {"notebook": path.name, "seconds": 1.0, "peak_mb": 1, "error": ""}

    monkeypatch.setattr(benchmarks.notebooks, "run_notebook", fake_run)
    run_all()
    assert "07_going_further_codecs.ipynb" in NOTEBOOKS and ran == NOTEBOOKS


def test_the_results_have_a_row_for_every_notebook_and_no_other():
    # A notebook added or renamed after the last `make benchmark` must be measured, not left
    # out of the table (and out of its "every notebook within budget" target) in silence.
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    rows = results["parts"]["notebooks"]["rows"]
    measured = [row["notebook"] for row in rows]
    missing = sorted(set(NOTEBOOKS) - set(measured))
    stale = sorted(set(measured) - set(NOTEBOOKS))
    assert not missing and not stale, (
        f"benchmarks/results.json has no row for {missing}, and rows for {stale} that "
        "notebooks/ no longer has: run `python -m benchmarks --only notebooks` (or make "
        "benchmark) and update benchmarks/results.json and results.md"
    )
    assert measured == sorted(measured)  # the table in the notebooks' order
    target = next(iter(results["parts"]["notebooks"]["targets"].values()))
    assert target == all(row["within_budget"] for row in rows)
    markdown = (ROOT / "benchmarks" / "results.md").read_text()
    table = markdown.split("## notebooks", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| (\S+\.ipynb) \|", table, flags=re.MULTILINE) == NOTEBOOKS


def test_markdown_reports_missed_targets():
    results = {
        "machine": {
            "date": "2026-11-24",
            "cpu_cores": 2,
            "memory_gb": 24,
            "python": "3.11",
            "versions": {},
        },
        "quick": True,
        "parts": {
            "codes": {"rows": [{"audio": "music", "pca_db": 11.52}], "targets": {"beat PCA": False}}
        },
    }
    text = to_markdown(results)
    assert "| beat PCA | **missed** |" in text
    assert "| music | 11.5 |" in text


@pytest.mark.slow
def test_quick_trainer_benchmark_writes_json(tmp_path):
    json_path, markdown_path = tmp_path / "r.json", tmp_path / "r.md"
    assert (
        main(
            [
                "--quick",
                "--only",
                "trainers",
                "--json",
                str(json_path),
                "--markdown",
                str(markdown_path),
            ]
        )
        == 0
    )
    results = json.loads(json_path.read_text())
    trainers = results["parts"]["trainers"]
    assert {row["trainer"] for row in trainers["rows"]} == {"article", "course"}
    assert all(row["samples_per_s"] > 0 for row in trainers["rows"])
    # The article's full batch holds every activation: its memory grows with the clip.
    assert trainers["article_memory_growth_mb"] > trainers["course_memory_growth_mb"]
    assert "## trainers" in markdown_path.read_text()


def test_readme_shows_the_committed_results():
    from pathlib import Path

    from benchmarks.__main__ import README_END, README_START

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    block = readme.split(README_START, 1)[1].split(README_END, 1)[0].strip()
    results = (root / "benchmarks" / "results.md").read_text()
    expected = "\n".join(
        ("#" + line) if line.startswith("#") else line for line in results.splitlines()
    ).strip()
    assert block == expected, (
        "README's benchmark table differs from benchmarks/results.md: run make readme-table"
    )


def test_update_readme_replaces_only_the_marked_block(tmp_path):
    from benchmarks.__main__ import README_END, README_START, update_readme

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{README_START}\nold\n{README_END}\noutro\n")
    update_readme(readme, "# Results\n| a |\n")
    text = readme.read_text()
    assert (
        "old" not in text
        and "## Results" in text
        and text.startswith("intro")
        and text.endswith("outro\n")
    )


def test_readme_from_copies_a_results_file_and_runs_nothing(monkeypatch, tmp_path):
    """make readme-table: the README's table from benchmarks/results.md, no benchmark run."""
    import benchmarks.__main__ as harness

    monkeypatch.setattr(
        harness, "run_part", lambda *args: pytest.fail("--readme-from must not run a part")
    )
    readme, results = tmp_path / "README.md", tmp_path / "results.md"
    readme.write_text(f"intro\n{harness.README_START}\nold\n{harness.README_END}\noutro\n")
    results.write_text("# Benchmark results\n| a |\n")
    assert harness.main(["--readme-from", str(results), "--readme", str(readme)]) == 0
    assert "## Benchmark results" in readme.read_text() and "old" not in readme.read_text()


def test_skip_leaves_a_part_out(monkeypatch, tmp_path):
    import benchmarks.__main__ as harness

    ran = []
    monkeypatch.setattr(
        harness,
        "run_part",
        lambda part, quick, digits_dir, *folders: ran.append(part) or {"rows": []},
    )
    assert (
        harness.main(
            ["--quick", "--skip", "trainers", "--skip", "codec", "--json", str(tmp_path / "r.json")]
        )
        == 0
    )
    assert ran == [part for part in harness.PARTS if part not in ("trainers", "codec")]


def test_codes_judge_speech_on_reader_78_never_on_the_capstones_scored_reader(monkeypatch):
    import numpy as np

    import benchmarks.codes as codes
    from course_utils import capstone, data

    loaded, real = [], data.load_real_clip
    monkeypatch.setattr(
        data, "load_real_clip", lambda name, *a, **k: loaded.append(name) or real(name, *a, **k)
    )
    sets = {name: (train, test, sr) for name, train, test, sr in codes.held_out_audio()}
    assert capstone.HIDDEN_CLIP not in loaded and set(sets) == {"music", "speech"}
    train, test, sr = sets["speech"]
    np.testing.assert_array_equal(test, data.load_reader(data.HELD_OUT_READER, sr=sr)[0])
    np.testing.assert_array_equal(train, real(codes.SPEECH_TRAIN)[0])


def test_codes_also_judge_on_a_folder_of_recordings(tmp_path):
    import numpy as np
    import soundfile

    import benchmarks.codes as codes
    from course_utils.errors import DatasetLayoutError

    tone = np.sin(np.arange(8000) / 8000 * 2 * np.pi * 440).astype(np.float32)
    soundfile.write(tmp_path / "a.wav", tone, 8000)
    soundfile.write(tmp_path / "b.flac", tone, 8000)
    (tmp_path / "notes.txt").write_text("not audio")
    sets = {name: s for name, *s in codes.held_out_audio(speech_dir=tmp_path)}
    train, test, sr = sets[f"speech: {tmp_path.name}"]
    assert sr == 16000 and len(test) == 2 * 16000  # both files, resampled, joined
    np.testing.assert_array_equal(train, sets["speech"][0])  # trained on the bundled reader
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatasetLayoutError, match="no WAV"):
        codes.held_out_audio(music_dir=empty)
    with pytest.raises(DatasetLayoutError, match="not a folder"):
        codes.held_out_audio(music_dir=tmp_path / "missing")

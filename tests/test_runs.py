"""Report runs: outputs, manifest, atomic swap, failures that leave the previous report intact."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from notebook_builders import report_notebook
from typer.testing import CliRunner

from omniseg.cli import app
from omniseg.config.params import load_params
from omniseg.errors import DataValidationError, ReportError
from omniseg.report.manifest import file_sha256
from omniseg.report.runs import NOTEBOOK_PARAMETERS, run_report

OPEN_CELL = (
    "from omniseg.report.notebook import open_report\n"
    "from omniseg.report.display import section\n"
    "ctx = open_report(data_snapshot, language, run_name, seed, output_dir, report_mode)\n"
    "display(section('Rows', anchor='rows'))"
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Tiny valid inputs, two report notebooks (one fails on demand) and a params file."""
    (tmp_path / "customers.csv").write_text(
        "customer_id,email,age\nC1,ana@example.com,34\nC2,bo@example.com,61\n", encoding="utf-8"
    )
    (tmp_path / "interactions.csv").write_text(
        "timestamp,channel,event,customer_id,revenue\n"
        "2026-01-03 10:00:00,Web,view,C1,\n"
        "2026-01-04 11:00:00,Tienda,purchase,C2,40.5\n",
        encoding="utf-8",
    )
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nbformat.write(
        report_notebook(
            OPEN_CELL,
            "import plotly.express as px\n"
            "px.bar(ctx.data.interactions, x='channel', title='Interactions by channel')",
            "print(len(ctx.data.customers), 'customers')",
        ),
        nbs / "ok.ipynb",
    )
    nbformat.write(
        report_notebook(OPEN_CELL, "import os\nif os.environ.get('OMNISEG_TEST_FAIL'):\n    1 / 0"),
        nbs / "flaky.ipynb",
    )
    (tmp_path / "params.yaml").write_text(
        "run_name: weekly\noutput_dir: out\nnotebook_dir: nbs\n"
        "notebooks: [ok.ipynb, flaky.ipynb]\n"
        "data: {customers: customers.csv, interactions: interactions.csv}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_run_writes_report_manifest_and_notebooks(workspace):
    result = run_report(load_params(workspace / "params.yaml"), progress=False)
    run_dir = workspace / "out" / "weekly"
    assert result.run_dir == run_dir and result.report_path == run_dir / "report.html"
    html = result.report_path.read_text(encoding="utf-8")
    assert 'class="os-figure"' in html and "Interactions by channel" in html
    assert "open_report" not in html  # no code in the report
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["run_name"] == "weekly"
    assert manifest["inputs"]["customers"]["sha256"] == file_sha256(workspace / "customers.csv")
    assert manifest["row_counts"]["customers"] == 2
    assert manifest["row_counts"]["interactions"] == 2
    assert set(manifest["timings_seconds"]) >= {"load_and_validate", "notebook:ok.ipynb"}
    assert "notebooks/ok.ipynb" in manifest["outputs"] and "report.html" in manifest["outputs"]
    assert manifest["versions"]["pandas"]
    profile = manifest["data_profile"]
    assert profile["channels"] == {"web": 1, "store": 1} and profile["currency"] == "EUR"
    assert profile["not_applicable"]["identity"] == "customer_id_everywhere"
    executed = nbformat.read(run_dir / "notebooks" / "ok.ipynb", as_version=4)
    assert any("2 customers" in o.get("text", "") for c in executed.cells for o in c.outputs)
    leftovers = [p.name for p in (workspace / "out").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_failing_cell_keeps_previous_report(workspace, monkeypatch):
    params = load_params(workspace / "params.yaml")
    first = run_report(params, progress=False)
    before = first.report_path.read_bytes()
    monkeypatch.setenv("OMNISEG_TEST_FAIL", "1")
    with pytest.raises(
        ReportError, match=r"flaky.ipynb failed in cell 3 .*ZeroDivisionError"
    ) as err:
        run_report(params, progress=False)
    assert err.value.notebook == "flaky.ipynb" and err.value.cell == 3
    assert first.report_path.read_bytes() == before
    assert (workspace / "out" / ".failed-weekly" / "notebooks" / "flaky.ipynb").is_file()
    assert not list((workspace / "out").glob(".weekly.tmp-*"))


def test_bad_input_fails_before_anything_is_written(workspace):
    (workspace / "interactions.csv").write_text(
        "timestamp,channel,event,customer_id,revenue\n2026-01-03 10:00:00,web,purchase,C1,-5\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError, match="revenue"):
        run_report(load_params(workspace / "params.yaml"), progress=False)
    assert not (workspace / "out").exists() or not any((workspace / "out").iterdir())


def test_cli_exit_codes(workspace, monkeypatch):
    runner = CliRunner()
    params = str(workspace / "params.yaml")
    ok = runner.invoke(app, ["report", "--params", params, "--quiet"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == str(workspace / "out" / "weekly" / "report.html")

    monkeypatch.setenv("OMNISEG_TEST_FAIL", "1")
    failed = runner.invoke(app, ["report", "--params", params, "--quiet"])
    assert failed.exit_code == 1 and "flaky.ipynb failed in cell 3" in failed.stderr

    (workspace / "customers.csv").write_text("id,email\nC1,a@b.c\n", encoding="utf-8")
    bad = runner.invoke(app, ["report", "--params", params, "--quiet"])
    assert bad.exit_code == 2 and "customer_id" in bad.stderr

    both = runner.invoke(app, ["report", "--params", params, "--demo"])
    assert both.exit_code == 2 and "exactly one of --demo or --params" in both.stderr


def test_shipped_notebooks_declare_the_run_parameters():
    import papermill

    from omniseg.report.paths import notebooks_dir

    notebooks = sorted(notebooks_dir().glob("*.ipynb"))
    assert notebooks, "no report notebooks shipped"
    for path in notebooks:
        declared = set(papermill.inspect_notebook(str(path)))
        assert declared == set(NOTEBOOK_PARAMETERS), path.name
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
            f"{path.name} is committed with outputs"
        )


def test_cli_validate_and_demo(tmp_path, workspace):
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "--params", str(workspace / "params.yaml")])
    assert ok.exit_code == 0 and "interactions" in ok.stdout and "2 rows" in ok.stdout
    (workspace / "interactions.csv").write_text("timestamp,channel\nx,web\n", encoding="utf-8")
    bad = runner.invoke(app, ["validate", "--params", str(workspace / "params.yaml")])
    assert bad.exit_code == 2 and "required column 'event' not found" in bad.stderr
    out = tmp_path / "gen"
    made = runner.invoke(app, ["demo", "--out", str(out), "--customers", "120", "--quiet"])
    assert made.exit_code == 0 and made.stdout.strip() == str(out.resolve())
    assert (out / "customers.csv").is_file() and (out / "truth" / "customers.csv").is_file()

"""Battery: params files are untrusted input, and every setting is checked before any work.

Each case asserts the exact outcome: a ``ParameterError`` (exit code 2 from the CLI) whose
message names the parameter and what was expected, or a run that is accepted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import omniseg
from omniseg.config.params import YAML_LIMITS, load_params
from omniseg.config.preflight import MIN_PERSONS, check_run, persons_needed
from omniseg.errors import DataValidationError, ParameterError
from omniseg.segments.models import save_model
from omniseg.segments.segmenter import Segmenter

DATA = "data:\n  customers: c.csv\n  interactions: i.csv\n"


def _write(folder: Path, text: str, name: str = "params.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ escaping the run folder


@pytest.mark.parametrize(
    "entry",
    [
        "../../etc/evil.ipynb",
        "../01_data_overview.ipynb",
        "/tmp/anywhere.ipynb",
        "sub/01_data_overview.ipynb",
        "..\\\\windows.ipynb",
        ".hidden.ipynb",
        "report.ipynb\\n",
        "notes.txt",
    ],
)
def test_notebook_entries_must_be_plain_names_in_the_notebooks_folder(tmp_path, entry):
    path = _write(tmp_path, f'{DATA}notebooks: ["{entry}"]\n')
    with pytest.raises(ParameterError, match=r"'notebooks' parameter must be .*plain \.ipynb"):
        load_params(path)


def test_duplicate_notebook_entries_are_refused(tmp_path):
    path = _write(tmp_path, f"{DATA}notebooks: [01_data_overview.ipynb, 01_data_overview.ipynb]\n")
    with pytest.raises(ParameterError, match="distinct"):
        load_params(path)


def test_plain_notebook_names_are_accepted(tmp_path):
    path = _write(tmp_path, f"{DATA}notebooks: [01_data_overview.ipynb, My section 2.ipynb]\n")
    assert load_params(path).notebooks == ("01_data_overview.ipynb", "My section 2.ipynb")


@pytest.mark.parametrize(
    "name", ["ok\n", "ok\nrm -rf", "../up", "a/b", ".hidden", "-dash", "x" * 65, "", "sp ace"]
)
def test_run_names_are_matched_whole(tmp_path, name):
    with pytest.raises(ParameterError, match="'run_name' parameter must be a folder name"):
        load_params({"data": {"customers": "c.csv", "interactions": "i.csv"}, "run_name": name})


def test_run_name_override_from_the_command_line_is_checked_too(tmp_path):
    path = _write(tmp_path, DATA)
    with pytest.raises(ParameterError, match="run_name"):
        load_params(path, run_name="nightly\n")
    assert load_params(path, run_name="nightly-2026-12-03").run_name == "nightly-2026-12-03"


# ------------------------------------------------------------------ YAML limits


def test_yaml_alias_bomb_is_refused_before_it_expands(tmp_path):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = "segmentation:\n  block_weights:\n" + "".join(f"    {line}\n" for line in levels)
    path = _write(tmp_path, DATA + bomb)
    with pytest.raises(ParameterError, match="YAML aliases"):
        load_params(path)


def test_yaml_expansion_limit_catches_a_bomb_with_few_aliases(tmp_path, monkeypatch):
    monkeypatch.setitem(YAML_LIMITS, "max_aliases", 1000)
    chain = ["l0: &l0 [x, x]"] + [f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]" for i in range(1, 25)]
    path = _write(tmp_path, DATA + "extra:\n" + "".join(f"  {c}\n" for c in chain))
    with pytest.raises(ParameterError, match="alias bomb"):
        load_params(path)


def test_yaml_nesting_and_size_limits(tmp_path):
    deep = (
        DATA
        + "segmentation:\n  blocks:\n"
        + "".join("  " * (i + 2) + f"k{i}:\n" for i in range(30))
    )
    with pytest.raises(ParameterError, match="nested more than 20 levels"):
        load_params(_write(tmp_path, deep))
    big = _write(tmp_path, DATA + "#" + "x" * YAML_LIMITS["max_bytes"] + "\n", "big.yaml")
    with pytest.raises(ParameterError, match="bytes, more than"):
        load_params(big)


def test_yaml_python_tags_are_not_constructed(tmp_path):
    path = _write(tmp_path, DATA + "title: !!python/object/apply:os.system ['touch pwned']\n")
    with pytest.raises(ParameterError, match="not valid UTF-8 YAML"):
        load_params(path)
    assert not (tmp_path / "pwned").exists()


def test_yaml_that_is_not_utf8_or_not_a_mapping(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: Campaña\n".encode("latin-1") + DATA.encode())
    with pytest.raises(ParameterError, match="not valid UTF-8 YAML"):
        load_params(latin)
    with pytest.raises(ParameterError, match="must hold a YAML mapping"):
        load_params(_write(tmp_path, "- a\n- b\n", "list.yaml"))
    with pytest.raises(ParameterError, match="Params file not found"):
        load_params(tmp_path / "nope.yaml")


# ------------------------------------------------------------------ every setting checked


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "  n_segments: 0\n",
            r"segmentation: The 'n_segments' parameter .* must be an int >= 2.*Got 0 instead",
        ),
        (
            "  n_segments: 1\n",
            r"segmentation: The 'n_segments' parameter .* must be an int >= 2.*Got 1 instead",
        ),
        ("  n_segments: [3, 3]\n", "distinct ints"),
        ("  n_segments: five\n", r"'n_segments' parameter .* must be an int .*Got 'five'"),
        ("  n_segments: true\n", r"'n_segments' parameter .* must be an int .*Got True"),
        (
            "  method: magic\n",
            r"segmentation: The 'method' parameter .* must be one of \['kmeans'.*Got 'magic'",
        ),
        (
            "  block_weights: {channels: -1}\n",
            r"'block_weights\['channels'\]' parameter .* must be a number >= 0\. Got -1",
        ),
        (
            "  block_weights: {channels: .inf}\n",
            r"'block_weights\['channels'\]' parameter .* must be a number >= 0\. Got inf",
        ),
        ("  block_weights: {nope: 1}\n", "not in the basis"),
        (
            "  blocks: {channels: channel_mix}\n  block_weights: {channels: 0}\n",
            "Every block has weight 0",
        ),
        ("  blocks: {channels: 3}\n", "must list feature column names"),
        ("  blocks: []\n", r"'blocks' parameter .* must be a non-empty dict"),
        ("  k: 5\n", r"Unknown key\(s\) under 'segmentation': \['k'\]"),
    ],
)
def test_segmentation_settings_are_checked_before_any_work(tmp_path, block, message):
    path = _write(tmp_path, f"{DATA}segmentation:\n{block}")
    with pytest.raises(ParameterError, match=message):
        load_params(path)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("  weights: {love: 1}\n", r"unknown component\(s\) \['love'\]"),
        ("  weights: {reach: -0.1}\n", "numbers >= 0"),
        ("  weights: {reach: .nan}\n", "numbers >= 0"),
        ("  costs: {phone: .inf}\n", "numbers >= 0"),
        ("  costs: {phone: '4'}\n", "numbers >= 0"),
        (
            "  weights: {reach: 0, conversion: 0, value: 0, preference: 0, satisfaction: 0, "
            "cost: 0}\n",
            "every component weight 0",
        ),
        ("  budget: 3\n", r"Unknown key\(s\) under 'channels'"),
    ],
)
def test_channel_plan_settings_are_checked(tmp_path, block, message):
    path = _write(tmp_path, f"{DATA}channels:\n{block}")
    with pytest.raises(ParameterError, match=message):
        load_params(path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("seed: -1\n", "'seed' parameter must be an int"),
        ("seed: 1.5\n", "'seed' parameter must be an int"),
        ("language: fr\n", "'language' parameter must be one of"),
        ("cell_timeout: 0\n", "'cell_timeout' parameter must be an int"),
        ("langauge: es\n", r"unknown parameter\(s\) \['langauge'\]"),
        ("title: [a]\n", "'title' parameter must be a string"),
    ],
)
def test_top_level_parameters_are_checked(tmp_path, line, message):
    with pytest.raises(ParameterError, match=message):
        load_params(_write(tmp_path, DATA + line))


# ------------------------------------------------------------------ settings against the data


@pytest.fixture(scope="module")
def small_data():
    customers = pd.DataFrame(
        {"customer_id": [f"C{i}" for i in range(8)], "email": [f"c{i}@x.es" for i in range(8)]}
    )
    interactions = pd.DataFrame(
        {
            "timestamp": ["2026-01-05 10:00"] * 8,
            "channel": ["web"] * 8,
            "event": ["view"] * 8,
            "customer_id": [f"C{i}" for i in range(8)],
        }
    )
    return omniseg.load_data(customers, interactions)


def _params(tmp_path: Path, **segmentation) -> object:
    path = _write(tmp_path, DATA)
    return load_params(path, segmentation=segmentation or None)


def test_too_few_customers_for_the_segments_asked_is_refused_with_the_number(tmp_path, small_data):
    with pytest.raises(DataValidationError, match="needs at least 20") as err:
        check_run(small_data, _params(tmp_path))
    problem = err.value.problems[0]
    assert "at most 16 customer(s)" in problem.message  # 8 CRM + 8 distinct customer ids
    assert "n_segments" in problem.fix
    assert persons_needed({"n_segments": [2, 3]}) == max(MIN_PERSONS, 6)
    assert persons_needed({"n_segments": 12}) == 24
    check_run(small_data, _params(tmp_path, n_segments=2))  # 16 >= 10: accepted


def test_a_missing_or_untrusted_model_file_is_refused_before_notebooks(tmp_path, small_data):
    with pytest.raises(ParameterError, match=r"segmentation\.model.*does not exist"):
        check_run(small_data, _params(tmp_path, model="runs/old/model.skops"))
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ParameterError, match=r"segmentation\.model: .*not a readable"):
        check_run(small_data, _params(tmp_path, model=str(bad)))


def test_a_valid_model_file_needs_no_minimum_size(tmp_path, small_data):
    X = pd.DataFrame(
        {"interactions_web": [1, 9] * 10, "interactions_store": [9, 1] * 10, "age": [30, 60] * 10}
    )
    model = save_model(Segmenter(n_segments=2).fit(X), tmp_path / "model.skops")
    check_run(small_data, _params(tmp_path, model=str(model)))


def test_an_unreadable_previous_run_is_refused_before_notebooks(tmp_path, small_data):
    with pytest.raises(ParameterError, match=r"segmentation\.previous: .*does not exist"):
        check_run(small_data, _params(tmp_path, n_segments=2, previous="reports/none"))
    junk = tmp_path / "segments.csv"
    junk.write_bytes(b"\x00\xff\xfe binary")
    with pytest.raises(ParameterError, match=r"segmentation\.previous"):
        check_run(small_data, _params(tmp_path, n_segments=2, previous=str(junk)))
    wrong = tmp_path / "other.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(ParameterError, match=r"not a segments\.csv written by omniseg"):
        check_run(small_data, _params(tmp_path, n_segments=2, previous=str(wrong)))


def test_time_window_from_the_params_file_reaches_the_loader(tmp_path):
    (tmp_path / "c.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    (tmp_path / "i.csv").write_text(
        "timestamp,channel,event,customer_id\n2012-03-01 10:00,web,view,C1\n", encoding="utf-8"
    )
    params = load_params(_write(tmp_path, DATA + "  time_window: [2015-01-01, null]\n"))
    assert params.data.time_window == ("2015-01-01", None)
    assert params.to_dict()["data"]["time_window"] == ("2015-01-01", None)
    with pytest.raises(DataValidationError, match="timestamp") as err:
        params.data.load()
    assert err.value.problems[0].rows == (2,)
    assert load_params(_write(tmp_path, DATA)).data.load().interactions.shape[0] == 1


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("[2015-01-01]", "must be a pair"),
        ("2015-01-01", "must be a pair"),
        ("[soon, null]", "is not a date"),
        ("[2026-01-01, 2020-01-01]", "after it ends"),
    ],
)
def test_bad_time_window_in_the_params_file(tmp_path, window, message):
    with pytest.raises(ParameterError, match=message):
        load_params(_write(tmp_path, DATA + f"  time_window: {window}\n"))


def _tiny_inputs(folder: Path, n: int) -> None:
    ids = [f"C{i}" for i in range(n)]
    (folder / "c.csv").write_text("customer_id\n" + "".join(f"{i}\n" for i in ids), "utf-8")
    rows = "".join(f"2026-01-0{1 + k % 9} 10:00,web,view,{i}\n" for k, i in enumerate(ids))
    (folder / "i.csv").write_text("timestamp,channel,event,customer_id\n" + rows, "utf-8")


@pytest.mark.parametrize(
    ("n", "extra", "message"),
    [
        (1, "", "needs at least 20"),
        (3, "", "needs at least 20"),
        (3, "segmentation: {n_segments: 2}\n", "needs at least 10"),
        (30, "segmentation: {n_segments: 0}\n", "'n_segments' parameter of Segmenter must be"),
        (30, "segmentation: {method: magic}\n", "'method' parameter of Segmenter must be one of"),
        (
            30,
            "segmentation: {model: gone.skops}\n",
            r"segmentation\.model' parameter names .*does not exist",
        ),
        (30, "notebooks: [../x.ipynb]\n", "plain .ipynb"),
    ],
)
def test_validate_exits_2_on_what_the_report_would_trip_on(tmp_path, n, extra, message):
    from typer.testing import CliRunner

    from omniseg.cli import app

    _tiny_inputs(tmp_path, n)
    params = _write(tmp_path, DATA + extra)
    result = CliRunner().invoke(app, ["validate", "--params", str(params)])
    assert result.exit_code == 2, result.output
    assert re.search(message, result.stderr), result.stderr
    assert not (tmp_path / "reports").exists()


def test_validate_accepts_enough_customers(tmp_path):
    from typer.testing import CliRunner

    from omniseg.cli import app

    _tiny_inputs(tmp_path, 30)
    result = CliRunner().invoke(app, ["validate", "--params", str(_write(tmp_path, DATA))])
    assert result.exit_code == 0, result.output


def test_column_renames_for_an_unknown_table_are_refused(tmp_path):
    path = _write(tmp_path, DATA + "  columns:\n    interaction: {fecha: timestamp}\n")
    with pytest.raises(ParameterError, match=r"unknown table\(s\) \['interaction'\]"):
        load_params(path)

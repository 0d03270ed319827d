"""Run parameters: YAML reading, relative paths, and specific errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from omniseg.config.params import load_params
from omniseg.errors import ParameterError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_are_relative_to_the_params_file(tmp_path):
    path = _write(
        tmp_path,
        "run_name: nightly\nlanguage: es\ndata:\n  customers: crm/c.csv\n"
        "  interactions: /abs/i.parquet\n  columns: {interactions: {fecha: timestamp}}\n",
    )
    params = load_params(path)
    assert params.data.customers == (tmp_path / "crm" / "c.csv").resolve()
    assert params.data.interactions == Path("/abs/i.parquet")
    assert params.data.columns == {"interactions": {"fecha": "timestamp"}}
    assert params.language == "es" and params.run_name == "nightly"
    assert params.notebooks == (
        "00_summary.ipynb",
        "01_data_overview.ipynb",
        "02_one_view.ipynb",
        "03_segments.ipynb",
        "04_personas.ipynb",
        "05_channel_plan.ipynb",
    )


def test_overrides_replace_file_values(tmp_path):
    path = _write(tmp_path, "run_name: a\ndata: {customers: c.csv, interactions: i.csv}\n")
    params = load_params(path, run_name="b", language=None)
    assert params.run_name == "b" and params.language == "en"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "langauge: es\ndata: {customers: c, interactions: i}\n",
            r"unknown parameter\(s\) \['langauge'\]",
        ),
        # one of the two tables is enough (CRM-only, transactions-only); neither is an error
        ("data: {survey: s, codebook: k}\n", r"'data.customers' .*'data.interactions'.*neither"),
        ("data: [c, i]\n", r"'data' parameter must be a mapping"),
        (
            "language: fr\ndata: {customers: c, interactions: i}\n",
            r"'language' parameter must be one of \('en', 'es'\). Got 'fr'",
        ),
        (
            "run_name: ../etc\ndata: {customers: c, interactions: i}\n",
            r"'run_name' parameter must be a folder name",
        ),
        (
            "seed: -1\ndata: {customers: c, interactions: i}\n",
            r"'seed' parameter must be an int in \[0, inf\). Got -1",
        ),
        (
            "data: {customers: c, interactions: i, survey: s}\n",
            r"'data.survey' needs 'data.codebook'",
        ),
        (
            "data: {customers: c, interactions: i, extra: x}\n",
            r"unknown key\(s\) under 'data': \['extra'\]",
        ),
        (
            "notebooks: []\ndata: {customers: c, interactions: i}\n",
            r"'notebooks' parameter must be a non-empty list",
        ),
        ("- just\n- a list\n", r"must hold a YAML mapping"),
        ("data: {customers: c, interactions: [i\n", r"not valid UTF-8 YAML"),
    ],
)
def test_bad_params_give_specific_errors(tmp_path, text, match):
    with pytest.raises(ParameterError, match=match):
        load_params(_write(tmp_path, text))


def test_missing_params_file(tmp_path):
    with pytest.raises(ParameterError, match="Params file not found"):
        load_params(tmp_path / "nope.yaml")


def test_segmentation_settings_paths_and_unknown_keys(tmp_path):
    path = _write(
        tmp_path,
        "data:\n  customers: c.csv\n  interactions: i.csv\n"
        "segmentation:\n  method: gmm\n  n_segments: [4, 5, 6]\n  model: runs/a/model.skops\n",
    )
    params = load_params(path)
    assert params.segmentation["method"] == "gmm"
    assert params.segmentation["model"] == (tmp_path / "runs/a/model.skops").resolve()
    assert params.to_dict()["segmentation"]["model"].endswith("model.skops")
    bad = _write(
        tmp_path, "data:\n  customers: c.csv\n  interactions: i.csv\nsegmentation:\n  k: 5\n"
    )
    with pytest.raises(ParameterError, match=r"Unknown key\(s\) under 'segmentation': \['k'\]"):
        load_params(bad)


def test_channel_settings_are_checked(tmp_path):
    ok = _write(
        tmp_path,
        "data:\n  customers: c.csv\n  interactions: i.csv\n"
        "channels:\n  weights: {reach: 0.5, conversion: 0.5}\n  costs: {phone: 4.5}\n",
    )
    assert load_params(ok).channels["costs"] == {"phone": 4.5}
    bad = _write(
        tmp_path, "data:\n  customers: c.csv\n  interactions: i.csv\nchannels:\n  weights: 3\n"
    )
    with pytest.raises(ParameterError, match=r"'channels\.weights' must map names to numbers"):
        load_params(bad)

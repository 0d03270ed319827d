"""omniseg.Workbench: lazy, cached steps that are the report's own, on a small demo dataset."""

from __future__ import annotations

import pandas as pd
import pytest

import omniseg
from omniseg.errors import ParameterError
from omniseg.ingest.io import load_data_dir


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small") / "demo"
    omniseg.generate_demo(folder, n_customers=300, seed=3, progress=False)
    return load_data_dir(folder)


def _spy(monkeypatch, module, name):
    """Count the calls of ``module.name`` (the real function still runs)."""
    import importlib

    mod = importlib.import_module(module)
    real = getattr(mod, name)
    calls = []

    def spy(*args, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(mod, name, spy)
    return calls


def test_steps_are_computed_on_first_access_only_and_cached(data, monkeypatch):
    calls = {
        name: _spy(monkeypatch, module, name)
        for module, name in [
            ("omniseg.features.pipeline", "customer_features"),
            ("omniseg.features.pipeline", "run_segmentation"),
            ("omniseg.voice.persona_cards", "report_personas"),
            ("omniseg.channels.plan_report", "report_channel_plan"),
        ]
    }
    wb = omniseg.Workbench(data, seed=42)
    assert wb.computed == [] and not any(calls.values())
    assert "not computed yet" in wb._repr_html_()

    plan = wb.channel_plan  # pulls in the features, the segments and their personas' names
    assert wb.computed == [
        "resolver",
        "events",
        "features",
        "segments",
        "personas",
        "channel_plan",
    ]
    assert [len(c) for c in calls.values()] == [1, 1, 1, 1]
    names = [f"{p.name_text('en')} ({p.code})" for p in wb.personas]
    assert wb.segments.names == names and [plan.name(s) for s in range(len(names))] == names
    personas = wb.personas
    assert wb.channel_plan is plan and wb.personas is personas
    assert wb.features is wb.features and wb.segments is wb.segments
    assert [len(c) for c in calls.values()] == [1, 1, 1, 1]

    # every result is rich in JupyterLab
    for value in (wb.segments, wb.channel_plan, personas, personas[0], data):
        assert "<" in value._repr_html_()
    html = wb._repr_html_()
    assert f"{len(wb.features):,} persons" in html and "segments" in html
    assert len(personas) == len(wb.segments.names)
    assert "Workbench(seed=42" in repr(wb)


def test_segments_are_those_of_run_segmentation_for_the_seed(data):
    from omniseg.features.pipeline import customer_features, run_segmentation
    from omniseg.report.notebook import ReportContext

    wb = omniseg.Workbench(data, seed=7)
    features = customer_features(data)
    ctx = ReportContext(data, "en", "interactive", 7, None, False, {})
    direct, drift = run_segmentation(ctx, features)
    pd.testing.assert_frame_equal(wb.features, features)
    pd.testing.assert_series_equal(wb.segments.labels, direct.labels)
    assert direct.names == direct.codes == wb.segments.codes and wb.drift is drift is None
    assert wb.segments.names == [p.segment_label("en") for p in wb.personas]


def test_a_run_folder_is_reused_nothing_is_fitted_twice(data, tmp_path, monkeypatch):
    from omniseg.identity.resolver import IdentityResolver
    from omniseg.segments.segmenter import Segmenter

    first = omniseg.Workbench(
        data, settings={"segmentation": {"n_segments": 3}}, output_dir=tmp_path
    )
    labels = first.segments.labels
    assert {"features.parquet", "person_ids.parquet", "model.skops", "segments.csv"} <= {
        p.name for p in tmp_path.iterdir()
    }

    def refit(*args, **kwargs):
        raise AssertionError("fitted a second time")

    monkeypatch.setattr(IdentityResolver, "fit", refit)
    monkeypatch.setattr(Segmenter, "fit", refit)
    second = omniseg.Workbench(
        data, settings={"segmentation": {"n_segments": 3}}, output_dir=tmp_path
    )
    pd.testing.assert_series_equal(second.segments.labels, labels)
    assert len(second.segments.names) == 3
    assert second.channel_plan is not None  # the journeys read the run's person ids


def test_language_switches_the_wording_only(data):
    en = omniseg.Workbench(data, language="en", settings={"segmentation": {"n_segments": 3}})
    es = omniseg.Workbench(data, language="es", settings={"segmentation": {"n_segments": 3}})
    pd.testing.assert_frame_equal(en.features, es.features)
    pd.testing.assert_series_equal(en.segments.labels, es.segments.labels)
    assert [p.customers for p in en.personas] == [p.customers for p in es.personas]
    # the personas are the same (computed without a language); only their wording differs
    assert [p.traits for p in en.personas] == [p.traits for p in es.personas]
    assert [p.naming for p in en.personas] == [p.naming for p in es.personas]
    names = [p.name_text("en") for p in en.personas]
    assert names != [p.name_text("es") for p in es.personas]
    # the cards are worded in the workbench's language
    assert names[0] in en.personas._repr_html_() and names[0] not in es.personas._repr_html_()
    assert es.personas[0].name_text("es") in es.personas._repr_html_()


def test_results_shown_on_their_own_read_in_the_workbench_language(data):
    from omniseg.report.display_options import display_language, set_display_language

    try:
        wb = omniseg.Workbench(data, language="es", settings={"segmentation": {"n_segments": 3}})
        assert display_language() == "es"
        shown = wb.segments._repr_html_()
        assert shown == wb.segments.to_html("es") != wb.segments.to_html("en")
        assert wb.segments.profile._repr_html_() == wb.segments.profile.to_html("es")
    finally:
        set_display_language("en")


def test_a_report_context_gives_its_parameters(data, tmp_path):
    from omniseg.report.notebook import ReportContext

    ctx = ReportContext(data, "es", "r1", 5, tmp_path, True, {"currency": "USD"})
    wb = omniseg.Workbench(ctx)
    assert (wb.seed, wb.language, wb.output_dir, wb.progress) == (5, "es", tmp_path, False)
    assert wb.settings == {"currency": "USD"} and wb.context is ctx
    with pytest.raises(ParameterError, match=r"'seed' parameter of Workbench must be left out"):
        omniseg.Workbench(ctx, seed=5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": "data/demo"}, r"'data' parameter of Workbench must be a CustomerData"),
        ({"seed": -1}, r"'seed' parameter of Workbench must be an int in \[0, inf\)"),
        ({"seed": True}, r"'seed' parameter of Workbench"),
        ({"language": "fr"}, r"'language' parameter must be one of \('en', 'es'\)"),
        ({"settings": ["segmentation"]}, r"'settings' parameter of Workbench must be a dict"),
        ({"settings": {"segmentaton": {}}}, r"keys among .*Got \['segmentaton'\]"),
        ({"settings": {"segmentation": 3}}, r"'settings\['segmentation'\]' parameter"),
        ({"settings": {"segmentation": {"method": "nope"}}}, r"segmentation: .*method"),
        ({"settings": {"currency": "eur"}}, r"Did you mean 'EUR'"),
        ({"output_dir": 3}, r"'output_dir' parameter of Workbench must be a folder path"),
        ({"progress": "yes"}, r"'progress' parameter of Workbench must be a bool"),
    ],
)
def test_bad_arguments_are_refused_clearly(data, kwargs, message):
    kwargs = {"data": data, **kwargs}
    with pytest.raises(ParameterError, match=message):
        omniseg.Workbench(**kwargs)


def test_an_output_dir_that_is_a_file_is_refused(data, tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ParameterError, match="a folder"):
        omniseg.Workbench(data, output_dir=tmp_path / "f")
    with pytest.raises(ParameterError, match=r"'path' parameter of Workbench.report"):
        omniseg.Workbench(data).report("")

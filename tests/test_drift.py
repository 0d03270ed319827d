"""Drift between runs: PSI known answers, migration matrix, refit rules, language, HTML, JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from omniseg.errors import ParameterError
from omniseg.segments import drift_report as drift
from omniseg.segments.drift import compare_runs
from omniseg.segments.drift_report import DriftReport
from omniseg.segments.drift_stats import (
    GONE,
    NEW,
    migration_matrix,
    population_stability_index,
    psi_level,
)

NBSP = "\u00a0"


# ------------------------------------------------------------------------------------------
# population stability index
# ------------------------------------------------------------------------------------------


def test_psi_numeric_four_bins_by_hand():
    # Quartile edges of 1..8 are 2.75, 4.5, 6.25: bins {1, 2}, {3, 4}, {5, 6}, {7, 8}, so the
    # reference has 25 % in each; the new sample has 2, 4, 6 and 8 of 20 values in them.
    expected = [1, 2, 3, 4, 5, 6, 7, 8]
    actual = [1] * 2 + [3] * 4 + [5] * 6 + [7] * 8
    # (a - e) ln(a / e) per bin, e = 0.25 and a = 0.1, 0.2, 0.3, 0.4:
    # 0.137444 + 0.011157 + 0.009116 + 0.070501
    assert population_stability_index(expected, actual, bins=4) == pytest.approx(0.228218, abs=1e-6)
    # the PSI does not depend on the values inside a bin, only on the shares
    moved = [2] * 2 + [4] * 4 + [6] * 6 + [8] * 8
    assert population_stability_index(expected, moved, bins=4) == pytest.approx(0.228218, abs=1e-6)


def test_psi_open_ends_and_epsilon_floor():
    expected = [1, 2, 3, 4, 5, 6, 7, 8]
    # everything far below the reference's range falls in the open first bin: a = (1, 0, 0, 0)
    actual = [-1000.0] * 10
    # 0.75 ln(1 / 0.25) + 3 (1e-4 - 0.25) ln(1e-4 / 0.25) = 1.039721 + 3 * 1.955229
    assert population_stability_index(expected, actual, bins=4) == pytest.approx(6.905408, abs=1e-5)
    # a larger floor gives a smaller PSI: epsilon caps what an emptied bin can add
    looser = population_stability_index(expected, actual, bins=4, epsilon=0.01)
    assert looser < 6.9
    # shares are floored, not renormalised: a = (1, 0.01, 0.01, 0.01)
    assert looser == pytest.approx(0.75 * math.log(1 / 0.25) + 3 * 0.24 * math.log(0.25 / 0.01))
    # values above the range fall in the open last bin
    above = population_stability_index(expected, [10_000.0] * 10, bins=4)
    assert above == pytest.approx(6.905408, abs=1e-5)


def test_psi_numeric_missing_values_are_a_bin():
    # median 2.5: bins {1, 2}, {3, 4} and the NaN bin; e = (0.5, 0.5, 0), a = (0.25, 0.25, 0.5)
    expected = [1.0, 2.0, 3.0, 4.0]
    actual = [1.0, 3.0, np.nan, None]
    by_hand = 2 * (0.25 - 0.5) * math.log(0.25 / 0.5) + (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    assert by_hand == pytest.approx(4.604319, abs=1e-6)
    assert population_stability_index(expected, actual, bins=2) == pytest.approx(by_hand)


def test_psi_is_zero_for_identical_samples():
    rng = np.random.default_rng(13)
    x = pd.Series(rng.gamma(2.0, 50.0, 500))
    assert population_stability_index(x, x) == 0.0
    assert population_stability_index(x, x.sample(frac=1, random_state=1)) == 0.0
    zeros = pd.Series([0.0] * 400 + list(rng.normal(size=100)))  # repeated quantile edges
    assert population_stability_index(zeros, zeros) == 0.0
    assert population_stability_index(["web", "store", None], ["store", None, "web"]) == 0.0


def test_psi_categorical_by_hand():
    expected = ["web"] * 5 + ["store"] * 5
    actual = ["web"] * 8 + ["store"] * 2
    # (0.8 - 0.5) ln(1.6) + (0.2 - 0.5) ln(0.4) = 0.141001 + 0.274887
    assert population_stability_index(expected, actual) == pytest.approx(0.415888, abs=1e-6)
    # a level new in the later run, and missing values as a level of their own:
    # e = (a .5, b .25, c 0, NaN .25), a = (.25, .25, .25, .25)
    psi = population_stability_index(["a", "a", "b", None], ["a", "b", "c", None])
    assert psi == pytest.approx(0.25 * math.log(2) + (0.25 - 1e-4) * math.log(0.25 / 1e-4))


def test_psi_categorical_mode():
    # numbers as levels on request: 1, 2, 3 channels
    expected = pd.Series([1, 1, 2, 2, 3, 3, 3, 3])
    actual = pd.Series([1, 1, 1, 1, 2, 2, 3, 3])
    by_hand = (0.5 - 0.25) * math.log(2) + 0 + (0.25 - 0.5) * math.log(0.5)
    assert population_stability_index(expected, actual, categorical=True) == pytest.approx(by_hand)
    # booleans and pandas categoricals are categorical by default
    assert population_stability_index([True, False], [True, True]) > 1
    cat = pd.Series(["x", "y"], dtype="category")
    assert population_stability_index(cat, cat) == 0.0
    with pytest.raises(ParameterError, match="must be numeric with categorical=False"):
        population_stability_index(["web"], ["store"], categorical=False)


def test_psi_dates_are_binned_as_numbers():
    days = pd.Series(pd.date_range("2026-01-01", periods=100, freq="D"))
    assert population_stability_index(days, days) == 0.0
    later = days + pd.Timedelta(days=60)
    assert population_stability_index(days, later) > 0.25


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"bins": 1}, r"'bins' parameter of population_stability_index must be an int in \[2"),
        ({"bins": 2.5}, "'bins' parameter"),
        ({"epsilon": 0}, r"'epsilon' parameter of population_stability_index must be a float"),
        ({"categorical": "yes"}, "'categorical' parameter"),
    ],
)
def test_psi_parameter_errors(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        population_stability_index([1, 2, 3], [1, 2, 3], **kwargs)


def test_psi_input_errors():
    with pytest.raises(ParameterError, match=r"'actual' parameter .* is empty"):
        population_stability_index([1, 2], [])
    with pytest.raises(ParameterError, match="must be a 1-D array-like"):
        population_stability_index(pd.DataFrame({"a": [1]}), [1])


def test_psi_level_boundaries():
    assert [psi_level(v) for v in (0.0, 0.0999, 0.1, 0.25, 0.2501)] == [
        "stable",
        "stable",
        "moderate",
        "moderate",
        "major",
    ]
    assert psi_level(float("nan")) == ""
    assert psi_level(0.15, bounds=(0.2, 0.3)) == "stable"


# ------------------------------------------------------------------------------------------
# migration matrix
# ------------------------------------------------------------------------------------------


@pytest.fixture
def tiny_runs() -> tuple[pd.Series, pd.Series]:
    # c4 and c5 leave, c6 and c7 arrive; c2 moves from A to B
    before = pd.Series({"c1": "A", "c2": "A", "c3": "B", "c4": "B", "c5": "C"})
    after = pd.Series({"c1": "A", "c2": "B", "c3": "B", "c6": "A", "c7": "C"})
    return before, after


def test_migration_matrix_by_hand(tiny_runs):
    m = migration_matrix(*tiny_runs)
    assert list(m.index) == ["A", "B", "C", NEW]
    assert list(m.columns) == ["A", "B", "C", GONE]
    assert m.index.name == "before" and m.columns.name == "after"
    expected = [
        [1, 1, 0, 0],  # A: c1 stays, c2 -> B
        [0, 1, 0, 1],  # B: c3 stays, c4 gone
        [0, 0, 0, 1],  # C: c5 gone
        [1, 0, 1, 0],  # new: c6 -> A, c7 -> C
    ]
    assert m.to_numpy().tolist() == expected
    assert m.to_numpy().sum() == 7  # every customer of either run once


def test_migration_matrix_normalized(tiny_runs):
    m = migration_matrix(*tiny_runs, normalize="index")
    assert m.to_numpy().tolist() == [
        [0.5, 0.5, 0.0, 0.0],
        [0.0, 0.5, 0.0, 0.5],
        [0.0, 0.0, 0.0, 1.0],
        [0.5, 0.0, 0.5, 0.0],
    ]


def test_migration_matrix_segments_of_one_run_and_empty_rows():
    before = pd.Series([0, 0, 1, 2], index=[10, 11, 12, 13])
    after = pd.Series([0, 3, 1, 2], index=[10, 11, 12, 13])  # segment 3 is new; nobody new
    m = migration_matrix(before, after)
    assert list(m.index) == [0, 1, 2, 3, NEW]  # numeric labels sorted
    assert m.loc[0, 3] == 1 and m.loc[3].sum() == 0 and m.loc[NEW].sum() == 0
    shares = migration_matrix(before, after, normalize="index")
    assert shares.loc[3].isna().all() and shares.loc[NEW].isna().all()
    assert shares.loc[0, 3] == 0.5


def test_migration_matrix_keeps_category_order():
    order = ["low", "mid", "high"]
    before = pd.Series(pd.Categorical(["high", "low"], categories=order), index=[1, 2])
    after = pd.Series(pd.Categorical(["mid", "low"], categories=order), index=[1, 2])
    assert list(migration_matrix(before, after).index) == [*order, NEW]


@pytest.mark.parametrize(
    ("before", "after", "match"),
    [
        (pd.DataFrame({"s": ["A"]}), pd.Series(["A"]), "must be a pandas Series of segment"),
        (
            pd.Series(["A", "B"], index=[1, 1]),
            pd.Series(["A"], index=[1]),
            "has 1 duplicate customer id",
        ),
        (pd.Series(["A"], index=[1]), pd.Series(["A"], index=["1"]), "no customer in common"),
        (pd.Series(["A", None], index=[1, 2]), pd.Series(["A"], index=[1]), "without a segment"),
        (pd.Series(["(new)"], index=[1]), pd.Series(["A"], index=[1]), "reserved segment label"),
        (pd.Series([], dtype=object), pd.Series(["A"], index=[1]), "at least one customer"),
    ],
)
def test_migration_matrix_input_errors(before, after, match):
    with pytest.raises(ParameterError, match=match):
        migration_matrix(before, after)


def test_migration_matrix_normalize_error(tiny_runs):
    with pytest.raises(ParameterError, match="'normalize' parameter of migration_matrix"):
        migration_matrix(*tiny_runs, normalize="columns")


# ------------------------------------------------------------------------------------------
# compare_runs: the refit rules
# ------------------------------------------------------------------------------------------


def _quarters(n: int = 1000) -> pd.Series:
    """n customers, a quarter in each of A, B, C, D."""
    return pd.Series(np.repeat(list("ABCD"), n // 4), index=pd.RangeIndex(n, name="customer_id"))


def test_sizes_stability_and_counts(tiny_runs):
    report = compare_runs(*tiny_runs)
    assert isinstance(report, DriftReport)
    assert list(report.sizes.columns) == [
        "segment",
        "n_before",
        "n_after",
        "share_before",
        "share_after",
        "change_pp",
    ]
    a = report.sizes.set_index("segment")
    assert a.loc["A", "n_before"] == 2 and a.loc["A", "n_after"] == 2
    assert a.loc["B", "share_after"] == pytest.approx(0.4)
    assert a.loc["C", "change_pp"] == pytest.approx(0.0)
    assert report.stability == pytest.approx(2 / 3)  # c1, c3 kept; c2 moved
    assert (report.n_before, report.n_after, report.n_common) == (5, 5, 3)
    assert (report.n_new, report.n_gone) == (2, 2)
    assert report.migration.equals(migration_matrix(*tiny_runs))
    assert report.psi.empty and list(report.psi.columns) == ["psi", "level"]


def test_refit_rule_segment_share():
    before = _quarters()
    after = before.copy()
    after.iloc[:100] = "B"  # 100 of A's 250 move to B: A 25 % -> 15 %, B 25 % -> 35 %
    report = compare_runs(before, after)
    assert report.should_refit
    assert report.stability == pytest.approx(0.9)  # migration (10 %) is under its limit
    assert [(r["code"], r["segment"]) for r in report.reasons] == [("shrank", "A"), ("grew", "B")]
    assert report.reasons[0]["share_after"] == pytest.approx(0.15)
    assert report.reasons[0]["change_pp"] == pytest.approx(-10)
    assert report.reasons[0]["limit"] == 0.05
    assert report.reason_texts() == [
        "Segment A shrank from 25.0% to 15.0% (-10.0 pp; limit ±5.0 pp).",
        "Segment B grew from 25.0% to 35.0% (+10.0 pp; limit ±5.0 pp).",
    ]
    assert not compare_runs(before, after, share_threshold=0.15).should_refit


def test_refit_rule_share_is_strictly_above_the_limit():
    # regression: a change of exactly 5 pp must not fire through float noise (0.30 - 0.25)
    before = _quarters()
    after = before.copy()
    after.iloc[:50] = "B"
    assert compare_runs(before, after).sizes["change_pp"].abs().max() == pytest.approx(5)
    assert not compare_runs(before, after).should_refit


def test_refit_rule_migration():
    before = _quarters()
    after = before.copy()
    after.iloc[:150] = "B"  # 150 A -> B and 150 B -> A: sizes unchanged, 30 % moved
    after.iloc[250:400] = "A"
    report = compare_runs(before, after, segment_names={"A": "Loyal", "B": "Digital"})
    assert report.sizes["change_pp"].abs().max() == pytest.approx(0)
    assert report.stability == pytest.approx(0.7)
    assert report.should_refit
    assert report.reasons == [
        {
            "code": "migration",
            "moved": pytest.approx(0.3),
            "n_moved": 300,
            "n_common": 1000,
            "limit": 0.2,
        }
    ]
    assert report.reason_texts() == [
        "30.0% of the customers in both runs changed segment (300 of 1,000; limit 20.0%)."
    ]
    assert report.migration.loc["A", "B"] == 150 and report.migration.loc["B", "A"] == 150


def test_refit_rule_psi():
    rng = np.random.default_rng(13)
    labels = _quarters()
    before_features = pd.DataFrame(
        {"monetary": rng.gamma(2.0, 50.0, 1000), "visits": rng.poisson(4, 1000)},
        index=labels.index,
    )
    after_features = before_features.assign(monetary=before_features["monetary"] * 2)
    report = compare_runs(
        labels,
        labels,
        before_features=before_features,
        after_features=after_features,
        key_features=["monetary", "visits"],
    )
    assert report.stability == 1.0
    assert report.psi.loc["visits", "psi"] == 0.0
    assert report.psi.loc["visits", "level"] == "stable"
    assert report.psi.loc["monetary", "level"] == "major"
    assert report.should_refit
    psi = report.psi.loc["monetary", "psi"]
    assert report.reasons == [
        {"code": "psi", "feature": "monetary", "psi": psi, "level": "major", "limit": 0.25}
    ]
    assert report.reason_texts() == [
        f"The distribution of 'monetary' shifted: PSI {psi:.2f}, a major shift (limit 0.25)."
    ]
    assert not compare_runs(
        labels,
        labels,
        before_features=before_features,
        after_features=after_features,
        psi_threshold=psi + 0.01,
    ).should_refit


def test_many_shifted_features_are_summed_up():
    labels = _quarters(100)
    before_features = pd.DataFrame({f"f{i}": np.arange(100.0) for i in range(7)}, labels.index)
    after_features = before_features + 1000
    report = compare_runs(
        labels, labels, before_features=before_features, after_features=after_features
    )
    assert len(report.reasons) == drift.MAX_PSI_REASONS + 1
    assert report.reasons[-1] == {"code": "psi_more", "features": ["f5", "f6"], "limit": 0.25}
    assert report.reason_texts()[-1] == "2 more features have a PSI above 0.25: f5, f6."


def test_no_refit_on_a_stable_resample():
    rng = np.random.default_rng(13)
    n = 2000
    ids = pd.RangeIndex(n)
    probs = [0.4, 0.3, 0.2, 0.1]
    before = pd.Series(rng.choice(list("ABCD"), n, p=probs), index=ids)
    after = before.copy()
    flip = rng.random(n) < 0.05  # a few customers re-scored differently
    after[flip] = rng.choice(list("ABCD"), int(flip.sum()), p=probs)
    after = pd.concat(  # some customers leave, others arrive
        [after.iloc[50:], pd.Series(rng.choice(list("ABCD"), 40, p=probs), index=range(n, n + 40))]
    )

    def features(size: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "monetary": rng.gamma(2.0, 50.0, size),
                "frequency": rng.poisson(3, size),
                "main_channel": rng.choice(["web", "store", "app"], size),
                "email": [f"user{i}@example.com" for i in rng.permutation(size)],
            }
        )

    report = compare_runs(before, after, before_features=features(n), after_features=features(n))
    assert not report.should_refit and report.reasons == []
    assert list(report.psi.index) == ["monetary", "frequency", "main_channel"]  # email skipped
    assert (report.psi["level"] == "stable").all()
    assert report.stability > 0.9
    assert report.verdict_text().startswith("No refit needed")


# ------------------------------------------------------------------------------------------
# compare_runs: arguments
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"psi_threshold": 0}, "'psi_threshold' parameter of compare_runs must be a float"),
        ({"share_threshold": 5}, r"'share_threshold' .* must be a float in \(0.0, 1.0\]"),
        ({"migration_threshold": -0.1}, "'migration_threshold' parameter"),
        ({"segment_names": ["A"]}, "'segment_names' parameter of compare_runs must be a mapping"),
        ({"key_features": ["x"]}, "needs the feature tables of both runs"),
        ({"before_features": pd.DataFrame({"x": [1]})}, "pass both feature tables, or neither"),
        (
            {
                "before_features": pd.DataFrame({"x": [1.0]}),
                "after_features": pd.DataFrame({"y": [1.0]}),
                "key_features": ["x"],
            },
            r"key feature\(s\) \['x'\] are not columns of 'after_features'",
        ),
        (
            {
                "before_features": pd.DataFrame({"x": [1.0]}),
                "after_features": pd.DataFrame({"x": [1.0]}),
                "key_features": "x",
            },
            "must be a list of column names",
        ),
    ],
)
def test_compare_runs_parameter_errors(tiny_runs, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        compare_runs(*tiny_runs, **kwargs)


def test_compare_runs_label_errors(tiny_runs):
    before, _ = tiny_runs
    with pytest.raises(ParameterError, match="'after_labels' parameter of compare_runs must be"):
        compare_runs(before, before.to_frame())
    with pytest.raises(ParameterError, match="no customer in common"):
        compare_runs(before, before.set_axis(range(5)))
    with pytest.raises(ParameterError, match=r"'before_labels' .* duplicate customer id"):
        compare_runs(pd.concat([before, before]), before)


# ------------------------------------------------------------------------------------------
# language, HTML, JSON, figures
# ------------------------------------------------------------------------------------------


def test_spanish_reasons_use_decimal_comma():
    before = _quarters()
    after = before.copy()
    after.iloc[:100] = "B"
    after.iloc[250:420] = "A"  # 170 of B -> A: A 32 %, B 18 %, 27 % moved
    report = compare_runs(before, after)
    assert report.reason_texts("es") == [
        f"El segmento A creció del 25,0{NBSP}% al 32,0{NBSP}% (+7,0 p.{NBSP}p.; límite "
        f"±5,0 p.{NBSP}p.).",
        f"El segmento B se redujo del 25,0{NBSP}% al 18,0{NBSP}% (-7,0 p.{NBSP}p.; límite "
        f"±5,0 p.{NBSP}p.).",
        f"El 27,0{NBSP}% de los clientes presentes en ambas ejecuciones cambió de segmento "
        f"(270 de 1.000; límite 20,0{NBSP}%).",
    ]
    assert report.verdict_text("es").startswith("Conviene reentrenar")
    assert "1.000" in report.summary("es") and "73,0" in report.summary("es")
    assert report.reason_texts()[0].startswith("Segment A grew from 25.0% to 32.0%")
    for worded in (report.reason_texts, report.verdict_text, report.summary, report.to_html):
        with pytest.raises(ParameterError, match="'language' parameter must be one of"):
            worded("fr")


def test_html_escapes_segment_names_and_labels():
    before = pd.Series(["<script>alert(1)</script>", "B", "B"], index=[1, 2, 3])
    after = pd.Series(["B", "B", "B"], index=[1, 2, 3])
    report = compare_runs(before, after, segment_names={"B": "<b>Bold & co</b>"})
    page = report._repr_html_()
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold &amp; co&lt;/b&gt;" in page
    assert report.verdict_text() in page and "Segment sizes" in page
    assert "No feature tables were given" in page


def test_html_shows_psi_table():
    labels = _quarters(100)
    features = pd.DataFrame({"<i>x</i>": np.arange(100.0)}, index=labels.index)
    report = compare_runs(labels, labels, before_features=features, after_features=features)
    page = report.to_html("es")
    assert "&lt;i&gt;x&lt;/i&gt;" in page and "<i>" not in page
    assert "0,000" in page and "estable" in page
    assert "No hace falta reentrenar" in page


def test_to_dict_is_json_safe():
    before = pd.Series(np.array([0, 0, 1, 1]), index=np.array([1, 2, 3, 4]))
    after = pd.Series(np.array([0, 1, 1, 2]), index=np.array([1, 2, 3, 5]))
    features = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0]})
    report = compare_runs(
        before,
        after,
        before_features=features,
        after_features=features,
        segment_names={0: "Loyal"},
    )
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["should_refit"] is True and data["reasons"] == report.reason_texts()
    assert data["language"] == "en" and data["verdict"] == report.verdict_text()
    spanish = report.to_dict("es")
    assert spanish["reasons"] == report.reason_texts("es") and spanish["language"] == "es"
    assert data["sizes"][0] == {
        "name": "Loyal",
        "segment": 0,
        "n_before": 2,
        "n_after": 1,
        "share_before": 0.5,
        "share_after": 0.25,
        "change_pp": -25.0,
    }
    assert data["migration"]["before"] == [0, 1, 2, "(new)"]
    assert data["migration"]["after"] == [0, 1, 2, "(gone)"]
    assert data["migration"]["counts"] == report.migration.to_numpy().tolist()
    assert data["psi"] == [{"feature": "x", "psi": 0.0, "level": "stable"}]
    assert data["thresholds"] == {"psi": 0.25, "share": 0.05, "migration": 0.2}
    assert (data["n_new"], data["n_gone"], data["n_common"]) == (1, 1, 3)


@pytest.mark.parametrize("language", ["en", "es"])
def test_figures(tiny_runs, language):
    report = compare_runs(*tiny_runs, segment_names={"A": "Loyal"})
    bars = report.plot_sizes(language=language)
    assert [trace.type for trace in bars.data] == ["bar", "bar"]
    assert list(bars.data[0].x) == ["Loyal", "B", "C"]
    assert bars.layout.barmode == "group"
    heat = report.plot_migration(language=language)
    assert heat.data[0].type == "heatmap"
    assert np.array(heat.data[0].z, dtype=float).shape == (4, 4)
    assert heat.data[0].y[-1] == ("(new)" if language == "en" else "(nuevos)")
    sankey = report.plot_migration(kind="sankey", language=language)
    assert sankey.data[0].type == "sankey"
    assert sum(sankey.data[0].link.value) == 7
    with pytest.raises(ParameterError, match=r"'kind' parameter of DriftReport\.plot_migration"):
        report.plot_migration(kind="pie")


def test_str_lists_verdict_and_reasons(tiny_runs):
    text = str(compare_runs(*tiny_runs))
    assert text.splitlines()[0].startswith("Refit the segmentation model")
    assert "  - " in text

"""Segment profiling: known answers against scipy, corrections, planted differences, edge cases,
HTML escaping."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from omniseg.errors import ParameterError
from omniseg.segments.profile_stats import adjust_pvalues
from omniseg.segments.profiling import CELL_COLUMNS, TEST_COLUMNS, profile_segments
from omniseg.segments.segment_profile import SegmentProfile, describe_trait

# three segments, five customers each; "tied" has ties, "distinct" has none
A_TIED, B_TIED, C_TIED = [1, 2, 3, 4, 10], [5, 6, 7, 8, 9], [2, 2, 3, 11, 12]
A_DIST, B_DIST, C_DIST = [1.5, 2.5, 3.5, 4.5, 20], [5, 6, 7, 8, 9], [2, 2.25, 3.25, 11, 12]
CHANNEL = {
    "A": ["store"] * 4 + ["web"],
    "B": ["web"] * 3 + ["app"] * 2,
    "C": ["store", "web", "app", "app", "app"],
}


def cell(profile: SegmentProfile, segment, feature, level=None) -> pd.Series:
    rows = profile.cells[
        (profile.cells["segment"] == segment) & (profile.cells["feature"] == feature)
    ]
    if level is not None:
        rows = rows[rows["level"] == level]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture(scope="module")
def tiny() -> tuple[pd.DataFrame, list[str]]:
    labels = ["A"] * 5 + ["B"] * 5 + ["C"] * 5
    features = pd.DataFrame(
        {
            "tied": A_TIED + B_TIED + C_TIED,
            "distinct": A_DIST + B_DIST + C_DIST,
            "channel": CHANNEL["A"] + CHANNEL["B"] + CHANNEL["C"],
        },
        index=pd.Index([f"p{i:02d}" for i in range(15)], name="person_id"),
    )
    return features, labels


@pytest.fixture(scope="module")
def tiny_profile(tiny) -> SegmentProfile:
    features, labels = tiny
    return profile_segments(features, labels, min_size=2, correction="none")


# ------------------------------------------------------------------------------------------
# known answers
# ------------------------------------------------------------------------------------------


def test_numeric_feature_tests_match_scipy(tiny_profile):
    row = tiny_profile.tests.loc["tied"]
    kw = stats.kruskal(A_TIED, B_TIED, C_TIED)
    f = stats.f_oneway(A_TIED, B_TIED, C_TIED)
    assert row["test"] == "kruskal" and row["effect_measure"] == "eta_squared"
    assert row["statistic"] == pytest.approx(kw.statistic, rel=1e-12)
    assert row["p_value"] == pytest.approx(kw.pvalue, rel=1e-12)
    assert row["anova_f"] == pytest.approx(f.statistic, rel=1e-12)
    assert row["anova_p"] == pytest.approx(f.pvalue, rel=1e-12)
    assert row["effect_size"] == pytest.approx((kw.statistic - 3 + 1) / (15 - 3), rel=1e-12)
    assert row["dof"] == 2 and row["n"] == 15 and row["k"] == 3 and row["note"] == ""


@pytest.mark.parametrize(
    ("feature", "groups"),
    [("tied", (A_TIED, B_TIED, C_TIED)), ("distinct", (A_DIST, B_DIST, C_DIST))],
)
def test_cell_mann_whitney_matches_scipy(tiny_profile, feature, groups):
    # "tied": asymptotic with tie correction; "distinct": scipy's exact small-sample test
    for segment, (i, own) in zip("ABC", enumerate(groups), strict=True):
        rest = [v for j, g in enumerate(groups) if j != i for v in g]
        expected = stats.mannwhitneyu(own, rest).pvalue
        got = cell(tiny_profile, segment, feature)
        assert got["test"] == "mannwhitneyu"
        assert got["p_value"] == pytest.approx(expected, rel=1e-12)


def test_cell_mann_whitney_asymptotic_matches_scipy_on_larger_data():
    rng = np.random.default_rng(13)
    x = np.round(rng.gamma(2.0, 10.0, 300), 1)  # many ties
    labels = rng.integers(0, 3, 300)
    profile = profile_segments(pd.DataFrame({"x": x}), labels)
    for g in range(3):
        expected = stats.mannwhitneyu(x[labels == g], x[labels != g]).pvalue
        assert cell(profile, g, "x")["p_value"] == pytest.approx(expected, rel=1e-9)


def test_numeric_cell_index_and_cohens_d_by_hand(tiny_profile):
    a = cell(tiny_profile, "A", "tied")
    rest = B_TIED + C_TIED
    overall = sum(A_TIED + rest) / 15  # 85 / 15
    assert a["value"] == pytest.approx(4.0)
    assert a["median"] == 3
    assert a["rest_value"] == pytest.approx(sum(rest) / 10)
    assert a["overall_value"] == pytest.approx(overall)
    assert a["index"] == pytest.approx(100 * 4.0 / overall)  # 70.59
    s1, s2 = np.var(A_TIED, ddof=1), np.var(rest, ddof=1)
    pooled = math.sqrt((4 * s1 + 9 * s2) / 13)
    assert a["std_diff"] == pytest.approx((4.0 - sum(rest) / 10) / pooled, rel=1e-12)
    assert a["level"] is None and a["kind"] == "numeric" and a["n"] == 5


def test_categorical_feature_test_matches_scipy(tiny_profile):
    table = pd.crosstab(
        pd.Series(["A"] * 5 + ["B"] * 5 + ["C"] * 5),
        pd.Series(CHANNEL["A"] + CHANNEL["B"] + CHANNEL["C"]),
    )
    res = stats.chi2_contingency(table.to_numpy(), correction=False)
    row = tiny_profile.tests.loc["channel"]
    assert row["test"] == "chi2" and row["effect_measure"] == "cramers_v"
    assert row["statistic"] == pytest.approx(res.statistic, rel=1e-12)
    assert row["p_value"] == pytest.approx(res.pvalue, rel=1e-12)
    assert row["dof"] == res.dof == 4
    assert row["effect_size"] == pytest.approx(math.sqrt(res.statistic / (15 * 2)), rel=1e-12)
    assert np.isnan(row["anova_f"])


def test_categorical_cells_by_hand_and_fisher(tiny_profile):
    store = cell(tiny_profile, "A", "channel", "store")
    # store: 4 of 5 in A, 1 of 10 elsewhere, 5 of 15 overall
    assert store["value"] == pytest.approx(0.8)
    assert store["rest_value"] == pytest.approx(0.1)
    assert store["overall_value"] == pytest.approx(5 / 15)
    assert store["index"] == pytest.approx(100 * 0.8 / (5 / 15))  # 240
    h = 2 * math.asin(math.sqrt(0.8)) - 2 * math.asin(math.sqrt(0.1))
    assert store["std_diff"] == pytest.approx(h, rel=1e-12)
    assert store["test"] == "fisher"  # expected counts below 5
    assert store["p_value"] == pytest.approx(stats.fisher_exact([[4, 1], [1, 9]]).pvalue)
    # levels in order of overall frequency, ties by name: app, store and web have 5 each
    levels = tiny_profile.cells.query("feature == 'channel' and segment == 'A'")["level"]
    assert list(levels) == ["app", "store", "web"]


def test_categorical_cell_chi_square_when_counts_are_large():
    labels = ["A"] * 60 + ["B"] * 90
    channel = ["store"] * 35 + ["web"] * 25 + ["store"] * 30 + ["web"] * 60
    profile = profile_segments(pd.DataFrame({"channel": channel}), labels)
    got = cell(profile, "A", "channel", "store")
    expected = stats.chi2_contingency([[35, 25], [30, 60]], correction=False)
    assert got["test"] == "chi2"
    assert got["p_value"] == pytest.approx(expected.pvalue, rel=1e-12)


def test_bool_feature_shows_the_true_level():
    labels = ["A"] * 20 + ["B"] * 20
    omni = [True] * 15 + [False] * 5 + [True] * 5 + [False] * 15
    profile = profile_segments(pd.DataFrame({"omnichannel": omni}), labels)
    rows = profile.cells[profile.cells["feature"] == "omnichannel"]
    assert list(rows["level"]) == [True, True] and set(rows["kind"]) == {"bool"}
    a = cell(profile, "A", "omnichannel")
    assert a["value"] == 0.75 and a["rest_value"] == 0.25 and a["index"] == 150
    res = stats.chi2_contingency([[15, 5], [5, 15]], correction=False)
    assert profile.tests.loc["omnichannel", "p_value"] == pytest.approx(res.pvalue)
    assert profile.tests.loc["omnichannel", "kind"] == "bool"


# ------------------------------------------------------------------------------------------
# multiple testing
# ------------------------------------------------------------------------------------------


def test_adjust_pvalues_by_hand():
    p = [0.01, 0.04, 0.03, 0.005, np.nan]
    # BH: sorted 0.005, 0.01, 0.03, 0.04 -> p * 4 / rank = 0.02, 0.02, 0.04, 0.04 (running min
    # from the top changes nothing here)
    np.testing.assert_allclose(adjust_pvalues(p), [0.02, 0.04, 0.04, 0.02, np.nan])
    # Holm: sorted p * (4, 3, 2, 1) = 0.02, 0.03, 0.06, 0.04 -> running max 0.02, 0.03, 0.06, 0.06
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), [0.03, 0.06, 0.06, 0.02, np.nan])
    np.testing.assert_allclose(adjust_pvalues(p, "bonferroni"), [0.04, 0.16, 0.12, 0.02, np.nan])
    np.testing.assert_allclose(adjust_pvalues(p, "none"), p)
    # BH running minimum: 0.04 * 3 / 2 = 0.06 is lowered to the next rank's 0.05 * 3 / 3
    np.testing.assert_allclose(adjust_pvalues([0.001, 0.04, 0.05]), [0.003, 0.05, 0.05])
    assert adjust_pvalues([0.9, 0.8], "bonferroni").tolist() == [1.0, 1.0]
    assert np.isnan(adjust_pvalues([np.nan])).all()
    with pytest.raises(ParameterError, match="must be one of"):
        adjust_pvalues([0.1], "fdr_by")
    with pytest.raises(ParameterError, match=r"values in \[0, 1\]"):
        adjust_pvalues([1.5])


def test_profile_corrects_each_family(tiny):
    features, labels = tiny
    for method in ("fdr_bh", "holm", "bonferroni"):
        profile = profile_segments(features, labels, min_size=2, correction=method, alpha=0.2)
        cells, tests = profile.cells, profile.tests
        np.testing.assert_allclose(cells["p_adjusted"], adjust_pvalues(cells["p_value"], method))
        np.testing.assert_allclose(tests["p_adjusted"], adjust_pvalues(tests["p_value"], method))
        assert (tests["significant"] == (tests["p_adjusted"] < 0.2)).all()
        protected = cells["feature"].map(tests["significant"])
        assert (cells["significant"] == ((cells["p_adjusted"] < 0.2) & protected)).all()


def test_cells_of_a_feature_without_difference_are_not_significant():
    # pure noise in 4 segments: one cell test passes alone (p = 0.033), the feature test does
    # not (p = 0.126), so the protected cell is not flagged
    x = np.random.default_rng(3).normal(size=60)
    profile = profile_segments(pd.DataFrame({"x": x}), [0, 1, 2, 3] * 15, correction="none")
    assert profile.tests.loc["x", "p_value"] > 0.05
    assert (profile.cells["p_adjusted"] < 0.05).any()
    assert not profile.cells["significant"].any()


# ------------------------------------------------------------------------------------------
# planted differences
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planted() -> SegmentProfile:
    rng = np.random.default_rng(13)
    n = 900
    labels = np.repeat([0, 1, 2], n // 3)
    features = pd.DataFrame(
        {
            "spend": rng.gamma(2.0, 50.0, n) * np.where(labels == 2, 2.5, 1.0),
            "noise": rng.normal(0, 1, n),
            "noise_cat": rng.choice(["a", "b", "c"], n),
            "first_channel": np.where(
                (labels == 0) & (rng.random(n) < 0.6),
                "store",
                rng.choice(["web", "store", "app"], n),
            ),
        }
    )
    return profile_segments(features, labels)


def test_planted_difference_is_top_and_noise_is_not_significant(planted):
    assert planted.top_features(2, n=1)["feature"].item() == "spend"
    top0 = planted.top_features(0, n=1)
    assert top0["feature"].item() == "first_channel" and top0["level"].item() == "store"
    assert planted.tests.loc[["spend", "first_channel"], "significant"].all()
    assert not planted.tests.loc[["noise", "noise_cat"], "significant"].any()
    noise_cells = planted.cells[planted.cells["feature"].isin(["noise", "noise_cat"])]
    assert not noise_cells["significant"].any()
    spend = cell(planted, 2, "spend")
    assert spend["index"] > 150 and spend["std_diff"] > 1


def test_top_features_shape_and_ranking(planted):
    top = planted.top_features(n=2)
    assert list(top.columns) == [
        "segment", "rank", "feature", "level", "kind", "value", "rest_value", "index",
        "std_diff", "p_adjusted",
    ]  # fmt: skip
    worded = planted.top_features_table(n=2)
    assert list(worded.columns) == [*top.columns, "description"]
    pd.testing.assert_frame_equal(worded.drop(columns="description"), top)
    for _, part in top.groupby("segment"):
        assert list(part["rank"]) == list(range(1, len(part) + 1))
        assert part["std_diff"].abs().is_monotonic_decreasing
    assert top["p_adjusted"].lt(0.05).all()
    assert worded.loc[worded["feature"] == "spend", "description"].iloc[0].startswith("Mean spend")
    spanish = planted.top_features_table(2, n=1, language="es")
    assert spanish["description"].item().startswith("Media de spend")
    with pytest.raises(ParameterError, match=r"must be one of \[0, 1, 2\]. Got 7 instead"):
        planted.top_features(7)
    with pytest.raises(ParameterError, match="'n' parameter"):
        planted.top_features(n=0)
    quiet = profile_segments(pd.DataFrame({"x": np.arange(40.0)}), [0, 1] * 20)
    assert quiet.top_features().empty and quiet.top_features_table().empty
    with pytest.raises(ParameterError, match="Got 'fr' instead"):
        planted.top_features_table(language="fr")


# ------------------------------------------------------------------------------------------
# edge cases: reported, no crash, no warning
# ------------------------------------------------------------------------------------------


def test_edge_cases_are_reported_without_warnings():
    rng = np.random.default_rng(7)
    n = 64
    labels = np.array(["big"] * 30 + ["also big"] * 30 + ["tiny"] * 4, dtype=object)
    labels[[0, 31]] = None  # two customers without a segment
    features = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "constant": 3.0,
            "empty": np.nan,
            "flag_all_true": True,
            "with_inf": np.where(np.arange(n) % 7 == 0, np.inf, rng.normal(size=n)),
            "id_like": [f"id{i}" for i in range(n)],
            "signup": pd.Timestamp("2024-01-01"),
            "mostly_missing": [1.0, 2.0, 3.0] + [np.nan] * (n - 3),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        profile = profile_segments(features, labels, max_levels=10)
        html = profile.to_html()
        profile.plot_heatmap()
    notes = profile.tests["note"]
    assert notes["constant"] == "constant" and notes["flag_all_true"] == "constant"
    assert notes["empty"] == "all_missing" and notes["id_like"] == "too_many_levels"
    assert notes["signup"] == "unsupported_type" and notes["mostly_missing"] == "too_few_groups"
    assert notes["x"] == "" and notes["with_inf"] == ""
    assert profile.tests.loc["x", "k"] == 2  # the tiny segment is not in the test
    assert set(profile.cells["feature"]) == {"x", "with_inf", "mostly_missing"}
    tiny = profile.cells[profile.cells["segment"] == "tiny"]
    assert tiny["p_value"].isna().all() and not tiny["significant"].any()
    assert tiny["value"].notna().any()  # described, not tested
    assert profile.n_unlabelled == 2 and profile.sizes.to_dict() == {
        "also big": 29,
        "big": 29,
        "tiny": 4,
    }
    assert cell(profile, "big", "with_inf")["n"] == 29 - 4  # infinities count as missing
    assert profile.notes == [
        {"code": "unlabelled", "n": 2},
        {"code": "small_segments", "segments": ["tiny"], "min_size": 10},
        {"code": "all_missing", "features": ["empty"]},
        {"code": "constant", "features": ["constant", "flag_all_true"]},
        {"code": "too_many_levels", "features": ["id_like"]},
        {"code": "unsupported_type", "features": ["signup"]},
        {"code": "too_few_groups", "features": ["mostly_missing"]},
    ]
    text = " ".join(profile.note_texts())
    for expected in ("2 customers without a segment", "fewer than 10 customers", "tiny",
                     "constant, flag_all_true", "left out: empty", "More than 10 categories",
                     "signup", "not tested: mostly_missing"):  # fmt: skip
        assert expected in text
    assert profile.note_texts("es") != profile.note_texts()
    assert "tiny" in html and "not tested" in html


def test_one_segment_and_degenerate_groups_do_not_crash():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = profile_segments(pd.DataFrame({"x": np.arange(20.0)}), ["only"] * 20)
        assert one.tests.loc["x", "note"] == "too_few_groups"
        assert one.cells["rest_value"].isna().all() and one.cells["p_value"].isna().all()
        one.to_html()
        # each segment constant but different: d is infinite, tests still run
        split = profile_segments(pd.DataFrame({"x": [1.0] * 10 + [2.0] * 10}), [0] * 10 + [1] * 10)
        assert cell(split, 1, "x")["std_diff"] == math.inf
        assert split.tests.loc["x", "p_value"] < 0.001
        assert split.top_features(1, n=1)["feature"].item() == "x"
        split.plot_heatmap(value="std_diff")
        # negative values: no index, the HTML shows the mean and says why
        signed = profile_segments(
            pd.DataFrame({"margin": np.r_[np.linspace(-5, 1, 15), np.linspace(2, 8, 15)]}),
            [0] * 15 + [1] * 15,
        )
        assert signed.cells["index"].isna().all()
        assert "negative values have no index" in signed.to_html()


def test_labels_alignment_and_parameter_errors(tiny):
    features, labels = tiny
    series = pd.Series(labels, index=features.index)
    shuffled = series.sample(frac=1, random_state=3)
    a = profile_segments(features, shuffled, min_size=2)
    b = profile_segments(features, labels, min_size=2)
    pd.testing.assert_frame_equal(a.cells, b.cells)
    partial = shuffled.iloc[:-1]  # one customer has no label
    assert profile_segments(features, partial, min_size=2).n_unlabelled == 1
    with pytest.raises(ParameterError, match="shares no id with the index of features"):
        profile_segments(features, pd.Series(labels))
    with pytest.raises(ParameterError, match="labels has 14 values but features has 15 rows"):
        profile_segments(features, labels[:-1])
    with pytest.raises(ParameterError, match=r"'alpha' parameter .* in \(0, 1\). Got 1.5"):
        profile_segments(features, labels, alpha=1.5)
    with pytest.raises(ParameterError, match=r"'correction' parameter .* Got 'fdr'"):
        profile_segments(features, labels, correction="fdr")
    with pytest.raises(ParameterError, match=r"'min_size' .* int in \[1, inf\). Got 0"):
        profile_segments(features, labels, min_size=0)
    with pytest.raises(ParameterError, match=r"names columns not in features: \['age'\]"):
        profile_segments(features, labels, columns=["tied", "age"])
    with pytest.raises(ParameterError, match=r"'feature_labeller' parameter .* Got dict"):
        profile_segments(features, labels, feature_labeller={"tied": "Tied"})
    with pytest.raises(ParameterError, match="Got 'fr' instead"):
        profile_segments(features, labels, min_size=2).to_html("fr")
    with pytest.raises(ParameterError, match=r"must be a pandas DataFrame\. Got list"):
        profile_segments([[1]], [1])
    with pytest.raises(ParameterError, match="holds no segment"):
        profile_segments(features, [None] * 15)
    dated = features.assign(signup=pd.Timestamp("2024-01-01"))
    with pytest.raises(ParameterError, match=r"cannot profile columns \['signup'\]"):
        profile_segments(dated, labels, columns=["tied", "signup"])
    only = profile_segments(features, labels, columns=["tied"], min_size=2)
    assert list(only.tests.index) == ["tied"]


# ------------------------------------------------------------------------------------------
# presentation
# ------------------------------------------------------------------------------------------


def test_frames_have_the_documented_columns(tiny_profile):
    assert list(tiny_profile.cells.columns) == list(CELL_COLUMNS)
    assert list(tiny_profile.tests.columns) == list(TEST_COLUMNS)
    assert tiny_profile.tests.index.name == "feature"
    assert tiny_profile.sizes.to_dict() == {"A": 5, "B": 5, "C": 5}
    wide = tiny_profile.to_frame()
    assert list(wide.columns) == ["A", "B", "C"]
    assert list(wide.index) == [
        "tied",
        "distinct",
        "channel: app",
        "channel: store",
        "channel: web",
    ]
    assert wide.loc["channel: store", "A"] == pytest.approx(240)
    d = tiny_profile.to_frame("std_diff")
    assert d.loc["tied", "A"] == cell(tiny_profile, "A", "tied")["std_diff"]
    with pytest.raises(ParameterError, match=r"'value' parameter of SegmentProfile\.to_frame"):
        tiny_profile.to_frame("mean")


def test_describe_trait_en_es():
    age = {"feature": "age", "level": None, "kind": "numeric", "value": 67.2, "rest_value": 45.1,
           "index": 149.0, "std_diff": 1.1}  # fmt: skip
    assert describe_trait(age) == "Mean age 67 vs 45 for everyone else (index 149)"
    assert describe_trait(age, "es") == "Media de age: 67 frente a 45 del resto (índice 149)"
    spend = {**age, "feature": "spend", "value": 1234.5, "rest_value": 987.0, "index": 118.4}
    assert describe_trait(spend, "es") == (
        "Media de spend: 1.234 frente a 987 del resto (índice 118)"
    )
    small = {**age, "value": 2.45, "rest_value": 1.5}
    assert "2,5 frente a 1,5" in describe_trait(small, "es")
    share = {"feature": "first_channel", "level": "store", "kind": "categorical",
             "value": 0.42, "rest_value": 0.2, "index": 180.0, "std_diff": 0.5}  # fmt: skip
    assert (
        describe_trait(share)
        == "first_channel: store: 42.0% vs 20.0% for everyone else (index 180)"
    )
    assert describe_trait(share, "es") == (
        "first_channel: store: 42,0\u00a0% frente a 20,0\u00a0% del resto (índice 180)"
    )
    negative = {**age, "value": -1.5, "rest_value": 0.25, "index": np.nan, "std_diff": -0.8}
    assert describe_trait(negative) == (
        "Mean age -1.5 vs 0.2 for everyone else (standardized difference -0.80)"
    )
    with pytest.raises(ParameterError, match="Got 'fr' instead"):
        describe_trait(age, "fr")


def test_html_table_is_escaped_coloured_and_bold(planted):
    evil = "<script>alert(1)</script>"
    features = pd.DataFrame({evil: np.r_[np.zeros(20), np.ones(20) * 5] + np.arange(40) % 3})
    labels = ["<img src=x onerror=alert(2)>"] * 20 + ["b"] * 20
    profile = profile_segments(features, labels, segment_names={"b": evil})
    html = profile._repr_html_()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "n = 20" in html and "font-weight:bold" in html and "background-color:rgb(" in html
    fig = profile.plot_heatmap()
    assert "<script" not in fig.to_json() and "<img" not in fig.to_json()
    assert "&lt;script&gt;" in fig.data[0].y[0]
    spanish = planted.to_html(language="es")
    assert "Perfil de los segmentos" in spanish and "Benjamini-Hochberg" in spanish
    assert "significativo al 5\u00a0%" in spanish


@pytest.mark.parametrize("language", ["en", "es"])
def test_plot_heatmap(planted, language):
    fig = planted.plot_heatmap(language=language)
    heat = fig.data[0]
    n_rows = len(planted.to_frame())
    assert len(heat.z) == n_rows and len(heat.z[0]) == 3 and heat.zmid == 0
    assert heat.colorscale is not None and "n = 300" in heat.x[0]
    assert all(len(row) == 3 for row in heat.customdata)
    spend = list(planted.to_frame().index).index("spend")
    assert heat.text[spend][2].endswith("*")  # significant
    d = planted.plot_heatmap(value="std_diff", language=language)
    assert d.data[0].zmax == 1.5
    assert fig.layout.separators == (",." if language == "es" else ".,")
    with pytest.raises(ParameterError, match="'index' or 'std_diff'"):
        planted.plot_heatmap(value="p")


def test_feature_labeller_words_the_features_at_display_time(planted):
    def labeller(features, language):
        word = {"en": "Spend", "es": "Gasto"}[language]
        return {f: word if f == "spend" else f for f in features}

    profile = replace(planted, feature_labeller=labeller)
    # the data keeps the columns' names; only what is shown is worded
    assert "spend" in set(profile.cells["feature"]) and "spend" in profile.tests.index
    assert profile.top_features(2, n=1)["feature"].item() == "spend"
    assert profile.top_features_table(2, n=1)["feature"].item() == "Spend"
    spanish = profile.top_features_table(2, n=1, language="es")
    assert spanish["description"].item().startswith("Media de Gasto")
    assert "Spend (mean)" in profile.to_html() and "Gasto (media)" in profile.to_html("es")
    assert "Gasto (media)" in profile.plot_heatmap(language="es").data[0].y
    assert "Spend (mean)" not in planted.to_html()

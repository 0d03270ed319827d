"""Survey scoring: construct scores, Cronbach's alpha, NPS, customer features, errors, demo."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from omniseg.demo.population import SEGMENTS
from omniseg.errors import DataValidationError, ParameterError
from omniseg.ingest.io import load_survey
from omniseg.ingest.survey_table import load_codebook
from omniseg.report.paths import demo_data_dir
from omniseg.voice.construct_reliability import (
    cronbach_alpha,
    item_rest_correlations,
    reliability,
)
from omniseg.voice.respondents import link_respondents
from omniseg.voice.survey import constructs, customer_survey_features, score_constructs
from omniseg.voice.survey_tables import channel_tables, nps


def likert(construct: str, *, reverse: bool = False, scale=(1, 5)) -> dict:
    return {"type": "likert", "scale": list(scale), "construct": construct, "reverse": reverse}


def alpha_from_covariance(x: np.ndarray) -> float:
    """Independent formula: k/(k-1) * (1 - trace(C) / sum(C)), C the item covariance matrix."""
    c = np.cov(x, rowvar=False)
    k = c.shape[0]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


# ------------------------------------------------------------------------------------------
# Cronbach's alpha
# ------------------------------------------------------------------------------------------

# Four respondents answered all three items; item c is reverse-worded, so its raw answers are
# 6 - (2, 3, 4, 5). R5 skipped item b and is not a complete case.
HAND_CODEBOOK = {
    "items": {
        "a": likert("trust"),
        "b": likert("trust"),
        "c": likert("trust", reverse=True),
    }
}
HAND_SURVEY = pd.DataFrame(
    {
        "respondent_id": ["R1", "R2", "R3", "R4", "R5"],
        "a": [1, 2, 3, 4, 5],
        "b": [2, 3, 3, 4, None],
        "c": [4, 3, 2, 1, 1],
    }
)


def test_alpha_by_hand():
    # After reverse coding (c -> 6 - c) the complete cases are
    #   a = 1 2 3 4   mean 2.5  squares 2.25+.25+.25+2.25 = 5  variance 5/3
    #   b = 2 3 3 4   mean 3    squares 1+0+0+1 = 2            variance 2/3
    #   c = 2 3 4 5   mean 3.5  squares 5                      variance 5/3
    # sum of item variances = 12/3 = 4
    # totals 5 8 10 13, mean 9, squares 16+1+1+16 = 34, variance 34/3
    # alpha = 3/2 * (1 - 4 / (34/3)) = 3/2 * 22/34 = 33/34
    table = reliability(HAND_SURVEY, HAND_CODEBOOK)
    row = table.iloc[0]
    assert row["construct"] == "trust"
    assert row["n_items"] == 3
    assert row["n_respondents"] == 4
    assert row["alpha"] == pytest.approx(33 / 34)
    assert bool(row["reliable"])
    complete = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 4, 5]], dtype=float)
    assert row["alpha"] == pytest.approx(alpha_from_covariance(complete))
    assert cronbach_alpha(complete) == pytest.approx(33 / 34)


def test_without_reverse_coding_alpha_collapses():
    # the same answers with c not flagged reverse: c now runs against a and b
    codebook = {"items": {**HAND_CODEBOOK["items"], "c": likert("trust")}}
    raw = np.array([[1, 2, 4], [2, 3, 3], [3, 3, 2], [4, 4, 1]], dtype=float)
    alpha = reliability(HAND_SURVEY, codebook)["alpha"].iloc[0]
    assert alpha == pytest.approx(alpha_from_covariance(raw))
    assert alpha < 0


def test_alpha_matches_covariance_formula_on_random_scales():
    rng = np.random.default_rng(7)
    n, k = 300, 5
    latent = rng.normal(0, 1, n)
    x = np.clip(np.round(3 + latent[:, None] + rng.normal(0, 1.2, (n, k))), 1, 5)
    x[rng.random((n, k)) < 0.05] = np.nan
    survey = pd.DataFrame(x, columns=[f"q{j}" for j in range(k)])
    survey.insert(0, "respondent_id", [f"R{i}" for i in range(n)])
    codebook = {"items": {f"q{j}": likert("s") for j in range(k)}}
    complete = x[~np.isnan(x).any(axis=1)]
    row = reliability(survey, codebook).iloc[0]
    assert row["n_respondents"] == len(complete)
    assert row["alpha"] == pytest.approx(alpha_from_covariance(complete), rel=1e-12)


def test_item_rest_correlations_and_lowest_item():
    # item d is noise: its item-rest correlation is the lowest
    survey = HAND_SURVEY.assign(d=[3, 1, 5, 2, 4])
    codebook = {"items": {**HAND_CODEBOOK["items"], "d": likert("trust")}}
    table = item_rest_correlations(survey, codebook)
    assert table["item"].tolist() == ["a", "b", "c", "d"]
    complete = np.array([[1, 2, 2, 3], [2, 3, 3, 1], [3, 3, 4, 5], [4, 4, 5, 2]], dtype=float)
    rest = complete.sum(axis=1, keepdims=True) - complete
    expected = [np.corrcoef(complete[:, j], rest[:, j])[0, 1] for j in range(4)]
    np.testing.assert_allclose(table["item_rest_r"], expected)
    row = reliability(survey, codebook).iloc[0]
    assert row["lowest_item"] == "d"
    assert row["lowest_item_rest_r"] == pytest.approx(min(expected))


def test_min_alpha_threshold():
    assert not reliability(HAND_SURVEY, HAND_CODEBOOK, min_alpha=0.99)["reliable"].iloc[0]
    assert reliability(HAND_SURVEY, HAND_CODEBOOK, min_alpha=33 / 34)["reliable"].iloc[0]


def test_single_item_construct_is_flagged_not_an_error():
    codebook = {"items": {**HAND_CODEBOOK["items"], "solo": likert("speed")}}
    survey = HAND_SURVEY.assign(solo=[1, 2, 3, 4, 5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = reliability(survey, codebook).set_index("construct")
        items = item_rest_correlations(survey, codebook)
    assert table.loc["speed", "n_items"] == 1
    assert math.isnan(table.loc["speed", "alpha"])
    assert not table.loc["speed", "reliable"]
    assert pd.isna(table.loc["speed", "lowest_item"])
    assert math.isnan(items.set_index("item").loc["solo", "item_rest_r"])


def test_undefined_alpha_without_complete_cases_or_variance():
    survey = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3"],
            "a": [1, None, 3],
            "b": [2, 4, None],
            "c": [None, None, 3],
        }
    )
    # every answer the same: the total does not vary
    flat = pd.DataFrame({"respondent_id": ["R1", "R2"], "a": 2, "b": 2, "c": 4})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = reliability(survey, HAND_CODEBOOK).iloc[0]
        flat_row = reliability(flat, HAND_CODEBOOK).iloc[0]
        flat_r = item_rest_correlations(flat, HAND_CODEBOOK)["item_rest_r"]
    assert row["n_respondents"] == 0
    assert math.isnan(row["alpha"]) and not row["reliable"]
    assert flat_row["n_respondents"] == 2
    assert math.isnan(flat_row["alpha"]) and not flat_row["reliable"]
    assert flat_r.isna().all()


# ------------------------------------------------------------------------------------------
# construct scores
# ------------------------------------------------------------------------------------------


def test_reverse_coding_on_each_items_scale():
    codebook = {
        "items": {
            "x1": likert("mood", reverse=True, scale=(1, 7)),  # 2 -> 1 + 7 - 2 = 6
            "x2": likert("mood", reverse=True),  # 1 -> 5
            "x3": likert("mood"),  # 4 stays 4
            "z": likert("zero", reverse=True, scale=(0, 10)),  # 3 -> 7
        }
    }
    survey = pd.DataFrame({"respondent_id": ["R1"], "x1": [2], "x2": [1], "x3": [4], "z": [3]})
    scores = score_constructs(survey, codebook)
    assert scores["mood"].iloc[0] == pytest.approx((6 + 5 + 4) / 3)
    assert scores["zero"].iloc[0] == 7


def test_scores_ignore_missing_answers_and_keep_ids():
    survey = HAND_SURVEY.assign(customer_id=["C1", None, "C3", "C4", "C5"])
    scores = score_constructs(survey, HAND_CODEBOOK)
    assert scores.columns.tolist() == ["respondent_id", "customer_id", "trust"]
    assert scores["customer_id"].iloc[0] == "C1" and pd.isna(scores["customer_id"].iloc[1])
    # R5 answered a=5, c=1 (reversed 5): mean 5, b skipped
    np.testing.assert_allclose(scores["trust"], [5 / 3, 8 / 3, 10 / 3, 13 / 3, 5.0])
    without = score_constructs(HAND_SURVEY, HAND_CODEBOOK)
    assert without.columns.tolist() == ["respondent_id", "trust"]


def test_min_items_rule():
    codebook = {
        "items": {
            **{f"t{j}": likert("three") for j in range(3)},
            **{f"f{j}": likert("four") for j in range(4)},
            **{f"v{j}": likert("five") for j in range(5)},
        }
    }
    # respondent i answered the first i items of every construct
    answers = {}
    for prefix, k in (("t", 3), ("f", 4), ("v", 5)):
        for j in range(k):
            answers[f"{prefix}{j}"] = [3.0 if j < i else np.nan for i in range(6)]
    survey = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(6)], **answers})
    answered = np.arange(6)

    def scored(frame: pd.DataFrame, construct: str) -> np.ndarray:
        return answered[frame[construct].notna().to_numpy()]

    default = score_constructs(survey, codebook)
    # default: half the items rounded up -> 2 of 3, 2 of 4, 3 of 5
    assert scored(default, "three").tolist() == [2, 3, 4, 5]
    assert scored(default, "four").tolist() == [2, 3, 4, 5]
    assert scored(default, "five").tolist() == [3, 4, 5]
    strict = score_constructs(survey, codebook, min_items=4)
    # capped at the construct's item count: 3 of 3, 4 of 4, 4 of 5
    assert scored(strict, "three").tolist() == [3, 4, 5]
    assert scored(strict, "four").tolist() == [4, 5]
    assert scored(strict, "five").tolist() == [4, 5]
    lenient = score_constructs(survey, codebook, min_items=np.int64(1))
    assert scored(lenient, "five").tolist() == [1, 2, 3, 4, 5]
    assert (lenient[["three", "four", "five"]].dropna() == 3).all(axis=None)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_min_items_parameter_error(bad):
    expected = (
        "The 'min_items' parameter of score_constructs must be an int in [1, inf). "
        f"Got {bad!r} instead."
    )
    with pytest.raises(ParameterError, match=f"^{re.escape(expected)}$"):
        score_constructs(HAND_SURVEY, HAND_CODEBOOK, min_items=bad)


def test_min_alpha_parameter_error():
    with pytest.raises(ParameterError, match=r"'min_alpha' parameter of reliability .* Got 7"):
        reliability(HAND_SURVEY, HAND_CODEBOOK, min_alpha=7)


def test_constructs_in_codebook_order_only_likert():
    codebook = {
        "items": {
            "b1": likert("b"),
            "a1": likert("a"),
            "b2": likert("b"),
            "choice": {"type": "single_choice", "options": ["x", "y"]},
            "rec": {"type": "nps"},
            "free": {"type": "likert", "scale": [1, 5]},  # no construct
        }
    }
    assert constructs(codebook) == {"b": ["b1", "b2"], "a": ["a1"]}


# ------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------


def test_construct_item_missing_from_survey():
    survey = HAND_SURVEY.drop(columns=["c", "respondent_id"])
    with pytest.raises(DataValidationError, match="codebook item 'c' of construct 'trust'") as exc:
        score_constructs(survey, HAND_CODEBOOK)
    problems = {p.column: p for p in exc.value.problems}
    assert set(problems) == {"respondent_id", "c"}
    assert problems["c"].source == "<survey>"
    assert "remove the item from the codebook" in problems["c"].fix
    for function in (reliability, item_rest_correlations):
        with pytest.raises(DataValidationError, match=r"item 'c' .* is not a column of the survey"):
            function(survey, HAND_CODEBOOK)


def test_out_of_scale_answers_list_spreadsheet_rows():
    # 12 answers of 'a' outside [1, 5] at 0-based positions 1, 4, 7, ... -> rows 3, 6, 9, ...
    n = 40
    a = np.full(n, 3.0)
    bad = np.arange(1, n, 3)[:12]
    a[bad] = 7
    a[bad[-1]] = 0
    survey = pd.DataFrame(
        {"respondent_id": [f"R{i}" for i in range(n)], "a": a, "b": 3.0, "c": 9.0}
    )
    survey.loc[5, "c"] = 2
    with pytest.raises(DataValidationError, match=r"answer\(s\) outside the item's scale") as exc:
        score_constructs(survey, HAND_CODEBOOK)
    problems = {p.column: p for p in exc.value.problems}
    assert set(problems) == {"a", "c"}  # all problems at once
    pa = problems["a"]
    assert pa.source == "<survey>"
    assert pa.rows == (3, 6, 9, 12, 15)
    assert pa.n_rows == 12
    assert pa.message == "12 answer(s) outside the item's scale [1, 5], e.g. 7"
    assert "(rows 3, 6, 9, 12, 15 and 7 more)" in str(exc.value)
    assert "correct or blank the answers outside [1, 5]" in pa.fix
    assert problems["c"].n_rows == n - 1
    with pytest.raises(DataValidationError, match=r"outside the item's scale \[1, 5\]"):
        reliability(survey, HAND_CODEBOOK)


def test_non_numeric_answers():
    survey = HAND_SURVEY.astype({"b": object})
    survey.loc[2, "b"] = "agree"
    with pytest.raises(DataValidationError, match=r"1 answer\(s\) that are not numbers") as exc:
        score_constructs(survey, HAND_CODEBOOK)
    assert exc.value.problems[0].rows == (4,)
    text = HAND_SURVEY.astype(str).replace("nan", "")
    assert score_constructs(text, HAND_CODEBOOK)["trust"].iloc[1] == pytest.approx(8 / 3)


def test_not_a_dataframe():
    with pytest.raises(ParameterError, match="'survey' parameter of reliability must be a pandas"):
        reliability(HAND_SURVEY.to_dict(), HAND_CODEBOOK)


# ------------------------------------------------------------------------------------------
# NPS
# ------------------------------------------------------------------------------------------

NPS_CODEBOOK = {"items": {"rec": {"type": "nps", "scale": [0, 10]}}}
# ten answers and one blank: detractors 0 3 6, passives 7 7 8, promoters 9 9 10 10
NPS_SURVEY = pd.DataFrame(
    {
        "respondent_id": [f"R{i}" for i in range(11)],
        "rec": [0, 3, 6, 7, 7, 8, 9, 9, 10, 10, None],
        "w": [2, 2, 2, 1, 1, 1, 1, 1, 1, 1, None],
    }
)


def test_nps_known_answer():
    result = nps(NPS_SURVEY, NPS_CODEBOOK)
    assert result["n"] == 10
    assert result["n_effective"] == 10
    assert result["promoters"] == pytest.approx(0.4)
    assert result["passives"] == pytest.approx(0.3)
    assert result["detractors"] == pytest.approx(0.3)
    assert result["nps"] == pytest.approx(10.0)  # 40% - 30%


def test_nps_weighted():
    # weights: detractors 2 each (6), passives 3, promoters 4 -> total 13; blank row ignored
    result = nps(NPS_SURVEY, NPS_CODEBOOK, weights="w")
    assert result["n"] == 10
    assert result["promoters"] == pytest.approx(4 / 13)
    assert result["passives"] == pytest.approx(3 / 13)
    assert result["detractors"] == pytest.approx(6 / 13)
    assert result["nps"] == pytest.approx(100 * (4 - 6) / 13)
    assert result["n_effective"] == pytest.approx(13**2 / (3 * 4 + 7 * 1))


def test_nps_errors():
    with pytest.raises(DataValidationError, match="the codebook has no item of type 'nps'"):
        nps(HAND_SURVEY, HAND_CODEBOOK)
    with pytest.raises(ParameterError, match=r"'weights' parameter of nps .* Got 'weight'"):
        nps(NPS_SURVEY, NPS_CODEBOOK, weights="weight")
    negative = NPS_SURVEY.assign(w=[1, -1, 1, 1, None, 1, 1, 1, 1, 1, None])
    with pytest.raises(
        DataValidationError, match=r"2 respondent.* missing or negative weight"
    ) as e:
        nps(negative, NPS_CODEBOOK, weights="w")
    assert e.value.problems[0].rows == (3, 6)  # the blank answer's blank weight is fine
    two = {"items": {**NPS_CODEBOOK["items"], "rec2": {"type": "nps"}}}
    with pytest.raises(ParameterError, match=r"'item' parameter of nps must name one of .*rec2"):
        nps(NPS_SURVEY.assign(rec2=5), two)
    assert nps(NPS_SURVEY.assign(rec2=5), two, item="rec2")["nps"] == -100
    with pytest.raises(DataValidationError, match=r"1 answer\(s\) outside .*\[0, 10\], e.g. 11"):
        nps(NPS_SURVEY.assign(rec=[11, *NPS_SURVEY["rec"][1:]]), NPS_CODEBOOK)
    with pytest.raises(DataValidationError, match="codebook item 'rec' is not a column"):
        nps(NPS_SURVEY.drop(columns="rec"), NPS_CODEBOOK)


def test_nps_nobody_answered():
    result = nps(NPS_SURVEY.assign(rec=np.nan), NPS_CODEBOOK)
    assert result["n"] == 0 and math.isnan(result["nps"])


# ------------------------------------------------------------------------------------------
# per-customer features
# ------------------------------------------------------------------------------------------


def test_customer_features_link_and_average_repeat_answers():
    codebook = {"items": {**HAND_CODEBOOK["items"], **NPS_CODEBOOK["items"]}}
    survey = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3", "R4", "R5"],
            "customer_id": ["C2", None, "C1", "C2", "C2"],
            "a": [1, 5, 4, 3, None],
            "b": [1, 5, 4, 5, None],
            "c": [5, 1, 2, 1, 3],  # reversed: 1 5 4 5 3
            "rec": [2, 10, 9, 8, None],
        }
    )
    features = customer_survey_features(survey, codebook)
    assert features.columns.tolist() == ["customer_id", "survey_trust", "survey_nps"]
    assert features["customer_id"].tolist() == ["C1", "C2"]  # R2 is anonymous
    c1, c2 = features.set_index("customer_id").to_dict("index").values()
    assert c1 == {"survey_trust": 4.0, "survey_nps": 9.0}
    # C2 answered three times: trust 1 and 13/3 (R5 has too few items: NaN, left out), nps 2, 8
    assert c2["survey_trust"] == pytest.approx((1 + 13 / 3) / 2)
    assert c2["survey_nps"] == pytest.approx(5.0)


def test_customer_features_several_nps_items_and_no_link_column():
    codebook = {"items": {"a": likert("t"), "rec": {"type": "nps"}, "rec2": {"type": "nps"}}}
    survey = pd.DataFrame({"respondent_id": ["R1"], "customer_id": ["C1"], "a": 4, "rec": 9})
    features = customer_survey_features(survey.assign(rec2=3), codebook)
    assert features.columns.tolist() == [
        "customer_id",
        "survey_t",
        "survey_nps_rec",
        "survey_nps_rec2",
    ]
    with pytest.raises(DataValidationError, match="codebook item 'rec2' is not a column"):
        customer_survey_features(survey, codebook)
    with pytest.raises(DataValidationError, match="no 'customer_id' column"):
        customer_survey_features(survey.drop(columns="customer_id"), codebook)


# ------------------------------------------------------------------------------------------
# the demo: what the generator planted (omniseg.demo.responses.draw_survey)
# ------------------------------------------------------------------------------------------
# Per construct, respondent i of segment s answers item j with
#     clip(round(attitude[s] + person_i + noise_ij), 1, 5),  person ~ N(0, 0.45), noise ~ N(0, 0.6)
# (reverse items are stored as 6 - that, so reverse coding restores it); 2% of answers are blank.
# The person and segment terms are shared by a construct's items, so its alpha follows from the
# planted attitudes and the respondents' segment mix. The eight sat_<channel> items share no
# person term and are only asked about channels the respondent used: channel_satisfaction is not
# a scale, and nobody rated all eight channels.

PERSON_SD, NOISE_SD, NPS_SD = 0.45, 0.6, 1.6
LIKERT_CONSTRUCTS = ["digital_affinity", "price_sensitivity", "service_need", "brand_trust"]


@pytest.fixture(scope="module")
def demo():
    # the survey and codebook exactly as load_demo() loads them (same loader), without reading
    # the 146k interactions: 0.15 s instead of 1.8 s
    folder = demo_data_dir()
    survey = load_survey(folder / "survey.csv", folder / "survey_codebook.yaml")
    codebook = load_codebook(folder / "survey_codebook.yaml")
    segments = pd.read_csv(folder / "truth" / "customers.csv", dtype=str)
    respondents = pd.read_csv(folder / "truth" / "survey.csv", dtype=str)
    return survey, codebook, segments, respondents


def simulated(construct: str, segment: np.ndarray, repeat: int = 200) -> pd.DataFrame:
    """Complete answers drawn from the generator's model for respondents of these segments."""
    rng = np.random.default_rng(2024)
    seg = np.repeat(segment, repeat)
    mean = np.array([SEGMENTS[s]["attitudes"][construct] for s in seg])
    latent = mean + rng.normal(0, PERSON_SD, len(seg))
    answers = np.round(latent[:, None] + rng.normal(0, NOISE_SD, (len(seg), 3)))
    return pd.DataFrame(np.clip(answers, 1, 5)).assign(segment=seg)


def test_demo_reliability_is_what_the_generator_implies(demo):
    survey, codebook, _, respondents = demo
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = reliability(survey, codebook).set_index("construct")
    segment = respondents.set_index("respondent_id").loc[survey["respondent_id"], "segment"]
    for construct in LIKERT_CONSTRUCTS:
        expected = cronbach_alpha(simulated(construct, segment.to_numpy())[[0, 1, 2]].to_numpy())
        row = table.loc[construct]
        assert row["n_items"] == 3
        assert row["n_respondents"] > 0.9 * len(survey)  # ~6% miss one of 3 items
        # sampling sd of alpha at n ~ 740 is 0.005-0.013 (simulated): 0.04 is > 3 sd
        assert row["alpha"] == pytest.approx(expected, abs=0.04), construct
        assert row["reliable"]
        assert row["lowest_item_rest_r"] > 0.5
    # the constructs whose segment means are furthest apart are the most consistent
    order = table.loc[LIKERT_CONSTRUCTS, "alpha"].sort_values(ascending=False).index.tolist()
    assert order == ["digital_affinity", "service_need", "price_sensitivity", "brand_trust"]
    sat = table.loc["channel_satisfaction"]
    assert sat["n_items"] == 8 and sat["n_respondents"] == 0
    assert math.isnan(sat["alpha"]) and not sat["reliable"]


def test_demo_planted_segment_differences(demo):
    survey, codebook, segments, _ = demo
    features = customer_survey_features(survey, codebook)
    linked = survey["customer_id"].dropna()
    assert len(features) == linked.nunique() == len(linked)
    joined = features.merge(segments, on="customer_id", how="left", validate="one_to_one")
    assert joined["segment"].notna().all()
    stats = joined.drop(columns="customer_id").groupby("segment").agg(["mean", "std", "count"])
    for construct in LIKERT_CONSTRUCTS:
        means = stats[(f"survey_{construct}", "mean")]
        planted = pd.Series({s: SEGMENTS[s]["attitudes"][construct] for s in SEGMENTS})
        # the segment planted highest on each construct scores highest (planted gap >= 0.7)
        assert means.idxmax() == planted.idxmax(), construct
        # every pair of segments planted at least 0.3 apart is ordered as planted
        for a in planted.index:
            for b in planted.index:
                if planted[a] - planted[b] > 0.25:  # gaps of 0.3 and more
                    assert means[a] > means[b], (construct, a, b)
        # and each segment's mean is the generator's expectation (the three answers averaged,
        # rounding and clipping included) within 4 standard errors
        sim = simulated(construct, planted.index.to_numpy(), repeat=40_000)
        expected = sim[[0, 1, 2]].mean(axis=1).groupby(sim["segment"]).mean()
        se = stats[(f"survey_{construct}", "std")] / np.sqrt(
            stats[(f"survey_{construct}", "count")]
        )
        assert ((means - expected).abs() < 4 * se).all(), construct
    assert stats[("survey_digital_affinity", "mean")].idxmax() == "digital_first"
    assert stats[("survey_service_need", "mean")].idxmax() == "service_reliant"
    assert stats[("survey_price_sensitivity", "mean")].idxmax() == "promo_responsive"
    assert stats[("survey_brand_trust", "mean")].idxmax() == "store_loyal"
    assert stats[("survey_nps", "mean")].idxmin() == "service_reliant"


def test_demo_nps_is_the_planted_one(demo):
    survey, codebook, _, respondents = demo
    result = nps(survey, codebook)
    assert result["n"] == len(survey)
    # answer = clip(round(N(nps[s], 1.6)), 0, 10): promoter when N >= 8.5, detractor when < 6.5
    segment = respondents.set_index("respondent_id").loc[survey["respondent_id"], "segment"]
    mean = np.array([SEGMENTS[s]["nps"] for s in segment])
    promoters = norm.sf(8.5, mean, NPS_SD).mean()
    detractors = norm.cdf(6.5, mean, NPS_SD).mean()
    expected = 100 * (promoters - detractors)
    se = 100 * np.sqrt((promoters + detractors - (promoters - detractors) ** 2) / result["n"])
    assert abs(result["nps"] - expected) < 4 * se
    assert result["promoters"] == pytest.approx(promoters, abs=0.06)
    assert result["detractors"] == pytest.approx(detractors, abs=0.06)


# ------------------------------------------------------------------------------------------
# channel tables and respondent links
# ------------------------------------------------------------------------------------------

CHANNEL_CODEBOOK = {
    "items": {
        "pref_channel": {"type": "single_choice", "options": ["web", "app", "store"]},
        "sat_web": likert("channel_satisfaction"),
        "sat_store": {**likert("channel_satisfaction"), "channel": "Tienda"},
        "nps": {"type": "nps", "scale": [0, 10]},
    }
}
# Six respondents: A has R1-R5, B has R6 (below min_n=2 for most cells), R7 has no segment.
CHANNEL_SURVEY = pd.DataFrame(
    {
        "respondent_id": [f"R{i}" for i in range(1, 8)],
        "pref_channel": ["Web", "web", "Tienda", "store", None, "app", "WEB"],
        "sat_web": [5, 3, None, 4, 2, 1, 5],
        "sat_store": [None, 4, 5, 3, None, None, 2],
        "nps": [9, 8, 10, 6, 7, 3, 9],
        "seg": ["A", "A", "A", "A", "A", "B", None],
        "w": [1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 3.0],
    }
)


def cell(table: pd.DataFrame, segment, channel: str) -> pd.Series:
    rows = table[(table["segment"] == segment) & (table["channel"] == channel)]
    assert len(rows) == 1, (segment, channel)
    return rows.iloc[0]


def test_channel_tables_by_hand():
    tables = channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, segments="seg", min_n=2)
    pref, sat = tables["preference"], tables["satisfaction"]
    # channels in report order; pref labels normalised (Web, WEB -> web; Tienda -> store)
    assert pref["channel"].unique().tolist() == ["web", "app", "store"]
    assert pref["segment"].unique().tolist() == ["all", "A", "B"]
    # all: 6 named a channel (R5 did not): web 3, app 1, store 2
    assert cell(pref, "all", "web")[["n", "chosen"]].tolist() == [6, 3]
    assert cell(pref, "all", "store")["share"] == pytest.approx(2 / 6)
    assert cell(pref, "A", "web")["share"] == pytest.approx(2 / 4)
    assert cell(pref, "A", "app")["share"] == 0
    # B has one respondent: suppressed, with its count kept
    b = cell(pref, "B", "app")
    assert b["suppressed"] and math.isnan(b["share"]) and b["n"] == 1 and b["chosen"] == 1
    # satisfaction: the codebook's channel key (Tienda -> store) or the sat_<channel> name
    assert sat["item"].unique().tolist() == ["sat_web", "sat_store"]
    assert cell(sat, "all", "web")[["n", "mean"]].tolist() == [6, pytest.approx(20 / 6)]
    assert cell(sat, "A", "store")["mean"] == pytest.approx(4)
    assert cell(sat, "B", "web")["suppressed"]
    assert not cell(sat, "A", "web")["suppressed"]
    assert (pref["n_effective"] == pref["n"]).all()  # unweighted


def test_channel_tables_weighted():
    tables = channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, weights="w", min_n=1)
    pref, sat = tables["preference"], tables["satisfaction"]
    # web: R1, R2, R7 weigh 1 + 1 + 3 of 1 + 1 + 2 + 1 + 1 + 3 = 9
    assert cell(pref, "all", "web")["share"] == pytest.approx(5 / 9)
    assert cell(pref, "all", "web")["n_effective"] == pytest.approx(81 / 17)
    # store ratings 4, 5, 3, 2 with weights 1, 2, 1, 3
    assert cell(sat, "all", "store")["mean"] == pytest.approx((4 + 10 + 3 + 6) / 7)
    # a Series, an array and a RakingResult give the same table
    from omniseg.voice.weighting import rake

    halves = CHANNEL_SURVEY.assign(half=["x", "y", "x", "y", "x", "y", "x"])
    raked = rake(halves, {"half": {"x": 0.5, "y": 0.5}})
    for weights in (CHANNEL_SURVEY["w"], CHANNEL_SURVEY["w"].to_numpy()):
        same = channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, weights=weights, min_n=1)
        pd.testing.assert_frame_equal(same["preference"], pref)
    with_result = channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, weights=raked, min_n=1)
    by_series = channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, weights=raked.weights, min_n=1)
    pd.testing.assert_frame_equal(with_result["satisfaction"], by_series["satisfaction"])


def test_channel_tables_errors():
    with pytest.raises(ParameterError, match=r"The 'min_n' parameter of channel_tables must be"):
        channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, min_n=0)
    with pytest.raises(ParameterError, match="which is not a column"):
        channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, weights="weight")
    with pytest.raises(ParameterError, match="one weight per survey row: the survey has 7 rows"):
        channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, weights=[1, 2])
    with pytest.raises(DataValidationError, match=r"column 'w': 1 respondent\(s\) have a missing"):
        channel_tables(
            CHANNEL_SURVEY.assign(w=[1, 1, -1, 1, 1, 1, 1]), CHANNEL_CODEBOOK, weights="w"
        )
    with pytest.raises(ParameterError, match="A segment is named 'all'"):
        channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, segments=["all"] * 7)
    with pytest.raises(ParameterError, match="one segment per survey row"):
        channel_tables(CHANNEL_SURVEY, CHANNEL_CODEBOOK, segments=pd.Series(["A"], index=[99]))
    with pytest.raises(DataValidationError, match="outside the item's scale"):
        channel_tables(CHANNEL_SURVEY.assign(sat_web=[9, 1, 1, 1, 1, 1, 1]), CHANNEL_CODEBOOK)
    bare = CHANNEL_SURVEY[["respondent_id", "nps"]]
    with pytest.raises(DataValidationError, match="neither the preference item 'pref_channel'"):
        channel_tables(bare, {"items": {"nps": {"type": "nps", "scale": [0, 10]}}})


def test_link_respondents_says_which_is_which():
    from omniseg.segments.typing_tool import TypingTool

    survey = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3", "R4"],
            "customer_id": ["C1", None, "C9", None],
            "age_band": ["25-34", "65+", "25-34", None],
            "pref_channel": ["app", "store", "app", None],
        }
    )
    answers = pd.DataFrame(
        {"age": [25, 30, 35, 60, 70, 75] * 5, "main_channel": ["app"] * 15 + ["store"] * 15}
    )
    tool = TypingTool(questions=["age", "main_channel"], cv=3).fit(
        answers, ["young"] * 15 + ["old"] * 15
    )
    links = link_respondents(survey, pd.Series({"C1": "old", "C2": "young"}), tool)
    assert links.index.equals(survey.index)
    assert links.columns.tolist() == ["respondent_id", "segment", "how"]
    # R1 by its customer id (even though its answers look young); R2 and R3 (a customer the
    # segmentation does not know) by the typing tool; R4 answered none of the tool's questions
    assert links["segment"].tolist() == ["old", "old", "young", None]
    assert links["how"].tolist() == ["customer_id", "typing_tool", "typing_tool", None]
    without_tool = link_respondents(survey, pd.Series({"C1": "old"}))
    assert without_tool["how"].tolist() == ["customer_id", None, None, None]
    with pytest.raises(ParameterError, match="must be a pandas Series of segments"):
        link_respondents(survey, {"C1": "old"})
    with pytest.raises(DataValidationError, match="'respondent_id' not found"):
        link_respondents(survey.drop(columns="respondent_id"), pd.Series({"C1": "old"}))


def test_demo_links_and_channel_tables(demo):
    from omniseg.segments.typing_tool import TypingTool
    from omniseg.voice.margins import margins_from_population
    from omniseg.voice.weighting import rake

    survey, codebook, segments, respondents = demo
    true_segment = respondents.set_index("respondent_id").loc[survey["respondent_id"], "segment"]
    linked = survey["customer_id"].notna().to_numpy()
    tool = TypingTool(random_state=0).fit(survey[linked], true_segment.to_numpy()[linked])
    links = link_respondents(survey, segments.set_index("customer_id")["segment"], tool)
    assert links["how"].value_counts().to_dict() == {"customer_id": 729, "typing_tool": 60}
    right = links["segment"].to_numpy() == true_segment.to_numpy()
    assert right[links["how"] == "customer_id"].all()
    assert right[links["how"] == "typing_tool"].mean() > 0.6  # measured: 0.82

    raked = rake(
        survey.assign(segment=links["segment"]), margins_from_population(segments, ["segment"])
    )
    tables = channel_tables(survey, codebook, weights=raked, segments=links)
    pref = tables["preference"].set_index(["segment", "channel"])
    sat = tables["satisfaction"].set_index(["segment", "channel"])
    # each segment's planted best channel is its most preferred (65% name it)
    for name, spec in SEGMENTS.items():
        assert pref.loc[name, "share"].idxmax() == spec["best"], name
    # the planted satisfaction gap: call-centre customers rate the web 1.5 points lower
    web = sat.xs("web", level="channel")["mean"]
    assert web["service_reliant"] < web.drop(["service_reliant", "all"]).min() - 0.8
    # small cells are suppressed: service_reliant customers hardly use the app
    assert sat.loc[("service_reliant", "app"), "suppressed"]
    assert sat.loc[("service_reliant", "app"), "n"] < 5
    assert math.isnan(sat.loc[("service_reliant", "app"), "mean"])

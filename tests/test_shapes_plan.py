"""Data shapes the demo does not have: one channel, a channel a segment never uses, segments that
differ only in value and recency, a question everyone answers the same. Known answers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import omniseg.channels as at
from omniseg.channels import (
    activation_lists,
    channel_metrics,
    channel_plan,
    data_channels,
    gaps_table,
    journey_patterns,
    omnichannel_gaps,
    report_channel_plan,
    report_section,
)
from omniseg.segments.typing_tool import TypingTool
from omniseg.voice.persona_cards import persona_cards_html
from omniseg.voice.personas import build_personas

CHANNELS = ("web", "app", "email", "social", "phone", "chat", "sms", "store")
NOT_WEB = ("app", "email", "social", "phone", "chat", "sms", "store")


def _features(segments: list[dict[str, tuple[int, int]]], n: int = 100) -> pd.DataFrame:
    """Feature table as build_features makes it (a column for every canonical channel).

    Each segment: {channel: (engaged customers, buyers)} for ``n`` customers; buyers buy once
    for 50; first/last channel: the first channel listed for the segment.
    """
    frames = []
    for seg_i, spec in enumerate(segments):
        data = {}
        total = np.zeros(n)
        for ch in CHANNELS:
            engaged, buyers = spec.get(ch, (0, 0))
            inter = np.zeros(n)
            inter[:engaged] = 3
            buys = np.zeros(n)
            buys[:buyers] = 1
            data[f"interactions_{ch}"] = inter
            data[f"purchases_{ch}"] = buys
            data[f"revenue_{ch}"] = buys * 50.0
            total += inter
        for ch in CHANNELS:
            with np.errstate(invalid="ignore", divide="ignore"):
                data[f"share_{ch}"] = np.where(total > 0, data[f"interactions_{ch}"] / total, 0.0)
        frame = pd.DataFrame(data)
        used = [c for c in CHANNELS if spec.get(c, (0, 0))[0] > 0]
        frame["n_channels"] = sum((frame[f"interactions_{c}"] > 0).astype(int) for c in CHANNELS)
        frame["omnichannel"] = frame["n_channels"] >= 2
        frame["first_channel"] = used[0]
        frame["last_channel"] = used[0]
        frame["monetary"] = sum(frame[f"revenue_{c}"] for c in CHANNELS)
        frame["_seg"] = seg_i
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out.index = pd.Index([f"C{i:04d}" for i in range(len(out))], name="person_id")
    return out


def _labels(features: pd.DataFrame) -> pd.Series:
    return features.pop("_seg").rename("segment")


def _events(features: pd.DataFrame) -> pd.DataFrame:
    """One journey per engaged customer and channel: 3 views, then a purchase for buyers."""
    rows = []
    t0 = pd.Timestamp("2025-01-01")
    for pid, r in features.iterrows():
        for k, ch in enumerate(CHANNELS):
            if r[f"interactions_{ch}"] > 0:
                for d in range(3):
                    rows.append((pid, t0 + pd.Timedelta(days=40 * k + d), ch, "view", None))
                if r[f"purchases_{ch}"] > 0:
                    rows.append((pid, t0 + pd.Timedelta(days=40 * k + 3), ch, "purchase", 50.0))
    return pd.DataFrame(rows, columns=["person_id", "timestamp", "channel", "event", "revenue"])


@pytest.fixture(scope="module")
def single():
    """Three segments of a web-only retailer."""
    features = _features([{"web": (100, 60)}, {"web": (90, 20)}, {"web": (50, 5)}])
    labels = _labels(features)
    return features, labels


def test_single_channel_plan_ranks_exactly_that_channel(single):
    features, labels = single
    assert data_channels(features) == (["web"], list(NOT_WEB))
    metrics = channel_metrics(features, labels)
    assert metrics["channel"].tolist() == ["web"] * 3  # no rows for the 7 absent channels
    plan = channel_plan(metrics, segment_names={0: "S1", 1: "S2", 2: "S3"})
    t = plan.table
    assert t[["segment", "channel", "status"]].values.tolist() == [
        [0, "web", "ranked"],
        [1, "web", "ranked"],
        [2, "web", "ranked"],
    ]
    assert t["rank"].tolist() == [1.0, 1.0, 1.0]
    assert t["score"].isna().all()  # nothing to compare: no score
    assert all(
        r.endswith("It is the only channel this segment uses: there is nothing to compare it with.")
        for r in plan.reason_texts()
    )
    assert plan.absent_channels == NOT_WEB
    assert plan.not_in_data_text() == (
        "Not in your data (no interactions at all, so not ranked): App, Email, Social media, "
        "Phone, Chat, SMS, Store."
    )
    frame = plan.to_frame()
    assert frame["status"].tolist() == ["ranked"] * 3 + ["not_in_data"] * 7
    assert frame["channel"].tolist() == ["web"] * 3 + list(NOT_WEB)  # listed once each
    assert frame["segment"].iloc[:3].tolist() == [0, 1, 2]
    assert frame["segment"].iloc[3:].isna().all() and frame["rank"].iloc[3:].isna().all()
    top = plan.top_table(3)
    assert top["Channel"].tolist() == ["Web", "Web", "Web"]
    assert top["Priority score"].tolist() == ["–", "–", "–"]
    lists = activation_lists(plan, labels)
    assert sorted(lists) == [(0, "web"), (1, "web"), (2, "web")]
    assert len(lists[(2, "web")]) == 100


def test_single_channel_csv_lists_absent_channels_once(single, tmp_path):
    features, labels = single
    plan = channel_plan(channel_metrics(features, labels))
    csv = pd.read_csv(plan.to_csv(tmp_path / "channel_plan.csv"))
    assert len(csv) == 3 + 7
    assert csv.loc[csv["status"] == "not_in_data", "channel"].tolist() == list(NOT_WEB)
    assert csv.loc[csv["status"] == "ranked", "segment"].tolist() == [0, 1, 2]


def test_single_channel_attribution_and_journeys_do_not_apply(single):
    features, labels = single
    journeys = at.build_journeys(_events(features), segments=labels)
    assert journeys.channels == ("web",)
    na = at.attribution_table(journeys)
    assert isinstance(na, at.NotApplicable) and not na
    assert (na.what, na.reason, na.channels) == ("attribution", "one_channel", ("web",))
    assert na.text("es") == (
        "La atribución no aplica: todos los recorridos usan un solo canal (Web), así que no hay "
        "entre qué repartir las compras."
    )
    assert at.plot_attribution(na) is na
    sankey = at.plot_sankey(journeys)
    assert (sankey.what, sankey.reason) == ("journeys", "one_channel")
    assert at.transition_matrix(journeys).reason == "one_channel"
    assert at.plot_transitions(at.transition_matrix(journeys)).reason == "one_channel"
    markov = at.markov_attribution(journeys)
    assert markov.attrs["status"] == "not_applicable" and markov.attrs["reason"] == "one_channel"
    assert at.compare_by_segment(journeys).attrs["reason"] == "one_channel"
    patterns = journey_patterns(features, labels)
    assert (patterns.what, patterns.reason) == ("patterns", "one_channel")
    gaps = omnichannel_gaps(features, labels)
    assert gaps.attrs["status"] == "not_applicable"
    assert gaps_table(gaps).text() == (
        "Omnichannel gaps do not apply: the data has one channel (Web), so there is no other "
        "channel to follow up on or compare."
    )


def test_single_channel_report_step_and_sections(single):
    features, labels = single
    segmentation = SimpleNamespace(labels=labels, names=["S1", "S2", "S3"], typing_tool=None)
    plan, journeys, gaps = report_channel_plan(
        SimpleNamespace(), features, segmentation, events=_events(features)
    )
    assert plan.table["channel"].tolist() == ["web"] * 3
    assert plan.table["attributed_share"].isna().all()  # not scored from a 100 % attribution
    views = dict(
        plan=plan, journeys=journeys, gaps=gaps, features=features, segmentation=segmentation
    )
    for name, sentence in [
        (
            "attribution",
            "Attribution does not apply: every journey uses one channel (Web), so there is "
            "nothing to split the purchases between.",
        ),
        ("journeys", "Journeys between channels do not apply: the data has one channel (Web)."),
        ("patterns", "Cross-channel patterns do not apply: the data has one channel (Web)."),
    ]:
        items = report_section(name, **views)
        assert len(items) == 2, name  # the heading and ONE sentence
        assert items[1].data == f'<p class="os-lead">{sentence}</p>'
    es = report_section("journeys", **views, language="es")
    assert "los datos tienen un solo canal (Web)" in es[1].data
    plan_items = report_section("plan", **views)
    assert len(plan_items) == 3  # heading, not-in-data sentence, table; no score heat map
    assert "Not in your data" in plan_items[1].data


def test_attribution_reasons_no_purchases_and_no_sequences():
    j = at.Journeys.from_paths([["web"], ["app"], ["web", "app"]], conversions=[0, 0, 0])
    assert at.attribution_table(j).reason == "no_purchases"
    assert at.journey_status(j) is None
    j = at.Journeys.from_paths([["web"], ["app"], ["app"]], conversions=[1, 0, 1])
    assert at.attribution_status(j) is None
    assert at.plot_sankey(j).reason == "no_sequences"
    assert at.transition_matrix(j).text() == (
        "Journeys between channels do not apply: no journey moves from one channel to another."
    )


def test_a_channel_a_segment_never_uses_is_never_ranked():
    features = _features([{"web": (100, 40), "app": (80, 30)}, {"web": (100, 40)}])
    labels = _labels(features)
    for weights in (None, {"reach": 1.0}, {"conversion": 1.0}, {"value": 1.0}):
        plan = channel_plan(channel_metrics(features, labels), weights=weights)
        t = plan.table.set_index(["segment", "channel"])
        assert t.loc[(1, "app"), "status"] == "untested"
        assert np.isnan(t.loc[(1, "app"), "rank"]) and np.isnan(t.loc[(1, "app"), "score"])
        assert t.loc[(1, "web"), "rank"] == 1
        assert sorted(t.loc[0, "rank"].tolist()) == [1.0, 2.0]
    reasons = plan.to_frame(include_absent=False).set_index(["segment", "channel"])["reason"]
    assert reasons.loc[(1, "app")] == (
        "0% of this segment uses App (0 customers): an untested option, not a recommendation."
    )
    assert set(plan.sensitivity.set_index("segment").loc[1, ["top"]]) == {"web"}
    top = plan.top_table(3)
    assert top["Channel"].tolist() == ["Web", "App", "Web", "App"]
    assert top["Rank"].tolist() == ["1", "2", "1", "–"]
    assert top["Why"].iloc[3] == "Untested options (the segment barely uses them): App."
    assert (1, "app") not in activation_lists(plan, labels, top=2)


def test_three_channels_one_segment_uses_two():
    features = _features(
        [
            {"web": (100, 30), "app": (90, 40), "store": (60, 20)},
            {"web": (100, 20), "store": (70, 35)},
        ]
    )
    labels = _labels(features)
    assert data_channels(features)[0] == ["web", "app", "store"]
    plan = channel_plan(channel_metrics(features, labels))
    frame = plan.to_frame(include_absent=False)
    ranked = frame[frame["status"] == "ranked"]
    assert sorted(ranked.loc[ranked["segment"] == 0, "channel"]) == ["app", "store", "web"]
    assert sorted(ranked.loc[ranked["segment"] == 0, "rank"]) == [1, 2, 3]
    assert sorted(ranked.loc[ranked["segment"] == 1, "channel"]) == ["store", "web"]
    assert sorted(ranked.loc[ranked["segment"] == 1, "rank"]) == [1, 2]
    segmentation = SimpleNamespace(labels=labels, names=["S1", "S2"], typing_tool=None)
    plan_r, journeys, gaps = report_channel_plan(
        SimpleNamespace(), features, segmentation, events=_events(features)
    )
    views = dict(
        plan=plan_r, journeys=journeys, gaps=gaps, features=features, segmentation=segmentation
    )
    kinds = {
        name: [type(x).__name__ for x in report_section(name, **views)]
        for name in ("plan", "attribution", "journeys", "patterns", "gaps")
    }
    assert kinds == {  # three channels: tables and charts, except journeys (see below)
        "plan": ["HTML", "HTML", "HTML", "Figure"],
        "attribution": ["HTML", "Figure"],
        "journeys": ["HTML", "HTML"],
        "patterns": ["HTML", "HTML"],
        "gaps": ["HTML", "HTML"],
    }
    # each journey of _events stays on one channel (40 days between channels > 30-day gap)
    assert report_section("journeys", **views)[1].data == (
        '<p class="os-lead">Journeys between channels do not apply: no journey moves from one '
        "channel to another.</p>"
    )
    untested = frame[frame["status"] == "untested"]
    assert untested[["segment", "channel"]].values.tolist() == [[1, "app"]]
    assert plan.absent_channels == ("email", "social", "phone", "chat", "sms")
    assert plan.plot_scores().data[0].z.shape == (2, 3)


# ------------------------------------------------------------------------------ personas


def _value_recency_table() -> tuple[pd.DataFrame, pd.Series]:
    """Web only; segments differ only in revenue per customer and days since last purchase.

    S1 (200): 100 spent, bought 12 days ago; S2 (100): 80, 302 days; S3 (100): 120, 302 days.
    """
    rows = []
    for seg, (n, spend, recency) in enumerate([(200, 100, 10), (100, 80, 300), (100, 120, 300)]):
        for i in range(n):
            rows.append(
                {
                    "interactions_web": 5,
                    "share_web": 1.0,
                    **{f"interactions_{c}": 0 for c in NOT_WEB},
                    **{f"share_{c}": 0.0 for c in NOT_WEB},
                    "age": 40.0 + (i % 5),
                    "frequency": 2.0,
                    "monetary": float(spend + 15 * (i % 5 - 2)),
                    "aov": spend / 2,
                    "recency_days": float(recency + i % 5),
                    "first_channel": "web",
                    "last_channel": "web",
                    "omnichannel": False,
                    "_seg": seg,
                }
            )
    frame = pd.DataFrame(rows)
    frame.index = pd.Index([f"C{i:04d}" for i in range(len(frame))], name="person_id")
    return frame, frame.pop("_seg")


def _segmentation(features: pd.DataFrame, labels: pd.Series) -> SimpleNamespace:
    money = features["monetary"]
    sizes = pd.DataFrame(
        {
            "segment": sorted(labels.unique()),
            "share": labels.value_counts(normalize=True).sort_index().to_numpy(),
            "revenue_per_customer": money.groupby(labels).mean().to_numpy(),
            "revenue_share": (money.groupby(labels).sum() / money.sum()).to_numpy(),
        }
    )
    return SimpleNamespace(
        labels=labels,
        names=[f"S{i + 1}" for i in range(labels.nunique())],
        sizes=sizes,
        confidence=pd.DataFrame({"borderline": False}, index=features.index),
        profile=None,
    )


def test_persona_names_come_from_value_and_recency_and_are_unique():
    features, labels = _value_recency_table()
    personas = build_personas(_segmentation(features, labels), features)
    assert [p.name_text("en") for p in personas] == [
        "Active customer",
        "Lapsed low-value customer",
        "Lapsed high-value customer",
    ]
    assert [p.traits for p in personas] == [
        ["recency:active"],
        ["recency:lapsed", "value:low"],
        ["recency:lapsed", "value:high"],
    ]
    assert [p.name_text("es") for p in personas] == [
        "Cliente activo",
        "Cliente inactivo de bajo valor",
        "Cliente inactivo de alto valor",
    ]
    assert all("(2)" not in p.name_text(lang) for p in personas for lang in ("en", "es"))


def test_cards_have_no_line_for_a_channel_not_used():
    features, labels = _value_recency_table()
    personas = build_personas(_segmentation(features, labels), features)
    assert all(p.channels == [] for p in personas)  # one channel in the data: no channel lines
    assert all(not any(s.key == "journey" for s in p.behaviour) for p in personas)
    assert all(not any(s.text().startswith("Typical path") for s in p.behaviour) for p in personas)
    html = persona_cards_html(personas)
    assert "Preferred channels" not in html and "Web:" not in html and "App: 0%" not in html
    # two channels: a segment that never uses the app gets no App line
    two = _features([{"web": (100, 40), "app": (100, 30)}, {"web": (100, 40)}])
    lab = _labels(two)
    two["age"] = 40.0
    personas = build_personas(_segmentation(two, lab), two)
    lines = [[s.text("en").split(":")[0] for s in p.channels] for p in personas]
    assert lines == [["Web", "App"], ["Web"]]


# ------------------------------------------------------------------------------ typing tool


def test_typing_tool_skips_a_constant_question_and_says_what_it_cannot_place():
    ages = [25.0, 30.0, 35.0] * 20 + [60.0, 65.0, 70.0] * 30 + [60.0, 65.0, 70.0] * 10
    y = [0] * 60 + [1] * 90 + [2] * 30
    X = pd.DataFrame({"age": ages, "main_channel": "web", "n_channels": 1})
    tool = TypingTool(cv=3).fit(X, y)
    assert tool.skipped_questions_ == ["main_channel", "n_channels"]
    assert list(tool.feature_names_in_) == ["age"]
    assert tool.questionnaire() == ["How old are you?"]
    assert tool.skipped_text() == (
        "Not asked (every customer answers it the same): the main channel, the number of channels."
    )
    assert tool.unassigned_ == [2]
    assert tool.unassigned_reasons_ == {"2": {"reason": "answers_like", "like": 1}}
    assert tool.unassigned_text() == (
        "Never assigned: S3. Ask more questions or allow a deeper tree to tell them apart. "
        "Cannot place S3: its customers answer these questions like those of S2, so the "
        "questions do not tell them apart."
    )
    assert tool.predict(pd.DataFrame({"age": [28.0, 66.0]})).tolist() == [0, 1]
    # nothing varies: no question is asked, everyone goes to the largest segment
    flat = TypingTool(cv=3).fit(X.assign(age=40.0), y)
    assert flat.no_questions_ and flat.questionnaire() == []
    assert flat.skipped_text() == (
        "None of the questions varies in this data: everyone is placed in the largest segment."
    )
    assert set(flat.predict(X).tolist()) == {1}


def test_segments_alike_against_everyone_are_named_by_what_sets_them_apart_from_each_other():
    """Two high-value segments with the same traits against everyone were "… · S4" / "… · S5";
    the richer one is now "Top-value …" (the difference between the two)."""
    from omniseg.voice.persona_model import Persona
    from omniseg.voice.persona_names import PersonaName, _unique_names

    rng = np.random.default_rng(2)
    n = 60
    lab = np.repeat([0, 1, 2], n)
    features = pd.DataFrame(
        {"monetary": np.concatenate([rng.normal(100, 10, n), rng.normal(2000, 100, n),
                                     rng.normal(3000, 100, n)])}
    )  # fmt: skip
    # high-value already named: no trait left against everyone (value is covered)
    naming = {s: (None, None, True, False, [], 0) for s in (1, 2)}
    personas = [
        Persona(segment=s, code=f"S{s + 1}", naming=PersonaName(high_value=True, first=s),
                customers=n, share=1 / 3, traits=["value:high"])
        for s in (1, 2)
    ]  # fmt: skip
    assert [p.name_text() for p in personas] == ["High-value customer"] * 2
    _unique_names(personas, naming, features, lab)
    assert [p.name_text() for p in personas] == ["High-value customer", "Top-value customer"]
    assert [p.name_text("es") for p in personas] == [
        "Cliente de alto valor",
        "Cliente de máximo valor",
    ]
    assert personas[1].traits[-1] == "value:top:among"


def test_names_are_told_apart_in_every_language_with_the_same_traits():
    """Two app segments, one mostly women: alike in English ("App-first buyer"), not in Spanish
    (Comprador / Compradora). Names are made unique in every language at once, so both add their
    next trait and a persona's traits do not depend on the language it is shown in."""
    from omniseg.voice.persona_model import Persona
    from omniseg.voice.persona_names import PersonaName, _unique_names

    candidates = {
        0: [(0.8, "recency:lapsed", "recency_lapsed", {})],
        1: [(0.7, "region:Norte", "region", {"v": "Norte"})],
    }
    naming = {s: ("app", None, False, s == 0, candidates[s], 0) for s in (0, 1)}
    personas = [
        Persona(segment=s, code=f"S{s + 1}", naming=PersonaName("app", female=s == 0, first=s),
                customers=50, share=0.5, traits=["channel:app"])
        for s in (0, 1)
    ]  # fmt: skip
    assert personas[0].name_text("en") == personas[1].name_text("en") == "App-first buyer"
    _unique_names(personas, naming)
    assert [p.name_text("en") for p in personas] == [
        "Lapsed app-first buyer",
        "App-first buyer from Norte",
    ]
    assert [p.name_text("es") for p in personas] == [
        "Compradora de app inactiva",
        "Comprador de app de Norte",
    ]
    assert [p.traits for p in personas] == [
        ["channel:app", "recency:lapsed"],
        ["channel:app", "region:Norte"],
    ]
    assert [p.first_name_text("es") for p in personas] == ["Lucía", "Antonio"]

"""The "In one page" summary (issue 16): findings chosen by their rules on hand-made data with
known answers, the action list and its consent-filtered files, the main action per segment,
what changed since an earlier run, and the wording (escaped, both languages)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from omniseg.report.i18n import t
from omniseg.summary.actions import Action, main_actions, plan_actions
from omniseg.summary.changes import run_changes
from omniseg.summary.findings import key_findings
from omniseg.summary.run_summary import RunSummary


def _segmentation(labels: list[int], borderline: list[float] | None = None, names=None):
    lab = pd.Series(labels, index=[f"P{i:03d}" for i in range(len(labels))], name="segment")
    k = int(lab.max()) + 1
    counts = lab.value_counts().sort_index()
    sizes = pd.DataFrame(
        {
            "segment": range(k),
            "customers": counts.to_numpy(),
            "share": (counts / len(lab)).to_numpy(),
            "borderline_share": borderline or [0.0] * k,
        }
    )
    codes = [f"S{i + 1}" for i in range(k)]
    return SimpleNamespace(labels=lab, sizes=sizes, codes=codes, names=names or codes)


def _features(seg, **columns) -> pd.DataFrame:
    return pd.DataFrame(columns, index=seg.labels.index)


def test_value_rule_picks_the_segment_worth_most_per_customer_with_an_interval():
    seg = _segmentation([0] * 50 + [1] * 50)
    money = np.r_[np.full(50, 100.0), np.tile([200.0, 400.0], 25)]  # means 100 and 300
    features = _features(seg, monetary=money)
    (finding,) = [f for f in key_findings(features, seg, seed=1) if f.rule == "value_per_customer"]
    assert finding.segment == 1 and finding.n == 50 and finding.anchor == "segments"
    assert finding.figures["ratio"] == pytest.approx(1.5)  # 300 against everyone's 200
    assert finding.figures["low"] < 1.5 < finding.figures["high"] < 1.8
    again = key_findings(features, seg, seed=1)[0]
    assert again.figures == finding.figures  # seeded


def test_without_revenue_there_is_no_value_and_no_multichannel_finding():
    seg = _segmentation([0] * 30 + [1] * 30)
    features = _features(seg, monetary=np.zeros(60), n_channels=np.r_[np.ones(30), np.full(30, 2)])
    assert {f.rule for f in key_findings(features, seg)} <= {"least_stable"}


def test_unanswered_rule_names_the_service_reliant_segment_with_a_wilson_interval():
    seg = _segmentation([0] * 40 + [1] * 60)
    unanswered = np.r_[np.r_[np.ones(4), np.zeros(36)], np.r_[np.full(45, 2), np.zeros(15)]]
    features = _features(seg, unanswered_contacts=unanswered)
    gaps = pd.DataFrame({"segment": [0, 1], "unanswered": [4.0, 90.0]})
    gaps.attrs["status"] = "ok"
    (finding,) = [f for f in key_findings(features, seg, gaps=gaps) if f.rule == "unanswered"]
    ci = binomtest(45, 60).proportion_ci(confidence_level=0.9, method="wilson")
    assert finding.segment == 1 and finding.n == 60 and finding.anchor == "omnichannel-gaps"
    assert finding.figures["share"] == 0.75 and finding.figures["customers"] == 45
    assert finding.figures["low"] == pytest.approx(ci.low)
    assert finding.figures["high"] == pytest.approx(ci.high)
    assert finding.figures["others"] == pytest.approx(0.1) and finding.figures["contacts"] == 90
    gaps.attrs["status"] = "not_applicable"  # one channel: no gap to state
    assert not [f for f in key_findings(features, seg, gaps=gaps) if f.rule == "unanswered"]


def test_least_stable_prefers_a_first_channel_that_moves_with_the_weights():
    seg = _segmentation([0] * 30 + [1] * 70, borderline=[0.4, 0.1])
    features = _features(seg, other=np.zeros(100))
    (border,) = key_findings(features, seg)
    assert border.figures == {"kind": "borderline", "share": 0.4, "customers": 12}
    assert border.segment == 0 and border.n == 30
    plan = SimpleNamespace(
        sensitivity=pd.DataFrame(
            {
                "segment": [0, 1],
                "top": ["app", "web"],
                "stable": [False, False],
                "alternatives": [("web",), ("email", "store")],
            }
        )
    )
    (moving,) = key_findings(features, seg, plan=plan)
    assert moving.segment == 1 and moving.anchor == "channel-plan"  # the larger one
    assert moving.figures == {
        "kind": "channel",
        "channel": "web",
        "alternatives": ["email", "store"],
    }


def _plan(rows):
    return SimpleNamespace(
        table=pd.DataFrame(rows, columns=["segment", "channel", "status", "rank", "thin", "role"])
    )


def test_actions_respect_consent_and_write_private_lists_of_ids(tmp_path):
    seg = _segmentation([0] * 6 + [1] * 4)
    features = _features(
        seg,
        unanswered_contacts=[1, 0, 2, 0, 0, 0, 1, 1, 0, 0],
        consent_sms=pd.array([True, True, False, None, True, True, True, False, True, True]),
        consent_email=pd.array([True] * 10),
        interactions_sms=[1] * 10,
        interactions_email=[1] * 10,
    )
    plan = _plan(
        [
            (0, "email", "ranked", 1, False, "convert"),
            (1, "sms", "ranked", 1, True, "retain"),  # thin: no activation
            (1, "email", "ranked", 2, False, "retain"),
        ]
    )
    actions = plan_actions(features, seg, plan, output_dir=tmp_path)
    recover = actions[0]
    assert (recover.kind, recover.channel, recover.consent) == ("recover", "sms", "consent_sms")
    # P000, P002, P006, P007 have an unanswered contact; P002 and P007 refused SMS
    assert recover.customers == 2 and recover.figures["segments"] == {0: 1, 1: 1}
    listed = pd.read_csv(tmp_path / "activation" / "recover_sms.csv", dtype=str)
    assert listed["person_id"].tolist() == ["P000", "P006"]
    assert listed.columns.tolist() == ["person_id", "segment_code", "unanswered_contacts"]
    assert (tmp_path / "activation" / "recover_sms.csv").stat().st_mode & 0o077 == 0
    # segment 1's first channel ranks on thin evidence: a pilot, not a roll-out (P007 refused SMS)
    assert [(a.kind, a.segment, a.channel, a.customers) for a in actions[1:]] == [
        ("activate", 0, "email", 6),
        ("pilot", 1, "sms", 3),
    ]
    assert actions[1].file == "activation/S1_email.csv"
    assert actions[2].file == "activation/pilot_S2_sms.csv" and actions[2].figures["thin"]
    assert len(pd.read_csv(tmp_path / "activation" / "pilot_S2_sms.csv")) == 3


def test_recovery_falls_back_to_a_call_back_without_sms_or_email():
    seg = _segmentation([0] * 5 + [1] * 5)
    features = _features(seg, unanswered_contacts=[1] * 10, interactions_phone=[1] * 10)
    (recover,) = plan_actions(features, seg, _plan([]))
    assert (recover.channel, recover.consent, recover.customers, recover.file) == (
        "phone",
        None,
        10,
        "",
    )
    no_plan = SimpleNamespace(reason="no_interactions")  # a NotApplicable: nothing to act on
    assert plan_actions(features, seg, no_plan) == []


def test_main_action_is_recovery_only_where_unanswered_contacts_stand_out():
    seg = _segmentation([0] * 10 + [1] * 10)
    features = _features(seg, unanswered_contacts=[0] * 8 + [1] * 2 + [1] * 9 + [0])
    recover = Action("recover", "sms", 11, figures={"segments": {0: 2, 1: 9}})
    activate = [
        Action("activate", "app", 10, segment=s, figures={"role": "convert"}) for s in (0, 1)
    ]
    main = main_actions([recover, *activate], features, seg)
    assert main[1] is recover  # 90 % against 20 % of the others
    assert main[0] is activate[0]  # 20 %: below a quarter


def test_summary_wording_escapes_names_and_reads_in_both_languages():
    seg = _segmentation([0] * 10 + [1] * 10, names=["<b>A</b> (S1)", "B & co (S2)"])
    action = Action(
        "activate", "app", 10, segment=0, file="activation/S1_app.csv", figures={"role": "convert"}
    )
    summary = RunSummary(
        segments=[], findings=[], actions=[action], names=seg.names, codes=seg.codes
    )
    html = summary.to_html("es")
    assert "<b>A</b>" not in html and "&lt;b&gt;A&lt;/b&gt;" in html
    assert t("summary.actions", "es") in html and "activation/S1_app.csv" in html
    assert summary.action_text(action, "en") == "Reach <b>A</b> (S1) on App, to convert"
    assert summary.action_text(action, "es") == "Llegar a <b>A</b> (S1) por App, para convertir"


def test_changes_compare_personas_by_traits_and_the_first_channel_by_code(tmp_path):
    (tmp_path / "personas.json").write_text(
        json.dumps(
            [
                {"code": "S1", "name": "Comprador de app", "traits": ["channel:app"]},
                {"code": "S2", "name": "Web researcher", "traits": ["channel:web"]},
            ]
        ),
        encoding="utf-8",
    )
    pd.DataFrame(
        {"segment": [0, 1], "channel": ["app", "web"], "status": "ranked", "rank": 1}
    ).to_csv(tmp_path / "channel_plan.csv", index=False)
    drift = SimpleNamespace(
        sizes=pd.DataFrame(
            {
                "segment": ["S1", "S2"],
                "share_before": [0.5, 0.5],
                "share_after": [0.4, 0.6],
                "change_pp": [-10.0, 10.0],
            }
        )
    )
    personas = [
        SimpleNamespace(code="S1", traits=["channel:app"], name_text=lambda lang: "App buyer"),
        SimpleNamespace(code="S2", traits=["channel:email"], name_text=lambda lang: "Email fan"),
    ]
    plan = SimpleNamespace(
        table=pd.DataFrame(
            {"segment": [0, 1], "channel": ["store", "web"], "status": "ranked", "rank": 1}
        )
    )
    changes = run_changes(drift, tmp_path / "segments.csv", personas=personas, plan=plan)
    assert changes.compared == ["sizes", "personas", "plan"]
    # S1 is named in another language but on the same traits: not a change
    assert changes.personas == [{"code": "S2", "before": "Web researcher"}]
    assert changes.plan == [{"code": "S1", "before": "app", "after": "store"}]
    (tmp_path / "personas.json").unlink()
    assert run_changes(drift, tmp_path, personas=personas, plan=plan).compared == ["sizes", "plan"]

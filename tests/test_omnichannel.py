"""Omnichannel metrics: known answers, intervals, overlap, figures."""

from __future__ import annotations

import pandas as pd
import pytest

from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.features import omnichannel as om


@pytest.fixture
def features() -> pd.DataFrame:
    rows = [
        # n_channels, monetary, channels used
        (1, 10.0, {"web"}),
        (1, 30.0, {"store"}),
        (2, 50.0, {"web", "store"}),
        (3, 70.0, {"web", "email", "store"}),
        (2, 90.0, {"web", "email"}),
        (0, 0.0, set()),  # CRM customer never seen: left out
    ]
    frame = pd.DataFrame({"n_channels": [r[0] for r in rows], "monetary": [r[1] for r in rows]})
    for ch in CANONICAL_CHANNELS:
        frame[f"interactions_{ch}"] = [int(ch in r[2]) for r in rows]
    return frame


def test_multichannel_value_known_answers(features):
    s = om.multichannel_value(features, n_boot=400, random_state=1)
    assert s.loc["single", "customers"] == 2 and s.loc["multi", "customers"] == 3
    assert s.loc["single", "share"] == pytest.approx(2 / 5)
    assert s.loc["single", "mean"] == 20 and s.loc["multi", "mean"] == 70
    assert s.loc["ratio", "mean"] == pytest.approx(3.5)
    for row in ("single", "multi", "ratio"):
        assert s.loc[row, "low"] <= s.loc[row, "mean"] <= s.loc[row, "high"]
    assert s.loc["single", "low"] >= 10 and s.loc["single", "high"] <= 30
    again = om.multichannel_value(features, n_boot=400, random_state=1)
    pd.testing.assert_frame_equal(s, again)
    # the one message template of omniseg._checks (a ParameterError, still a ValueError)
    with pytest.raises(ValueError, match="'confidence' parameter of multichannel_value must be"):
        om.multichannel_value(features, confidence=1.5)


def test_channel_overlap_known_answers(features):
    o = om.channel_overlap(features)
    assert list(o.index) == ["web", "email", "store"]
    assert o.loc["web", "web"] == 1
    assert o.loc["web", "email"] == pytest.approx(2 / 4)  # 4 web users, 2 of them use email
    assert o.loc["email", "web"] == 1
    assert o.loc["store", "email"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("language", ["en", "es"])
def test_figures_and_lead(features, language):
    s = om.multichannel_value(features, n_boot=200)
    fig = om.plot_multichannel_value(s, language=language)
    assert len(fig.data[0].x) == 2 and fig.data[0].error_y.array is not None
    # values sit above the whiskers; each group's share of customers is in its axis label
    tops = [a.y for a in fig.layout.annotations]
    assert tops == pytest.approx(s.loc[["single", "multi"], "high"].tolist())
    share = "40.0% of customers" if language == "en" else "40,0\u00a0% de los clientes"
    assert share in fig.data[0].x[0]
    assert fig.layout.title.text == (
        "Multi-channel customers are worth 3.5× single-channel ones"
        if language == "en"
        else "Los clientes multicanal valen 3,5× lo que los de un solo canal"
    )
    heat = om.plot_channel_overlap(om.channel_overlap(features), language=language)
    assert heat.data[0].zmax == 1
    lead = om.multichannel_lead(s, language)
    assert ("60.0%" if language == "en" else "60,0\u00a0%") in lead

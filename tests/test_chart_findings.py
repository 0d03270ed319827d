"""Chart titles that state the finding (issue 16, item 6), on hand-made results with known
answers: the attribution chart, the number of segments, the channel overlap and the plan's
score heat map; in English and Spanish; no finding, no claim (the old title stays)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from omniseg.channels.charts import plot_attribution
from omniseg.channels.plan import ChannelPlan
from omniseg.features.omnichannel import plot_channel_overlap
from omniseg.segments.segmentation_charts import selection_figure


def test_attribution_names_the_channel_markov_credits_most():
    table = pd.DataFrame(
        {"markov": [0.2, 0.5, 0.3], "last_touch": [0.6, 0.2, 0.2]},
        index=pd.Index(["web", "store", "app"], name="channel"),
    )
    fig = plot_attribution(table, language="en")
    assert fig.layout.title.text == "Store carries the most purchases: 50.0% by Markov attribution"
    assert fig.layout.title.subtitle.text == "Share of conversions credited to each channel"
    es = plot_attribution(table, language="es").layout.title.text
    assert es == "Tienda es el canal con más compras: el 50,0\xa0% según la atribución de Markov"
    no_markov = plot_attribution(table[["last_touch"]], language="en").layout.title
    assert no_markov.text == "Share of conversions credited to each channel"
    assert not no_markov.subtitle.text


def _selection(q10: list[float], chosen: int) -> SimpleNamespace:
    ks = [2, 3, 4]
    table = pd.DataFrame(
        {
            "k": ks,
            "stability": q10,
            "stability_q10": q10,
            "silhouette": [0.3, 0.25, 0.2],
            "chosen": [k == chosen for k in ks],
        }
    )
    return SimpleNamespace(selection=table, segmenter=SimpleNamespace(min_stability=0.75))


def test_the_number_of_segments_says_which_rule_chose_it():
    fig = selection_figure(_selection([0.95, 0.81, 0.4], 3), language="en")
    assert fig.layout.title.text == (
        "3 segments: the most that come back when the model is refitted "
        "(agreement of 0.81 or more in 9 refits out of 10)"
    )
    shaky = selection_figure(_selection([0.6, 0.7, 0.4], 3), language="es")
    assert shaky.layout.title.text == (
        "Ningún número de segmentos reaparece con fiabilidad: 3 es el más estable "
        "(acuerdo de 0,70 o más en 9 de cada 10 reajustes)"
    )
    no_refits = selection_figure(_selection([np.nan] * 3, 2), language="en")
    assert not no_refits.layout.title.subtitle.text  # chosen by silhouette: no stability claim


def test_overlap_names_the_pair_used_together_most():
    overlap = pd.DataFrame(
        [[1.0, 0.3, 0.1], [0.9, 1.0, 0.2], [0.4, 0.5, 1.0]],
        index=["web", "store", "app"],
        columns=["web", "store", "app"],
    )
    fig = plot_channel_overlap(overlap, language="en")
    assert fig.layout.title.text == "90.0% of Store users also use Web"
    one = plot_channel_overlap(overlap.iloc[:1, :1], language="en")
    assert one.layout.title.text == "Channel overlap" and not one.layout.title.subtitle.text


def _plan(firsts: list[str]) -> ChannelPlan:
    rows = []
    for seg, first in enumerate(firsts):
        for channel in ("web", "store"):
            top = channel == first
            rows.append(
                {
                    "segment": seg,
                    "channel": channel,
                    "score": 1.0 if top else 0.5,
                    "rank": 1 if top else 2,
                }
            )
    return ChannelPlan(
        table=pd.DataFrame(rows), weights={}, sensitivity=pd.DataFrame(), segment_names={}
    )


def test_the_score_heat_map_says_which_channel_most_segments_put_first():
    assert _plan(["web", "web", "store"]).plot_scores("en").layout.title.text == (
        "Web comes first for 2 of 3 segments"
    )
    assert _plan(["web", "store"]).plot_scores("es").layout.title.text == (
        "Cada segmento tiene su propio primer canal"
    )
    one = _plan(["store"]).plot_scores("en").layout.title
    assert not one.subtitle.text  # one segment: nothing to compare

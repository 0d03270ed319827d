"""personas.pptx (omniseg.report.slides) on small hand-made personas and plans: the native
charts (personas at a glance, each persona's channel mix) hold the known numbers, the plan is
matched to the personas by segment number, the texts follow the report language, the file
opens."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from omniseg.report.slides import persona_deck, write_persona_slides

#: The columns of channel_plan.csv (ChannelPlan.to_csv: ``to_frame`` with ``segment`` first).
PLAN_COLUMNS = [
    "segment",
    "segment_name",
    "channel",
    "status",
    "rank",
    "score",
    "role",
    "thin",
    "reach",
    "conversion",
    "conversion_low",
    "conversion_high",
    "conversion_per_contact",
    "revenue_per_customer",
    "satisfaction",
    "survey_csat",
    "complaint_rate",
    "preference",
    "attributed_share",
    "cost_per_contact",
    "roi",
    "reason",
]


def _persona(segment, code, first_name, name, share, revenue_share, customers, **extra):
    statement = {"n": customers, "index": 120.0, "p_adjusted": None, "source": "customers"}
    return {
        "segment": segment,
        "code": code,
        "name": name,
        "first_name": first_name,
        "language": "en",
        "customers": customers,
        "share": share,
        "revenue_share": revenue_share,
        "revenue_per_customer": None,
        "median_age": 40.0,
        "signature_channel": "store",
        "traits": [],
        "nps": None,
        "who": [{"text": f"{name}: who they are", **statement}],
        "behaviour": [{"text": "4 purchases per customer", **statement}],
        "channels": [{"text": "Store: 60% of their interactions (index 150)", **statement}],
        "attitudes": [],
        "goals": ["A goal"],
        "frustrations": [],
        "themes": [],
        "quotes": ["A quote."],
        "notes": [],
        "suppressed": False,
        **extra,
    }


def _suppressed(segment, code, share, customers):
    return {
        "segment": segment,
        "code": code,
        "name": code,
        "first_name": "",
        "language": "en",
        "customers": customers,
        "share": share,
        "revenue_share": None,
        "revenue_per_customer": None,
        "median_age": None,
        "signature_channel": None,
        "traits": [],
        "nps": None,
        "who": [],
        "behaviour": [],
        "channels": [],
        "attitudes": [],
        "goals": [],
        "frustrations": [],
        "themes": [],
        "quotes": [],
        "notes": ["Fewer than 30 customers: details suppressed for privacy."],
        "suppressed": True,
    }


@pytest.fixture
def personas():
    return [
        _persona(0, "S1", "Ana", "Store loyalist", 0.6, 0.7, 600),
        _persona(1, "S2", "Ben", "App-first buyer", 0.385, 0.28, 385),
        _suppressed(2, "S3", 0.015, 15),
    ]


def _row(segment, segment_name, channel, status, rank, score, role):
    row = dict.fromkeys(PLAN_COLUMNS, np.nan)
    row.update(
        segment=segment,
        segment_name=segment_name,
        channel=channel,
        status=status,
        rank=rank,
        score=score,
        role=role,
        thin=False,
        reason="a reason",
    )
    return row


def _plan(segment_names=("Store loyalist (S1)", "App-first buyer (S2)", "S3")):
    """A plan as read back from channel_plan.csv (its segment names are display names, its
    not-in-data row has no segment, so the segment column is read as float)."""
    s1, s2, s3 = segment_names
    rows = [
        # written out of segment order: the table follows the segment numbers
        _row(1, s2, "app", "ranked", 1, 0.8, "convert"),
        _row(1, s2, "web", "ranked", 2, 0.5, "acquire"),
        _row(0, s1, "store", "ranked", 1, 0.9, "convert"),
        _row(0, s1, "web", "ranked", 2, 0.6, "serve"),
        _row(0, s1, "email", "ranked", 3, 0.4, "retain"),
        _row(0, s1, "app", "ranked", 4, 0.2, "retain"),
        _row(0, s1, "social", "untested", np.nan, np.nan, "untested"),
        _row(2, s3, "store", "ranked", 1, np.nan, "convert"),  # its only channel: no score
        _row(np.nan, np.nan, "call_center", "not_in_data", np.nan, np.nan, np.nan),
    ]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def _deck(personas, plan, language="en"):
    return persona_deck(personas, plan, title="Report", subtitle_lines=["Run 1"], language=language)


def _charts(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def _texts(slide):
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _table(slide):
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_glance_slide_charts_shares_of_the_personas_not_suppressed(personas):
    deck = _deck(personas, None)
    slides = list(deck.slides)
    assert len(slides) == 1 + 1 + 3  # title, glance, one per persona (no plan)
    glance = slides[1]
    assert _texts(glance) == ["The segments at a glance"]
    (chart,) = _charts(glance)
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    plot = chart.plots[0]
    assert list(plot.categories) == ["Ana · Store loyalist (S1)", "Ben · App-first buyer (S2)"]
    assert [s.name for s in plot.series] == ["of customers", "of revenue"]
    assert [list(s.values) for s in plot.series] == [[0.6, 0.385], [0.7, 0.28]]
    assert plot.has_data_labels
    assert plot.data_labels.number_format == "0.0%"
    assert not plot.data_labels.number_format_is_linked
    assert chart.category_axis.reverse_order  # the first persona on top
    # a native, editable chart: its numbers are in a workbook inside the deck
    assert chart.part.chart_workbook.xlsx_part is not None


def test_without_revenue_only_the_customers_series_is_drawn(personas):
    for persona in personas:
        persona["revenue_share"] = None
    (chart,) = _charts(list(_deck(personas, None).slides)[1])
    assert [s.name for s in chart.plots[0].series] == ["of customers"]
    assert list(chart.plots[0].series[0].values) == [0.6, 0.385]


def test_one_persona_without_revenue_leaves_a_gap_in_the_revenue_series(personas):
    personas[1]["revenue_share"] = None
    (chart,) = _charts(list(_deck(personas, None).slides)[1])
    assert [list(s.values) for s in chart.plots[0].series] == [[0.6, 0.385], [0.7, None]]


def test_no_glance_slide_when_every_persona_is_suppressed():
    deck = _deck([_suppressed(0, "S1", 0.5, 10), _suppressed(1, "S2", 0.5, 10)], None)
    assert len(deck.slides) == 1 + 2
    assert not [c for s in deck.slides for c in _charts(s)]


def test_persona_slides_chart_their_channel_mix_when_they_use_two_channels(personas):
    personas[0]["channel_mix"] = {"web": 0.25, "store": 0.6, "app": 0.15}
    personas[1]["channel_mix"] = {"app": 1.0}  # one channel: nothing to compare
    slides = list(_deck(personas, None).slides)
    for persona, slide in zip(personas[:2], slides[2:4], strict=True):
        assert _texts(slide)[0] == f"{persona['first_name']} · {persona['name']}\n{persona['code']}"
    assert _texts(slides[4])[0] == "S3"  # suppressed: its code, once
    assert _texts(slides[2])[1] == "60.0%\nof customers\n70.0%\nof revenue\n600\ncustomers"
    (chart,) = _charts(slides[2])
    plot = chart.plots[0]
    assert list(plot.categories) == ["Store", "Web", "App"]  # the largest share first
    assert [s.name for s in plot.series] == ["Share of its interactions"]
    assert list(plot.series[0].values) == [0.6, 0.25, 0.15]
    assert _charts(slides[3]) == [] and _charts(slides[4]) == []
    (frame,) = [s for s in slides[2].shapes if s.has_chart]
    assert frame.top + frame.height <= Inches(7.5)  # on the slide


def test_the_plan_is_matched_to_the_personas_by_segment_number(personas):
    # segment_name holds display names, one even that of another persona: only the number counts
    plan = _plan(("App-first buyer (S2)", "Store loyalist (S1)", "S3"))
    plan = pd.concat(
        [plan, pd.DataFrame([_row(7, "Night owls (S8)", "web", "ranked", 1, 1.0, "acquire")])],
        ignore_index=True,
    )
    slides = list(_deck(personas, plan).slides)
    assert len(slides) == 1 + 1 + 3 + 1
    plan_slide = slides[-1]
    assert _texts(plan_slide) == ["Channel plan"]
    assert _table(plan_slide) == [
        ["Segment", "Rank 1", "Rank 2", "Rank 3"],
        ["Ana · Store loyalist (S1)", "Store (convert)", "Web (serve)", "Email (retain)"],
        ["Ben · App-first buyer (S2)", "App (convert)", "Web (acquire)", ""],
        ["S3", "Store (convert)", "", ""],
        ["Night owls (S8)", "Web (acquire)", "", ""],  # no persona: its segment_name
    ]


def test_the_plan_read_from_its_csv_maps_the_same(tmp_path, personas):
    path = tmp_path / "channel_plan.csv"
    _plan().set_index("segment").to_csv(path)
    plan = pd.read_csv(path)
    assert plan["segment"].dtype == "float64"  # the not-in-data row has no segment
    rows = _table(list(_deck(personas, plan).slides)[-1])
    assert [r[0] for r in rows[1:]] == [
        "Ana · Store loyalist (S1)",
        "Ben · App-first buyer (S2)",
        "S3",
    ]


def test_a_plan_without_scores_still_has_its_table(personas):
    plan = _plan().drop(columns="score")
    slides = list(_deck(personas, plan).slides)
    assert len(slides) == 1 + 1 + 3 + 1
    assert _charts(slides[-1]) == []
    assert _table(slides[-1])[1][0] == "Ana · Store loyalist (S1)"


def test_the_deck_is_in_spanish_when_the_report_is(personas):
    slides = list(_deck(personas, _plan(), language="es").slides)
    glance, plan_slide = slides[1], slides[-1]
    assert _texts(glance) == ["Los segmentos de un vistazo"]
    (chart,) = _charts(glance)
    assert [s.name for s in chart.plots[0].series] == ["de los clientes", "de los ingresos"]
    assert _texts(slides[2])[1] == (
        "60,0\xa0%\nde los clientes\n70,0\xa0%\nde los ingresos\n600\nclientes"
    )
    assert _texts(plan_slide) == ["Plan de canales"]
    assert _table(plan_slide)[:2] == [
        ["Segmento", "Puesto 1", "Puesto 2", "Puesto 3"],
        [
            "Ana · Store loyalist (S1)",
            "Tienda (convertir)",
            "Web (atender)",
            "Correo electrónico (fidelizar)",
        ],
    ]
    assert _charts(plan_slide) == []  # the plan's scores are not charted (about 1 each)


def test_the_written_file_opens_with_its_charts(tmp_path, personas):
    (tmp_path / "personas.json").write_text(
        json.dumps(personas, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    _plan().set_index("segment").to_csv(tmp_path / "channel_plan.csv")
    path = write_persona_slides(
        tmp_path, title="Customer report", subtitle_lines=["Run 1"], language="en"
    )
    assert path == tmp_path / "personas.pptx"
    deck = Presentation(str(path))
    assert deck.slide_width == Inches(13.333)
    slides = list(deck.slides)
    assert len(slides) == 1 + 1 + 3 + 1
    (glance,) = _charts(slides[1])
    assert [list(s.values) for s in glance.plots[0].series] == [[0.6, 0.385], [0.7, 0.28]]
    with zipfile.ZipFile(path) as pptx:
        names = pptx.namelist()
    assert sum(n.startswith("ppt/charts/chart") for n in names) == 1
    assert sum(n.startswith("ppt/embeddings/") for n in names) == 1  # editable in PowerPoint
    assert not [n for n in names if n.startswith("ppt/media/")]  # no picture of a chart


def test_no_personas_json_writes_nothing(tmp_path):
    assert write_persona_slides(tmp_path, title="Report", subtitle_lines=[], language="en") is None
    assert not (tmp_path / "personas.pptx").exists()

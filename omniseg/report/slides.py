"""``personas.pptx``: the run's personas as slides, for the teams that pass personas around.

Made by the report run from what it has written (``personas.json``, ``channel_plan.csv``), in
the report language: a title slide; "the segments at a glance", a bar chart of each persona's
share of customers and, when the data has revenue, of revenue (suppressed personas are left
out); one slide per persona card (its name and code, its share of customers and of revenue, who
they are, how they buy, their channels, goals, frustrations and quotes, as on the card, and a
bar chart of its channel mix when it uses two channels or more) and a channel-plan slide (each
persona's first three channels and their roles, matched to the personas by segment number).

The charts are native PowerPoint charts (their numbers are in the deck, editable in
PowerPoint; nothing is rendered to an image and nothing is fetched): shares are fractions shown
with the ``0.0%`` number format (PowerPoint writes the decimal sign of the reader's locale).
The plan's scores are not charted: each segment's first channel scores about 1 by
construction (every component is divided by the segment's best channel), so the bars would
all look alike.

Text goes into the slides as text (python-pptx writes it as escaped XML: nothing in a persona
statement or a quote is read as markup), and the deck holds only what the report shows: no
identifier of any customer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from omniseg.atomic import atomic_write
from omniseg.report.i18n import channel_label, format_number, format_percent, t

__all__ = ["persona_deck", "write_persona_slides"]

#: How many statements of each part of a card fit on its slide.
_ITEMS = {"who": 4, "behaviour": 3, "channels": 3, "goals": 2, "frustrations": 2, "quotes": 3}

_ACCENT = (0x1F, 0x6F, 0x8B)
_INK = (0x17, 0x32, 0x3F)
_MUTED = (0x5F, 0x6B, 0x73)

#: Number format of the charts' shares (an Excel code: PowerPoint shows the reader's decimal sign).
_SHARE_FORMAT = "0.0%"
#: The plan slide's table: top and row height (inches), as drawn by :func:`_plan_slide`.
_TABLE_TOP, _TABLE_ROW = 1.3, 0.5


def _text(slide: Any, box: tuple[float, float, float, float], paragraphs: list[tuple]) -> None:
    """A text box at ``box`` (left, top, width, height in inches) holding ``paragraphs``, each
    ``(text, size_pt, bold, colour, italic)``."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    frame = slide.shapes.add_textbox(*(Inches(v) for v in box)).text_frame
    frame.word_wrap = True
    for i, (text, size, bold, colour, italic) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = str(text)
        run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
        run.font.color.rgb = RGBColor(*colour)


def _part(persona: dict, key: str, language: str) -> list[tuple]:
    items = persona.get(key) or []
    if not items:
        return []
    texts = [item["text"] if isinstance(item, dict) else str(item) for item in items]
    texts = texts[: _ITEMS[key]]
    if key == "quotes":
        lines = [(f"“{q}”", 12, False, _INK, True) for q in texts]
    else:
        lines = [(f"• {s}", 12, False, _INK, False) for s in texts]
    return [
        (t(f"personas.{key}", language), 13, True, _ACCENT, False),
        *lines,
        ("", 6, False, _INK, False),
    ]


def _persona_name(persona: dict) -> str:
    """``"{first_name} · {name}"`` (the code alone for a suppressed persona)."""
    if not persona.get("first_name"):
        return str(persona["code"])
    return f"{persona['first_name']} · {persona['name']}"


def _persona_label(persona: dict) -> str:
    """``"{first_name} · {name} ({code})"``: a persona in a table or on a chart's axis (its
    code alone when suppressed)."""
    display = persona.get("display_name") or f"{persona['name']} ({persona['code']})"
    if not persona.get("first_name"):
        return str(persona["code"])
    return f"{persona['first_name']} · {display}"


def _bar_chart(
    slide: Any,
    box: tuple[float, float, float, float],
    categories: list[str],
    series: list[tuple[str, list[float | None], tuple[int, int, int]]],
    number_format: str,
) -> Any:
    """A native clustered bar chart at ``box`` (inches): one bar per category and series
    (``(name, values, colour)``; a None value draws no bar), first category on top, values
    as data labels in ``number_format``, a legend under the plot. Returns the chart."""
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    data = CategoryChartData(number_format=number_format)
    data.categories = categories
    for name, values, _ in series:
        data.add_series(name, values, number_format)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, *(Inches(v) for v in box), data
    ).chart
    chart.has_title = False  # the slide says what the chart shows
    chart.font.size = Pt(12)
    chart.font.color.rgb = RGBColor(*_INK)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.category_axis.reverse_order = True  # the first persona on top, as in the tables
    chart.category_axis.has_major_gridlines = False
    chart.value_axis.visible = False  # the data labels carry the values
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.minimum_scale = 0
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 60, 0
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = number_format, False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(11)
    for drawn, (_, _, colour) in zip(plot.series, series, strict=True):
        drawn.format.fill.solid()
        drawn.format.fill.fore_color.rgb = RGBColor(*colour)
    return chart


def _glance_slide(deck: Any, personas: list[dict], language: str) -> None:
    """Each persona's share of customers and (when any has one) of revenue, as bars; suppressed
    personas are left out (no slide when none is left)."""
    shown = [p for p in personas if not p.get("suppressed")]
    if not shown:
        return
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, (0.5, 0.3, 12.3, 0.8), [(t("slides.glance", language), 28, True, _INK, False)])
    series = [(t("personas.of_customers", language), [p["share"] for p in shown], _ACCENT)]
    revenue = [p.get("revenue_share") for p in shown]
    if any(v is not None for v in revenue):
        series.append((t("personas.of_revenue", language), revenue, _MUTED))
    _bar_chart(
        slide, (0.5, 1.3, 12.3, 5.8), [_persona_label(p) for p in shown], series, _SHARE_FORMAT
    )


def _persona_slide(deck: Any, persona: dict, language: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    _text(slide, (0.5, 0.3, 12.3, 0.9), [
        (_persona_name(persona), 28, True, _INK, False),
        *([(persona["code"], 12, False, _MUTED, False)] if persona.get("first_name") else []),
    ])  # fmt: skip
    figures = [(format_percent(persona["share"], language), t("personas.of_customers", language))]
    if persona.get("revenue_share") is not None:
        share = format_percent(persona["revenue_share"], language)
        figures.append((share, t("personas.of_revenue", language)))
    figures.append(
        (format_number(persona["customers"], language), t("personas.customers", language))
    )
    numbers = []
    for value, label in figures:
        numbers += [(value, 30, True, _ACCENT, False), (label, 12, False, _MUTED, False)]
    _text(slide, (0.5, 1.5, 2.6, 3.0), numbers)
    mix = persona.get("channel_mix") or {}
    if len(mix) >= 2:  # one channel: nothing to compare
        order = sorted(mix, key=lambda ch: (-mix[ch], ch))
        _bar_chart(
            slide,
            (0.3, 4.5, 3.0, 2.8),
            [channel_label(ch, language) for ch in order],
            [(t("slides.channel_mix", language), [mix[ch] for ch in order], _ACCENT)],
            _SHARE_FORMAT,
        )
    _text(slide, (3.3, 1.5, 5.0, 5.7), [
        *_part(persona, "who", language),
        *_part(persona, "behaviour", language),
        *_part(persona, "channels", language),
    ])  # fmt: skip
    _text(slide, (8.6, 1.5, 4.3, 5.7), [
        *_part(persona, "quotes", language),
        *_part(persona, "goals", language),
        *_part(persona, "frustrations", language),
    ])  # fmt: skip


def _segment_label(segment: Any, part: pd.DataFrame, by_segment: dict[int, dict]) -> str:
    """The persona of plan segment ``segment`` (its ``segment_name`` when no persona has it)."""
    persona = by_segment.get(int(segment))
    if persona is not None:
        return _persona_label(persona)
    if "segment_name" in part and part["segment_name"].notna().any():
        return str(part["segment_name"].dropna().iloc[0])
    return str(int(segment))


def _plan_slide(deck: Any, plan: pd.DataFrame, personas: list[dict], language: str) -> None:
    """The plan's table: each segment's first three channels and roles, named by persona."""
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, (0.5, 0.3, 12.3, 0.8), [(t("channels.title", language), 28, True, _INK, False)])
    by_segment = {int(p["segment"]): p for p in personas if p.get("segment") is not None}
    ranked = plan[(plan["status"] == "ranked") & (plan["rank"] <= 3)].sort_values(
        ["segment", "rank"]
    )
    rows = [
        (_segment_label(segment, part, by_segment), part)
        for segment, part in ranked.groupby("segment", sort=False)
    ]
    header = [t("channels.segment", language)] + [
        f"{t('channels.rank', language)} {i}" for i in (1, 2, 3)
    ]
    cells = [header] + [
        [label]
        + [
            f"{channel_label(r.channel, language)} ({t(f'channels.role.{r.role}', language)})"
            for r in part.itertuples()
        ]
        for label, part in rows
    ]
    table = slide.shapes.add_table(
        len(cells),
        4,
        Inches(0.5),
        Inches(_TABLE_TOP),
        Inches(12.3),
        Inches(_TABLE_ROW * len(cells)),
    ).table
    for i, row in enumerate(cells):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(13)


def persona_deck(
    personas: list[dict],
    plan: pd.DataFrame | None,
    *,
    title: str,
    subtitle_lines: Sequence[str],
    language: str,
) -> Any:
    """The deck (a ``pptx.Presentation``): title slide, the personas at a glance (a chart),
    one slide per persona, the plan (with a chart of its scores, on its own slide when it does
    not fit under the table).

    Parameters
    ----------
    personas : list of dict
        ``personas.json`` as written by the run (statements in the report language).
    plan : DataFrame or None
        ``channel_plan.csv`` (segment numbers, channels, ranks, scores, roles), matched to the
        personas by ``segment``; None: no plan slide.
    title, subtitle_lines : str, sequence of str
        The report's title and the lines under it.
    language : {"en", "es"}
    """
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)  # 16:9
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = title
    cover.placeholders[1].text = "\n".join(subtitle_lines)
    _glance_slide(deck, personas, language)
    for persona in personas:
        _persona_slide(deck, persona, language)
    if plan is not None and len(plan) and (plan["status"] == "ranked").any():
        _plan_slide(deck, plan, personas, language)
    return deck


def write_persona_slides(
    run_dir: Path, *, title: str, subtitle_lines: Sequence[str], language: str
) -> Path | None:
    """Write ``run_dir/personas.pptx`` atomically from the run's personas and plan.

    Returns
    -------
    Path or None
        The file, or None when the run has no personas (no ``personas.json``).
    """
    source = run_dir / "personas.json"
    if not source.is_file():
        return None
    personas = json.loads(source.read_text(encoding="utf-8"))
    plan_file = run_dir / "channel_plan.csv"
    plan = pd.read_csv(plan_file) if plan_file.is_file() else None
    deck = persona_deck(
        personas, plan, title=title, subtitle_lines=subtitle_lines, language=language
    )
    return atomic_write(run_dir / "personas.pptx", deck.save)

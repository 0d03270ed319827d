"""``personas.pptx``: the run's personas as slides, for the teams that pass personas around.

Made by the report run from what it has written (``personas.json``, ``channel_plan.csv``), in
the report language: a title slide, one slide per persona card (its name and code, its share of
customers and of revenue, who they are, how they buy, their channels, goals, frustrations and
quotes, as on the card) and a channel-plan slide (each persona's first three channels and their
roles). Text goes into the slides as text (python-pptx writes it as escaped XML: nothing in a
persona statement or a quote is read as markup), and the deck holds only what the report shows:
no identifier of any customer. Charts are not in the deck yet.
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
    return f"{persona['first_name']} · {persona['name']}"


def _persona_slide(deck: Any, persona: dict, language: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    _text(slide, (0.5, 0.3, 12.3, 0.9), [
        (_persona_name(persona), 28, True, _INK, False),
        (persona["code"], 12, False, _MUTED, False),
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
    _text(slide, (0.5, 1.5, 2.6, 5.5), numbers)
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


def _plan_slide(deck: Any, plan: pd.DataFrame, personas: list[dict], language: str) -> None:
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, (0.5, 0.3, 12.3, 0.8), [(t("channels.title", language), 28, True, _INK, False)])
    names = {p["code"]: f"{_persona_name(p)} ({p['code']})" for p in personas}
    ranked = plan[(plan["status"] == "ranked") & (plan["rank"] <= 3)].sort_values(
        ["segment", "rank"]
    )
    rows = list(ranked.groupby("segment_name", sort=False))
    table = slide.shapes.add_table(
        len(rows) + 1, 4, Inches(0.5), Inches(1.3), Inches(12.3), Inches(0.5 * (len(rows) + 1))
    ).table
    header = [t("channels.segment", language)] + [
        f"{t('channels.rank', language)} {i}" for i in (1, 2, 3)
    ]
    for j, text in enumerate(header):
        table.cell(0, j).text = text
    for i, (code, part) in enumerate(rows, start=1):
        table.cell(i, 0).text = names.get(code, str(code))
        for j, r in enumerate(part.itertuples(), start=1):
            role = t(f"channels.role.{r.role}", language)
            table.cell(i, j).text = f"{channel_label(r.channel, language)} ({role})"
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
    """The deck (a ``pptx.Presentation``): title slide, one slide per persona, the plan.

    Parameters
    ----------
    personas : list of dict
        ``personas.json`` as written by the run (statements in the report language).
    plan : DataFrame or None
        ``channel_plan.csv`` (codes, ranks, roles); None: no plan slide.
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

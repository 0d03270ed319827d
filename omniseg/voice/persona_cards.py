"""Persona output: HTML cards, a comparison table, ``personas.json`` and the report section.

:func:`persona_cards_html` renders the cards (jinja2 with autoescape, template
``omniseg/report/templates/persona_cards.html.j2``), :func:`personas_table` compares the personas
side by side, :func:`write_personas_json` writes them to a file and :func:`report_personas` builds
the whole personas section of the report from the run's inputs. Personas are computed without a
language; each of these words them in the ``language`` it is given.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from omniseg.atomic import atomic_write_text
from omniseg.report.i18n import (
    channel_label,
    check_language,
    format_money,
    format_number,
    format_percent,
)
from omniseg.report.templating import render
from omniseg.voice.persona_model import Persona, _t, _texts, _word
from omniseg.voice.personas import build_personas

__all__ = ["persona_cards_html", "personas_table", "report_personas", "write_personas_json"]


# ---------------------------------------------------------------------- output


def persona_cards_html(personas: Sequence[Persona], language: str = "en") -> str:
    """Persona cards as one HTML fragment (jinja2 with autoescape: every text is escaped).

    Parameters
    ----------
    personas : list of Persona
    language : {"en", "es"}
        The language of the cards.

    Returns
    -------
    str
    """
    from omniseg.segments.segmentation_charts import SEGMENT_COLORS

    language = check_language(language)
    if not personas:
        return ""
    return render(
        "persona_cards.html.j2",
        personas=personas,
        language=language,
        colors=SEGMENT_COLORS,
        text=_texts(language),
        fmt_pct=lambda v: "–" if v is None else format_percent(v, language),
        fmt_num=lambda v: format_number(v, language),
    )


def personas_table(personas: Sequence[Persona], language: str = "en") -> pd.DataFrame:
    """A comparison table of all personas (suppressed ones show their size only).

    Parameters
    ----------
    personas : list of Persona
    language : {"en", "es"}
        The language of the headers and cells.

    Returns
    -------
    DataFrame
    """
    lang = check_language(language)
    if not personas:
        return pd.DataFrame()
    rows = []
    for p in personas:
        rows.append(
            {
                _t("segment_col", lang): p.code,
                _t("name_col", lang): ""
                if p.suppressed
                else f"{p.first_name_text(lang)} · {p.name_text(lang)}",
                _t("customers", lang).capitalize(): format_number(p.customers, lang),
                _t("of_customers", lang): format_percent(p.share, lang),
                _t("of_revenue", lang): "–"
                if p.revenue_share is None
                else format_percent(p.revenue_share, lang),
                _t("rpc_col", lang): "–"
                if p.revenue_per_customer is None
                else format_money(p.revenue_per_customer, lang),
                _t("age_col", lang): "–"
                if p.median_age is None
                else format_number(p.median_age, lang),
                _t("main_channel_col", lang): "–"
                if p.signature_channel is None
                else channel_label(p.signature_channel, lang),
                _t("nps_col", lang): "–" if p.nps is None else format_number(p.nps, lang),
                _t("theme_col", lang): _word(p.themes[0], lang) if p.themes else "–",
            }
        )
    table = pd.DataFrame(rows)
    # a column no persona has a figure for (no revenue, no age, one channel, no survey) says
    # nothing: left out, the data limits say why
    empty = [c for c in table.columns[2:] if (table[c] == "–").all()]
    return table.drop(columns=empty)


def write_personas_json(
    personas: Sequence[Persona], path: str | Path, language: str = "en"
) -> Path:
    """Write ``personas.json`` atomically, its names and statements in ``language``.

    Parameters
    ----------
    personas : list of Persona
    path : path
    language : {"en", "es"}

    Returns
    -------
    Path
    """
    language = check_language(language)
    return atomic_write_text(
        path,
        json.dumps([p.to_dict(language) for p in personas], ensure_ascii=False, indent=2) + "\n",
    )


def report_personas(
    data: Any,
    features: pd.DataFrame,
    segmentation: Any,
    *,
    language: str = "en",
    seed: int = 0,
    output_dir: str | Path | None = None,
    theme_settings: dict | None = None,
) -> tuple[list[Persona], Any]:
    """The personas step of a report run: link survey and interviews, build, write JSON.

    The personas are computed without a language; ``language`` is that of ``personas.json``.

    Survey respondents are placed in segments through their ``customer_id`` and, for those
    not linked to a customer, with the segmentation's typing tool; interviews likewise (see
    :func:`omniseg.voice.link_respondents` and :func:`omniseg.voice.link_interviews`).
    Survey figures are weighted to the customer base
    (:func:`omniseg.voice.report_survey_weights`).
    With ``output_dir``, ``personas.json`` is written there.

    Parameters
    ----------
    data : omniseg.ingest.CustomerData
    features : DataFrame
    segmentation : omniseg.segments.Segmentation
    language : {"en", "es"}
        The language of ``personas.json``.
    seed : int
    output_dir : path, optional
    theme_settings : dict, optional
        The run's ``themes:`` settings (``n_themes``, ``extra_stop_words``, ``codebook``),
        passed to :func:`omniseg.voice.extract_themes`.

    Returns
    -------
    personas : list of Persona
    themes : omniseg.voice.InterviewThemes or None
        The interview themes the personas quote (None without interviews).
    """
    language = check_language(language)
    survey = getattr(data, "survey", None)
    codebook = getattr(data, "codebook", None)
    if segmentation.typing_tool is None:  # places respondents and interviewees without an id
        from omniseg.segments.segment_inputs import fit_typing_tool

        segmentation.typing_tool = fit_typing_tool(
            features,
            segmentation.labels.to_numpy(),
            segmentation.names,
            basis=getattr(getattr(segmentation, "segmenter", None), "basis_", None),
            seed=seed,
        )
    respondent_segments, survey_links = None, None
    if survey is not None and codebook is not None:
        from omniseg.voice.respondents import link_respondents

        survey_links = link_respondents(
            survey, segmentation.labels, typing_tool=segmentation.typing_tool
        )
        respondent_segments = survey_links.set_index("respondent_id")["segment"].dropna()
    themes, interview_segments = None, None
    interviews = getattr(data, "interviews", None)
    if interviews is not None and len(interviews):
        from omniseg.voice.interviews import link_interviews
        from omniseg.voice.themes import extract_themes

        # where interviewees live is not what they talk about: places are not theme words
        places = [
            str(v)
            for col in ("city", "region")
            if col in getattr(data, "customers", pd.DataFrame()).columns
            for v in data.customers[col].dropna().unique()
        ]
        ts = dict(theme_settings or {})
        config = (
            {"extra_stop_words": tuple(ts["extra_stop_words"])}
            if ts.get("extra_stop_words")
            else None
        )
        themes = extract_themes(
            interviews,
            random_state=seed,
            exclude_terms=places,
            n_themes=ts.get("n_themes"),
            codebook=ts.get("codebook"),
            config=config,
        )
        links = link_interviews(
            interviews,
            segmentation.labels,
            respondent_segments=respondent_segments,
            typing_tool=segmentation.typing_tool,
        )
        interview_segments = links.set_index("interview_id")["segment"].dropna()
    from omniseg.voice.survey_weights import report_survey_weights

    weighting = report_survey_weights(data, features, segmentation, links=survey_links)
    personas = build_personas(
        segmentation,
        features,
        survey=survey,
        codebook=codebook,
        respondent_segments=respondent_segments,
        themes=themes,
        interview_segments=interview_segments,
        survey_weights=None if weighting is None else weighting.weights,
    )
    if output_dir:
        write_personas_json(personas, Path(output_dir) / "personas.json", language)
    return personas, themes

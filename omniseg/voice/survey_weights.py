"""Weighting survey respondents to the customer base, for the report's survey figures.

Who answers a survey is not a random draw of the customers: in the demo, promotion hunters
answer one invitation in five and call-centre customers one in eight. Unweighted, every "all
respondents" figure (the average a persona's attitudes are compared with, everyone's NPS) leans
toward the segments that answer most. :func:`weight_to_customers` rakes the respondents placed in
a segment (:func:`omniseg.voice.link_respondents`) to the customer base the report describes:
the segment sizes of the run's segmentation and, where the survey and the customer table both
have them, age band, gender and region (:func:`omniseg.voice.rake`, with its trimming). The
personas and the channel plan of a report run use these weights; the report shows who answered
against who the customers are (:meth:`SurveyWeighting.plot`) and what the weighting cost
(effective sample size).

A variable is used only where it can be used honestly, and the report says why one was not:
respondents with a missing value, or a survey category the customer table does not have (a
spelling difference, say), leave that variable out; customer categories nobody answered from
(a small region) cannot be represented, so their share is spread over the others.

See ``docs/survey.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omniseg.atomic import atomic_write_text
from omniseg.config.vocabulary import normalise_genders
from omniseg.errors import ParameterError
from omniseg.report.chart_style import chart_layout
from omniseg.report.i18n import check_language, format_percent, t
from omniseg.report.templating import render
from omniseg.voice.margins import age_band
from omniseg.voice.weighting import RakingResult, rake

__all__ = ["MIN_RESPONDENTS", "SurveyWeighting", "report_survey_weights", "weight_to_customers"]

#: Fewest respondents placed in a segment for the survey to be weighted at all.
MIN_RESPONDENTS = 20
#: The customer-table column each survey variable is compared with (age -> its band).
_POPULATION_COLUMN = {"age_band": "age", "gender": "gender", "region": "region"}


@dataclass
class SurveyWeighting:
    """Weights of the survey's respondents, and how the respondents compare with the customers.

    Attributes
    ----------
    weights : Series
        One weight per survey row (the survey's index): mean 1 over the weighted respondents,
        ``NaN`` for respondents not placed in a segment (they are left out of weighted figures).
        All ones (placed respondents) when the survey could not be weighted.
    result : RakingResult or None
        The raking, ``None`` when the survey was not weighted (see ``notes``).
    mix : DataFrame
        One row per segment: ``segment``, ``name``, ``customers`` (share of the customer base),
        ``respondents`` (number placed in it), ``respondent_share`` (unweighted) and
        ``weighted_share``.
    variables : list of str
        The raking variables used (``segment`` first).
    notes : list of (key, fields)
        Why a variable or category was left out, as :func:`omniseg.report.i18n.t` keys and fields.
    """

    weights: pd.Series
    result: RakingResult | None
    mix: pd.DataFrame
    variables: list[str]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def weighted(self) -> bool:
        """Whether the respondents were weighted (else every placed respondent counts 1)."""
        return self.result is not None

    def summary_text(self, language: str = "en") -> str:
        """One sentence: what the weights correct and what they cost."""
        language = check_language(language)
        if self.result is None:
            return t("survey_weights.unweighted", language)
        names = ", ".join(_variable_label(v, language) for v in self.variables)
        return (
            t("survey_weights.summary", language, variables=names)
            + " "
            + (self.result.summary_text(language))
        )

    def note_texts(self, language: str = "en") -> list[str]:
        """The notes as sentences in ``language``."""
        language = check_language(language)
        out = []
        for key, fields in self.notes:
            values = dict(fields)
            if "variable" in values:
                values["variable"] = _variable_label(values["variable"], language)
            if "share" in values:
                values["share"] = format_percent(values["share"], language)
            out.append(t(key, language, **values))
        return out

    def to_html(self, language: str = "en") -> str:
        """The summary, the notes and (folded) the targets-vs-achieved table; all escaped."""
        language = check_language(language)
        table = None
        if self.result is not None:
            variables = {v: _variable_label(v, language) for v in self.variables}
            segments = {("segment", str(r.segment)): str(r.name) for r in self.mix.itertuples()}
            table = self.result.table_html(
                language, variable_labels=variables, category_labels=segments
            )
        return render(
            "survey_weights.html.j2",
            summary=self.summary_text(language),
            notes=self.note_texts(language),
            details=t("survey_weights.details", language),
            table=table,
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the run folder (JSON-safe; no respondent-level weights)."""
        return {
            "weighted": self.weighted,
            "variables": list(self.variables),
            "notes": [{"key": k, **{f: str(v) for f, v in d.items()}} for k, d in self.notes],
            "mix": [
                {
                    "segment": int(r.segment),
                    "name": str(r.name),
                    "customers": float(r.customers),
                    "respondents": int(r.respondents),
                    "respondent_share": float(r.respondent_share),
                    "weighted_share": float(r.weighted_share),
                }
                for r in self.mix.itertuples(index=False)
            ],
            "raking": None if self.result is None else self.result.to_dict(),
        }

    def plot(self, language: str = "en") -> Any:
        """Share of customers, of respondents and of weighted respondents per segment (bars)."""
        import plotly.graph_objects as go

        language = check_language(language)
        mix = self.mix
        fig = go.Figure()
        series = [("customers", "#4c6a92"), ("respondent_share", "#d08c3f")]
        if self.weighted:
            series.append(("weighted_share", "#6a9a58"))
        for column, colour in series:
            values = mix[column].to_numpy(dtype="float64")
            fig.add_bar(
                x=mix["name"].astype(str).tolist(),
                y=values,
                name=t(f"survey_weights.bar.{column}", language),
                marker_color=colour,
                text=[format_percent(v, language) for v in values],
                textposition="outside",
                hovertemplate="%{x}: %{text}<extra></extra>",
            )
        fig.update_layout(
            **chart_layout(language),
            barmode="group",
            title=t("survey_weights.plot_title", language),
            yaxis={"tickformat": ".0%", "title": t("survey_weights.share", language)},
            legend={"orientation": "h", "y": -0.2},
            margin={"t": 60, "b": 40},
            height=420,
        )
        return fig


def _variable_label(variable: str, language: str) -> str:
    """A raking variable's name for readers (``age_band`` -> "age band"); others as they are."""
    try:
        return t(f"survey_weights.var.{variable}", language)
    except KeyError:
        return variable.replace("_", " ")


def _population(features: pd.DataFrame, variable: str) -> pd.Series | None:
    column = _POPULATION_COLUMN.get(variable, variable)
    if column not in features:
        return None
    return _categories(variable, features[column])


def _categories(variable: str, values: pd.Series) -> pd.Series:
    """Comparable categories: ages banded, genders canonical (``F``, ``Mujer`` -> ``female``)."""
    if variable == "age_band" and not (
        pd.api.types.is_string_dtype(values) or values.dtype == object
    ):
        return age_band(values)
    if variable == "gender":
        return normalise_genders(values)
    return values.astype("string").str.strip()


def weight_to_customers(
    survey: pd.DataFrame,
    features: pd.DataFrame,
    customer_segments: pd.Series,
    respondent_segments: pd.Series | pd.DataFrame,
    *,
    variables: Sequence[str] = ("age_band", "gender", "region"),
    trim: tuple[float, float] | None = (0.2, 5.0),
    segment_names: Mapping[int, str] | Sequence[str] | None = None,
    min_respondents: int = MIN_RESPONDENTS,
) -> SurveyWeighting:
    """Rake the survey's respondents to the customer base: segment sizes and demographics.

    Parameters
    ----------
    survey : DataFrame
        The survey (one row per respondent), with any of ``variables`` as columns.
    features : DataFrame
        The customer table the segmentation describes (index = person id), with ``age``
        (banded like the survey's ``age_band``), ``gender`` and ``region`` when present.
    customer_segments : Series
        Segment of each customer (index = person id): the segmentation's ``labels``.
    respondent_segments : Series or DataFrame
        Segment of each respondent, on the survey's index (missing = not placed), or the
        output of :func:`omniseg.voice.link_respondents`.
    variables : sequence of str
        Survey columns to rake on besides the segment; each is compared with the customer
        table's column (``age_band`` with ``age``).
    trim : (float, float) or None
        Weight bounds relative to the mean weight (:func:`omniseg.voice.rake`).
    segment_names : mapping or sequence, optional
        Display name of each segment code (default ``S1``, ``S2``, ...).
    min_respondents : int, default :data:`MIN_RESPONDENTS`
        Fewer respondents placed in a segment than this: no weighting (every placed respondent
        counts 1, and a note says why).

    Returns
    -------
    SurveyWeighting

    Raises
    ------
    ParameterError
        The inputs are not DataFrames/Series, or the segments are not aligned with the survey.

    Examples
    --------
    Three respondents from segment 0, one from segment 1, and a customer base split 50/50:

    >>> features = pd.DataFrame(index=["a", "b", "c", "d"])
    >>> labels = pd.Series([0, 0, 1, 1], index=features.index)
    >>> survey = pd.DataFrame({"respondent_id": ["r1", "r2", "r3", "r4"]})
    >>> placed = pd.Series([0, 0, 0, 1])
    >>> w = weight_to_customers(
    ...     survey, features, labels, placed, variables=(), trim=None, min_respondents=1
    ... )
    >>> w.weights.round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    for name, value, kind in (
        ("survey", survey, pd.DataFrame),
        ("features", features, pd.DataFrame),
        ("customer_segments", customer_segments, pd.Series),
    ):
        if not isinstance(value, kind):
            raise ParameterError(
                f"The '{name}' parameter of weight_to_customers must be a pandas "
                f"{kind.__name__}. Got {type(value).__name__} instead."
            )
    if isinstance(respondent_segments, pd.DataFrame):
        if "segment" not in respondent_segments:
            raise ParameterError(
                "The 'respondent_segments' DataFrame of weight_to_customers needs a 'segment' "
                "column (as omniseg.voice.link_respondents returns)."
            )
        respondent_segments = respondent_segments["segment"]
    if not isinstance(respondent_segments, pd.Series) or not respondent_segments.index.equals(
        survey.index
    ):
        raise ParameterError(
            "The 'respondent_segments' parameter of weight_to_customers must be a Series on the "
            "survey's index (one segment per survey row, missing = not placed), or the output of "
            "omniseg.voice.link_respondents."
        )
    try:
        labels = customer_segments.dropna().astype("int64")
    except (TypeError, ValueError):
        raise ParameterError(
            "The 'customer_segments' parameter of weight_to_customers must hold integer segment "
            "codes (the segmentation's labels: 0, 1, ...)."
        ) from None
    codes = sorted(labels.unique().tolist())
    if isinstance(segment_names, Mapping):
        names = {c: str(segment_names.get(c, f"S{c + 1}")) for c in codes}
    elif segment_names is not None:
        names = {c: str(segment_names[c]) if c < len(segment_names) else f"S{c + 1}" for c in codes}
    else:
        names = {c: f"S{c + 1}" for c in codes}
    seg = pd.to_numeric(respondent_segments, errors="coerce")
    placed = seg.notna() & seg.isin(codes)
    sample = pd.DataFrame({"segment": seg[placed].astype("int64")}, index=survey.index[placed])
    base_share = labels.value_counts(normalize=True).reindex(codes, fill_value=0.0)
    notes: list[tuple[str, dict[str, Any]]] = []
    margins: dict[str, pd.Series] = {}
    used = ["segment"]

    counts = sample["segment"].value_counts().reindex(codes, fill_value=0)
    empty = [names[c] for c in codes if counts[c] == 0]
    if empty:
        notes.append(
            ("survey_weights.no_respondents", {"categories": ", ".join(empty), "n": len(empty)})
        )
    present = base_share[counts > 0]
    if len(present):
        margins["segment"] = present / present.sum()

    for variable in variables:
        if variable not in survey.columns:
            continue
        population = _population(features, variable)
        if population is None:
            continue
        values = _categories(variable, survey.loc[placed, variable])
        if values.isna().any():
            notes.append(
                ("survey_weights.missing", {"variable": variable, "n": int(values.isna().sum())})
            )
            continue
        shares = population.dropna().value_counts(normalize=True)
        if shares.empty:
            continue
        foreign = sorted(set(values.unique()) - set(shares.index))
        if foreign:
            notes.append(
                (
                    "survey_weights.foreign",
                    {"variable": variable, "categories": ", ".join(map(str, foreign[:5]))},
                )
            )
            continue
        answered = shares[shares.index.isin(set(values.unique()))]
        unanswered = sorted(set(shares.index) - set(answered.index))
        if unanswered:
            notes.append(
                (
                    "survey_weights.unrepresented",
                    {
                        "variable": variable,
                        "categories": ", ".join(map(str, unanswered[:5])),
                        "share": float(shares[unanswered].sum()),
                    },
                )
            )
        sample[variable] = values.astype(object)
        margins[variable] = answered / answered.sum()
        used.append(variable)

    weights = pd.Series(np.nan, index=survey.index, name="weight")
    result = None
    if len(sample) < min_respondents or len(margins) == 0:
        notes.append(("survey_weights.too_few", {"n": len(sample), "m": min_respondents}))
        weights[placed] = 1.0
        used = []
    else:
        # four margins with small regions can take a few hundred sweeps to meet 1e-6
        result = rake(sample, margins, trim=trim, max_iter=1000)
        weights[placed] = result.weights.to_numpy()
    w = weights[placed].to_numpy(dtype="float64")
    total = w.sum() if len(w) else 1.0
    mix = pd.DataFrame(
        {
            "segment": codes,
            "name": [names[c] for c in codes],
            "customers": base_share.to_numpy(dtype="float64"),
            "respondents": counts.to_numpy(dtype="int64"),
            "respondent_share": (counts / max(len(sample), 1)).to_numpy(dtype="float64"),
            "weighted_share": [
                float(w[(sample["segment"] == c).to_numpy()].sum() / total) for c in codes
            ],
        }
    )
    return SurveyWeighting(weights=weights, result=result, mix=mix, variables=used, notes=notes)


def report_survey_weights(
    data: Any,
    features: pd.DataFrame,
    segmentation: Any,
    *,
    output_dir: str | Path | None = None,
    personas: Sequence[Any] | None = None,
    links: pd.DataFrame | None = None,
    language: str = "en",
) -> SurveyWeighting | None:
    """The survey weights of a report run (``None`` without a survey and codebook).

    Respondents are placed in segments as everywhere in the report
    (:func:`omniseg.voice.link_respondents`: customer id, else the segmentation's typing tool,
    which a report run's segmentation has)
    and raked to the run's customer base with :func:`weight_to_customers`. Deterministic: the
    personas and the channel plan each call it and get the same weights. With ``output_dir``,
    ``survey_weights.json`` (the summary, no respondent-level weights) is written there.

    Parameters
    ----------
    data : omniseg.ingest.CustomerData
    features : DataFrame
    segmentation : omniseg.segments.Segmentation
    output_dir : path, optional
    personas : list of Persona, optional
        Segments are then named as on the persona cards (``S1 · Ana``) in the chart.
    links : DataFrame, optional
        The respondents' segments when the caller has already placed them
        (:func:`omniseg.voice.link_respondents` of this segmentation); default: placed here.
    language : {"en", "es"}
        The language of the personas' first names in the segment names.

    Returns
    -------
    SurveyWeighting or None
    """
    survey, codebook = getattr(data, "survey", None), getattr(data, "codebook", None)
    if survey is None or codebook is None:
        return None
    from omniseg.voice.respondents import link_respondents

    if links is None:
        links = link_respondents(survey, segmentation.labels, typing_tool=segmentation.typing_tool)
    names = dict(enumerate(segmentation.names))
    for persona in personas or []:
        if not getattr(persona, "suppressed", False):
            names[persona.segment] = (
                f"{names.get(persona.segment, persona.code)} · {persona.first_name_text(language)}"
            )
    weighting = weight_to_customers(
        survey, features, segmentation.labels, links, segment_names=names
    )
    if output_dir:
        atomic_write_text(
            Path(output_dir) / "survey_weights.json",
            json.dumps(weighting.to_dict(), indent=2, ensure_ascii=False),
        )
    return weighting

"""The :class:`SegmentProfile` of :func:`~omniseg.segments.profiling.profile_segments`: its
tables, heat map and the plain sentences about its cells (:func:`describe_trait`).

The statistics it shows are computed in :mod:`omniseg.segments.profile_stats`; its HTML table
(``SegmentProfile.to_html``) is laid out in :mod:`omniseg.segments.profile_html`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from omniseg._checks import check_int as _check_int
from omniseg.errors import ParameterError
from omniseg.report.chart_style import chart_layout
from omniseg.report.i18n import check_language, format_number, format_percent, t

__all__ = ["CORRECTION_NAMES", "SegmentProfile", "describe_trait"]

#: Display names of the corrections (the same in every language).
CORRECTION_NAMES: dict[str, str] = {
    "fdr_bh": "Benjamini-Hochberg",
    "holm": "Holm",
    "bonferroni": "Bonferroni",
    "none": "",
}
#: Catalog key of each reason a feature was not tested (``tests["note"]``), in the notes' order.
_NOTE_KEYS: dict[str, str] = {
    "all_missing": "profile.note_missing",
    "constant": "profile.note_constant",
    "too_many_levels": "profile.note_levels",
    "unsupported_type": "profile.note_unsupported",
    "too_few_groups": "profile.note_untested",
}
#: Columns of :meth:`SegmentProfile.top_features`, in order.
_TOP_COLUMNS = (
    "segment",
    "rank",
    "feature",
    "level",
    "kind",
    "value",
    "rest_value",
    "index",
    "std_diff",
    "p_adjusted",
)


@dataclass
class SegmentProfile:
    """The result of :func:`profile_segments`.

    Attributes
    ----------
    cells : DataFrame
        Long table, one row per segment x feature (x level for categorical features):
        ``segment``, ``feature``, ``level`` (None for numeric), ``kind`` (numeric, bool,
        categorical), ``n`` (the segment's non-missing values), ``value`` (segment mean or share),
        ``median`` (numeric), ``rest_value`` (everyone else), ``overall_value`` (everyone),
        ``index`` (100 = average), ``std_diff`` (Cohen's d, or Cohen's h for shares), ``test``
        (mannwhitneyu, chi2 or fisher; None when not tested), ``p_value``, ``p_adjusted`` and
        ``significant``.
    tests : DataFrame
        One row per feature (index ``feature``): ``kind`` (numeric, bool, categorical,
        unsupported), ``test`` (kruskal, chi2 or None),
        ``statistic``, ``dof``, ``p_value``, ``p_adjusted``, ``significant``, ``effect_size``,
        ``effect_measure`` (eta_squared, cramers_v), ``anova_f``, ``anova_p``, ``n``, ``k`` (the
        segments tested) and ``note`` (why a feature was not tested: all_missing, constant,
        too_many_levels, too_few_groups, unsupported_type; empty when tested).
    sizes : Series
        Customers per segment (index ``segment``).
    alpha, correction, min_size, max_levels
        The parameters the profile was computed with.
    segment_names : dict
        Segment id -> display name.
    n_unlabelled : int
        Rows left out for having no segment.
    notes : list of dict
        What was left out or not tested, as facts: each has a ``code`` (``unlabelled`` with
        ``n``; ``small_segments`` with ``segments`` and ``min_size``; ``all_missing``,
        ``constant``, ``too_many_levels``, ``unsupported_type`` or ``too_few_groups`` with
        ``features``). :meth:`note_texts` words them.
    feature_labeller : callable, optional
        ``feature_labeller(features, language) -> {feature: label}``: the display names of the
        features, asked for when the profile is shown (default: the features' own names).
    """

    cells: pd.DataFrame
    tests: pd.DataFrame
    sizes: pd.Series
    alpha: float = 0.05
    correction: str = "fdr_bh"
    min_size: int = 10
    max_levels: int = 30
    segment_names: dict = field(default_factory=dict)
    n_unlabelled: int = 0
    notes: list[dict] = field(default_factory=list)
    feature_labeller: Callable[[Sequence, str], Mapping] | None = None

    # -- labels -------------------------------------------------------------------------------

    def segment_label(self, segment: object) -> str:
        """Display name of a segment (its name in ``segment_names``, else the id as text)."""
        return str(self.segment_names.get(segment, segment))

    def _note_facts(self) -> list[dict]:
        """What was left out or not tested (the facts of :attr:`notes`)."""
        facts: list[dict] = []
        if self.n_unlabelled:
            facts.append({"code": "unlabelled", "n": int(self.n_unlabelled)})
        small = [s for s in self.sizes.index if self.sizes[s] < self.min_size]
        if small:
            facts.append({"code": "small_segments", "segments": small, "min_size": self.min_size})
        by_note = self.tests.groupby("note", sort=False).groups
        for note in _NOTE_KEYS:
            if note in by_note:
                facts.append({"code": note, "features": list(by_note[note])})
        return facts

    def note_texts(self, language: str = "en") -> list[str]:
        """The :attr:`notes` as sentences.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        list of str
        """
        lang = check_language(language)
        labels = self._feature_labels(lang)
        texts = []
        for note in self.notes:
            code = note["code"]
            if code == "unlabelled":
                texts.append(t("profile.note_unlabelled", lang, n=format_number(note["n"], lang)))
            elif code == "small_segments":
                names = ", ".join(self.segment_label(s) for s in note["segments"])
                texts.append(
                    t("profile.note_small", lang, min_size=note["min_size"], segments=names)
                )
            else:
                extra = {
                    "too_many_levels": {"max_levels": self.max_levels},
                    "too_few_groups": {"min_size": self.min_size},
                }.get(code, {})
                names = ", ".join(str(labels.get(f, f)) for f in note["features"])
                texts.append(t(_NOTE_KEYS[code], lang, features=names, **extra))
        return texts

    def _feature_labels(self, language: str) -> dict:
        """Feature -> display name in ``language`` (the feature itself without a labeller)."""
        features = list(self.tests.index)
        if self.feature_labeller is None:
            return {f: f for f in features}
        return dict(self.feature_labeller(features, language))

    def _worded(self, language: str) -> SegmentProfile:
        """This profile with its features under their display names in ``language``."""
        if self.feature_labeller is None:
            return self
        labels = self._feature_labels(language)
        tests = self.tests.rename(index=labels)
        return replace(
            self,
            cells=self.cells.assign(feature=self.cells["feature"].map(labels)),
            tests=tests,
            notes=[
                {**n, "features": [labels.get(f, f) for f in n["features"]]}
                if "features" in n
                else n
                for n in self.notes
            ],
            feature_labeller=None,
        )

    def _segments(self) -> list:
        return list(self.sizes.index)

    @staticmethod
    def _row_label(feature: object, level: object, kind: str, language: str | None) -> str:
        if kind == "numeric":
            return (
                str(feature)
                if language is None
                else t("profile.mean_of", language, feature=feature)
            )
        if kind == "bool":
            return str(feature)
        return f"{feature}: {level}"

    def _rows(self) -> pd.DataFrame:
        """One row per (feature, level) in profile order."""
        return self.cells.drop_duplicates(["feature", "level"])[["feature", "level", "kind"]]

    # -- tables -------------------------------------------------------------------------------

    def to_frame(self, value: str = "index") -> pd.DataFrame:
        """Wide table: one row per feature (``"feature: level"`` for categories), one column per
        segment.

        Parameters
        ----------
        value : {"index", "std_diff", "value", "p_adjusted"}, default "index"
            The cell column to spread.

        Returns
        -------
        DataFrame
        """
        allowed = ("index", "std_diff", "value", "p_adjusted")
        if value not in allowed:
            raise ParameterError(
                f"The 'value' parameter of SegmentProfile.to_frame must be one of {allowed}. "
                f"Got {value!r} instead."
            )
        labels = [
            self._row_label(f, lv, k, None)
            for f, lv, k in zip(
                self.cells["feature"], self.cells["level"], self.cells["kind"], strict=True
            )
        ]
        frame = self.cells.assign(row=labels)
        order = list(dict.fromkeys(labels))
        wide = frame.pivot(index="row", columns="segment", values=value)
        wide = wide.reindex(index=order, columns=self._segments())
        wide.index.name = None
        wide.columns.name = "segment"
        return wide

    def top_features(self, segment: object = None, n: int = 5) -> pd.DataFrame:
        """The features that set a segment apart most, ranked.

        Only significant cells count; they are ranked by ``|std_diff|`` (Cohen's d for numeric
        features, Cohen's h for shares, so both are on one scale), then by adjusted p-value. Both
        directions count: a segment that uses the store far less than everyone else is as
        distinctive as one that uses it far more.

        Parameters
        ----------
        segment : segment id, optional
            One segment; default every segment, ``n`` rows each.
        n : int, default 5
            Rows per segment.

        Returns
        -------
        DataFrame
            ``segment``, ``rank`` (1 = most distinctive), ``feature``, ``level``, ``kind``,
            ``value``, ``rest_value``, ``index``, ``std_diff`` and ``p_adjusted``
            (:meth:`top_features_table` adds a sentence for each).
        """
        n = _check_int(n, "n", "SegmentProfile.top_features", 1)
        segments = self._segments()
        if segment is not None:
            if segment not in segments:
                raise ParameterError(
                    f"The 'segment' parameter of SegmentProfile.top_features must be one of "
                    f"{segments}. Got {segment!r} instead."
                )
            segments = [segment]
        sig = self.cells[self.cells["significant"]]
        parts = []
        for seg in segments:
            part = sig[sig["segment"] == seg].assign(_abs=lambda d: d["std_diff"].abs())
            part = part.sort_values(["_abs", "p_adjusted"], ascending=[False, True]).head(n)
            part = part.assign(rank=np.arange(1, len(part) + 1))
            parts.append(part)
        out = pd.concat(parts) if parts else sig.iloc[:0]
        return out[list(_TOP_COLUMNS)].reset_index(drop=True)

    def top_features_table(
        self, segment: object = None, n: int = 5, *, language: str = "en"
    ) -> pd.DataFrame:
        """:meth:`top_features` with a ``description`` column: a sentence for each trait.

        Parameters
        ----------
        segment : segment id, optional
            One segment; default every segment, ``n`` rows each.
        n : int, default 5
            Rows per segment.
        language : {"en", "es"}, default "en"
            Language of the ``description`` column (and of the features' display names).

        Returns
        -------
        DataFrame
            The columns of :meth:`top_features` (``feature`` under its display name) and
            ``description`` (see :func:`describe_trait`).
        """
        language = check_language(language)
        top = self.top_features(segment, n)
        labels = self._feature_labels(language)
        top = top.assign(feature=top["feature"].map(lambda f: labels.get(f, f)))
        return top.assign(
            description=[describe_trait(row, language) for _, row in top.iterrows()]
            if len(top)
            else pd.Series(dtype=object)
        )

    # -- figures ------------------------------------------------------------------------------

    def plot_heatmap(
        self,
        *,
        value: str = "index",
        language: str = "en",
        fig: go.Figure | None = None,
    ) -> go.Figure:
        """Heat map of the profile: features down, segments across.

        Parameters
        ----------
        value : {"index", "std_diff"}, default "index"
            What the cells show. With ``"index"`` the colour is ``log2(index / 100)``, so 50 and
            200 are equally deep (capped at 50 and 200); with ``"std_diff"`` the colour is the
            standardized difference (capped at ±1.5). Blue is above, red below. Cells without an
            index (features with negative values) fall back to the standardized difference's
            colour.
        language : {"en", "es"}, default "en"
        fig : plotly Figure, optional
            A figure to draw into.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        if value not in ("index", "std_diff"):
            raise ParameterError(
                "The 'value' parameter of SegmentProfile.plot_heatmap must be 'index' or "
                f"'std_diff'. Got {value!r} instead."
            )
        language = check_language(language)
        worded = self._worded(language)
        if worded is not self:
            return worded.plot_heatmap(value=value, language=language, fig=fig)
        segments = self._segments()
        rows = self._rows()
        lookup = {
            (r["segment"], r["feature"], r["level"] if r["kind"] != "numeric" else None): r
            for r in self.cells.to_dict("records")
        }
        limit = 1.0 if value == "index" else 1.5  # log2 of 200 / 100, or |d|
        z, text, hover = [], [], []
        for row in rows.itertuples(index=False):
            level = row.level if row.kind != "numeric" else None
            z_row, text_row, hover_row = [], [], []
            for seg in segments:
                cell = lookup[(seg, row.feature, level)]
                d = _clip(cell["std_diff"], 1.5)
                has_index = _finite(cell["index"]) and cell["index"] > 0
                if value == "std_diff":
                    colour, shown = d, _signed_or_dash(cell["std_diff"], language)
                elif has_index:
                    colour = max(-limit, min(limit, math.log2(cell["index"] / 100)))
                    shown = format_number(cell["index"], language)
                else:  # no index: the mean, coloured by the standardized difference
                    colour = None if d is None else d / 1.5 * limit
                    shown = _value(cell["value"], row.kind, language)
                z_row.append(colour)
                text_row.append(shown + ("*" if cell["significant"] else ""))
                hover_row.append(html.escape(self._cell_text(cell, seg, language)))
            z.append(z_row)
            text.append(text_row)
            hover.append(hover_row)
        y = [
            html.escape(self._row_label(r.feature, r.level, r.kind, language))
            for r in rows.itertuples(index=False)
        ]
        x = [
            html.escape(f"{self.segment_label(s)} ({self._size_text(s, language)})")
            for s in segments
        ]
        colorbar: dict = {"title": {"text": "d", "side": "right"}}
        if value == "index":
            ticks = [50, 75, 100, 150, 200]
            colorbar.update(tickvals=[math.log2(v / 100) for v in ticks], ticktext=ticks)
            colorbar["title"]["text"] = t("profile.fig_index", language).split(": ")[-1]
        fig = fig if fig is not None else go.Figure()
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=x,
                y=y,
                text=text,
                texttemplate="%{text}",
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
                colorscale="RdBu",
                zmid=0,
                zmin=-limit,
                zmax=limit,
                colorbar=colorbar,
                xgap=1,
                ygap=1,
            )
        )
        fig.update_layout(
            **chart_layout(language),
            title=t("profile.fig_index" if value == "index" else "profile.fig_std_diff", language),
            height=max(320, 140 + 26 * len(y)),
            yaxis={"autorange": "reversed"},
            xaxis={"side": "top"},
        )
        return fig

    def _size_text(self, segment: object, language: str) -> str:
        return t("profile.size", language, n=format_number(int(self.sizes[segment]), language))

    def _cell_text(self, cell: Mapping, segment: object, language: str) -> str:
        sentence = describe_trait(cell, language)
        parts = [f"{self.segment_label(segment)}: {sentence}"]
        if _finite(cell["index"]) and (_finite(cell["std_diff"]) or _infinite(cell["std_diff"])):
            parts.append(f"d = {_signed(cell['std_diff'], language)}")
        if _finite(cell["p_adjusted"]):
            parts.append(t("profile.p_adjusted", language, p=_p(cell["p_adjusted"], language)))
        else:
            parts.append(t("profile.not_tested", language))
        return " · ".join(parts)

    # -- HTML ---------------------------------------------------------------------------------

    def to_html(self, language: str = "en") -> str:
        """A heat-map-style HTML table of the profile (every label escaped).

        Rows are features (levels for categorical features), columns the segments with their
        size. Each cell shows the index (the mean when there is none) on a background coloured by
        the standardized difference (blue above everyone else, red below); significant cells are
        bold; hovering shows the sentence of :func:`describe_trait` and the adjusted p-value. The
        last column gives the per-feature test and effect size. Laid out by
        :func:`omniseg.segments.profile_html.profile_table_html`.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        str
        """
        from omniseg.segments.profile_html import profile_table_html

        language = check_language(language)
        return profile_table_html(self._worded(language), language)

    def _repr_html_(self) -> str:
        from omniseg.report.display_options import display_language

        return self.to_html(display_language())


# ------------------------------------------------------------------------------------------
# sentences and formatting
# ------------------------------------------------------------------------------------------


def _finite(value: object) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _infinite(value: object) -> bool:
    try:
        return value is not None and math.isinf(float(value))
    except (TypeError, ValueError):
        return False


def _clip(value: object, limit: float) -> float | None:
    if _finite(value) or _infinite(value):
        return max(-limit, min(limit, float(value)))
    return None


def _signed(value: float, language: str) -> str:
    if _infinite(value):  # both groups constant and different: a standardized difference of
        return t("seg.no_overlap", language)  # infinity is not a number to show
    text = format_number(value, language, 2)
    return f"+{text}" if float(value) > 0 else text


def _signed_or_dash(value: float, language: str) -> str:
    return _signed(value, language) if _finite(value) or _infinite(value) else "–"


def _p(value: float, language: str) -> str:
    if value < 0.001:
        return f"< {format_number(0.001, language, 3)}"
    return f"= {format_number(value, language, 3)}"


def _alpha_digits(alpha: float) -> int:
    return 0 if round(100 * alpha, 6).is_integer() else 1


def _digits(*values: float) -> int:
    """Decimal places for numbers of this size: 67, 4.2, 0.35."""
    finite = [abs(float(v)) for v in values if _finite(v)]
    top = max(finite, default=0.0)
    return 0 if top >= 10 else 1 if top >= 1 else 2


def _value(value: float, kind: str, language: str) -> str:
    if kind == "numeric":
        return format_number(value, language, _digits(value))
    return format_percent(value, language)


def describe_trait(cell: Mapping, language: str = "en") -> str:
    """One plain sentence about a profile cell: the segment against everyone else.

    Parameters
    ----------
    cell : mapping or Series
        A row of :attr:`SegmentProfile.cells` (needs ``feature``, ``level``, ``value``,
        ``rest_value`` and ``index``; ``kind`` and ``std_diff`` are used when present).
    language : {"en", "es"}, default "en"

    Returns
    -------
    str
        ``"Mean age 67 vs 45 for everyone else (index 149)"`` for a numeric feature,
        ``"first_channel: store: 42.0% vs 20.0% for everyone else (index 210)"`` for a level.
        Without an index (features with negative values) the standardized difference is given.

    Examples
    --------
    >>> describe_trait({"feature": "age", "level": None, "value": 67.2, "rest_value": 45.1,
    ...                 "index": 149.3})
    'Mean age 67 vs 45 for everyone else (index 149)'
    >>> describe_trait({"feature": "omnichannel", "level": True, "kind": "bool", "value": 0.425,
    ...                 "rest_value": 0.2, "index": 182.0}, "es")
    'omnichannel: 42,5\\xa0% frente a 20,0\\xa0% del resto (índice 182)'
    >>> describe_trait({"feature": "margin", "level": None, "value": -1.25, "rest_value": 0.5,
    ...                 "index": float("nan"), "std_diff": -0.8}, "es")
    'Media de margin: -1,2 frente a 0,5 del resto (diferencia estandarizada -0,80)'
    """
    language = check_language(language)
    level = cell.get("level")
    kind = cell.get("kind")
    if kind is None:
        kind = (
            "numeric"
            if level is None or (isinstance(level, float) and math.isnan(level))
            else ("bool" if isinstance(level, bool | np.bool_) else "categorical")
        )
    feature, value, rest = cell["feature"], cell["value"], cell["rest_value"]
    if kind == "numeric":
        digits = _digits(value, rest)
        text = t(
            "profile.trait_mean",
            language,
            feature=feature,
            value=format_number(value, language, digits),
            rest=format_number(rest, language, digits),
        )
    else:
        label = str(feature) if kind == "bool" else f"{feature}: {level}"
        if kind == "bool" and not level:
            label = f"{feature}: {level}"
        text = t(
            "profile.trait_share",
            language,
            label=label,
            value=format_percent(value, language),
            rest=format_percent(rest, language),
        )
    index = cell.get("index", np.nan)
    std_diff = cell.get("std_diff", np.nan)
    if _finite(index):
        text += t("profile.trait_index", language, index=format_number(index, language))
    elif _finite(std_diff) or _infinite(std_diff):
        text += t("profile.trait_d", language, d=_signed(std_diff, language))
    return text

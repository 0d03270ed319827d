"""The result of :func:`~omniseg.segments.drift.compare_runs`: :class:`DriftReport`, its tables,
HTML, JSON and figures, and the reasons of its refit verdict (:func:`drift_reasons`, as facts;
worded in the language asked for by :meth:`DriftReport.reason_texts`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from omniseg.errors import ParameterError
from omniseg.report.chart_style import chart_layout
from omniseg.report.i18n import check_language, format_number, format_percent, t
from omniseg.report.templating import render
from omniseg.segments.drift_stats import GONE, NEW

__all__ = ["MAX_PSI_REASONS", "DriftReport", "drift_reasons"]

#: How many features with a PSI above the limit get a sentence of their own in the reasons.
MAX_PSI_REASONS = 5


# ------------------------------------------------------------------------------------------
# the report
# ------------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """A JSON-safe copy of a label or number (NaN becomes None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _signed(value: float, language: str, digits: int = 1) -> str:
    text = format_number(value, language, digits)
    return text if text.startswith("-") or text == "–" else f"+{text}"


@dataclass
class DriftReport:
    """How the segments moved between two runs, and whether the model should be refit.

    Built by :func:`compare_runs`; shown as a summary in JupyterLab (escaped HTML).

    Attributes
    ----------
    sizes : DataFrame
        One row per segment: ``segment`` (the label), ``n_before``, ``n_after`` (customers in
        each run), ``share_before``, ``share_after`` (share of the run's customers, 0–1) and
        ``change_pp`` (the change of share in percentage points).
    migration : DataFrame
        Counts of customers by segment before (rows) and after (columns), with ``"(new)"`` and
        ``"(gone)"`` (:func:`~omniseg.segments.drift_stats.migration_matrix`).
    migration_share : DataFrame
        ``migration`` with each row divided by its total.
    stability : float
        Share of the customers present in both runs who kept their segment.
    psi : DataFrame
        One row per key feature (index ``feature``): ``psi`` and ``level`` (``stable``,
        ``moderate``, ``major``); empty without feature tables.
    should_refit : bool
        Whether any limit was exceeded.
    reasons : list of dict
        One fact per exceeded limit (see :func:`drift_reasons`); :meth:`reason_texts` words
        them.
    n_before, n_after, n_common : int
        Customers in the earlier run, in the later run and in both.
    thresholds : dict
        The limits used: ``psi``, ``share`` and ``migration``.
    segment_names : dict
        Label -> display name used in sentences, tables and figures.
    """

    sizes: pd.DataFrame
    migration: pd.DataFrame
    migration_share: pd.DataFrame
    stability: float
    psi: pd.DataFrame
    should_refit: bool
    reasons: list[dict[str, Any]]
    n_before: int
    n_after: int
    n_common: int
    thresholds: dict[str, float] = field(default_factory=dict)
    segment_names: dict[Hashable, str] = field(default_factory=dict)

    # -- text ------------------------------------------------------------------------------

    def _name(self, label: Hashable, language: str) -> str:
        if label == NEW:
            return t("drift.new", language)
        if label == GONE:
            return t("drift.gone", language)
        return str(self.segment_names.get(label, label))

    @property
    def n_new(self) -> int:
        """Customers present in the later run only."""
        return int(self.migration.loc[NEW].sum())

    @property
    def n_gone(self) -> int:
        """Customers present in the earlier run only."""
        return int(self.migration[GONE].sum())

    def verdict_text(self, language: str = "en") -> str:
        """One sentence: refit the model, or not.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        str
        """
        key = "drift.verdict.refit" if self.should_refit else "drift.verdict.stable"
        return t(key, check_language(language))

    def reason_texts(self, language: str = "en") -> list[str]:
        """The :attr:`reasons` as sentences citing the numbers, one per exceeded limit.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        list of str
        """
        lang = check_language(language)
        return [_reason_text(self, reason, lang) for reason in self.reasons]

    def summary(self, language: str = "en") -> str:
        """One sentence with the customer counts and the stability.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        str
        """
        lang = check_language(language)
        return t(
            "drift.summary",
            lang,
            n_before=format_number(self.n_before, lang),
            n_after=format_number(self.n_after, lang),
            n_common=format_number(self.n_common, lang),
            stability=format_percent(self.stability, lang),
            n_new=format_number(self.n_new, lang),
            n_gone=format_number(self.n_gone, lang),
        )

    def __str__(self) -> str:
        lines = [self.verdict_text(), self.summary(), *(f"  - {r}" for r in self.reason_texts())]
        return "\n".join(lines)

    # -- HTML and JSON ---------------------------------------------------------------------

    def _tables(self, lang: str) -> list[dict[str, Any]]:
        sizes = {
            "caption": t("drift.sizes_title", lang),
            "header": [
                t(f"drift.col.{c}", lang)
                for c in ("segment", "n_before", "n_after", "share_before", "share_after")
            ]
            + [t("drift.col.change", lang)],
            "rows": [
                [
                    self._name(r.segment, lang),
                    format_number(r.n_before, lang),
                    format_number(r.n_after, lang),
                    format_percent(r.share_before, lang),
                    format_percent(r.share_after, lang),
                    f"{_signed(r.change_pp, lang)}\u00a0{t('drift.pp', lang)}",
                ]
                for r in self.sizes.itertuples(index=False)
            ],
        }
        psi = {
            "caption": t("drift.psi_title", lang),
            "header": [t(f"drift.col.{c}", lang) for c in ("feature", "psi", "level")],
            "rows": [
                [
                    str(feature),
                    format_number(row["psi"], lang, 3),
                    t(f"drift.level.{row['level']}", lang) if row["level"] else "–",
                ]
                for feature, row in self.psi.iterrows()
            ],
            "empty": t("drift.no_psi", lang),
        }
        return [sizes, psi]

    def to_html(self, language: str = "en") -> str:
        """The summary as an HTML fragment (every text escaped): verdict, reasons, tables.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        str
        """
        lang = check_language(language)
        return render(
            "drift_report.html.j2",
            title=t("drift.title", lang),
            verdict=self.verdict_text(lang),
            color="#c0392b" if self.should_refit else "#2e8b57",
            summary=self.summary(lang),
            reasons_title=t("drift.reasons", lang),
            reasons=self.reason_texts(lang),
            tables=self._tables(lang),
        )

    def _repr_html_(self) -> str:
        from omniseg.report.display_options import display_language

        return self.to_html(display_language())

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Plain data for a run manifest (JSON-safe: labels as str/int, NaN as None).

        Parameters
        ----------
        language : {"en", "es"}, default "en"
            Language of ``verdict``, ``reasons`` and the segments' ``name``.

        Returns
        -------
        dict
            ``should_refit``, ``verdict``, ``reasons`` (sentences), ``language``, ``stability``,
            ``n_before``, ``n_after``, ``n_common``, ``n_new``, ``n_gone``, ``thresholds``,
            ``sizes`` (list of row dicts, each with the segment's display ``name``),
            ``migration`` (``before`` and ``after`` labels and the ``counts`` rows) and ``psi``
            (list of ``feature``, ``psi``, ``level``).
        """
        lang = check_language(language)
        return {
            "should_refit": bool(self.should_refit),
            "verdict": self.verdict_text(lang),
            "reasons": self.reason_texts(lang),
            "language": lang,
            "stability": _json_value(float(self.stability)),
            "n_before": int(self.n_before),
            "n_after": int(self.n_after),
            "n_common": int(self.n_common),
            "n_new": self.n_new,
            "n_gone": self.n_gone,
            "thresholds": {k: float(v) for k, v in self.thresholds.items()},
            "sizes": [
                {"name": self._name(row["segment"], lang)}
                | {k: _json_value(v) for k, v in row.items()}
                for row in self.sizes.to_dict(orient="records")
            ],
            "migration": {
                "before": [_json_value(v) for v in self.migration.index],
                "after": [_json_value(v) for v in self.migration.columns],
                "counts": self.migration.to_numpy().astype(int).tolist(),
            },
            "psi": [
                {"feature": _json_value(f), "psi": _json_value(row["psi"]), "level": row["level"]}
                for f, row in self.psi.iterrows()
            ],
        }

    # -- figures ---------------------------------------------------------------------------

    def plot_sizes(self, *, language: str = "en", fig: go.Figure | None = None) -> go.Figure:
        """Grouped bars: each segment's share of customers before and after.

        Parameters
        ----------
        language : {"en", "es"}, default "en"
        fig : plotly Figure, optional
            Figure to add the bars to (a new one by default).

        Returns
        -------
        plotly.graph_objects.Figure
        """
        lang = check_language(language)
        names = [self._name(s, lang) for s in self.sizes["segment"]]
        fig = fig if fig is not None else go.Figure()
        for when, color in (("before", "#9fb7c9"), ("after", "#1f6f8b")):
            shares = self.sizes[f"share_{when}"]
            counts = self.sizes[f"n_{when}"]
            fig.add_trace(
                go.Bar(
                    name=t(f"drift.{when}", lang),
                    x=names,
                    y=shares.round(4).tolist(),
                    marker_color=color,
                    text=[format_percent(s, lang) for s in shares],
                    textposition="outside",
                    customdata=[format_number(n, lang) for n in counts],
                    hovertemplate="%{x}: %{text} (%{customdata})<extra>"
                    + t(f"drift.{when}", lang)
                    + "</extra>",
                )
            )
        fig.update_layout(
            **chart_layout(lang),
            title=t("drift.fig.sizes", lang),
            barmode="group",
            height=420,
            yaxis={"title": t("drift.share_axis", lang), "tickformat": ".0%"},
        )
        return fig

    def plot_migration(
        self,
        *,
        kind: Literal["heatmap", "sankey"] = "heatmap",
        language: str = "en",
        fig: go.Figure | None = None,
    ) -> go.Figure:
        """Where each segment's customers went: a heat map of row shares, or a Sankey diagram.

        Parameters
        ----------
        kind : {"heatmap", "sankey"}, default "heatmap"
            The heat map shows, per previous segment (row), the share of its customers in each
            new segment (column), with the counts; the Sankey diagram draws the flows of
            customers between the runs.
        language : {"en", "es"}, default "en"
        fig : plotly Figure, optional
            Figure to draw into (a new one by default).

        Returns
        -------
        plotly.graph_objects.Figure
        """
        if kind not in ("heatmap", "sankey"):
            raise ParameterError(
                "The 'kind' parameter of DriftReport.plot_migration must be 'heatmap' or "
                f"'sankey'. Got {kind!r} instead."
            )
        lang = check_language(language)
        rows = [self._name(r, lang) for r in self.migration.index]
        cols = [self._name(c, lang) for c in self.migration.columns]
        counts = self.migration.to_numpy()
        fig = fig if fig is not None else go.Figure()
        if kind == "heatmap":
            shares = self.migration_share.to_numpy()
            z = [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in shares]
            text = [
                [
                    f"{format_percent(s, lang, 0)} ({format_number(n, lang)})" if n else ""
                    for s, n in zip(srow, nrow, strict=True)
                ]
                for srow, nrow in zip(shares, counts, strict=True)
            ]
            fig.add_trace(
                go.Heatmap(
                    z=z,
                    x=cols,
                    y=rows,
                    text=text,
                    texttemplate="%{text}",
                    colorscale="Blues",
                    zmin=0,
                    zmax=1,
                    hovertemplate=t("drift.migration_hover", lang) + "<extra></extra>",
                    colorbar={"tickformat": ".0%"},
                )
            )
            fig.update_layout(
                xaxis_title=t("drift.axis.after", lang),
                yaxis={"title": t("drift.axis.before", lang), "autorange": "reversed"},
            )
        else:
            source, target, value = [], [], []
            for i in range(counts.shape[0]):
                for j in range(counts.shape[1]):
                    if counts[i, j]:
                        source.append(i)
                        target.append(len(rows) + j)
                        value.append(int(counts[i, j]))
            fig.add_trace(
                go.Sankey(
                    node={
                        "label": [
                            *(f"{r} · {t('drift.before', lang)}" for r in rows),
                            *(f"{c} · {t('drift.after', lang)}" for c in cols),
                        ],
                        "pad": 12,
                    },
                    link={"source": source, "target": target, "value": value},
                )
            )
        fig.update_layout(
            **chart_layout(lang),
            title=t("drift.fig.migration", lang),
            height=480,
        )
        return fig


def _exceeds(value: float, limit: float) -> bool:
    """``value > limit``, ignoring float noise (a change of exactly 5 pp is not above 5 pp)."""
    return round(value - limit, 12) > 0


def drift_reasons(report: DriftReport) -> list[dict[str, Any]]:
    """The facts of the refit verdict: every size change, migration or PSI over its limit.

    Parameters
    ----------
    report : DriftReport
        Its sizes, stability, PSI and thresholds are read.

    Returns
    -------
    list of dict
        In the order the verdict cites them, each with a ``code`` and its numbers:
        ``grew``/``shrank`` (``segment``, ``share_before``, ``share_after``, ``change_pp``,
        ``limit``: shares 0–1, the change in percentage points), largest change first;
        ``migration`` (``moved``, the share of common customers who changed segment,
        ``n_moved``, ``n_common``, ``limit``); ``psi`` (``feature``, ``psi``, ``level``,
        ``limit``) for the :data:`MAX_PSI_REASONS` largest PSIs, and ``psi_more``
        (``features``, ``limit``) for the rest. :meth:`DriftReport.reason_texts` words them.
    """
    limits = report.thresholds
    reasons: list[dict[str, Any]] = []
    sizes = report.sizes.assign(abs_change=report.sizes["change_pp"].abs())
    for row in sizes.sort_values("abs_change", ascending=False, kind="stable").itertuples():
        if not _exceeds(abs(row.share_after - row.share_before), limits["share"]):
            continue
        reasons.append(
            {
                "code": "grew" if row.change_pp > 0 else "shrank",
                "segment": row.segment,
                "share_before": float(row.share_before),
                "share_after": float(row.share_after),
                "change_pp": float(row.change_pp),
                "limit": float(limits["share"]),
            }
        )
    moved = 1 - report.stability
    if _exceeds(moved, limits["migration"]):
        reasons.append(
            {
                "code": "migration",
                "moved": float(moved),
                "n_moved": round(moved * report.n_common),
                "n_common": int(report.n_common),
                "limit": float(limits["migration"]),
            }
        )
    mask = np.array([_exceeds(v, limits["psi"]) for v in report.psi["psi"].fillna(0)], dtype=bool)
    shifted = report.psi.loc[mask]
    shifted = shifted.sort_values("psi", ascending=False, kind="stable")
    for feature, row in shifted.head(MAX_PSI_REASONS).iterrows():
        reasons.append(
            {
                "code": "psi",
                "feature": feature,
                "psi": float(row["psi"]),
                "level": row["level"],
                "limit": float(limits["psi"]),
            }
        )
    if len(shifted) > MAX_PSI_REASONS:
        reasons.append(
            {
                "code": "psi_more",
                "features": list(shifted.index[MAX_PSI_REASONS:]),
                "limit": float(limits["psi"]),
            }
        )
    return reasons


def _reason_text(report: DriftReport, reason: dict[str, Any], lang: str) -> str:
    """One fact of :func:`drift_reasons` as a sentence in ``lang``."""
    code = reason["code"]
    pp = t("drift.pp", lang)
    if code in ("grew", "shrank"):
        return t(
            f"drift.reason.{code}",
            lang,
            segment=report._name(reason["segment"], lang),
            before=format_percent(reason["share_before"], lang),
            after=format_percent(reason["share_after"], lang),
            change=f"{_signed(reason['change_pp'], lang)} {pp}",
            limit=f"{format_number(100 * reason['limit'], lang, 1)} {pp}",
        )
    if code == "migration":
        return t(
            "drift.reason.migration",
            lang,
            moved=format_percent(reason["moved"], lang),
            n_moved=format_number(reason["n_moved"], lang),
            n_common=format_number(reason["n_common"], lang),
            limit=format_percent(reason["limit"], lang),
        )
    if code == "psi":
        return t(
            "drift.reason.psi",
            lang,
            feature=reason["feature"],
            psi=format_number(reason["psi"], lang, 2),
            level=t(f"drift.level.{reason['level']}", lang),
            limit=format_number(reason["limit"], lang, 2),
        )
    return t(
        "drift.reason.psi_more",
        lang,
        n=len(reason["features"]),
        features=", ".join(str(f) for f in reason["features"]),
        limit=format_number(reason["limit"], lang, 2),
    )

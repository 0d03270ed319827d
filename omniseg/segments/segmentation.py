"""The segmentation result a strategist reads: sizes, value, confidence, profile, charts.

:func:`segment_customers` fits a :class:`~omniseg.segments.Segmenter` on the customer feature
table and returns a :class:`Segmentation`; :meth:`Segmentation.from_segmenter` does the same for
an already fitted (or loaded) segmenter, so every method (k-means, mixtures, Ward, latent class)
and every run is read through the same object. :func:`compare_methods` puts the methods side by
side (chosen k, silhouette, stability, and how much their segments agree).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from omniseg.atomic import atomic_write
from omniseg.errors import ParameterError
from omniseg.features.labels import feature_labels
from omniseg.report.i18n import check_language, format_money, format_number, format_percent, t
from omniseg.segments.basis import DEFAULT_BLOCK_NAMES
from omniseg.segments.profiling import profile_segments
from omniseg.segments.segment_profile import SegmentProfile
from omniseg.segments.segmenter import METHODS, Segmenter, segment_labels

__all__ = [
    "DOMINANCE_LIMIT",
    "MODEL_FILE",
    "SEGMENTS_FILE",
    "SEGMENT_COLORS",
    "Segmentation",
    "compare_methods",
    "fit_typing_tool",
    "input_dominance",
    "read_segments",
    "report_segmentation",
    "segment_customers",
]

#: Colours of segments S1, S2, ... (colour-blind-safe Tableau 10 order).
SEGMENT_COLORS: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
#: Columns never profiled (dates; ids are the index).
_NOT_PROFILED = ("first_seen", "last_seen")
#: Above this share of one input's variation explained by the segments (eta² for numbers,
#: normalised mutual information for categories), the segments are that input, re-labelled.
DOMINANCE_LIMIT = 0.8
#: ... while every other input is explained less than this (else they shape the segments too:
#: on the demo, age 0.88 but the main channel 0.77).
_OTHERS_WEAK = 0.5
#: A Calinski-Harabasz index above this (or an infinite one) means segments without
#: within-segment variation (ties, discrete inputs): shown as not meaningful.
_CH_MEANINGFUL = 1e9
#: Blocks of the basis with a report name (``seg.block_<name>``); others show as named.
_BLOCK_KEYS = {f"seg.block_{b}" for b in DEFAULT_BLOCK_NAMES}
#: Customers drawn in the 2-D map (a seeded sample when there are more).
_MAP_POINTS = 3000


def _color(i: int) -> str:
    return SEGMENT_COLORS[i % len(SEGMENT_COLORS)]


@dataclass
class Segmentation:
    """Segments of a customer feature table, described.

    Attributes
    ----------
    segmenter : Segmenter
        The fitted model (save it with :func:`omniseg.segments.save_model`).
    labels : Series
        Segment (0 = largest) of each customer; index = the feature table's index.
    names : list of str
        Display names of the segments (``S1``, ``S2``, ... until personas name them).
    confidence : DataFrame
        ``segment``, ``confidence``, ``second_segment``, ``borderline`` per customer.
    sizes : DataFrame
        One row per segment: ``segment``, ``name``, ``customers``, ``share``, ``revenue``,
        ``revenue_share``, ``revenue_per_customer``, ``borderline_share``.
    profile : SegmentProfile or None
        Every feature of every segment against everyone else (:mod:`omniseg.segments.profiling`).
    selection : DataFrame
        The evidence for the number of segments (empty when it was fixed).
    selection_reason : str
    coords : DataFrame
        2-D map (principal components of the basis) of a sample of customers: ``pc1``,
        ``pc2``, ``segment``; ``attrs["explained"]`` holds the variance each axis explains.
    language : str
    typing_tool : TypingTool or None
        The short questionnaire that places people without data in a segment (set by
        :func:`report_segmentation`, or assign your own).
    """

    segmenter: Segmenter
    labels: pd.Series
    names: list[str]
    confidence: pd.DataFrame
    sizes: pd.DataFrame
    profile: SegmentProfile | None
    selection: pd.DataFrame
    selection_reason: str
    coords: pd.DataFrame
    language: str = "en"
    notes: list[str] = field(default_factory=list)
    typing_tool: Any = None
    #: how strongly each basis input follows the segments (see :func:`input_dominance`)
    dominance: pd.DataFrame = field(default_factory=pd.DataFrame)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_segmenter(
        cls,
        segmenter: Segmenter,
        features: pd.DataFrame,
        *,
        language: str = "en",
        profile: bool = True,
        profile_columns: Sequence[str] | None = None,
        random_state: int | None = None,
    ) -> Segmentation:
        """Describe the segments a fitted segmenter gives ``features``.

        Parameters
        ----------
        segmenter : Segmenter
            Fitted (e.g. loaded with :func:`omniseg.segments.load_model`).
        features : DataFrame
            Customer feature table (the one it was fitted on, or new customers).
        language : {"en", "es"}
        profile : bool
            Compute the profile (every feature tested; a few seconds at 100k customers).
        profile_columns : list of str, optional
            Features to profile (default: all but dates).
        random_state : int, optional
            Seed of the map's sample (default the segmenter's).
        """
        check_language(language)
        labels_arr = segmenter.predict(features)
        conf = segmenter.confidence(features)
        k = segmenter.n_segments_
        names = segment_labels(k, language)
        labels = pd.Series(labels_arr, index=features.index, name="segment")
        sizes = _sizes(features, labels, conf, names)
        prof = None
        if profile:
            cols = (
                list(profile_columns)
                if profile_columns is not None
                else [c for c in features.columns if c not in _NOT_PROFILED]
            )
            # profiled under readable labels ("Share of interactions: App"), in the language
            renamed = feature_labels(cols, language)
            prof = profile_segments(
                features[cols].rename(columns=renamed),
                labels,
                columns=list(renamed.values()),
                language=language,
                segment_names=dict(enumerate(names)),
            )
        seed = segmenter.random_state if random_state is None else random_state
        coords = _coords(segmenter.transform(features), labels_arr, seed)
        dominance = input_dominance(features, labels_arr, segmenter.basis_)
        return cls(
            dominance=dominance,
            segmenter=segmenter,
            labels=labels,
            names=names,
            confidence=conf,
            sizes=sizes,
            profile=prof,
            selection=segmenter.selection_.copy(),
            selection_reason=segmenter.selection_reason_,
            coords=coords,
            language=language,
        )

    # ------------------------------------------------------------------ tables

    def to_frame(self) -> pd.DataFrame:
        """One row per customer: ``segment``, ``segment_name``, ``confidence``, ``borderline``."""
        out = self.confidence[["segment", "confidence", "borderline"]].copy()
        out.insert(1, "segment_name", [self.names[s] for s in out["segment"]])
        return out

    def lead(self) -> str:
        """One paragraph for the report: how many segments, why, how clear."""
        lang = self.language
        k = len(self.names)
        border = float(self.confidence["borderline"].mean())
        sel = self.selection
        if len(sel) and sel["chosen"].any():
            row = sel[sel["chosen"]].iloc[0]
            why = t(
                "seg.lead_chosen",
                lang,
                k=k,
                q=format_number(row["stability_q10"], lang, 2),
                lo=int(sel["k"].min()),
                hi=int(sel["k"].max()),
            )
        else:
            why = t("seg.lead_fixed", lang, k=k)
        return (
            why
            + " "
            + t(
                "seg.lead_border",
                lang,
                share=format_percent(border, lang),
                method=self.segmenter.method,
            )
        )

    def basis_text(self) -> str:
        """What the segments are formed on, and which inputs were left out and why."""
        lang = self.language
        basis = self.segmenter.basis_
        used = [
            t(f"seg.block_{b}", lang) if f"seg.block_{b}" in _BLOCK_KEYS else b
            for b in getattr(basis, "blocks_", {})
        ]
        parts = [t("seg.basis_used", lang, blocks=", ".join(used))]
        for note in getattr(basis, "notes_", []):
            if not note["used"]:
                parts.append(t(f"seg.basis_{note['block']}_{note['reason']}", lang))
        return " ".join(parts)

    def dominance_warning(self) -> str:
        """A warning when one input explains the segments almost entirely; ``""`` otherwise.

        Rule: the segments explain more than :data:`DOMINANCE_LIMIT` (0.8) of one input and
        less than 0.5 of every other (:attr:`dominance`).
        """
        d = self.dominance.sort_values("value", ascending=False)
        if len(d) < 2 or float(d["value"].iloc[0]) <= DOMINANCE_LIMIT:
            return ""
        if float(d["value"].iloc[1]) >= _OTHERS_WEAK:  # other inputs shape them too
            return ""
        top = d.iloc[0]
        label = feature_labels([top["column"]], self.language)[top["column"]]
        return t(
            "seg.dominance",
            self.language,
            column=label,
            value=format_percent(float(top["value"]), self.language),
        )

    @property
    def map_applies(self) -> bool:
        """Whether a 2-D map says anything: the basis has two or more dimensions of variation."""
        explained = self.coords.attrs.get("explained", [1.0, 0.0])
        return len(explained) > 1 and float(explained[1]) >= 0.01

    def sizes_table(self) -> pd.DataFrame:
        """The sizes table with translated headers and formatted numbers (for reports)."""
        lang = self.language
        s = self.sizes
        table = {
            t("seg.col_segment", lang): s["name"],
            t("seg.col_customers", lang): [format_number(v, lang) for v in s["customers"]],
            t("seg.col_share", lang): [format_percent(v, lang) for v in s["share"]],
        }
        # without revenue (a CRM-only table) the value columns would be dashes: left out
        if pd.to_numeric(s["revenue_per_customer"], errors="coerce").notna().any():
            table[t("seg.col_revenue_share", lang)] = [
                format_percent(v, lang) for v in s["revenue_share"]
            ]
            table[t("seg.col_revenue_pc", lang)] = [
                format_money(v, lang) for v in s["revenue_per_customer"]
            ]
        table[t("seg.col_borderline", lang)] = [
            format_percent(v, lang) for v in s["borderline_share"]
        ]
        return pd.DataFrame(table)

    def top_traits_table(self, n: int = 4) -> pd.DataFrame:
        """The ``n`` most distinctive significant traits of each segment, as sentences."""
        if self.profile is None:
            raise ParameterError("This segmentation was built with profile=False.")
        lang = self.language
        top = self.profile.top_features(n=n, language=lang)
        rows = []
        for i, name in enumerate(self.names):
            part = top[top["segment"] == i]
            for j, r in enumerate(part.itertuples()):
                rows.append(
                    {
                        t("seg.col_segment", lang): name if j == 0 else "",
                        t("seg.col_trait", lang): r.description,
                        t("seg.col_std_diff", lang): (
                            t("seg.no_overlap", lang)
                            if np.isinf(r.std_diff)  # constant groups that differ
                            else format_number(r.std_diff, lang, 1)
                        ),
                    }
                )
        return pd.DataFrame(rows)

    def selection_table(self) -> pd.DataFrame:
        """The evidence for k with translated headers (for reports)."""
        lang = self.language
        s = self.selection
        if s.empty:
            return pd.DataFrame()

        def num(v: float, d: int = 2) -> str:
            if pd.isna(v):
                return ""
            if not np.isfinite(v) or abs(v) > _CH_MEANINGFUL:
                return t("seg.not_meaningful", lang)
            return format_number(v, lang, d)

        out = pd.DataFrame(
            {
                "k": [
                    str(int(k)) + (" ✓" if c else "")
                    for k, c in zip(s["k"], s["chosen"], strict=True)
                ],
                t("seg.stability_q10", lang): [num(v) for v in s["stability_q10"]],
                t("seg.stability_mean", lang): [num(v) for v in s["stability"]],
                t("seg.silhouette", lang): [num(v) for v in s["silhouette"]],
                "Calinski-Harabasz": [num(v, 0) for v in s["calinski_harabasz"]],
                "Davies-Bouldin": [num(v) for v in s["davies_bouldin"]],
                t("seg.min_share", lang): [format_percent(v, lang) for v in s["min_share"]],
            }
        )
        if s["bic"].notna().any():
            out["BIC"] = [num(v, 0) for v in s["bic"]]
        return out

    # ------------------------------------------------------------------ charts

    def plot_selection(self, *, fig: go.Figure | None = None) -> go.Figure:
        """Stability and silhouette by number of segments, the chosen k marked."""
        lang = self.language
        s = self.selection
        if s.empty:
            raise ParameterError(
                "The number of segments was fixed, so there is no selection to plot. Fit with "
                "a range of n_segments to see the evidence."
            )
        fig = fig if fig is not None else make_subplots(specs=[[{"secondary_y": True}]])
        ks = s["k"].astype(int).tolist()
        fig.add_trace(
            go.Scatter(
                x=ks,
                y=s["stability_q10"],
                name=t("seg.stability_q10", lang),
                mode="lines+markers",
                line={"color": "#1f6f8b", "width": 3},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=ks,
                y=s["stability"],
                name=t("seg.stability_mean", lang),
                mode="lines+markers",
                line={"color": "#1f6f8b", "dash": "dot"},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=ks,
                y=s["silhouette"],
                name=t("seg.silhouette", lang),
                mode="lines+markers",
                line={"color": "#f28e2b"},
            ),
            secondary_y=True,
        )
        chosen = int(s.loc[s["chosen"], "k"].iloc[0]) if s["chosen"].any() else None
        if chosen is not None:
            fig.add_vline(x=chosen, line_dash="dash", line_color="#59a14f")
            fig.add_annotation(
                x=chosen,
                y=1.02,
                yref="paper",
                text=t("seg.chosen", lang, k=chosen),
                showarrow=False,
                font={"color": "#2f6b2a"},
            )
        fig.add_hline(
            y=self.segmenter.min_stability,
            line_dash="dot",
            line_color="#999",
            annotation_text=t("seg.min_stability", lang),
            annotation_position="bottom right",
        )
        fig.update_layout(
            title=t("seg.fig_selection", lang),
            template="plotly_white",
            height=420,
            xaxis_title=t("seg.n_segments", lang),
            legend={"orientation": "h", "y": -0.25},
            separators=",." if lang == "es" else ".,",
        )
        fig.update_yaxes(title_text=t("seg.stability_axis", lang), range=[0, 1.05])
        if hasattr(fig, "layout") and "yaxis2" in fig.layout:
            fig.update_yaxes(title_text=t("seg.silhouette", lang), secondary_y=True)
        return fig

    def plot_map(self, *, fig: go.Figure | None = None) -> go.Figure:
        """2-D map of customers (principal components of the basis), coloured by segment."""
        lang = self.language
        c = self.coords
        fig = fig if fig is not None else go.Figure()
        for i, name in enumerate(self.names):
            part = c[c["segment"] == i]
            fig.add_trace(
                go.Scattergl(
                    x=part["pc1"].round(3),
                    y=part["pc2"].round(3),
                    mode="markers",
                    name=html.escape(name),
                    marker={"color": _color(i), "size": 5, "opacity": 0.6},
                    hoverinfo="name",
                )
            )
        ev = c.attrs.get("explained", [np.nan, np.nan])
        fig.update_layout(
            title=t("seg.fig_map", lang),
            template="plotly_white",
            height=480,
            xaxis_title=t("seg.pc", lang, i=1, share=format_percent(ev[0], lang, 0)),
            yaxis_title=t("seg.pc", lang, i=2, share=format_percent(ev[1], lang, 0)),
            separators=",." if lang == "es" else ".,",
        )
        return fig

    def plot_sizes(self, *, fig: go.Figure | None = None) -> go.Figure:
        """Each segment's share of customers next to its share of revenue."""
        lang = self.language
        s = self.sizes
        names = [html.escape(n) for n in s["name"]]
        fig = fig if fig is not None else go.Figure()
        for col, label, color in (
            ("share", t("seg.share_customers", lang), "#9fb7c9"),
            ("revenue_share", t("seg.share_revenue", lang), "#1f6f8b"),
        ):
            fig.add_trace(
                go.Bar(
                    y=names,
                    x=s[col],
                    name=label,
                    orientation="h",
                    marker_color=color,
                    text=[format_percent(v, lang) for v in s[col]],
                    textposition="outside",
                    hovertemplate="%{y}: %{text}<extra>" + label + "</extra>",
                )
            )
        fig.update_layout(
            title=t("seg.fig_sizes", lang),
            template="plotly_white",
            barmode="group",
            height=120 + 70 * len(s),
            xaxis={"tickformat": ".0%"},
            yaxis={"autorange": "reversed"},
            legend={"orientation": "h", "y": -0.15},
            separators=",." if lang == "es" else ".,",
        )
        return fig

    def plot_profile(self, top: int | None = 4, **kw: Any) -> go.Figure:
        """The profile heat map (:meth:`omniseg.segments.SegmentProfile.plot_heatmap`).

        Parameters
        ----------
        top : int or None
            Show only the features among the ``top`` most distinctive of some segment (a
            report of 60+ rows hides what matters); ``None`` shows every feature.
        **kw
            Passed to ``plot_heatmap`` (``value="std_diff"``, ...).
        """
        if self.profile is None:
            raise ParameterError("This segmentation was built with profile=False.")
        prof = self.profile
        if top is not None:
            keep = list(dict.fromkeys(prof.top_features(n=top)["feature"]))
            prof = replace(
                prof,
                cells=prof.cells[prof.cells["feature"].isin(keep)],
                tests=prof.tests[prof.tests.index.isin(keep)],
            )
        return prof.plot_heatmap(**kw)

    # ------------------------------------------------------------------ display

    def summary(self) -> dict[str, Any]:
        """JSON-safe summary for run manifests."""
        return {
            "method": self.segmenter.method,
            "n_segments": len(self.names),
            "selection_reason": self.selection_reason,
            "segments": [
                {
                    "segment": int(r.segment),
                    "name": r.name,
                    "customers": int(r.customers),
                    "share": float(r.share),
                    "revenue_share": None if pd.isna(r.revenue_share) else float(r.revenue_share),
                }
                for r in self.sizes.itertuples()
            ],
            "borderline_share": float(self.confidence["borderline"].mean()),
        }

    def _repr_html_(self) -> str:
        lang = self.language
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>"
            for r in self.sizes_table().itertuples(index=False)
        )
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.sizes_table().columns)
        return (
            f"<div class='os-segmentation'><p>{html.escape(self.lead())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f"<p><small>{html.escape(t('seg.reason', lang))}: "
            f"{html.escape(self.selection_reason)}</small></p></div>"
        )


# ---------------------------------------------------------------------- helpers


def _sizes(
    features: pd.DataFrame, labels: pd.Series, conf: pd.DataFrame, names: list[str]
) -> pd.DataFrame:
    k = len(names)
    revenue = (
        features["monetary"].astype("float64").fillna(0.0)
        if "monetary" in features
        else pd.Series(np.nan, index=features.index)
    )
    total = float(revenue.sum())
    rows = []
    for i in range(k):
        m = (labels == i).to_numpy()
        n = int(m.sum())
        rev = float(revenue[m].sum()) if "monetary" in features else float("nan")
        rows.append(
            {
                "segment": i,
                "name": names[i],
                "customers": n,
                "share": n / len(labels) if len(labels) else float("nan"),
                "revenue": rev,
                "revenue_share": rev / total if total > 0 else float("nan"),
                "revenue_per_customer": rev / n if n else float("nan"),
                "borderline_share": float(conf["borderline"].to_numpy()[m].mean())
                if n
                else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def input_dominance(features: pd.DataFrame, labels: np.ndarray, basis: Any) -> pd.DataFrame:
    """How much of each basis input the segments explain.

    Numbers: eta² (the share of the input's variance between segments, the R² of the input on
    the segment labels); categories: normalised mutual information with the labels. The channel
    mix counts as one input (the main channel, as a category). A value near 1 means the
    segments are that input re-labelled (e.g. age bands), whatever the other inputs say.

    Parameters
    ----------
    features : DataFrame
    labels : ndarray
    basis : SegmentationBasis
        Fitted.

    Returns
    -------
    DataFrame
        ``column``, ``measure`` (``"eta2"`` or ``"nmi"``), ``value``; one row per input.
    """
    from sklearn.metrics import normalized_mutual_info_score

    rows = []
    sources = dict.fromkeys(spec["source"] for spec in basis.columns_ if spec["kind"] != "mix")
    if basis.channels_:
        cols = [f"interactions_{c}" for c in basis.channels_]
        counts = features[cols].fillna(0).to_numpy(float)
        main = np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1), -1)
        value = normalized_mutual_info_score(main, labels)
        rows.append({"column": "main_channel", "measure": "nmi", "value": float(value)})
    for col in sources:
        values = features[col]
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            x = values.astype("float64").to_numpy(na_value=np.nan)
            ok = np.isfinite(x)
            if ok.sum() < 3 or np.nanvar(x[ok]) == 0:
                continue
            grand = x[ok].mean()
            groups = pd.Series(x[ok]).groupby(labels[ok])
            between = float((groups.count() * (groups.mean() - grand) ** 2).sum())
            total = float(((x[ok] - grand) ** 2).sum())
            rows.append({"column": col, "measure": "eta2", "value": between / total})
        else:
            codes = pd.factorize(values.astype("string").fillna("(missing)"))[0]
            rows.append(
                {
                    "column": col,
                    "measure": "nmi",
                    "value": float(normalized_mutual_info_score(codes, labels)),
                }
            )
    return pd.DataFrame(rows, columns=["column", "measure", "value"])


#: Questions the typing tool of a plain customer table asks at most (its attributes that tell
#: the segments apart best, by :func:`input_dominance`).
TYPING_ATTRIBUTES = 5


def fit_typing_tool(
    features: pd.DataFrame,
    labels: Any,
    segment_names: Sequence[str],
    *,
    basis: Any = None,
    seed: int = 42,
) -> Any:
    """The report's typing tool: the default questions, or a customer table's own attributes.

    The default questions (age, main channel, number of channels) need the CRM's age or the
    interactions. A table where none of them can be answered or varies (a CRM-only export
    without age; one channel and no CRM) is asked the :data:`TYPING_ATTRIBUTES` basis inputs
    that tell the segments apart best (eta² or normalised mutual information with the labels,
    :func:`input_dominance`), as they are.

    Parameters
    ----------
    features : DataFrame
    labels : array-like
        Segment per row of ``features``.
    segment_names : sequence of str
    basis : SegmentationBasis, optional
        The fitted basis the segments were formed on (needed for the attribute questions).
    seed : int

    Returns
    -------
    omniseg.segments.TypingTool
        Fitted.
    """
    from omniseg.segments.typing_questions import DEFAULT_QUESTIONS, TYPING_QUESTIONS
    from omniseg.segments.typing_tool import TypingTool

    labels = np.asarray(labels)
    questions = None

    def informative(name: str) -> bool:
        answers = TYPING_QUESTIONS[name].derive(features)
        return answers is not None and answers.dropna().astype(str).nunique() >= 2

    if basis is not None and not any(informative(q) for q in DEFAULT_QUESTIONS):
        ranked = input_dominance(features, labels, basis).sort_values(
            ["value", "column"], ascending=[False, True], kind="stable"
        )
        ranked = ranked[ranked["column"].isin(features.columns)]
        questions = ranked["column"].head(TYPING_ATTRIBUTES).tolist() or None
    # depth 4: on the demo data depth 3 never assigns the smallest planted segment
    # (cross-validated accuracy 0.78 vs 0.91 at depth 4)
    kw = {} if questions is None else {"questions": questions}
    return TypingTool(max_depth=4, random_state=seed, **kw).fit(
        features, labels, segment_names=list(segment_names)
    )


def _coords(Z: np.ndarray, labels: np.ndarray, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = (
        np.sort(rng.choice(len(Z), _MAP_POINTS, replace=False))
        if len(Z) > _MAP_POINTS
        else np.arange(len(Z))
    )
    n_comp = min(2, Z.shape[1])
    pca = PCA(n_components=n_comp, random_state=seed).fit(Z)
    xy = pca.transform(Z[idx])
    if n_comp == 1:
        xy = np.column_stack([xy, np.zeros(len(xy))])
    out = pd.DataFrame({"pc1": xy[:, 0], "pc2": xy[:, 1], "segment": labels[idx]})
    ev = list(pca.explained_variance_ratio_) + [0.0] * (2 - n_comp)
    out.attrs["explained"] = [float(v) for v in ev]
    return out


# ---------------------------------------------------------------------- functions


def segment_customers(
    features: pd.DataFrame,
    *,
    language: str = "en",
    profile: bool = True,
    **params: Any,
) -> Segmentation:
    """Fit a :class:`~omniseg.segments.Segmenter` and describe its segments.

    Parameters
    ----------
    features : DataFrame
        Customer feature table (one row per customer, index = person id), e.g.
        ``build_features(...).set_index("person_id")``.
    language : {"en", "es"}
    profile : bool
        Compute the significance profile.
    **params
        :class:`~omniseg.segments.Segmenter` parameters (``method``, ``n_segments``,
        ``block_weights``, ``random_state``, ...).

    Returns
    -------
    Segmentation
    """
    check_language(language)
    segmenter = Segmenter(**params).fit(features)
    return Segmentation.from_segmenter(segmenter, features, language=language, profile=profile)


def compare_methods(
    features: pd.DataFrame,
    methods: Sequence[str] = METHODS,
    *,
    n_segments: int | Sequence[int] = 5,
    random_state: int = 0,
    **params: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit several methods on the same basis and compare them.

    Parameters
    ----------
    features : DataFrame
    methods : sequence of str
        Among :data:`~omniseg.segments.segmenter.METHODS`.
    n_segments : int or sequence of int
        Fixed k (fast), or candidates (each method chooses its own).
    random_state : int
    **params
        Other :class:`~omniseg.segments.Segmenter` parameters, shared by all methods.

    Returns
    -------
    summary : DataFrame
        One row per method: ``k``, ``silhouette`` (on the shared basis), ``min_share``,
        ``borderline_share``, ``bic`` (mixtures).
    agreement : DataFrame
        Adjusted Rand index between each pair of methods' segments.
    """
    from sklearn.metrics import silhouette_score

    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ParameterError(f"Unknown method(s) {unknown}. Choose among {list(METHODS)}.")
    labels: dict[str, np.ndarray] = {}
    rows = []
    for method in methods:
        seg = Segmenter(
            method=method, n_segments=n_segments, random_state=random_state, **params
        ).fit(features)
        Z = seg.transform(features)
        lab = seg.labels_
        labels[method] = lab
        rng = np.random.default_rng(random_state)
        idx = rng.choice(len(Z), min(len(Z), 4000), replace=False)
        conf = seg.confidence(features)
        bic = (
            float(seg._fitted.bic(Z, seg.basis_.transform_mixed(features)))
            if method in ("gmm", "latent_class")
            else float("nan")
        )
        rows.append(
            {
                "method": method,
                "k": seg.n_segments_,
                "silhouette": float(silhouette_score(Z[idx], lab[idx]))
                if len(np.unique(lab[idx])) > 1
                else float("nan"),
                "min_share": float(np.bincount(lab).min() / len(lab)),
                "borderline_share": float(conf["borderline"].mean()),
                "bic": bic,
            }
        )
    agreement = pd.DataFrame(
        [[adjusted_rand_score(labels[a], labels[b]) for b in methods] for a in methods],
        index=list(methods),
        columns=list(methods),
    )
    return pd.DataFrame(rows).set_index("method"), agreement


# ---------------------------------------------------------------------- report runs

#: File names a report run writes into its folder.
MODEL_FILE = "model.skops"
SEGMENTS_FILE = "segments.csv"


def report_segmentation(
    features: pd.DataFrame,
    settings: dict[str, Any] | None = None,
    *,
    language: str = "en",
    seed: int = 0,
    output_dir: str | Path | None = None,
    progress: bool = False,
) -> tuple[Segmentation, Any]:
    """The segmentation step of a report run.

    Fits a :class:`~omniseg.segments.Segmenter` with the run's settings, or re-scores with the
    saved model named by ``settings["model"]``; with ``output_dir`` writes ``model.skops`` and
    ``segments.csv`` (person, segment, confidence) there, atomically; with
    ``settings["previous"]`` (an earlier run folder or its ``segments.csv``) compares the two
    runs (:func:`omniseg.segments.compare_runs`).

    Parameters
    ----------
    features : DataFrame
        Customer feature table indexed by person.
    settings : dict, optional
        ``method``, ``n_segments``, ``blocks``, ``block_weights``, ``model``, ``previous``.
    language : {"en", "es"}
    seed : int
    output_dir : path, optional
    progress : bool

    Returns
    -------
    segmentation : Segmentation
    drift : DriftReport or None
    """
    from omniseg.segments.models import load_model, save_model

    settings = dict(settings or {})
    model_path = settings.pop("model", None)
    previous = settings.pop("previous", None)
    typing_tool = None
    if model_path:
        bundle = load_model(model_path)
        segmenter = bundle["segmenter"]
        typing_tool = bundle.get("typing_tool")
    else:
        kw = {k: v for k, v in settings.items() if v is not None}
        if isinstance(kw.get("n_segments"), list):
            kw["n_segments"] = tuple(int(k) for k in kw["n_segments"])
        segmenter = Segmenter(random_state=seed, progress=progress, **kw).fit(features)
    result = Segmentation.from_segmenter(segmenter, features, language=language)
    if typing_tool is None:
        typing_tool = fit_typing_tool(
            features,
            result.labels.to_numpy(),
            result.names,
            basis=getattr(segmenter, "basis_", None),
            seed=seed,
        )
    result.typing_tool = typing_tool
    if output_dir:
        out = Path(output_dir)
        if not model_path:
            save_model(
                segmenter,
                out / MODEL_FILE,
                typing_tool=typing_tool,
                segment_names=result.names,
                metadata={"features_rows": len(features)},
            )
        frame = result.to_frame()
        frame.index.name = "person_id"
        atomic_write(out / SEGMENTS_FILE, frame.round({"confidence": 4}).to_csv, private=True)
    drift = None
    if previous:
        from omniseg.segments.drift import compare_runs

        before = read_segments(previous, what="segmentation.previous")
        drift = compare_runs(
            before,
            pd.Series([result.names[s] for s in result.labels], index=result.labels.index),
            language=language,
        )
    return result, drift


def read_segments(path: str | Path, *, what: str = "previous") -> pd.Series:
    """The segment name of each person in an earlier run's ``segments.csv``.

    Parameters
    ----------
    path : path
        A run folder (``reports/<run>``) or its ``segments.csv``.
    what : str
        Name of the setting or option, for error messages.

    Returns
    -------
    Series
        ``segment_name`` (text) indexed by ``person_id``.
    """
    path = Path(path)
    if path.is_dir():
        path = path / SEGMENTS_FILE
    if not path.is_file():
        raise ParameterError(
            f"{what}: {path} does not exist. Fix: give an earlier run's folder (reports/<run>) "
            "or its segments.csv."
        )
    frame = pd.read_csv(path, dtype={"person_id": "string"})
    missing = [c for c in ("person_id", "segment_name") if c not in frame]
    if missing:
        raise ParameterError(
            f"{path} has no {missing} column(s): it is not a segments.csv written by omniseg."
        )
    return frame.set_index("person_id")["segment_name"].astype(str)

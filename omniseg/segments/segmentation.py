"""The segmentation result a strategist reads: sizes, value, confidence, profile, charts.

:func:`segment_customers` fits a :class:`~omniseg.segments.Segmenter` on the customer feature
table and returns a :class:`Segmentation`; :meth:`Segmentation.from_segmenter` does the same for
an already fitted (or loaded) segmenter, so every method (k-means, mixtures, Ward, latent class)
and every run is read through the same object. :func:`compare_methods` puts the methods side by
side (chosen k, silhouette, stability, and how much their segments agree).

The charts are drawn in :mod:`omniseg.segments.segmentation_charts`; the report run's step
(:func:`~omniseg.segments.segmentation_report.report_segmentation`, the run's files) is in
:mod:`omniseg.segments.segmentation_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.metrics import adjusted_rand_score

from omniseg.errors import ParameterError
from omniseg.features.labels import feature_labels
from omniseg.report.i18n import check_language, format_money, format_number, format_percent, t
from omniseg.report.templating import render
from omniseg.segments.basis_defaults import DEFAULT_BLOCK_NAMES
from omniseg.segments.profiling import profile_segments
from omniseg.segments.segment_inputs import input_dominance
from omniseg.segments.segment_profile import SegmentProfile
from omniseg.segments.segmentation_charts import (
    map_coordinates,
    map_figure,
    selection_figure,
    sizes_figure,
)
from omniseg.segments.segmenter import METHODS, Segmenter, segment_labels

__all__ = [
    "DOMINANCE_LIMIT",
    "Segmentation",
    "compare_methods",
    "segment_customers",
]

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
        Display names of the segments: their codes (``S1``, ``S2``, ...) until personas name
        them (:meth:`renamed`; the report shows ``"Young app-first buyer (S1)"`` everywhere).
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
    notes: list[str] = field(default_factory=list)
    typing_tool: Any = None
    #: how strongly each basis input follows the segments
    #: (see :func:`~omniseg.segments.segment_inputs.input_dominance`)
    dominance: pd.DataFrame = field(default_factory=pd.DataFrame)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_segmenter(
        cls,
        segmenter: Segmenter,
        features: pd.DataFrame,
        *,
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
        profile : bool
            Compute the profile (every feature tested; a few seconds at 100k customers).
        profile_columns : list of str, optional
            Features to profile (default: all but dates).
        random_state : int, optional
            Seed of the map's sample (default the segmenter's).
        """
        labels_arr = segmenter.predict(features)
        conf = segmenter.confidence(features)
        k = segmenter.n_segments_
        names = segment_labels(k)
        labels = pd.Series(labels_arr, index=features.index, name="segment")
        sizes = _sizes(features, labels, conf, names)
        prof = None
        if profile:
            cols = (
                list(profile_columns)
                if profile_columns is not None
                else [c for c in features.columns if c not in _NOT_PROFILED]
            )
            # shown under readable labels ("Share of interactions: App") in the language asked
            prof = profile_segments(
                features[cols],
                labels,
                columns=cols,
                segment_names=dict(enumerate(names)),
                feature_labeller=feature_labels,
            )
        seed = segmenter.random_state if random_state is None else random_state
        coords = map_coordinates(segmenter.transform(features), labels_arr, seed)
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
        )

    @property
    def codes(self) -> list[str]:
        """The segments' codes, ``S1``, ``S2``, ...: language-free and, for one saved model,
        the same in every run (a re-scored segment keeps its code when its name changes)."""
        return segment_labels(len(self.names))

    def renamed(self, names: Sequence[str]) -> Segmentation:
        """A copy whose segments are shown as ``names`` (one per segment, in segment order).

        Every table, chart, the profile, the typing tool's rules and :meth:`to_frame` then use
        them; the model, labels and figures are the same objects.

        Parameters
        ----------
        names : sequence of str
            E.g. the personas' names with their codes
            (:meth:`omniseg.voice.Persona.segment_label`).

        Returns
        -------
        Segmentation
        """
        names = [str(n) for n in names]
        if len(names) != len(self.names) or len(set(names)) != len(names):
            raise ParameterError(
                f"Segmentation.renamed needs {len(self.names)} distinct names, one per segment. "
                f"Got {names!r}."
            )
        sizes = self.sizes.copy()
        sizes["name"] = [names[int(s)] for s in sizes["segment"]]
        profile = self.profile
        if profile is not None:
            profile = replace(profile, segment_names=dict(enumerate(names)))
        return replace(self, names=names, sizes=sizes, profile=profile)

    # ------------------------------------------------------------------ tables

    def to_frame(self) -> pd.DataFrame:
        """One row per customer: ``segment``, ``segment_code``, ``segment_name``,
        ``confidence``, ``borderline``."""
        out = self.confidence[["segment", "confidence", "borderline"]].copy()
        codes = self.codes
        out.insert(1, "segment_code", [codes[s] for s in out["segment"]])
        out.insert(2, "segment_name", [self.names[s] for s in out["segment"]])
        return out

    def typing_tool_html(self, language: str = "en") -> str:
        """The typing tool (:attr:`typing_tool`) as HTML, its rules naming the segments as
        :attr:`names` does."""
        if self.typing_tool is None:
            raise ParameterError("This segmentation has no typing tool.")
        return self.typing_tool.to_html(language, segment_names=dict(enumerate(self.names)))

    def lead_text(self, language: str = "en") -> str:
        """One paragraph for the report: how many segments, why, how clear.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        str
        """
        lang = check_language(language)
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

    def basis_text(self, language: str = "en") -> str:
        """What the segments are formed on, and which inputs were left out and why.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        str
        """
        lang = check_language(language)
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

    def dominant_input(self) -> dict[str, Any] | None:
        """The input that explains the segments almost entirely, or ``None``.

        Rule: the segments explain more than :data:`DOMINANCE_LIMIT` (0.8) of one input and
        less than 0.5 of every other (:attr:`dominance`).

        Returns
        -------
        dict or None
            ``column`` (the input) and ``value`` (the share of its variation the segments
            explain).
        """
        d = self.dominance.sort_values("value", ascending=False)
        if len(d) < 2 or float(d["value"].iloc[0]) <= DOMINANCE_LIMIT:
            return None
        if float(d["value"].iloc[1]) >= _OTHERS_WEAK:  # other inputs shape them too
            return None
        top = d.iloc[0]
        return {"column": top["column"], "value": float(top["value"])}

    def dominance_text(self, language: str = "en") -> str:
        """A warning when one input explains the segments almost entirely
        (:meth:`dominant_input`); ``""`` otherwise.

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        str
        """
        lang = check_language(language)
        top = self.dominant_input()
        if top is None:
            return ""
        label = feature_labels([top["column"]], lang)[top["column"]]
        return t("seg.dominance", lang, column=label, value=format_percent(top["value"], lang))

    @property
    def map_applies(self) -> bool:
        """Whether a 2-D map says anything: the basis has two or more dimensions of variation."""
        explained = self.coords.attrs.get("explained", [1.0, 0.0])
        return len(explained) > 1 and float(explained[1]) >= 0.01

    def sizes_table(self, language: str = "en") -> pd.DataFrame:
        """The sizes table with translated headers and formatted numbers (for reports).

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        DataFrame
        """
        lang = check_language(language)
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

    def top_traits_table(self, n: int = 4, *, language: str = "en") -> pd.DataFrame:
        """The ``n`` most distinctive significant traits of each segment, as sentences.

        Parameters
        ----------
        n : int, default 4
        language : {"en", "es"}, default "en"

        Returns
        -------
        DataFrame
        """
        if self.profile is None:
            raise ParameterError("This segmentation was built with profile=False.")
        lang = check_language(language)
        top = self.profile.top_features_table(n=n, language=lang)
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

    def selection_table(self, language: str = "en") -> pd.DataFrame:
        """The evidence for k with translated headers (for reports).

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        DataFrame
        """
        lang = check_language(language)
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

    def plot_selection(self, *, language: str = "en", fig: go.Figure | None = None) -> go.Figure:
        """Stability and silhouette by number of segments, the chosen k marked."""
        return selection_figure(self, language=language, fig=fig)

    def plot_map(self, *, language: str = "en", fig: go.Figure | None = None) -> go.Figure:
        """2-D map of customers (principal components of the basis), coloured by segment."""
        return map_figure(self, language=language, fig=fig)

    def plot_sizes(self, *, language: str = "en", fig: go.Figure | None = None) -> go.Figure:
        """Each segment's share of customers next to its share of revenue."""
        return sizes_figure(self, language=language, fig=fig)

    def plot_profile(self, top: int | None = 4, *, language: str = "en", **kw: Any) -> go.Figure:
        """The profile heat map (:meth:`omniseg.segments.SegmentProfile.plot_heatmap`).

        Parameters
        ----------
        top : int or None
            Show only the features among the ``top`` most distinctive of some segment (a
            report of 60+ rows hides what matters); ``None`` shows every feature.
        language : {"en", "es"}, default "en"
        **kw
            Passed to ``plot_heatmap`` (``value="std_diff"``, ...).
        """
        if self.profile is None:
            raise ParameterError("This segmentation was built with profile=False.")
        language = check_language(language)
        prof = self.profile
        if top is not None:
            keep = list(dict.fromkeys(prof.top_features(n=top)["feature"]))
            # the display names of every feature, then the subset (names made unique on all)
            labels = prof._feature_labels(language)
            prof = prof._worded(language)
            keep = [labels[f] for f in keep]
            prof = replace(
                prof,
                cells=prof.cells[prof.cells["feature"].isin(keep)],
                tests=prof.tests[prof.tests.index.isin(keep)],
            )
        return prof.plot_heatmap(language=language, **kw)

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

    def to_html(self, language: str = "en") -> str:
        """The lead paragraph and the sizes table as an HTML fragment (every text escaped).

        Parameters
        ----------
        language : {"en", "es"}, default "en"

        Returns
        -------
        str
        """
        lang = check_language(language)
        sizes = self.sizes_table(lang)
        return render(
            "segmentation.html.j2",
            lead=self.lead_text(lang),
            header=[str(c) for c in sizes.columns],
            rows=[[str(v) for v in r] for r in sizes.itertuples(index=False)],
            reason_label=t("seg.reason", lang),
            reason=self.selection_reason,
        )

    def _repr_html_(self) -> str:
        from omniseg.report.display_options import display_language

        return self.to_html(display_language())


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


# ---------------------------------------------------------------------- functions


def segment_customers(
    features: pd.DataFrame,
    *,
    profile: bool = True,
    **params: Any,
) -> Segmentation:
    """Fit a :class:`~omniseg.segments.Segmenter` and describe its segments.

    Parameters
    ----------
    features : DataFrame
        Customer feature table (one row per customer, index = person id), e.g.
        ``build_features(...).set_index("person_id")``.
    profile : bool
        Compute the significance profile.
    **params
        :class:`~omniseg.segments.Segmenter` parameters (``method``, ``n_segments``,
        ``block_weights``, ``random_state``, ...).

    Returns
    -------
    Segmentation
    """
    segmenter = Segmenter(**params).fit(features)
    return Segmentation.from_segmenter(segmenter, features, profile=profile)


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

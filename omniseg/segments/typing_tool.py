"""Typing tool: place a person in a segment from a handful of questions.

Segments are found on the full customer feature table (dozens of columns built from every
touchpoint). A call-centre agent, a survey or an interviewer cannot collect those: they can ask a
few questions. :class:`TypingTool` is a small, readable classifier that assigns the segment from
those answers, reports how often it is right (cross-validated) and prints its rules in plain
English or Spanish. It places survey respondents and interviewees who are not linked to a
customer, and new customers before they have a history.

The questions are data (:data:`TYPING_QUESTIONS`), each with its kind, its wording for the agent
and how it is derived from a feature table (:func:`omniseg.features.build_features`) or from a
survey table; :func:`typing_inputs` derives them from either. The defaults:

================  ===========  ================================================================
question          kind         feature table / survey table
================  ===========  ================================================================
``age``           numeric      ``age`` / ``age_band`` ("25-34" -> 29.5; "65+" -> 70)
``main_channel``  categorical  channel with the most ``interactions_<channel>`` (ties: the
                               first in the canonical channel order; no interactions:
                               ``"none"``) / ``pref_channel``
``n_channels``    numeric      ``n_channels`` / the number of answered ``sat_<channel>``
                               questions
================  ===========  ================================================================

Only questions whose answers vary in the fitting data are asked: a question every customer
answers the same (the main channel of a single-channel retailer) is skipped and recorded in
``skipped_questions_``; when none varies, the tool asks nothing and places everyone in the
largest segment (``no_questions_``). With the default questions, one the data cannot answer
(no age in a CRM that has only postcodes) is left out too, in ``unavailable_questions_``; a
question asked for explicitly must be answerable. A segment the fitted tool never assigns is
named with the reason (``unassigned_reasons_``: its customers answer like those of another
segment).

Two models: a shallow decision tree (``model="tree"``, the default; its leaves read as rules)
or a multinomial logistic regression (``model="logistic"``; read as the answers that make each
segment more or less likely). The fitted state is scikit-learn estimators, numpy arrays, lists,
dicts and strings only, so a fitted tool can be saved with ``skops.io.dump``. The questions and
their derivation are in :mod:`omniseg.segments.typing_questions`, the wording of the rules in
:mod:`omniseg.segments.typing_rules`, the questionnaire, the sentences about accuracy and gaps
and the HTML summary in :mod:`omniseg.segments.typing_presentation`. See ``docs/typing_tool.md``.

Examples
--------
>>> import pandas as pd
>>> X = pd.DataFrame({"age": [25, 30, 35, 50, 60, 70] * 5,
...                   "main_channel": ["app"] * 15 + ["store"] * 15,
...                   "n_channels": [2] * 30})
>>> y = [0] * 15 + [1] * 15
>>> tool = TypingTool(cv=3).fit(X, y)
>>> tool.cv_accuracy_
1.0
>>> tool.rules()
['If the main channel is App → S1 (100% of 15 customers)', \
'If the main channel is not App → S2 (100% of 15 customers)']
>>> tool.rules("es")[1]
'Si el canal principal no es App → S2 (100\\xa0% de 15 clientes)'
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import check_is_fitted

import omniseg.segments.typing_presentation as presentation
from omniseg._checks import bad_parameter, check_int
from omniseg.config.vocabulary import order_channels
from omniseg.errors import ParameterError
from omniseg.report.i18n import check_language
from omniseg.report.templating import render
from omniseg.segments.typing_questions import (
    DEFAULT_QUESTIONS,
    NO_CHANNEL,
    TYPING_QUESTIONS,
    check_questions,
    question_kind,
    typing_inputs,
)
from omniseg.segments.typing_rules import logistic_rules, tree_rules

__all__ = ["MODELS", "TypingTool"]

#: The models :class:`TypingTool` offers.
MODELS: tuple[str, ...] = ("tree", "logistic")


def _is_integer_valued(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(len(finite)) and bool(np.all(finite == np.round(finite)))


class TypingTool(ClassifierMixin, BaseEstimator):
    """Assign a segment from a few questions, with its accuracy and plain-language rules.

    Parameters
    ----------
    questions : sequence of str, default ("age", "main_channel", "n_channels")
        Names in :data:`TYPING_QUESTIONS` (derived by :func:`typing_inputs`), or other columns
        of the input table used as they are.
    model : {"tree", "logistic"}, default "tree"
        A shallow decision tree (rules per leaf) or a multinomial logistic regression on the
        standardised answers, categorical answers one-hot encoded (rules: the answers that make
        each segment more or less likely).
    max_depth : int, default 3
        Tree only: the most questions asked on any path (how many conditions a rule has).
    min_samples_leaf : int or float, default 0.02
        Tree only: the fewest customers a rule may cover; a float is a share of the customers.
    cv : int, default 5
        Folds of the stratified cross-validation that measures the accuracy.
    random_state : int, default 0
        Seed of the fold shuffling and of the tree's tie-breaking.

    Attributes
    ----------
    classes_ : ndarray
        The segment labels, sorted.
    model_ : DecisionTreeClassifier or Pipeline
        Fitted on every customer. Its input is the encoded answers (columns ``encoded_names_``).
    cv_accuracy_, cv_accuracy_std_ : float
        Mean and standard deviation of the accuracy over the ``cv`` folds.
    baseline_accuracy_ : float
        The accuracy of always choosing the largest segment (its share of customers).
    confusion_ : ndarray of shape (n_classes, n_classes)
        Cross-validated (out-of-fold) confusion matrix: rows the true segment, columns the
        assigned one, in the order of ``classes_``.
    feature_names_in_ : ndarray of str
        The questions (the inputs the tool uses, whatever table they were derived from).
    n_features_in_ : int
    kinds_ : list of str
        ``"numeric"`` or ``"categorical"`` per question.
    categories_ : dict
        Categorical question -> its answers seen in ``fit``, each a one-hot column. An answer
        not seen in ``fit`` reads as "none of these".
    encoded_names_ : list of str
        Columns of the model's input: numeric questions, then ``"<question>=<answer>"``.
    integer_ : dict
        Numeric question -> whether all its answers in ``fit`` were whole numbers (then rules
        say "52 or less" rather than "52.5 or less").
    missing_seen_ : dict
        Numeric question -> whether some answers were missing in ``fit`` (then rules say where
        an unknown answer goes).
    segment_names_ : list of str
        Display name of each class (``segment_names`` of ``fit``, else ``S1``, ``S2``... for
        integer labels 0..k-1 as :class:`~omniseg.segments.Segmenter` numbers them).
    unassigned_ : list
        Segments the fitted model assigns to none of the fitting customers (a shallow tree may
        run out of questions before it reaches a small segment).
    unassigned_reasons_ : dict
        ``str(segment)`` -> ``{"reason": "answers_like", "like": other}`` for each unassigned
        segment: the segment most of its customers are placed in instead.
    skipped_questions_ : list of str
        Questions not asked because every fitting customer gives the same answer.
    unavailable_questions_ : list of str
        Default questions not asked because the table cannot answer them (no column to derive
        them from); empty when ``questions`` was given explicitly.
    no_questions_ : bool
        True when no question varies: the tool asks nothing and assigns the largest segment.
    n_samples_fit_ : int

    Notes
    -----
    Passes scikit-learn's generic estimator checks that use DataFrames or only the API
    (``tests/test_estimator_checks.py``). The checks that build their data as NumPy arrays or
    sparse matrices are expected to fail: the tool asks its questions by column name and fits
    on a pandas DataFrame with named feature columns only; it refuses an array with a
    :class:`~omniseg.errors.ParameterError`.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"age": [22, 28, 45, 61, 70, 33] * 10,
    ...                   "main_channel": ["app", "web"] * 30, "n_channels": [1, 3] * 30})
    >>> y = [0 if a < 40 else 1 for a in X["age"]]
    >>> tool = TypingTool(cv=3).fit(X, y, segment_names=["Young", "Older"])
    >>> tool.rules()
    ['If age is 39 or less → Young (100% of 30 customers)', \
'If age is 40 or more → Older (100% of 30 customers)']
    >>> tool.predict(pd.DataFrame({"age_band": ["18-24", "55-64"], "pref_channel": ["app", "web"],
    ...                            "n_channels": [2, 2]})).tolist()
    [0, 1]
    """

    def __init__(
        self,
        questions: Sequence[str] = DEFAULT_QUESTIONS,
        model: str = "tree",
        max_depth: int = 3,
        min_samples_leaf: int | float = 0.02,
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.questions = questions
        self.model = model
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.cv = cv
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        # unknown numeric answers are allowed (the tree routes them); text answers are one-hot
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    # ------------------------------------------------------------------ parameters

    def _check_params(self) -> list[str]:
        names = check_questions(self.questions)
        if self.model not in MODELS:
            raise bad_parameter("model", "TypingTool", f"one of {list(MODELS)}", self.model)
        check_int(self.max_depth, "max_depth", "TypingTool", 1)
        check_int(self.cv, "cv", "TypingTool", 2)
        leaf = self.min_samples_leaf
        if isinstance(leaf, bool) or not isinstance(leaf, Real):
            ok = False
        elif isinstance(leaf, Integral):
            ok = leaf >= 1
        else:
            ok = 0 < leaf < 0.5
        if not ok:
            raise bad_parameter(
                "min_samples_leaf", "TypingTool", "an int in [1, inf) or a float in (0, 0.5)", leaf
            )
        if isinstance(self.random_state, bool) or not isinstance(self.random_state, Integral):
            raise bad_parameter("random_state", "TypingTool", "an int (a seed)", self.random_state)
        return names

    def _estimator(self) -> DecisionTreeClassifier | Pipeline:
        if self.model == "tree":
            return DecisionTreeClassifier(
                max_depth=int(self.max_depth),
                min_samples_leaf=self.min_samples_leaf,
                random_state=int(self.random_state),
            )
        return Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("scale", StandardScaler()),
                ("logistic", LogisticRegression(max_iter=2000)),
            ]
        )

    # ------------------------------------------------------------------ encoding

    def _encode(self, inputs: pd.DataFrame) -> np.ndarray:
        """The model's input matrix: numeric answers, then one-hot categorical answers."""
        blocks = []
        for name, kind in zip(self.feature_names_in_, self.kinds_, strict=True):
            if kind == "numeric":
                values = pd.to_numeric(inputs[name], errors="coerce")
                blocks.append(values.to_numpy(dtype="float64", na_value=np.nan)[:, None])
        for name, kind in zip(self.feature_names_in_, self.kinds_, strict=True):
            if kind == "categorical":
                values = inputs[name].astype("string").to_numpy(dtype=object, na_value=None)
                cats = np.array(self.categories_[name], dtype=object)
                blocks.append((values[:, None] == cats[None, :]).astype("float64"))
        return np.hstack(blocks) if blocks else np.empty((len(inputs), 0))

    def _inputs(self, X: Any) -> pd.DataFrame:
        return typing_inputs(X, list(self.feature_names_in_))

    # ------------------------------------------------------------------ fit / predict

    def fit(self, X: pd.DataFrame, y: Any, segment_names: Any = None) -> TypingTool:
        """Fit the tool on customers whose segment is known, and cross-validate it.

        Parameters
        ----------
        X : DataFrame
            A feature table, a survey table, or the answers (see :func:`typing_inputs`).
        y : array-like of shape (n_samples,)
            The segment of each row: ints 0..k-1 as :class:`~omniseg.segments.Segmenter`
            produces them, or any labels. No missing values.
        segment_names : sequence or mapping, optional
            Display names: one per class in the order of ``classes_``, or class -> name.

        Returns
        -------
        TypingTool
            ``self``.
        """
        names = self._check_params()
        self.unavailable_questions_ = []
        if tuple(names) == DEFAULT_QUESTIONS and isinstance(X, pd.DataFrame):
            # the defaults ask what the data can answer; explicit questions must be answerable
            answerable = [n for n in names if TYPING_QUESTIONS[n].derive(X) is not None]
            if answerable:
                self.unavailable_questions_ = [n for n in names if n not in answerable]
                names = answerable
        inputs = typing_inputs(X, names)
        # a question every customer answers the same tells no segment apart: not asked
        varying = [n for n in names if inputs[n].dropna().astype(str).nunique() >= 2]
        self.skipped_questions_ = [n for n in names if n not in varying]
        self.no_questions_ = not varying
        names = varying or names[:1]  # no question varies: a constant input, one leaf
        inputs = inputs[names]
        labels = np.asarray(y)
        if labels.ndim != 1 or len(labels) != len(inputs):
            raise ParameterError(
                f"y must hold one segment per row of X: X has {len(inputs)} rows, y has shape "
                f"{labels.shape}."
            )
        if pd.isna(pd.Series(labels, dtype=object)).any():
            n = int(pd.isna(pd.Series(labels, dtype=object)).sum())
            raise ParameterError(
                f"y has {n} missing segment(s). Fix: drop those customers before fitting."
            )
        classes, counts = np.unique(labels, return_counts=True)
        if len(classes) < 2:
            raise ParameterError(
                f"y must hold at least 2 segments to tell apart. Got {len(classes)}."
            )
        if counts.min() < self.cv:
            smallest = classes[counts.argmin()]
            raise ParameterError(
                f"n_samples={int(counts.min())} of segment {_plain(smallest)!r} should be >= "
                f"cv={self.cv}: every fold needs every segment. Fix: pass a smaller cv or merge "
                "the smallest segment."
            )
        self.feature_names_in_ = np.array(names, dtype=object)
        self.n_features_in_ = len(names)
        self.kinds_ = [question_kind(n, inputs[n]) for n in names]
        self.categories_ = {}
        for name, kind in zip(names, self.kinds_, strict=True):
            if kind == "categorical":
                seen = [str(v) for v in inputs[name].dropna().unique()]
                if name == "main_channel":
                    rest = [v for v in seen if v != NO_CHANNEL]
                    self.categories_[name] = order_channels(rest) + (
                        [NO_CHANNEL] if NO_CHANNEL in seen else []
                    )
                else:
                    self.categories_[name] = sorted(seen)
        self.encoded_names_ = [n for n, k in zip(names, self.kinds_, strict=True) if k == "numeric"]
        self.encoded_names_ += [f"{n}={v}" for n, v in self._categorical_columns()]
        Z = self._encode(inputs)
        self.integer_ = {}
        self.missing_seen_ = {}
        for j, name in enumerate(self.encoded_names_[: self._n_numeric()]):
            self.integer_[name] = _is_integer_valued(Z[:, j])
            self.missing_seen_[name] = bool(np.isnan(Z[:, j]).any())
        self.classes_ = classes
        self.n_samples_fit_ = len(labels)
        self.baseline_accuracy_ = float(counts.max() / counts.sum())
        self.segment_names_ = self._names(segment_names)

        folds = StratifiedKFold(
            n_splits=int(self.cv), shuffle=True, random_state=int(self.random_state)
        )
        out_of_fold = np.empty(len(labels), dtype=labels.dtype)
        scores = []
        for train, test in folds.split(Z, labels):
            fold_model = clone(self._estimator()).fit(Z[train], labels[train])
            out_of_fold[test] = fold_model.predict(Z[test])
            scores.append(float(np.mean(out_of_fold[test] == labels[test])))
        self.model_ = self._estimator().fit(Z, labels)
        fitted = self.model_.predict(Z)
        assigned = set(fitted.tolist())
        self.unassigned_ = [_plain(c) for c in classes if c not in assigned]
        self.unassigned_reasons_ = {}
        for c in classes:
            if c in assigned:
                continue
            placed, n = np.unique(fitted[labels == c], return_counts=True)
            like = _plain(placed[n.argmax()]) if len(placed) else None
            self.unassigned_reasons_[str(_plain(c))] = {"reason": "answers_like", "like": like}
        self.cv_accuracy_ = float(np.mean(scores))
        self.cv_accuracy_std_ = float(np.std(scores))
        self.confusion_ = confusion_matrix(labels, out_of_fold, labels=classes)
        return self

    def _n_numeric(self) -> int:
        return sum(k == "numeric" for k in self.kinds_)

    def _categorical_columns(self) -> list[tuple[str, str]]:
        return [
            (n, v)
            for n, k in zip(self.feature_names_in_, self.kinds_, strict=True)
            if k == "categorical"
            for v in self.categories_[n]
        ]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The segment of each row.

        Parameters
        ----------
        X : DataFrame
            A feature table, a survey table, or the answers (see :func:`typing_inputs`).

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        check_is_fitted(self)
        return self.model_.predict(self._encode(self._inputs(X)))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """The probability of each segment for each row (columns in the order of ``classes_``).

        For the tree, the share of each segment among the fitting customers of the row's leaf.
        """
        check_is_fitted(self)
        return self.model_.predict_proba(self._encode(self._inputs(X)))

    # ------------------------------------------------------------------ names

    def _names(self, segment_names: Any) -> list[str]:
        classes = list(self.classes_)
        if segment_names is None:
            if all(isinstance(c, Integral) for c in classes):
                return [f"S{int(c) + 1}" for c in classes]
            return [str(c) for c in classes]
        if isinstance(segment_names, Mapping):
            missing = [c for c in classes if c not in segment_names]
            if missing:
                raise ParameterError(
                    f"segment_names has no name for segment(s) {missing}. Fix: give a name for "
                    f"every segment in {classes}."
                )
            return [str(segment_names[c]) for c in classes]
        if isinstance(segment_names, str) or not isinstance(segment_names, Sequence | np.ndarray):
            raise ParameterError(
                "segment_names must be a list (one name per segment, in the order of classes_) "
                f"or a dict segment -> name. Got {type(segment_names).__name__}."
            )
        if len(segment_names) != len(classes):
            raise ParameterError(
                f"segment_names has {len(segment_names)} names for {len(classes)} segments "
                f"{classes}. Fix: give one name per segment, in the order of classes_."
            )
        return [str(n) for n in segment_names]

    def _display_names(self, segment_names: Any) -> list[str]:
        return self.segment_names_ if segment_names is None else self._names(segment_names)

    def _names_by_label(self, segment_names: Any) -> dict[int | float | str, str]:
        """Segment label (as in ``unassigned_``) -> display name."""
        names = self._display_names(segment_names)
        return dict(zip(map(_plain, self.classes_), names, strict=True))

    # ------------------------------------------------------------------ rules

    def rules(self, language: str = "en", segment_names: Any = None) -> list[str]:
        """The tool in plain sentences.

        Parameters
        ----------
        language : {"en", "es"}, default "en"
        segment_names : sequence or mapping, optional
            Display names overriding those given to ``fit``.

        Returns
        -------
        list of str
            Tree: one sentence per leaf (sibling leaves that assign the same segment are read
            as one), ordered by segment and then by size, with the share of the leaf's fitting
            customers in that segment. Logistic: one sentence per segment naming the answers
            that most raise and lower its odds.
        """
        check_is_fitted(self)
        check_language(language)
        names = self._display_names(segment_names)
        if self.model == "tree":
            return [text for _, _, text in tree_rules(self, language, names)]
        return logistic_rules(self, language, names)

    # ------------------------------------------------------------------ presentation

    def questionnaire(self, language: str = "en") -> list[str]:
        """The questions to ask, worded for an agent or a survey (one string per question; none
        when no question varies in the fitting data)."""
        check_is_fitted(self)
        return presentation.questionnaire(self, check_language(language))

    def accuracy_text(self, language: str = "en") -> str:
        """One sentence: cross-validated accuracy against the largest-segment baseline."""
        check_is_fitted(self)
        return presentation.accuracy_text(self, language)

    def unassigned_text(self, language: str = "en", segment_names: Any = None) -> str:
        """The segments the tool never assigns and why ("" when there are none): one sentence
        naming them, then one per segment saying whose answers its customers give."""
        check_is_fitted(self)
        return presentation.unassigned_text(self, language, segment_names)

    def skipped_text(self, language: str = "en") -> str:
        """One sentence naming the questions not asked because they do not vary ("" if none)."""
        check_is_fitted(self)
        return presentation.skipped_text(self, language)

    def to_html(self, language: str = "en", segment_names: Any = None) -> str:
        """An HTML summary (every text escaped): model, accuracy, questions and rules."""
        check_is_fitted(self)
        return presentation.typing_tool_html(self, language, segment_names)

    def _repr_html_(self) -> str:
        try:
            check_is_fitted(self)
        except NotFittedError:
            return render("blocks/pre.html.j2", text=repr(self))
        from omniseg.report.display_options import display_language

        return self.to_html(display_language())

    def summary(self, language: str = "en", segment_names: Any = None) -> dict[str, Any]:
        """Plain data for a run manifest (JSON-safe: labels as str/int, numbers as float/int).

        Returns
        -------
        dict
            ``model``, ``questions``, ``kinds``, ``classes``, ``segment_names``, ``n_samples``,
            ``cv``, ``cv_accuracy``, ``cv_accuracy_std``, ``baseline_accuracy``, ``confusion``
            (rows: true segment), ``recall`` (per segment, cross-validated), ``unassigned``,
            ``rules`` and ``accuracy_text`` (in ``language``).
        """
        check_is_fitted(self)
        return {
            "model": str(self.model),
            "questions": [str(q) for q in self.feature_names_in_],
            "kinds": list(self.kinds_),
            "classes": [_plain(c) for c in self.classes_],
            "segment_names": self._display_names(segment_names),
            "n_samples": int(self.n_samples_fit_),
            "cv": int(self.cv),
            "cv_accuracy": float(self.cv_accuracy_),
            "cv_accuracy_std": float(self.cv_accuracy_std_),
            "baseline_accuracy": float(self.baseline_accuracy_),
            "confusion": [[int(v) for v in row] for row in self.confusion_],
            "recall": [
                float(row[i] / row.sum()) if row.sum() else None
                for i, row in enumerate(self.confusion_)
            ],
            "unassigned": list(self.unassigned_),
            "skipped_questions": list(getattr(self, "skipped_questions_", [])),
            "unavailable_questions": list(getattr(self, "unavailable_questions_", [])),
            "rules": self.rules(language, segment_names),
            "accuracy_text": self.accuracy_text(language),
        }


def _plain(value: Hashable) -> int | float | str:
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return str(value)

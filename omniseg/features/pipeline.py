"""From loaded data to the customer feature table, shared by the report notebooks and the CLI.

:func:`customer_features` runs identity resolution and :func:`omniseg.features.build_features`
and returns the table indexed by person. In a report run the table is computed once: the first
notebook that needs it writes ``features.parquet`` into the run folder (written to a temporary
name, then renamed) and later notebooks read it, so every section describes the same customers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from omniseg.atomic import atomic_write
from omniseg.config.vocabulary import IDENTIFIER_COLUMNS, normalise_genders

__all__ = [
    "FEATURES_FILE",
    "IDENTITY_FILE",
    "crm_features",
    "customer_features",
    "fit_resolver",
    "resolved_events",
    "run_segmentation",
]

#: File name of the cached feature table in a run folder.
FEATURES_FILE = "features.parquet"
#: File name of the cached person of every interaction (in row order) in a run folder.
IDENTITY_FILE = "person_ids.parquet"


def resolved_events(
    data: Any,
    *,
    cache_dir: str | Path | None = None,
    resolver: Any = None,
    progress: bool = False,
) -> pd.DataFrame:
    """The interactions with the ``person_id`` identity resolution gives each of them.

    Parameters
    ----------
    data : omniseg.ingest.CustomerData
        Loaded and validated inputs.
    cache_dir : path, optional
        Run folder: ``person_ids.parquet`` there is read instead of resolving again (when it has
        one row per interaction), or written when absent.
    resolver : omniseg.identity.IdentityResolver, optional
        Already fitted on ``data`` (e.g. to show its summary); default: a new one is fitted.
    progress : bool
        Progress bars on the console.

    Returns
    -------
    DataFrame
        ``data.interactions`` with a ``person_id`` column (``string``; ``<NA>`` unresolved).
    """
    interactions = data.interactions
    if not len(interactions):  # a CRM-only export: no touchpoint to give a person
        return interactions.assign(person_id=pd.Series(pd.array([], dtype="string")))
    cache = Path(cache_dir) / IDENTITY_FILE if cache_dir else None
    if resolver is None and cache is not None and cache.is_file():
        cached = pd.read_parquet(cache)["person_id"]
        if len(cached) == len(interactions):
            person = pd.array(cached.to_numpy(), dtype="string")
            return interactions.assign(person_id=pd.Series(person, index=interactions.index))
    if resolver is None:
        resolver = fit_resolver(data, progress=progress)
    person = resolver.transform(interactions)
    if cache is not None:
        frame = pd.DataFrame({"person_id": person.to_numpy()})
        atomic_write(cache, lambda tmp: frame.to_parquet(tmp, index=False), private=True)
    return interactions.assign(person_id=person)


def fit_resolver(data: Any, *, progress: bool = False) -> Any:
    """The run's :class:`~omniseg.identity.IdentityResolver`, fitted on ``data``.

    Without a CRM (a transactions-only export) the interactions' own ``customer_id`` values
    stand in for it, so that a person carrying one keeps it as ``person_id`` (the id the
    business knows, in segments and activation lists) instead of a hashed ``P-…`` id; other
    identifiers are linked to them as usual.
    """
    from omniseg.identity.resolver import IdentityResolver

    customers = data.customers
    if not _has(data, "customers") and "customer_id" in data.interactions:
        ids = data.interactions["customer_id"].dropna().unique()
        customers = pd.DataFrame({"customer_id": pd.array(ids, dtype="string")})
    return IdentityResolver(progress=progress).fit(customers, data.interactions)


def customer_features(
    data: Any, *, cache_dir: str | Path | None = None, progress: bool = False
) -> pd.DataFrame:
    """The customer feature table (one row per resolved person, index ``person_id``).

    :func:`omniseg.features.build_features` on the resolved interactions, plus the survey
    construct scores and NPS of customers linked to a survey respondent (``survey_<construct>``,
    ``survey_nps``; see :func:`omniseg.voice.customer_survey_features`), gender labels
    normalised, and floats rounded to 9 decimals (run-to-run identical).

    Parameters
    ----------
    data : omniseg.ingest.CustomerData
        Loaded and validated inputs.
    cache_dir : path, optional
        Folder to read ``features.parquet`` from, or to write it to when absent.
    progress : bool
        Progress bars on the console.

    Returns
    -------
    DataFrame
    """
    from omniseg.features.table import build_features

    cache = Path(cache_dir) / FEATURES_FILE if cache_dir else None
    if cache is not None and cache.is_file():
        cached = pd.read_parquet(cache)
        cached.index = cached.index.astype("string")  # as built (Parquet reads it as str)
        return cached
    if not _has(data, "interactions"):  # CRM-only: the persons are the CRM customers
        table = crm_features(data.customers)
    else:
        events = resolved_events(data, cache_dir=cache_dir, progress=progress)
        crm = data.customers if _has(data, "customers") else None  # no CRM: ids of the events
        table = build_features(events, crm, progress=progress).set_index("person_id")
    survey, codebook = getattr(data, "survey", None), getattr(data, "codebook", None)
    if survey is not None and codebook is not None and "customer_id" in survey:
        # survey construct scores of customers linked to a respondent (NaN for the others):
        # they describe segments, and can be a basis block ("attitudes")
        from omniseg.voice.survey import customer_survey_features

        scores = customer_survey_features(survey, codebook).set_index("customer_id")
        scores.index = scores.index.astype("string")
        table = table.join(scores, how="left")
    if "gender" in table:  # "F", "Mujer", "female" are one category in every profile
        table["gender"] = normalise_genders(table["gender"])
    # DuckDB sums floats in parallel, in no fixed order: the last bits of sums (revenue) can
    # differ between runs, and a report must be identical for the same inputs and seed
    floats = table.select_dtypes("float").columns
    table[floats] = table[floats].round(9)
    if cache is not None:
        atomic_write(cache, table.to_parquet, private=True)
    return table


def _has(data: Any, table: str) -> bool:
    """Whether ``data`` holds the table (an empty one stands for a table not given)."""
    profile = getattr(data, "profile", None)
    flag = getattr(profile, f"has_{table}", None)
    return bool(flag) if flag is not None else len(getattr(data, table)) > 0


#: CRM columns left out of the feature table of a CRM-only export: identifiers and names are
#: personal data, not attributes to segment or describe customers with.
_NOT_FEATURES = (*IDENTIFIER_COLUMNS, "name", "first_name", "last_name", "full_name")


def crm_features(customers: pd.DataFrame) -> pd.DataFrame:
    """The customer table of a CRM-only export: one row per CRM customer, its attributes.

    ``person_id`` is the ``customer_id`` (index); identifiers and names are left out; a text
    column whose every value is a number (``"29.85"``, ``"12,5"``, read per column as the
    loader reads numbers) becomes numeric, so that tenure or monthly charges exported as text
    are measured, not counted as categories.

    Examples
    --------
    >>> crm = pd.DataFrame({"customer_id": ["C1", "C2"], "email": ["a@x.es", None],
    ...                     "tenure": ["1", "34"], "contract": ["Month-to-month", "One year"]})
    >>> table = crm_features(crm)
    >>> table.index.name, list(table.columns), table["tenure"].tolist()
    ('person_id', ['tenure', 'contract'], [1.0, 34.0])
    """
    from omniseg.ingest.parsing import _read_numbers

    crm = customers.drop_duplicates("customer_id").dropna(subset=["customer_id"])
    out = crm.drop(columns=[c for c in crm.columns if c in _NOT_FEATURES])
    for col in out.columns:
        values = out[col]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        if values.dropna().empty:
            continue
        numbers, bad, _ = _read_numbers(values.astype("string"))
        if not bad.any() and numbers.notna().any():
            out[col] = numbers.to_numpy()
    out.index = pd.Index(crm["customer_id"].astype("string").to_numpy(), name="person_id")
    return out.sort_index()


def run_segmentation(
    ctx: Any, features: pd.DataFrame, *, name_segments: Any = None
) -> tuple[Any, Any]:
    """The run's segmentation for a report notebook.

    The segments notebook fits (or re-scores with ``segmentation.model``) and writes
    ``model.skops`` into the run folder; later notebooks (personas, channel plan) call this
    too and get the same segments from that file instead of refitting.

    Parameters
    ----------
    ctx : omniseg.report.ReportContext
    features : DataFrame
        The customer feature table (:func:`customer_features`).
    name_segments : callable, optional
        Names the segments (see :func:`omniseg.segments.report_segmentation`); the
        :class:`~omniseg.Workbench` gives the personas' names.

    Returns
    -------
    segmentation : omniseg.segments.Segmentation
    drift : omniseg.segments.DriftReport or None
    """
    from omniseg.segments.segmentation_report import MODEL_FILE, report_segmentation

    settings = dict(ctx.settings.get("segmentation") or {})
    saved = Path(ctx.output_dir) / MODEL_FILE if ctx.output_dir else None
    if saved is not None and saved.is_file():
        # the run's own model: re-scored, still compared with the earlier run when one is given
        settings = {"model": str(saved), "previous": settings.get("previous")}
        out = None
    else:
        out = ctx.output_dir
    return report_segmentation(
        features,
        settings,
        seed=ctx.seed,
        output_dir=out,
        progress=not ctx.report_mode,
        name_segments=name_segments,
    )

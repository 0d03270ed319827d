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
from omniseg.vocabulary import normalise_genders

__all__ = [
    "FEATURES_FILE",
    "IDENTITY_FILE",
    "customer_features",
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
    data : omniseg.data.CustomerData
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
    cache = Path(cache_dir) / IDENTITY_FILE if cache_dir else None
    if resolver is None and cache is not None and cache.is_file():
        cached = pd.read_parquet(cache)["person_id"]
        if len(cached) == len(interactions):
            person = pd.array(cached.to_numpy(), dtype="string")
            return interactions.assign(person_id=pd.Series(person, index=interactions.index))
    if resolver is None:
        from omniseg.identity import IdentityResolver

        resolver = IdentityResolver(progress=progress).fit(data.customers, interactions)
    person = resolver.transform(interactions)
    if cache is not None:
        frame = pd.DataFrame({"person_id": person.to_numpy()})
        atomic_write(cache, lambda tmp: frame.to_parquet(tmp, index=False), private=True)
    return interactions.assign(person_id=person)


def customer_features(
    data: Any, *, cache_dir: str | Path | None = None, progress: bool = False
) -> pd.DataFrame:
    """The customer feature table (one row per resolved person, index ``person_id``).

    :func:`omniseg.features.build_features` on the resolved interactions, plus the survey
    construct scores and NPS of customers linked to a survey respondent (``survey_<construct>``,
    ``survey_nps``; see :func:`omniseg.survey.customer_survey_features`), gender labels
    normalised, and floats rounded to 9 decimals (run-to-run identical).

    Parameters
    ----------
    data : omniseg.data.CustomerData
        Loaded and validated inputs.
    cache_dir : path, optional
        Folder to read ``features.parquet`` from, or to write it to when absent.
    progress : bool
        Progress bars on the console.

    Returns
    -------
    DataFrame
    """
    from omniseg.features import build_features

    cache = Path(cache_dir) / FEATURES_FILE if cache_dir else None
    if cache is not None and cache.is_file():
        cached = pd.read_parquet(cache)
        cached.index = cached.index.astype("string")  # as built (Parquet reads it as str)
        return cached
    events = resolved_events(data, cache_dir=cache_dir, progress=progress)
    table = build_features(events, data.customers, progress=progress).set_index("person_id")
    survey, codebook = getattr(data, "survey", None), getattr(data, "codebook", None)
    if survey is not None and codebook is not None and "customer_id" in survey:
        # survey construct scores of customers linked to a respondent (NaN for the others):
        # they describe segments, and can be a basis block ("attitudes")
        from omniseg.survey import customer_survey_features

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


def run_segmentation(ctx: Any, features: pd.DataFrame) -> tuple[Any, Any]:
    """The run's segmentation for a report notebook.

    The segments notebook fits (or re-scores with ``segmentation.model``) and writes
    ``model.skops`` into the run folder; later notebooks (personas, channel plan) call this
    too and get the same segments from that file instead of refitting.

    Parameters
    ----------
    ctx : omniseg.notebook.ReportContext
    features : DataFrame
        The customer feature table (:func:`customer_features`).

    Returns
    -------
    segmentation : omniseg.segmentation.Segmentation
    drift : omniseg.drift.DriftReport or None
    """
    from omniseg.segmentation import MODEL_FILE, report_segmentation

    settings = dict(ctx.settings.get("segmentation") or {})
    saved = Path(ctx.output_dir) / MODEL_FILE if ctx.output_dir else None
    if saved is not None and saved.is_file():
        settings = {"model": str(saved)}
        out = None
    else:
        out = ctx.output_dir
    return report_segmentation(
        features,
        settings,
        language=ctx.language,
        seed=ctx.seed,
        output_dir=out,
        progress=not ctx.report_mode,
    )

"""Load the inputs of the data contract from CSV, Parquet, Excel or DataFrames, and validate them.

Reading is forgiving about *format* — UTF-8 or Latin-1/Windows-1252, ``,`` ``;`` or tab delimiters,
decimal commas from Spanish-locale Excel, gzip, column names in any case or with accents, free
channel labels — and strict about *content*: every cell that cannot be read as its type and every
value that breaks the contract is reported, all at once, in one
:class:`~omniseg.errors.DataValidationError` naming the file, the column, the spreadsheet row
numbers (the header is row 1) and the fix.

Values must also be plausible, not just readable: numbers finite (no ``inf``/``1e400``),
timestamps within :data:`~omniseg.ingest.contract.DEFAULT_TIME_WINDOW` (or ``time_window=``),
Likert/NPS answers on whole points, at least one data row per table and at least one identified
interaction. Parquet folders are checked part by part, and transcript problems name the
transcript's file.

This module holds the public loaders; the steps they run live in the sibling modules: reading
files (:mod:`~omniseg.ingest.reading`), column names (:mod:`~omniseg.ingest.columns`), converting
cells (:mod:`~omniseg.ingest.parsing`), codes read as values (:mod:`~omniseg.ingest.value_codes`),
the checks every table goes through (:mod:`~omniseg.ingest.contract`) and one module per table
(``customers_table``, ``interactions_table``, ``survey_table``, ``interviews_table``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.ingest.columns import _target_problems
from omniseg.ingest.contract import TimeWindow, _resolve_window
from omniseg.ingest.customers_table import _customers
from omniseg.ingest.data import CustomerData, TableReport, ValidationReport, empty_table
from omniseg.ingest.interactions_table import _interactions
from omniseg.ingest.interviews_table import _interviews
from omniseg.ingest.loader_warnings import LoaderWarning
from omniseg.ingest.parsing import _number_formats
from omniseg.ingest.raw_table import _TABLES, _fail
from omniseg.ingest.reading import Source, _read
from omniseg.ingest.survey_table import _survey, load_codebook
from omniseg.ingest.value_codes import _apply_value_maps, check_value_maps

__all__ = [
    "load_customers",
    "load_data",
    "load_data_dir",
    "load_demo",
    "load_interactions",
    "load_interviews",
    "load_survey",
]


#: Identifier columns whose leading zeros a spreadsheet may drop in one export and not another.
#: Ids matched exactly by identity resolution (loyalty ids lose their leading zeros and phones
#: are normalised to E.164 there, so zero-padding does not keep those from linking).
_PADDED_IDS = ("customer_id",)


def _zero_padding_notes(out: dict[str, Any], report: ValidationReport) -> list[LoaderWarning]:
    """Warnings for ids that match the CRM's only once leading zeros are removed.

    ``00123`` in the CRM and ``123`` in the interactions are the same customer whose id lost its
    zeros in a spreadsheet. The ids are not changed (a zero may be meaningful); the warning says
    how many would match. No id value is quoted (they are personal data).
    """
    notes = []
    crm = out.get("customers")
    if crm is None:  # no CRM: nothing to match against
        return notes
    for table in ("interactions", "survey"):
        other = out.get(table)
        if other is None:
            continue
        for col in _PADDED_IDS:
            if col not in crm or col not in other or (table == "survey" and col != "customer_id"):
                continue
            mine = pd.Series(crm[col].dropna().unique(), dtype="string").str.strip()
            theirs = pd.Series(other[col].dropna().unique(), dtype="string").str.strip()
            mine = mine[mine.str.fullmatch(r"\d+").fillna(False).astype(bool)]
            theirs = theirs[theirs.str.fullmatch(r"\d+").fillna(False).astype(bool)]
            if mine.empty or theirs.empty:
                continue
            unmatched = theirs[~theirs.isin(set(mine))]
            stripped = set(mine.str.lstrip("0"))
            n = int(unmatched.str.lstrip("0").isin(stripped).sum())
            if not n:
                continue
            crm_file, other_file = report.tables["customers"].source, report.tables[table].source
            padded_crm = mine.str.startswith("0").mean() >= unmatched.str.startswith("0").mean()
            padded, bare = (crm_file, other_file) if padded_crm else (other_file, crm_file)
            notes.append(
                LoaderWarning(
                    "loader.zero_padding",
                    {
                        "crm": crm_file,
                        "other": other_file,
                        "column": col,
                        "n": n,
                        "padded": padded,
                        "bare": bare,
                    },
                )
            )
    return notes


def _checked(result: tuple[pd.DataFrame, TableReport, list[Problem]]) -> pd.DataFrame:
    df, _, problems = result
    if problems:
        raise DataValidationError(problems)
    return df


def load_customers(
    source: Source,
    *,
    columns: dict[str, str] | None = None,
    time_window: TimeWindow | None = None,
) -> pd.DataFrame:
    """Load and validate the customers (CRM) table. See ``docs/data_contract.md``.

    Parameters
    ----------
    source : path or DataFrame
    columns : dict, optional
        Renames ``{"your column": "canonical name"}``.
    time_window : (start, end), optional
        Its end is the latest plausible ``signup_date`` (default: the end of today, UTC);
        signups start at :data:`DEFAULT_SIGNUP_START` (or the window's start if earlier).

    Raises
    ------
    DataValidationError
        Every problem of the table. :class:`~omniseg.errors.ParameterError` for a bad
        ``time_window``.
    """
    window = _resolve_window(time_window)
    return _checked(_customers(_read(source, "customers", columns), [], window))


def load_interactions(
    source: Source,
    *,
    columns: dict[str, str] | None = None,
    channel_aliases: dict[str, str] | None = None,
    time_window: TimeWindow | None = None,
) -> pd.DataFrame:
    """Load and validate the interactions table (channels and events normalised).

    Parameters
    ----------
    source : path or DataFrame
    columns : dict, optional
        Renames ``{"your column": "canonical name"}``.
    channel_aliases : dict, optional
        Extra channel labels, e.g. ``{"kiosko": "store"}``.
    time_window : (start, end), optional
        Plausible timestamps, both days included; ``None`` for either bound takes
        :data:`DEFAULT_TIME_WINDOW` (1990-01-01 to the end of today, UTC).

    Raises
    ------
    DataValidationError
        Every problem of the table. :class:`~omniseg.errors.ParameterError` for a bad
        ``time_window``.
    """
    window = _resolve_window(time_window)
    raw = _read(source, "interactions", columns)
    return _checked(_interactions(raw, [], channel_aliases, window))


def load_survey(
    source: Source, codebook: str | Path | dict, *, columns: dict[str, str] | None = None
) -> pd.DataFrame:
    """Load and validate a survey against its codebook."""
    cb = load_codebook(codebook)
    cb_label = "<codebook>" if isinstance(codebook, dict) else Path(codebook).name
    return _checked(_survey(_read(source, "survey", columns), cb, cb_label, []))


def load_interviews(source: Source, *, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Load interview transcripts from a folder of ``.txt``/``.md`` files or a table.

    Files may start with a front-matter block of ``key: value`` lines between ``---`` lines
    (``customer_id``, ``respondent_id``, ``language``, ``age``, ...); the file stem is the
    ``interview_id``.
    """
    return _checked(_interviews(source, columns))


def _guarded(problems: list[Problem], fn, *args):
    """Run one table's loader, turning a file-level error into problems so others still run."""
    try:
        return fn(*args)
    except DataValidationError as exc:
        problems.extend(exc.problems)
        return None


def load_data(
    customers: Source | None = None,
    interactions: Source | None = None,
    survey: Source | None = None,
    codebook: str | Path | dict | None = None,
    interviews: Source | None = None,
    *,
    columns: dict[str, dict[str, str]] | None = None,
    channel_aliases: dict[str, str] | None = None,
    time_window: TimeWindow | None = None,
    number_format: dict | None = None,
    value_maps: dict[str, dict[str, dict]] | None = None,
    sheets: dict[str, str | int] | None = None,
) -> CustomerData:
    """Load, type and validate every input; report all problems of all inputs at once.

    Parameters
    ----------
    customers, interactions : path or DataFrame, optional
        The CRM and the touchpoints; at least one of them. Without interactions (a CRM-only
        export) the persons are the CRM customers and the sections that need touchpoints say
        they do not apply; without a CRM (transactions only) the persons come from the
        interactions' identifiers. An absent table is an empty one with the contract's key
        columns (:func:`omniseg.ingest.empty_table`), and ``data.profile`` records it.
    survey : path or DataFrame, optional
        Needs ``codebook``.
    codebook : path or dict, optional
    interviews : folder, path or DataFrame, optional
    columns : dict, optional
        Per table renames, e.g. ``{"interactions": {"fecha": "timestamp"}}``.
    channel_aliases : dict, optional
        Extra channel labels, e.g. ``{"kiosko": "store"}``.
    time_window : (start, end), optional
        The plausible period of interaction timestamps, both days included, e.g.
        ``("2015-01-01", "2026-12-31")``; ``None`` for either bound takes
        :data:`DEFAULT_TIME_WINDOW` (1990-01-01 to the end of today, UTC). Its end also bounds
        customers' ``signup_date``, which may start at :data:`DEFAULT_SIGNUP_START` (1900).
    number_format : dict, optional
        How numbers are written, ``{"decimal": ",", "thousands": "."}`` (``thousands`` may also
        be ``" "`` or ``""``), for every table or per table (``{"customers": {...}}``). Without
        it each column decides from its cells, and ambiguous cells (``15.597``) are read by the
        file's locale with a warning (``docs/loading.md``).
    value_maps : dict, optional
        Codes to read as values, per table and column, applied before any normalisation, e.g.
        ``{"customers": {"gender": {"H": "male", "M": "female"}}}``.
    sheets : dict, optional
        The worksheet of each Excel input, e.g. ``{"customers": "Clientes"}`` (default: the
        first sheet).

    Returns
    -------
    CustomerData

    Raises
    ------
    DataValidationError
        Listing every problem found in every input; also when neither ``customers`` nor
        ``interactions`` is given.
    ParameterError
        A ``time_window`` that is not a pair of dates, or starts after it ends; a bad
        ``number_format``, ``value_maps`` or ``sheets``; ``columns`` for an unknown table.

    Examples
    --------
    >>> import pandas as pd
    >>> data = load_data(
    ...     pd.DataFrame({"customer_id": ["C1"]}),
    ...     pd.DataFrame({"timestamp": ["2026-01-05 10:00"], "channel": ["Tienda"],
    ...                   "event": ["compra"], "customer_id": ["C1"], "revenue": ["12,5"]}),
    ... )
    >>> data.interactions.loc[0, ["channel", "event"]].tolist()
    ['store', 'purchase']
    >>> float(data.interactions.loc[0, "revenue"])
    12.5
    """
    if customers is None and interactions is None:
        raise DataValidationError(
            [
                Problem(
                    "<data>",
                    None,
                    "no customers table and no interactions table were given: there is nothing "
                    "to segment",
                    "give at least one of them: customers= (a CRM export, one row per customer) "
                    "or interactions= (touchpoints or transactions with a customer identifier)",
                )
            ]
        )
    columns = columns or {}
    window = _resolve_window(time_window)
    formats = _number_formats(number_format)
    maps = check_value_maps(value_maps) if value_maps is not None else {}
    sheets = _check_sheets(sheets)
    unknown = sorted(str(t) for t in columns if t not in _TABLES)
    if unknown:
        raise ParameterError(
            f"columns names unknown table(s) {unknown}; its renames would be ignored. "
            f"Allowed: {list(_TABLES)}."
        )
    problems: list[Problem] = []
    for table in ("customers", "interactions", "interviews"):
        problems += _target_problems(table, columns.get(table))
    warnings: list[LoaderWarning] = []
    report = ValidationReport(warnings=warnings)
    sources: dict[str, str] = {}
    out: dict[str, object] = {}

    def run(table, source, fn):
        raw = _guarded(
            problems,
            _read,
            source,
            table,
            columns.get(table),
            sheets.get(table),
            formats.get(table),
        )
        if raw is None:
            return None
        problems.extend(_apply_value_maps(raw, maps.get(table)))
        sources[table] = str(source) if not isinstance(source, pd.DataFrame) else raw.source
        df, table_report, found = fn(raw)
        problems.extend(found)
        warnings.extend(raw.notes)
        report.tables[table] = table_report
        return df

    if customers is not None:
        out["customers"] = run(
            "customers", customers, lambda raw: _customers(raw, warnings, window)
        )
    if interactions is not None:
        out["interactions"] = run(
            "interactions",
            interactions,
            lambda raw: _interactions(raw, warnings, channel_aliases, window),
        )
    cb = None
    if survey is not None:
        if codebook is None:
            problems.append(
                Problem(
                    "<survey>",
                    None,
                    "a survey was given without its codebook",
                    "pass codebook= (YAML file or dict)",
                )
            )
        else:
            cb = _guarded(problems, load_codebook, codebook)
            if cb is not None:
                problems.extend(
                    _target_problems("survey", columns.get("survey"), tuple(cb["items"]))
                )
                cb_label = "<codebook>" if isinstance(codebook, dict) else Path(codebook).name
                out["survey"] = run(
                    "survey", survey, lambda raw: _survey(raw, cb, cb_label, warnings)
                )
    if interviews is not None:
        result = _guarded(
            problems,
            _interviews,
            interviews,
            columns.get("interviews"),
            sheets.get("interviews"),
            maps.get("interviews"),
            warnings,
        )
        if result is not None:
            df, table_report, found = result
            problems.extend(found)
            report.tables["interviews"] = table_report
            sources["interviews"] = (
                str(interviews) if not isinstance(interviews, pd.DataFrame) else "<DataFrame>"
            )
            out["interviews"] = df
    if problems:
        raise DataValidationError(problems)

    warnings.extend(_zero_padding_notes(out, report))
    has_crm = customers is not None
    if not has_crm:
        out["customers"] = empty_table("customers")
    if interactions is None:
        out["interactions"] = empty_table("interactions")
    crm_ids = set(out["customers"]["customer_id"].dropna())
    inter = out["interactions"]
    if has_crm and "customer_id" in inter:
        unknown = inter["customer_id"].dropna()
        n_unknown = int((~unknown.isin(crm_ids)).sum())
        if n_unknown:
            warnings.append(
                LoaderWarning(
                    "loader.unknown_customers",
                    {"src": report.tables["interactions"].source, "n": n_unknown},
                )
            )
    if has_crm and out.get("survey") is not None and "customer_id" in out["survey"]:
        linked = out["survey"]["customer_id"].dropna()
        n_unknown = int((~linked.isin(crm_ids)).sum())
        if n_unknown:
            warnings.append(
                LoaderWarning(
                    "loader.unknown_respondents",
                    {"src": report.tables["survey"].source, "n": n_unknown},
                )
            )
    return CustomerData(
        customers=out["customers"],
        interactions=inter,
        survey=out.get("survey"),
        codebook=cb,
        interviews=out.get("interviews"),
        report=report,
        sources=sources,
    )


def _check_sheets(sheets: object, where: str = "sheets") -> dict[str, str | int]:
    """A checked ``sheets`` mapping: known table -> worksheet name or 0-based position."""
    if sheets is None:
        return {}
    if not isinstance(sheets, dict):
        raise ParameterError(
            f"{where} must map a table to its worksheet, e.g. {{'customers': 'Clientes'}}. "
            f"Got {sheets!r} instead."
        )
    unknown = sorted(str(t) for t in sheets if t not in _TABLES)
    if unknown:
        raise ParameterError(f"{where} names unknown table(s) {unknown}. Allowed: {list(_TABLES)}.")
    for table, sheet in sheets.items():
        if isinstance(sheet, bool) or not isinstance(sheet, str | int) or sheet == "":
            raise ParameterError(
                f"{where}['{table}'] must be a worksheet name or its 0-based position. Got "
                f"{sheet!r} instead."
            )
    return dict(sheets)


def load_data_dir(folder: str | Path, *, time_window: TimeWindow | None = None) -> CustomerData:
    """Load a folder laid out like the demo: ``customers.csv`` and/or ``interactions.csv[.gz]``
    or ``interactions/`` (Parquet parts), and optional ``survey.csv`` + ``survey_codebook.yaml``
    and ``interviews/``. ``time_window`` as in :func:`load_data`."""
    folder = Path(folder)

    def first(*names):
        return next((folder / n for n in names if (folder / n).exists()), None)

    customers = first("customers.csv", "customers.parquet", "customers")
    interactions = first(
        "interactions.csv.gz", "interactions.csv", "interactions.parquet", "interactions"
    )
    if customers is None and interactions is None:  # one of them is enough (load_data)
        raise _fail(
            folder.name,
            f"{folder} has no customers.csv / interactions.csv(.gz) (or Parquet)",
            "put the customer table, the interaction table or both in the folder with these names",
        )
    survey = first("survey.csv", "survey.parquet", "survey.xlsx")
    codebook = first("survey_codebook.yaml", "codebook.yaml")
    interviews = first("interviews")
    return load_data(
        customers,
        interactions,
        survey if codebook else None,
        codebook,
        interviews,
        time_window=time_window,
    )


def load_demo() -> CustomerData:
    """Load the bundled demo dataset (``omniseg.report.demo_data_dir()``)."""
    from omniseg.report.paths import demo_data_dir

    return load_data_dir(demo_data_dir())

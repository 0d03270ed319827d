"""Validated inputs (:class:`CustomerData`) and what loading them found (:class:`ValidationReport`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from omniseg.ingest.data_profile import DataProfile, profile_data
from omniseg.ingest.loader_warnings import LoaderWarning
from omniseg.report.templating import render

__all__ = ["CustomerData", "TableReport", "ValidationReport", "empty_table"]

#: Key columns and dtypes of a table that was not given (the loader's dtypes).
_EMPTY_COLUMNS: dict[str, dict[str, str]] = {
    "customers": {"customer_id": "string"},
    "interactions": {
        "timestamp": "datetime64[ns]",
        "channel": "string",
        "event": "string",
        "customer_id": "string",
    },
}


def empty_table(table: str) -> pd.DataFrame:
    """The zero-row stand-in for a ``customers`` or ``interactions`` table that was not given.

    A loaded table always has rows (a zero-row input fails validation), so an empty one means
    "not in the data": the :class:`~omniseg.ingest.DataProfile` records it
    (``has_customers``, ``has_interactions``) and the sections that need the table say so.

    Examples
    --------
    >>> empty_table("interactions").dtypes.astype(str).to_dict()
    {'timestamp': 'datetime64[ns]', 'channel': 'string', 'event': 'string', 'customer_id': 'string'}
    """
    return pd.DataFrame(
        {c: pd.Series(dtype=d) for c, d in _EMPTY_COLUMNS[table].items()}  # type: ignore[call-overload]
    )


#: The rich display of a validation report (a template of omniseg.report.templating).
_HTML_TEMPLATE = "validation_report.html.j2"


@dataclass
class TableReport:
    """What loading one table found.

    Attributes
    ----------
    name : str
        ``customers``, ``interactions``, ``survey`` or ``interviews``.
    source : str
        File name, or ``<DataFrame>``.
    rows_read : int
        Rows in the input.
    rows : int
        Rows kept (exact duplicates dropped).
    columns : list of str
        Canonical column names after mapping.
    missing_share : dict
        Share of empty values per column (only columns with any).
    date_min, date_max : str or None
        Range of the table's main date (``timestamp``, ``signup_date``).
    extra : dict
        Table-specific counts, e.g. ``channel_counts`` and ``anonymous_rows`` for interactions.
    """

    name: str
    source: str
    rows_read: int
    rows: int
    columns: list[str]
    missing_share: dict[str, float] = field(default_factory=dict)
    date_min: str | None = None
    date_max: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ValidationReport:
    """Summary of validated inputs: row counts, date ranges, missingness and warnings.

    Shown as a rich table in JupyterLab; ``str()`` gives a console summary.
    """

    tables: dict[str, TableReport] = field(default_factory=dict)
    #: what loading found worth a look (:class:`~omniseg.ingest.loader_warnings.LoaderWarning`;
    #: each reads as its English text)
    warnings: list[LoaderWarning | str] = field(default_factory=list)
    #: what the data holds (channels, purchases, revenue, orders, demographics, ...), set when
    #: the :class:`CustomerData` is built; see :mod:`omniseg.ingest.data_profile`
    profile: DataProfile | None = None

    def row_counts(self) -> dict[str, int]:
        """Rows kept per table."""
        return {name: t.rows for name, t in self.tables.items()}

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-serialisable)."""
        return {
            "tables": {k: asdict(v) for k, v in self.tables.items()},
            "warnings": [w.to_dict() if isinstance(w, LoaderWarning) else w for w in self.warnings],
            "profile": None if self.profile is None else self.profile.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        """Rebuild a report from :meth:`to_dict` output."""
        profile = data.get("profile")
        return cls(
            tables={k: TableReport(**v) for k, v in data.get("tables", {}).items()},
            warnings=[LoaderWarning.from_dict(w) for w in data.get("warnings", [])],
            profile=None if profile is None else DataProfile.from_dict(profile),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per table: source, rows read and kept, date range, column count."""
        rows = [
            {
                "table": t.name,
                "source": t.source,
                "rows_read": t.rows_read,
                "rows": t.rows,
                "date_min": t.date_min,
                "date_max": t.date_max,
                "n_columns": len(t.columns),
            }
            for t in self.tables.values()
        ]
        return pd.DataFrame(rows)

    def summary_line(self) -> str:
        """One line, e.g. ``customers 5,000 rows · interactions 143,000 rows · 3 warnings``."""
        parts = [f"{name} {t.rows:,} rows" for name, t in self.tables.items()]
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning(s)")
        return " · ".join(parts)

    def period(self) -> tuple[str | None, str | None]:
        """First and last interaction dates (``YYYY-MM-DD``)."""
        t = self.tables.get("interactions")
        if t is None or t.date_min is None:
            return None, None
        return t.date_min[:10], (t.date_max or "")[:10]

    def __str__(self) -> str:
        lines = ["omniseg — validated inputs"]
        for t in self.tables.values():
            span = f", {t.date_min} to {t.date_max}" if t.date_min else ""
            lines.append(f"  {t.name:<13} {t.rows:>10,} rows ({t.source}{span})")
        if self.warnings:
            lines.append("Warnings:")
            lines.extend(f"  - {w}" for w in self.warnings)
        if self.profile is not None:  # what the report will say it cannot answer
            from omniseg.ingest.overview import data_limits

            limits = data_limits(self.profile, "en")
            if limits:
                lines.append("Not applicable to these data:")
                lines.extend(f"  - {text}" for text in limits)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return render(_HTML_TEMPLATE, tables=list(self.tables.values()), warnings=self.warnings)


@dataclass
class CustomerData:
    """Validated, typed inputs of the data contract (``docs/data_contract.md``).

    Attributes
    ----------
    customers : DataFrame
        One row per CRM customer; no rows when no CRM was given (:func:`empty_table`).
    interactions : DataFrame
        One row per touchpoint; ``channel`` and ``event`` canonical, ``timestamp`` naive UTC;
        no rows when no interactions were given (a CRM-only export).
    survey : DataFrame or None
    codebook : dict or None
        ``{"items": {name: {...}}}``, normalised.
    interviews : DataFrame or None
        ``interview_id``, ``text`` and optional ids and profile columns.
    report : ValidationReport
        Its ``profile`` (what the data holds) is filled in when the data is built.
    sources : dict
        Table name -> file path (or ``<DataFrame>``).
    """

    customers: pd.DataFrame
    interactions: pd.DataFrame
    survey: pd.DataFrame | None = None
    codebook: dict | None = None
    interviews: pd.DataFrame | None = None
    report: ValidationReport = field(default_factory=ValidationReport)
    sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for table in ("customers", "interactions"):  # not given: the empty stand-in
            if getattr(self, table) is None:
                setattr(self, table, empty_table(table))
        if self.report.profile is None:
            self.report.profile = profile_data(self)

    @property
    def profile(self) -> DataProfile:
        """What the data holds (:class:`~omniseg.ingest.DataProfile`)."""
        if self.report.profile is None:
            self.report.profile = profile_data(self)
        return self.report.profile

    def _repr_html_(self) -> str:
        return self.report._repr_html_()

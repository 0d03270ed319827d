"""The interviews: a folder of ``.txt``/``.md`` transcripts, or a table of them.

A transcript file may start with a front-matter block of ``key: value`` lines between ``---``
lines (``customer_id``, ``language``, ...); its stem is the ``interview_id``, which must be unique.
Transcript problems name the transcript's file (``docs/interviews.md``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from omniseg.errors import DataValidationError, Problem
from omniseg.ingest.columns import _apply_columns, _canonical_name, _missing_required
from omniseg.ingest.contract import _missing_share, _no_rows, _not_loaded, _validate
from omniseg.ingest.data import TableReport
from omniseg.ingest.loader_warnings import LoaderWarning
from omniseg.ingest.parsing import _to_string
from omniseg.ingest.raw_table import _fail, _Raw
from omniseg.ingest.reading import Source, _decode, _read
from omniseg.ingest.schemas import interviews_schema
from omniseg.ingest.value_codes import _apply_value_maps, _resolve_gender_codes

__all__: list[str] = []


#: A front-matter block: ``key: value`` lines between two lines of ``---``.
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?(?:\n|\Z)", re.DOTALL | re.MULTILINE)


def _transcript(path: Path, source: str) -> tuple[dict | None, list[Problem]]:
    """One transcript file as a record, or the problems that keep it from being one."""
    try:
        text = _decode(path.read_bytes(), source)
    except DataValidationError as exc:
        return None, exc.problems
    record: dict[str, object] = {"interview_id": path.stem}
    match = _FRONT.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and _canonical_name(key):
                record[_canonical_name(key)] = value.strip() or None
        text = text[match.end() :]
    elif text.split("\n", 1)[0].strip() == "---":
        return None, [
            Problem(
                source,
                None,
                f"transcript '{path.name}' opens a front-matter block with '---' but never "
                "closes it",
                "add a line with only '---' after the 'key: value' lines, or remove the "
                "opening '---'",
            )
        ]
    record["text"] = text.strip()
    if not record["text"]:
        what = "has only front matter, no text" if match else "is empty"
        return None, [
            Problem(
                source,
                "text",
                f"transcript '{path.name}' {what}",
                "put the interview's transcript in the file, or remove the file",
            )
        ]
    return record, []


def _interviews(
    source: Source,
    columns: dict[str, str] | None,
    sheet: str | int | None = None,
    maps: dict[str, dict[str, str]] | None = None,
    warnings: list[LoaderWarning] | None = None,
):
    if isinstance(source, str | Path) and Path(source).is_dir():
        folder = Path(source)
        records, names, problems = [], [], []
        for path in sorted([*folder.glob("*.txt"), *folder.glob("*.md")]):
            record, found = _transcript(path, f"{folder.name}/{path.name}")
            problems += found
            if record is not None:
                records.append(record)
                names.append(path.name)
        if not records and not problems:
            raise _fail(
                folder.name,
                f"no .txt or .md transcripts in {folder}",
                "put one transcript per .txt/.md file in the folder",
            )
        raw = _Raw(
            pd.DataFrame(records, columns=None if records else ["interview_id", "text"]),
            folder.name,
            0,
        )
        raw.frame = _apply_columns(raw.frame, columns, raw.source)
        if "interview_id" in raw.frame:
            ids = raw.frame["interview_id"].astype("string")
            for _, group in raw.frame.groupby(ids, sort=False):
                if len(group) > 1:
                    files = [names[i] for i in group.index]
                    problems.append(
                        Problem(
                            raw.source,
                            "interview_id",
                            f"{len(files)} transcripts have the same interview_id (the file "
                            f"name without its ending, or the front matter's): {files}",
                            "rename the files (or fix their front matter) so that each "
                            "transcript has its own interview_id",
                            n_rows=len(files),
                        )
                    )
                    raw.unreadable.setdefault("interview_id", set()).update(group.index)
        if problems and not records:
            raise DataValidationError(problems)
        row_note = "file"
    else:
        raw = _read(source, "interviews", columns, sheet)
        row_note = "row"
        problems = []
    raw.table = "interviews"
    problems += _apply_value_maps(raw, maps)
    problems += _missing_required(raw, ["interview_id", "text"]) or _no_rows("interviews", raw)
    if problems and not {"interview_id", "text"} <= set(raw.frame.columns):
        return _not_loaded("interviews", raw, problems)
    df = raw.frame.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
            if col == "text":  # kept as written, but a blank transcript is a missing one
                text = df[col].astype("string")
                df[col] = text.mask(text.str.strip().fillna("") == "")
            else:
                df[col] = _to_string(df[col])
    _resolve_gender_codes(raw, df)
    if warnings is not None:
        warnings.extend(raw.notes)
    problems += _validate(raw, df, interviews_schema())
    report = TableReport(
        "interviews",
        raw.source,
        len(raw.frame),
        len(df),
        list(df.columns),
        _missing_share(df),
        extra={"unit": row_note},
    )
    return df.reset_index(drop=True), report, problems

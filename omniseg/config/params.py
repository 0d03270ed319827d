"""Parameters of a report run, read from YAML and checked before anything runs.

A params file looks like this (paths are relative to the params file's folder)::

    run_name: spring-2026          # folder name under output_dir
    language: es                   # en | es: language of the report
    seed: 42                       # every random step of the run derives from it
    output_dir: ../reports         # default: reports/ in the current folder
    title: "Clientes omnicanal"     # optional report title
    data:
      customers: crm/customers.csv
      interactions: exports/interactions/     # a file or a folder of Parquet parts
      survey: survey/answers.xlsx             # optional
      codebook: survey/codebook.yaml          # optional (required with survey)
      interviews: interviews/                 # optional
      columns:                                # optional renames, per table
        interactions: {fecha: timestamp, canal: channel}
      channel_aliases: {kiosko: store}        # optional extra channel labels
      time_window: [2015-01-01, null]         # optional: plausible dates (default 1990 to today)
      number_format: {decimal: ",", thousands: "."}   # optional: how numbers are written
      value_maps: {customers: {gender: {H: male, M: female}}}   # optional: codes -> values
      sheets: {customers: Clientes}           # optional: worksheet of an Excel input
    currency: EUR                             # optional: ISO 4217 code of revenue (default EUR)
    notebooks: [01_data_overview.ipynb, 02_one_view.ipynb]   # optional: sections, in order
    notebook_dir: my_sections/                # optional: folder of your own report notebooks
    cell_timeout: 1800                        # optional: seconds per notebook cell

Unknown keys are an error, not a warning: a typo such as ``langauge`` would otherwise be ignored.

A params file is untrusted input (it may come from a shared folder or a scheduler's
configuration), so it cannot reach outside the run: notebook entries are plain file names inside
the notebooks folder, the run name is matched whole, and the YAML is read with limits on its size,
nesting depth, aliases and expanded size (:data:`YAML_LIMITS`), so an alias bomb is refused
instead of exhausting memory. Every parameter, segmentation and channel plan settings included,
is checked here, before any data is read or any notebook starts.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from omniseg.errors import ParameterError

__all__ = ["YAML_LIMITS", "DataPaths", "RunParams", "load_params", "read_yaml"]

_RUN_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: A notebook entry: a plain ``.ipynb`` file name (no folder part, not hidden).
_NOTEBOOK_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,126}\.ipynb")
#: Limits of a params file: bytes, nesting depth, aliases (``*name``), and values after aliases
#: are expanded (a chain of 30 aliases of aliases stands for 2**30 values).
YAML_LIMITS: dict[str, int] = {
    "max_bytes": 1_000_000,
    "max_depth": 20,
    "max_aliases": 50,
    "max_values": 100_000,
}
LANGUAGES = ("en", "es")
DEFAULT_NOTEBOOKS = (
    "00_summary.ipynb",
    "01_data_overview.ipynb",
    "02_one_view.ipynb",
    "03_segments.ipynb",
    "04_personas.ipynb",
    "05_channel_plan.ipynb",
)
#: Keys allowed under ``segmentation:`` in a params file.
SEGMENTATION_KEYS = ("method", "n_segments", "blocks", "block_weights", "model", "previous")
#: Keys allowed under ``themes:`` (interview themes) in a params file.
THEMES_KEYS = ("n_themes", "extra_stop_words", "codebook")
_TABLES = ("customers", "interactions", "survey", "codebook", "interviews")


@dataclass(frozen=True)
class DataPaths:
    """Where the inputs of a run are. Paths are absolute once loaded by :func:`load_params`."""

    #: at least one of ``customers`` and ``interactions`` (a CRM-only or transactions-only run)
    customers: Path | None = None
    interactions: Path | None = None
    survey: Path | None = None
    codebook: Path | None = None
    interviews: Path | None = None
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    channel_aliases: dict[str, str] = field(default_factory=dict)
    #: plausible period of the data, ``(start, end)`` as ISO dates or ``None`` for the default
    #: (:data:`omniseg.ingest.contract.DEFAULT_TIME_WINDOW`: 1990-01-01 to the day of the run)
    time_window: tuple[str | None, str | None] | None = None
    #: how numbers are written, for every table (``{"decimal": ",", "thousands": "."}``) or per
    #: table (``{"customers": {...}}``); ``None``: each column decides (``docs/loading.md``)
    number_format: dict[str, Any] | None = None
    #: codes to read as values, ``{table: {column: {code: value}}}``
    value_maps: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    #: worksheet of each Excel input, ``{table: name or 0-based position}``
    sheets: dict[str, str | int] = field(default_factory=dict)

    def inputs(self) -> dict[str, Path]:
        """The input paths that are set, by table name."""
        return {t: getattr(self, t) for t in _TABLES if getattr(self, t) is not None}

    def load(self):
        """Load and validate these inputs (:func:`omniseg.ingest.load_data`).

        Returns
        -------
        omniseg.ingest.CustomerData
        """
        from omniseg.ingest.io import load_data

        return load_data(
            **self.inputs(),
            columns=self.columns or None,
            channel_aliases=self.channel_aliases or None,
            time_window=self.time_window,
            number_format=self.number_format,
            value_maps=self.value_maps or None,
            sheets=self.sheets or None,
        )


@dataclass(frozen=True)
class RunParams:
    """Validated parameters of one report run.

    Parameters
    ----------
    data : DataPaths
        The inputs.
    run_name : str
        Name of the run; the report goes to ``output_dir / run_name``. Letters, digits, ``_.-``.
    language : {"en", "es"}
        Language of the report.
    seed : int
        Seed of every random step.
    output_dir : Path
        Parent folder of run folders.
    title : str or None
        Report title; a default in the report's language if ``None``.
    notebooks : tuple of str
        Report notebooks to run, in order (file names in ``notebook_dir``).
    notebook_dir : Path or None
        Folder of the report notebooks; ``None`` for the ones shipped with omniseg
        (``omniseg.report.notebooks_dir()``).
    cell_timeout : int
        Seconds one notebook cell may run before the run fails.
    segmentation : dict
        Segmentation settings (all optional): ``method`` (kmeans, gmm, ward, latent_class),
        ``n_segments`` (an int, or a list of candidates), ``block_weights`` and ``blocks``
        (the basis, see :class:`omniseg.segments.SegmentationBasis`), ``model`` (a ``.skops`` model
        file saved by an earlier run: re-score with it instead of refitting) and ``previous``
        (an earlier run's folder or its ``segments.csv``: compare segments with it, drift).
    channels : dict
        Channel-plan settings (optional): ``weights`` (component -> weight, see
        :data:`omniseg.channels.plan.DEFAULT_WEIGHTS`) and ``costs`` (channel -> cost per contact).
    currency : str
        ISO 4217 code of the revenue amounts (``EUR``, ``USD``, ``MXN``...), one of Babel's
        currencies.
    themes : dict
        Interview-theme settings (optional): ``n_themes`` (fix the number of themes),
        ``extra_stop_words`` (words never used as theme words: your fillers, brand names) and
        ``codebook`` (a YAML file of your themes and their seed words,
        :mod:`omniseg.voice.codebook`).
    """

    data: DataPaths
    run_name: str = "report"
    language: str = "en"
    seed: int = 42
    output_dir: Path = Path("reports")
    title: str | None = None
    notebooks: tuple[str, ...] = DEFAULT_NOTEBOOKS
    notebook_dir: Path | None = None
    cell_timeout: int = 1800
    segmentation: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)
    currency: str = "EUR"
    themes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(
            isinstance(self.run_name, str) and bool(_RUN_NAME_RE.fullmatch(self.run_name)),
            "run_name",
            "a folder name of letters, digits, '_', '.' or '-' (at most 64, not starting with "
            "'.', '_' or '-')",
            self.run_name,
        )
        _check(self.language in LANGUAGES, "language", f"one of {LANGUAGES}", self.language)
        _check(
            isinstance(self.seed, int) and not isinstance(self.seed, bool) and self.seed >= 0,
            "seed",
            "an int in [0, inf)",
            self.seed,
        )
        _check(
            isinstance(self.cell_timeout, int) and self.cell_timeout > 0,
            "cell_timeout",
            "an int in [1, inf)",
            self.cell_timeout,
        )
        _check(
            isinstance(self.notebooks, tuple)
            and len(self.notebooks) > 0
            and all(isinstance(n, str) and _NOTEBOOK_RE.fullmatch(n) for n in self.notebooks)
            and len(set(self.notebooks)) == len(self.notebooks),
            "notebooks",
            "a non-empty list of distinct plain .ipynb file names inside the notebooks folder "
            "(no folder part such as '../' or '/'; put your own notebooks in 'notebook_dir')",
            self.notebooks,
        )
        _check(self.title is None or isinstance(self.title, str), "title", "a string", self.title)
        _check(isinstance(self.segmentation, dict), "segmentation", "a mapping", self.segmentation)
        _check(isinstance(self.channels, dict), "channels", "a mapping", self.channels)
        _check_channels(self.channels)
        _check(isinstance(self.themes, dict), "themes", "a mapping", self.themes)
        _check_themes(self.themes)
        _check_segmentation(self.segmentation)
        _check_currency(self.currency)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (paths as strings) for the run manifest."""
        out = asdict(self)
        out["output_dir"] = str(self.output_dir)
        out["notebook_dir"] = str(self.notebook_dir) if self.notebook_dir else None
        out["notebooks"] = list(self.notebooks)
        out["segmentation"] = {
            k: (str(v) if isinstance(v, Path) else v) for k, v in self.segmentation.items()
        }
        out["themes"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.themes.items()}
        out["data"] = {
            k: (str(v) if isinstance(v, Path) else v) for k, v in out["data"].items() if v
        }
        return out


def _check(ok: bool, name: str, expected: str, got: object) -> None:
    if not ok:
        raise ParameterError(f"The '{name}' parameter must be {expected}. Got {got!r} instead.")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_currency(currency: object) -> None:
    """``currency``: an ISO 4217 code Babel knows (``EUR``, ``USD``, ``GBP``, ``MXN``...)."""
    from babel.numbers import list_currencies

    known = list_currencies()
    if isinstance(currency, str) and currency in known:
        return
    hint = ""
    if isinstance(currency, str):
        if currency.strip().upper() in known:
            hint = f" Did you mean {currency.strip().upper()!r}? Codes are written in capitals."
        else:
            import difflib

            close = difflib.get_close_matches(currency.upper(), sorted(known), n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ParameterError(
        "The 'currency' parameter must be an ISO 4217 currency code such as 'EUR', 'USD' or "
        f"'GBP'. Got {currency!r} instead.{hint}"
    )


def _check_themes(themes: dict[str, Any]) -> None:
    """``themes.n_themes`` (an int >= 2), ``themes.extra_stop_words`` (a list of words),
    ``themes.codebook`` (a YAML file that exists, or a mapping)."""
    bad = sorted(set(themes) - set(THEMES_KEYS))
    if bad:
        raise ParameterError(f"Unknown key(s) under 'themes': {bad}. Allowed: {list(THEMES_KEYS)}.")
    k = themes.get("n_themes")
    if k is not None and (not isinstance(k, int) or isinstance(k, bool) or k < 2):
        raise ParameterError(f"'themes.n_themes' must be an int >= 2. Got {k!r} instead.")
    words = themes.get("extra_stop_words")
    if words is not None and (
        isinstance(words, str)
        or not isinstance(words, list | tuple)
        or not all(isinstance(w, str) for w in words)
    ):
        raise ParameterError(
            f"'themes.extra_stop_words' must be a list of words. Got {words!r} instead. "
            "Fix: extra_stop_words: [acme, vale]."
        )
    book = themes.get("codebook")
    if book is not None:
        from omniseg.voice.codebook import read_codebook

        # exists, is YAML, every theme has seed words (a mapping, from the Workbench, as is)
        read_codebook(book if isinstance(book, dict) else Path(book))


def _check_channels(channels: dict[str, Any]) -> None:
    """``channels.weights`` (components of the plan's score) and ``channels.costs``."""
    from omniseg.channels.plan import DEFAULT_WEIGHTS

    bad = sorted(set(channels) - {"weights", "costs"})
    if bad:
        raise ParameterError(
            f"Unknown key(s) under 'channels': {bad}. Allowed: ['weights', 'costs']."
        )
    for key in ("weights", "costs"):
        value = channels.get(key)
        if value is not None and not (
            isinstance(value, dict)
            and all(isinstance(k, str) and _is_number(v) and v >= 0 for k, v in value.items())
        ):
            raise ParameterError(
                f"'channels.{key}' must map names to numbers >= 0 (finite). Got {value!r} instead."
            )
    unknown = sorted(set(channels.get("weights") or {}) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise ParameterError(
            f"'channels.weights' names unknown component(s) {unknown}. Allowed: "
            f"{list(DEFAULT_WEIGHTS)}."
        )
    weights = channels.get("weights") or {}
    if weights and all(weights.get(k, w) == 0 for k, w in DEFAULT_WEIGHTS.items()):
        raise ParameterError("'channels.weights' gives every component weight 0: nothing to rank.")


def _check_segmentation(settings: dict[str, Any]) -> None:
    """Check ``segmentation:`` with the estimators' own checks, before any data is read."""
    unknown = sorted(set(settings) - set(SEGMENTATION_KEYS))
    if unknown:
        raise ParameterError(
            f"Unknown key(s) under 'segmentation': {unknown}. Allowed: {list(SEGMENTATION_KEYS)}."
        )
    if all(settings.get(k) is None for k in ("method", "n_segments", "blocks", "block_weights")):
        return  # the estimators' defaults: nothing to check (and scikit-learn not to import)
    from omniseg.segments.basis import SegmentationBasis
    from omniseg.segments.segmenter import Segmenter

    kw = {k: settings[k] for k in ("method", "n_segments") if settings.get(k) is not None}
    if isinstance(kw.get("n_segments"), list):
        kw["n_segments"] = tuple(kw["n_segments"])
    try:
        segmenter = Segmenter(**kw)
        segmenter._check_params()
        segmenter._candidates()
        SegmentationBasis(
            blocks=settings.get("blocks"), block_weights=settings.get("block_weights")
        )._blocks()
    except ParameterError as exc:
        raise ParameterError(f"segmentation: {exc}") from None


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits on nesting depth and aliases (see ``YAML_LIMITS``)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > YAML_LIMITS["max_aliases"]:
                raise ParameterError(
                    f"more than {YAML_LIMITS['max_aliases']} YAML aliases (*name); a params "
                    "file needs none. Fix: write the values out."
                )
        self._depth += 1
        if self._depth > YAML_LIMITS["max_depth"]:
            raise ParameterError(
                f"the YAML is nested more than {YAML_LIMITS['max_depth']} levels deep. Fix: a "
                "params file needs three or four levels; check the indentation."
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(value: object, limit: int) -> int:
    """Number of values in ``value`` with aliases expanded, counting stops past ``limit``."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            break
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return count


def read_yaml(path: Path, what: str = "params file") -> Any:
    """Read a YAML file safely: no Python objects, and within :data:`YAML_LIMITS`.

    Parameters
    ----------
    path : Path
    what : str
        What the file is, for messages.

    Returns
    -------
    object
        The plain data (mappings, lists, strings, numbers, ...).

    Raises
    ------
    ParameterError
        Missing, too big, not UTF-8 YAML, too deep, too many aliases, or too big once expanded.
    """
    if not path.is_file():
        raise ParameterError(
            f"{what.capitalize()} not found: {path}. Fix: pass an existing YAML file."
        )
    size = path.stat().st_size
    if size > YAML_LIMITS["max_bytes"]:
        raise ParameterError(
            f"{path.name}: the {what} is {size:,} bytes, more than the "
            f"{YAML_LIMITS['max_bytes']:,} a params file can be. Fix: pass the params file, not a "
            "data file."
        )
    try:
        text = path.read_bytes().decode("utf-8")
        loader = _LimitedLoader(text)
        try:
            value = loader.get_single_data()
        finally:
            loader.dispose()
    except ParameterError as exc:
        raise ParameterError(f"{path.name}: {exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParameterError(
            f"{path.name} is not valid UTF-8 YAML: {detail}. Fix: check the indentation and quotes."
        ) from None
    if _expanded_size(value, YAML_LIMITS["max_values"]) > YAML_LIMITS["max_values"]:
        raise ParameterError(
            f"{path.name}: the {what} expands to more than {YAML_LIMITS['max_values']:,} values "
            "(aliases of aliases, an 'alias bomb'). Fix: write the values out without aliases."
        )
    return value


def _path(value: object, base: Path, key: str) -> Path:
    if not isinstance(value, str | Path) or not str(value).strip():
        raise ParameterError(f"The '{key}' parameter must be a path. Got {value!r} instead.")
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def _params_from_mapping(raw: dict[str, Any], base: Path, origin: str) -> RunParams:
    allowed = {f for f in RunParams.__dataclass_fields__}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ParameterError(
            f"{origin}: unknown parameter(s) {unknown}. Allowed: {sorted(allowed)}."
        )
    data_raw = raw.get("data")
    if not isinstance(data_raw, dict):
        raise ParameterError(
            f"{origin}: the 'data' parameter must be a mapping with a 'customers' path, an "
            f"'interactions' path or both. Got {data_raw!r} instead."
        )
    data_allowed = set(DataPaths.__dataclass_fields__)
    unknown = sorted(set(data_raw) - data_allowed)
    if unknown:
        raise ParameterError(
            f"{origin}: unknown key(s) under 'data': {unknown}. Allowed: {sorted(data_allowed)}."
        )
    if data_raw.get("customers") is None and data_raw.get("interactions") is None:
        raise ParameterError(
            f"{origin}: 'data' needs 'data.customers' (the CRM export), 'data.interactions' "
            "(touchpoints or transactions) or both (file paths); neither is given."
        )
    if data_raw.get("survey") is not None and data_raw.get("codebook") is None:
        raise ParameterError(
            f"{origin}: 'data.survey' needs 'data.codebook' (the survey codebook)."
        )
    columns = data_raw.get("columns") or {}
    aliases = data_raw.get("channel_aliases") or {}
    if not isinstance(columns, dict) or not all(isinstance(v, dict) for v in columns.values()):
        raise ParameterError(
            f"{origin}: 'data.columns' must map a table name to a {{source: canonical}} mapping. "
            f"Got {columns!r} instead."
        )
    tables = ("customers", "interactions", "survey", "interviews")
    unknown = sorted(str(k) for k in columns if k not in tables)
    if unknown:
        raise ParameterError(
            f"{origin}: 'data.columns' names unknown table(s) {unknown}; its renames would be "
            f"ignored. Allowed: {list(tables)}."
        )
    if not isinstance(aliases, dict):
        raise ParameterError(
            f"{origin}: 'data.channel_aliases' must be a mapping of label: channel."
        )
    window = data_raw.get("time_window")
    if window is not None:
        from omniseg.ingest.contract import _resolve_window

        if not isinstance(window, list | tuple) or len(window) != 2:
            raise ParameterError(
                f"{origin}: 'data.time_window' must be a pair [start, end] of dates (either may "
                f"be null for the default). Got {window!r} instead."
            )
        window = tuple(None if v is None else str(v) for v in window)
        try:
            _resolve_window(window)
        except ParameterError as exc:
            raise ParameterError(f"{origin}: data.{exc}") from None
    from omniseg.ingest.io import _check_sheets
    from omniseg.ingest.parsing import _number_formats
    from omniseg.ingest.value_codes import check_value_maps

    number_format = data_raw.get("number_format")
    try:
        if number_format is not None:
            _number_formats(number_format)
        value_maps = check_value_maps(data_raw.get("value_maps") or {}, "data.value_maps")
        sheets = _check_sheets(data_raw.get("sheets"), "data.sheets")
    except ParameterError as exc:
        message = str(exc)
        if message.startswith("number_format"):
            message = "data." + message
        raise ParameterError(f"{origin}: {message}") from None
    data = DataPaths(
        time_window=window,
        number_format=number_format,
        value_maps=value_maps,
        sheets=sheets,
        **{
            t: _path(data_raw[t], base, f"data.{t}") for t in _TABLES if data_raw.get(t) is not None
        },
        columns={str(k): {str(a): str(b) for a, b in v.items()} for k, v in columns.items()},
        channel_aliases={str(k): str(v) for k, v in aliases.items()},
    )
    kwargs = {k: v for k, v in raw.items() if k != "data"}
    for key in ("output_dir", "notebook_dir"):
        if kwargs.get(key) is not None:
            kwargs[key] = _path(kwargs[key], base, key)
    seg = kwargs.get("segmentation")
    if isinstance(seg, dict):
        seg = dict(seg)
        for key in ("model", "previous"):
            if seg.get(key) is not None:
                seg[key] = _path(seg[key], base, f"segmentation.{key}")
        kwargs["segmentation"] = seg
    themes = kwargs.get("themes")
    if isinstance(themes, dict) and themes.get("codebook") is not None:
        kwargs["themes"] = {
            **themes,
            "codebook": _path(themes["codebook"], base, "themes.codebook"),
        }
    if "notebooks" in kwargs:
        nbs = kwargs["notebooks"]
        kwargs["notebooks"] = tuple(nbs) if isinstance(nbs, list | tuple) else nbs
    return RunParams(data=data, **kwargs)


def load_params(source: str | Path | dict[str, Any], **overrides: Any) -> RunParams:
    """Read and check run parameters from a YAML file or a dict.

    Parameters
    ----------
    source : path or dict
        A YAML params file (relative paths inside it are relative to its folder) or a mapping
        (relative paths are relative to the current folder).
    **overrides
        Top-level parameters that replace the file's (e.g. ``run_name="nightly"``); ``None``
        values are ignored.

    Returns
    -------
    RunParams

    Raises
    ------
    ParameterError
        If the file is missing, is not YAML, or any parameter is wrong (all unknown keys listed).
    """
    if isinstance(source, dict):
        raw, base, origin = dict(source), Path.cwd(), "parameters"
    else:
        path = Path(source)
        raw = read_yaml(path)
        if not isinstance(raw, dict):
            raise ParameterError(f"{path.name} must hold a YAML mapping of parameters.")
        base, origin = path.resolve().parent, path.name
    raw.update({k: v for k, v in overrides.items() if v is not None})
    if "output_dir" not in raw:
        raw["output_dir"] = str(Path.cwd() / "reports")
    return _params_from_mapping(raw, base, origin)

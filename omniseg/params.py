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
    notebooks: [01_data_overview.ipynb, 02_one_view.ipynb]   # optional: sections, in order
    notebook_dir: my_sections/                # optional: folder of your own report notebooks
    cell_timeout: 1800                        # optional: seconds per notebook cell

Unknown keys are an error, not a warning: a typo such as ``langauge`` would otherwise be ignored.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from omniseg.errors import ParameterError

__all__ = ["DataPaths", "RunParams", "load_params"]

_RUN_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
LANGUAGES = ("en", "es")
DEFAULT_NOTEBOOKS = (
    "01_data_overview.ipynb",
    "02_one_view.ipynb",
    "03_segments.ipynb",
    "04_personas.ipynb",
    "05_channel_plan.ipynb",
)
#: Keys allowed under ``segmentation:`` in a params file.
SEGMENTATION_KEYS = ("method", "n_segments", "blocks", "block_weights", "model", "previous")
_TABLES = ("customers", "interactions", "survey", "codebook", "interviews")


@dataclass(frozen=True)
class DataPaths:
    """Where the inputs of a run are. Paths are absolute once loaded by :func:`load_params`."""

    customers: Path
    interactions: Path
    survey: Path | None = None
    codebook: Path | None = None
    interviews: Path | None = None
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    channel_aliases: dict[str, str] = field(default_factory=dict)

    def inputs(self) -> dict[str, Path]:
        """The input paths that are set, by table name."""
        return {t: getattr(self, t) for t in _TABLES if getattr(self, t) is not None}

    def load(self):
        """Load and validate these inputs (:func:`omniseg.io.load_data`).

        Returns
        -------
        omniseg.data.CustomerData
        """
        from omniseg.io import load_data

        return load_data(
            **self.inputs(),
            columns=self.columns or None,
            channel_aliases=self.channel_aliases or None,
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
        (``omniseg.paths.notebooks_dir()``).
    cell_timeout : int
        Seconds one notebook cell may run before the run fails.
    segmentation : dict
        Segmentation settings (all optional): ``method`` (kmeans, gmm, ward, latent_class),
        ``n_segments`` (an int, or a list of candidates), ``block_weights`` and ``blocks``
        (the basis, see :class:`omniseg.basis.SegmentationBasis`), ``model`` (a ``.skops`` model
        file saved by an earlier run: re-score with it instead of refitting) and ``previous``
        (an earlier run's folder or its ``segments.csv``: compare segments with it, drift).
    channels : dict
        Channel-plan settings (optional): ``weights`` (component -> weight, see
        :data:`omniseg.channels.DEFAULT_WEIGHTS`) and ``costs`` (channel -> cost per contact).
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

    def __post_init__(self) -> None:
        _check(
            isinstance(self.run_name, str) and bool(_RUN_NAME_RE.match(self.run_name)),
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
            and all(isinstance(n, str) and n.endswith(".ipynb") for n in self.notebooks),
            "notebooks",
            "a non-empty list of .ipynb file names",
            self.notebooks,
        )
        _check(self.title is None or isinstance(self.title, str), "title", "a string", self.title)
        _check(isinstance(self.segmentation, dict), "segmentation", "a mapping", self.segmentation)
        _check(isinstance(self.channels, dict), "channels", "a mapping", self.channels)
        bad = sorted(set(self.channels) - {"weights", "costs"})
        if bad:
            raise ParameterError(
                f"Unknown key(s) under 'channels': {bad}. Allowed: ['weights', 'costs']."
            )
        for key in ("weights", "costs"):
            value = self.channels.get(key)
            if value is not None and not (
                isinstance(value, dict)
                and all(
                    isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
                    for v in value.values()
                )
            ):
                raise ParameterError(
                    f"'channels.{key}' must map names to numbers >= 0. Got {value!r}."
                )
        unknown = sorted(set(self.segmentation) - set(SEGMENTATION_KEYS))
        if unknown:
            raise ParameterError(
                f"Unknown key(s) under 'segmentation': {unknown}. Allowed: "
                f"{list(SEGMENTATION_KEYS)}."
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (paths as strings) for the run manifest."""
        out = asdict(self)
        out["output_dir"] = str(self.output_dir)
        out["notebook_dir"] = str(self.notebook_dir) if self.notebook_dir else None
        out["notebooks"] = list(self.notebooks)
        out["segmentation"] = {
            k: (str(v) if isinstance(v, Path) else v) for k, v in self.segmentation.items()
        }
        out["data"] = {
            k: (str(v) if isinstance(v, Path) else v) for k, v in out["data"].items() if v
        }
        return out


def _check(ok: bool, name: str, expected: str, got: object) -> None:
    if not ok:
        raise ParameterError(f"The '{name}' parameter must be {expected}. Got {got!r} instead.")


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
            f"{origin}: the 'data' parameter must be a mapping with at least 'customers' and "
            f"'interactions' paths. Got {data_raw!r} instead."
        )
    data_allowed = set(DataPaths.__dataclass_fields__)
    unknown = sorted(set(data_raw) - data_allowed)
    if unknown:
        raise ParameterError(
            f"{origin}: unknown key(s) under 'data': {unknown}. Allowed: {sorted(data_allowed)}."
        )
    for required in ("customers", "interactions"):
        if required not in data_raw:
            raise ParameterError(f"{origin}: 'data.{required}' is required (a file path).")
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
    if not isinstance(aliases, dict):
        raise ParameterError(
            f"{origin}: 'data.channel_aliases' must be a mapping of label: channel."
        )
    data = DataPaths(
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
        if not path.is_file():
            raise ParameterError(f"Params file not found: {path}. Fix: pass an existing YAML file.")
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ParameterError(f"{path.name} is not valid UTF-8 YAML: {exc}") from None
        if not isinstance(raw, dict):
            raise ParameterError(f"{path.name} must hold a YAML mapping of parameters.")
        base, origin = path.resolve().parent, path.name
    raw.update({k: v for k, v in overrides.items() if v is not None})
    if "output_dir" not in raw:
        raw["output_dir"] = str(Path.cwd() / "reports")
    return _params_from_mapping(raw, base, origin)

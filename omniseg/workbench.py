"""One entry point from data to a channel plan, for JupyterLab: :class:`Workbench`.

A strategist exploring data in a notebook would otherwise wire identity resolution, the feature
table, the segmentation, the personas and the channel plan by hand, across four modules. A
:class:`Workbench` holds the data and the run's settings (seed, language, segmentation and
channel-plan settings, currency) and computes each step on first access only, through the same
functions the report notebooks use (:mod:`omniseg.features.pipeline`,
:func:`omniseg.voice.report_personas`, :func:`omniseg.channels.report_channel_plan`), so the
figures are those of the report. :meth:`Workbench.report` writes the full HTML report of the
same data and settings through :func:`omniseg.report.run_report`, as ``omniseg report`` does.

The report notebooks build one from their :class:`~omniseg.report.ReportContext`; with the run
folder as ``output_dir`` every step reuses what an earlier notebook wrote there
(``person_ids.parquet``, ``features.parquet``, ``model.skops``), so nothing is fitted twice.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omniseg._checks import bad_parameter, check_int
from omniseg.config.params import DataPaths

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Workbench"]

#: Keys of ``settings`` (as in a run folder's ``run_settings.json``).
SETTINGS_KEYS = ("segmentation", "channels", "currency", "themes")

_CALLER = "Workbench"


class _LoadedInputs(DataPaths):
    """The inputs of a report run whose data is already loaded and validated.

    The report runner loads ``params.data`` with ``load()``; this one returns the data it holds
    (the fields keep the files the data came from, for the run manifest).
    """

    @classmethod
    def of(cls, data: Any) -> _LoadedInputs:
        sources = getattr(data, "sources", {}) or {}
        files = {
            table: Path(source)
            for table, source in sources.items()
            if table in ("customers", "interactions", "survey", "interviews")
            and isinstance(source, str)
            and not source.startswith("<")
            and Path(source).exists()
        }
        inputs = cls(**files)
        object.__setattr__(inputs, "_data", data)  # not a field: kept out of the manifest
        return inputs

    def load(self) -> Any:
        """The data, as loaded (nothing is read again)."""
        return self.__dict__["_data"]


class _Personas(list):
    """The personas (a list), shown as persona cards in JupyterLab in the run's language."""

    def __init__(self, personas: Any, language: str = "en") -> None:
        super().__init__(personas)
        self.language = language

    def _repr_html_(self) -> str:
        from omniseg.voice.persona_cards import persona_cards_html

        return persona_cards_html(self, self.language)


class Workbench:
    """The pipeline from data to a channel plan, each step computed on first access.

    Nothing is computed when the workbench is made. Each property runs its step the first time
    it is read and keeps the result; later reads return the same object. The steps are the
    report's own (same functions, same settings), so ``wb.segments`` is the segmentation of
    ``omniseg report`` for the same data, seed and settings.

    Parameters
    ----------
    data : omniseg.ingest.CustomerData or omniseg.report.ReportContext
        Loaded data (:func:`omniseg.load_data`, :func:`omniseg.load_demo`), or a report
        notebook's context (:func:`omniseg.report.open_report`), whose seed, language,
        settings, run folder and report mode are then used.
    seed : int, optional
        Seed of every random step (default 42; with a context: the context's).
    language : {"en", "es"}, optional
        Language of names and texts (default ``"en"``; with a context: the context's). It
        changes the wording only, never the segments or figures.
    settings : dict, optional
        Run settings as in a params file: ``segmentation`` (``method``, ``n_segments``,
        ``blocks``, ``block_weights``, ``model``, ``previous``; see
        :class:`omniseg.config.RunParams`), ``channels`` (``weights``, ``costs``) and
        ``currency`` (ISO 4217, default ``"EUR"``) and ``themes`` (``n_themes``,
        ``extra_stop_words``, ``codebook``). Checked like a params file.
    output_dir : path, optional
        Folder where the steps write their artifacts (``features.parquet``, ``model.skops``,
        ``segments.csv``, ``personas.json``, ``channel_plan.csv``, activation lists) and read
        them back instead of recomputing; default: nothing is written.
    progress : bool, optional
        Progress bars of the long steps (default True; with a context: off in report mode).

    Attributes
    ----------
    data : omniseg.ingest.CustomerData
    seed : int
    language : str
    settings : dict
    output_dir : Path or None
    progress : bool

    Raises
    ------
    ParameterError
        For a wrong argument (one sentence naming it); with a context, for passing ``seed``,
        ``language``, ``settings`` or ``output_dir`` too (they come from the context).

    See Also
    --------
    omniseg.report.run_report : the report run :meth:`report` goes through.

    Examples
    --------
    Nothing is computed until a result is read, and then only once:

    >>> import omniseg
    >>> import pandas as pd
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "age": [30, 41, 52]})
    >>> wb = omniseg.Workbench(omniseg.load_data(customers=customers), seed=42)
    >>> wb.computed
    []
    >>> wb.features["age"].tolist()
    [30, 41, 52]
    >>> wb.features is wb.features, wb.computed
    (True, ['features'])

    On the demo data, from data to a channel plan and the report:

    >>> wb = omniseg.Workbench(omniseg.load_demo(), language="es")  # doctest: +SKIP
    >>> wb.segments  # the Segmentation, shown with its sizes  # doctest: +SKIP
    >>> wb.personas  # persona cards  # doctest: +SKIP
    >>> wb.channel_plan  # channels ranked per segment, in the workbench language  # doctest: +SKIP
    >>> wb.channel_plan.top_table(3, language="es")  # doctest: +SKIP
    >>> wb.report("reports/demo").report_path  # doctest: +SKIP
    PosixPath('.../reports/demo/report.html')
    """

    def __init__(
        self,
        data: Any,
        seed: int | None = None,
        language: str | None = None,
        settings: dict[str, Any] | None = None,
        output_dir: str | Path | None = None,
        *,
        progress: bool | None = None,
    ) -> None:
        from omniseg.ingest.data import CustomerData
        from omniseg.report.display_options import set_display_language
        from omniseg.report.i18n import check_language
        from omniseg.report.notebook import ReportContext

        if isinstance(data, ReportContext):
            given = {
                "seed": seed,
                "language": language,
                "settings": settings,
                "output_dir": output_dir,
            }
            extra = sorted(k for k, v in given.items() if v is not None)
            if extra:
                raise bad_parameter(
                    extra[0],
                    _CALLER,
                    "left out with a report context (the context's value is used)",
                    given[extra[0]],
                )
            context = data
        elif isinstance(data, CustomerData):
            context = ReportContext(
                data=data,
                language=check_language(language if language is not None else "en"),
                run_name="interactive",
                seed=check_int(seed if seed is not None else 42, "seed", _CALLER, 0),
                output_dir=_output_dir(output_dir),
                report_mode=False,
                settings=_check_settings(settings),
            )
        else:
            raise bad_parameter(
                "data",
                _CALLER,
                "a CustomerData (omniseg.load_data, omniseg.load_demo) or a ReportContext "
                "(omniseg.report.open_report)",
                type(data).__name__,
            )
        if progress is not None and not isinstance(progress, bool):
            raise bad_parameter("progress", _CALLER, "a bool", progress)
        self._context = context
        # results shown on their own in JupyterLab (``wb.segments``) read in the workbench language
        set_display_language(context.language)
        self.progress = (not context.report_mode) if progress is None else progress

    # --- what the workbench was given ----------------------------------------------------------

    @property
    def data(self) -> Any:
        """The data (:class:`~omniseg.ingest.CustomerData`)."""
        return self._context.data

    @property
    def seed(self) -> int:
        """Seed of every random step."""
        return self._context.seed

    @property
    def language(self) -> str:
        """Language of names and texts."""
        return self._context.language

    @property
    def settings(self) -> dict[str, Any]:
        """Run settings (``segmentation``, ``channels``, ``currency``)."""
        return self._context.settings

    @property
    def output_dir(self) -> Path | None:
        """Folder of the artifacts, or ``None``."""
        return self._context.output_dir

    @property
    def context(self) -> Any:
        """The :class:`~omniseg.report.ReportContext` the steps run with."""
        return self._context

    @property
    def computed(self) -> list[str]:
        """Names of the steps computed so far, in pipeline order."""
        return [shown for name, shown in _STEPS.items() if name in self.__dict__]

    # --- the steps -----------------------------------------------------------------------------

    @cached_property
    def overview(self) -> dict[str, pd.DataFrame]:
        """The data overview's tables (:func:`omniseg.ingest.overview_tables`), by name."""
        from omniseg.ingest.overview import overview_tables

        self._prepare()
        return overview_tables(self.data, language=self.language)

    @cached_property
    def resolver(self) -> Any:
        """The :class:`~omniseg.identity.IdentityResolver` fitted on the data."""
        from omniseg.features.pipeline import fit_resolver

        self._prepare()
        return fit_resolver(self.data, progress=self.progress)

    @cached_property
    def events(self) -> pd.DataFrame:
        """The interactions with the ``person_id`` identity resolution gives them.

        Read from ``output_dir/person_ids.parquet`` when an earlier step wrote it (and
        :attr:`resolver` was not read); else by :attr:`resolver`, and written there.
        """
        from omniseg.features.pipeline import IDENTITY_FILE, resolved_events

        self._prepare()
        cached = self.output_dir is not None and (self.output_dir / IDENTITY_FILE).is_file()
        resolver = None
        if len(self.data.interactions) and ("resolver" in self.__dict__ or not cached):
            resolver = self.resolver
        return resolved_events(self.data, cache_dir=self.output_dir, resolver=resolver)

    @cached_property
    def features(self) -> pd.DataFrame:
        """The person feature table (:func:`omniseg.features.customer_features`).

        One row per resolved person (index ``person_id``). With ``output_dir``, read from
        ``features.parquet`` there when an earlier step wrote it; identities resolved by
        :attr:`resolver` are reused (written to ``person_ids.parquet`` first).
        """
        from omniseg.features.pipeline import FEATURES_FILE, customer_features

        self._prepare()
        out = self.output_dir
        if out is not None and "resolver" in self.__dict__ and not (out / FEATURES_FILE).is_file():
            _ = self.events  # the fitted resolver's persons, read back by customer_features
        return customer_features(self.data, cache_dir=out, progress=self.progress)

    @cached_property
    def _segmentation(self) -> tuple[Any, Any]:
        from omniseg.features.pipeline import run_segmentation

        features = self.features
        self._prepare()
        return run_segmentation(self._context, features, name_segments=self._segment_names)

    def _segment_names(self, coded: Any) -> list[str]:
        """The personas' names with their codes, one per segment of ``coded`` (the
        segmentation before it is named): read from ``output_dir/personas.json`` when an
        earlier step of the run wrote it in this language, else from :attr:`personas`."""
        self.__dict__["_coded"] = coded  # what the personas are built on
        saved = _saved_names(self.output_dir, coded.codes, self.language)
        if saved is not None:
            return saved
        return [p.segment_label(self.language) for p in self.personas]

    @property
    def segments(self) -> Any:
        """The :class:`~omniseg.segments.Segmentation` (fitted with the run's settings).

        Fitted by :func:`omniseg.features.run_segmentation`; with ``output_dir``, the saved
        ``model.skops`` there re-scores instead of refitting. Its segments are named by their
        personas, with their codes (``"Young app-first buyer (S1)"``), in every table, chart,
        file and rule it shows.
        """
        return self._segmentation[0]

    @property
    def drift(self) -> Any:
        """Segments compared with ``settings["segmentation"]["previous"]``, or ``None``."""
        return self._segmentation[1]

    @cached_property
    def _persona_step(self) -> tuple[_Personas, Any]:
        from omniseg.voice.persona_cards import report_personas

        features = self.features
        if "_coded" not in self.__dict__:
            _ = self._segmentation  # names the segments, reading the personas when needed
        segments = self.__dict__["_coded"]
        self._prepare()
        personas, themes = report_personas(
            self.data,
            features,
            segments,
            language=self.language,
            seed=self.seed,
            output_dir=self.output_dir,
            theme_settings=self.settings.get("themes") or {},
        )
        return _Personas(personas, self.language), themes

    @property
    def personas(self) -> list[Any]:
        """One :class:`~omniseg.voice.Persona` per segment (a list; shown as cards)."""
        return self._persona_step[0]

    @property
    def themes(self) -> Any:
        """The interview themes the personas quote (``None`` without interviews)."""
        return self._persona_step[1]

    @cached_property
    def survey_weights(self) -> Any:
        """The survey weighted to the customer base (``None`` without a survey)."""
        from omniseg.voice.survey_weights import report_survey_weights

        features, segments, personas = self.features, self.segments, self.personas
        self._prepare()
        return report_survey_weights(
            self.data,
            features,
            segments,
            output_dir=self.output_dir,
            personas=personas,
            language=self.language,
        )

    @cached_property
    def _channel_step(self) -> tuple[Any, Any, Any]:
        from omniseg.channels.plan_report import report_channel_plan

        features, segments = self.features, self.segments
        has_events = getattr(self.data.profile, "has_interactions", True)
        events = self.events if has_events else None
        self._prepare()
        return report_channel_plan(
            self.data,
            features,
            segments,
            language=self.language,
            output_dir=self.output_dir,
            events=events,
            **(self.settings.get("channels") or {}),
        )

    @property
    def channel_plan(self) -> Any:
        """The :class:`~omniseg.channels.ChannelPlan`: channels ranked per segment."""
        return self._channel_step[0]

    @property
    def journeys(self) -> Any:
        """The customer journeys the plan's attribution rests on."""
        return self._channel_step[1]

    @property
    def gaps(self) -> Any:
        """Omnichannel gaps per segment (a DataFrame)."""
        return self._channel_step[2]

    @cached_property
    def summary(self) -> Any:
        """The report's first section (:class:`~omniseg.summary.RunSummary`): segments by
        persona, key findings, the action list (its customer lists written to ``output_dir``),
        what the data could not answer and, with ``segmentation.previous``, what changed."""
        from omniseg.summary.run_summary import build_summary

        features, segments, personas = self.features, self.segments, self.personas
        plan, gaps = self.channel_plan, self.gaps
        self._prepare()
        return build_summary(
            self.data,
            features,
            segments,
            personas,
            plan,
            gaps,
            drift=self.drift,
            previous=(self.settings.get("segmentation") or {}).get("previous"),
            seed=self.seed,
            output_dir=self.output_dir,
        )

    # --- the report ----------------------------------------------------------------------------

    def report(
        self,
        path: str | Path,
        *,
        title: str | None = None,
        progress: bool = True,
        echo: Any = None,
    ) -> Any:
        """Write the full HTML report of this data with these settings.

        The same run as ``omniseg report`` (:func:`omniseg.report.run_report`: every report
        notebook, a fresh run folder, all-or-nothing), on this workbench's data as loaded, with
        its seed, language and settings. What the workbench has computed is not reused: the
        run computes everything again in its own folder, as the command does.

        Parameters
        ----------
        path : path
            The run folder to write: ``path/report.html`` and the run's artifacts. Its name is
            the run name (letters, digits, ``_.-``); its parent is created if needed.
        title : str, optional
            Report title; default: the standard title in the report's language.
        progress : bool
            Progress bar on the console.
        echo : callable, optional
            Receives one line per finished step.

        Returns
        -------
        omniseg.report.RunResult
            ``report_path`` is the HTML file.

        Raises
        ------
        ParameterError
            For a run name that is not a plain folder name.
        omniseg.errors.ReportError
            If a notebook fails (the previous report of that folder is left untouched).
        """
        from omniseg.config.params import RunParams
        from omniseg.report.runs import run_report

        if not isinstance(path, str | Path) or not str(path).strip():
            raise bad_parameter("path", f"{_CALLER}.report", "a folder path", path)
        path = Path(path).expanduser().absolute()
        params = RunParams(
            data=_LoadedInputs.of(self.data),
            run_name=path.name,
            language=self.language,
            seed=self.seed,
            output_dir=path.parent,
            title=title,
            **_run_settings(self.settings),
        )
        return run_report(params, progress=progress, echo=echo)

    # --- display -------------------------------------------------------------------------------

    def __repr__(self) -> str:
        done = ", ".join(self.computed) or "nothing yet"
        return (
            f"Workbench(seed={self.seed}, language={self.language!r}, "
            f"output_dir={str(self.output_dir) if self.output_dir else None!r}; computed: {done})"
        )

    def _repr_html_(self) -> str:
        from omniseg.report.templating import render

        rows = [
            (shown, self._summary(name) if name in self.__dict__ else "not computed yet")
            for name, shown in _STEPS.items()
        ]
        return render(
            "workbench.html.j2",
            seed=self.seed,
            language=self.language,
            where=str(self.output_dir) if self.output_dir else "nowhere",
            rows=rows,
        )

    def _summary(self, name: str) -> str:
        """One line on a computed step, for :meth:`_repr_html_`."""
        if name == "features":
            table = self.features
            return f"{len(table):,} persons, {table.shape[1]} features"
        if name == "_segmentation":
            seg = self.segments
            return f"{len(seg.names)} segments: {', '.join(map(str, seg.names))}"
        if name == "_persona_step":
            return f"{len(self.personas)} personas: " + ", ".join(
                p.name_text(self.language) for p in self.personas
            )
        if name == "_channel_step":
            return f"channel plan for {len(self.segments.names)} segments"
        if name == "overview":
            return f"{len(self.overview)} tables"
        if name == "summary":
            return f"{len(self.summary.findings)} findings, {len(self.summary.actions)} actions"
        value = self.__dict__[name]
        return "none (not in the data)" if value is None else type(value).__name__

    def _prepare(self) -> None:
        """Before a step: the run's currency in every money figure, the artifacts' folder."""
        from omniseg.report.i18n import set_currency

        currency = self.settings.get("currency", "EUR")
        set_currency(currency)
        if self.data.report.profile is not None:
            self.data.report.profile.currency = currency
        if self.output_dir is not None:
            self.output_dir.mkdir(parents=True, exist_ok=True)


#: cached attribute -> the property that reads it, in pipeline order
_STEPS: dict[str, str] = {
    "overview": "overview",
    "resolver": "resolver",
    "events": "events",
    "features": "features",
    "_segmentation": "segments",
    "_persona_step": "personas",
    "survey_weights": "survey_weights",
    "_channel_step": "channel_plan",
    "summary": "summary",
}


def _saved_names(folder: Path | None, codes: list[str], language: str) -> list[str] | None:
    """The segments' display names in ``folder/personas.json`` if it names exactly these
    segments in ``language`` (else ``None``: the personas are built)."""
    import json

    path = folder / "personas.json" if folder is not None else None
    if path is None or not path.is_file():
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        names = {p["code"]: p["display_name"] for p in saved if p.get("language") == language}
    except (ValueError, TypeError, KeyError):
        return None
    return [names[c] for c in codes] if sorted(names) == sorted(codes) else None


def _output_dir(value: object) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str | Path) or not str(value).strip():
        raise bad_parameter("output_dir", _CALLER, "a folder path or None", value)
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise bad_parameter("output_dir", _CALLER, "a folder (this is a file)", str(value))
    return path


def _run_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` as :class:`~omniseg.config.RunParams` arguments."""
    return {
        "segmentation": dict(settings.get("segmentation") or {}),
        "channels": dict(settings.get("channels") or {}),
        "currency": settings.get("currency", "EUR"),
        "themes": dict(settings.get("themes") or {}),
    }


def _check_settings(settings: object) -> dict[str, Any]:
    """``settings`` checked as a params file's are (unknown keys, values), as a new dict."""
    from omniseg.config.params import RunParams

    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise bad_parameter(
            "settings", _CALLER, "a dict with keys among " + str(list(SETTINGS_KEYS)), settings
        )
    unknown = sorted(set(settings) - set(SETTINGS_KEYS))
    if unknown:
        raise bad_parameter(
            "settings", _CALLER, f"a dict with keys among {list(SETTINGS_KEYS)}", unknown
        )
    for key in ("segmentation", "channels", "themes"):
        if settings.get(key) is not None and not isinstance(settings[key], dict):
            raise bad_parameter(f"settings[{key!r}]", _CALLER, "a dict", settings[key])
    RunParams(data=DataPaths(), **_run_settings(settings))  # the params file's own checks
    return dict(settings)

"""The ``omniseg`` command line.

``omniseg report --demo`` runs the whole pipeline on the bundled demo data;
``omniseg report --params params.yaml`` on your own; ``omniseg validate`` only checks inputs;
``omniseg demo`` generates demo datasets (small CSV, or big Parquet for benchmarks), and with
``--scenario NAME`` one of the gallery of other data shapes (``omniseg.demo.scenarios``);
``omniseg score --model M --data D`` assigns segments to new data with a saved model.

Exit codes (``omniseg report``; ``validate`` and ``demo`` use 0 and 2, ``score`` 0, 2 and 73):

===  ==========================================================================================
0    success: the report is in place.
1    a report notebook failed on valid data (a failure of the report code); the failed
     attempt's notebooks are in ``reports/.failed-<run>/``.
2    bad input data or parameters, also when a notebook stops on an omniseg
     ``DataValidationError``, ``ParameterError`` or ``ModelFileError``; an unusable path such as
     an ``output_dir`` that is a file.
73   the output cannot be written: read-only reports folder, no permission, full disk, full
     temporary folder (``EX_CANTCREAT``).
75   another ``omniseg report`` run of the same name is in progress (``EX_TEMPFAIL``: retry
     later).
130  interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: 128 + the signal number. The kernel was
     stopped and the temporaries removed; the previous report is unchanged.
===  ==========================================================================================

In every failure case the previous report of the same name is left as it was, and one message
(every line of it) is printed on stderr. See ``docs/reports.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from omniseg.errors import (
    EXIT_CANNOT_WRITE,
    DataValidationError,
    OmnisegError,
    ParameterError,
    RunInterrupted,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="omniseg",
    help="Omnichannel customer segments, personas and channel plans.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _err(text: str) -> None:
    typer.echo(text, err=True)


def _demo_params(run_name: str | None, language: str | None, output_dir: Path | None):
    from omniseg.config.params import load_params
    from omniseg.report.paths import demo_data_dir

    demo = demo_data_dir()
    return load_params(
        {
            "run_name": run_name or "demo",
            "data": {
                "customers": str(demo / "customers.csv"),
                "interactions": str(demo / "interactions.csv.gz"),
                "survey": str(demo / "survey.csv"),
                "codebook": str(demo / "survey_codebook.yaml"),
                "interviews": str(demo / "interviews"),
            },
            "title": None,
        },
        language=language,
        output_dir=str(output_dir) if output_dir else None,
    )


@app.command()
def report(
    params: Annotated[
        Path | None, typer.Option("--params", "-p", help="YAML file of run parameters.")
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Use the bundled demo data.")] = False,
    run_name: Annotated[str | None, typer.Option(help="Override the run name.")] = None,
    language: Annotated[str | None, typer.Option(help="Report language: en or es.")] = None,
    output_dir: Annotated[
        Path | None, typer.Option(help="Parent folder of run folders (default: ./reports).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
) -> None:
    """Run the report pipeline and write reports/<run-name>/report.html."""
    from omniseg.config.params import load_params
    from omniseg.report.runs import run_report

    if demo == (params is not None):
        _err("Give exactly one of --demo or --params FILE.")
        raise typer.Exit(2)
    try:
        if demo:
            run_params = _demo_params(run_name, language, output_dir)
        else:
            run_params = load_params(
                params,
                run_name=run_name,
                language=language,
                output_dir=str(output_dir.resolve()) if output_dir else None,
            )
        result = run_report(run_params, progress=not quiet, echo=None if quiet else _err)
    except RunInterrupted as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except OmnisegError as exc:  # exit code by kind: see the module docstring
        _err(f"error: {exc}")
        raise typer.Exit(exc.exit_code) from None
    if not quiet:
        _err(f"Report written in {sum(result.manifest['timings_seconds'].values()):.1f} s.")
    typer.echo(str(result.report_path))


@app.command()
def validate(
    params: Annotated[
        Path | None, typer.Option("--params", "-p", help="YAML file of run parameters.")
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Check the bundled demo data.")] = False,
) -> None:
    """Check the inputs against the data contract and print what was loaded."""
    from omniseg.config.params import load_params
    from omniseg.config.preflight import check_run

    if demo == (params is not None):
        _err("Give exactly one of --demo or --params FILE.")
        raise typer.Exit(2)
    try:
        run_params = _demo_params(None, None, None) if demo else load_params(params)
        paths = run_params.data
        data = paths.load()
        check_run(data, run_params)  # what `report` checks before its first notebook
    except (DataValidationError, ParameterError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    typer.echo(str(data.report))


def _scenario_help() -> str:
    # read from the scenario table itself: importing omniseg.demo.scenarios (numpy, pandas,
    # the generators) would cost every command 0.4 s for a help text
    from omniseg.demo.table_files import load_table

    return (
        "A data shape other than the default demo: "
        + "; ".join(
            f"'{name}': {row['description']}" for name, row in load_table("scenarios").items()
        )
        + ". Writes the inputs, params.yaml (run it with omniseg report --params) and truth/."
    )


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option(help="Folder to write the dataset into.")] = Path(
        "omniseg-demo"
    ),
    scenario: Annotated[
        str | None, typer.Option(help=_scenario_help(), metavar="NAME", show_default=False)
    ] = None,
    customers: Annotated[int, typer.Option(min=50, help="Number of customers.")] = 5000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 42,
    format: Annotated[
        str, typer.Option(help="csv (small, like data/demo) or parquet (big, streamed).")
    ] = "csv",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Generate a synthetic omnichannel dataset with planted truth (or a --scenario)."""
    from omniseg.demo.generator import generate_demo

    if scenario is not None:
        from omniseg.demo.scenarios import SCENARIOS, generate_scenario

        if scenario not in SCENARIOS:
            _err(f"Unknown scenario {scenario!r}. Valid scenarios: {', '.join(SCENARIOS)}.")
            raise typer.Exit(2)
        if format != "csv":
            _err("--format does not apply to --scenario: each scenario has its own layout.")
            raise typer.Exit(2)
        info = generate_scenario(scenario, out, seed=seed)
        if not quiet:
            _err(
                f"Scenario {scenario}: {info['customers']:,} customers. Run it with: "
                f"omniseg report --params {info['params']}"
            )
        typer.echo(str(Path(out).resolve()))
        return
    if format not in ("csv", "parquet"):
        _err(f"--format must be 'csv' or 'parquet'. Got {format!r}.")
        raise typer.Exit(2)
    summary = generate_demo(
        out, n_customers=customers, seed=seed, format=format, progress=not quiet
    )
    if not quiet:
        _err(str(summary))
    typer.echo(str(Path(out).resolve()))


@app.command()
def score(
    model: Annotated[Path, typer.Option("--model", "-m", help="A .skops model file.")],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            "-d",
            help="Folder of inputs laid out like the demo (customers.csv, interactions...).",
        ),
    ] = None,
    features: Annotated[
        Path | None,
        typer.Option(help="A customer feature table (.parquet or .csv with person_id)."),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="CSV to write (person_id, segment, ...).")
    ] = Path("segments.csv"),
    previous: Annotated[
        Path | None,
        typer.Option(help="An earlier segments.csv (or run folder) to compare with (drift)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
) -> None:
    """Assign segments to new data with a saved model (scheduled re-scoring)."""
    from omniseg.segments.scoring import score_customers

    if (data is None) == (features is None):
        _err("Give exactly one of --data FOLDER or --features FILE.")
        raise typer.Exit(2)
    try:
        result = score_customers(
            model, data=data, features=features, output=output, previous=previous,
            progress=not quiet,
        )  # fmt: skip
    except OmnisegError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:  # the output CSV cannot be written (read-only folder, full disk, ...)
        _err(
            f"error: cannot write {output}: {exc.strerror or exc}. Fix: give --output a file in "
            "a folder you can write to, with free space."
        )
        raise typer.Exit(EXIT_CANNOT_WRITE) from None
    if not quiet:
        _err(result.summary)
    typer.echo(str(result.path))


def main() -> None:
    """Entry point of the ``omniseg`` console script."""
    app(prog_name="omniseg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

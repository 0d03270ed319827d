"""The ``omniseg`` command line.

``omniseg report --demo`` runs the whole pipeline on the bundled demo data;
``omniseg report --params params.yaml`` on your own; ``omniseg validate`` only checks inputs;
``omniseg demo`` generates demo datasets (small CSV, or big Parquet for benchmarks);
``omniseg score --model M --data D`` assigns segments to new data with a saved model.

Exit codes: 0 success, 1 a report notebook failed, 2 bad input data or parameters.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from omniseg.errors import DataValidationError, OmnisegError, ParameterError, ReportError

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
    from omniseg.params import load_params
    from omniseg.paths import demo_data_dir

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
    from omniseg.params import load_params
    from omniseg.runs import run_report

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
    except (DataValidationError, ParameterError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    except ReportError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(1) from None
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
    from omniseg.params import load_params

    if demo == (params is not None):
        _err("Give exactly one of --demo or --params FILE.")
        raise typer.Exit(2)
    try:
        run_params = _demo_params(None, None, None) if demo else load_params(params)
        paths = run_params.data
        data = paths.load()
    except (DataValidationError, ParameterError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    typer.echo(str(data.report))


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option(help="Folder to write the dataset into.")] = Path(
        "omniseg-demo"
    ),
    customers: Annotated[int, typer.Option(min=50, help="Number of customers.")] = 5000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 42,
    format: Annotated[
        str, typer.Option(help="csv (small, like data/demo) or parquet (big, streamed).")
    ] = "csv",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Generate a synthetic omnichannel dataset with planted truth."""
    from omniseg.demo import generate_demo

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
    from omniseg.scoring import score_customers

    if (data is None) == (features is None):
        _err("Give exactly one of --data FOLDER or --features FILE.")
        raise typer.Exit(2)
    try:
        result = score_customers(
            model, data=data, features=features, output=output, previous=previous,
            progress=not quiet,
        )  # fmt: skip
    except (DataValidationError, ParameterError, OmnisegError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    if not quiet:
        _err(result.summary)
    typer.echo(str(result.path))


def main() -> None:
    """Entry point of the ``omniseg`` console script."""
    app(prog_name="omniseg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

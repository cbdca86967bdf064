"""``align models``: list, install, remove translation models; show the models directory."""

from __future__ import annotations

import sys

import click

from align.cli.options import format_option, models_dir_option


@click.group()
def models() -> None:
    """List, install and remove translation models.

    Models directory: --models-dir, else $ALIGN_MODELS_DIR, else a per-user data directory.
    """


@models.command("list")
@models_dir_option
@click.option(
    "--engine",
    type=click.Choice(["all", "argos", "bergamot", "apertium"]),
    default="all",
    show_default=True,
    help="Which engines' pairs to list.",
)
@format_option(["table", "json", "jsonl", "tsv"], "table")
def list_cmd(models_dir: str | None, engine: str, fmt: str) -> None:
    """List installed translation pairs (Argos packages and Apertium modes)."""
    from align.formats import render
    from align.translate.engine import load_engines

    engines = load_engines("auto" if engine == "all" else engine, models_dir, scripts=False)
    rows = [
        {
            "pair": f"{p.source}->{p.target}",
            "source": p.source,
            "target": p.target,
            "engine": p.engine,
            "kind": p.kind,
            "package": p.name,
            "version": p.version,
            "size_mb": round(p.size / 1e6, 1) if p.size else None,
            "path": p.path,
        }
        for e in engines
        for p in sorted(e.pairs(), key=lambda p: (p.source, p.target))
    ]
    cols = ["pair", "engine", "package", "version", "size_mb", "path"]
    if fmt == "table" and not rows:
        click.echo("no translation pairs installed (see: align models install --help)")
        return
    render(rows, fmt, sys.stdout, None if fmt in ("json", "jsonl") else cols)


@models.command("install")
@models_dir_option
@click.argument("what", nargs=-1, required=True)
def install_cmd(models_dir: str | None, what: tuple[str, ...]) -> None:
    """Install a model: from a file (PATH.argosmodel, offline) or FROM TO (Argos index, online).

    A directory or .tar.gz is a Firefox Translations (Bergamot) model.

    \b
    align models install translate-zh_en-1_9.argosmodel
    align models install en de
    align models install enpt.student.tiny11.tar.gz
    """
    from align import store
    from align.translate import bergamot

    if len(what) == 1 and bergamot.is_model_source(what[0]):
        model = bergamot.install_model(what[0], models_dir)
        pairs = ", ".join(f"{s}->{t}" for s, t in model.pairs)
        click.echo(f"installed {model.name} ({pairs}, bergamot) in {model.path}")
        return
    if len(what) == 1:
        pkg = store.install_from_path(what[0], models_dir)
    elif len(what) == 2:
        pkg = store.install_from_index(what[0], what[1], models_dir)
    else:
        raise click.UsageError("give PATH.argosmodel, or FROM TO")
    click.echo(f"installed {pkg.name} {pkg.version} ({pkg.source}->{pkg.target}) in {pkg.path}")


@models.command("remove")
@models_dir_option
@click.argument("source")
@click.argument("target")
def remove_cmd(models_dir: str | None, source: str, target: str) -> None:
    """Remove the installed Argos package for FROM TO."""
    from align import store

    pkg = store.remove(source, target, models_dir)
    click.echo(f"removed {pkg.name} {pkg.version} ({pkg.source}->{pkg.target})")


@models.command("path")
@models_dir_option
def path_cmd(models_dir: str | None) -> None:
    """Print the models directory in use."""
    from align import store

    click.echo(str(store.models_dir(models_dir)))

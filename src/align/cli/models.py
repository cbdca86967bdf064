"""``align models``: list, install, remove translation models; show the models directory."""

from __future__ import annotations

import sys

import click

from align.cli.options import engine_names, format_option, models_dir_option


@click.group()
def models() -> None:
    """List, install and remove translation models.

    Models directory: --models-dir, else $ALIGN_MODELS_DIR, else a per-user data directory.
    """


@models.command("list")
@models_dir_option
@click.option(
    "--engine",
    type=click.Choice(["all", *engine_names()]),
    default="all",
    show_default=True,
    help="Which engines' pairs to list.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Really load each Argos package (about 0.5 s each) and remember the ones that fail.",
)
@format_option(["table", "json", "jsonl", "tsv"], "table")
def list_cmd(models_dir: str | None, engine: str, check: bool, fmt: str) -> None:
    """List installed translation pairs (Argos packages and Apertium modes) and their state.

    A broken Argos package (it cannot load) is listed as broken, with why; translation
    skips it. Remove it with: align models remove FROM TO.
    """
    from align import store
    from align.errors import ArchiveError
    from align.formats import render
    from align.translate.engine import load_engines

    broken: list[store.PackageState] = []
    if engine in ("all", "argos"):
        if check:
            for state in store.scan(models_dir):
                if state.ok:
                    try:
                        store.check_loads(state.path)
                    except ArchiveError as exc:
                        store.remember_load_failure(state.path, exc.message.split(": ", 1)[-1])
        broken = store.broken_packages(models_dir)
        store.silence_warnings(broken)  # shown below, as rows
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
            "state": "ok",
            "path": p.path,
        }
        for e in engines
        for p in sorted(e.pairs(), key=lambda p: (p.source, p.target))
    ]
    rows += [
        {
            "pair": f"{b.from_code}->{b.to_code}" if b.from_code else "?",
            "source": b.from_code,
            "target": b.to_code,
            "engine": "argos",
            "kind": "neural",
            "package": b.folder,
            "version": None,
            "size_mb": None,
            "state": f"broken: {b.problem}",
            "path": b.path,
        }
        for b in broken
    ]
    cols = ["pair", "engine", "package", "version", "size_mb", "state", "path"]
    if fmt == "table" and not rows:
        click.echo("no translation pairs installed (see: align models install --help)")
        return
    render(rows, fmt, sys.stdout, None if fmt in ("json", "jsonl") else cols)


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    from align import store

    return None if value is None else store.parse_size(value)


@models.command("install")
@models_dir_option
@click.option(
    "--max-size",
    metavar="SIZE",
    callback=_size,
    help="Most a package may unpack to, e.g. 3G [default: $ALIGN_MAX_PACKAGE_SIZE, else 2G].",
)
@click.option(
    "--max-ratio",
    type=click.FloatRange(min=1.0),
    help="Largest unpacked/archive size ratio [default: $ALIGN_MAX_PACKAGE_RATIO, else 20].",
)
@click.argument("what", nargs=-1, required=True)
def install_cmd(
    models_dir: str | None, max_size: int | None, max_ratio: float | None, what: tuple[str, ...]
) -> None:
    """Install a model: from a file (PATH.argosmodel, offline) or FROM TO (Argos index, online).

    The package is checked and really loaded before it replaces an installed one of the same
    pair, in one atomic swap. The index is $ALIGN_ARGOS_INDEX (a URL of an index.json, e.g. a
    mirror) or argostranslate's; network waits are at most $ALIGN_NETWORK_TIMEOUT seconds (15).
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
        pkg = store.install_from_path(what[0], models_dir, max_size=max_size, max_ratio=max_ratio)
    elif len(what) == 2:
        pkg = store.install_from_index(
            what[0], what[1], models_dir, max_size=max_size, max_ratio=max_ratio
        )
    else:
        raise click.UsageError("give PATH.argosmodel, or FROM TO")
    click.echo(f"installed {pkg.name} {pkg.version} ({pkg.source}->{pkg.target}) in {pkg.path}")


@models.command("remove")
@models_dir_option
@click.argument("source")
@click.argument("target")
def remove_cmd(models_dir: str | None, source: str, target: str) -> None:
    """Remove the installed Argos package for FROM TO (a broken one too)."""
    from align import store

    pkg = store.remove(source, target, models_dir)
    version = f" {pkg.version}" if pkg.version else ""
    click.echo(f"removed {pkg.name}{version} ({pkg.source}->{pkg.target})")


@models.command("path")
@models_dir_option
def path_cmd(models_dir: str | None) -> None:
    """Print the models directory in use."""
    from align import store

    click.echo(str(store.models_dir(models_dir)))

"""Shared option bundles for the commands, as decorators."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def format_option(choices: Sequence[str], default: str) -> Callable[[F], F]:
    """``--format``: one choice, rendered by :mod:`align.formats` (or the command's own writer)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


def quiet_option(f: F) -> F:
    """``--quiet``: no progress on stderr."""
    return click.option("-q", "--quiet", is_flag=True, help="No progress output on stderr.")(f)


def models_dir_option(f: F) -> F:
    """``--models-dir``: where translation packages live (see align.store)."""
    return click.option(
        "--models-dir",
        type=click.Path(file_okay=False),
        default=None,
        envvar="ALIGN_MODELS_DIR",
        help="Models directory (default: $ALIGN_MODELS_DIR, else a per-user data dir).",
    )(f)


def engine_option(f: F) -> F:
    """``--engine``: which translation engine(s) may be used."""
    return click.option(
        "--engine",
        type=click.Choice(["auto", "argos", "bergamot", "apertium"]),
        default="auto",
        show_default=True,
        help="Translation engine; auto prefers Argos, then Apertium, then a chain.",
    )(f)


def show_progress(quiet: bool) -> bool:
    """Progress goes to stderr only when it is a terminal and --quiet is off."""
    return not quiet and sys.stderr.isatty()


class Progress:
    """A minimal progress line on stderr: ``label  done/total`` (``done`` when total is 0).

    Silent when disabled.
    """

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.enabled = enabled

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.enabled:
            if self.total:
                pct = 100.0 * self.done / self.total
                sys.stderr.write(f"\r{self.label}  {self.done}/{self.total}  {pct:5.1f}%")
            else:
                sys.stderr.write(f"\r{self.label}  {self.done}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()

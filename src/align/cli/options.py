"""Shared option bundles for the commands, as decorators."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import IO, Any, TypeVar

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
    """``--models-dir``: where translation packages live. Only the flag is read here: the
    precedence (flag, ``$ALIGN_MODELS_DIR``, per-user dir) is ``align.store.models_dir``'s."""
    return click.option(
        "--models-dir",
        type=click.Path(file_okay=False),
        default=None,
        help="Models directory (default: $ALIGN_MODELS_DIR, else a per-user data dir).",
    )(f)


def engine_names() -> list[str]:
    """The translation engines of the registry a user chooses among (script conversions
    join every chain and are not a choice)."""
    from align.translate.engine import ENGINES, SCRIPT_ENGINES

    return [name for name in ENGINES if name not in SCRIPT_ENGINES]


def mark_unknown_option(f: F) -> F:
    """``--mark-unknown``: keep the engine's marks on words it does not know."""
    return click.option(
        "--mark-unknown",
        is_flag=True,
        help="Keep Apertium's * marks on the words it does not know (the last hop of a chain); "
        "Argos and Bergamot mark none. Also $ALIGN_APERTIUM_MARK_UNKNOWN=1.",
    )(f)


def engine_option(f: F) -> F:
    """``--engine``: which translation engine(s) may be used."""
    return click.option(
        "--engine",
        type=click.Choice(["auto", *engine_names()]),
        default="auto",
        show_default=True,
        help="Translation engine; auto prefers the neural ones (Argos, Bergamot), then Apertium, then a chain.",
    )(f)


def targets_option(f: F) -> F:
    """``--to``: the target languages (``translate`` and ``run``); ``all`` expands to every
    reachable target (``Engines.targets``)."""
    return click.option(
        "--to",
        "targets",
        multiple=True,
        required=True,
        metavar="LANG",
        help="Target language (repeatable); 'all' for every target the installed engines reach.",
    )(f)


def by_option(f: F) -> F:
    """``--by``: the translation unit of plain text (``translate`` and ``run``)."""
    return click.option(
        "--by",
        type=click.Choice(["sentence", "paragraph", "line"]),
        default="sentence",
        show_default=True,
        help="Unit: the sentences of each line (lines kept), of each paragraph (its lines "
        "joined), or each line whole.",
    )(f)


def glossary_options(f: F) -> F:
    """``--glossary FILE``, ``--keep TERM``, ``--glossary-ignore-case`` (docs/glossary-tm.md)."""
    f = click.option(
        "--glossary-ignore-case",
        is_flag=True,
        help="Match glossary terms of spaced scripts whatever their case.",
    )(f)
    f = click.option(
        "--keep",
        "keep",
        multiple=True,
        metavar="TERM",
        help="Do not translate TERM (repeatable): it comes out as it is.",
    )(f)
    return click.option(
        "--glossary",
        default=None,
        metavar="FILE",
        help="Terms to translate the same way every time: TSV/CSV with a header row of "
        "language codes, a 2-column TSV, or TBX.",
    )(f)


def glossary_from(glossary: str | None, keep: Sequence[str], ignore_case: bool) -> Any:
    """The library's :class:`~align.translate.glossary.GlossaryOptions`, or ``None``."""
    if not glossary and not keep:
        return None
    from align.translate.glossary import GlossaryOptions

    return GlossaryOptions(glossary, tuple(keep), ignore_case)


def memory_options(f: F) -> F:
    """``--tm FILE.tmx`` (repeatable), ``--tm-threshold``, ``--tm-fuzzy-use``: translation
    memories looked up before the engines (:mod:`align.translate.memory`)."""
    f = click.option(
        "--tm-fuzzy-use",
        is_flag=True,
        help="Put a fuzzy memory match in place of the engine's translation, marked for review.",
    )(f)
    f = click.option(
        "--tm-threshold",
        type=click.FloatRange(0, 1, min_open=True),
        default=0.75,
        show_default=True,
        help="Lowest similarity (0-1, normalised Levenshtein) of a fuzzy memory match.",
    )(f)
    return click.option(
        "--tm",
        "tm",
        multiple=True,
        metavar="FILE.tmx",
        help="Translation memory (TMX 1.4, repeatable): exact matches are reused, fuzzy ones attached.",
    )(f)


def memory_from(tm: Sequence[str], threshold: float, fuzzy_use: bool) -> Any:
    """The :class:`~align.translate.memory.MemoryOptions` of the three options, or ``None``."""
    if not tm:
        return None
    from align.translate.memory import MemoryOptions

    return MemoryOptions(tuple(tm), threshold, fuzzy_use)


def memory_summary(target: str, counts: dict[str, int]) -> str:
    """One line on what the memory gave for a target."""
    from align.translate.memory import share

    return (
        f"align: tm: {target}: {counts.get('exact', 0)} exact, {counts.get('fuzzy', 0)} fuzzy "
        f"({counts.get('fuzzy_used', 0)} used), {counts.get('engine', 0)} by the engine; "
        f"{share(counts):.0%} reused"
    )


def show_progress(quiet: bool) -> bool:
    """Progress goes to stderr only when it is a terminal and --quiet is off."""
    return not quiet and sys.stderr.isatty()


def _duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``."""
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class Progress:
    """The one progress line of every long command, on stderr (silent when disabled):

    ``translate zh-Hans -> en  120/480  25.0%  14.2/s  ETA 25s`` (without a total:
    ``translating  120  14.2/s``). Redrawn in place at each update (each batch the
    translator reports), at most every :attr:`EVERY` seconds but always at the end;
    :meth:`close` draws the last state with the time taken and ends the line. A
    progress that never started (no update) prints nothing.
    """

    EVERY = 0.1  # seconds between redraws

    def __init__(
        self,
        label: str,
        total: int,
        enabled: bool,
        *,
        stream: IO[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.enabled = enabled
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self._drawn = 0  # length of the last line drawn
        self._last = -1.0  # time of the last draw

    def line(self, final: bool = False) -> str:
        """The progress line for the current state."""
        elapsed = self.clock() - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        parts = [self.label, f"{self.done}/{self.total}" if self.total else str(self.done)]
        if self.total:
            parts.append(f"{100.0 * self.done / self.total:5.1f}%")
        if rate > 0:
            parts.append(f"{rate:.1f}/s")
        if final:
            parts.append(_duration(elapsed))
        elif self.total and rate > 0 and self.done < self.total:
            parts.append(f"ETA {_duration((self.total - self.done) / rate)}")
        return "  ".join(parts)

    def update(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = self.clock()
        if now - self._last >= self.EVERY or (self.total and self.done >= self.total):
            self._draw(self.line())
            self._last = now

    def close(self) -> None:
        if self.enabled and self._last >= 0:
            self._draw(self.line(final=True))
            out = self.stream or sys.stderr
            out.write("\n")
            out.flush()

    def _draw(self, text: str) -> None:
        out = self.stream or sys.stderr
        out.write("\r" + text + " " * max(0, self._drawn - len(text)))
        out.flush()
        self._drawn = len(text)

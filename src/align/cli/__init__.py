"""The ``align`` command: a thin click edge over the library.

Each command lives in its own module and is imported only when it runs, so
``align --help`` stays instant. Library errors (:class:`align.errors.AlignError`)
become one line on stderr and their documented exit code: 2 for usage or input
errors, 1 for failures while working.

Ctrl-C (SIGINT) and SIGTERM (what ``timeout``, ``kill`` and CI cancellation send) both
raise :class:`KeyboardInterrupt` in the main thread, so outputs in progress are
removed and finished work is kept in the caches; the command then prints
``align: interrupted`` and exits 128 + the signal number (130 for SIGINT, 143 for
SIGTERM) without waiting for abandoned work in native threads.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
from typing import Any

import click

from align import __version__
from align.errors import EXIT_FAILURE, EXIT_USAGE, AlignError

# command name -> "module:attribute". Adding a command is adding a module and a line here.
COMMANDS: dict[str, str] = {
    "detect": "align.cli.detect:detect",
    "translate": "align.cli.translate:translate",
    "models": "align.cli.models:models",
    "sentences": "align.cli.sentences:sentences",
    "compare": "align.cli.compare:compare",
    "eval-align": "align.cli.eval_align:eval_align",
    "score": "align.cli.score:score",
    "run": "align.cli.run:run",
}


def one_line(message: str) -> str:
    """An error message as one line: a library's multi-line text (tarfile lists every
    method it tried) joined with "; "."""
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


# One-line summaries shown by `align --help` without importing the command modules.
SUMMARIES: dict[str, str] = {
    "detect": "Detect the language of a text, per document, paragraph, sentence or line.",
    "translate": "Translate text offline into one or more target languages.",
    "models": "List, install and remove translation models.",
    "sentences": "Align the sentences of two parallel texts.",
    "compare": "Show where two versions of a text differ (omissions, additions, doubtful pairs).",
    "eval-align": "Score predicted sentence alignments against gold (strict/lax P/R/F1).",
    "score": "Score translations with sacrebleu (BLEU, chrF, TER); gates for CI.",
    "run": "The whole pipeline on one document, with an HTML report.",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        module = importlib.import_module(module_name)
        command: click.Command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUMMARIES.get(name, "")) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AlignError as exc:
            click.echo(f"align: error: {one_line(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("align: interrupted", err=True)
            ctx.exit(128 + (_interrupted_by or signal.SIGINT))
        except BrokenPipeError:
            raise
        except OSError as exc:
            # The last net under the library's own checks: an OS error is one line too.
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"align: error: {one_line(f'{where}{exc.strerror or exc}')}", err=True)
            ctx.exit(EXIT_FAILURE)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run, with click's usage errors as one line like every other error (exit 2)."""
        standalone = kwargs.pop("standalone_mode", True)
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
            # Without standalone mode click returns ctx.exit()'s code instead of exiting.
            code = rv if isinstance(rv, int) else 0
        except click.exceptions.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # click >= 8.2: bare `align`
                click.echo(exc.format_message(), err=True)
                code = EXIT_USAGE
                if standalone:
                    sys.exit(code)
                return code
            command = exc.ctx.command_path if exc.ctx is not None else "align"
            message = exc.format_message().rstrip(".")
            click.echo(f"align: error: {message} (see: {command} --help)", err=True)
            code = EXIT_USAGE
        except click.exceptions.Abort:
            click.echo("align: interrupted", err=True)
            code = 130
        except click.exceptions.ClickException as exc:
            click.echo(f"align: error: {one_line(exc.format_message())}", err=True)
            code = exc.exit_code
        if standalone:
            sys.exit(code)
        return code


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="align")
def cli() -> None:
    """Offline multilingual translation, language detection, sentence alignment and scoring.

    Exit codes: 0 success, 1 failure (or a quality gate not met), 2 usage or input error.
    """


# The signal that interrupted the command (SIGINT for Ctrl-C), once one has.
_interrupted_by: int = 0


def _on_signal(signum: int, frame: object) -> None:
    global _interrupted_by
    _interrupted_by = signum
    raise KeyboardInterrupt


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        cli.main(prog_name="align")
    except BrokenPipeError:  # e.g. `align ... | head`
        sys.stderr.close()
        sys.exit(0)
    except SystemExit:
        if _interrupted_by:
            # Everything of ours is cleaned up and committed by now; what is left are batches
            # still running in native worker threads (CTranslate2), which the interpreter
            # would wait for at exit. Leave without them.
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
            os._exit(128 + _interrupted_by)
        raise

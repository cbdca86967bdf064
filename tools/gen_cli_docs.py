"""Generate docs/CLI.md, the command reference, from the commands' own --help.

Usage: python tools/gen_cli_docs.py [--check]
With --check, exit 1 when docs/CLI.md is out of date (the test suite runs this).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "CLI.md"


def _walk(group: click.Group, prefix: list[str]) -> list[list[str]]:
    ctx = click.Context(group)
    paths = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None:
            continue
        paths.append([*prefix, name])
        if isinstance(cmd, click.Group):
            paths.extend(_walk(cmd, [*prefix, name]))
    return paths


def render() -> str:
    from align.cli import cli

    runner = CliRunner()
    parts = [
        "# Command reference\n",
        "Generated from `--help` by `python tools/gen_cli_docs.py`; do not edit by hand.\n",
    ]
    for path in [[], *_walk(cli, [])]:
        result = runner.invoke(cli, [*path, "--help"], prog_name="align", terminal_width=100)
        if result.exit_code != 0:
            raise SystemExit(f"align {' '.join(path)} --help failed: {result.output}")
        title = " ".join(["align", *path])
        parts.append(f"## `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("docs/CLI.md is out of date: run python tools/gen_cli_docs.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The CLI edge: every command has help, the reference docs match it, errors are one line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from align import __version__
from align.cli import COMMANDS, SUMMARIES, cli
from conftest import ROOT


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {name}") or result.output.startswith("Usage: ")
    assert SUMMARIES[name]
    assert len(result.output.splitlines()) > 3


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output
    assert "Exit codes: 0 success, 1 failure" in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output == f"align, version {__version__}\n"


def test_bare_align_prints_its_help_without_an_error_prefix() -> None:
    result = CliRunner().invoke(cli, [], prog_name="align")
    assert result.exit_code in (0, 2)  # click 8.1 exits 0 here, 8.2 and later 2
    assert result.output.startswith("Usage: align") and "align: error" not in result.output


def test_a_multi_line_library_message_is_one_line() -> None:
    from align.cli import one_line

    assert one_line("cannot open:\n- method gz: bad\n- method xz: bad\n") == (
        "cannot open:; - method gz: bad; - method xz: bad"
    )


def test_unknown_command_is_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.output


def test_cli_reference_is_generated_from_help() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_cli_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr

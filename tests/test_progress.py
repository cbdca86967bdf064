"""The one progress line of the long commands: done/total, percent, rate, ETA, per batch.

The renderer is checked on a controlled clock, then forced on (stderr is not a
terminal under pytest) through real runs of ``translate``, ``run`` and ``sentences``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.cli.options import Progress
from conftest import CORPORA, MODELS_DIR, shared_path, zh_en_model_dir

SPEECH_ZH = CORPORA / "yunqi-2024" / "speech.zh.txt"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def frames(text: str) -> list[str]:
    """The states drawn, in order (each redraw starts with a carriage return)."""
    return [f.rstrip() for line in text.split("\n") for f in line.split("\r") if f.strip()]


def test_line_has_done_total_percent_rate_and_eta() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("translate zh-Hans -> en", 200, True, stream=out, clock=clock)
    p.update(0)
    clock.now += 10
    p.update(50)
    clock.now += 30
    p.update(150)
    p.close()
    assert frames(out.getvalue()) == [
        "translate zh-Hans -> en  0/200    0.0%",
        "translate zh-Hans -> en  50/200   25.0%  5.0/s  ETA 30s",
        "translate zh-Hans -> en  200/200  100.0%  5.0/s",
        "translate zh-Hans -> en  200/200  100.0%  5.0/s  40s",
    ]
    assert out.getvalue().endswith("\n")


def test_without_a_total_and_when_disabled() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("translating", 0, True, stream=out, clock=clock)
    clock.now += 125
    p.update(250)
    p.close()
    assert frames(out.getvalue()) == ["translating  250  2.0/s", "translating  250  2.0/s  2m05s"]
    quiet = io.StringIO()
    q = Progress("translating", 10, False, stream=quiet)
    q.update(10)
    q.close()
    assert quiet.getvalue() == ""


def test_redraws_are_throttled_but_the_end_is_drawn() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("x", 1000, True, stream=out, clock=clock)
    for _ in range(1000):
        p.update()
    assert frames(out.getvalue()) == ["x  1/1000    0.1%", "x  1000/1000  100.0%"]


def test_never_started_prints_nothing() -> None:
    out = io.StringIO()
    Progress("translating", 40, True, stream=out).close()
    assert out.getvalue() == ""


def _force_progress(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setattr(f"align.cli.{module}.show_progress", lambda quiet: not quiet)


@pytest.mark.model
def test_translate_shows_the_total_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zh_en_model_dir()
    doc = tmp_path / "doc.zh.txt"
    doc.write_text("\n".join(SPEECH_ZH.read_text("utf-8").split("\n")[2:5]) + "\n", "utf-8")
    _force_progress(monkeypatch, "translate")
    args = ["translate", str(doc), "--from", "zh", "--to", "en", "--by", "line", "-o", "-"]
    result = CliRunner().invoke(cli, [*args, "--models-dir", str(MODELS_DIR)])
    assert result.exit_code == 0, result.output
    drawn = frames(result.stderr)
    assert drawn[0] == "translating  0/3    0.0%"  # the total is known before the first batch
    assert drawn[-1].startswith("translating  3/3  100.0%  ")
    assert drawn[-1].endswith("s")


@pytest.mark.model
def test_run_shows_each_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zh_en_model_dir()
    doc = tmp_path / "speech.zh.txt"
    doc.write_text("\n".join(SPEECH_ZH.read_text("utf-8").split("\n")[:3]) + "\n", "utf-8")
    _force_progress(monkeypatch, "run")
    args = ["run", str(doc), "--to", "en", "-o", str(tmp_path / "o"), "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--models-dir", str(MODELS_DIR)])
    assert result.exit_code == 0, result.output
    lines = [frames(line)[-1] for line in result.stderr.split("\n") if line.strip()]
    assert [line.split("  ")[0] for line in lines] == [
        "detect",
        "translate zh-Hans -> en",
        "align and score en",
    ]
    sentences = json.loads((tmp_path / "o" / "scores.json").read_text("utf-8"))["source"]
    n = len(sentences["sentences"])
    assert lines[1].startswith(f"translate zh-Hans -> en  {n}/{n}  100.0%  ")


def test_sentences_without_a_translation_says_nothing_of_translating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = shared_path("data", "textberg-dev")
    for name in ("dev.de", "dev.fr"):
        lines = (data / name).read_text(encoding="utf-8").split("\n")[:12]
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    _force_progress(monkeypatch, "sentences")
    args = ["sentences", str(tmp_path / "dev.de"), str(tmp_path / "dev.fr"), "--presplit"]
    result = CliRunner().invoke(cli, [*args, "--src-lang", "de", "--tgt-lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "translat" not in result.stderr  # no model covers de <-> fr: nothing is translated
    assert "align: embedding..." in result.stderr

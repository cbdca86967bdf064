"""SRT and WebVTT through the real engines. Outputs are read back with webvtt-py (which reads
SRT too; align parses SRT with the srt package) and compared with the input byte by byte
outside the cues' text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import webvtt
from click.testing import CliRunner

from align.cli import cli
from align.documents.subtitles import wrap
from align.translate.engine import Engines
from conftest import ROOT, zh_en_model_dir

DATA = ROOT / "tests" / "data" / "formats"
TIMING = re.compile(rb"^.*-->.*$", re.M)


def needs_apertium_en_es() -> None:
    if not any(p.source == "en" and p.target == "es" for p in Engines("apertium").pairs()):
        pytest.skip("the Apertium en->es pair is not installed (run: make apertium)")


def translate(path: Path, out: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["translate", str(path), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


def skeleton(data: bytes) -> list[bytes]:
    """Everything but the cues' text: numbers, identifiers, timings, notes, blank lines."""
    lines = data.split(b"\n")
    keep = []
    in_cue = False
    for line in lines:
        if TIMING.match(line):
            keep.append(line)
            in_cue = True
        elif not line.strip(b"\r"):
            keep.append(line)
            in_cue = False
        elif not in_cue:
            keep.append(line)
    return keep


def test_srt_numbers_timings_and_line_ends_are_byte_identical(tmp_path: Path) -> None:
    needs_apertium_en_es()
    src, out = DATA / "talk.en.srt", tmp_path / "talk.es.srt"
    output = translate(src, out, "--from", "en", "--to", "es")
    assert "4 units: 4 translated" in output and "every tag kept" in output
    assert skeleton(out.read_bytes()) == skeleton(src.read_bytes())  # CRLF kept too
    before, after = webvtt.from_srt(str(src)).captions, webvtt.from_srt(str(out)).captions
    assert [(c.start, c.end) for c in after] == [(c.start, c.end) for c in before]
    for old, new in zip(before, after, strict=True):
        assert len(new.lines) == len(old.lines)  # re-wrapped to the original line count
        assert new.text.strip() and new.text != old.text
    assert after[1].lines[0].startswith("Complacer clic")  # a two-line cue, one sentence
    three = after[2].raw_text
    assert three.startswith("<i>") and "Madrid</i>" in three and "Barcelona" in three
    assert after[3].raw_text.startswith("{\\an8}")


def test_webvtt_keeps_header_notes_styles_settings_and_voice_tags(tmp_path: Path) -> None:
    needs_apertium_en_es()
    src, out = DATA / "talk.en.vtt", tmp_path / "talk.es.vtt"
    translate(src, out, "--from", "en", "--to", "es")
    assert skeleton(out.read_bytes()) == skeleton(src.read_bytes())
    text = out.read_text(encoding="utf-8")
    assert "NOTE\nThis comment block is kept as it is.\n" in text
    assert "::cue(.loud) { color: red; }" in text
    vtt = webvtt.read(str(out))
    assert vtt.captions[0].identifier == "intro"
    assert [len(c.lines) for c in vtt.captions] == [1, 2, 2, 1]
    ana = vtt.captions[2].raw_text
    assert ana.startswith("<v Ana>") and "<b>Madrid</b>" in ana
    assert vtt.captions[3].raw_text.startswith("<c.loud>") and "</c>" in vtt.captions[3].raw_text


def test_zh_srt_through_the_neural_model(tmp_path: Path) -> None:
    zh_en_model_dir()
    src, out = DATA / "talk.zh.srt", tmp_path / "talk.en.srt"
    translate(src, out, "--to", "en")
    assert skeleton(out.read_bytes()) == skeleton(src.read_bytes())
    caps = webvtt.from_srt(str(out)).captions
    assert "Hangzhou" in caps[1].text and len(caps[1].lines) == 2
    assert caps[2].raw_text.startswith("<i>") and "</i>" in caps[2].raw_text


def test_wrap_balances_lines_and_never_makes_an_empty_one() -> None:
    assert wrap("one two three four", 2) == ["one two", "three four"]
    assert wrap("word", 3) == ["word"]
    assert wrap("<i>some</i> words here", 2) == ["<i>some</i> words", "here"]
    zh = wrap("今天天气很好我们去公园", 2)
    assert "".join(zh) == "今天天气很好我们去公园" and abs(len(zh[0]) - len(zh[1])) <= 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.srt", "1\n00:00:01,000 -> 00:00:02,000\nHello.\n"),
        ("bad.vtt", "NOT A VTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n"),
    ],
)
def test_malformed_subtitles_are_one_line_exit_2_and_no_output(
    tmp_path: Path, name: str, content: str
) -> None:
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["translate", str(bad), "--from", "en", "--to", "es", "-o", f"{out}/"]
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "not a valid" in lines[0] and str(bad) in lines[0]
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty.srt: is empty"),
        (" \n\n", "empty.srt: is empty"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nThe cat.\n2\n00:00:03,000 --> 00:00:04,000\nThe dog.\n",
            "(each cue must end with a blank line before the next one)",
        ),
    ],
)
def test_an_empty_srt_or_one_without_blank_lines_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    """An empty .srt used to be "translated" into an empty file with exit 0."""
    bad = tmp_path / "empty.srt"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["translate", str(bad), "--from", "en", "--to", "es", "-o", f"{out}/"]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not out.exists() or not any(out.iterdir())

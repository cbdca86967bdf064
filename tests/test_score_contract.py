"""``align score``'s side of the reliability contract (issue 11, items 4, 5, 7, 9, 13).

Each test reproduces a defect of the old command on real WMT23 zh-en lines
from ../shared: a baseline from other references passing the gate, NaN in a
baseline, an unknown language accepted, TER never finishing on one long line,
``-o``/``--save`` overwriting an input or failing with a traceback.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF

from align import score as scoring
from align.cli import cli
from conftest import shared_path


def run(*args: str | Path) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, ["score", "-q", *map(str, args)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.stdout, res.stderr


def _lines(name: str) -> list[str]:
    return (shared_path("data", "wmt23-zh-en") / name).read_text(encoding="utf-8").splitlines()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def halves(tmp_path: Path) -> dict[str, Path]:
    """Reference and system lines 1-50 and 51-100 of WMT23 zh-en, as files."""
    ref, hyp = _lines("ref.en"), _lines("hyp.ANVITA.en")
    return {
        "ref1": _write(tmp_path / "ref1.en", ref[:50]),
        "hyp1": _write(tmp_path / "hyp1.en", hyp[:50]),
        "ref2": _write(tmp_path / "ref2.en", ref[50:100]),
        "hyp2": _write(tmp_path / "hyp2.en", hyp[50:100]),
        "ref40": _write(tmp_path / "ref40.en", ref[:40]),
        "hyp40": _write(tmp_path / "hyp40.en", hyp[:40]),
        "src1": _write(tmp_path / "src1.zh", _lines("src.zh")[:50]),
    }


def _save(files: dict[str, Path], tmp_path: Path) -> Path:
    saved = tmp_path / "base.json"
    code, _, err = run("--ref", files["ref1"], "--hyp", f"prod={files['hyp1']}", "--save", saved)
    assert code == 0, err
    return saved


# ------------------------------------------------------------------ item 4: baselines


def test_baseline_on_other_references_is_an_input_error(
    halves: dict[str, Path], tmp_path: Path
) -> None:
    saved = _save(halves, tmp_path)
    args = ["--ref", halves["ref2"], "--hyp", f"prod={halves['hyp2']}", "--baseline", saved]
    code, out, err = run(*args, "--max-drop", "chrf=1")
    assert (code, out) == (2, "")
    assert err.startswith(f"align: error: {saved} was scored on other references (sha256 ")
    assert "--allow-different-refs" in err and err.count("\n") == 1
    # said on purpose, the comparison runs, and the report says what was compared
    code, out, err = run(*args, "--max-drop", "chrf=100", "--allow-different-refs")
    assert (code, err) == (0, "")
    assert "chrf Δ" in out and "compared anyway (--allow-different-refs)" in out


def test_baseline_on_another_segment_count_is_an_input_error(
    halves: dict[str, Path], tmp_path: Path
) -> None:
    saved = _save(halves, tmp_path)
    code, _, err = run(
        "--ref", halves["ref40"], "--hyp", f"prod={halves['hyp40']}", "--baseline", saved,
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"align: error: {saved} was scored on 50 segments, these references")
    assert "have 40" in err and err.count("\n") == 1


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_baseline_score_that_is_not_finite_is_an_input_error(
    halves: dict[str, Path], tmp_path: Path, bad: float
) -> None:
    saved = _save(halves, tmp_path)
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["systems"][0]["scores"]["chrf"]["score"] = bad
    saved.write_text(json.dumps(data), encoding="utf-8")  # writes NaN / Infinity, as json does
    code, _, err = run(
        "--ref", halves["ref1"], "--hyp", f"prod={halves['hyp1']}", "--baseline", saved,
        "--max-drop", "chrf=1",
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"align: error: {saved}: the chrf score of 'prod' is {bad}, not a number")


def _legacy(saved: Path) -> None:
    """Rewrite a saved result as the align before the versioned schema wrote it."""
    data = json.loads(saved.read_text(encoding="utf-8"))
    del data["schema"], data["references_sha256"]
    for system in data["systems"]:
        for record in system["scores"].values():
            del record["key"], record["higher_is_better"]
    saved.write_text(json.dumps(data, indent=2), encoding="utf-8")


def test_a_baseline_saved_before_the_schema_is_read_and_checked(
    halves: dict[str, Path], tmp_path: Path
) -> None:
    saved = _save(halves, tmp_path)
    _legacy(saved)
    same = ["--ref", halves["ref1"], "--hyp", f"prod={halves['hyp1']}", "--baseline", saved]
    code, out, err = run(*same, "--max-drop", "chrf=0")
    assert (code, err) == (0, "") and "+0.00" in out
    # its references are known by the files' SHA-256: other ones are refused the same way
    code, _, err = run(
        "--ref", halves["ref2"], "--hyp", f"prod={halves['hyp2']}", "--baseline", saved,
    )  # fmt: skip
    assert code == 2 and "was scored on other reference files" in err


def test_a_baseline_of_a_newer_schema_is_refused(halves: dict[str, Path], tmp_path: Path) -> None:
    saved = _save(halves, tmp_path)
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["schema"] = "align-score/2"
    saved.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("--ref", halves["ref1"], "--hyp", halves["hyp1"], "--baseline", saved)
    assert code == 2
    assert f"{saved}: saved with schema align-score/2, this align reads align-score/1" in err


def test_gate_values_must_be_finite(halves: dict[str, Path]) -> None:
    code, _, err = run("--ref", halves["ref1"], "--hyp", halves["hyp1"], "--fail-under", "bleu=nan")
    assert code == 2 and "--fail-under 'bleu=nan': expected METRIC=NUMBER" in err


# ------------------------------------------------------------------ item 9: languages


@pytest.mark.parametrize(("pair", "code"), [("klingon-en", "klingon"), ("en-klingon", "klingon")])
def test_an_unknown_language_is_an_input_error(
    halves: dict[str, Path], pair: str, code: str
) -> None:
    status, out, err = run("--ref", halves["ref1"], "--hyp", halves["hyp1"], "--lang-pair", pair)
    assert (status, out) == (2, "")
    assert err.startswith(f"align: error: unknown language code {code!r}")
    assert err.count("\n") == 1


def test_a_pair_with_a_script_or_region_code(tmp_path: Path) -> None:
    zh = _lines("src.zh")[:50]
    hyp = [s[:-2] for s in zh]  # a damaged copy, so the score is not 100
    ref, out_zh = _write(tmp_path / "ref.zh", zh), _write(tmp_path / "hyp.zh", hyp)
    status, out, err = run(
        "--ref", ref, "--hyp", out_zh, "--metrics", "bleu", "--format", "json",
        "--lang-pair", "en-zh-Hans",
    )  # fmt: skip
    assert status == 0, err
    (record,) = json.loads(out)["systems"][0]["scores"].values()
    assert "tok:zh" in record["signature"]
    assert record["score"] == BLEU(trg_lang="zh").corpus_score(hyp, [zh]).score


# ------------------------------------------------------------------ item 13: a long segment


def _one_line(path: Path, name: str, size: int) -> str:
    """One line of at least ``size`` characters: the whole file's text joined, repeated."""
    text = " ".join(_lines(name))
    line = " ".join([text] * (size // len(text) + 1))
    path.write_text(line + "\n", encoding="utf-8")
    return line


def test_ter_refuses_a_segment_over_its_limit_naming_file_and_line(tmp_path: Path) -> None:
    long_ref = _one_line(tmp_path / "long.en", "ref.en", 400_000)
    long_hyp = _one_line(tmp_path / "longhyp.en", "hyp.ONLINE-B.en", 400_000)
    assert len(long_ref.encode()) >= 400_000
    ref = tmp_path / "long.en"
    hyp = tmp_path / "longhyp.en"
    # TER is in the default metrics: refused before any work, naming the reference's line
    code, out, err = run("--ref", ref, "--hyp", hyp)
    words = len(long_ref.split())
    assert (code, out) == (2, "")
    assert err == (
        f"align: error: {ref}: line 1 has {words:,} words, over TER's limit of "
        f"{scoring.TER_MAX_WORDS:,} words per segment "
        "(split it into sentences, or leave ter out of --metrics)\n"
    )
    # a long hypothesis among short lines: its own file and line are named
    short = _lines("ref.en")[:3]
    refs3 = _write(tmp_path / "ref3.en", short)
    hyps3 = _write(tmp_path / "hyp3.en", [short[0], long_hyp, short[2]])
    code, _, err = run("--ref", refs3, "--hyp", hyps3, "--metrics", "ter")
    assert code == 2
    assert err.startswith(f"align: error: {hyps3}: line 2 has {len(long_hyp.split()):,} words")
    # BLEU and chrF are linear in the line's length: they score it, with sacrebleu's numbers
    code, out, err = run("--ref", ref, "--hyp", hyp, "--metrics", "bleu,chrf", "--format", "json")
    assert code == 0, err
    scores = json.loads(out)["systems"][0]["scores"]
    assert scores["bleu"]["score"] == BLEU().corpus_score([long_hyp], [[long_ref]]).score
    assert scores["chrf"]["score"] == CHRF().corpus_score([long_hyp], [[long_ref]]).score


def test_the_segment_limit_in_the_library() -> None:
    ref = _lines("ref.en")[:200]
    words = " ".join(ref).split()
    over = " ".join(words[: scoring.TER_MAX_WORDS + 1])
    with pytest.raises(scoring.SegmentTooLong) as info:
        scoring.score_corpus({"A": ["x", over]}, [["x", "y"]], metrics=["chrf", "ter"], jobs=1)
    assert (info.value.side, info.value.where, info.value.line) == ("hyp", "A", 2)
    assert info.value.words == scoring.TER_MAX_WORDS + 1 and info.value.exit_code == 2
    assert str(info.value).startswith("system 'A': line 2 has 1,001 words, over TER's limit")
    # without TER the same segment is scored
    result = scoring.score_corpus({"A": ["x", over]}, [["x", "y"]], metrics=["chrf"], jobs=1)
    assert result.metrics[0].score == CHRF().corpus_score(["x", over], [["x", "y"]]).score


# ------------------------------------------------------------------ items 5 and 7: outputs


@pytest.mark.parametrize("option", ["-o", "--save"])
@pytest.mark.parametrize("which", ["--ref", "--hyp", "--src", "--baseline", "link to --hyp"])
def test_an_output_that_is_an_input_is_refused(
    halves: dict[str, Path], tmp_path: Path, option: str, which: str
) -> None:
    saved = _save(halves, tmp_path)
    inputs = {"--ref": halves["ref1"], "--hyp": halves["hyp1"], "--src": halves["src1"]}
    inputs["--baseline"] = saved
    target = inputs.get(which)
    if target is None:
        target = tmp_path / "link.en"
        target.symlink_to(halves["hyp1"])
    before = {p: p.read_bytes() for p in inputs.values()}
    code, out, err = run(
        "--ref", halves["ref1"], "--hyp", halves["hyp1"], "--src", halves["src1"],
        "--baseline", saved, option, target,
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("align: error: ") and err.count("\n") == 1
    assert str(target) in err and "is also" in err and "input" in err
    assert {p: p.read_bytes() for p in inputs.values()} == before


def test_o_and_save_on_one_file_are_refused(halves: dict[str, Path], tmp_path: Path) -> None:
    out_path = tmp_path / "out.json"
    code, _, err = run("--ref", halves["ref1"], "--hyp", halves["hyp1"], "-o", out_path,
                       "--save", out_path)  # fmt: skip
    assert code == 2 and str(out_path) in err and err.count("\n") == 1
    assert not out_path.exists()


@contextlib.contextmanager
def _read_only(directory: Path) -> Iterator[None]:
    """A directory no file can be created in, even by root (immutable when running as root)."""
    directory.chmod(0o555)
    immutable = False
    try:
        if os.geteuid() == 0:
            chattr = shutil.which("chattr")
            res = (
                subprocess.run([chattr, "+i", str(directory)], capture_output=True)
                if chattr
                else None
            )
            if res is None or res.returncode != 0:
                pytest.skip("running as root without chattr +i: no read-only directory")
            immutable = True
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
        directory.chmod(0o755)


@pytest.mark.parametrize("option", ["-o", "--save"])
@pytest.mark.parametrize("kind", ["directory", "under a file", "read-only directory"])
def test_an_unwritable_output_is_one_line_and_leaves_nothing(
    halves: dict[str, Path], tmp_path: Path, option: str, kind: str
) -> None:
    place = tmp_path / "place"
    place.mkdir()
    (place / "keep.txt").write_text("x\n", encoding="utf-8")
    reasons = {  # the OS's words (EISDIR, ENOTDIR, EACCES or for root on an immutable dir EPERM)
        "directory": ("is a directory",),
        "under a file": ("not a directory",),
        "read-only directory": ("permission denied", "operation not permitted"),
    }[kind]
    target = {
        "directory": place,
        "under a file": place / "keep.txt" / "out.json",
        "read-only directory": place / "out.json",
    }[kind]
    stack = contextlib.ExitStack()
    with stack:
        if kind == "read-only directory":
            stack.enter_context(_read_only(place))
        code, out, err = run("--ref", halves["ref1"], "--hyp", halves["hyp1"], option, target)
        listing = sorted(p.name for p in place.iterdir())
    assert (code, out) == (2, "")
    assert err.startswith(f"align: error: {target}: ") and err.count("\n") == 1
    assert any(reason in err.lower() for reason in reasons)
    assert listing == ["keep.txt"]


def test_parallel_scoring_ends_its_workers_without_a_traceback(tmp_path: Path) -> None:
    """The pool's workers were forked with the CLI's SIGTERM handler, so the pool's
    terminate() at the end printed 'KeyboardInterrupt' tracebacks on most successful runs
    (two references, two systems, -j 2). Through the real entry point, where the handler
    is installed."""
    import sys

    ref, a, b = (
        _lines("ref.en")[:400],
        _lines("hyp.ANVITA.en")[:400],
        _lines("hyp.ONLINE-B.en")[:400],
    )
    r, ha, hb = (
        _write(tmp_path / "r.en", ref),
        _write(tmp_path / "a.en", a),
        _write(tmp_path / "b.en", b),
    )
    args = [sys.executable, "-m", "align", "score", "--ref", r, "--ref", r, "--hyp", ha]
    for _ in range(3):
        done = subprocess.run(
            [*map(str, args), "--hyp", str(hb), "-q", "-j", "2"], capture_output=True, text=True
        )
        assert (done.returncode, done.stderr) == (0, ""), done.stderr[-2000:]

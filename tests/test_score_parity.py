"""Parity with the ``sacrebleu`` command on WMT23 zh-en: scores, signatures, p-values, intervals.

Every expected number here is printed by the ``sacrebleu`` command in the test
run itself (never pasted). TER is slow in pure Python, so its parity runs on the
first ``ALIGN_TER_PARITY_LINES`` lines (default 300; 0 = the whole files).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from align import score as scoring
from align.cli import cli
from conftest import shared_path

SYSTEMS = ("ANVITA", "GPT4-5shot", "Lan-BridgeMT", "NLLB_Greedy", "ONLINE-B")
SACREBLEU = str(Path(sys.executable).with_name("sacrebleu"))
WIDTH = 10  # decimals asked of sacrebleu's text table


def _data() -> Path:
    return shared_path("data", "wmt23-zh-en")


def _sacrebleu_json(args: Sequence[str]) -> list[dict[str, object]]:
    """Run the sacrebleu command in single-system JSON mode, full width."""
    out = subprocess.run(
        [SACREBLEU, *args, "-w", "16", "-f", "json", "-q"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    ).stdout
    data = json.loads(out)
    return data if isinstance(data, list) else [data]


def _run_parallel(commands: list[list[str]]) -> list[list[dict[str, object]]]:
    """Several sacrebleu commands at once (they are single-threaded)."""
    procs = [
        subprocess.Popen(
            [SACREBLEU, *args, "-w", "16", "-f", "json", "-q"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        for args in commands
    ]
    results = []
    for p in procs:
        out, err = p.communicate()
        assert p.returncode == 0, err
        data = json.loads(out)
        results.append(data if isinstance(data, list) else [data])
    return results


def _same(ours: float, theirs: object) -> bool:
    """sacrebleu prints float(f'{score:.16f}'); ours must print the same."""
    assert isinstance(theirs, float | int)
    return float(f"{ours:.16f}") == theirs


def test_bleu_chrf_chrfpp_match_sacrebleu_for_five_systems() -> None:
    data = _data()
    ref = str(data / "ref.en")
    hyps = [str(data / f"hyp.{name}.en") for name in SYSTEMS]
    runner = CliRunner()
    args = ["score", "--ref", ref, "--metrics", "bleu,chrf,chrf++", "--format", "json", "-q"]
    for h in hyps:
        args += ["--hyp", h]
    res = runner.invoke(cli, args)
    assert res.exit_code == 0, res.output
    ours = {s["name"]: s["scores"] for s in json.loads(res.output)["systems"]}
    assert sorted(ours) == sorted(SYSTEMS)

    commands = [[ref, "-i", h, "-m", "bleu", "chrf"] for h in hyps]
    commands += [[ref, "-i", h, "-m", "chrf", "--chrf-word-order", "2"] for h in hyps]
    outputs = _run_parallel(commands)
    for name, plain, plus in zip(SYSTEMS, outputs[:5], outputs[5:], strict=True):
        theirs = {d["name"]: d for d in plain}
        theirs["chrF2++"] = plus[0]
        for key, sb_name in (("bleu", "BLEU"), ("chrf", "chrF2"), ("chrf++", "chrF2++")):
            mine = ours[name][key]
            assert mine["name"] == sb_name
            assert mine["signature"] == theirs[sb_name]["signature"], (name, key)
            assert _same(mine["score"], theirs[sb_name]["score"]), (name, key, mine["score"])
        assert ours[name]["bleu"]["verbose"] == theirs["BLEU"]["verbose_score"]


def test_ter_matches_sacrebleu_for_five_systems(tmp_path: Path) -> None:
    data = _data()
    limit = int(os.environ.get("ALIGN_TER_PARITY_LINES", "300"))

    def cut(name: str) -> str:
        lines = (data / name).read_text(encoding="utf-8").splitlines(keepends=True)
        path = tmp_path / name
        path.write_text("".join(lines[:limit] if limit else lines), encoding="utf-8")
        return str(path)

    ref = cut("ref.en")
    hyps = {name: cut(f"hyp.{name}.en") for name in SYSTEMS}
    result = scoring.score_files(refs=[ref], hyps=list(hyps.values()), metrics=["ter"], jobs=2)
    outputs = _run_parallel([[ref, "-i", h, "-m", "ter"] for h in hyps.values()])
    for name, out in zip(SYSTEMS, outputs, strict=True):
        mine = result.system(name).scores["ter"]
        assert mine.name == out[0]["name"] == "TER"
        assert mine.signature == out[0]["signature"]
        assert _same(mine.score, out[0]["score"]), (name, mine.score, out[0]["score"])


def _parse_paired_table(text: str) -> dict[str, list[tuple[float, float, float, float | None]]]:
    """sacrebleu's text table -> {system: [(score, mean, ci, p or None) per metric column]}."""
    rows: dict[str, list[tuple[float, float, float, float | None]]] = {}
    current = ""
    number = r"(-?\d+\.\d+)"
    cell = re.compile(rf"{number}(?: \({number} ± {number}\))?")
    for line in text.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0] and cells[0] != "System":
            current = Path(cells[0].removeprefix("Baseline: ")).name
            rows[current] = []
            for c in cells[1:]:
                m = cell.fullmatch(c)
                assert m, c
                mean, ci = (float(m[2]), float(m[3])) if m[2] else (-1.0, -1.0)
                rows[current].append((float(m[1]), mean, ci, None))
        elif not cells[0] and current:
            for k, c in enumerate(cells[1:]):
                m = re.fullmatch(rf"\(p = {number}\)\*?", c)
                assert m, c
                s, mean, ci, _ = rows[current][k]
                rows[current][k] = (s, mean, ci, float(m[1]))
    return rows


def _signatures(text: str) -> dict[str, str]:
    return dict(re.findall(r"^ - (\S+)\s+(nrefs:\S+)$", text, flags=re.M))


def _sacrebleu_text(args: Sequence[str]) -> str:
    return subprocess.run(
        [SACREBLEU, *args, "-w", str(WIDTH), "-f", "text", "-q", "--no-color"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _w(x: float | None) -> float:
    assert x is not None
    return float(f"{x:.{WIDTH}f}")


@pytest.mark.parametrize(
    ("test", "extra"),
    [("bs", ["--paired-bs"]), ("ar", ["--paired-ar", "--paired-ar-n", "2000"])],
)
def test_paired_tests_match_sacrebleu(test: str, extra: list[str]) -> None:
    data = _data()
    ref = str(data / "ref.en")
    files = [str(data / f"hyp.{name}.en") for name in SYSTEMS]
    metrics = ["bleu", "chrf"] if test == "bs" else ["bleu"]
    text = _sacrebleu_text([ref, "-i", *files, "-m", *metrics, *extra])
    theirs = _parse_paired_table(text)
    result = scoring.score_corpus(
        {f"hyp.{n}.en": (data / f"hyp.{n}.en").read_text("utf-8").splitlines() for n in SYSTEMS},
        [(data / "ref.en").read_text("utf-8").splitlines()],
        metrics=metrics,
        paired=test,
        paired_n=0 if test == "bs" else 2000,
    )
    assert result.test is not None and result.test.seed == "12345"
    assert result.test.baseline == "hyp.ANVITA.en"
    for system in result.systems:
        row = theirs[system.name]
        for k, key in enumerate(metrics):
            mine = system.scores[key]
            score, mean, ci, p = row[k]
            assert _w(mine.score) == score
            if test == "bs":  # bootstrap means and intervals for every system
                assert (_w(mine.mean), _w(mine.ci)) == (mean, ci)
            else:  # sacrebleu's command asks AR for no intervals
                assert mine.mean is None and mean == -1.0
            if system.baseline:
                assert mine.p_value is None and p is None
            else:
                # sacrebleu prints p with 4 decimals; p = (c + 1) / (n + 1) steps by
                # >= 0.0005 here, so 4 decimals pin down the count c exactly
                assert mine.p_value is not None
                assert float(f"{mine.p_value:.4f}") == p, (system.name, key)
    sigs = _signatures(text)
    for key in metrics:
        mine = result.systems[0].scores[key]
        assert mine.signature == sigs[mine.name]


def test_sentence_level_matches_sacrebleu() -> None:
    data = _data()
    ref, hyp = str(data / "ref.en"), str(data / "hyp.NLLB_Greedy.en")
    result = scoring.score_files(refs=[ref], hyps=[hyp], metrics=["bleu", "chrf"])
    seg = result.segment_scores("hyp.NLLB_Greedy.en")
    sigs = result.segment_signatures()
    for key, sb_name in (("bleu", "BLEU"), ("chrf", "chrF2")):
        out = subprocess.run(
            [SACREBLEU, ref, "-i", hyp, "-m", key, "-sl", "-w", "12", "-q"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        assert len(out) == len(seg) == 1976
        for row, line in zip(seg, out, strict=True):
            m = re.fullmatch(rf"{re.escape(sb_name)}\|(\S+) = (\d+\.\d+)(?: .*)?", line)
            assert m, line
            assert m[1] == sigs[key]
            assert f"{row[key]:.12f}" == m[2]
    assert "eff:yes" in sigs["bleu"]


def test_confidence_interval_matches_sacrebleu() -> None:
    data = _data()
    ref, hyp = str(data / "ref.en"), str(data / "hyp.GPT4-5shot.en")
    theirs = {
        d["name"]: d
        for d in _sacrebleu_json([ref, "-i", hyp, "-m", "bleu", "chrf", "--confidence"])
    }
    result = scoring.score_files(refs=[ref], hyps=[hyp], metrics=["bleu", "chrf"], confidence=True)
    for m in result.systems[0].scores.values():
        t = theirs[m.name]
        assert m.signature == t["signature"]
        assert _same(m.score, t["score"])
        assert m.mean is not None and m.ci is not None
        assert _same(m.mean, t["confidence_mean"]) and _same(m.ci, t["confidence_var"])

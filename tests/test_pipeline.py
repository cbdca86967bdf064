"""``align run``: the pipeline on the demo corpus with the real zh->en model, and its edges.

The model-free tests cover option parsing, bead composition and bad input;
the model tests run the whole pipeline on the opening of the Yunqi speech
with its English reference (real translation, alignment and sacrebleu).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.alignment.beads import Bead, format_bead
from align.cli import cli
from align.errors import InputError
from align.formats import read_tmx
from align.run.inputs import parse_refs
from align.run.model import Row, result_from_dict
from align.run.outputs import output_name
from align.run.pipeline import run_pipeline
from align.run.rows import compose_rows, exact_beads, flag_rows
from align.text import segment_text
from conftest import CORPORA, MODELS_DIR, zh_en_model_dir

SPEECH_ZH = CORPORA / "yunqi-2024" / "speech.zh.txt"
SPEECH_EN = CORPORA / "yunqi-2024" / "speech.en.txt"
# The opening of the speech: five paragraphs (title, date line, three of the talk).
N_LINES = 9


def opening(path: Path, n: int = N_LINES) -> str:
    return "\n".join(path.read_text(encoding="utf-8").split("\n")[:n]) + "\n"


@pytest.fixture
def speech(tmp_path: Path) -> tuple[Path, Path]:
    zh_en_model_dir()
    src, ref = tmp_path / "speech.zh.txt", tmp_path / "ref" / "speech.en.txt"
    ref.parent.mkdir()
    src.write_text(opening(SPEECH_ZH), encoding="utf-8")
    ref.write_text(opening(SPEECH_EN), encoding="utf-8")
    return src, ref


# --------------------------------------------------------------------------- no model needed


@pytest.mark.parametrize(
    ("path", "lang", "expected"),
    [
        ("corpora/yunqi-2024/speech.zh.txt", "zh-Hans", "speech"),
        ("speech.zh.txt", "en", "speech.zh"),
        ("notes.txt", "de", "notes"),
        ("report.de", "de", "report"),
        ("data.v2.txt", "en", "data.v2"),
        ("-", "en", "stdin"),
    ],
)
def test_output_name(path: str, lang: str, expected: str) -> None:
    assert output_name(path, lang) == expected


def test_parse_refs() -> None:
    assert parse_refs(["en=a.txt", "ZH=b.txt"]) == {"en": "a.txt", "zh-Hans": "b.txt"}
    with pytest.raises(InputError, match="write it as LANG=PATH"):
        parse_refs(["a.txt"])
    with pytest.raises(InputError, match="two references for en"):
        parse_refs(["en=a", "EN=b"])


def test_exact_beads_follow_sentence_splits() -> None:
    beads = exact_beads([["A."], ["B.", "C."], [], ["D."]])
    assert [format_bead(b) for b in beads] == ["[0]:[0]", "[1]:[1, 2]", "[2]:[]", "[3]:[3]"]


def test_rows_join_both_alignments_in_document_order() -> None:
    # source 1 became translation 1-2; reference 1-2 merge onto translation 3;
    # reference 3 is aligned to nothing, source 3's translation was empty
    beads = [Bead([0], [0]), Bead([1], [1, 2]), Bead([2], [3]), Bead([3], []), Bead([4], [4])]
    ref_beads = [
        Bead([0], [0], 0.9),
        Bead([1, 2], [1], 0.7),
        Bead([3], [2, 3], 0.6),
        Bead([], [4], 0.0),
        Bead([4], [5], 0.8),
    ]
    rows = compose_rows(beads, ref_beads)
    assert [(r.src, r.tgt, r.ref) for r in rows] == [
        ([0], [0], [0]),
        ([1], [1, 2], [1]),
        ([2], [3], [2, 3]),
        ([], [], [4]),
        ([3], [], []),
        ([4], [4], [5]),
    ]
    assert compose_rows(beads, None)[1] == Row([1], [1, 2], None, None, None)


def test_low_flags_go_by_score_and_never_to_a_row_as_good_as_the_best() -> None:
    """A run where a memory gave most rows chrF 100 used to flag the first of them 'low'
    (ties broken by position)."""

    def rows(scores: list[float]) -> list[Row]:
        return [Row([k], [k], [k], s, 1.0) for k, s in enumerate(scores)]

    perfect = rows([100.0] * 18 + [40.0, 70.0])
    flag_rows(perfect, "zh-Hans")
    assert [k for k, r in enumerate(perfect) if "low" in r.flags] == [18, 19]
    tied = rows([80.0] * 5 + [30.0] * 5 + [20.0] * 10)  # the 10% cut-off falls among the 20s
    flag_rows(tied, "zh-Hans")
    assert [k for k, r in enumerate(tied) if "low" in r.flags] == list(range(10, 20))
    same = rows([100.0] * 10)
    flag_rows(same, "zh-Hans")
    assert not any("low" in r.flags for r in same)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["missing.txt", "--to", "en"], 2, "missing.txt: no such file"),
        (["{empty}", "--to", "en"], 2, "is empty"),
        (["{zh}", "--from", "zh", "--to", "xx"], 2, "unknown language code 'xx'"),
        (["{zh}", "--from", "zh", "--to", "zh"], 2, "nothing to translate into zh-Hans"),
        (["{zh}", "--from", "zh", "--to", "en", "--ref", "en"], 2, "bad --ref 'en'"),
        (["{zh}", "--from", "zh", "--ref", "en=nope.txt", "--to", "en"], 2, "nope.txt: no such"),
        (["{zh}", "--from", "zh", "--to", "en", "--engine", "argos"], 1, "cannot translate"),
    ],
)
def test_bad_input_gets_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ALIGN_MODELS_DIR", str(tmp_path / "no-models"))
    (tmp_path / "empty.txt").write_text("\n \n", encoding="utf-8")
    (tmp_path / "zh.txt").write_text(opening(SPEECH_ZH, 3), encoding="utf-8")
    args = [a.format(empty="empty.txt", zh="zh.txt") for a in args]
    result = CliRunner().invoke(cli, ["run", *args, "-o", "out"])
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("align: error: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "out" / "report.html").exists()


def test_outdir_holding_the_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "doc.zh.txt").write_text(opening(SPEECH_ZH, 3), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["run", str(tmp_path / "doc.zh.txt"), "--from", "zh", "--to", "en", "-o", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "holds the input" in result.stderr


# --------------------------------------------------------------------------- with the model


def test_run_writes_every_output_and_scores_against_the_reference(
    speech: tuple[Path, Path], tmp_path: Path
) -> None:
    src, ref = speech
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["run", str(src), "--to", "en", "--ref", f"en={ref}", "-o", str(out), "--format", "json"],
        env={"ALIGN_MODELS_DIR": str(MODELS_DIR)},
    )
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["source"] == "zh-Hans" and row["target"] == "en" and row["engine"] == "argos"
    assert row["kind"] == "reference" and row["reused"] is False
    assert row["report"] == str(out / "report.html")
    assert sorted(p.name for p in out.iterdir()) == [
        ".align-run",
        "report.html",
        "scores.json",
        "speech.en.beads",
        "speech.en.ref.beads",
        "speech.en.tmx",
        "speech.en.tsv",
        "speech.en.txt",
    ]
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    run = result_from_dict(data)
    assert run.source.lang == "zh-Hans" and run.source.detected
    assert run.source.confidence is not None and run.source.confidence > 0.9
    assert [s.text for s in segment_text(opening(SPEECH_ZH), "zh")] == run.source.sentences
    assert len(set(run.source.paragraphs)) == 5
    [t] = run.targets
    # BLEU, chrF and TER with sacrebleu signatures; the lowercase reference lowercases both
    assert [m.name for m in t.scores.metrics] == ["BLEU", "chrF2", "TER"]
    assert all("version:" in m.signature and "case:lc" in m.signature for m in t.scores.metrics)
    bleu, chrf, ter = (m.score for m in t.scores.metrics)
    assert 10 < bleu < 70 and 35 < chrf < 85 and 10 < ter < 90
    assert "pkgver:1.9" in t.signature and t.models == [
        "argos: translate-zh_en 1.9 (beam 4, compute int8)"
    ]
    # every sentence of every side is in exactly one row
    sides = {"src": run.source.sentences, "tgt": t.sentences, "ref": t.reference or []}
    for side, sentences in sides.items():
        ids = sorted(i for r in t.rows for i in (getattr(r, side) or []))
        assert ids == list(range(len(sentences)))
    # the outputs agree with scores.json
    text = (out / "speech.en.txt").read_text(encoding="utf-8")
    assert text.count("\n\n") == 4 and t.translations[0] in text
    header, units = read_tmx(str(out / "speech.en.tmx"))
    assert header["srclang"] == "zh-Hans" and header["x-signature"] == t.signature
    assert [u["zh-Hans"] for u in units] == run.source.sentences
    assert [u["en"] for u in units] == t.translations
    beads = (out / "speech.en.ref.beads").read_text(encoding="utf-8").splitlines()
    assert beads == [format_bead(b) for b in t.ref_beads or []]
    # translation and reference aligned with their paragraphs (the speech's five) together
    assert t.align_method.endswith("+paragraphs")
    paras = [run.source.paragraphs[k] for k, text in enumerate(t.translations) if text.strip()]
    for b in t.ref_beads or []:
        assert len({paras[i] for i in b.src}) <= 1, b
    tsv = (out / "speech.en.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0].split("\t")[:6] == ["row", "src", "tgt", "ref", "score", "flags"]
    assert len(tsv) == 1 + len(t.rows)
    assert "warning" not in result.stderr
    # again without the reference: no stale speech.en.ref.beads beside "ref: null"
    again = CliRunner().invoke(
        cli,
        ["run", str(src), "--to", "en", "-o", str(out)],
        env={"ALIGN_MODELS_DIR": str(MODELS_DIR)},
    )
    assert again.exit_code == 0, again.output
    assert not (out / "speech.en.ref.beads").exists() and (out / "speech.en.beads").exists()


def test_second_run_reuses_and_interrupted_run_resumes(
    speech: tuple[Path, Path], tmp_path: Path
) -> None:
    src, ref = speech
    out = tmp_path / "out"
    stages: list[str] = []

    class Stop(Exception):
        pass

    class Recorder:
        def __init__(self, label: str, total: int) -> None:
            stages.append(label)
            if label.startswith("translate") and label.endswith("-> es"):
                raise Stop(label)

        def update(self, n: int = 1) -> None:
            pass

        def close(self) -> None:
            pass

    kwargs = {"refs": {"en": str(ref)}, "outdir": out, "models_dir": MODELS_DIR}
    if shutil.which("apertium"):
        # interrupted while starting the second target: the first is checkpointed, nothing else
        with pytest.raises(Stop):
            run_pipeline(str(src), targets=["en", "es"], progress=Recorder, **kwargs)
        assert stages[:2] == ["detect", "translate zh-Hans -> en"]
        assert not (out / "report.html").exists() and not (out / "scores.json").exists()
        assert (out / ".align-run" / "en.json").exists()
    first = run_pipeline(str(src), targets=["en"], **kwargs)
    assert first.targets[0].reused == bool(shutil.which("apertium"))
    again = run_pipeline(str(src), targets=["en"], **kwargs)
    assert again.targets[0].reused
    assert again.targets[0].rows == first.targets[0].rows
    assert again.targets[0].scores == first.targets[0].scores
    # a changed reference invalidates the checkpoint
    ref.write_text(opening(SPEECH_EN, 7), encoding="utf-8")
    changed = run_pipeline(str(src), targets=["en"], **kwargs)
    assert not changed.targets[0].reused
    # a damaged checkpoint is ignored, not fatal
    (out / ".align-run" / "en.json").write_text("{not json", encoding="utf-8")
    assert not run_pipeline(str(src), targets=["en"], **kwargs).targets[0].reused


def test_without_reference_the_estimate_is_labelled(
    speech: tuple[Path, Path], tmp_path: Path
) -> None:
    src, _ = speech
    result = CliRunner().invoke(
        cli,
        ["run", str(src), "--from", "zh", "--to", "en", "-o", str(tmp_path / "o")],
        env={"ALIGN_MODELS_DIR": str(MODELS_DIR)},
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "source", "target", "engine", "sentences", "rows", "seconds", "scores", "estimate",
        "kind", "reused",
    ]  # fmt: skip
    assert lines[2].startswith("zh-Hans  en      argos ")
    assert "estimate 0." in lines[2] and "similarity 0." in lines[2]
    assert lines[2].endswith("estimate (no reference)  no")
    assert lines[-1] == f"report: {tmp_path / 'o' / 'report.html'}"
    run = result_from_dict(json.loads((tmp_path / "o" / "scores.json").read_text("utf-8")))
    [t] = run.targets
    assert not run.source.detected and run.source.confidence is None
    assert t.scores.kind == "estimate" and "reference-free" in t.scores.method
    assert all(r.score is not None and 0.0 <= r.score <= 1.0 for r in t.rows)
    assert t.estimate is not None and 0.0 < t.estimate < 1.0
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "reference-free estimate" in report


@pytest.mark.apertium
def test_to_all_reaches_every_installed_target(speech: tuple[Path, Path], tmp_path: Path) -> None:
    if not shutil.which("apertium"):
        pytest.skip("Apertium is not installed (run: make apertium)")
    src, ref = speech
    src.write_text(opening(SPEECH_ZH, 3), encoding="utf-8")
    ref.write_text(opening(SPEECH_EN, 3), encoding="utf-8")
    from align.translate.engine import Engines

    reachable = Engines(models_dir=MODELS_DIR).reachable("zh")
    assert reachable[0] == "en" and "es" in reachable
    run = run_pipeline(
        str(src),
        targets=["all"],
        refs={"en": str(ref)},
        outdir=tmp_path / "o",
        models_dir=MODELS_DIR,
    )
    assert [t.lang for t in run.targets] == reachable
    es = next(t for t in run.targets if t.lang == "es")
    assert es.engine == "argos → apertium" and " >> " in es.signature
    assert all((tmp_path / "o" / f"speech.{c}.txt").exists() for c in reachable)
    assert sum(t.scores.kind == "reference" for t in run.targets) == 1


def test_mixed_text_gets_one_warning_line(tmp_path: Path) -> None:
    zh_en_model_dir()
    doc = tmp_path / "mixed.txt"
    doc.write_text(opening(SPEECH_ZH, 5) + "\n" + opening(SPEECH_EN, 1), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["run", str(doc), "--to", "en", "-o", str(tmp_path / "o"), "--format", "json"],
        env={"ALIGN_MODELS_DIR": str(MODELS_DIR)},
    )
    assert result.exit_code == 0, result.output
    [warning] = result.stderr.splitlines()
    assert warning.startswith("align: warning: mixed text: mostly zh-Hans, but en ")
    assert warning.endswith("% of the letters")
    run = result_from_dict(json.loads((tmp_path / "o" / "scores.json").read_text("utf-8")))
    assert run.source.mixed and [m.lang for m in run.source.mixed_langs] == ["en"]
    assert "mixed text" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")


def test_to_all_without_engines_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGN_MODELS_DIR", str(tmp_path / "no-models"))
    (tmp_path / "doc.txt").write_text(opening(SPEECH_ZH, 3), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["run", str(tmp_path / "doc.txt"), "--to", "all", "--engine", "argos", "-o", "o"]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "align: error: --engine argos translates nothing from zh-Hans "
        "(install a package: align models install FILE.argosmodel)\n"
    )


def test_a_row_too_long_for_ter_leaves_ter_out_and_says_so() -> None:
    """TER refuses a segment over its word limit (it is quadratic); align run then scores that
    target with BLEU and chrF only, and the method says why, instead of failing the run."""
    from align.run.analyse import score_reference

    words = [
        "the",
        "summit",
        "was",
        "reached",
        "on",
        "the",
        "ninth",
        "of",
        "may",
        "by",
        "a",
        "team",
        "of",
        "seven",
        "climbers",
    ]
    long_hyp = " ".join(words * 90)  # 1,350 words
    long_ref = " ".join(list(reversed(words)) * 90)
    hyps = ["The summit was reached on 9 May.", long_hyp]
    refs = ["The summit was reached on the ninth of May.", long_ref]
    scores, rows = score_reference(hyps, refs, "en")
    assert [m.key for m in scores.metrics] == ["bleu", "chrf"]
    assert "TER left out (row 2 has 1350 words)" in scores.method
    assert all(isinstance(v, float) for v in rows)

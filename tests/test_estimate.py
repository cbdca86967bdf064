"""The reference-free estimate: real Apertium output, real WMT23 data, real USE embeddings.

What it must do (issue 18): see what a reader sees (words left in the source
language, length outliers, loops, missing numbers and names), give every
segment one score in [0, 1] with its reasons, tell targets apart, and give
languages the embeddings do not cover (Catalan, Galician) a score too.
"""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from align.cli import cli
from align.run.model import target_from_dict
from align.score.estimate import estimate_quality
from align.score.signals import missing_tokens, repeated, untranslated
from align.text import read_text, segment_units
from conftest import CORPORA, shared_path

SPEECH_EN = CORPORA / "yunqi-2024" / "speech.en.txt"


def _apertium(target: str) -> None:
    from align.translate.engine import Engines

    if not shutil.which("apertium"):
        pytest.skip("Apertium is not installed (run: make apertium)")
    try:
        Engines("apertium").plan("en", target)
    except Exception as exc:  # NoTranslationPath
        pytest.skip(f"no Apertium path en->{target}: {exc}")


def _embeddings() -> None:
    try:
        from align.alignment.embed import embed_sentences

        embed_sentences(["test"], "en")
    except Exception as exc:  # pragma: no cover - the encoder ships with the package
        pytest.skip(f"sentence embeddings unavailable: {exc}")


def _speech() -> list[str]:
    return [s.text for s in segment_units(read_text(str(SPEECH_EN)), "en", "sentence")]


def _translate(sentences: list[str], target: str) -> list[str]:
    from align.translate import get_translator

    return get_translator("en", target, engine="apertium").translate(sentences)


# --- the signals on real strings ---------------------------------------------------------------


def test_untranslated_words_are_source_words_not_names() -> None:
    src = "People tend to overestimate the revolution, Wu Yongming of Alibaba said."
    hyp = "La gente tiende a overestimate la revolución, dijo Wu Yongming de Alibaba."
    found = untranslated(src, hyp, "en", "es")
    assert found.words == ["overestimate"]  # the names are copied rightly
    assert 0 < found.share < 0.2
    assert found.reason("en") == "untranslated: overestimate"
    assert untranslated(src, "La gente tiende a sobrestimar la revolución.", "en", "es").words == []


def test_a_whole_sentence_left_in_the_source_language() -> None:
    src = "Robotics will be the next industry to usher in a huge change."
    found = untranslated(src, src, "en", "es")
    assert found.sentence and found.share == 1.0
    assert found.reason("en") == "untranslated: the sentence is in en"


def test_regional_targets_are_detected_as_their_language() -> None:
    """A pt-BR or ca-valencia target is its base language to the detector: real Bergamot
    (en -> pt-BR) and Apertium (en -> ca-valencia) output of the speech is not "the sentence
    is in en", while the English sentence itself, given as either target, is."""
    from align.translate import get_translator

    _apertium("ca-valencia")
    english = _speech()[:6]
    try:
        brazil = get_translator("en", "pt-BR", engine="bergamot").translate(english)
    except Exception as exc:  # NoTranslationPath, ModelError
        pytest.skip(f"no Bergamot en->pt-BR: {exc}")
    valencian = get_translator("en", "ca-valencia", engine="apertium").translate(english)
    for target, hyps in (("pt-BR", brazil), ("ca-valencia", valencian)):
        for en, hyp in zip(english, hyps, strict=True):
            assert not untranslated(en, hyp, "en", target).sentence, (target, hyp)
            assert untranslated(en, en, "en", target).sentence, (target, en)


def test_source_script_left_in_a_target_of_another_script() -> None:
    found = untranslated(
        "阿里云全力支持巴黎奥运会。", "Alibaba Cloud fully supported the 奥运会.", "zh", "en"
    )
    assert found.words == ["奥运会"] and found.share > 0


def test_repeated_ngrams_and_missing_numbers_and_names() -> None:
    loop = repeated("the model the model the model the model the model is good", "en")
    assert loop.share > 0.5 and loop.ngram == "the model the" and loop.count >= 4
    assert repeated("A normal sentence has no loop in it at all.", "en").share == 0.0
    miss = missing_tokens(
        "2024年9月19日，OpenAI发布了1,000个模型。",
        "On September 19, the company released 1000 models.",
        "zh",
    )
    assert miss.numbers == ["2024"]  # "19" and "1,000" = "1000" are there; "9" is a month name
    assert miss.names == ["OpenAI"]
    assert miss.reasons() == ["numbers-missing: 2024", "names-missing: OpenAI"]


# --- real Apertium output of the speech's English ------------------------------------------------


@pytest.mark.apertium
def test_apertium_rows_with_untranslated_words_now_score_low() -> None:
    """The issue's row: Apertium en->es leaves "overestimate", "underestimate" in English; the
    old estimate (embedding similarity) scored it among the best, the new one among the worst."""
    _apertium("es")
    _embeddings()
    src = _speech()
    hyp = _translate(src, "es")
    qe = estimate_quality(src, {"es": hyp}, src_lang="en", tgt_lang="es")
    scores, reasons, sims = qe.score["es"], qe.reasons["es"], qe.similarity["es"]
    rows = [i for i, why in enumerate(reasons) if any("overestimate" in r for r in why)]
    assert rows, "no row names 'overestimate' as untranslated"
    median = statistics.median(scores)
    # the old estimate (the similarity alone) scored the row as well as a whole target's
    # average (0.67-0.70 in the issue): nothing told a reader about the English words
    assert sims[rows[0]] > 0.7
    for i in rows:
        assert any(r.startswith("untranslated: overestimate, underestimate") for r in reasons[i])
        assert scores[i] < median and scores[i] < 0.35
    breakthrough = [i for i, why in enumerate(reasons) if any("breakthrough" in r for r in why)]
    assert breakthrough and all(scores[i] < median for i in breakthrough)
    assert all(0.0 <= s <= 1.0 for s in scores)
    # rows that were translated whole carry no untranslated reason
    clean = [i for i, why in enumerate(reasons) if not why]
    assert len(clean) > len(src) // 2


@pytest.mark.apertium
def test_targets_get_different_estimates_and_uncovered_languages_get_one() -> None:
    _apertium("es")
    _apertium("ca")
    _apertium("gl")
    _embeddings()
    src = _speech()
    corpus = {}
    for target in ("es", "ca", "gl"):
        qe = estimate_quality(src, {"t": _translate(src, target)}, src_lang="en", tgt_lang=target)
        assert qe.embeddings == (target == "es")  # USE covers Spanish, not Catalan or Galician
        assert len(qe.score["t"]) == len(src) and all(0 <= s <= 1 for s in qe.score["t"])
        corpus[target] = qe.corpus("t")
    # the old estimate gave every target 0.67-0.70 (and Catalan and Galician none)
    assert max(corpus.values()) - min(corpus.values()) > 0.05, corpus
    # English copied as it is into a "Spanish" translation is the worst target of all
    copied = estimate_quality(src, {"copy": src}, src_lang="en", tgt_lang="es")
    assert copied.corpus("copy") < 0.1 < min(corpus.values())
    assert all(w[0].startswith("untranslated") for w in copied.reasons["copy"] if w)


# --- WMT23 zh-en: the combination agrees with sentence chrF ------------------------------------


def _pearson(x: list[float], y: list[float]) -> float:
    return float(np.corrcoef(np.array(x), np.array(y))[0, 1])


def test_on_wmt23_the_estimate_follows_chrf_and_ranks_systems() -> None:
    from sacrebleu.metrics import CHRF

    _embeddings()
    data = shared_path("data", "wmt23-zh-en")
    lo, hi = 1000, 1400  # news-like lines (the first ones are a technical standard)
    src = read_text(str(data / "src.zh")).splitlines()[lo:hi]
    ref = read_text(str(data / "ref.en")).splitlines()[lo:hi]
    hyps = {
        s: read_text(str(data / f"hyp.{s}.en")).splitlines()[lo:hi]
        for s in ("ONLINE-B", "NLLB_Greedy")
    }
    hyps["shifted"] = hyps["ONLINE-B"][7:] + hyps["ONLINE-B"][:7]  # each line another's
    qe = estimate_quality(src, hyps, src_lang="zh", tgt_lang="en")
    chrf = CHRF()
    for name in ("ONLINE-B", "NLLB_Greedy"):
        judge = [chrf.sentence_score(h, [r]).score for h, r in zip(hyps[name], ref, strict=True)]
        assert _pearson(qe.score[name], judge) > 0.15
    # corpus chrF: ONLINE-B 57.5, NLLB_Greedy 46.1 on the whole set
    assert qe.corpus("ONLINE-B") > qe.corpus("NLLB_Greedy") > qe.corpus("shifted") + 0.1


# --- align score --qe: additive JSON, a language without embeddings ------------------------------


def test_score_qe_json_has_the_estimate_and_reasons(tmp_path: Path) -> None:
    src = tmp_path / "src.en"
    hyp = tmp_path / "hyp.ca"
    src.write_text(
        "The price rose to 2,500 euros in 2024.\nRobotics will be the next industry.\n", "utf-8"
    )
    hyp.write_text("El preu va pujar.\nRobotics will be the next industry.\n", "utf-8")
    runner = CliRunner()
    args = ["score", "--src", str(src), "--hyp", f"mt={hyp}", "--lang-pair", "en-ca", "--qe"]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output  # on main: no estimate, the embeddings lack ca
    est = json.loads(result.stdout)["estimate"]
    assert est["label"] == "estimate" and est["embeddings"] is False
    system = est["systems"]["mt"]
    assert system["mean_similarity"] is None and 0 <= system["estimate"] <= 1
    assert system["with_reasons"] == 2
    result = runner.invoke(cli, [*args, "--sentence-level", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert "numbers-missing: 2024, 2500" in rows[0]["qe_reasons"]
    assert rows[1]["qe_reasons"] == "untranslated: the sentence is in en"
    assert rows[1]["qe_score"] == 0.0 and rows[0]["qe_score"] > 0


def test_old_scores_json_targets_still_read() -> None:
    """Results written before the estimate (no estimate, unknown, reasons) read back."""
    old = {
        "lang": "es", "engine": "apertium", "signature": "s", "models": [], "translations": ["Hola."],
        "sentences": ["Hola."], "beads": [{"src": [0], "tgt": [0], "score": None}],
        "reference_path": None, "reference": None, "ref_beads": None, "align_method": "exact",
        "rows": [{"src": [0], "tgt": [0], "ref": None, "score": 0.8, "ratio": 1.0, "flags": []}],
        "scores": {"kind": "estimate", "method": "m", "metrics": [], "row_metric": "similarity",
                   "row_range": [0.3, 0.8], "segments": 1},
        "timings": {},
    }  # fmt: skip
    t = target_from_dict(old)
    assert t.estimate is None and t.unknown == [] and t.rows[0].reasons == []


@pytest.mark.apertium
def test_the_issue_row_through_the_argos_apertium_chain(tmp_path: Path) -> None:
    """zh -> en (Argos) -> es (Apertium), as `align run --to es` plans it: English words of the
    pivot left in the Spanish ("es a menudo overestimated a corto plazo y underestimated") are
    found although the Chinese source never had them, and the row is among the lowest."""
    from align.run.pipeline import run_pipeline
    from conftest import MODELS_DIR, zh_en_model_dir

    zh_en_model_dir()
    _apertium("es")
    _embeddings()
    src = tmp_path / "speech.zh.txt"
    lines = (CORPORA / "yunqi-2024" / "speech.zh.txt").read_text("utf-8").split("\n")[:7]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_pipeline(str(src), targets=["es"], outdir=tmp_path / "o", models_dir=MODELS_DIR)
    [t] = run.targets
    assert t.engine == "argos → apertium" and t.estimate is not None
    hits = [
        r for r in t.rows if any(x.startswith("untranslated: overestimated") for x in r.reasons)
    ]
    assert len(hits) == 1, [r.reasons for r in t.rows]
    [row] = hits
    assert "underestimated" in row.reasons[0] and "untranslated" in row.flags
    scores = sorted(r.score for r in t.rows if r.score is not None)
    assert (
        row.score is not None and row.score <= scores[1] and row.score < statistics.median(scores)
    )


def test_score_qe_without_a_reference_ranks_systems_by_the_estimate(tmp_path: Path) -> None:
    src = tmp_path / "src.en"
    src.write_text(
        "The price rose to 2,500 euros in 2024.\nRobotics is the next industry.\n", "utf-8"
    )
    bad, good = tmp_path / "bad.ca", tmp_path / "good.ca"
    bad.write_text("El preu va pujar.\nRobotics is the next industry.\n", "utf-8")
    good.write_text(
        "El preu va pujar fins a 2.500 euros el 2024.\nLa robòtica és el futur.\n", "utf-8"
    )
    args = ["score", "--src", str(src), "--lang-pair", "en-ca", "--qe", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--hyp", f"bad={bad}", "--hyp", f"good={good}"])
    assert result.exit_code == 0, result.output
    systems = json.loads(result.stdout)["systems"]
    assert [(s["name"], s["rank"]) for s in systems] == [("good", 1), ("bad", 2)]

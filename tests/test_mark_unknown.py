"""``--mark-unknown`` on ``align translate`` and ``align run``: real Apertium, real marks.

Apertium without ``-u`` marks the words it does not know with ``*``; Argos and
Bergamot have no such marks. The marks change the output, so they change the
signature and the cache key; only the last hop of a chain marks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.translate.apertium import marked_words, signature_marks_unknown, strip_marks

pytestmark = pytest.mark.apertium

SENTENCE = "People tend to overestimate the new technological revolution in the short term.\n"


def _need(*targets: str) -> None:
    from align.translate.engine import Engines

    if not shutil.which("apertium"):
        pytest.skip("Apertium is not installed (run: make apertium)")
    for target in targets:
        try:
            Engines("apertium").plan("en", target)
        except Exception as exc:  # NoTranslationPath
            pytest.skip(f"no Apertium path en->{target}: {exc}")


def _translate(*extra: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    args = ["translate", "-", "--from", "en", "--to", "es", "--engine", "apertium", "-v", *extra]
    result = CliRunner().invoke(cli, args, input=SENTENCE, env=env or {})
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_marks_and_helpers_are_pure() -> None:
    text = "Las personas tienden a *overestimate la *revolución y #hacer @algo."
    assert marked_words(text) == ["overestimate", "revolución", "hacer", "algo"]
    assert strip_marks(text) == "Las personas tienden a overestimate la revolución y hacer algo."
    # a * that was in the source (Markdown emphasis) is not Apertium's
    assert marked_words("un *énfasis* aquí", source="an *emphasis* here") == ["énfasis"]
    assert marked_words("un *emphasis* aquí", source="an *emphasis* here") == []
    assert signature_marks_unknown("[engine:argos|...] >> [engine:apertium|x|unk:marked]")
    assert not signature_marks_unknown(
        "[engine:apertium|x|unk:marked] >> [engine:apertium|unk:plain]"
    )


def test_translate_keeps_the_marks_and_caches_them_apart() -> None:
    _need("es")
    marked, err = _translate("--mark-unknown")
    assert "*overestimate" in marked and "unk:marked" in err
    plain, err = _translate()  # same cache: the marked output must not come back
    assert "*" not in plain and "overestimate" in plain and "unk:plain" in err
    again, _ = _translate("--mark-unknown")
    assert again == marked


def test_the_environment_variable_still_marks() -> None:
    _need("es")
    out, err = _translate(env={"ALIGN_APERTIUM_MARK_UNKNOWN": "1"})
    assert "*overestimate" in out and "unk:marked" in err


def test_only_the_last_hop_of_a_chain_marks() -> None:
    _need("pt")
    args = ["translate", "-", "--from", "en", "--to", "pt", "--engine", "apertium", "-v"]
    result = CliRunner().invoke(cli, [*args, "--mark-unknown"], input="It was overestimated.\n")
    assert result.exit_code == 0, result.output
    signature = result.stderr.split("en->pt: ", 1)[1]
    hops = signature.split(" >> ")
    assert len(hops) >= 2 and "unk:plain" in hops[0] and "unk:marked" in hops[-1]
    assert "**" not in result.stdout


def test_the_run_pivot_text_is_the_unmarked_hop_the_chain_used() -> None:
    """The report's pivot text (en -> es -> pt: the Spanish) is what the chain's inner hop
    produced, without marks, even when --mark-unknown marks the last hop."""
    from align.run.pivots import translate_pivots
    from align.translate import get_translator
    from align.translate.engine import DecodeOptions, Engines

    _need("pt")
    engines = Engines("apertium")
    chain = engines.plan("en", "pt")
    assert len(chain) >= 2
    # words the inner hop (en -> ca) does not know: marked there if it were asked to mark
    source = ["The outcome was underestimated.", "It was a historic breakthrough for hyperscalers."]
    pivots = translate_pivots(
        chain, source, engines=engines, options=DecodeOptions(mark_unknown=True)
    )
    plain = get_translator(
        chain[0].source, chain[0].target, engines=engines, chain=[chain[0]], options=DecodeOptions()
    ).translate(source)
    assert pivots[0]["texts"] == plain
    assert not any(marked_words(t, s) for t, s in zip(pivots[0]["texts"], source, strict=True))
    assert any("underestimated" in t for t in plain)  # left as it was, unmarked


def test_help_says_which_engines_mark() -> None:
    for command in ("translate", "run"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert "--mark-unknown" in result.stdout
        assert "Argos and Bergamot mark none" in " ".join(result.stdout.split())


def test_run_records_the_unknown_words(tmp_path: Path) -> None:
    _need("es")
    src = tmp_path / "speech.txt"
    src.write_text(
        "People tend to overestimate the new technological revolution in the short term "
        "and underestimate it in the long term.\n\nThe weather is good today.\n",
        encoding="utf-8",
    )
    out = tmp_path / "o"
    base = ["run", str(src), "--from", "en", "--to", "es", "--engine", "apertium", "-o", str(out)]
    result = CliRunner().invoke(cli, [*base, "--mark-unknown", "-q"])
    assert result.exit_code == 0, result.output
    [t] = json.loads((out / "scores.json").read_text("utf-8"))["targets"]
    assert t["unknown"][0][:2] == ["overestimate", "underestimate"] and t["unknown"][1] == []
    assert "*overestimate" in t["translations"][0] and "*overestimate" in t["sentences"][0]
    assert "*overestimate" in (out / "speech.es.txt").read_text("utf-8")
    row = t["rows"][0]
    assert "untranslated" in row["flags"]
    assert row["reasons"][0].startswith("untranslated: overestimate, underestimate")
    assert 0 <= t["estimate"] <= 1
    # without the marks: a new translation (another signature), not the checkpoint
    result = CliRunner().invoke(cli, [*base, "-q", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["reused"] is False
    [t] = json.loads((out / "scores.json").read_text("utf-8"))["targets"]
    assert t["unknown"] == [] and "*" not in t["translations"][0]
    assert "untranslated" in t["rows"][0]["flags"]  # the estimate sees them without marks too

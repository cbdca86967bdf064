"""The Apertium engine: mode mapping, batch translation with kept boundaries, errors, chains.

Tests that run Apertium skip with a reason when it is not installed (``make apertium``).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.errors import EngineError
from align.text import read_text, segment_text
from align.translate.apertium import (
    UNRELIABLE_MODES,
    ApertiumEngine,
    ApertiumTranslator,
    _tidy,
    mode_pair,
    modes_dir,
    stderr_line,
)
from align.translate.engine import ChainTranslator, Pair, plan_chain
from conftest import CORPORA, shared_path


def _engine() -> ApertiumEngine:
    engine = ApertiumEngine(None, mark_unknown=False)
    if not engine.available():
        pytest.skip("Apertium is not installed (run: make apertium)")
    return engine


def _pair(engine: ApertiumEngine, source: str, target: str) -> Pair:
    for pair in engine.pairs():
        if (pair.source, pair.target) == (source, target):
            return pair
    pytest.skip(f"the Apertium pair {source}->{target} is not installed (run: make apertium)")


# --- mode names -> edge codes (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("eng-spa", ("en", "es")),
        ("spa-eng", ("es", "en")),
        ("es-fr", ("es", "fr")),
        ("fr-es", ("fr", "es")),
        ("en-gl", ("en", "gl")),
        ("pt-es", ("pt", "es")),
        ("ro-es", ("ro", "es")),
        ("fra-cat", ("fr", "ca")),
        ("spa-ita", ("es", "it")),
        ("nno-nob", ("nn", "nb")),
        # regional variants offered on purpose
        ("eng-cat_valencia", ("en", "ca-valencia")),
        ("spa-cat_valencia", ("es", "ca-valencia")),
        ("es-pt_BR", ("es", "pt-BR")),
        ("cat-por_BR", ("ca", "pt-BR")),
        # spelling norms and other variants: not offered (the plain mode is the default)
        ("spa-cat_iec2017", None),
        ("eng-cat_valencia_uni", None),
        ("eng-cat_valencia_iec2017", None),
        ("fra-cat_pre2017", None),
        ("cat-por_PTpre1990", None),
        ("spa-eng_US", None),
        ("spa-eng_BR", None),  # a variant suffix only counts for its own language
        # not a plain two-language direction, or a language outside the table
        ("eco-es-fr", None),
        ("eng-spa-morph", None),
        ("eng", None),
        # Serbo-Croatian: read as Croatian; as a target only its Croatian standard
        ("hbs-eng", ("hr", "en")),
        ("hbs-slv", ("hr", "sl")),
        ("slv-hbs_HR", ("sl", "hr")),
        ("slv-hbs_SR", None),
        ("slv-hbs_BS", None),
        ("slv-hbs", None),
    ],
)
def test_mode_pair(mode: str, expected: tuple[str, str] | None) -> None:
    assert mode_pair(mode) == expected


def test_stderr_line_picks_the_error() -> None:
    stderr = (
        "Error in /usr/share/x.t1x: line 12: index > limit\n"
        "Error: Mode eng-xxx does not exist. Try one of:\n  eng-spa\n  spa-eng\n"
    )
    assert stderr_line(stderr) == "Error: Mode eng-xxx does not exist."
    assert stderr_line("lt-proc: cannot open file\n") == "lt-proc: cannot open file"
    assert stderr_line("") == "no message on stderr"


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        ("It's a good day.", " Es un día bueno .", "Es un día bueno."),
        ("It's cold, isn't it?", "Hace frío , no?", "Hace frío, no?"),
        ("Wait ...", "Espera ...", "Espera ..."),  # the source had the blank: kept
        ("Pi is 3.14.", "Pi es 3.14.", "Pi es 3.14."),
        ("a\tb", "a \t b", "a b"),
        ("10\u00a0km.", "10\u00a0km .", "10\u00a0km."),  # a no-break space is text
    ],
)
def test_tidy(source: str, output: str, expected: str) -> None:
    assert _tidy(source, output) == expected


def test_no_break_spaces_come_through_a_real_pair() -> None:
    translator = ApertiumTranslator(_pair(_engine(), "en", "es"))
    out = translator.translate(["The distance is 10\u00a0km.", "The French say «\u202foui\u202f»."])
    assert "10\u00a0km" in out[0] and "\u202foui\u202f" in out[1], out


# --- chain planning (pure: a fixed list of pairs) -----------------------------------------------

DEBIAN_MODES = [
    "eng-spa", "spa-eng", "eng-cat", "cat-eng", "en-gl", "gl-en", "es-fr", "fr-es",
    "es-pt", "pt-es", "es-pt_BR", "spa-ita", "ita-spa", "ro-es", "spa-cat_iec2017",
]  # fmt: skip


def _apertium_pairs(modes: list[str]) -> list[Pair]:
    out = []
    for mode in modes:
        codes = mode_pair(mode)
        if codes is not None:
            out.append(Pair("apertium", codes[0], codes[1], mode, kind="rule-based"))
    return out


ARGOS_ZH_EN = Pair("argos", "zh-Hans", "en", "translate-zh_en", "1.9", kind="neural")


def test_chain_crosses_engines_zh_en_es() -> None:
    pairs = [ARGOS_ZH_EN, *_apertium_pairs(DEBIAN_MODES)]
    chain = plan_chain(pairs, "zh", "es")
    assert [(p.engine, p.name) for p in chain] == [
        ("argos", "translate-zh_en"),
        ("apertium", "eng-spa"),
    ]


def test_chain_fewest_hops_then_neural() -> None:
    pairs = [ARGOS_ZH_EN, *_apertium_pairs(DEBIAN_MODES)]
    assert [p.name for p in plan_chain(pairs, "zh", "fr")] == [
        "translate-zh_en",
        "eng-spa",
        "es-fr",
    ]
    assert [p.name for p in plan_chain(pairs, "en", "pt-BR")] == ["eng-spa", "es-pt_BR"]
    # An Argos en->es package wins over Apertium's eng-spa for the same hop.
    argos_en_es = Pair("argos", "en", "es", "translate-en_es", "1.0", kind="neural")
    assert [p.engine for p in plan_chain([*pairs, argos_en_es], "zh", "es")] == ["argos", "argos"]
    # A direct Apertium pair beats a two-hop chain, even a neural one.
    argos_en_de = Pair("argos", "en", "de", "translate-en_de", kind="neural")
    argos_de_gl = Pair("argos", "de", "gl", "translate-de_gl", kind="neural")
    chain = plan_chain([*pairs, argos_en_de, argos_de_gl], "en", "gl")
    assert [p.name for p in chain] == ["en-gl"]


@pytest.mark.apertium
def test_chain_uses_installed_modes() -> None:
    engine = _engine()
    _pair(engine, "en", "es")
    chain = plan_chain([ARGOS_ZH_EN, *engine.pairs()], "zh-Hans", "es")
    assert [(p.engine, p.source, p.target) for p in chain] == [
        ("argos", "zh-Hans", "en"),
        ("apertium", "en", "es"),
    ]
    assert chain[1].name == "eng-spa"


# --- the installed modes ------------------------------------------------------------------------


@pytest.mark.apertium
def test_pairs_come_from_installed_modes() -> None:
    engine = _engine()
    pairs = engine.pairs()
    directory = modes_dir()
    assert directory is not None
    installed = {f.stem for f in directory.glob("*.mode")}
    assert pairs, "Apertium is installed but offers no pair"
    for pair in pairs:
        assert pair.engine == "apertium" and pair.kind == "rule-based"
        assert pair.name in installed
        assert mode_pair(pair.name) == (pair.source, pair.target)
    directions = [(p.source, p.target) for p in pairs]
    assert len(directions) == len(set(directions)), "one mode per direction"
    en_es = _pair(engine, "en", "es")
    assert en_es.name == "eng-spa"
    if shutil.which("dpkg-query"):
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+~:-]*", en_es.version), en_es.version
    assert en_es.size > 1_000_000


@pytest.mark.apertium
def test_unreliable_modes_are_installed_but_not_offered() -> None:
    # Debian's rus-ukr returns nothing for ordinary sentences; `make apertium` installs it only
    # for the analysers language detection reads.
    engine = _engine()
    directory = modes_dir()
    assert directory is not None
    present = UNRELIABLE_MODES & {f.stem for f in directory.glob("*.mode")}
    if not present:
        pytest.skip("apertium-rus-ukr is not installed (make apertium)")
    assert not present & {pair.name for pair in engine.pairs()}
    assert ("ru", "uk") not in {(p.source, p.target) for p in engine.pairs()}


@pytest.mark.apertium
def test_slovenian_to_croatian_is_offered_and_croatian_to_slovenian_is_not() -> None:
    engine = _engine()
    directory = modes_dir()
    assert directory is not None
    if not (directory / "slv-hbs_HR.mode").is_file():
        pytest.skip("apertium-hbs-slv is not installed (make apertium)")
    directions = {(p.source, p.target): p.name for p in engine.pairs()}
    assert directions[("sl", "hr")] == "slv-hbs_HR"
    # hbs-slv reads "je" (is) as a noun in almost every sentence: hidden.
    assert ("hr", "sl") not in directions
    out = ApertiumTranslator(_pair(engine, "sl", "hr")).translate(
        ["Danes je lep dan.", "Mleko je belo."]
    )
    # Croatian is ijekavian: lijep, mlijeko, bijelo where Slovenian has lep, mleko, belo.
    assert out == ["Danas je lijep dan.", "Mlijeko je bijelo."], out


@pytest.mark.apertium
def test_signature_records_mode_version_and_unknown_marking() -> None:
    engine = _engine()
    pair = _pair(engine, "en", "es")
    plain = engine.translator(pair).signature
    marked = ApertiumEngine(None, mark_unknown=True).translator(pair).signature
    assert "engine:apertium" in plain and "package:eng-spa" in plain
    assert plain.endswith("|unk:plain") and marked.endswith("|unk:marked")
    if pair.version:
        assert f"pkgver:{pair.version}" in plain


def test_mark_unknown_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGN_APERTIUM_MARK_UNKNOWN", "1")
    assert ApertiumEngine(None).mark_unknown is True
    monkeypatch.setenv("ALIGN_APERTIUM_MARK_UNKNOWN", "0")
    assert ApertiumEngine(None).mark_unknown is False


# --- translating --------------------------------------------------------------------------------


@pytest.mark.apertium
def test_translates_en_es() -> None:
    engine = _engine()
    t = engine.translator(_pair(engine, "en", "es"))
    out = t.translate(["The children are playing in the park.", "I have three red apples."])
    assert len(out) == 2
    assert "niños" in out[0] and "parque" in out[0]
    assert "tres" in out[1] and "manzanas" in out[1]


@pytest.mark.apertium
def test_unknown_words_unmarked_by_default_marked_on_request() -> None:
    engine = _engine()
    pair = _pair(engine, "en", "es")
    sentence = ["The zorblaxian engineers arrived."]
    plain = engine.translator(pair).translate(sentence)[0]
    marked = ApertiumEngine(None, mark_unknown=True).translator(pair).translate(sentence)[0]
    assert "zorblaxian" in plain and "*" not in plain
    assert "*zorblaxian" in marked


TRICKY = [
    "Dr. Smith arrived at 5 p.m. on Jan. 3 and left at 7",
    'He said "hello" to the U.S. team, then left.',
    "",
    "   ",
    "It cost $4.50 (approx.) in 2024, i.e. 11 percent more.",
    "...",
    "A line\nbroken inside\n\nwith a blank line in it.",
    "[1] See section 2.3 — and ^this^ @name #tag <b>x</b> a/b 13\\14.",
    "\t",
    "What? No! 15",
    "—",
    "St. Louis vs. Mt. Everest: 16 km.",
]


@pytest.mark.apertium
def test_n_sentences_in_n_out() -> None:
    engine = _engine()
    out = engine.translator(_pair(engine, "en", "es")).translate(TRICKY)
    assert len(out) == len(TRICKY)
    for src, tgt in zip(TRICKY, out, strict=True):
        if not src.strip():
            assert tgt == ""
        else:
            assert tgt and "\n" not in tgt
            # each sentence's numbers come back in its own slot: nothing shifted
            for number in re.findall(r"\d+", src):
                assert number in tgt, (src, tgt)
    assert out[5] == "..."
    assert out[10] == "—"
    assert "$4.50" in out[4]
    assert "hola" in out[1]


def test_empty_batch_starts_no_process() -> None:
    pair = Pair("apertium", "en", "es", "eng-spa", kind="rule-based")
    t = ApertiumTranslator(pair, executable="/nonexistent/apertium")
    assert t.translate([]) == []
    assert t.translate(["", "  "]) == ["", ""]


@pytest.mark.apertium
def test_speech_keeps_its_sentences() -> None:
    engine = _engine()
    text = read_text(CORPORA / "yunqi-2024" / "speech.en.txt")
    sentences = [s.text for s in segment_text(text, "en")]
    out = engine.translator(_pair(engine, "en", "es")).translate(sentences)
    assert len(out) == len(sentences) > 50
    assert all(out)
    for src, tgt in zip(sentences, out, strict=True):
        for number in re.findall(r"\d{2,}", src):
            assert number in tgt, (src, tgt)
    assert "alibaba" in out[0].lower()


@pytest.mark.apertium
@pytest.mark.shared
def test_wmt_references_keep_their_lines() -> None:
    engine = _engine()
    lines = read_text(shared_path("data", "wmt23-zh-en", "ref.en")).splitlines()[:300]
    out = engine.translator(_pair(engine, "en", "ca")).translate(lines)
    assert len(out) == len(lines)
    for src, tgt in zip(lines, out, strict=True):
        assert bool(src.strip()) == bool(tgt)
        for number in re.findall(r"\d{3,}", src):
            assert number in tgt, (src, tgt)


@pytest.mark.apertium
def test_chain_en_es_fr_one_process_per_hop() -> None:
    engine = _engine()
    steps = [
        engine.translator(_pair(engine, "en", "es")),
        engine.translator(_pair(engine, "es", "fr")),
    ]
    chain = ChainTranslator(list(steps))
    out = chain.translate(["The children are playing in the park.", "", "We bought 12 books."])
    assert len(out) == 3 and out[1] == ""
    assert "enfants" in out[0] and "parc" in out[0]
    assert "12" in out[2] and "livres" in out[2]
    assert chain.signature.count("engine:apertium") == 2


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.apertium
def test_missing_mode_names_mode_and_stderr() -> None:
    engine = _engine()
    pair = Pair("apertium", "en", "xh", "eng-xho", kind="rule-based")
    with pytest.raises(EngineError) as info:
        engine.translator(pair).translate(["Hello."])
    message = str(info.value)
    assert "apertium mode eng-xho failed (exit 1): Error: Mode eng-xho does not exist." in message
    assert info.value.exit_code == 1


def test_missing_executable_is_an_engine_error() -> None:
    pair = Pair("apertium", "en", "es", "eng-spa", kind="rule-based")
    t = ApertiumTranslator(pair, executable="/nonexistent/apertium")
    with pytest.raises(EngineError, match=r"apertium mode eng-spa: cannot run '/nonexistent/"):
        t.translate(["Hello."])


def test_translator_refuses_another_engines_pair() -> None:
    with pytest.raises(EngineError, match="belongs to engine 'argos'"):
        ApertiumEngine(None).translator(ARGOS_ZH_EN)


def _broken_datadir(root: Path) -> Path:
    """An Apertium data dir whose eng-spa mode points at a dictionary that is not there."""
    (root / "modes").mkdir(parents=True)
    missing = root / "apertium-eng-spa" / "eng-spa.automorf.bin"
    (root / "modes" / "eng-spa.mode").write_text(f"lt-proc '{missing}'\n", encoding="utf-8")
    return root


@pytest.mark.apertium
def test_failing_pipeline_names_mode_and_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _engine()
    monkeypatch.setenv("APERTIUM_DATADIR", str(_broken_datadir(tmp_path / "data")))
    engine = ApertiumEngine(None)
    [pair] = engine.pairs()
    assert (pair.name, pair.version) == ("eng-spa", "")
    translator = engine.translator(pair)
    assert translator.signature.endswith(f"|datadir:{tmp_path / 'data'}")
    with pytest.raises(EngineError) as info:
        translator.translate(["Hello world.", "Goodbye."])
    # exit 0 with no output, or exit 141 (SIGPIPE), depending on timing: same message otherwise
    assert str(info.value).startswith("apertium mode eng-spa failed")
    assert "Error: Cannot open file" in str(info.value)


@pytest.mark.apertium
def test_cli_failing_pipeline_exit_1_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _engine()
    monkeypatch.setenv("APERTIUM_DATADIR", str(_broken_datadir(tmp_path / "data")))
    src = tmp_path / "doc.en.txt"
    src.write_text("Hello world. Goodbye.\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["translate", str(src), "--from", "en", "--to", "es", "--engine", "apertium"]
    result = CliRunner().invoke(cli, [*args, "-o", str(out), "-q"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    # The apertium script exits 0 or 141 (SIGPIPE) for the same failure, depending on timing:
    # either way the one line names the mode and apertium's own stderr line.
    assert lines[0].startswith("align: error: apertium mode eng-spa failed")
    assert "Error: Cannot open file" in lines[0] and "eng-spa.automorf.bin" in lines[0]
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.apertium
def test_cli_translates_speech_into_several_targets(tmp_path: Path) -> None:
    engine = _engine()
    for target in ("es", "ca", "fr", "pt"):
        plan_chain(engine.pairs(), "en", target)
    src = CORPORA / "yunqi-2024" / "speech.en.txt"
    n = len(segment_text(read_text(src), "en"))
    out = tmp_path / "out"
    args = ["translate", str(src), "--from", "en", "--engine", "apertium", "--format", "jsonl"]
    targets = ["--to", "es", "--to", "ca", "--to", "fr", "--to", "pt"]
    result = CliRunner().invoke(cli, [*args, *targets, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    words = {
        "es": "inteligencia",
        "ca": "intel·ligència",
        "fr": "intelligence",
        "pt": "inteligência",
    }
    for target, word in words.items():
        records = [
            json.loads(line)
            for line in (out / f"speech.{target}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert len(records) == n
        assert all(r["translation"] and r["target_lang"] == target for r in records)
        assert any(word in r["translation"] for r in records)
        signature = records[0]["signature"]
        hops = plan_chain(engine.pairs(), "en", target)
        assert signature.count("engine:apertium") == len(hops)
        assert all(f"package:{p.name}" in signature for p in hops)


@pytest.mark.apertium
@pytest.mark.model
def test_cross_engine_chain_zh_en_es(models_dir: Path) -> None:
    _engine()
    from align.translate import get_translator

    t = get_translator("zh", "es", models_dir=models_dir, cache=False)
    signature = t.signature
    assert signature.startswith("[engine:argos|src:zh-Hans|tgt:en|")
    assert "] >> [engine:apertium|src:en|tgt:es|package:eng-spa|" in signature
    zh = read_text(CORPORA / "yunqi-2024" / "speech.zh.txt").split("\n\n")[1:3]
    out = t.translate([*zh, "", "我们买了12本书。"])
    assert len(out) == 4 and out[2] == ""
    assert "19" in out[0] and "2024" in out[0] and "septiembre" in out[0]
    assert "12" in out[3] and "libros" in out[3]

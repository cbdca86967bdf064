"""The first hour of a new user (issue 18): what the CLI and the library show on real inputs."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CORPORA, zh_en_model_dir


def _zh_en() -> object:
    from align.translate import get_translator

    zh_en_model_dir()
    return get_translator("zh", "en", engine="argos", cache=False)


# --- detokenisation -------------------------------------------------------------------------


def test_possessives_of_the_real_model_have_no_stray_spaces() -> None:
    """The zh->en model writes "people ▁' ▁s" now and then (Moses-tokenized clitics): the
    decoded text says "people's". Sentences of the demo speech that came out as " ' s"."""
    from align.text import split_sentences

    tr = _zh_en()
    speech = (CORPORA / "yunqi-2024" / "speech.zh.txt").read_text(encoding="utf-8")
    keys = ("人们的生活方式", "整个世界的生产力，", "人们的怀疑中", "Qwen的原生模型")
    paragraphs = [p for p in speech.splitlines() if any(k in p for k in keys)]
    assert len(paragraphs) >= 3
    sentences = [s for p in paragraphs for s in split_sentences(p, "zh")]
    out = tr.translate(sentences)  # type: ignore[attr-defined]
    joined = "\n".join(out)
    assert " ' s" not in joined and " 's" not in joined, joined
    assert "people's" in joined and "world's" in joined, joined


def test_quotes_and_other_apostrophes_are_left_as_the_model_wrote_them() -> None:
    from align.translate.argos import _join_moses_clitics

    w = "\u2581"
    assert _join_moses_clitics([w + "the", w + "world", w + "'", w + "s", w + "output"]) == [
        w + "the",
        w + "world",
        "'",
        "s",
        w + "output",
    ]
    assert _join_moses_clitics([w + "This", w + "document", w + "'", "s", w + "digit"])[2:4] == [
        "'",
        "s",
    ]
    # A quote, a word starting after an apostrophe, a plural possessive: unchanged.
    for pieces in (
        [w + "said", w + "'", w + "hello", w + "'"],
        [w + "de", w + "'", "is", w + "completely"],
        [w + "workers", w + "'", w + "rights"],
        [w + "'", w + "s"],
    ):
        assert _join_moses_clitics(pieces) == pieces


# --- help -----------------------------------------------------------------------------------


def _commands() -> list[tuple[list[str], object]]:
    """Every command and subcommand of ``align``, with its argv path, through click's API."""
    import click

    from align.cli import cli

    found: list[tuple[list[str], object]] = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        found.append((path, cmd))
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, [*path, name])

    walk(cli, [])
    return found


def test_every_option_of_every_command_has_a_help_string() -> None:
    import click
    from click.testing import CliRunner

    from align.cli import cli

    commands = _commands()
    assert ["models", "install"] in [path for path, _ in commands]
    missing = []
    for path, cmd in commands:
        assert isinstance(cmd, click.Command)
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "%%" not in result.output, (path, result.output)
        for param in cmd.params:
            if isinstance(param, click.Option) and not param.hidden:
                if not (param.help or "").strip():
                    missing.append(f"align {' '.join(path)} {param.opts[0]}")
                else:
                    assert param.opts[-1] in result.output, (path, param.opts)
    assert not missing, missing


def test_compare_help_prints_a_single_percent_sign() -> None:
    from click.testing import CliRunner

    from align.cli import cli

    out = CliRunner().invoke(cli, ["compare", "--help"]).output
    assert "PCT%" in out and "PCT%%" not in out


# --- the run summary ------------------------------------------------------------------------


def test_run_summary_says_reused_yes_or_no_not_python_booleans(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from align.cli import cli

    zh_en_model_dir()
    src = tmp_path / "note.zh.txt"
    src.write_text("人们的生活方式改变了。\n世界的生产力大大提高。\n", encoding="utf-8")
    argv = ["run", str(src), "--from", "zh", "--to", "en", "-o", str(tmp_path / "o")]
    for expected in ("no", "yes"):
        result = CliRunner().invoke(cli, [*argv, "-q"])
        assert result.exit_code == 0, result.output
        header, _, row = result.stdout.splitlines()[:3]
        assert header.split()[-1] == "reused"
        assert row.split()[-1] == expected, row
        assert "False" not in result.stdout and "True" not in result.stdout
    md = CliRunner().invoke(cli, [*argv, "-q", "--format", "markdown"]).stdout
    assert md.splitlines()[2].rstrip(" |").endswith("yes"), md


# --- translate --to all ---------------------------------------------------------------------


def test_translate_to_all_writes_every_target_run_would(tmp_path: Path) -> None:
    """``translate --to all`` expands as ``run --to all`` does (``Engines.targets``): from
    Chinese, English by Argos and the Apertium targets of English by a chain."""
    from click.testing import CliRunner

    from align.cli import cli
    from align.run.inputs import resolve_targets
    from align.translate.engine import Engines

    zh_en_model_dir()
    src = tmp_path / "note.zh.txt"
    src.write_text("人们的生活方式改变了。\n", encoding="utf-8")
    expected = resolve_targets(["all"], {}, "zh-Hans", Engines())
    assert "en" in expected and "es" in expected
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["translate", str(src), "--from", "zh", "--to", "all", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"note.{t}.txt" for t in expected), written
    assert "lifestyle" in (out / "note.en.txt").read_text(encoding="utf-8")
    # To stdout, all the targets come as jsonl, one record per target.
    lines = (
        CliRunner()
        .invoke(
            cli,
            ["translate", "-", "--from", "zh", "--to", "all", "--format", "jsonl", "-q"],
            input="人们的生活方式改变了。\n",
        )
        .stdout.splitlines()
    )
    assert len(lines) == len(expected)


# --- "no path" errors -----------------------------------------------------------------------


def test_no_path_says_what_is_reachable_from_the_source_and_how_to_get_a_model() -> None:
    import pytest

    from align.errors import NoTranslationPath
    from align.translate.engine import Pair, plan_chain

    pairs = [
        Pair("argos", "zh-Hans", "en", "translate-zh_en"),
        Pair("apertium", "en", "es", "eng-spa", kind="rule-based"),
        Pair("apertium", "en", "gl", "eng-glg", kind="rule-based"),
        Pair("apertium", "es", "fr", "spa-fra", kind="rule-based"),
        Pair("apertium", "ro", "es", "ron-spa", kind="rule-based"),
    ]
    hint = (
        "offline, a {s}->{t} .argosmodel file, as listed in the argospm-index repository on "
        "GitHub: align models install FILE.argosmodel; online: align models install {s} {t}"
    )
    reach = (
        "from zh-Hans the installed engines reach: en (argos); es, gl via en (argos → apertium);"
        " fr via en, es (argos → apertium → apertium)"
    )
    cases = [
        ("zh", "ko", "auto", f"no engine or chain of engines covers it; {reach}"),
        ("zh", "es", "none", f"no direct pair and pivoting is off; {reach}"),
        ("zh", "fr", "gl", f"no chain through gl reaches it; {reach}"),
        ("ko", "ja", "auto", "no engine or chain of engines covers it; "
         "no installed engine translates from ko"),
    ]  # fmt: skip
    for source, target, pivot, why in cases:
        with pytest.raises(NoTranslationPath) as info:
            plan_chain(pairs, source, target, pivot)
        src = "zh-Hans" if source == "zh" else source
        s, t = source, target
        assert (
            str(info.value)
            == f"cannot translate {src} -> {target}: {why} ({hint.format(s=s, t=t)})"
        )


def test_no_path_on_the_real_engines_is_one_line_naming_the_reachable_targets() -> None:
    from click.testing import CliRunner

    from align.cli import cli

    zh_en_model_dir()
    result = CliRunner().invoke(
        cli, ["translate", "-", "--from", "zh", "--to", "ko"], input="你好。\n"
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(
        "align: error: cannot translate zh-Hans -> ko: no engine or chain of engines covers "
        "it; from zh-Hans the installed engines reach: en (argos)"
    ), result.stderr
    assert "installed pairs" not in result.stderr and "ro->es" not in result.stderr
    assert "align models install FILE.argosmodel" in result.stderr


# --- a translation keeps its source's segmentation ------------------------------------------


def test_a_translation_is_aligned_one_to_one_with_its_source(tmp_path: Path) -> None:
    """The speech's second sentence ends "... CEO U.S.G. on 2024."; into French (Argos, then
    Apertium twice) a sentence splitter cut it at "U.S." and "G.", and the row was flagged
    merged although it was one translated sentence."""
    import shutil

    import pytest
    from click.testing import CliRunner

    from align.cli import cli
    from align.run.model import result_from_dict

    zh_en_model_dir()
    if not shutil.which("apertium"):
        pytest.skip("Apertium is not installed (run: make apertium)")
    speech = (CORPORA / "yunqi-2024" / "speech.zh.txt").read_text(encoding="utf-8")
    src = tmp_path / "speech.zh.txt"
    src.write_text("\n".join(speech.split("\n")[:3]) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    result = CliRunner().invoke(
        cli, ["run", str(src), "--from", "zh", "--to", "fr", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    run = result_from_dict(json.loads((out / "scores.json").read_text("utf-8")))
    [t] = run.targets
    assert any(".g. " in s.lower() for s in t.translations), t.translations
    n = len(run.source.sentences)
    assert t.sentences == [s.strip() for s in t.translations] and len(t.sentences) == n
    assert [(list(b.src), list(b.tgt)) for b in t.beads] == [([i], [i]) for i in range(n)]
    assert not any("merged" in r.flags for r in t.rows), [r.flags for r in t.rows]
    beads = (out / "speech.fr.beads").read_text(encoding="utf-8").splitlines()
    assert [line.rsplit(":", 1)[0] for line in beads] == [f"[{i}]:[{i}]" for i in range(n)]
    assert "Wu Siu Ming" in (out / "report.html").read_text(encoding="utf-8")


# --- the README's Python API ----------------------------------------------------------------


def test_the_readme_python_api_block_runs_as_written() -> None:
    """The README's "Python API" code block, run as a doctest against the real model; and
    each package it names says what it exports."""
    import doctest
    import importlib

    from conftest import ROOT

    zh_en_model_dir()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    test = doctest.DocTestParser().get_doctest(block, {}, "README Python API", "README.md", 0)
    assert len(test.examples) >= 8
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries == len(test.examples)
    for name in ("align.translate", "align.detect", "align.score", "align.alignment"):
        module = importlib.import_module(name)
        exported = module.__all__
        assert exported and all(hasattr(module, n) for n in exported), name
        bullet = section.split(f"`{name}`:", 1)[1].split("\n- ", 1)[0].split("\n\n", 1)[0]
        for listed in bullet.split("`")[1::2]:
            assert listed in exported, (name, listed)

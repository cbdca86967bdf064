"""PO/POT through the real engines; outputs checked by GNU msgfmt -c and read back with the
standard library's gettext (from the .mo msgfmt compiles), not polib, which writes them."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.translate.engine import Engines
from conftest import ROOT, zh_en_model_dir

DATA = ROOT / "tests" / "data" / "formats"


def needs_apertium_en_es() -> None:
    if not any(p.source == "en" and p.target == "es" for p in Engines("apertium").pairs()):
        pytest.skip("the Apertium en->es pair is not installed (run: make apertium)")


def msgfmt() -> str:
    path = shutil.which("msgfmt")
    if path is None:
        pytest.skip("GNU gettext's msgfmt is not installed (run: make apertium)")
    return path


def compile_po(po: Path, tmp_path: Path) -> gettext.GNUTranslations:
    """msgfmt -c must accept it; -f keeps the fuzzy (machine) translations in the .mo."""
    mo = tmp_path / (po.stem + ".mo")
    done = subprocess.run(
        [msgfmt(), "-c", "-f", "-o", str(mo), str(po)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    with mo.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def entries(po: Path) -> dict[str, list[str]]:
    """msgid -> its flags, read from the file's comments (the text itself, not polib)."""
    out: dict[str, list[str]] = {}
    flags: list[str] = []
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",")]
        elif line.startswith("msgid "):
            out[line[6:].strip('"')] = flags
            flags = []
    return out


def test_pot_gets_translations_plurals_placeholders_and_header(tmp_path: Path) -> None:
    needs_apertium_en_es()
    result = CliRunner().invoke(
        cli,
        ["translate", str(DATA / "app.pot"), "--from", "en", "--to", "es", "-o", f"{tmp_path}/"],
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "app.es.po"  # a template gives a catalogue
    assert "9 units: 9 translated" in result.output
    t = compile_po(out, tmp_path)
    info = t.info()
    assert info["language"] == "es" and info["plural-forms"] == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in info["content-type"]
    assert t.gettext("The weather is nice today.") == "El tiempo es bueno hoy."
    hello = t.gettext("Hello, %(name)s! You have new messages.")
    assert "%(name)s" in hello and hello % {"name": "Ana"}
    one, many = (
        t.ngettext("Delete %d file?", "Delete %d files?", 1),
        t.ngettext("Delete %d file?", "Delete %d files?", 5),
    )
    assert one != many and "%d" in one and "%d" in many
    saved = t.gettext("The file {filename} was saved in {folder}.")
    assert "{filename}" in saved and "{folder}" in saved
    done = t.gettext("%s of %s done (100%% means finished).")
    assert done.count("%s") == 2 and "100%%" in done
    # context kept: two entries for "Open"
    assert t.pgettext("menu", "Open") != "Open" and t.pgettext("state", "Open") != "Open"
    flags = entries(out)
    assert all("fuzzy" in f for msgid, f in flags.items() if msgid)  # machine translations
    assert "c-format" in flags["Delete %d file?"]


def test_existing_translations_are_kept_and_obsolete_entries_stay(tmp_path: Path) -> None:
    needs_apertium_en_es()
    out = tmp_path / "app.es.po"
    args = ["translate", str(DATA / "app.es.po"), "--from", "en", "--to", "es", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "3 translated, 2 kept" in result.output
    t = compile_po(out, tmp_path)
    assert t.gettext("The weather is nice today.") == "Hoy hace buen tiempo."
    assert (
        t.gettext("Hello, %(name)s! You have new messages.") == "¡Hola, %(name)s! Tienes mensajes."
    )
    assert "fuzzy" not in entries(out)["The weather is nice today."]
    assert '#~ msgstr "Un mensaje viejo."' in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, [*args, "--overwrite"])
    assert result.exit_code == 0 and "5 translated, 0 kept" in result.output
    assert (
        compile_po(out, tmp_path).gettext("The weather is nice today.") == "El tiempo es bueno hoy."
    )


def test_zh_po_through_the_neural_model_keeps_placeholders_and_gets_english_plurals(
    tmp_path: Path,
) -> None:
    zh_en_model_dir()
    result = CliRunner().invoke(
        cli, ["translate", str(DATA / "app.zh.po"), "--to", "en", "-o", f"{tmp_path}/"]
    )
    assert result.exit_code == 0, result.output
    t = compile_po(tmp_path / "app.en.po", tmp_path)
    assert t.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"  # the target's rule
    assert "%(name)s" in t.gettext("你好，%(name)s！")
    assert "%d" in t.ngettext("删除 %d 个文件？", "删除 %d 个文件？", 2)
    assert "{filename}" in t.gettext("文件{filename}已保存。")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('msgid "open\nmsgstr ""\n', "line 1"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', "duplicate message"),
        ('msgid "a"\nmsgstr "b"\nmsgfoo "c"\n', "line 3"),
    ],
)
def test_malformed_po_is_one_line_exit_2_and_no_output(
    tmp_path: Path, content: str, problem: str
) -> None:
    bad = tmp_path / "bad.po"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["translate", str(bad), "--from", "en", "--to", "es", "-o", f"{out}/"]
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "not a valid PO file" in lines[0] and problem in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_a_po_without_header_comments_gains_none(tmp_path: Path) -> None:
    """polib writes an empty header comment as a bare "#" line; a file that had no comment
    above its header gets none, and one that had its comments keeps them."""
    needs_apertium_en_es()
    body = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: app.c:1\nmsgid "The weather is nice."\nmsgstr ""\n'
    )
    for head in ("", "# Spanish translation of app.\n# Copyright (C) 2024\n"):
        src = tmp_path / "app.po"
        src.write_text(head + body, encoding="utf-8")
        out = tmp_path / "app.es.po"
        args = ["translate", str(src), "--from", "en", "--to", "es", "-o", str(out), "-q"]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert text.startswith(head + 'msgid ""\n'), text[:80]
        assert compile_po(out, tmp_path).gettext("The weather is nice.") == "El tiempo es bueno."

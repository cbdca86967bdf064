"""DOCX through the real engines; outputs opened with python-docx and read as raw XML with
zipfile + xml.etree, and converted by LibreOffice where it is installed."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from align.cli import cli
from align.translate.engine import Engines
from conftest import ROOT, zh_en_model_dir

DATA = ROOT / "tests" / "data" / "formats"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def needs_apertium_en_es() -> None:
    if not any(p.source == "en" and p.target == "es" for p in Engines("apertium").pairs()):
        pytest.skip("the Apertium en->es pair is not installed (run: make apertium)")


@pytest.fixture
def report(tmp_path: Path) -> tuple[Path, str]:
    needs_apertium_en_es()
    out = tmp_path / "report.es.docx"
    result = CliRunner().invoke(
        cli,
        ["translate", str(DATA / "report.en.docx"), "--from", "en", "--to", "es", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def test_paragraphs_tables_headers_and_footers_are_translated(report: tuple[Path, str]) -> None:
    out, output = report
    assert "12 translated" in output and "every tag kept" in output  # 11 paragraphs + title
    src, d = docx.Document(str(DATA / "report.en.docx")), docx.Document(str(out))
    assert len(d.paragraphs) == len(src.paragraphs)
    assert [p.style.name for p in d.paragraphs] == [p.style.name for p in src.paragraphs]
    for old, new in zip(src.paragraphs, d.paragraphs, strict=True):
        assert bool(old.text.strip()) == bool(new.text.strip())
        assert new.text != old.text or not old.text
    assert d.tables[0].cell(0, 0).text == "Ciudad" and d.tables[0].cell(1, 0).text == "Madrid"
    assert d.sections[0].header.paragraphs[0].text not in ("", "The weather report")
    assert "Madrid" in d.sections[0].footer.paragraphs[0].text
    assert d.core_properties.language == "es"
    # the title (core properties: the file browser, Word's Info pane) is translated too
    assert src.core_properties.title == "The weather report"
    assert d.core_properties.title not in ("", "The weather report")
    assert d.core_properties.title == d.sections[0].header.paragraphs[0].text


def test_run_formatting_and_hyperlinks_stay_on_their_words(report: tuple[Path, str]) -> None:
    out, _ = report
    d = docx.Document(str(out))
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    italic = [r.text for p in d.paragraphs for r in p.runs if r.italic]
    assert bold == ["Madrid"] and italic == ["robots"]
    # raw XML: the hyperlink keeps its relationship (the URL) and wraps the translated word
    with zipfile.ZipFile(out) as z:
        body = ET.fromstring(z.read("word/document.xml"))
        rels = ET.fromstring(z.read("word/_rels/document.xml.rels"))
    [link] = body.iter(f"{W}hyperlink")
    target = {r.get("Id"): r.get("Target") for r in rels}[link.get(f"{R}id")]
    assert target == "https://example.com/download"
    assert "".join(t.text or "" for t in link.iter(f"{W}t")) == "aquí"
    breaks = list(body.iter(f"{W}br"))
    assert len(breaks) == 1  # the line break between the two sentences


def test_footnotes_are_translated_and_their_reference_kept(report: tuple[Path, str]) -> None:
    out, _ = report
    with zipfile.ZipFile(out) as z:
        notes = ET.fromstring(z.read("word/footnotes.xml"))
        body = ET.fromstring(z.read("word/document.xml"))
    [note] = [n for n in notes.iter(f"{W}footnote") if n.get(f"{W}id") == "1"]
    text = "".join(t.text or "" for t in note.iter(f"{W}t"))
    assert text.strip() and "The data comes from the city." not in text
    assert len(list(note.iter(f"{W}footnoteRef"))) == 1
    [ref] = body.iter(f"{W}footnoteReference")
    assert ref.get(f"{W}id") == "1"


def test_zh_docx_through_the_neural_model(tmp_path: Path) -> None:
    zh_en_model_dir()
    src = tmp_path / "memo.zh.docx"
    d = docx.Document()
    p = d.add_paragraph("我在")
    p.add_run("阿里巴巴").bold = True
    p.add_run("工作，他住在杭州。")
    d.add_paragraph("今天天气很好。")
    d.save(str(src))
    out = tmp_path / "memo.en.docx"
    result = CliRunner().invoke(cli, ["translate", str(src), "--to", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = docx.Document(str(out))
    assert "Hangzhou" in back.paragraphs[0].text
    assert [r.bold for r in back.paragraphs[0].runs].count(True) == 1


def test_truncated_docx_is_one_line_exit_2_and_no_output(tmp_path: Path) -> None:
    bad = tmp_path / "cut.docx"
    bad.write_bytes((DATA / "report.en.docx").read_bytes()[:3000])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["translate", str(bad), "--from", "en", "--to", "es", "-o", f"{out}/"]
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "not a valid DOCX file" in lines[0] and str(bad) in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_libreoffice_opens_the_output(report: tuple[Path, str], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out, _ = report
    done = subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "report.es.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")

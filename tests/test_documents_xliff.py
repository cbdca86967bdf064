"""XLIFF 1.2 and 2.0 through the real engines (Apertium en->es, the Argos zh->en model).

Outputs are parsed back with the standard library's xml.etree (not lxml, which writes them).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.translate.engine import Engines
from conftest import ROOT, zh_en_model_dir

DATA = ROOT / "tests" / "data" / "formats"
X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
X20 = "{urn:oasis:names:tc:xliff:document:2.0}"


def needs_apertium_en_es() -> None:
    if not any(p.source == "en" and p.target == "es" for p in Engines("apertium").pairs()):
        pytest.skip("the Apertium en->es pair is not installed (run: make apertium)")


def translate(path: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["translate", str(path), "-o", f"{out}/", *args])
    return result.exit_code, result.output


def inline(el: ET.Element) -> list[tuple[str, dict[str, str]]]:
    """The inline elements of a source or target, in document order, with their attributes."""
    return [(child.tag, dict(child.attrib)) for child in el.iter() if child is not el]


def units12(path: Path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    return {tu.get("id", ""): tu for tu in root.iter(f"{X12}trans-unit")}


def test_xliff12_targets_with_tags_states_and_do_not_translate(tmp_path: Path) -> None:
    needs_apertium_en_es()
    code, output = translate(DATA / "app.en.xlf", tmp_path, "--to", "es", "--engine", "apertium")
    assert code == 0, output
    out = tmp_path / "app.es.xlf"
    assert "9 units: 6 translated, 1 kept, 2 not to translate" in output
    root = ET.parse(out).getroot()
    assert root.find(f"{X12}file").get("target-language") == "es"
    src_units, units = units12(DATA / "app.en.xlf"), units12(out)
    assert list(units) == list(src_units)
    for uid in ("greeting", "link", "count", "break", "split", "brand"):
        source, target = units[uid].find(f"{X12}source"), units[uid].find(f"{X12}target")
        assert target is not None and "".join(target.itertext()).strip(), uid
        assert target.get("state") == "needs-review-translation"
        assert target.get("state-qualifier") == "mt-suggestion"
        # the same inline elements, ids and attributes, in the same order
        assert inline(target) == inline(source), uid
        original = src_units[uid].find(f"{X12}source")
        assert list(source.itertext()) == list(original.itertext())  # the source is untouched
    link = units["link"].find(f"{X12}target")
    assert link.find(f"{X12}g").text == "aquí"  # the tag is around the translated word
    assert units["count"].find(f"{X12}target").find(f"{X12}ph").text == "{count}"
    brand = units["brand"].find(f"{X12}target").find(f"{X12}mrk")
    assert brand.text == "Open Source"  # protected: untouched
    # translate="no" (on the unit, and on a group) gets no target; the existing target is kept
    assert units["code"].find(f"{X12}target") is None
    assert units["license"].find(f"{X12}target") is None
    done = units["done"].find(f"{X12}target")
    assert done.text == "El archivo se guardó." and done.get("state") == "translated"


def test_xliff12_overwrite_retranslates_existing_targets(tmp_path: Path) -> None:
    needs_apertium_en_es()
    args = ("--to", "es", "--engine", "apertium", "--overwrite")
    code, output = translate(DATA / "app.en.xlf", tmp_path, *args)
    assert code == 0, output
    done = units12(tmp_path / "app.es.xlf")["done"].find(f"{X12}target")
    assert done.get("state") == "needs-review-translation" and done.text != "El archivo se guardó."


def test_xliff20_segments_states_and_inline_codes(tmp_path: Path) -> None:
    needs_apertium_en_es()
    code, output = translate(DATA / "app.en.xliff", tmp_path, "--to", "es", "--engine", "apertium")
    assert code == 0, output
    root = ET.parse(tmp_path / "app.es.xliff").getroot()
    assert root.get("trgLang") == "es" and root.get("srcLang") == "en"
    segs = {
        (unit.get("id"), seg.get("id")): seg
        for unit in root.iter(f"{X20}unit")
        for seg in unit.findall(f"{X20}segment")
    }
    for key in (("greeting", None), ("link", None), ("count", None), ("two", "s1"), ("two", "s2")):
        seg = segs[key]
        assert seg.get("state") == "translated" and seg.get("subState") == "align:mt", key
        source, target = seg.find(f"{X20}source"), seg.find(f"{X20}target")
        assert target is not None and inline(target) == inline(source), key
    assert segs[("link", None)].find(f"{X20}target/{X20}pc").text == "aquí"
    assert segs[("two", "s2")].find(f"{X20}target/{X20}mrk").text == "Open Source"
    # the ignorable between the segments and the originalData are untouched
    unit_two = next(u for u in root.iter(f"{X20}unit") if u.get("id") == "two")
    assert [c.tag for c in unit_two] == [f"{X20}segment", f"{X20}ignorable", f"{X20}segment"]
    assert len(root.findall(f".//{X20}originalData/{X20}data")) == 2
    done = segs[("done", None)]
    assert (
        done.get("state") == "final" and done.find(f"{X20}target").text == "El archivo se guardó."
    )
    assert segs[("code", None)].find(f"{X20}target") is None


def test_zh_xliff_through_the_neural_model_keeps_every_tag(tmp_path: Path) -> None:
    zh_en_model_dir()
    code, output = translate(DATA / "app.zh.xlf", tmp_path, "--to", "en")
    assert code == 0, output
    units = units12(tmp_path / "app.en.xlf")
    for uid in ("weather", "link", "count", "company"):
        source, target = units[uid].find(f"{X12}source"), units[uid].find(f"{X12}target")
        assert inline(target) == inline(source), uid
    company = units["company"].find(f"{X12}target")
    assert [g.text for g in company.iter(f"{X12}g")][1] == "Hangzhou"
    assert "every tag kept" in output
    assert units["brand"].find(f"{X12}target") is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file>',
            "not well-formed",
        ),
        ('<xliff version="3.0" xmlns="urn:example:xliff:3"><file/></xliff>', "version 3.0"),
        ("<html><body>hello</body></html>", "not XLIFF"),
    ],
)
def test_malformed_xliff_is_one_line_exit_2_and_no_output(
    tmp_path: Path, content: str, problem: str
) -> None:
    bad = tmp_path / "bad.xlf"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["translate", str(bad), "--from", "en", "--to", "es", "-o", f"{out}/"]
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0] and str(bad) in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_unhandled_formats_say_which_are_handled(tmp_path: Path) -> None:
    doc = tmp_path / "letter.odt"
    doc.write_bytes(b"PK\x03\x04not really")
    result = CliRunner().invoke(cli, ["translate", str(doc), "--from", "en", "--to", "es"])
    assert result.exit_code == 2
    assert ".odt files cannot be translated yet" in result.output
    assert all(f in result.output for f in ("xliff", "po", "srt", "html", "markdown", "docx"))
    result = CliRunner().invoke(
        cli, ["translate", str(DATA / "app.en.xlf"), "--to", "es", "--format", "tsv"]
    )
    assert result.exit_code == 2 and "--format tsv is for plain text" in result.output


def test_input_format_option_reads_an_xliff_with_another_extension(tmp_path: Path) -> None:
    needs_apertium_en_es()
    odd = tmp_path / "app.xml"
    odd.write_bytes((DATA / "app.en.xlf").read_bytes())
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(
        cli, ["translate", str(odd), "--input-format", "xliff", "--to", "es", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert len(list(ET.parse(out).getroot().iter(f"{X12}target"))) == 7


def test_the_check_finds_a_dropped_tag_and_a_missing_translation() -> None:
    from align.documents import check_document, to_translate
    from align.documents.inline import Translated
    from align.documents.xliff import read

    doc = read(str(DATA / "app.en.xlf"))
    todo = to_translate(doc, overwrite=False)
    labels = [doc.units[i].label for i in todo]
    # a translation that lost the <g> of "link", and an empty one for "greeting"
    translations = {
        i: Translated([] if doc.units[i].label == "greeting" else [doc.units[i].plain()])
        for i in todo
    }
    data = doc.render("es", translations)
    check = check_document(doc, data, translations, "out.xlf", overwrite=False)
    assert "link: inline tags differ from the source's" in check.failed
    assert "greeting: no translation" in check.failed
    assert "count: inline tags differ from the source's" in check.failed
    assert "FAILED" in check.summary() and set(labels) >= {"link", "greeting"}


def test_bracket_tokens_pass_through_apertium() -> None:
    """The tokens the engines see for inline tags: Apertium keeps them, in place."""
    needs_apertium_en_es()
    from align.documents.inline import Tag, Unit, translate_units
    from align.translate import get_translator

    units = [
        Unit(0, "a", ["Please click ", Tag("open", 1), "here", Tag("close", 1), " now."]),
        Unit(1, "b", ["You have ", Tag("point", 2), " new messages."]),
    ]
    out = translate_units(get_translator("en", "es", engine="apertium", cache=False), units)
    assert [t.moved for t in out] == [False, False]  # no projection needed
    assert out[0].parts[1].kind == "open" and out[0].parts[2] == "aquí"


def test_strict_exits_1_when_the_check_finds_a_dropped_tag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine step that loses a tag (made to here) is caught by the check of the output."""
    needs_apertium_en_es()
    import align.documents.inline as inline_mod
    from align.documents.inline import Translated

    real = inline_mod.translate_units

    def lossy(*args: object, **kwargs: object) -> list[Translated]:
        done = real(*args, **kwargs)  # type: ignore[arg-type]
        first_with_tags = next(
            i
            for i, t in enumerate(done)
            if t.parts and any(not isinstance(p, str) for p in t.parts)
        )
        plain = "".join(p for p in done[first_with_tags].parts if isinstance(p, str))
        done[first_with_tags] = Translated([plain])
        return done

    monkeypatch.setattr(inline_mod, "translate_units", lossy)
    args = ["translate", str(DATA / "app.en.xlf"), "--to", "es", "--engine", "apertium"]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "a.xlf")])
    assert result.exit_code == 0 and "1 FAILED: link: inline tags differ" in result.output
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "b.xlf"), "--strict", "-q"])
    assert result.exit_code == 1
    assert "FAILED: link" in result.output and "--strict" in result.output


def test_an_xliff_goes_to_stdout(tmp_path: Path) -> None:
    needs_apertium_en_es()
    result = CliRunner().invoke(
        cli, ["translate", str(DATA / "app.en.xliff"), "--to", "es", "--engine", "apertium", "-q"]
    )
    assert result.exit_code == 0
    out = tmp_path / "out.xliff"
    out.write_text(result.stdout, encoding="utf-8")
    assert ET.parse(out).getroot().get("trgLang") == "es"


def test_existing_targets_in_another_language_are_not_kept(tmp_path: Path) -> None:
    """A file whose targets are French (target-language="fr") translated --to es: its French
    targets are replaced, not passed off as Spanish."""
    needs_apertium_en_es()
    fr = tmp_path / "app.xlf"
    text = (DATA / "app.en.xlf").read_text(encoding="utf-8")
    fr.write_text(
        text.replace('source-language="en"', 'source-language="en" target-language="fr"'),
        encoding="utf-8",
    )
    out = tmp_path / "app.es.xlf"
    result = CliRunner().invoke(cli, ["translate", str(fr), "--to", "es", "-o", str(out)])
    assert result.exit_code == 0 and "7 translated, 0 kept" in result.output
    done = units12(out)["done"].find(f"{X12}target")
    assert done.get("state") == "needs-review-translation"

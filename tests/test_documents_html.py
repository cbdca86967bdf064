"""HTML through the real engines; outputs read back with the standard library's html.parser
(align writes them with lxml)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.translate.engine import Engines
from conftest import ROOT, zh_en_model_dir

DATA = ROOT / "tests" / "data" / "formats"
VOID = {"meta", "br", "img", "input", "link", "hr", "wbr"}


class Page(HTMLParser):
    """Start tags with attributes, the text inside each element path, and comments."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}  # "tag#n" -> its text (direct and nested)
        self.comments: list[str] = []
        self.stack: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(f"{tag}#{len(self.tags) - 1}")

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1].startswith(tag + "#"):
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for key in self.stack:
            self.text[key] = self.text.get(key, "") + data

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def of(self, tag: str, k: int = 0) -> str:
        keys = [key for key in self.text if key.startswith(tag + "#")]
        return self.text[keys[k]].strip()


def needs_apertium_en_es() -> None:
    if not any(p.source == "en" and p.target == "es" for p in Engines("apertium").pairs()):
        pytest.skip("the Apertium en->es pair is not installed (run: make apertium)")


@pytest.fixture
def page(tmp_path: Path) -> tuple[Page, Page, str]:
    needs_apertium_en_es()
    out = tmp_path / "page.es.html"
    result = CliRunner().invoke(
        cli, ["translate", str(DATA / "page.en.html"), "--to", "es", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    source = Page((DATA / "page.en.html").read_text(encoding="utf-8"))
    return source, Page(out.read_text(encoding="utf-8")), result.output


def test_the_document_tree_is_the_same_and_lang_is_the_target(page: tuple[Page, Page, str]) -> None:
    source, out, output = page
    assert [t for t, _ in out.tags] == [t for t, _ in source.tags]
    assert out.tags[0] == ("html", {"lang": "es"})
    assert out.comments == source.comments
    assert "every tag kept" in output and "14 translated" in output


def test_script_style_code_pre_and_translate_no_are_untouched(page: tuple[Page, Page, str]) -> None:
    source, out, _ = page
    for tag in ("script", "style", "code", "pre"):
        assert out.of(tag) == source.of(tag), tag
    assert out.of("p", 3) == "Alibaba Cloud"  # <p translate="no">
    assert out.of("span") == "Open Source"  # class="notranslate"


def test_text_attributes_and_inline_markup_are_translated_in_place(
    page: tuple[Page, Page, str],
) -> None:
    source, out, _ = page
    attrs = {t: a for t, a in out.tags}
    assert out.of("title") != source.of("title") and out.of("h1") != source.of("h1")
    assert attrs["a"]["href"] == "/download" and attrs["a"]["title"] != "Download the file"
    assert out.of("a") == "aquí"  # the link is around the translated word
    assert out.of("b") == "Madrid" and "Madrid" in out.of("p", 0)
    assert attrs["img"]["src"] == "cat.png" and attrs["img"]["alt"] != "A black cat sleeps"
    assert attrs["input"]["placeholder"] != "Your name"
    desc = next(a for t, a in out.tags if t == "meta" and a.get("name") == "description")
    assert desc["content"] != "A small page about the weather."
    assert out.of("strong") == "importante"
    assert out.of("th") == "Ciudad"


def test_zh_html_through_the_neural_model_keeps_the_markup(tmp_path: Path) -> None:
    zh_en_model_dir()
    src = tmp_path / "page.zh.html"
    src.write_text(
        '<html lang="zh"><body><p>请点击<a href="/x">这里</a>下载文件。</p>'
        "<p>我在<b>阿里巴巴</b>工作，他住在杭州。<br>今天天气很好。</p></body></html>\n",
        encoding="utf-8",
    )
    out = tmp_path / "page.en.html"
    result = CliRunner().invoke(cli, ["translate", str(src), "--to", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = Page(out.read_text(encoding="utf-8"))
    assert [t for t, _ in page.tags] == ["html", "body", "p", "a", "p", "b", "br"]
    assert page.tags[3][1] == {"href": "/x"} and page.of("a")
    assert "Hangzhou" in page.of("p", 1) and page.tags[0][1]["lang"] == "en"


def test_a_fragment_stays_a_fragment(tmp_path: Path) -> None:
    needs_apertium_en_es()
    src = tmp_path / "part.html"
    src.write_text(
        "<p>The weather is <b>nice</b> today.</p>\n<ul><li>I work in Madrid.</li></ul>\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["translate", str(src), "--from", "en", "--to", "es", "-q"])
    assert result.exit_code == 0
    page = Page(result.stdout)
    assert [t for t, _ in page.tags] == ["p", "b", "ul", "li"]  # no <html>/<body> added
    assert page.of("b") == "bueno" and "Madrid" in page.of("li")


@pytest.mark.parametrize("doctype", ["", "<!DOCTYPE html>\n"])
def test_the_doctype_is_the_files_own_or_none(tmp_path: Path, doctype: str) -> None:
    """libxml2 gives a page without a doctype HTML 4.0 Transitional's; the output keeps
    what the file had (HTML5's short one, or none)."""
    needs_apertium_en_es()
    src = tmp_path / "page.html"
    src.write_text(
        f"{doctype}<html><body><p>The weather is nice today.</p></body></html>\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["translate", str(src), "--from", "en", "--to", "es", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(doctype + "<html"), result.stdout
    assert "bueno" in result.stdout

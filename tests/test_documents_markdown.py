"""Markdown through the real engines; outputs read back with mistune (align reads Markdown
with markdown-it-py) and compared line by line where nothing is to change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mistune
import pytest
from click.testing import CliRunner

from align.cli import cli
from align.translate.engine import Engines
from conftest import ROOT, zh_en_model_dir

DATA = ROOT / "tests" / "data" / "formats"
PARSE = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])


def shape(nodes: list[dict[str, Any]]) -> list[Any]:
    """The AST without its prose: node types, URLs, code, HTML (text and soft breaks dropped)."""
    out: list[Any] = []
    for node in nodes:
        if node["type"] in ("text", "softbreak", "blank_line"):
            continue
        keep = node["type"] in ("codespan", "block_code", "block_html", "inline_html")
        out.append(
            (
                node["type"],
                node.get("raw") if keep else None,
                sorted((k, str(v)) for k, v in node.get("attrs", {}).items()),
                shape(node.get("children", [])),
            )
        )
    return out


def texts(nodes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if node["type"] == "text":
            out.append(node["raw"])
        out.extend(texts(node.get("children", [])))
    return out


def needs_apertium_en_es() -> None:
    if not any(p.source == "en" and p.target == "es" for p in Engines("apertium").pairs()):
        pytest.skip("the Apertium en->es pair is not installed (run: make apertium)")


@pytest.fixture
def guide(tmp_path: Path) -> tuple[str, str, str]:
    needs_apertium_en_es()
    out = tmp_path / "guide.es.md"
    result = CliRunner().invoke(
        cli, ["translate", str(DATA / "guide.en.md"), "--from", "en", "--to", "es", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return (DATA / "guide.en.md").read_text(encoding="utf-8"), out.read_text("utf-8"), result.output


def test_structure_urls_and_code_are_kept(guide: tuple[str, str, str]) -> None:
    source, out, output = guide
    assert shape(PARSE(out)) == shape(PARSE(source))
    assert "17 translated" in output and "every tag kept" in output  # 16 blocks + the title
    # the prose did change
    assert not set(texts(PARSE(out))) & {"The first item", "Open the door.", "City"}


def test_front_matter_code_blocks_and_markers_are_byte_identical(
    guide: tuple[str, str, str],
) -> None:
    source, out, _ = guide
    src_lines, out_lines = source.split("\n"), out.split("\n")
    # front matter: the title translated, every other line as written
    assert src_lines[1] == "title: The weather guide"
    assert out_lines[1].startswith("title: ") and out_lines[1] != src_lines[1]
    assert [out_lines[k] for k in (0, 2, 3)] == [src_lines[k] for k in (0, 2, 3)]
    fence = src_lines.index("```bash")
    o = out_lines.index("```bash")
    assert out_lines[o : o + 4] == src_lines[fence : fence + 4]
    assert "    indented code stays as it is" in out_lines
    assert '<div class="note">An HTML block stays as it is.</div>' in out_lines
    assert "| ---- | :-----: |" in out_lines
    # list markers and nesting as written
    markers = [line[:4] for line in out_lines if line.lstrip().startswith(("- ", "* ", "1.", "2."))]
    assert markers == ["- El", "- El", "  * ", "1. A", "2. C"]
    assert '(https://example.com/download "Download page")' in out  # the URL untouched
    assert "[aquí](" in out  # the link text translated
    assert "`pip install align`" in out and "![A black cat sleeps](cat.png)" in out


def test_a_wrapped_paragraph_and_a_quote_keep_their_lines(guide: tuple[str, str, str]) -> None:
    source, out, _ = guide
    src_lines, out_lines = source.split("\n"), out.split("\n")
    assert len(out_lines) == len(src_lines)  # every line is still there
    start = next(k for k, line in enumerate(src_lines) if line.startswith("Please click"))
    assert all(out_lines[k].strip() for k in range(start, start + 3))  # three lines, none empty
    assert out_lines[start + 3] == ""
    quote = src_lines.index("> The weather is nice today.")
    assert out_lines[quote].startswith("> ") and out_lines[quote + 1].startswith("> ")


def test_rewrap_never_breaks_code_links_or_before_a_block_marker() -> None:
    from align.documents.markdown import rewrap

    text = 'Run `pip install align` then see [the guide](https://x.org/a b "T t") - 1. done'
    for n in (2, 3, 4):
        lines = rewrap(text, n)
        assert " ".join(lines) == text and 1 <= len(lines) <= n
        for line in lines[1:]:
            assert not line.startswith(("- ", "1. ", "#", ">"))
        for line in lines:
            assert line.count("`") % 2 == 0  # no code span cut
        assert any("`pip install align`" in line for line in lines)
        assert any('](https://x.org/a b "T t")' in line for line in lines)


def test_zh_markdown_through_the_neural_model(tmp_path: Path) -> None:
    zh_en_model_dir()
    src = tmp_path / "notes.zh.md"
    src.write_text(
        "# 今天天气很好\n\n- 我在**阿里巴巴**工作。\n- 他住在杭州。\n\n"
        "```\n代码不翻译\n```\n\n请点击[这里](https://x.cn)下载文件。\n",
        encoding="utf-8",
    )
    out = tmp_path / "notes.en.md"
    result = CliRunner().invoke(cli, ["translate", str(src), "--to", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert shape(PARSE(text)) == shape(PARSE(src.read_text(encoding="utf-8")))
    assert "```\n代码不翻译\n```" in text and "](https://x.cn)" in text
    assert "Hangzhou" in text and text.startswith("# ")


def test_hard_line_breaks_stay_where_they_were_in_their_own_markup(tmp_path: Path) -> None:
    """A hard break (two trailing spaces or a backslash) ends its line in the translation
    too, with the source's markup; it used to come back as ``<br>`` at a balanced-length
    line break, and the structure check failed on the tool's own output."""
    needs_apertium_en_es()
    src = tmp_path / "breaks.md"
    src.write_text(
        "The weather is nice  \ntoday and I work\nin Madrid.\n\nI love my family\\\ntoday.\n\n"
        "A written <br> stays.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["translate", str(src), "--from", "en", "--to", "es"])
    assert result.exit_code == 0, result.output
    assert "FAILED" not in result.stderr and "every tag kept" in result.stderr
    lines = result.stdout.rstrip("\n").split("\n")
    assert len(lines) == 8 and lines[0].endswith("  ") and lines[4].endswith("\\"), lines
    assert lines[0].startswith("El tiempo es bueno") and "Madrid" in lines[2], lines
    assert "<br>" not in "".join(lines[:7]) and "<br>" in lines[7]
    assert shape(PARSE(result.stdout)) == shape(PARSE(src.read_text(encoding="utf-8")))


def test_front_matter_prose_keeps_its_quoting_and_stays_valid_yaml(tmp_path: Path) -> None:
    import yaml

    needs_apertium_en_es()
    src = tmp_path / "post.en.md"
    src.write_text(
        "---\n"
        "title: The weather guide\n"
        'description: "How to read the sky: a short guide"\n'
        "summary: 'It''s easy'\n"
        "subtitle: |\n"
        "  A block scalar stays as written\n"
        "tags: [weather, guide]\n"
        "date: 2024-09-19\n"
        "---\n\n"
        "Open the door.\n",
        encoding="utf-8",
    )
    out = tmp_path / "post.es.md"
    result = CliRunner().invoke(
        cli, ["translate", str(src), "--from", "en", "--to", "es", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "4 translated" in result.output  # title, description, summary, the paragraph
    lines = out.read_text("utf-8").split("\n")
    meta = yaml.safe_load("\n".join(lines[1:8]))
    assert meta["title"] and meta["title"] != "The weather guide"
    assert ":" in meta["description"] and "sky" not in meta["description"]
    assert meta["summary"] != "It's easy"
    assert lines[2].startswith('description: "') and lines[3].startswith("summary: '")
    assert lines[4:8] == [
        "subtitle: |",
        "  A block scalar stays as written",
        "tags: [weather, guide]",
        "date: 2024-09-19",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Use the <script> element",
        "The *big* house",
        "Write &copy; or &#169; for it",
        "a \\* b and C:\\path\\",
        "[not a link](x) and `not code`",
        "snake_case stays, _edges_ do not",
        "~~not struck~~ and ~ alone",
        "a < b and 5 & 6",
    ],
)
def test_escaped_text_reads_back_as_the_same_text(text: str) -> None:
    """markdown-it hands the units' text over decoded; what is written back must parse to
    that text again, not to markup (emphasis, HTML, entities, links)."""
    from markdown_it import MarkdownIt

    from align.documents.markdown import escape

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    inline = md.parse(escape(text))[1]
    assert [c.type for c in inline.children] == ["text"], escape(text)
    assert inline.children[0].content == text
    cell = md.parse(f"| {escape('a | b', cell=True)} |\n|---|\n")
    assert [t.content for t in cell if t.type == "inline"] == ["a | b"]


def test_escapes_entities_and_escaped_pipes_survive_translation(tmp_path: Path) -> None:
    """``\\*``, ``&lt;`` and a table cell's ``\\|`` used to come back as emphasis, raw HTML
    and an untranslated cell."""
    needs_apertium_en_es()
    src = tmp_path / "escapes.md"
    src.write_text(
        "Use the &lt;script&gt; element in the house.\n\nThe \\*big\\* house is here.\n\n"
        "| A | B |\n|---|---|\n| The dog \\| the cat | The house |\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["translate", str(src), "--from", "en", "--to", "es"])
    assert result.exit_code == 0, result.output
    assert "FAILED" not in result.stderr
    assert shape(PARSE(result.stdout)) == shape(PARSE(src.read_text(encoding="utf-8")))
    lines = result.stdout.split("\n")
    assert "\\<" in lines[0] and "\\*casa\\*" in lines[2], lines
    assert lines[6].startswith("| El perro \\| el gato |"), lines

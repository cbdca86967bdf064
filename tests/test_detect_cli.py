"""``align detect``: driven through click's CliRunner, exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from align.cli import cli
from conftest import shared_path

DOC = "The cat sat on the mat.\n\n猫坐在垫子上。\n"
LINES = "Guten Morgen, wie geht es dir?\n東京は日本の首都です。\n42\n"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_units_and_exit_codes() -> None:
    code, out, _ = run("detect", "--help")
    assert code == 0
    for word in ("--by", "--top", "--langs", "--format", "und", "mul", "Exit codes"):
        assert word in out


def test_document_table(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(DOC, encoding="utf-8")
    code, out, err = run("detect", str(path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["path", "lang", "confidence", "shares", "letters"]
    assert lines[2].split() == [str(path), "en", "0.739", "en:0.739", "zh-Hans:0.261", "23"]


def test_document_shares_count_each_language_of_a_paragraph(tmp_path: Path) -> None:
    """Three lines in three languages with no blank line between them: the shares used to
    come from the paragraph, i.e. en 1.0."""
    path = tmp_path / "three.txt"
    path.write_text(
        "The committee will publish its final report on the new railway next spring.\n"
        "Le comité publiera son rapport final sur la nouvelle ligne ferroviaire au printemps"
        " prochain.\nDer Ausschuss wird seinen Abschlussbericht im nächsten Frühjahr"
        " veröffentlichen.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["detect", str(path), "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert set(row["shares"]) == {"en", "fr", "de"}, row
    assert all(0.25 < share < 0.4 for share in row["shares"].values()), row


def test_one_row_per_document(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Das ist ein kleiner Text auf Deutsch.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("這是一段繁體中文的文字。\n", encoding="utf-8")
    paths = [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    code, out, _ = run("detect", *paths, "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["path"], r["lang"]) for r in rows] == [(paths[0], "de"), (paths[1], "zh-Hant")]


def test_document_json_from_stdin() -> None:
    code, out, _ = run("detect", "--format", "json", stdin=DOC)
    assert code == 0
    assert json.loads(out) == [
        {
            "path": "-",
            "lang": "en",
            "confidence": 0.7391,
            "shares": {"en": 0.7391, "zh-Hans": 0.2609},
            "letters": 23,
        }
    ]


def test_lines_jsonl_one_row_per_line() -> None:
    code, out, _ = run("detect", "-", "--by", "line", "--format", "jsonl", stdin=LINES)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["line"], r["lang"]) for r in rows] == [(1, "de"), (2, "ja"), (3, "und")]
    assert rows[1]["alternatives"] == {"ja": 1.0} and rows[1]["confidence"] == 1.0
    assert rows[2] == {
        "path": "-",
        "line": 3,
        "lang": "und",
        "confidence": 0.0,
        "short": False,
        "alternatives": {},
        "text": "42",
    }
    assert list(rows[0]["alternatives"])[0] == "de"


def test_lines_tsv_header_and_columns() -> None:
    code, out, _ = run("detect", "--by", "line", "--format", "tsv", "--top", "1", stdin=LINES)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "path\tline\tlang\tconfidence\tshort\talternatives\ttext"
    assert lines[2] == "-\t2\tja\t1\t\tja:1\t東京は日本の首都です。"
    assert lines[3] == "-\t3\tund\t0\t\t\t42"


def test_sentences_number_paragraphs_and_sentences() -> None:
    text = "Where is the station? Ich trinke lieber Kaffee.\n\n我喜欢喝茶。"
    code, out, _ = run("detect", "--by", "sentence", "--format", "jsonl", stdin=text)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["para"], r["sentence"], r["lang"]) for r in rows] == [
        (1, 1, "en"),
        (1, 2, "de"),
        (2, 1, "zh-Hans"),
    ]


def test_menu_line_by_paragraph_is_mixed() -> None:
    seed = shared_path("seeds", "000_0379d5d844665a81.txt")
    code, out, _ = run("detect", str(seed), "--by", "paragraph", "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    menu = rows[1]
    assert "Ελληνικά" in menu["text"]
    assert (menu["lang"], menu["confidence"]) == ("mul", 0.0)
    assert {r["lang"] for r in rows[2:]} == {"en"}


def test_langs_restricts_and_validates() -> None:
    german = "Wir haben gestern Abend lange über die Zukunft gesprochen.\n"
    code, out, _ = run(
        "detect", "--by", "line", "--format", "jsonl", "--langs", "en,nl", stdin=german
    )
    assert code == 0
    assert json.loads(out)["lang"] in ("en", "nl")
    code, out, err = run("detect", "--langs", "en,xx", stdin=german)
    assert code == 2
    assert out == ""
    assert err == (
        "align: error: unknown language code 'xx' (use an ISO 639-1 code such as en, fr, de, zh)\n"
    )


def test_output_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "out" / "langs.jsonl"
    code, out, _ = run(
        "detect", "--by", "line", "--format", "jsonl", "-o", str(target), stdin=LINES
    )
    assert (code, out) == (0, "")
    assert [json.loads(x)["lang"] for x in target.read_text(encoding="utf-8").splitlines()] == [
        "de",
        "ja",
        "und",
    ]
    assert [p.name for p in target.parent.iterdir()] == ["langs.jsonl"]  # no temporary left


def test_empty_input_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n  \n", encoding="utf-8")
    code, out, err = run("detect", str(path))
    assert (code, out) == (2, "")
    assert err == f"align: error: {path}: is empty\n"


def test_binary_input_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    target = tmp_path / "never.jsonl"
    code, out, err = run("detect", str(path), "-o", str(target))
    assert (code, out) == (2, "")
    assert (
        err
        == f"align: error: {path}: looks like a binary file, not text (give a UTF-8 text file)\n"
    )
    assert not target.exists()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("detect", str(tmp_path / "nope.txt"))
    assert code == 2
    assert err == f"align: error: {tmp_path / 'nope.txt'}: no such file\n"


def test_a_line_too_short_to_be_sure_says_so() -> None:
    """A 2-word Latin line gets the model's high confidence, but is flagged short; a long line
    is not, nor is a short line in a script of one language (kana, Greek)."""
    lines = (
        "Der Hund\nDer Hund schläft heute den ganzen Nachmittag im Garten.\nこんにちは\nΕλλάδα\n"
    )
    code, out, _ = run("detect", "-", "--by", "line", "--format", "jsonl", stdin=lines)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["lang"], r["short"]) for r in rows] == [
        ("de", True),
        ("de", False),
        ("ja", False),
        ("el", False),
    ]
    assert rows[0]["confidence"] > 0.5  # what the flag is for: a confident-looking guess

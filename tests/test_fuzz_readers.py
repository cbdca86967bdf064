"""Property-based fuzzing of every reader: random bytes, encodings and text never traceback.

Each reader either returns a value of its documented shape or raises
:class:`align.errors.AlignError` (an :class:`InputError` for input); any other
exception is a defect. New readers (glossaries, memories, file formats) add a
property here.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.errors import AlignError, InputError

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "shift_jis", "gb18030"]


@st.composite
def encoded_text(draw: st.DrawFn) -> bytes:
    """Text in some encoding (maybe not UTF-8), or raw bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=600))
    text = draw(st.text(max_size=300))
    enc = draw(st.sampled_from(ENCODINGS))
    return text.encode(enc, errors="replace")


@FUZZ
@given(data=encoded_text())
def test_read_text_returns_text_or_input_error(tmp_path: Path, data: bytes) -> None:
    from align.text import read_text

    path = tmp_path / "input.txt"
    path.write_bytes(data)
    try:
        text = read_text(path)
    except InputError:
        return
    assert isinstance(text, str)
    assert "\r" not in text
    assert text.strip()


@FUZZ
@given(data=encoded_text())
def test_iter_lines_and_read_lines_agree(tmp_path: Path, data: bytes) -> None:
    from align.text import iter_lines, read_lines

    path = tmp_path / "input.txt"
    path.write_bytes(data)
    try:
        lines = read_lines(str(path))
    except InputError:
        lines = None
    try:
        streamed = list(iter_lines(str(path)))
    except InputError:
        streamed = None
    if lines is not None and streamed is not None:
        assert [s.rstrip("\n") for s in streamed][: len(lines)] == [s.rstrip("\n") for s in lines][
            : len(streamed)
        ]


@FUZZ
@given(text=st.text(max_size=400), lang=st.sampled_from(["en", "zh-Hans", "ja", "de", "th", "ar"]))
def test_segmentation_keeps_every_letter(text: str, lang: str) -> None:
    """Segmenting never fails and never drops or invents non-space characters."""
    from align.text import segment_text

    segments = segment_text(text, lang)
    joined = "".join("".join(s.text.split()) for s in segments)
    assert joined == "".join(text.split())


@FUZZ
@given(text=st.text(max_size=300))
def test_detect_any_text(text: str) -> None:
    from align.detect import detect_language

    found = detect_language(text)
    assert isinstance(found.lang, str) and found.lang
    assert 0.0 <= found.confidence <= 1.0


@FUZZ
@given(code=st.text(max_size=20))
def test_language_codes(code: str) -> None:
    from align import languages as langs

    try:
        norm = langs.normalize(code)
    except AlignError:
        return
    assert langs.normalize(norm) == norm


BEAD_CHARS = st.sampled_from(list("[]:, 0123456789-.e+x\t"))


@FUZZ
@given(line=st.one_of(st.text(max_size=40), st.text(BEAD_CHARS, max_size=40)))
def test_bead_lines(line: str) -> None:
    from align.alignment.beads import format_bead, parse_bead_line

    try:
        bead = parse_bead_line(line)
    except InputError:
        return
    assert all(isinstance(i, int) and i >= 0 for i in (*bead.src, *bead.tgt))
    assert bead.src or bead.tgt
    assert bead.score is None or isinstance(bead.score, float)
    assert parse_bead_line(format_bead(bead, with_score=False)).src == bead.src


@FUZZ
@given(data=encoded_text())
def test_beads_files(tmp_path: Path, data: bytes) -> None:
    from align.alignment.beads import read_beads

    path = tmp_path / "x.beads"
    path.write_bytes(data)
    try:
        beads = read_beads(str(path))
    except InputError:
        return
    assert isinstance(beads, list)


def _tmx(pairs: list[tuple[str, str]]) -> bytes:
    from align.formats import write_tmx

    out = io.StringIO()
    write_tmx(out, pairs, "en", "fr", {"signature": "x"})
    return out.getvalue().encode("utf-8")


@FUZZ
@given(
    pairs=st.lists(st.tuples(st.text(max_size=30), st.text(max_size=30)), max_size=5),
    cut=st.integers(min_value=0, max_value=4000),
    flip=st.integers(min_value=0, max_value=4000),
)
def test_tmx_round_trip_and_damage(
    tmp_path: Path, pairs: list[tuple[str, str]], cut: int, flip: int
) -> None:
    """A TMX we write reads back to the same text (XML-legal characters); a damaged one reads
    or is an InputError."""
    from align.formats import read_tmx

    data = _tmx(pairs)
    path = tmp_path / "m.tmx"
    path.write_bytes(data)
    _header, units = read_tmx(str(path))
    assert len(units) == len(pairs)
    damaged = bytearray(data[: max(1, len(data) - cut)])
    if damaged:
        damaged[flip % len(damaged)] ^= 0x20
    path.write_bytes(bytes(damaged))
    with contextlib.suppress(InputError):
        read_tmx(str(path))


@FUZZ
@given(data=st.binary(max_size=500))
def test_tmx_random_bytes(tmp_path: Path, data: bytes) -> None:
    from align.formats import read_tmx

    path = tmp_path / "r.tmx"
    path.write_bytes(data)
    with pytest.raises(InputError):
        read_tmx(str(path))


DOCS = Path(__file__).parent / "data" / "formats"
DOCUMENTS = [
    ("app.en.xlf", "xliff"),
    ("app.en.xliff", "xliff"),
    ("app.pot", "po"),
    ("app.zh.po", "po"),
    ("talk.en.srt", "srt"),
    ("talk.en.vtt", "vtt"),
    ("page.en.html", "html"),
    ("guide.en.md", "markdown"),
    ("report.en.docx", "docx"),
]


@pytest.mark.parametrize(("name", "fmt"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
@FUZZ
@given(data=st.data())
def test_document_readers(tmp_path: Path, name: str, fmt: str, data: st.DataObject) -> None:
    """Each file format's reader, on its own sample damaged (cut, bytes flipped, random bytes
    spliced in) or on random bytes: a document with units, or an InputError — never a crash.
    What it reads it can render back."""
    from align.documents import read_document

    sample = (DOCS / name).read_bytes()
    how = data.draw(st.sampled_from(["cut", "flip", "splice", "random"]))
    if how == "random":
        damaged = data.draw(st.binary(max_size=800))
    else:
        at = data.draw(st.integers(min_value=0, max_value=len(sample)))
        if how == "cut":
            damaged = sample[:at]
        elif how == "flip":
            buf = bytearray(sample)
            for k in data.draw(st.lists(st.integers(0, len(buf) - 1), min_size=1, max_size=8)):
                buf[k] ^= data.draw(st.integers(1, 255))
            damaged = bytes(buf)
        else:
            damaged = sample[:at] + data.draw(st.binary(min_size=1, max_size=40)) + sample[at:]
    path = tmp_path / name
    path.write_bytes(damaged)
    try:
        doc = read_document(str(path), fmt)
    except InputError:
        return
    assert isinstance(doc.units, list)
    rendered = doc.render("es", {})
    assert isinstance(rendered, bytes)

"""Writing an alignment: the ``beads`` line format (:mod:`align.alignment.beads`), TSV, JSON lines, TMX."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, Any, NamedTuple

from align import languages as langs
from align.alignment.beads import Bead, write_beads
from align.text import sentence_separator

FORMATS = ("beads", "tsv", "jsonl", "tmx")


def joined(sentences: Sequence[str], idx: Sequence[int], lang: str) -> str:
    """The text of a bead side: sentences joined by a space (by nothing for zh, ja, th...)."""
    return sentence_separator(langs.base(lang)).join(sentences[i] for i in idx)


def rows(
    beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str
) -> Iterator[dict[str, Any]]:
    """One dict per bead: indices, texts, score."""
    for bead in beads:
        yield {
            "src": list(bead.src),
            "tgt": list(bead.tgt),
            "src_text": joined(src, bead.src, src_lang),
            "tgt_text": joined(tgt, bead.tgt, tgt_lang),
            "score": bead.score,
        }


def write_alignment(
    out: IO[str],
    fmt: str,
    beads: Sequence[Bead],
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    props: dict[str, str] | None = None,
) -> None:
    """Write ``beads`` in ``fmt`` (one of :data:`FORMATS`), streaming row by row.

    ``tmx`` keeps only beads with text on both sides (a translation unit needs
    both); ``props`` go into its header (method, signals).
    """
    if fmt == "beads":
        write_beads(out, beads)
    elif fmt in ("tsv", "jsonl"):
        from align.formats import render

        columns = ["src_text", "tgt_text", "score"] if fmt == "tsv" else None
        render(rows(beads, src, tgt, src_lang, tgt_lang), fmt, out, columns, header=False)
    elif fmt == "tmx":
        from align.formats import TmxWriter

        writer = TmxWriter(out, src_lang, tgt_lang, props)
        for row in rows(beads, src, tgt, src_lang, tgt_lang):
            if row["src"] and row["tgt"]:
                writer.add(row["src_text"], row["tgt_text"], {"score": f"{row['score']:.4f}"})
        writer.close()
    else:
        raise ValueError(f"unknown beads format {fmt!r}")


class Side(NamedTuple):
    """One side of a pair as read from its file."""

    sentences: list[str]
    lang: str
    paragraphs: list[int]  # the sentence indices where a paragraph begins (0 first)


def read_side(path: str, *, lang: str | None = None, presplit: bool = False) -> Side:
    """Read one side: its sentences, its language (detected when ``lang`` is None) and
    where its paragraphs begin.

    ``presplit``: one sentence per line, used as is (blank lines too, so that
    indices match line numbers; a blank line is a paragraph boundary on both of its
    sides); otherwise the text is cut into paragraphs (at blank lines) and sentences
    with the project's segmenter. Raises :class:`InputError` for a missing, binary,
    non-UTF-8 or empty file, or a language that cannot be detected.
    """
    from align.errors import InputError
    from align.text import paragraph_starts, read_text, segment_text

    text = read_text(path)
    if lang is None:
        from align.detect import detect_document

        found = detect_document(text).lang
        try:
            lang = langs.normalize(found)
        except Exception as exc:
            raise InputError(
                f"{path}: cannot tell its language ({found})", "give it with --src-lang/--tgt-lang"
            ) from exc
    else:
        lang = langs.normalize(lang)
    if presplit:
        sentences = text.split("\n")
        if sentences and sentences[-1] == "":
            sentences.pop()
        blank = [k for k, s in enumerate(sentences) if not s.strip()]
        starts = sorted({0, *blank, *(k + 1 for k in blank)} - {len(sentences)})
    else:
        segments = segment_text(text, lang)
        sentences = [seg.text for seg in segments]
        starts = paragraph_starts([seg.para for seg in segments])
    if not sentences:
        raise InputError(f"{path}: has no sentences")
    return Side(sentences, lang, starts)

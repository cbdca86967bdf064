"""The inputs of ``align run``: the source document (its language detected), targets, references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from align import languages as langs
from align.errors import InputError
from align.run.model import LangScore
from align.translate.engine import Engines

# Another language holding this share of a document's letters makes it "mixed" (a warning).
MIXED_SHARE = 0.05
# How much of the text the whole-document guess (its alternatives) looks at.
DETECT_CHARS = 20000
NOT_LANGUAGES = ("und", "mul")


def parse_refs(specs: Sequence[str]) -> dict[str, str]:
    """``["en=ref.txt"]`` -> ``{"en": "ref.txt"}`` (codes normalised)."""
    refs: dict[str, str] = {}
    for spec in specs:
        lang, eq, path = spec.partition("=")
        if not eq or not lang.strip() or not path.strip():
            raise InputError(f"bad --ref {spec!r}", "write it as LANG=PATH, e.g. en=speech.en.txt")
        code = langs.normalize(lang)
        if code in refs:
            raise InputError(f"two references for {code}")
        refs[code] = path.strip()
    return refs


def detect_source(text: str) -> tuple[str, float, list[LangScore], list[LangScore]]:
    """Detect the document's language, and which other languages it also holds.

    Returns ``(lang, confidence, alternatives, mixed)``: ``lang`` is the language
    with most letters over the paragraphs (``und`` when none), ``alternatives``
    the runner-up guesses for the whole text, ``mixed`` every other language
    holding at least :data:`MIXED_SHARE` of the letters, with its share.
    """
    from align.detect import detect_document, detect_language

    doc = detect_document(text, by="paragraph")
    whole = detect_language(text[:DETECT_CHARS])
    alternatives = [
        LangScore(code, round(float(p), 4))
        for code, p in whole.alternatives
        if code != doc.lang and code not in NOT_LANGUAGES
    ]
    mixed = [
        LangScore(code, round(float(share), 4))
        for code, share in doc.shares.items()
        if code != doc.lang and code not in NOT_LANGUAGES and share >= MIXED_SHARE
    ]
    return doc.lang, float(doc.confidence), alternatives, mixed


def resolve_targets(
    targets: Sequence[str],
    refs: Mapping[str, str],
    source: str,
    engines: Engines,
    notes: list[str] | None = None,
) -> list[str]:
    """The target codes in order: ``all`` expands to every reachable target; refs add theirs.

    The source language is left out with a note in ``notes`` when other targets remain
    (:meth:`Engines.targets`)."""
    if not targets and not refs:
        raise InputError("no target language", "give --to LANG (or --to all)")
    return engines.targets(targets, source, also=list(refs), notes=notes)

"""Translatable units with inline markup, and their translation through the engines.

A unit's content is a list of parts: text, and :class:`Tag` s standing for
inline markup (an XLIFF ``<g>``, a PO ``%(name)s``, an SRT ``<i>``). Paired
tags (``open``/``close``) wrap words; ``point`` tags stand alone (a
placeholder, a protected run). For the engine, each tag becomes a token
(``[1]`` ... ``[/1]``, ``[2/]``: :func:`tokenize`) that Apertium passes through
untouched. When the translation lacks a token or garbles its order (the Argos
neural models often do), the unit is translated again without them and the
tags are put back by projection (:func:`translate_units`): a paired tag
around the translation of the words it wrapped when those are found, a point
tag at the same relative place; what cannot be placed goes at the end. No tag
is ever dropped; units whose tags were placed by projection are counted
(``moved``) and reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from align.translate.engine import Translator

if TYPE_CHECKING:
    from align.translate.memory import Match


@dataclass
class Tag:
    """One inline markup item: ``kind`` ``open``, ``close`` or ``point``; ``n`` its number in
    the unit (an open and its close share it); ``data`` the format's own (an element...)."""

    kind: str
    n: int
    data: Any = None

    def token(self) -> str:
        return {"open": f"[{self.n}]", "close": f"[/{self.n}]"}.get(self.kind, f"[{self.n}/]")


Part = str | Tag


@dataclass
class Unit:
    """One translatable unit of a document.

    ``key`` identifies it to its format (and in reports: ``label``); ``translate``
    false for do-not-translate units; ``existing`` a translation the file already
    has (kept unless ``--overwrite``).
    """

    key: Any
    label: str
    parts: list[Part]
    translate: bool = True
    existing: bool = False
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def tags(self) -> list[Tag]:
        return [p for p in self.parts if isinstance(p, Tag)]

    def plain(self) -> str:
        return plain(self.parts)

    def has_text(self) -> bool:
        return bool(self.plain().strip())


def plain(parts: Sequence[Part]) -> str:
    """The text of ``parts`` without its tags (a unit's or a translation's)."""
    return "".join(p for p in parts if isinstance(p, str))


def tokenize(parts: Sequence[Part]) -> str:
    """The text the engine sees: the parts with each tag as its token."""
    return "".join(p if isinstance(p, str) else p.token() for p in parts)


_TOKEN = re.compile(r"\[(/?)(\d+)(/?)\]")


def detokenize(text: str, tags: Sequence[Tag]) -> list[Part] | None:
    """The parts of a translation with tokens, or ``None`` when a tag is missing, doubled,
    or a close comes before its open."""
    by_token = {t.token(): t for t in tags}
    parts: list[Part] = []
    seen: set[str] = set()
    pos = 0
    for m in _TOKEN.finditer(text):
        tag = by_token.get(m.group(0))
        if tag is None:
            continue
        if m.group(0) in seen:
            return None
        if tag.kind == "close" and f"[{tag.n}]" not in seen:
            return None
        seen.add(m.group(0))
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        parts.append(tag)
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    if seen != set(by_token):
        return None
    return _tidy(parts)


def _tidy(parts: list[Part]) -> list[Part]:
    """Merge adjacent texts, drop empty ones."""
    out: list[Part] = []
    for p in parts:
        if isinstance(p, str):
            if not p:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + p
                continue
        out.append(p)
    return out


def _strip_edges(parts: Sequence[Part]) -> tuple[list[Part], list[Part], list[Part]]:
    """What a unit starts and ends with that the engine need not see: whitespace, point tags
    (a ``<br>`` glued to a word changes how the engine reads it), and a paired tag around
    the whole unit (``<i>...</i>``)."""
    core = _tidy(list(parts))
    lead: list[Part] = []
    trail: list[Part] = []
    while core:
        first, last = core[0], core[-1]
        if isinstance(first, str) and first != first.lstrip():
            lead.append(first[: len(first) - len(first.lstrip())])
            core = _tidy([first.lstrip(), *core[1:]])
        elif isinstance(last, str) and last != last.rstrip():
            trail.insert(0, last[len(last.rstrip()) :])
            core = _tidy([*core[:-1], last.rstrip()])
        elif isinstance(first, Tag) and first.kind == "point":
            lead.append(first)
            core = core[1:]
        elif isinstance(last, Tag) and last.kind == "point":
            trail.insert(0, last)
            core = core[:-1]
        elif (
            len(core) > 2
            and isinstance(first, Tag)
            and isinstance(last, Tag)
            and first.kind == "open"
            and last.kind == "close"
            and first.n == last.n
            and not any(isinstance(p, Tag) and p.n == first.n for p in core[1:-1])
        ):
            lead.append(first)
            trail.insert(0, last)
            core = core[1:-1]
        else:
            break
    return lead, core, trail


@dataclass
class Translated:
    """A unit's translation: its parts; ``moved`` when tags were placed by projection.

    With a translation memory (:mod:`align.translate.memory`): ``origin`` ``tm-exact`` or
    ``tm-fuzzy 0.87`` when the memory's target is used (``review``: a fuzzy one, to be
    reviewed), else empty (the engine's); ``match`` the memory's match: the one used, or (with
    no ``origin``) a fuzzy one attached as a suggestion (XLIFF ``alt-trans``/``<mtc:matches>``,
    a PO translator comment)."""

    parts: list[Part]
    moved: bool = False
    origin: str = ""
    review: bool = False
    match: Match | None = None


def _inner(parts: Sequence[Part], tag: Tag) -> str:
    """The plain text a paired tag wraps."""
    out: list[str] = []
    inside = False
    for p in parts:
        if isinstance(p, Tag) and p.n == tag.n:
            if p.kind == "open":
                inside = True
            elif p.kind == "close":
                break
        elif inside and isinstance(p, str):
            out.append(p)
    return "".join(out).strip()


def _project(
    source: Sequence[Part], plain: str, inner: dict[int, str], sep: str = " "
) -> list[Part]:
    """Put the tags of ``source`` into the plain translation ``plain``: a paired tag around the
    translation of its words (``inner``) when found, point tags at their relative place, the
    rest at the end."""
    total = max(1, sum(len(p) for p in source if isinstance(p, str)))
    inserts: list[tuple[int, int, Tag]] = []  # (position, order, tag)
    taken: list[tuple[int, int]] = []
    leftovers: list[Tag] = []
    spaced: set[int] = set()  # point tags that take a space after them
    offset = 0
    order = 0
    lower = plain.lower()
    for p in source:
        if isinstance(p, str):
            offset += len(p)
            continue
        order += 1
        if p.kind == "point":
            pos = round(offset / total * len(plain))
            # at a word boundary: the next space (or the end)
            while 0 < pos < len(plain) and not plain[pos - 1].isspace() and plain[pos] != " ":
                pos += 1
            if 0 < pos < len(plain) and plain[pos] == " ":
                pos += 1  # after the space: "have {count} new", not "have{count} new"
                spaced.add(order)
            inserts.append((pos, order, p))
        elif p.kind == "open":
            words = inner.get(p.n, "").strip(" .,;:!?。，").lower()
            at = lower.find(words) if words else -1
            while at >= 0 and any(a < at + len(words) and at < b for a, b in taken):
                at = lower.find(words, at + 1)
            if at >= 0:
                taken.append((at, at + len(words)))
                close = next(
                    t for t in source if isinstance(t, Tag) and t.kind == "close" and t.n == p.n
                )
                inserts.append((at, order, p))
                inserts.append((at + len(words), -order, close))
            else:
                leftovers.append(p)
    for p in source:
        if isinstance(p, Tag) and p.kind == "close" and any(lo.n == p.n for lo in leftovers):
            leftovers.append(p)
    # at one position: closes (negative order, innermost first) before opens and points
    inserts.sort(key=lambda t: (t[0], 0 if t[1] < 0 else 1, t[1]))
    parts: list[Part] = []
    pos = 0
    for at, order_, tag in inserts:
        parts.append(plain[pos:at])
        parts.append(tag)
        if order_ in spaced:
            parts.append(" ")
        pos = at
    parts.append(plain[pos:])
    if leftovers:
        opens = [t for t in leftovers if t.kind == "open"]
        for t in opens:
            parts.append(sep)
            parts.append(t)
            parts.append(next(c for c in leftovers if c.kind == "close" and c.n == t.n))
    return _tidy(parts)


def split_parts(parts: Sequence[Part], lang: str | None) -> list[list[Part]]:
    """A unit's parts cut into sentences (:func:`align.text.split_sentences` on the text with
    tokens), never inside a paired tag: sentences a tag spans stay together."""
    from align.text import split_sentences

    tags = [p for p in parts if isinstance(p, Tag)]
    text = tokenize(parts)
    pieces = split_sentences(text, lang)
    if len(pieces) < 2:
        return [list(parts)]
    out: list[list[Part]] = []
    pos = 0
    for piece in pieces:
        at = text.find(piece, pos)
        if at < 0:
            return [list(parts)]
        chunk = text[pos : at + len(piece)]  # with the whitespace before it
        pos = at + len(piece)
        here = [t for t in tags if t.token() in chunk]
        got = detokenize(chunk, here)
        if got is None:  # a tag opened here closes in a later sentence: join them
            got = _parts_of(chunk, here)
        out.append(got)
    if pos < len(text) and out:
        out[-1] = _tidy([*out[-1], *_parts_of(text[pos:], tags)])
    merged: list[list[Part]] = []
    for sentence in out:
        if merged and _open_tags(merged[-1]):
            merged[-1] = _tidy([*merged[-1], *sentence])  # its whitespace is its own
        else:
            merged.append(sentence)
    return merged


def _parts_of(text: str, tags: Sequence[Tag]) -> list[Part]:
    by_token = {t.token(): t for t in tags}
    parts: list[Part] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        tag = by_token.get(m.group(0))
        if tag is None:
            continue
        parts.append(text[pos : m.start()])
        parts.append(tag)
        pos = m.end()
    parts.append(text[pos:])
    return _tidy(parts)


def _first_letter(parts: Sequence[Part]) -> tuple[int, int] | None:
    """Where the first letter of some parts is: (part, offset)."""
    for k, p in enumerate(parts):
        if isinstance(p, str):
            for j, ch in enumerate(p):
                if ch.isalpha():
                    return k, j
    return None


def _mend(source: Sequence[Part], parts: list[Part]) -> list[Part]:
    """What an engine does to a tagged sentence that it does not do to a plain one, undone:
    a space it put just inside a tag where the source had none (Apertium drops a pro-dropped
    pronoun's word but keeps its space: ``[1]I love`` -> ``[1] quiero``), and the lower-cased
    first letter of a sentence that starts inside a tag (the engine capitalises after the
    token, not after the sentence start)."""
    glued_after: set[int] = set()  # open tags with a word right after them
    glued_before: set[int] = set()  # close tags with a word right before them
    for k, p in enumerate(source):
        if not isinstance(p, Tag):
            continue
        if p.kind == "open" and k + 1 < len(source):
            nxt = source[k + 1]
            if isinstance(nxt, str) and nxt and not nxt[0].isspace():
                glued_after.add(p.n)
        if p.kind == "close" and k > 0:
            prev = source[k - 1]
            if isinstance(prev, str) and prev and not prev[-1].isspace():
                glued_before.add(p.n)
    out = list(parts)
    for k, p in enumerate(out):
        if not isinstance(p, str):
            continue
        before = out[k - 1] if k else None
        after = out[k + 1] if k + 1 < len(out) else None
        # ... unless the space is all that keeps the text apart from a word outside the tag
        outer_l = out[k - 2] if k >= 2 else None
        outer_r = out[k + 2] if k + 2 < len(out) else None
        if (
            isinstance(before, Tag)
            and before.kind == "open"
            and before.n in glued_after
            and not (isinstance(outer_l, str) and outer_l[-1:].isalnum())
        ):
            p = p.lstrip()
        if (
            isinstance(after, Tag)
            and after.kind == "close"
            and after.n in glued_before
            and not (isinstance(outer_r, str) and outer_r[:1].isalnum())
        ):
            p = p.rstrip()
        out[k] = p
    src_at, out_at = _first_letter(source), _first_letter(out)
    if src_at is not None and out_at is not None:
        ch = source[src_at[0]][src_at[1]]  # type: ignore[index]
        k, j = out_at
        text = out[k]
        assert isinstance(text, str)
        if ch.isupper() and text[j].islower() and not text[:j].strip(" \"'«“‘¿¡([-–—"):
            out[k] = text[:j] + text[j].upper() + text[j + 1 :]
    return _tidy(out)


def _open_tags(parts: Sequence[Part]) -> bool:
    """Whether a paired tag opened in ``parts`` is not closed in them."""
    depth: dict[int, int] = {}
    for p in parts:
        if isinstance(p, Tag) and p.kind in ("open", "close"):
            depth[p.n] = depth.get(p.n, 0) + (1 if p.kind == "open" else -1)
    return any(v > 0 for v in depth.values())


def translate_units(
    translator: Translator, units: Sequence[Unit], sep: str = " ", lang: str | None = None
) -> list[Translated]:
    """Translate the units' contents sentence by sentence, keeping every tag (see the module's
    doc); ``lang`` the source language (for the sentence splitter), ``sep`` what joins the
    target's sentences."""
    pieces: list[Unit] = []
    owner: list[int] = []
    for i, u in enumerate(units):
        for chunk in split_parts(u.parts, lang):
            pieces.append(Unit(u.key, u.label, chunk))
            owner.append(i)
    done = _translate_pieces(translator, pieces, sep)
    joined: list[list[Part]] = [[] for _ in units]
    moved = [False] * len(units)
    for i, tr in zip(owner, done, strict=True):
        if joined[i] and tr.parts:
            before, after = joined[i][-1], tr.parts[0]
            spaced = (isinstance(before, str) and before[-1:].isspace()) or (
                isinstance(after, str) and after[:1].isspace()
            )
            if not spaced and not (isinstance(after, Tag) and after.kind == "point"):
                joined[i].append(sep)  # between two sentences: the target's separator
        joined[i].extend(tr.parts)
        moved[i] = moved[i] or tr.moved
    # each piece keeps its own edges (the unit's leading and trailing whitespace among them)
    return [Translated(_tidy(parts), m) for parts, m in zip(joined, moved, strict=True)]


def _translate_pieces(
    translator: Translator, units: Sequence[Unit], sep: str = " "
) -> list[Translated]:
    """Translate each unit's content as one, keeping every tag."""
    edges = [_strip_edges(u.parts) for u in units]
    first = translator.translate([tokenize(core) for _, core, _ in edges])
    results: list[Translated | None] = []
    retry: list[int] = []
    for i, ((_lead, core, _trail), out) in enumerate(zip(edges, first, strict=True)):
        tags = [p for p in core if isinstance(p, Tag)]
        if not tags:
            results.append(Translated([out] if out else []))
            continue
        parts = detokenize(out, tags)
        if parts is None:
            results.append(None)
            retry.append(i)
        else:
            results.append(Translated(_mend(core, parts)))
    if retry:
        plain_in = ["".join(p for p in edges[i][1] if isinstance(p, str)) for i in retry]
        inner_keys: list[tuple[int, int]] = []
        inner_texts: list[str] = []
        for i in retry:
            for t in edges[i][1]:
                if isinstance(t, Tag) and t.kind == "open":
                    words = _inner(edges[i][1], t)
                    if words:
                        inner_keys.append((i, t.n))
                        inner_texts.append(words)
        done = translator.translate(plain_in + inner_texts)
        plains = done[: len(retry)]
        inner: dict[int, dict[int, str]] = {}
        for (i, n), text in zip(inner_keys, done[len(retry) :], strict=True):
            inner.setdefault(i, {})[n] = text
        for i, plain in zip(retry, plains, strict=True):
            results[i] = Translated(_project(edges[i][1], plain, inner.get(i, {}), sep), True)
    final: list[Translated] = []
    for (lead, _, trail), r in zip(edges, results, strict=True):
        assert r is not None
        final.append(Translated(_tidy([*lead, *r.parts, *trail]), r.moved))
    return final


def empty_pairs(source: Sequence[Part], parts: Sequence[Part]) -> int:
    """Paired tags that wrap text in ``source`` and none in ``parts`` (a translation whose
    tags were projected: the words they wrapped were not found, so they sit at the end)."""
    wrapped = {p.n for p in source if isinstance(p, Tag) and p.kind == "open" and _inner(source, p)}
    return sum(
        1
        for p in parts
        if isinstance(p, Tag) and p.kind == "open" and p.n in wrapped and not _inner(parts, p)
    )


def tag_signature(parts: Sequence[Part]) -> list[tuple[str, int]]:
    """The tags of some parts, sorted: what a source and its target must share."""
    return sorted((p.kind, p.n) for p in parts if isinstance(p, Tag))

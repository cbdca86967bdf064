"""Markdown with markdown-it-py: the text of each block translated in place, by source position.

markdown-it-py (CommonMark, plus GFM tables) finds the blocks; each ``inline``
token (a heading, a paragraph, a list item's paragraph, a table cell) is one
unit, its emphasis, strong, strikethrough and link brackets paired tags, inline
code, images, autolinks, raw HTML and hard breaks point tags; a link's URL and
title are in its closing tag, so they are never translated. The unit's raw
text is located in the source lines (the token's line map) and only that span
is replaced: list markers, heading marks, blockquote ``>``, table pipes,
indentation, fenced and indented code blocks and HTML blocks stay exactly as
written. A paragraph over several lines is re-wrapped to as many lines
(:func:`rewrap`), each keeping its source line's indentation or ``>``.

In a YAML front matter the one-line values of the keys static-site generators
show as prose (``title``, ``description``, ``summary``, ``subtitle``,
``linkTitle``) are units, first in the document; every other line of it (dates,
tags, layout, slugs) stays byte for byte. A value keeps its quoting, and a plain
value whose translation YAML would read otherwise (a ``: ``, a leading quote)
is written double-quoted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from align.documents.inline import Part, Tag, Translated, Unit, plain
from align.errors import InputError
from align.text import squash_spaces

_FRONT_END = re.compile(r"^(---|\.\.\.)\s*$")
# Front-matter keys whose values are prose (Hugo, Jekyll, Docusaurus, MkDocs).
FRONT_KEYS = ("title", "description", "summary", "subtitle", "linkTitle")
_FRONT_FIELD = re.compile(r"^(" + "|".join(FRONT_KEYS) + r")(\s*:\s+)(\S.*?)\s*$")
# A plain YAML scalar may not start with these, nor hold ": " or " #".
_YAML_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")


def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _front_matter(lines: list[str]) -> int:
    """How many lines a YAML front matter (``---`` ... ``---``) takes at the top, or 0."""
    if not lines or lines[0].strip() != "---":
        return 0
    for k in range(1, len(lines)):
        if _FRONT_END.match(lines[k]):
            return k + 1
    return 0


@dataclass
class _Field:
    """A translatable front-matter value: its key and line, where the value starts, its quoting."""

    key: str
    line: int
    start: int
    quote: str  # '"', "'" or "" (plain)


def _front_fields(lines: list[str], front: int) -> list[tuple[_Field, str]]:
    """The prose values of the front matter, decoded: (field, text)."""
    import json

    out = []
    for k in range(1, max(front - 1, 1)):
        m = _FRONT_FIELD.match(lines[k])
        if not m:
            continue
        key, raw, start = m.group(1), m.group(3), m.end(2)
        if raw[0] == '"':
            try:
                text = json.loads(raw)
            except ValueError:
                continue  # an escape JSON does not know, or a trailing comment: left as is
            quote = '"'
        elif raw[0] == "'":
            if len(raw) < 2 or raw[-1] != "'":
                continue
            text, quote = raw[1:-1].replace("''", "'"), "'"
        elif raw.startswith(_YAML_INDICATORS) or " #" in raw:
            continue  # a block scalar, a flow collection, an anchor, a comment...
        else:
            text, quote = raw, ""
        if isinstance(text, str) and text.strip():
            out.append((_Field(key, k, start, quote), text))
    return out


def _yaml_value(text: str, quote: str) -> str:
    """``text`` as a one-line YAML scalar in the source's quoting where it can be."""
    import json

    text = squash_spaces(text)
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    if quote == "" and not (
        text.startswith(_YAML_INDICATORS) or ": " in text or " #" in text or text.endswith(":")
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


class _HardBreak(str):
    """A hard line break's point-tag data: written back as its own markup where the
    translation keeps it, else as HTML (told apart from an ``<br>`` written in the source)."""


_BR = _HardBreak("<br>")


def _parts(children: list[Any]) -> list[Part]:
    parts: list[Part] = []
    stack: list[tuple[Tag, str]] = []  # open tags, with what closes them
    n = 0
    skip_until_close = False
    for c in children:
        if skip_until_close:
            if c.type == "link_close":
                skip_until_close = False
            continue
        t = c.type
        if t == "text":
            parts.append(c.content)
        elif t == "softbreak":
            parts.append(" ")
        elif t.endswith("_open") and t != "link_open":
            n += 1
            tag = Tag("open", n, c.markup)
            stack.append((tag, c.markup))
            parts.append(tag)
        elif t.endswith("_close"):
            opener, closer = stack.pop()
            parts.append(Tag("close", opener.n, closer))
        elif t == "link_open":
            n += 1
            if c.markup == "autolink":
                parts.append(Tag("point", n, f"<{c.attrs.get('href', '')}>"))
                skip_until_close = True
                continue
            href = str(c.attrs.get("href", ""))
            title = c.attrs.get("title")
            tag = Tag("open", n, "[")
            stack.append((tag, f"]({href}" + (f' "{title}"' if title else "") + ")"))
            parts.append(tag)
        else:
            n += 1
            if t == "code_inline":
                tick = c.markup
                pad = " " if c.content.startswith("`") or c.content.endswith("`") else ""
                raw = f"{tick}{pad}{c.content}{pad}{tick}"
            elif t == "image":
                src = c.attrs.get("src", "")
                title = c.attrs.get("title")
                raw = f"![{c.content}]({src}" + (f' "{title}"' if title else "") + ")"
            elif t == "hardbreak":
                raw = _BR
            else:  # html_inline and anything else: as written
                raw = c.content
            parts.append(Tag("point", n, raw))
    return parts


# What would turn translated text into markup if written as it is: markdown-it hands us the
# text decoded (``\*`` and ``&lt;`` as ``*`` and ``<``), so writing it back escapes it again.
_ESCAPE = re.compile(
    r"\\(?=[!-/:-@\[-`{-~])"  # a backslash that would escape what follows
    r"|[*`\[]"  # emphasis, code spans, links and images
    r"|<(?=[A-Za-z/!?])"  # raw HTML and autolinks
    r"|&(?=#?\w+;)"  # an entity
    r"|(?<![^\W_])_|_(?![^\W_])"  # an underscore at a word's edge (emphasis)
    r"|~(?=~)"  # strikethrough
)


def escape(text: str, cell: bool = False) -> str:
    """``text`` as Markdown that reads back as the same text (``|`` too inside a table cell)."""
    out = _ESCAPE.sub(lambda m: "\\" + m.group(0), text)
    return out.replace("|", "\\|") if cell else out


def _markdown(parts: Sequence[Part], cell: bool = False) -> str:
    """Parts as Markdown: tags as their markup, text escaped (:func:`escape`)."""
    return "".join(escape(p, cell) if isinstance(p, str) else str(p.data) for p in parts)


# Spans a line must not be broken in: code spans, link and image destinations with titles.
_UNBREAKABLE = re.compile(r"(`+).*?\1|\]\([^)]*\)|<[^<>]*>")
# What would start a new block if a continuation line began with it.
_BLOCK_START = re.compile(r"\s*(?:[-+*](?:\s|$)|\d+[.)](?:\s|$)|#|>|=+\s*$|\||```|~~~)")


def rewrap(text: str, lines: int) -> list[str]:
    """A paragraph's translation in (at most) ``lines`` lines as its source had, broken at
    spaces of balanced length, never inside code or a link target, never before what would
    start a new block (``- ``, ``1.``, ``#``, ``>``, ...)."""
    if lines <= 1:
        return [text]
    blocked = [False] * len(text)
    for m in _UNBREAKABLE.finditer(text):
        for k in range(m.start(), m.end()):
            blocked[k] = True
    spaces = [k for k, ch in enumerate(text) if ch == " " and not blocked[k]]
    out: list[str] = []
    start = 0
    for n in range(1, lines):
        goal = len(text) * n / lines
        options = [k for k in spaces if k > start and not _BLOCK_START.match(text[k + 1 :])]
        if not options:
            break
        k = min(options, key=lambda k: abs(k - goal))
        if k <= start:
            break
        out.append(text[start:k])
        start = k + 1
        spaces = [x for x in spaces if x > k]
    out.append(text[start:])
    return [line for line in out if line]


@dataclass
class _Breaks:
    """A paragraph's hard line breaks: their point tags' numbers, the source lines of each
    stretch between them, and each break's own markup (two spaces or a backslash)."""

    tags: list[int]
    lines: list[int]
    marks: list[str]


def _hard_breaks(children: list[Any], parts: list[Part], source_lines: list[str]) -> _Breaks:
    tags = [p.n for p in parts if isinstance(p, Tag) and isinstance(p.data, _HardBreak)]
    lines: list[int] = []
    marks: list[str] = []
    count = 1
    for c in children:
        if c.type == "softbreak":
            count += 1
        elif c.type == "hardbreak":
            end = source_lines[sum(lines) + count - 1] if len(source_lines) > 1 else ""
            marks.append("\\" if end.endswith("\\") else end[len(end.rstrip(" ")) :] or "  ")
            lines.append(count)
            count = 1
    lines.append(count)
    return _Breaks(tags if len(tags) == len(marks) else [], lines, marks)


def _lines(parts: Sequence[Part], breaks: _Breaks, lines: int, cell: bool = False) -> list[str]:
    """A translated paragraph as its source lines: each stretch between hard breaks rewrapped
    into the lines it had, ended by the break's own markup; without hard breaks (or if the
    translation does not have each of them once), the whole rewrapped, a break as ``<br>``."""
    found = [p.n for p in parts if isinstance(p, Tag) and p.n in breaks.tags]
    if not breaks.tags or found != breaks.tags:
        return rewrap(_markdown(parts, cell).replace("\n", " "), lines)
    stretches: list[list[Part]] = [[]]
    for p in parts:
        if isinstance(p, Tag) and p.n in breaks.tags:
            stretches.append([])
        else:
            stretches[-1].append(p)
    out: list[str] = []
    for k, stretch in enumerate(stretches):
        text = _markdown(stretch, cell).replace("\n", " ").strip(" ")
        pieces = rewrap(text, breaks.lines[k]) or [""]
        if k < len(breaks.marks):
            pieces[-1] += breaks.marks[k]
        out.extend(pieces)
    return out


@dataclass
class Span:
    line: int
    start: int
    end: int


def _skeleton(tokens: list[Any]) -> list[str]:
    """What the check compares: the block structure, code verbatim, URLs and code spans."""
    out = []
    for t in tokens:
        if t.type == "inline":
            for c in t.children or []:
                if c.type in ("code_inline", "image", "html_inline"):
                    out.append(f"{c.type}:{c.content}:{c.attrs.get('src', '')}")
                elif c.type == "link_open":
                    out.append(f"link:{c.attrs.get('href', '')}")
                elif c.type.endswith(("_open", "_close")):
                    out.append(c.type)
        elif t.type in ("fence", "code_block", "html_block"):
            out.append(f"{t.type}:{t.info}:{t.content}")
        else:
            out.append(t.type)
    return out


class MarkdownDocument:
    format = "markdown"
    source_lang: str | None = None

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.lines = text.split("\n")
        self.front = _front_matter(self.lines)
        body = "\n".join(self.lines[self.front :])
        self.tokens = _parser().parse(body)
        self.spans: list[list[Span]] = []
        self.breaks: list[_Breaks] = []
        self.units: list[Unit] = []
        self.fields: list[_Field] = []
        for field_, value in _front_fields(self.lines, self.front):
            self.units.append(Unit(len(self.units), f"front matter {field_.key}", [value]))
            self.fields.append(field_)
            self.spans.append([])
            self.breaks.append(_Breaks([], [], []))
        self.cells: set[int] = set()  # units that are table cells (``|`` escaped in them)
        self.unplaced: list[str] = []  # units whose text was not found in their lines
        cursor: dict[int, int] = {}
        previous = None
        for t in self.tokens:
            cell = previous is not None and previous.type in ("th_open", "td_open")
            previous = t
            if t.type != "inline" or t.map is None or not t.content.strip():
                continue
            spans: list[Span] = []
            for k, piece in enumerate(t.content.split("\n")):
                line = self.front + t.map[0] + k
                source = self.lines[line] if line < len(self.lines) else ""
                at = source.find(piece, cursor.get(line, 0)) if source else -1
                if at < 0 and cell and "|" in piece:
                    piece = piece.replace("|", "\\|")  # markdown-it unescapes a cell's \|
                    at = source.find(piece, cursor.get(line, 0))
                if at < 0:
                    spans = []
                    break
                spans.append(Span(line, at, at + len(piece)))
                cursor[line] = at + len(piece)
            label = f"line {self.front + t.map[0] + 1}"
            if not spans:
                self.unplaced.append(label)
            if cell:
                self.cells.add(len(self.units))
            parts = _parts(t.children or [])
            self.units.append(Unit(len(self.units), label, parts, translate=bool(spans)))
            self.spans.append(spans)
            self.breaks.append(_hard_breaks(t.children or [], parts, t.content.split("\n")))

    def extension(self) -> str:
        return "." + (self.path.rsplit(".", 1)[-1] if "." in self.path else "md")

    def render(self, target: str, translations: dict[int, Translated]) -> bytes:
        lines = list(self.lines)
        edits: list[tuple[int, int, int, str]] = []
        emptied: set[int] = set()
        for i, tr in translations.items():
            if i < len(self.fields):
                f = self.fields[i]
                lines[f.line] = lines[f.line][: f.start] + _yaml_value(plain(tr.parts), f.quote)
                continue
            spans = self.spans[i]
            pieces = _lines(tr.parts, self.breaks[i], len(spans), cell=i in self.cells)
            for k, span in enumerate(spans):
                edits.append(
                    (span.line, span.start, span.end, pieces[k] if k < len(pieces) else "")
                )
                if k >= len(pieces):
                    emptied.add(span.line)
        for line, start, end, new in sorted(edits, key=lambda e: (e[0], -e[1])):
            lines[line] = lines[line][:start] + new + lines[line][end:]
        kept = [
            line for k, line in enumerate(lines) if not (k in emptied and not line.strip(" \t>"))
        ]
        return "\n".join(kept).encode("utf-8")

    def check(self, data: bytes, translations: dict[int, Translated]) -> list[str]:
        try:
            again = MarkdownDocument(self.path, data.decode("utf-8"))
        except (InputError, UnicodeDecodeError) as exc:
            return [f"output does not parse: {exc}"]
        problems = [
            f"{label}: left as it was (its text could not be located in the source)"
            for label in self.unplaced
        ]
        prose = {f.line for f in self.fields}
        if again.front != self.front or any(
            a != b
            for k, (a, b) in enumerate(
                zip(again.lines[: again.front], self.lines[: self.front], strict=True)
            )
            if k not in prose
        ):
            problems.append("the front matter changed")
        elif [f.line for f in again.fields] != [f.line for f in self.fields]:
            problems.append("the front matter's title or description no longer parses")
        if _skeleton(again.tokens) != _skeleton(self.tokens):
            problems.append("the structure changed (blocks, code, links or markup)")
        if len(again.units) != len(self.units):
            return [*problems, f"output has {len(again.units)} units, the input {len(self.units)}"]
        for i, (old, new) in enumerate(zip(self.units, again.units, strict=True)):
            if i in translations and not new.plain().strip():
                problems.append(f"{old.label}: no translation")
        return problems


def read(path: str, fmt: str = "markdown") -> MarkdownDocument:
    from align.text import read_text

    return MarkdownDocument(path, read_text(path))

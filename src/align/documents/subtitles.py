"""SRT (``srt``) and WebVTT (``webvtt-py``): each cue's text translated, everything else kept.

The library parses the file (and refuses a malformed one); the output is the
input with only the cues' text lines replaced, so cue numbers, identifiers,
timings, cue settings, ``NOTE``/``STYLE``/``REGION`` blocks and line endings are
byte-identical. A multi-line cue is translated as one sentence (its lines
joined) and re-wrapped to its number of lines, at spaces, balanced by length.
Styling tags (``<i>``, ``<b>``, ``<u>``, ``<font ...>``, WebVTT ``<c.x>``,
``<v Name>``, ``<ruby>``, timestamps, SRT ``{\\an8}``) are inline tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from align.documents.inline import Part, Tag, Translated, Unit
from align.errors import InputError
from align.text import squash_spaces

_MARKUP = re.compile(r"</?([A-Za-z]+)[^<>]*>|<\d[\d:.]*>|\{\\[^{}]*\}")


def _parts(text: str) -> list[Part]:
    """A cue's text with its styling as tags (paired when an open has its close)."""
    parts: list[Part] = []
    open_tags: dict[str, list[Tag]] = {}
    pos = 0
    n = 0
    for m in _MARKUP.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        pos = m.end()
        markup, name = m.group(0), (m.group(1) or "").lower()
        if name and markup.startswith("</") and open_tags.get(name):
            opener = open_tags[name].pop()
            parts.append(Tag("close", opener.n, markup))
            continue
        n += 1
        tag = Tag("point", n, markup)
        if name and not markup.startswith("</") and name != "br":
            tag.kind = "open"
            open_tags.setdefault(name, []).append(tag)
        parts.append(tag)
    if pos < len(text):
        parts.append(text[pos:])
    # an open never closed (allowed in WebVTT: "<v Bob>text") stands alone
    for tags in open_tags.values():
        for t in tags:
            t.kind = "point"
    return parts


def _markup(parts: list[Part]) -> str:
    return "".join(p if isinstance(p, str) else str(p.data) for p in parts)


# Scripts written without spaces between words.
_SPACELESS = re.compile(r"[\u0e00-\u0e7f\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def wrap(text: str, lines: int) -> list[str]:
    """``text`` in at most ``lines`` non-empty lines of balanced length, broken at spaces (or
    anywhere outside markup, for text written without spaces)."""
    text = squash_spaces(text)
    if lines <= 1 or not text:
        return [text] if text else []
    words = text.split(" ")
    if len(words) < 2 and _SPACELESS.search(text):
        # no spaces (Chinese, Japanese, Thai): break between characters, never inside markup
        pieces = re.findall(r"<[^<>]*>|\{\\[^{}]*\}|.", text)
        words, joiner = pieces, ""
    else:
        joiner = " "
    visible = [len(_MARKUP.sub("", w)) for w in words]
    total = sum(visible) + (len(words) - 1) * len(joiner)
    out: list[list[str]] = [[]]
    done = 0
    for w, size in zip(words, visible, strict=True):
        target = total * len(out) / lines
        if out[-1] and len(out) < lines and done + size / 2 > target and size:
            out.append([])
        out[-1].append(w)
        done += size + len(joiner)
    return [joiner.join(line) for line in out if line]


@dataclass
class Cue:
    first: int  # index of its first text line in the file's lines
    count: int  # how many text lines
    text: str  # its lines joined by newlines (as the library read them)


def _blocks(lines: list[str]) -> list[Cue]:
    """The cues of an SRT/WebVTT file by position: in each blank-line separated block with a
    timing line, the lines after it."""
    cues: list[Cue] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i].strip():
            i += 1
        block = list(range(start, i))
        timing = next((k for k in block[:2] if "-->" in lines[k]), None)
        if timing is None or lines[start].startswith(("NOTE", "STYLE", "REGION", "WEBVTT")):
            continue
        text_lines = [k for k in block if k > timing]
        cues.append(Cue(timing + 1, len(text_lines), "\n".join(lines[k] for k in text_lines)))
    return cues


def _library_texts(text: str, fmt: str, name: str) -> list[tuple[str, str, str]]:
    """(start, end, text) of each cue, as the format's library reads them; InputError when it
    refuses the file."""
    if fmt == "srt":
        import srt

        try:
            subs = list(srt.parse(text, ignore_errors=False))
        except (srt.SRTParseError, ValueError) as exc:
            raise InputError(f"{name}: not a valid SRT file ({exc})") from exc
        return [(str(s.start), str(s.end), s.content) for s in subs]
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        vtt = webvtt.from_string(text)
    except (MalformedFileError, ValueError) as exc:
        raise InputError(f"{name}: not a valid WebVTT file ({exc})") from exc
    return [(c.start, c.end, c.raw_text) for c in vtt.captions]


class SubtitleDocument:
    source_lang: str | None = None

    def __init__(self, path: str, fmt: str, data: bytes) -> None:
        self.path = path
        self.format = fmt
        self.bom = data.startswith(b"\xef\xbb\xbf")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 (invalid byte at offset {exc.start})") from exc
        if not text.strip():
            raise InputError(f"{path}: is empty")
        self.newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace("\r\n", "\n")
        self.final_newline = text.endswith("\n")
        self.lines = text.split("\n")
        if self.final_newline:
            self.lines.pop()
        self.timings = _library_texts(text, fmt, path)
        self.cues = _blocks(self.lines)
        ours = [c.text.strip() for c in self.cues]
        theirs = [t.strip() for _, _, t in self.timings]
        if ours != theirs:
            k = next(
                (k for k, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), len(ours)
            )
            raise InputError(
                f"{path}: the cues could not be located line by line in the file, "
                f"from cue {min(k, max(len(theirs) - 1, 0)) + 1} on",
                "each cue must end with a blank line before the next one",
            )
        self.units = [
            Unit(k, f"cue {k + 1}", _parts(" ".join(c.text.split("\n"))))
            for k, c in enumerate(self.cues)
        ]

    def extension(self) -> str:
        return "." + self.format

    def render(self, target: str, translations: dict[int, Translated]) -> bytes:
        lines = list(self.lines)
        # replace from the end, so the earlier cues' positions stay right
        for k in sorted(translations, reverse=True):
            cue = self.cues[k]
            new = wrap(_markup(translations[k].parts).replace("\n", " "), cue.count)
            lines[cue.first : cue.first + cue.count] = new or [""]
        text = self.newline.join(lines) + (self.newline if self.final_newline else "")
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")

    def check(self, data: bytes, translations: dict[int, Translated]) -> list[str]:
        try:
            again = SubtitleDocument(self.path, self.format, data)
        except InputError as exc:
            return [f"output does not parse: {exc.message}"]
        if len(again.cues) != len(self.cues):
            return [f"output has {len(again.cues)} cues, the input {len(self.cues)}"]
        problems: list[str] = []
        if [(s, e) for s, e, _ in again.timings] != [(s, e) for s, e, _ in self.timings]:
            problems.append("timings changed")
        old_heads = [self.lines[c.first - 1] for c in self.cues]
        new_heads = [again.lines[c.first - 1] for c in again.cues]
        if old_heads != new_heads:
            problems.append("timing lines changed")
        for k, (old, new) in enumerate(zip(self.cues, again.cues, strict=True)):
            label = f"cue {k + 1}"
            if k not in translations:
                if old.text != new.text:
                    problems.append(f"{label}: changed, but was not to be translated")
                continue
            if not _MARKUP.sub("", new.text).strip():
                problems.append(f"{label}: no translation")
            elif sorted(_MARKUP.findall(old.text)) != sorted(_MARKUP.findall(new.text)) or sorted(
                m.group(0) for m in _MARKUP.finditer(old.text)
            ) != sorted(m.group(0) for m in _MARKUP.finditer(new.text)):
                problems.append(f"{label}: styling tags differ from the source's")
            elif new.count > old.count:
                problems.append(f"{label}: {new.count} lines, the source {old.count}")
        return problems


def read(path: str, fmt: str = "srt") -> SubtitleDocument:
    from align.text import read_bytes

    data = read_bytes(path)
    return SubtitleDocument(path, fmt, data)

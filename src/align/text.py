"""Reading inputs safely, splitting paragraphs and sentences, writing outputs atomically.

Everything that touches user files goes through here, so every command gets
the same clear errors for missing, binary, non-UTF-8 or empty input, and the
same guarantee that an output file is either complete or absent.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from align.errors import InputError, OutputError

STDIN = "-"

# The units of a document for translation (see segment_units).
UNITS = ("sentence", "paragraph", "line")

# How many leading bytes are inspected to decide that a file is binary.
_SNIFF_BYTES = 8192


# Control bytes no text file holds (tab, newline, form feed and carriage return left out).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def _binary_like(data: bytes) -> bool:
    """Whether bytes that are not UTF-8 look like binary rather than text in another
    encoding: more than 5% control bytes (random bytes have about 11%, Latin-1 text none)."""
    head = data[:_SNIFF_BYTES]
    return bool(head) and len(head) - len(head.translate(None, _CONTROL)) > 0.05 * len(head)


def _not_utf8(data: bytes, name: str, exc: UnicodeDecodeError, line: int) -> InputError:
    if _binary_like(data):
        return InputError(f"{name}: looks like a binary file, not text", "give a UTF-8 text file")
    return InputError(
        f"{name}: not UTF-8 (invalid byte 0x{data[exc.start]:02x} on line {line})",
        "convert it first, e.g. iconv -f LATIN1 -t UTF-8",
    )


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:_SNIFF_BYTES]:
        # UTF-16 with a BOM is text, everything else with NUL bytes is binary.
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: not valid UTF-16 text ({exc.reason})") from exc
            return text.replace("\r\n", "\n").replace("\r", "\n")
        raise InputError(f"{name}: looks like a binary file, not text", "give a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(data, name, exc, data[: exc.start].count(b"\n") + 1) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _existing_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, or an :class:`InputError` when it is missing or a directory."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    return p


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A whole file's bytes (a binary document: DOCX, or XML and subtitles whose encoding the
    format itself declares); :class:`InputError` for a missing, unreadable file or a directory."""
    p = _existing_file(path)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def read_text(path: str | os.PathLike[str], *, allow_empty: bool = False) -> str:
    """Read a whole text file (or ``-`` for stdin) as normalised UTF-8 text.

    A BOM is dropped, CRLF and CR become LF. Raises :class:`InputError` for a
    missing file, a directory, binary data, invalid UTF-8 or (unless
    ``allow_empty``) a file with no visible text.
    """
    name = str(path)
    if name == STDIN:
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        p = _existing_file(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from exc
    text = _decode(data, name)
    if not allow_empty and not text.strip():
        raise InputError(f"{name}: is empty")
    return text


def iter_lines(path: str | os.PathLike[str]) -> Iterator[str]:
    """Stream the lines of a text file (or ``-``) without reading it whole: bounded memory.

    The same checks as :func:`read_text` (missing, directory, binary, UTF-8 with
    the line number of a bad byte, empty) are made as the file is read; line
    endings are removed.
    """
    name = str(path)
    if name == STDIN:
        fh: IO[bytes] = sys.stdin.buffer
        name = "<stdin>"
    else:
        fh = _existing_file(path).open("rb")
    seen_text = False
    try:
        head = fh.read(_SNIFF_BYTES)
        if b"\x00" in head or (b"\r" in head and b"\n" not in head):
            # UTF-16 (binary raises here) or old Mac CR line ends: decode the whole file.
            text = _decode(head + fh.read(), name)
            if not text.strip():
                raise InputError(f"{name}: is empty")
            yield from text.rstrip("\n").split("\n")
            return
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        number = 0
        pending = b""
        for chunk in _chunks(head, fh):
            data = pending + chunk
            lines = data.split(b"\n")
            pending = lines.pop()
            for raw in lines:
                number += 1
                for line in _decode_line(raw, name, number):
                    seen_text = seen_text or bool(line.strip())
                    yield line
        if pending:
            number += 1
            for line in _decode_line(pending, name, number):
                seen_text = seen_text or bool(line.strip())
                yield line
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
    if not seen_text:
        raise InputError(f"{name}: is empty")


def _chunks(head: bytes, fh: IO[bytes]) -> Iterator[bytes]:
    yield head
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            return
        yield chunk


def _decode_line(raw: bytes, name: str, number: int) -> list[str]:
    """One LF-ended line of bytes as text lines: its CRLF's CR dropped, and a lone CR left
    inside it a line end too, as :func:`read_text` reads it (``\r\n``, then ``\r``)."""
    if b"\x00" in raw:
        raise InputError(f"{name}: looks like a binary file, not text (NUL byte on line {number})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw, name, exc, number) from exc
    return text.removesuffix("\r").split("\r")


def iter_paragraphs(lines: Iterator[str]) -> Iterator[str]:
    """Group streamed lines into paragraphs (blank-line separated), joined with spaces."""
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line.strip())
        elif block:
            yield " ".join(block)
            block = []
    if block:
        yield " ".join(block)


def read_lines(path: str | os.PathLike[str], *, allow_empty: bool = False) -> list[str]:
    """Read a line-oriented file: one segment per line, trailing newline ignored."""
    text = read_text(path, allow_empty=allow_empty)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines; lines inside a paragraph are joined."""
    return list(iter_paragraphs(iter(text.split("\n"))))


# Breaking whitespace: no-break spaces (U+00A0, U+2007, U+202F: "10 km", French "« oui »")
# are part of the text and stay.
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def squash_spaces(text: str) -> str:
    """Each run of breaking whitespace (newlines too) as one space, the ends trimmed; no-break
    spaces are kept (``" ".join(text.split())`` would turn them into plain spaces)."""
    return _BREAKING_SPACE.sub(" ", text).strip(" ")


# Full-width end punctuation, and the closing marks that may follow it in the same sentence.
_CJK_STOPS = "。！？；"
_CJK_CLOSERS = "」』”’）》】\"'"
_CJK_END = re.compile(f"(?<=[{_CJK_STOPS}])(?![{re.escape(_CJK_CLOSERS)}])")


def split_sentences(text: str, lang: str | None = None) -> list[str]:
    """Split one paragraph into sentences with sentencex, stripped, none empty.

    ``lang`` is an ISO 639-1 code (``zh-Hans`` style codes are accepted); it
    selects abbreviation lists. CJK full-width end punctuation always ends a
    sentence, whatever the language given; sentences inside quotation marks are
    cut too (:func:`_segment`), and :func:`_runs_on` joins back the cuts that end
    no sentence.
    """
    base = (lang or "en").split("-")[0].lower()
    pieces = [
        p
        for sent in _segment(base, text)
        for cut in _cut_after_words(base, sent)
        for p in _CJK_END.split(cut)
    ]
    starts = [_first_cased(p) for p in pieces if p.strip()][1:]
    upper, lower = sum(c.isupper() for c in starts), sum(c.islower() for c in starts)
    cased = upper >= max(lower, 1)  # a text in lower case throughout has no capital to miss
    raw: list[str] = []  # pieces as written, so that a piece joined back keeps its spacing
    for piece in pieces:
        if raw and (not piece.strip() or _runs_on(raw[-1].strip(), piece.strip(), cased)):
            raw[-1] += piece
        elif piece.strip():
            raw.append(piece)
    return [piece.strip() for piece in raw]


_QUOTE_MARKS = str.maketrans({ch: " " for ch in "\"'«»“”‘’„‚‹›「」『』"})
_OPENERS = "\"'«“‘„‚‹「『(["


def _segment(lang: str, text: str) -> list[str]:
    """sentencex's cuts, made with the quotation marks masked, mapped back onto ``text``.

    sentencex never cuts inside quotation marks, so a paragraph of dialogue in one pair of
    quotes (or after one stray apostrophe) was one sentence; cut with the marks as spaces,
    its abbreviation lists still apply. An opening mark that the cut leaves at the end of a
    piece moves on to the next one. Brackets stay protected: in bibliographies a bracket
    holds abbreviations and numbers with full stops, seldom whole sentences (Text+Berg de
    −0.005 boundary F1 when brackets were masked too)."""
    from sentencex import segment

    masked = text.translate(_QUOTE_MARKS)
    pieces, at = [], 0
    for piece in segment(lang, masked):
        pieces.append(text[at : at + len(piece)])
        at += len(piece)
    if at < len(text):
        pieces.append(text[at:])
    for i in range(len(pieces) - 1):
        body = pieces[i].rstrip()
        cut = len(body)
        while (
            cut > 0
            and body[cut - 1] in _OPENERS
            and (cut == 1 or body[cut - 2].isspace() or body[cut - 2] in _CJK_STOPS)
        ):
            cut -= 1
            while cut > 0 and body[cut - 1].isspace():
                cut -= 1
        if cut < len(body):
            pieces[i + 1] = pieces[i][cut:] + pieces[i + 1]
            pieces[i] = pieces[i][:cut]
    return pieces


# A word, a full stop, space, any opening marks, then a capital: where sentencex left such a
# point uncut, it took the word for an abbreviation.
_WORD_STOP = re.compile(r"(?<![^\W_])([^\W\d_]{2,})\.(?=\s+[\"'«“‘„‚‹(\[]*[^\W\d_])")
_ET = re.compile(r"(?<![^\W_])et\s+$", re.IGNORECASE)  # before "al.": the Latin abbreviation
#: wordfreq's zipf 6: once in a thousand words of running text.
_COMMON_LOG_FREQUENCY = math.log(1e-3)


@functools.lru_cache(maxsize=64)
def _common_words(lang: str) -> frozenset[str]:
    """Words of ``lang`` that are no abbreviation whatever a list says: its closed-class words
    (:data:`align.detect_evidence.FREQUENT_WORDS`) and the words wordfreq counts at least once
    in a thousand (empty for a language with neither)."""
    from align.detect_evidence import FREQUENT_WORDS, word_log_frequencies

    common = {w for w, lf in word_log_frequencies(lang).items() if lf >= _COMMON_LOG_FREQUENCY}
    return frozenset(common | FREQUENT_WORDS.get(lang, frozenset()))


def _cut_after_words(lang: str, piece: str) -> list[str]:
    """``piece`` cut after each common word that ends in a full stop before a capital.

    sentencex's abbreviation lists hold some of the commonest words of their languages, and
    it never cuts after them: Spanish *no, con, bien, entre*, Italian *la, di, mai*,
    Swedish and Bokmål *det, med, kan*, Dutch *dat*, Danish *var, med*, Czech *co*, German
    *mich* (``Dijo que no. Luego se fue.``, ``Jag vet det. Han gick.`` stay one sentence).
    A word that common (:func:`_common_words`), a full stop and a capital is a sentence end.
    Inside brackets sentencex's choice stands (see :func:`_segment`), and so does *et al.*"""
    cuts = []
    for match in _WORD_STOP.finditer(piece):
        after = piece[match.end() :].lstrip()  # not empty: the pattern looks ahead to a letter
        if not _first_cased(after).isupper():
            continue
        word = match.group(1)
        head = piece[: match.start()]
        if word.lower() == "al" and _ET.search(head):
            continue
        if head.count("(") + head.count("[") > head.count(")") + head.count("]"):
            continue
        if word.lower() not in _common_words(lang):
            continue
        cuts.append(len(piece) - len(after))  # the next sentence starts after the spaces
    if not cuts:
        return [piece]
    bounds = [0, *cuts, len(piece)]
    return [piece[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if piece[a:b]]


def _first_cased(piece: str) -> str:
    """The first letter or digit of ``piece`` ("" if none)."""
    return next((ch for ch in piece if ch.isalnum()), "")


def _runs_on(before: str, piece: str, cased: bool) -> bool:
    """Whether sentencex's cut between ``before`` and ``piece`` is no sentence end.

    - ``piece`` starts (after quotation marks, brackets, dashes) with a lower-case letter, in
      a ``cased`` paragraph (no fewer of its sentences start with a capital than without):
      no sentence does there. sentencex cuts after abbreviations its lists lack (Spanish
      *vm.*, *vms.*, "vuestra merced") and inside dialogue (`'Is it?' | said Alice`). A text
      written in lower case throughout (the seed speech's English, chat, ASR output) keeps
      sentencex's cuts.
    - ``before`` ends in a lone capital and a full stop: an initial or a title (French
      *M. Dupont*, Italian *G. Rossi*, Czech *A. Puškin*). sentencex knows this in English and
      German but cuts there in French, Italian, Czech and others after a word in lower case
      (*le président M. | Macron*). As in English, a sentence that really ends in a capital
      (*la note B.*) then runs on.

    Measured with ``bench/bench_sentences.py`` on the gold sentences of every alignment
    development set (docs/alignment.md)."""
    if before.rstrip(_CJK_CLOSERS).endswith(tuple(_CJK_STOPS)):
        return False  # full-width end punctuation always ends a sentence
    if cased and _first_cased(piece).islower():
        return True
    initial = _INITIAL_END.search(before)
    return initial is not None and initial.group(1).isupper()


_INITIAL_END = re.compile(r"(?:^|[\s(\[«„“\"'])([^\W\d_])\.$")


# The most one segment may weigh before it is translated in pieces: 1,000 characters, a wide
# (CJK) character counting 2.5, so 400 of them. Far above any sentence (WMT23 zh lines: 275 at
# most), small enough that a piece stays within the neural models' length limits (512 tokens
# out) and Apertium's pipe finishes.
MAX_SEGMENT_WEIGHT = 1000
_WIDE_WEIGHT = 2.5
_SENTENCE_CUT = re.compile(r"[。！？；.!?;][\"'”’」』）)\]]*(?=\s|$)|[。！？；]")
_CLAUSE_CUT = re.compile(r"[，、：,:](?=\s|$)|[，、：]")
_SPACE_CUT = re.compile(r"\s+")


def _weight_end(text: str, start: int, limit: float) -> int:
    """The furthest end ``e`` such that ``text[start:e]`` weighs at most ``limit``."""
    import unicodedata

    if text[start : start + int(limit)].isascii():  # the common case, fast: weight 1 each
        return min(len(text), start + int(limit))
    weight = 0.0
    for i in range(start, len(text)):
        weight += _WIDE_WEIGHT if unicodedata.east_asian_width(text[i]) in "WF" else 1.0
        if weight > limit:
            return max(i, start + 1)
    return len(text)


def split_long(text: str, limit: int = MAX_SEGMENT_WEIGHT) -> list[str]:
    """``text`` cut into pieces weighing at most ``limit`` (see :data:`MAX_SEGMENT_WEIGHT`).

    A text within the limit comes back whole. Otherwise each piece ends at the last
    sentence end in its second half, else the last clause mark, else the last space, else
    exactly at the limit (a run of letters with none of these). Linear in the text's size;
    pieces are stripped and none is empty.
    """
    if len(text) * _WIDE_WEIGHT <= limit or _weight_end(text, 0, limit) == len(text):
        return [text]
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = _weight_end(text, start, limit)
        if end < len(text):
            window = text[start:end]
            half = len(window) // 2
            for pattern in (_SENTENCE_CUT, _CLAUSE_CUT, _SPACE_CUT):
                cuts = [m.end() for m in pattern.finditer(window) if m.end() > half]
                if cuts:
                    end = start + cuts[-1]
                    break
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    return pieces


@dataclass(frozen=True)
class Segment:
    """One unit of text with its position: paragraph index and sentence index in it."""

    para: int
    index: int
    text: str


def segment_text(text: str, lang: str | None = None, by: str = "sentence") -> list[Segment]:
    """Cut text into units: ``sentence`` (paragraphs, then sentences), ``paragraph`` or ``line``."""
    if by == "line":
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [Segment(i, 0, line) for i, line in enumerate(lines)]
    paras = paragraphs(text)
    if by == "paragraph":
        return [Segment(i, 0, p) for i, p in enumerate(paras)]
    if by != "sentence":
        raise InputError(f"unknown unit {by!r}", "use sentence, paragraph or line")
    return [
        Segment(i, j, s)
        for i, p in enumerate(paras)
        for j, s in enumerate(split_sentences(p, lang))
    ]


# Languages written without a space between sentences.
_NO_SPACE_LANGS = {"zh", "ja", "th", "lo", "my", "km"}


def sentence_separator(lang: str | None) -> str:
    """What joins two sentences of ``lang``: a space, or nothing for zh, ja, th, lo, my, km."""
    return "" if (lang or "").split("-")[0].lower() in _NO_SPACE_LANGS else " "


def paragraph_starts(paras: Sequence[int]) -> list[int]:
    """Where each paragraph begins: the indices at which the paragraph number of a sequence
    of units (``Segment.para`` of each) changes, 0 first (none for no units)."""
    return [k for k, p in enumerate(paras) if k == 0 or p != paras[k - 1]]


def join_segments(
    segments: Sequence[Segment], texts: Sequence[str], by: str = "sentence", lang: str | None = None
) -> str:
    """Rebuild a document from translated units, keeping the paragraph structure.

    Sentences of a paragraph are joined by a space, or by nothing for languages
    written without spaces between sentences (``lang`` zh, ja, th, ...).
    """
    if by == "line":
        return "".join(t + "\n" for t in texts)
    paras: list[list[str]] = []
    last = None
    for seg, t in zip(segments, texts, strict=True):
        if seg.para != last:
            paras.append([])
            last = seg.para
        paras[-1].append(t)
    sep = sentence_separator(lang)
    return "\n\n".join(sep.join(p) for p in paras) + ("\n" if paras else "")


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[str]]:
    """Write a file atomically: to a temporary file beside it, renamed into place on success.

    If the block raises, the temporary file is removed and ``path`` is untouched.
    The temporary file is named ``.NAME.PID.XXXXXXXX.tmp``: one that a killed
    process left behind is removed by the next write of the same file (only when
    that process is gone). A path that cannot be created (a missing or read-only
    directory, a file in the way) is an :class:`InputError`; a write that fails
    midway (a full disk) is an :class:`OutputError`.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_dead_temporaries(target)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise InputError(f"{path}: cannot write it ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, mode, encoding="utf-8", newline="\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
            raise OutputError(f"{path}: writing failed ({exc.strerror or exc})") from exc
        raise


# Errors of the disk under a write (not of the code inside the block): an OutputError.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` is running (another user's counts): who owns a temporary file
    or a store transaction named after its pid. Conservative where it cannot tell."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return True  # os.kill would kill it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, another user's
        return True
    return True


def _remove_dead_temporaries(target: Path) -> None:
    """Remove ``.NAME.PID.*.tmp`` files beside ``target`` whose writing process is gone."""
    prefix = f".{target.name}."
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid, _, rest = name[len(prefix) : -len(".tmp")].partition(".")
        if not pid.isdigit() or not rest or "." in rest or pid_alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file() and not entry.is_symlink():
                entry.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_write(path) as fh:
        fh.write(text)


def segment_lines(text: str, lang: str | None = None) -> list[Segment]:
    """Units of line-preserving text: the sentences of each line.

    ``Segment.para`` is the line's index in ``text`` (blank lines have no
    segments, so their indices are the gaps); :func:`join_lines` rebuilds the
    same lines from the translations.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [
        Segment(i, j, s)
        for i, line in enumerate(lines)
        if line.strip()
        for j, s in enumerate(split_sentences(line, lang))
    ]


def join_lines(segments: Sequence[Segment], texts: Sequence[str], lang: str | None = None) -> str:
    """Rebuild line-preserving text (see :func:`segment_lines`): one output line per input
    line up to the last one with text, each line's sentences joined, blank lines blank."""
    lines: list[list[str]] = []
    for seg, t in zip(segments, texts, strict=True):
        while len(lines) <= seg.para:
            lines.append([])
        lines[seg.para].append(t)
    sep = sentence_separator(lang)
    return "".join(sep.join(parts) + "\n" for parts in lines)


def segment_units(text: str, lang: str | None = None, by: str = "sentence") -> list[Segment]:
    """Units of a document for translation: ``sentence`` the sentences of each line (the line
    structure kept: :func:`segment_lines`), ``paragraph`` the sentences of each paragraph (the
    lines of a paragraph joined: hard-wrapped prose), ``line`` each line whole."""
    if by == "sentence":
        return segment_lines(text, lang)
    if by == "paragraph":
        return segment_text(text, lang, "sentence")
    if by == "line":  # every line with text whole; blank lines are gaps, as in segment_lines
        return [s for s in segment_text(text, lang, "line") if s.text.strip()]
    raise InputError(f"unknown unit {by!r}", "use sentence, paragraph or line")


def join_units(
    segments: Sequence[Segment], texts: Sequence[str], by: str = "sentence", lang: str | None = None
) -> str:
    """The inverse of :func:`segment_units`: the translated document with its structure."""
    if by in ("sentence", "line"):
        return join_lines(segments, texts, lang)
    return join_segments(segments, texts, "sentence", lang)

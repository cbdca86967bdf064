"""Glossaries: names and terms translated the same way every time, by every engine and hop.

A glossary is read from a TSV/CSV file whose header row names one language per
column (``zh<TAB>en<TAB>es``: several targets in one file), a two-column TSV
without header for the pair of the command, or a TBX file (the ISO terminology
exchange format, read with translate-toolkit). An entry whose target equals its
source, or a ``--keep TERM``, is *do not translate*.

Matching (:class:`TermTable`): whole words for spaced scripts (case-sensitive
unless ``ignore_case``), substrings for CJK terms, longest match first, never
inside an inline-tag token (``[1]``, :mod:`align.documents.inline`), a URL or a
placeholder of our own.

Enforcement (:class:`GlossaryTranslator`, around the hops of a chain): each term
found in the source is replaced by a placeholder, a pseudo proper noun
(``ZXQA``) that the neural models copy and Apertium and Bergamot pass through
unknown; after every hop the placeholders are checked, and a sentence that lost
one is translated again with the hop's target term itself written into its
source (code-switching), then the term is protected again for the next hop. At
the end each placeholder becomes the term in the *final* language (given
directly, or composed along the chain: ``zh→en`` + ``en→es``). Which placeholder
shape and which technique were measured, and how, is in docs/glossary-tm.md
(``bench/bench_glossary.py``). A term no technique kept is counted as a miss
(:meth:`TermTable.adherence`), never silently dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align import languages as langs
from align.errors import EngineError, InputError, LanguageError
from align.translate.cache import translate_in_parts
from align.translate.engine import ChainTranslator, Translator
from align.translate.spans import PROTECTED_VERSION, protected_spans

TBX_EXTENSIONS = (".tbx",)
CSV_EXTENSIONS = (".csv",)
# The placeholder: a capitalised pseudo-word the engines treat as a name they copy.
PLACEHOLDER_PREFIXES = ("ZXQ", "QZX", "XQZ")
TECHNIQUES = ("placeholder", "placeholder-only", "codeswitch")

# CJK scripts: terms in them match as substrings (no spaces between words).
_CJK = "\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
_CJK_RE = re.compile(f"[{_CJK}]")
# A word character of a spaced script: a Latin (etc.) term must not touch one.
_WORDCHAR = f"[^\\W{_CJK}]"
# Where a term never matches: inline-tag tokens, and what no engine may translate (URLs,
# e-mail addresses, code, paths: :func:`align.translate.spans.protected_spans`).
_TAG_TOKEN = re.compile(r"\[/?\d+/?\]")


# Markup-like symbols a placeholder is kept apart from too: the zh->en model dropped the
# "<b>" of "<b>ZXQB</b>" in a PO message, and kept it in "<b> ZXQB </b>".
_MARKUP = frozenset("<>/\\|=*&^%$#@~`")


def _glued(ch: str) -> bool:
    """Whether a placeholder next to ``ch`` would read as one word with it."""
    return ch in _MARKUP or bool(re.match(_WORDCHAR, ch))


def _lang(code: str) -> str | None:
    """The edge code of a header cell (``en-US`` reads as ``en``), or ``None``."""
    cell = code.strip()
    if not cell or len(cell) > 20:
        return None
    for candidate in (cell, re.split(r"[-_]", cell)[0]):
        try:
            return langs.normalize(candidate)
        except LanguageError:
            continue
    return None


def _same_lang(a: str, b: str) -> bool:
    return a == b or langs.base(a) == langs.base(b)


@dataclass(frozen=True)
class Entry:
    """One concept: its term per language (edge codes); ``line`` where the file gives it."""

    terms: dict[str, str]
    line: int

    def get(self, lang: str) -> str | None:
        if lang in self.terms:
            return self.terms[lang]
        same = [t for code, t in self.terms.items() if _same_lang(code, lang)]
        return same[0] if same else None


@dataclass(frozen=True)
class Term:
    """A source term as enforced along one chain: ``forms`` its term after each hop (the last
    is ``target``, in the final language); ``keep``: do not translate."""

    source: str
    target: str
    forms: tuple[str, ...]
    keep: bool = False


@dataclass
class TermStats:
    """Term hit rate of one output: occurrences found in the source, and kept."""

    found: int = 0
    kept: int = 0
    missed: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return 100.0 * self.kept / self.found if self.found else 100.0

    def add(self, other: TermStats) -> None:
        self.found += other.found
        self.kept += other.kept
        self.missed.update(other.missed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "kept": self.kept,
            "rate": round(self.rate, 2),
            "missed": dict(self.missed.most_common()),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TermStats:
        """Read back :meth:`to_dict` (a run's ``TargetResult.terms``)."""
        return cls(int(d["found"]), int(d["kept"]), Counter(d.get("missed") or {}))

    def summary(self) -> str:
        """``17/17 terms (100.0%)``, with the missed terms when there are any."""
        line = f"{self.kept}/{self.found} terms ({self.rate:.1f}%)"
        if self.missed:
            line += "; missed: " + ", ".join(f"{t} x{n}" for t, n in self.missed.most_common(5))
        return line


def _boundary(term: str) -> str:
    """The regex of one term: a substring for CJK, a whole word otherwise."""
    body = re.escape(term)
    if _CJK_RE.search(term):
        return body
    return f"(?<!{_WORDCHAR}){body}(?!{_WORDCHAR})"


def _alternation(terms: Iterable[str], ignore_case: bool) -> re.Pattern[str] | None:
    unique = sorted(set(terms), key=lambda t: (-len(t), t))  # longest first
    if not unique:
        return None
    return re.compile(
        "|".join(f"(?:{_boundary(t)})" for t in unique), re.IGNORECASE if ignore_case else 0
    )


def _zones(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TAG_TOKEN.finditer(text)] + protected_spans(text)


def _outside(span: tuple[int, int], zones: Sequence[tuple[int, int]]) -> bool:
    return not any(a < span[1] and span[0] < b for a, b in zones)


class TermTable:
    """The terms of one chain (its languages ``langs``), matched as the module says."""

    def __init__(
        self, terms: Sequence[Term], langs_: Sequence[str], ignore_case: bool, digest: str
    ) -> None:
        self.langs = list(langs_)
        self.ignore_case = ignore_case
        self.digest = digest
        self.terms: dict[str, Term] = {}
        for t in terms:
            self.terms.setdefault(self._key(t.source), t)  # the first entry of a term wins
        self._pattern = _alternation((t.source for t in terms), ignore_case)

    def _key(self, text: str) -> str:
        return text.casefold() if self.ignore_case else text

    def __len__(self) -> int:
        return len(self.terms)

    @classmethod
    def empty(cls, langs_: Sequence[str]) -> TermTable:
        """A table of no terms (a :class:`GlossaryTranslator` that only keeps spans)."""
        return cls([], langs_, False, "")

    def find(self, text: str) -> list[tuple[int, int, Term]]:
        """The terms in ``text``: (start, end, term), left to right, longest first, none in a
        URL or an inline-tag token."""
        if self._pattern is None:
            return []
        zones = _zones(text)
        out = []
        for m in self._pattern.finditer(text):
            if _outside(m.span(), zones):
                out.append((m.start(), m.end(), self.terms[self._key(m.group(0))]))
        return out

    def adherence(self, sources: Sequence[str], outputs: Sequence[str]) -> TermStats:
        """How many term occurrences of ``sources`` have their final term in ``outputs``
        (counted per segment, longest target first, never more than were found)."""
        stats = TermStats()
        for src, out in zip(sources, outputs, strict=True):
            wanted = Counter(t.target for _, _, t in self.find(src))
            if not wanted:
                continue
            pattern = _alternation(wanted, self.ignore_case)
            assert pattern is not None
            got: Counter[str] = Counter()
            lookup = {self._key(t): t for t in wanted}
            for m in pattern.finditer(out):
                got[lookup[self._key(m.group(0))]] += 1
            for target, n in wanted.items():
                kept = min(n, got[target])
                stats.found += n
                stats.kept += kept
                if kept < n:
                    stats.missed[target] += n - kept
        return stats


@dataclass
class Glossary:
    """A loaded glossary: its entries, the ``--keep`` terms and the matching options."""

    path: str | None
    entries: list[Entry]
    keep: tuple[str, ...] = ()
    ignore_case: bool = False
    header: list[str] | None = None  # the languages of the file, in column order
    content_digest: str = ""
    # targets asked for that the file has no terms for (only --keep applies to them), when
    # it has terms for others: each is a warning, not an error
    uncovered: tuple[str, ...] = ()

    def warnings(self) -> list[str]:
        """One line per target the file gives no terms for."""
        return [
            f"glossary: {self.path} has no {t} terms; {t} gets "
            + ("only the --keep terms" if self.keep else "no glossary terms")
            for t in self.uncovered
        ]

    @property
    def digest(self) -> str:
        """What goes into signatures and cache keys: the file's content, the keep list, case."""
        h = hashlib.sha256(self.content_digest.encode())
        h.update("\x00".join(self.keep).encode())
        h.update(b"icase" if self.ignore_case else b"case")
        return h.hexdigest()[:12]

    def languages(self) -> list[str]:
        seen: list[str] = []
        for e in self.entries:
            seen += [c for c in e.terms if c not in seen]
        return seen

    def _find(self, lang: str, term: str, want: str) -> Entry | None:
        """The first entry giving ``term`` in ``lang`` and some term in ``want``."""
        key = term.casefold() if self.ignore_case else term
        for e in self.entries:
            got = e.get(lang)
            same = got is not None and (got.casefold() if self.ignore_case else got) == key
            if same and e.get(want):
                return e
        return None

    def check(self, source: str, target: str) -> None:
        """An :class:`InputError` naming the file when it cannot give ``source`` -> ``target``
        terms at all (no column for either language)."""
        if self.path is None or not self.entries:
            return
        have = self.languages()
        where = self.path if self.header is None else f"{self.path}, line 1"
        for lang in (source, target):
            if not any(_same_lang(c, lang) for c in have):
                raise InputError(
                    f"{where}: the glossary has no {lang} terms (it has {', '.join(have)})",
                    "add a column for it, or leave out --glossary",
                )

    def table(self, chain: Sequence[str]) -> TermTable:
        """The terms of a chain through the languages ``chain`` (source first, final target
        last): each entry's term in the final language, given or composed hop by hop."""
        src, final = chain[0], chain[-1]
        terms: list[Term] = [Term(k, k, (k,) * (len(chain) - 1), True) for k in self.keep]
        for e in self.entries:
            s = e.get(src)
            if not s:
                continue
            forms: list[str | None] = []
            cur: str | None = s
            for prev, lang in zip(chain, chain[1:], strict=False):
                direct = e.get(lang)
                if direct:
                    cur = direct
                elif cur is not None:
                    other = self._find(prev, cur, lang)
                    cur = other.get(lang) if other else None
                forms.append(cur)
            target = e.get(final) or forms[-1]
            if not target:
                continue  # no term in the final language: nothing to enforce
            done = tuple(f or target for f in forms[:-1]) + (target,)
            terms.append(Term(s, target, done, keep=target == s))
        return TermTable(terms, chain, self.ignore_case, self.digest)


@dataclass(frozen=True)
class GlossaryOptions:
    """What the command line gives: ``--glossary FILE``, ``--keep TERM``, ``--glossary-ignore-case``."""

    path: str | None = None
    keep: tuple[str, ...] = ()
    ignore_case: bool = False

    def __bool__(self) -> bool:
        return bool(self.path or self.keep)

    def load(self, source: str, targets: Sequence[str]) -> Glossary:
        """The glossary for ``source`` -> each of ``targets`` (checked: InputError, exit 2)."""
        return load_glossary(
            self.path, source, targets, keep=self.keep, ignore_case=self.ignore_case
        )


def load_glossary(
    path: str | None,
    source: str,
    targets: Sequence[str],
    *,
    keep: Sequence[str] = (),
    ignore_case: bool = False,
) -> Glossary:
    """Read a glossary file (or none: only ``keep``) for ``source`` -> ``targets``.

    A malformed, empty or unreadable file, or one without the languages asked for,
    is an :class:`InputError` naming the file and the line; so is an empty ``keep`` term."""
    if any(not k.strip() for k in keep):
        raise InputError("--keep needs a term (it was given an empty one)")
    keep = tuple(k.strip() for k in keep)
    if path is None:
        return Glossary(None, [], keep, ignore_case)
    source = langs.normalize(source)
    codes = [langs.normalize(t) for t in targets]
    if Path(path).suffix.lower() in TBX_EXTENSIONS:
        entries, header, digest = _read_tbx(path)
    else:
        entries, header, digest = _read_table(path, source, codes)
    if not entries:
        raise InputError(f"{path}: the glossary has no entries", "one term per line")
    glossary = Glossary(path, entries, keep, ignore_case, header, digest)
    # The source must be there, and at least one target; a file with terms for some of the
    # targets (a zh/en/es glossary and --to all) serves those and warns for the rest.
    have = glossary.languages()
    covered = [t for t in codes if any(_same_lang(c, t) for c in have)]
    for t in covered or codes[:1]:
        glossary.check(source, t)
    glossary.uncovered = tuple(t for t in codes if t not in covered)
    return glossary


def glossary_languages(path: str) -> list[str]:
    """The languages a glossary file names itself (its header, or its TBX language sets);
    ``[]`` for a two-column file without header, which takes them from the command."""
    if Path(path).suffix.lower() in TBX_EXTENSIONS:
        return Glossary(path, _read_tbx(path)[0]).languages()
    from align.text import read_text

    for line in read_text(path, allow_empty=True).split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        first = next(csv.reader([line])) if Path(path).suffix.lower() in CSV_EXTENSIONS else []
        cells = first or line.split("\t")
        codes = [_lang(c) for c in cells]
        return [c for c in codes if c] if len(codes) >= 2 and all(codes) else []
    return []


def _read_table(
    path: str, source: str, targets: Sequence[str]
) -> tuple[list[Entry], list[str] | None, str]:
    from align.text import read_text

    text = read_text(path, allow_empty=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    is_csv = Path(path).suffix.lower() in CSV_EXTENSIONS
    if is_csv:
        reader: Iterable[list[str]] = csv.reader(io.StringIO(text))
    else:
        reader = (line.split("\t") for line in text.split("\n"))
    rows: list[tuple[int, list[str]]] = []
    n = 0
    try:
        for n, row in enumerate(reader, 1):
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            rows.append((n, cells))
    except csv.Error as exc:
        raise InputError(f"{path}, line {n + 1}: not a CSV file ({exc})") from None
    if not rows:
        raise InputError(f"{path}: the glossary is empty", "one term per line")
    sep = "comma" if is_csv else "tab"
    first_line, first = rows[0]
    header_codes = [_lang(c) for c in first]
    if all(header_codes) and len(first) >= 2:
        header = [c for c in header_codes if c]
        if len(set(header)) != len(header):
            raise InputError(f"{path}, line {first_line}: a language appears twice in the header")
        body = rows[1:]
    else:
        if len(targets) != 1:
            raise InputError(
                f"{path}: a glossary without a header row is for one pair, and "
                f"{len(targets)} targets are asked for",
                "start the file with a header row of language codes, one per column: "
                + " ".join([source, *targets]),
            )
        header = [source, targets[0]]
        body = rows
    entries = []
    for n, cells in body:
        if len(cells) != len(header):
            what = "the header has" if len(header) > 2 or body is not rows else "expected"
            raise InputError(
                f"{path}, line {n}: {len(cells)} {sep}-separated column"
                f"{'s' if len(cells) != 1 else ''}, {what} {len(header)}",
                "one term per column, one column per language",
            )
        terms = {lang: cell for lang, cell in zip(header, cells, strict=True) if cell}
        if len(terms) < 2 and header == [source, targets[0]] and body is rows:
            raise InputError(f"{path}, line {n}: an empty term", "give source TAB target")
        if terms:
            entries.append(Entry(terms, n))
    return entries, header, digest


def _read_tbx(path: str) -> tuple[list[Entry], list[str] | None, str]:
    from lxml import etree
    from translate.storage import tbx

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    try:
        store = tbx.tbxfile(data)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise InputError(f"{path}, line {line}: not a TBX file ({exc.msg})") from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    entries = []
    for unit in store.units:
        terms: dict[str, str] = {}
        line = getattr(unit.xmlelement, "sourceline", 0) or 0
        for node in unit.getlanguageNodes():
            code = node.get(xml_lang) or node.get("lang") or ""
            lang = _lang(code)
            if lang is None:
                raise InputError(f"{path}, line {node.sourceline}: {code!r} is not a language code")
            words = [
                (t.text or "").strip()
                for t in node.iter()
                if isinstance(t.tag, str) and t.tag.rsplit("}", 1)[-1] == "term"
            ]
            if words and words[0]:
                terms.setdefault(lang, words[0])
        if terms:
            entries.append(Entry(terms, line))
    return entries, None, digest


# --- enforcement -------------------------------------------------------------------------


def _letters(k: int) -> str:
    out = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        out = chr(ord("A") + r) + out
    return out


def placeholder(prefix: str, k: int) -> str:
    """The ``k``-th placeholder of a sentence: ``ZXQA``, ``ZXQB``, ..."""
    return prefix + _letters(k)


@dataclass
class _Slots:
    """One sentence's placeholders: token -> term, and how many times each occurs."""

    prefix: str
    terms: dict[str, Term] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def pattern(self) -> re.Pattern[str]:
        tokens = sorted(self.terms, key=lambda t: (-len(t), t))
        return re.compile("|".join(map(re.escape, tokens)), re.IGNORECASE)

    def present(self, text: str) -> Counter[str]:
        got: Counter[str] = Counter()
        for m in self.pattern().finditer(text):
            if m.group(0).upper() in self.terms:
                got[m.group(0).upper()] += 1
        return got

    def intact(self, text: str) -> int:
        got = self.present(text)
        return sum(min(n, got[tok]) for tok, n in self.counts.items())

    def fill(self, text: str, hop: int | None) -> str:
        """The tokens replaced by each term's form after hop ``hop`` (``None``: the final)."""

        def put(m: re.Match[str]) -> str:
            term = self.terms.get(m.group(0).upper())
            if term is None:
                return m.group(0)
            return "\x00" + (term.target if hop is None else term.forms[hop]) + "\x00"

        def edge(m: re.Match[str]) -> str:
            # A term put next to a Latin word, a digit or another term stays a word of its own.
            before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
            return " " if before and after and _glued(before) and _glued(after) else ""

        return re.sub("\x00+", edge, self.pattern().sub(put, text.replace("\x00", " ")))

    def protect(self, text: str, hop: int, ignore_case: bool) -> str:
        """Each term's form after hop ``hop`` found in ``text`` replaced by its token again."""
        forms = {self.terms[tok].forms[hop]: tok for tok in self.counts}
        pattern = _alternation(forms, ignore_case)
        if pattern is None:
            return text
        lookup = {(f.casefold() if ignore_case else f): tok for f, tok in forms.items()}
        return pattern.sub(
            lambda m: lookup[m.group(0).casefold() if ignore_case else m.group(0)], text
        )


class GlossaryTranslator:
    """The hops of a chain with a glossary enforced at each one (see the module's doc).

    ``steps`` are the hop translators (cached ones: a sentence with placeholders is its own
    cache key); ``signature`` is the chain's plus ``glossary:DIGEST``, so the outer cache
    never mixes glossary and plain translations. ``lost`` counts the terms no technique kept.
    """

    def __init__(
        self,
        steps: Sequence[Translator],
        table: TermTable,
        *,
        technique: str = "placeholder",
        token: Callable[[str, int], str] = placeholder,
        keep_spans: bool = False,
    ) -> None:
        if technique not in TECHNIQUES:
            raise ValueError(f"unknown technique {technique!r}")
        self.steps = list(steps)
        self.chain = ChainTranslator(self.steps)
        self.table = table
        self.technique = technique
        self.token = token
        self.keep_spans = keep_spans
        self.source = self.chain.source
        self.target = self.chain.target
        self.lost: Counter[str] = Counter()
        self.retried = 0
        weights = [
            getattr(
                s, "max_segment_weight", getattr(getattr(s, "inner", None), "max_segment_weight", 0)
            )
            for s in self.steps
        ]
        if any(weights):
            self.max_segment_weight = min(w for w in weights if w)

    @property
    def signature(self) -> str:
        case = "|icase" if self.table.ignore_case else ""
        how = "" if self.technique == "placeholder" else f"|terms:{self.technique}"
        return f"{self.chain.signature}|glossary:{self.table.digest}{case}{how}"

    def _slots(self, sentence: str) -> tuple[str, _Slots | None]:
        found = self.table.find(sentence)
        if self.keep_spans:
            # Each URL, address, code or path a do-not-translate term of its own sentence.
            hops = len(self.steps)
            spans = [
                (a, b, Term(sentence[a:b], sentence[a:b], (sentence[a:b],) * hops, keep=True))
                for a, b in protected_spans(sentence)
            ]
            found = sorted(found + spans, key=lambda f: f[0])
        if not found:
            return sentence, None
        prefix = next(
            (p for p in PLACEHOLDER_PREFIXES if p.lower() not in sentence.lower()),
            PLACEHOLDER_PREFIXES[0],
        )
        slots = _Slots(prefix)
        by_term: dict[str, str] = {}
        out, pos = [], 0
        for start, end, term in found:
            tok = by_term.get(term.source)
            if tok is None:
                tok = self.token(prefix, len(by_term))
                by_term[term.source] = tok
                slots.terms[tok.upper()] = term
            slots.counts[tok.upper()] += 1
            out.append(sentence[pos:start])
            # A placeholder glued to a Latin word or digit ("CEO吴泳铭", "2024云栖大会") would
            # read as one word with it: a space keeps it apart.
            before = "".join(out)[-1:]
            after = sentence[end : end + 1]
            pad_l = " " if before and _glued(before) else ""
            pad_r = " " if after and _glued(after) else ""
            out.append(f"{pad_l}{tok}{pad_r}")
            pos = end
        out.append(sentence[pos:])
        return "".join(out), slots

    def translate(self, sentences: Sequence[str]) -> list[str]:
        prepared = [self._slots(s) for s in sentences]
        if not any(slots for _, slots in prepared):
            return self.chain.translate(sentences)
        texts = [t for t, _ in prepared]
        slots = [s for _, s in prepared]
        for hop, step in enumerate(self.steps):
            texts = self._hop(hop, step, texts, slots)
        out = []
        for text, s in zip(texts, slots, strict=True):
            if s is None:
                out.append(text)
                continue
            self.lost.update(
                {s.terms[tok].target: n - s.present(text)[tok] for tok, n in s.counts.items()}
            )
            out.append(s.fill(text, None))
        self.lost = +self.lost
        return out

    def _hop(
        self, hop: int, step: Translator, texts: list[str], slots: list[_Slots | None]
    ) -> list[str]:
        ignore = self.table.ignore_case
        if self.technique == "codeswitch":
            inputs = [t if s is None else s.fill(t, hop) for t, s in zip(texts, slots, strict=True)]
            done = step.translate(inputs)
            return [
                d if s is None else s.protect(d, hop, ignore)
                for d, s in zip(done, slots, strict=True)
            ]
        done = step.translate(texts)
        if self.technique == "placeholder-only":
            return done
        # Placeholders lost at this hop: translate those sentences again with the hop's
        # target terms written into the source, and keep whichever kept more terms.
        retry = [
            i
            for i, s in enumerate(slots)
            if s is not None and s.intact(done[i]) < s.intact(texts[i])
        ]
        if not retry:
            return done
        self.retried += len(retry)
        again = step.translate([slots[i].fill(texts[i], hop) for i in retry])  # type: ignore[union-attr]
        for i, text in zip(retry, again, strict=True):
            s = slots[i]
            assert s is not None
            protected = s.protect(text, hop, ignore)
            if s.intact(protected) > s.intact(done[i]):
                done[i] = protected
        return done


class SpanKeeper:
    """One hop (a :class:`Translator`) that keeps every :func:`protected_spans` span verbatim.

    Sentences without a span go to the hop as they are (through its ``translate_parts``
    when it has one, so a cache around this commits each finished sub-batch); sentences
    with one go through a one-hop :class:`GlossaryTranslator` whose only terms are their
    spans. It sits *under* the hop's cache (``get_translator``), so a sentence without a
    span is translated, batched and committed exactly as before.
    """

    def __init__(self, inner: Translator) -> None:
        self.inner = inner
        self.source = inner.source
        self.target = inner.target
        weight = getattr(inner, "max_segment_weight", 0)
        if weight:
            self.max_segment_weight = weight
        self._keeper = GlossaryTranslator(
            [inner], TermTable.empty([inner.source, inner.target]), keep_spans=True
        )

    @property
    def signature(self) -> str:
        return f"{self.inner.signature}|keep:{PROTECTED_VERSION}"

    def translate(self, sentences: Sequence[str]) -> list[str]:
        out: list[str | None] = [None] * len(sentences)
        for part in self.translate_parts(sentences):
            for i, text in part:
                out[i] = text
        missing = sum(1 for t in out if t is None)
        if missing:
            raise EngineError(
                f"{self.signature}: engine returned no translation for {missing} sentences"
            )
        return [t or "" for t in out]

    def translate_parts(self, sentences: Sequence[str]) -> Iterator[list[tuple[int, str]]]:
        """(index, translation) lists as they finish: the sentences without a span first."""
        kept = {i for i, s in enumerate(sentences) if protected_spans(s)}
        plain = [i for i in range(len(sentences)) if i not in kept]
        texts = [sentences[i] for i in plain]
        for part in translate_in_parts(self.inner, texts):
            yield [(plain[j], t) for j, t in part]
        if kept:
            order = sorted(kept)
            done = self._keeper.translate([sentences[i] for i in order])
            yield list(zip(order, done, strict=True))


def chain_languages(chain: Sequence[Any]) -> list[str]:
    """The languages of a planned chain (``Pair`` s): the source, then each hop's target."""
    return [chain[0].source, *(p.target for p in chain)]

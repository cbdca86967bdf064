"""Translation memories: past translations (TMX 1.4) reused before anything reaches an engine.

``--tm FILE.tmx`` (repeatable) is read with :func:`align.formats.read_tmx` and
indexed once per language pair (:class:`TranslationMemory`). Every segment is
looked up before translating (:func:`translate_with_memory`):

- an **exact** match — the same text after whitespace and punctuation
  normalisation (:func:`normalize`: NFKC, so full-width ``，：！？`` are ``,:!?``;
  one style of quotes and dashes; runs of spaces, and spaces next to
  punctuation or to a Chinese or Japanese character, ignored) — is reused verbatim and never reaches an engine:
  origin ``tm-exact``;
- a **fuzzy** match, at or above the threshold (0.75 by default) on the
  normalised Levenshtein similarity of rapidfuzz
  (``1 - edit distance / length of the longer``, on characters, so it means the
  same for Chinese and for spaced scripts), is *attached* to the segment while
  the engine still translates it; with ``fuzzy_use`` its target is put in place
  instead, to be reviewed: origin ``tm-fuzzy 0.87``.

Languages match with their variants: a unit's ``en-US``/``en-GB``/``en`` all serve
``en``, ``zh-CN``/``zh-SG``/``zh-Hans``/``zh`` serve ``zh-Hans`` (``zh-TW``/``zh-HK``
serve ``zh-Hant``, never ``zh-Hans``: another script); the closest spelling wins
when a unit has several. A memory is used in either direction (an en->zh memory
serves zh->en). When several units have the same source, the first wins (files in
the order given, units in file order).

The fuzzy index is fast without being clever: the entries are sorted by length, so
only those whose length can reach the threshold are looked at
(``min/max >= threshold``), and an inverted index of character bigrams (numpy
CSR arrays) keeps only the entries sharing enough of the query's distinct bigrams
to reach it — a lossless bound (each edit removes at most two of them); rapidfuzz
then scores the few candidates left (``process.extractOne`` with ``score_cutoff``).
``bench/bench_tm.py`` measures it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align import languages as langs
from align.errors import InputError, LanguageError

if TYPE_CHECKING:
    import numpy as np

    from align.translate.engine import Translator

DEFAULT_THRESHOLD = 0.75
EXACT = "tm-exact"
FUZZY = "tm-fuzzy"

# one style of quotes and dashes; 。 as . (NFKC already maps the full-width ，：；！？)
_PUNCT = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u300c": '"',
        "\u300d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u3002": ".",
        "\uff61": ".",
        "\u3001": ",",
    }
)
_SPACE_PUNCT = re.compile(r" ?([^\w\s]) ?")
# a space next to a Chinese or Japanese character means nothing (Korean spaces do)
_SPACE_CJK = re.compile(
    r" (?=[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])|(?<=[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]) "
)


def normalize(text: str) -> str:
    """The key two segments share when they are the same text (see the module's doc)."""
    t = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    t = " ".join(t.split())
    return _SPACE_CJK.sub("", _SPACE_PUNCT.sub(r"\1", t)) if " " in t else t


@dataclass(frozen=True)
class Match:
    """A memory unit found for a segment: its score (1.0 exact), its two sides, its file."""

    score: float
    source: str
    target: str
    file: str

    @property
    def exact(self) -> bool:
        return self.score >= 1.0

    @property
    def origin(self) -> str:
        """``tm-exact``, or ``tm-fuzzy 0.87`` (the score cut, never rounded up, to 2 digits)."""
        if self.exact:
            return EXACT
        return f"{FUZZY} {self.percent() / 100:.2f}"

    def percent(self) -> int:
        """The score in whole percent, cut (0.899 is 89, never 90)."""
        return int(self.score * 100 + 1e-6)

    def record(self) -> dict[str, Any]:
        """The match as a jsonl field."""
        return {
            "score": round(self.score, 4),
            "source": self.source,
            "target": self.target,
            "file": self.file,
        }


# --- languages -------------------------------------------------------------------------------


def _edge_code(code: str) -> str | None:
    """A TMX ``xml:lang`` as an edge code: ``en-US`` -> ``en``, ``zh-CN`` -> ``zh-Hans``,
    ``zh-Hant-TW`` -> ``zh-Hant``; ``None`` when no prefix of it is a known language."""
    parts = code.strip().replace("_", "-").split("-")
    while parts and parts[0]:
        try:
            return langs.normalize("-".join(parts))
        except LanguageError:
            parts.pop()
    return None


@functools.lru_cache(maxsize=4096)
def lang_rank(code: str, wanted: str) -> int | None:
    """How well a unit's language ``code`` serves ``wanted`` (an edge code): 0 the same
    spelling, 1 the same language (``en-US`` for ``en``), 2 a regional variant of it (``pt``
    for ``pt-BR``); ``None`` when it does not (another language, or another Chinese script)."""
    if code.strip().replace("_", "-").lower() == wanted.lower():
        return 0
    edge = _edge_code(code)
    if edge is None:
        return None
    if edge == wanted:
        return 1
    if langs.base(edge) == langs.base(wanted) and langs.base(edge) != "zh":
        return 2
    return None


def _pick(unit: Mapping[str, str], wanted: str) -> str | None:
    """The text of a unit in ``wanted``: its closest spelling with text, else ``None``."""
    best: tuple[int, str] | None = None
    for code, text in unit.items():
        if not text.strip():
            continue
        rank = lang_rank(code, wanted)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, text)
    return None if best is None else best[1]


# --- files -----------------------------------------------------------------------------------


@dataclass
class MemoryFile:
    """One TMX file as read: its name and its units (``{xml:lang: text}``)."""

    path: str
    units: list[dict[str, str]]
    _pairs: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)

    def languages(self) -> list[str]:
        seen: dict[str, None] = {}
        for unit in self.units:
            for code, text in unit.items():
                if text.strip():
                    seen.setdefault(code, None)
        return list(seen)

    def pairs(self, source: str, target: str) -> list[tuple[str, str]]:
        """The (source, target) texts of the units that have both languages (computed once)."""
        if (source, target) not in self._pairs:
            out = []
            for unit in self.units:
                s = _pick(unit, source)
                t = _pick(unit, target) if s is not None else None
                if s is not None and t is not None:
                    out.append((s, t))
            self._pairs[(source, target)] = out
        return self._pairs[(source, target)]


def read_memory(path: str) -> MemoryFile:
    """Read one TMX file: :class:`InputError` (exit 2) naming the file (and the line, for XML
    that is not well-formed) when it is missing, not TMX, or has no unit with text."""
    from align.formats import read_tmx

    if Path(path).is_dir():
        raise InputError(f"{path}: is a directory, not a TMX file")
    try:
        _, units = read_tmx(path)
    except InputError as exc:
        raise InputError(f"--tm {exc.message}", "give a TMX 1.4 file") from exc
    file = MemoryFile(path, units)
    if not units:
        raise InputError(f"--tm {path}: the memory is empty (no <tu> units)", "give a TMX 1.4 file")
    if not file.languages():
        raise InputError(
            f"--tm {path}: the memory is empty ({len(units)} units, none with text)",
            "give a TMX 1.4 file",
        )
    return file


# --- the index -------------------------------------------------------------------------------


class TranslationMemory:
    """The memories of one language pair, indexed for exact and fuzzy lookup."""

    def __init__(self, source: str, target: str, entries: Iterable[tuple[str, str, str]]) -> None:
        """``entries``: (source, target, file name) in priority order (the first of a source wins)."""
        import numpy as np

        self.source = source
        self.target = target
        self.sources: list[str] = []
        self.targets: list[str] = []
        self.files: list[str] = []
        self._exact: dict[str, int] = {}
        for src, tgt, name in entries:
            key = normalize(src)
            if not key or key in self._exact:
                continue
            self._exact[key] = len(self.sources)
            self.sources.append(src)
            self.targets.append(tgt)
            self.files.append(name)
        # the fuzzy index: entries sorted by the length of their key
        keys = list(self._exact)
        order = sorted(range(len(keys)), key=lambda i: len(keys[i]))
        self._keys = [keys[i] for i in order]
        self._entry = np.array([self._exact[keys[i]] for i in order], dtype=np.int64)
        self._lengths = np.array([len(k) for k in self._keys], dtype=np.int64)
        self._build_bigrams()

    def __len__(self) -> int:
        return len(self.sources)

    def _build_bigrams(self) -> None:
        """An inverted index of the distinct character bigrams of each key (CSR: ``_grams``
        sorted bigram codes, ``_starts`` into ``_posts``, the positions holding each)."""
        import numpy as np

        if not self._keys:
            self._grams = np.zeros(0, dtype=np.uint64)
            self._starts = np.zeros(1, dtype=np.int64)
            self._posts = np.zeros(0, dtype=np.int64)
            return
        codes = np.frombuffer("".join(self._keys).encode("utf-32-le"), dtype=np.uint32)
        lengths = self._lengths
        ends = np.cumsum(lengths)
        owner = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        # a bigram starts at every character but the last of each key
        valid = np.ones(len(codes), dtype=bool)
        valid[ends - 1] = False
        first = np.nonzero(valid)[0]
        # a bigram as one number: two code points (< 2**21 each) in 42 bits
        grams = (codes[first].astype(np.uint64) << np.uint64(21)) | codes[first + 1].astype(
            np.uint64
        )
        who = owner[first].astype(np.uint64)
        # distinct (bigram, key) pairs, sorted by bigram then key: one sort of one number each
        if len(lengths) < 2**22:
            pair = _distinct((grams << np.uint64(22)) | who)
            grams, who = pair >> np.uint64(22), pair & np.uint64(2**22 - 1)
        else:  # more than 4M keys: a slower two-key sort
            pair2 = np.unique(np.stack([grams, who]).T, axis=0)
            grams, who = pair2[:, 0], pair2[:, 1]
        first_at = np.flatnonzero(np.r_[True, grams[1:] != grams[:-1]])
        self._grams = grams[first_at]
        self._starts = np.append(first_at, len(grams)).astype(np.int64)
        self._posts = who.astype(np.int64)

    def _candidates(self, key: str, threshold: float) -> np.ndarray:
        """Positions (in the length-sorted keys) that may reach ``threshold`` with ``key``."""
        import numpy as np

        n = len(key)
        lo = int(np.searchsorted(self._lengths, int(np.ceil(n * threshold - 1e-9)), "left"))
        hi = int(np.searchsorted(self._lengths, int(np.floor(n / threshold + 1e-9)), "right"))
        if lo >= hi:
            return np.zeros(0, dtype=np.int64)
        qgrams = {(ord(a) << 21) | ord(b) for a, b in zip(key, key[1:], strict=False)}
        # Each edit removes at most two distinct bigrams of the query, and a match needs at most
        # (1 - threshold) x the longer length edits: fewer shared bigrams cannot reach it.
        lengths = self._lengths[lo:hi]
        edits = np.floor((1 - threshold) * np.maximum(lengths, n) + 1e-9)
        need = len(qgrams) - 2 * edits
        window = np.arange(lo, hi, dtype=np.int64)
        if not qgrams or need.max() <= 0:
            return window
        q = np.fromiter(qgrams, dtype=np.uint64, count=len(qgrams))
        at = np.searchsorted(self._grams, q)
        at = at[(at < len(self._grams)) & (self._grams[np.minimum(at, len(self._grams) - 1)] == q)]
        if len(at):
            posts = np.concatenate([self._posts[self._starts[i] : self._starts[i + 1]] for i in at])
            posts = posts[(posts >= lo) & (posts < hi)]
            shared = np.bincount(posts - lo, minlength=hi - lo)
        else:
            shared = np.zeros(hi - lo, dtype=np.int64)
        return window[shared >= need]

    def lookup_one(self, text: str, threshold: float = DEFAULT_THRESHOLD) -> Match | None:
        """The best match of ``text`` at or above ``threshold``, exact first; else ``None``."""
        import numpy as np
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = normalize(text)
        if not key:
            return None
        hit = self._exact.get(key)
        if hit is not None:
            return Match(1.0, self.sources[hit], self.targets[hit], self.files[hit])
        if threshold > 1:
            return None
        cand = self._candidates(key, threshold)
        if not len(cand):
            return None
        scores = process.cdist(
            [key],
            [self._keys[i] for i in cand],
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=threshold,
            dtype=np.float64,
        )[0]
        best = float(scores.max())
        if best < threshold or best <= 0:
            return None
        # a tie goes to the entry given first (files in order, units in file order)
        entry = int(self._entry[cand[scores == scores.max()]].min())
        score = min(round(best, 6), 0.9999)  # distinct keys: never exact
        return Match(score, self.sources[entry], self.targets[entry], self.files[entry])

    def lookup(
        self, texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD
    ) -> list[Match | None]:
        """:meth:`lookup_one` for each text (repeated texts looked up once)."""
        seen: dict[str, Match | None] = {}
        out = []
        for text in texts:
            if text not in seen:
                seen[text] = self.lookup_one(text, threshold)
            out.append(seen[text])
        return out


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (one sort: numpy's hash-based ``unique`` is slower here)."""
    import numpy as np

    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


# --- what the commands use -------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryOptions:
    """``--tm`` files, ``--tm-threshold``, ``--tm-fuzzy-use``."""

    paths: tuple[str, ...] = ()
    threshold: float = DEFAULT_THRESHOLD
    fuzzy_use: bool = False

    def __bool__(self) -> bool:
        return bool(self.paths)


class Memories:
    """The ``--tm`` files of one command, each read once, and one index per language pair."""

    def __init__(self, options: MemoryOptions) -> None:
        if not 0 < options.threshold <= 1:
            raise InputError(
                f"--tm-threshold {options.threshold}: not a similarity",
                "give a number above 0 and at most 1, e.g. 0.75",
            )
        self.options = options
        self.files = [read_memory(p) for p in options.paths]
        self._index: dict[tuple[str, str], TranslationMemory] = {}

    def key(self) -> list[Any]:
        """What the memories are, for checkpoint keys: each file's content hash, the options."""
        import hashlib

        digests = [hashlib.sha256(Path(f.path).read_bytes()).hexdigest()[:16] for f in self.files]
        return [digests, self.options.threshold, self.options.fuzzy_use]

    def summary(self, counts: Mapping[str, int]) -> dict[str, Any]:
        """What the memory gave a target, as ``scores.json`` records it."""
        return {
            **counts,
            "reused_share": round(share(counts), 4),
            "files": [Path(f.path).name for f in self.files],
            "threshold": self.options.threshold,
            "fuzzy_use": self.options.fuzzy_use,
        }

    def for_pair(self, source: str, target: str) -> TranslationMemory:
        """The index for ``source`` -> ``target`` (built on first use)."""
        key = (source, target)
        if key not in self._index:
            entries = [
                (s, t, name)
                for f, name in ((f, Path(f.path).name) for f in self.files)
                for s, t in f.pairs(source, target)
            ]
            self._index[key] = TranslationMemory(source, target, entries)
        return self._index[key]

    def check_covers(self, source: str, targets: Sequence[str]) -> list[str]:
        """Refuse a memory with no unit for any of the pairs; a warning for one that covers only
        some of the targets."""
        warnings = []
        for f in self.files:
            covered = [t for t in targets if f.pairs(source, t)]
            if not covered:
                want = ", ".join(f"{source}->{t}" for t in targets)
                found = ", ".join(f.languages()[:8])
                raise InputError(
                    f"--tm {f.path}: no unit of the memory has both languages of {want} "
                    f"(its languages: {found})",
                    "give a memory of these languages (region variants such as en-US count)",
                )
            missing = [t for t in targets if t not in covered]
            if missing:
                warnings.append(
                    f"--tm {f.path}: no {source}->{', '.join(missing)} units; "
                    f"used for {', '.join(covered)} only"
                )
        return warnings


@dataclass
class Reuse:
    """What the memory did for a list of segments: per segment its translation, its origin
    (``tm-exact``, ``tm-fuzzy 0.87`` or the engine chain's signature), the match found (used
    or attached) and whether it is to be reviewed (a fuzzy target put in place)."""

    translations: list[str]
    origins: list[str]
    matches: list[Match | None]
    review: list[bool]
    counts: dict[str, int] = field(default_factory=dict)

    def extra(self, i: int) -> dict[str, Any]:
        """The jsonl fields of segment ``i``."""
        out: dict[str, Any] = {"origin": self.origins[i]}
        m = self.matches[i]
        if m is not None and not m.exact:
            out["tm"] = m.record()
        if self.review[i]:
            out["review"] = True
        return out


def count(reuse: Reuse, into: dict[str, int]) -> None:
    """Add a :class:`Reuse`'s counts (``exact``, ``fuzzy``, ``fuzzy_used``, ``engine``) to
    ``into``."""
    for k, v in reuse.counts.items():
        into[k] = into.get(k, 0) + v


def apply_memory(
    texts: Sequence[str],
    memory: TranslationMemory | None,
    options: MemoryOptions,
    engine: Callable[[list[int]], list[str]],
    signature: str,
) -> Reuse:
    """Look ``texts`` up and translate the rest: ``engine(indices)`` gets the indices of the
    segments with no usable match and returns their translations, in order. An exact match (and
    with ``fuzzy_use`` a fuzzy one) is used and never given to the engine."""
    matches: list[Match | None] = (
        memory.lookup(texts, options.threshold) if memory is not None else [None] * len(texts)
    )
    used = [
        m is not None and bool(t.strip()) and (m.exact or options.fuzzy_use)
        for t, m in zip(texts, matches, strict=True)
    ]
    todo = [i for i, u in enumerate(used) if not u]
    done = iter(engine(todo) if todo else [])
    translations, origins, review = [], [], []
    counts = {"exact": 0, "fuzzy": 0, "fuzzy_used": 0, "engine": 0}
    for m, u in zip(matches, used, strict=True):
        if u:
            assert m is not None
            translations.append(m.target)
            origins.append(m.origin)
            review.append(not m.exact)
        else:
            translations.append(next(done))
            origins.append(signature)
            review.append(False)
        if m is not None:
            counts["exact" if m.exact else "fuzzy"] += 1
            counts["fuzzy_used"] += int(u and not m.exact)
        counts["engine"] += int(not u)
    return Reuse(translations, origins, matches, review, counts)


def translate_with_memory(
    translator: Translator,
    texts: Sequence[str],
    memory: TranslationMemory | None,
    options: MemoryOptions,
) -> Reuse:
    """:func:`apply_memory` with a translator: what the memory does not give, it translates."""
    return apply_memory(
        texts,
        memory,
        options,
        lambda todo: translator.translate([texts[i] for i in todo]),
        translator.signature,
    )


def share(counts: Mapping[str, int]) -> float:
    """The share of segments whose translation came from the memory (exact, or fuzzy used)."""
    total = counts.get("engine", 0) + counts.get("exact", 0) + counts.get("fuzzy_used", 0)
    return (counts.get("exact", 0) + counts.get("fuzzy_used", 0)) / total if total else 0.0

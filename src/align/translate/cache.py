"""A persistent sentence cache: resume interrupted runs, translate repeated sentences once.

Keyed by (translator signature — engine, package and version, decoding
options — and the source sentence). Stored in SQLite (WAL) under
``$ALIGN_CACHE_DIR`` (default: a per-user cache directory); every finished
group of sentences is committed, so a run that is killed resumes where it was.

A translator that can hand back its sentences as they finish (``translate_parts``,
as :class:`~align.translate.argos.ArgosTranslator` does) has each finished
sub-batch committed at once: an interrupted run keeps every sentence it finished.
A segment longer than :data:`align.text.MAX_SEGMENT_WEIGHT` is translated in pieces
(:func:`align.text.split_long`), so the work per segment is bounded.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from align.errors import EngineError
from align.text import MAX_SEGMENT_WEIGHT, sentence_separator, split_long
from align.translate.engine import Translator

ENV_CACHE_DIR = "ALIGN_CACHE_DIR"
# Sentences translated (and committed) at a time by a cached translator, for translators
# without ``translate_parts``.
COMMIT_EVERY = 256


@runtime_checkable
class PartialTranslator(Protocol):
    """A translator that yields its results as they finish: lists of (index, translation)."""

    def translate_parts(self, sentences: Sequence[str]) -> Iterator[list[tuple[int, str]]]: ...


def translate_in_parts(
    translator: Translator, sentences: Sequence[str], every: int = COMMIT_EVERY
) -> Iterator[list[tuple[int, str]]]:
    """(index, translation) lists as they finish: the translator's own ``translate_parts``
    when it has them, else ``every`` sentences at a time."""
    if isinstance(translator, PartialTranslator):
        yield from translator.translate_parts(sentences)
        return
    for start in range(0, len(sentences), every):
        chunk = sentences[start : start + every]
        done = translator.translate(chunk)
        if len(done) != len(chunk):
            raise EngineError(
                f"{translator.signature}: engine returned {len(done)} sentences for {len(chunk)}"
            )
        yield [(start + j, t) for j, t in enumerate(done)]


def cache_dir() -> Path:
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("align"))


def _key(signature: str, sentence: str) -> str:
    return hashlib.sha256(f"{signature}\x00{sentence}".encode()).hexdigest()


class SentenceCache:
    """A key/value store of translations, safe to share between processes."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "translations.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, translation TEXT NOT NULL)"
        )
        self._lock = threading.Lock()

    def get_many(self, signature: str, sentences: Sequence[str]) -> dict[str, str]:
        keys = {_key(signature, s): s for s in set(sentences)}
        found: dict[str, str] = {}
        items = list(keys)
        with self._lock:
            for start in range(0, len(items), 500):
                chunk = items[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, translation FROM translations WHERE key IN ({marks})", chunk
                )
                for key, translation in rows:
                    found[keys[key]] = translation
        return found

    def put_many(self, signature: str, pairs: Sequence[tuple[str, str]]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (key, translation) VALUES (?, ?)",
                [(_key(signature, s), t) for s, t in pairs],
            )

    def close(self) -> None:
        self._db.close()


class CachedTranslator:
    """Wraps a :class:`Translator`: deduplicates, reads the cache, translates only what is new."""

    def __init__(
        self,
        inner: Translator,
        cache: SentenceCache | None,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.source = inner.source
        self.target = inner.target
        self.on_progress = on_progress
        self.hits = 0
        self.misses = 0
        self.split = 0  # segments over the length limit, translated in pieces

    @property
    def signature(self) -> str:
        return self.inner.signature

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translations of ``sentences``, in order; over-long ones in pieces, joined."""
        # A translator may take less than the general limit (a model trained on sentences).
        limit = getattr(self.inner, "max_segment_weight", MAX_SEGMENT_WEIGHT)
        pieces = {s: p for s in set(sentences) if len(p := split_long(s, limit)) > 1}
        if not pieces:
            return self._translate(sentences)
        self.split += len(pieces)
        flat = [p for s in sentences for p in pieces.get(s, [s])]
        # Progress counts the sentences given, not their pieces: said once they are all done.
        on_progress, self.on_progress = self.on_progress, None
        try:
            done = iter(self._translate(flat))
        finally:
            self.on_progress = on_progress
        if on_progress is not None:
            on_progress(len(sentences))
        sep = sentence_separator(self.target)
        out = []
        for s in sentences:
            if s in pieces:
                out.append(sep.join(t for t in (next(done) for _ in pieces[s]) if t))
            else:
                out.append(next(done))
        return out

    def _translate(self, sentences: Sequence[str]) -> list[str]:
        sig = self.signature
        known = self.cache.get_many(sig, sentences) if self.cache is not None else {}
        counts = Counter(sentences)
        todo = [s for s in counts if s not in known]
        self.misses += len(todo)
        self.hits += len(sentences) - sum(counts[s] for s in todo)
        if self.on_progress is not None:
            self.on_progress(sum(n for s, n in counts.items() if s in known))
        # Each part is committed as it finishes: an interrupt loses only unfinished ones.
        for part in translate_in_parts(self.inner, todo):
            self._keep(known, counts, [(todo[i], t) for i, t in part])
        missing = sum(1 for s in todo if s not in known)
        if missing:
            raise EngineError(f"{sig}: engine returned no translation for {missing} sentences")
        return [known[s] for s in sentences]

    def _keep(
        self, known: dict[str, str], counts: Counter[str], pairs: list[tuple[str, str]]
    ) -> None:
        known.update(pairs)
        if self.cache is not None:
            # An empty translation of a non-empty sentence is a failure, never a result to keep.
            self.cache.put_many(
                self.signature, [(s, t) for s, t in pairs if t.strip() or not s.strip()]
            )
        if self.on_progress is not None:
            self.on_progress(sum(counts[s] for s, _ in pairs))

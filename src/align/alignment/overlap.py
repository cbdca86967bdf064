"""Surface overlap of two texts in one language: hashed word and character n-gram vectors.

Bleualign's idea (Sennrich & Volk 2010): once one side is machine-translated, the
translation and the other side are in the same language, and their *words* can be
compared directly -- a sharper signal for long literary sentences than a sentence
embedding, which smooths over the details (names, numbers, rare words) that tell
neighbouring sentences apart.

Each sentence becomes a bag of its lower-cased words and the character 4-grams inside
them (so "translated" and "translation" share most of their features), hashed into
:data:`DIM` buckets. A window of consecutive sentences is the sum of its sentences'
bags, weighted by inverse document frequency over both texts and L2-normalised; the
similarity of two windows is the cosine. Windows are sums, so, as with the USE
windows, every window costs a sum and a normalisation, no re-reading of the text.

It has the interface of :class:`align.alignment.embed.Embedder` that
:class:`align.alignment.costs.SimilarityTerm` uses (``pool``, ``embed_windows``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DIM = 2048  # hash buckets (4 KB a sentence in float16, about what its USE sums take)
GRAM = 4  # character n-gram order inside words
_WORD = re.compile(r"\w+")


def features(sentence: str) -> list[int]:
    """Hashed features of one sentence: its words and their character 4-grams."""
    out: list[int] = []
    for word in _WORD.findall(sentence.lower()):
        out.append(zlib.crc32(word.encode("utf-8")) % DIM)
        padded = f"<{word}>"
        for k in range(len(padded) - GRAM + 1):
            out.append(zlib.crc32(padded[k : k + GRAM].encode("utf-8"), 1) % DIM)
    return out


class OverlapEmbedder:
    """Bag-of-n-gram window vectors for two texts in the same language (IDF over both)."""

    signature = f"overlap:words+char{GRAM}/{DIM}"

    def __init__(self) -> None:
        self.idf: np.ndarray | None = None

    def pool(self, sentences: Sequence[str]) -> np.ndarray:
        """Per-sentence feature counts (n, DIM), float16."""
        import numpy as np

        out = np.zeros((len(sentences), DIM), dtype=np.float16)
        for k, s in enumerate(sentences):
            feats = features(s)
            if feats:
                np.add.at(out[k], np.asarray(feats, dtype=np.int64), 1)
        return out

    def fit(self, *pooled: np.ndarray) -> None:
        """Inverse document frequency of each bucket over the sentences of all texts given."""
        import numpy as np

        docs = sum(p.shape[0] for p in pooled)
        df = sum(((p > 0).sum(axis=0) for p in pooled), np.zeros(DIM, dtype=np.int64))
        self.idf = np.log((docs + 1) / (df + 1)).astype(np.float32)

    def embed_windows(self, pooled: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
        """L2-normalised IDF-weighted bags of the windows ``[s, s+size)`` for each start."""
        import numpy as np

        assert self.idf is not None, "fit() first"
        out = pooled[starts].astype(np.float32)
        for off in range(1, size):
            out += pooled[starts + off]
        out *= self.idf
        norms = np.sqrt(np.einsum("ij,ij->i", out, out))
        out /= np.maximum(norms, 1e-6)[:, None]
        return out

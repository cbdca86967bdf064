"""Sentence alignment: embeddings, cost terms, a coarse-to-fine programme, evaluation, comparison.

Python API::

    from align.alignment import align_texts, score_alignments
    result = align_texts(src_sentences, tgt_sentences, src_lang="de", tgt_lang="fr")
    result.beads      # [Bead(src=(0,), tgt=(0, 1), score=0.87), ...]
    result.signals    # ("embedding", "lexical", "length")

Nothing heavy is imported here: numpy and the embedding model load on first use.
"""

from __future__ import annotations

from align.alignment.aligner import METHODS, Alignment, align_texts
from align.alignment.beads import Bead, format_bead, read_beads, write_beads
from align.alignment.dp import bead_shapes
from align.alignment.evaluate import Scores, score_alignments

__all__ = [
    "METHODS",
    "Alignment",
    "Bead",
    "Scores",
    "align_texts",
    "bead_shapes",
    "format_bead",
    "read_beads",
    "score_alignments",
    "write_beads",
]

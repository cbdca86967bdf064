"""Probe (issue 15, step 4): is a bridge worth it for a language the embeddings miss?

`auto` translates a side whose language USE does not cover into the nearest language it
does (Belarusian into Russian, ...) when no engine reaches the other side's language. No
development set has such a pair, so this simulates one on TransRead's English-French books:
French is treated as uncovered, translated into Spanish by Apertium (fr -> es), and the
English is aligned against that Spanish with the embeddings. Printed beside it, on the same
books: the embeddings of the French itself (what a covered language gets) and lengths with
lexical links (what an uncovered language gets without a bridge). Not part of ``make bench``
(it measures no speed); translations go to the sentence cache the bench uses.

Usage: python bench/probe_bridge.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402


def main() -> int:
    os.environ.setdefault("ALIGN_CACHE_DIR", str(bench_align.CACHE))
    from align.alignment import align_texts, embed, score_alignments
    from align.errors import NoTranslationPath
    from align.translate import get_translator

    bench_align.cache_embeddings()
    docs = bench_align.load_set("transread", 300, [0], 1)
    if isinstance(docs, str):
        print(f"skipped: {docs}", file=sys.stderr)
        return 0
    try:
        bridge = get_translator("fr", "es")
    except NoTranslationPath as exc:
        print(f"skipped: {exc.message}", file=sys.stderr)
        return 0
    runs: dict[str, list[Any]] = {
        "bridge fr -> es": [],
        "embeddings of fr": [],
        "lengths + links": [],
    }
    covered = embed.embedding_supported
    for _name, src, tgt, gold, sl, tl in docs:
        if (sl, tl) != ("en", "fr"):
            continue
        es = bridge.translate(tgt)
        got = [
            align_texts(src, es, src_lang="en", tgt_lang="es", method="embedding"),
            align_texts(src, tgt, src_lang="en", tgt_lang="fr", method="embedding"),
        ]
        # fr as if uncovered, and no engine: the path an uncovered language takes without one
        embed.embedding_supported = lambda code: code != "fr" and covered(code)  # type: ignore[assignment]
        try:
            got.append(
                align_texts(
                    src,
                    tgt,
                    src_lang="en",
                    tgt_lang="fr",
                    engine="argos",
                    models_dir=bench_align.MODELS,
                )  # fmt: skip
            )
        finally:
            embed.embedding_supported = covered  # type: ignore[assignment]
        assert got[2].signals == ("lexical", "length"), got[2].signals
        for key, result in zip(runs, got, strict=True):
            runs[key].append((gold, [(b.src, b.tgt) for b in result.beads]))
    print(f"| TransRead en-fr ({len(runs['lengths + links'])} books) | strict F1 |")
    print("|---|---:|")
    for key, pairs in runs.items():
        print(f"| {key} | {score_alignments(pairs).f1_strict:.4f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

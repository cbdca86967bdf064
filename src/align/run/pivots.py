"""The pivot texts of a chained target: what each hop but the last produced.

For zh -> en -> es the English between the hops shows a person which hop failed.
Each hop is translated (and cached) on its own when the chain runs, so translating
the source along the chain's hops again, one hop at a time, only reads the sentence
cache: nearly free.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from align.translate.engine import DecodeOptions, Engines, Pair


def translate_pivots(
    chain: Sequence[Pair],
    sentences: Sequence[str],
    *,
    engines: Engines,
    options: DecodeOptions | None = None,
) -> list[dict[str, Any]]:
    """``[{"lang", "engine", "texts"}]``: one entry per pivot language of ``chain``, in hop
    order, with the text after that hop (one per source sentence); empty for a direct pair."""
    from align.translate import get_translator

    out: list[dict[str, Any]] = []
    texts = list(sentences)
    # As the chain ran them: only its last hop marks unknown words (so these are cache hits)
    inner = (options or DecodeOptions()).inner_hop()
    for hop in chain[:-1]:
        step = get_translator(hop.source, hop.target, engines=engines, chain=[hop], options=inner)
        texts = step.translate(texts)
        out.append({"lang": hop.target, "engine": hop.engine, "texts": list(texts)})
    return out

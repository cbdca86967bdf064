"""Term adherence: the glossary metric of ``align score --glossary FILE --src SRC``.

For each system, every occurrence of a glossary term in the source whose
glossary target is missing from the hypothesis line is a miss; the score is the
share kept, in percent (higher is better), a :class:`MetricScore` beside BLEU,
chrF and TER, so ``--fail-under terms=95`` gates on it like on any metric. The
matching is the translator's own (:class:`align.translate.glossary.TermTable`).
"""

from __future__ import annotations

from collections.abc import Sequence

from align import languages as langs
from align.errors import InputError
from align.score.results import MetricScore, ScoreResult
from align.translate.glossary import TermStats, glossary_languages, load_glossary

KEY = "terms"


def add_term_scores(
    result: ScoreResult,
    glossary: str,
    *,
    src_lang: str | None,
    tgt_lang: str | None,
    keep: Sequence[str] = (),
    ignore_case: bool = False,
) -> dict[str, TermStats]:
    """Score each system's term adherence into ``result`` (metric ``terms``); the stats."""
    sources = result._src
    if sources is None:
        raise InputError("--glossary needs the source text", "give --src")
    if not (src_lang and tgt_lang):
        # A glossary of exactly two languages says them itself.
        header = glossary_languages(glossary)
        if len(header) != 2:
            raise InputError(
                f"{glossary}: which languages to score? give --lang-pair SRC-TGT",
                "e.g. --lang-pair zh-en",
            )
        src_lang, tgt_lang = header
    src, tgt = langs.normalize(src_lang), langs.normalize(tgt_lang)
    table = load_glossary(glossary, src, [tgt], keep=keep, ignore_case=ignore_case).table(
        [src, tgt]
    )
    signature = f"glossary:{table.digest}|src:{src}|tgt:{tgt}|case:{'no' if ignore_case else 'yes'}"
    out: dict[str, TermStats] = {}
    for system in result.systems:
        hyps = result._hyps[system.name]
        stats = table.adherence(sources, hyps)
        out[system.name] = stats
        system.scores[KEY] = MetricScore(
            metric=KEY,
            name="Terms",
            score=stats.rate,
            signature=signature,
            verbose=stats.summary(),
        )
    if KEY not in result.metric_keys:
        result.metric_keys = (*result.metric_keys, KEY)
    return out

"""Translation: one interface over several engines, with caching and pivoting.

Python API::

    from align.translate import get_translator, translate_sentences
    t = get_translator("zh", "en")            # a Translator (cached, possibly a chain)
    t.translate(["今天天气很好。"])              # -> ["The weather is good today."]
    t.signature                               # how it was made
    translate_sentences(["..."], "zh", "en")  # the same in one call

Documents (files, paragraphs, several targets, resumable output): see
:mod:`align.translate.document`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from align.translate.engine import (
    ChainTranslator,
    DecodeOptions,
    Engines,
    Pair,
    Translator,
)

if TYPE_CHECKING:
    from align.translate.cache import SentenceCache
    from align.translate.glossary import Glossary

__all__ = [
    "DecodeOptions",
    "Engines",
    "Pair",
    "Translator",
    "available_pairs",
    "get_translator",
    "plan",
    "translate_sentences",
]

_CACHE: dict[str, SentenceCache] = {}


def available_pairs(
    *,
    engine: str = "auto",
    models_dir: str | os.PathLike[str] | None = None,
    engines: Engines | None = None,
) -> list[Pair]:
    """Every direct pair the chosen engines offer (``engines``: the command's engine set,
    else one built from ``engine`` and ``models_dir``)."""
    return (engines or Engines(engine, models_dir)).pairs()


def plan(
    source: str,
    target: str,
    *,
    engine: str = "auto",
    models_dir: str | os.PathLike[str] | None = None,
    pivot: str | None = "auto",
    engines: Engines | None = None,
) -> list[Pair]:
    """The chain of hops that would translate ``source`` into ``target`` (fewest hops, neural first)."""
    return (engines or Engines(engine, models_dir)).plan(source, target, pivot)


def _sentence_cache() -> SentenceCache:
    from align.translate.cache import SentenceCache, cache_dir

    key = str(cache_dir())
    if key not in _CACHE:
        _CACHE[key] = SentenceCache()
    return _CACHE[key]


def get_translator(
    source: str,
    target: str,
    *,
    engine: str = "auto",
    models_dir: str | os.PathLike[str] | None = None,
    options: DecodeOptions | None = None,
    pivot: str | None = "auto",
    cache: bool = True,
    on_progress: Callable[[int], None] | None = None,
    engines: Engines | None = None,
    chain: Sequence[Pair] | None = None,
    glossary: Glossary | None = None,
) -> Translator:
    """A translator from ``source`` to ``target`` (edge codes), pivoting when needed.

    ``engines``: the command's engine set (else one is built from ``engine`` and
    ``models_dir``); ``chain``: a chain already planned with it (else planned here).
    ``glossary``: terms enforced at every hop (:class:`align.translate.glossary.GlossaryTranslator`);
    its digest joins the signature, so glossary translations have their own cache keys.
    Raises :class:`align.errors.NoTranslationPath` when no engine or chain covers the pair,
    :class:`align.errors.LanguageError` for an unknown code.
    """
    from align.translate.cache import CachedTranslator
    from align.translate.glossary import GlossaryTranslator, SpanKeeper, chain_languages

    options = options or DecodeOptions()
    engines = engines or Engines(engine, models_dir)
    hops = list(chain) if chain is not None else engines.plan(source, target, pivot)
    store = _sentence_cache() if cache else None
    # Only the last hop keeps unknown-word marks: the next engine would read them as text.
    inner = options.inner_hop()
    # Every hop keeps URLs, e-mail addresses, code and paths as they are (SpanKeeper, under
    # the hop's cache: a sentence without one is batched and committed as before).
    steps: list[Translator] = [
        SpanKeeper(engines.engine(p.engine).translator(p, options if k == len(hops) - 1 else inner))
        for k, p in enumerate(hops)
    ]
    if glossary is not None and (table := glossary.table(chain_languages(hops))):
        # Each hop cached on its own (a sentence with placeholders is its own key); the
        # whole, with the glossary's digest in its signature, cached around them.
        wrapped = GlossaryTranslator([CachedTranslator(step, store) for step in steps], table)
        return CachedTranslator(wrapped, store, on_progress)
    if len(steps) == 1:
        return CachedTranslator(steps[0], store, on_progress)
    # Each hop is cached on its own too, so zh->en->es and zh->en->fr share the zh->en hop.
    cached: list[Translator] = [CachedTranslator(step, store) for step in steps]
    return CachedTranslator(ChainTranslator(cached), store, on_progress)


def translate_sentences(
    sentences: Sequence[str],
    source: str,
    target: str,
    **kwargs: object,
) -> list[str]:
    """Translate a list of sentences; keyword arguments as for :func:`get_translator`."""
    return get_translator(source, target, **kwargs).translate(sentences)  # type: ignore[arg-type]

"""The metric registry: one entry per sacrebleu metric, and how its objects are built.

Adding a metric is adding one :class:`MetricSpec` to :data:`METRICS` (as in
sacrebleu's own ``METRICS`` dict): the sacrebleu class, its default arguments,
which of the user's options it takes, the aliases accepted at the edge, its
direction, its display name, a work estimate and an optional segment limit.
Everything else (parsing ``--metrics``, gates, ranking, the JSON records, the
statistics extraction) reads the entry. sacrebleu is imported only when a
metric object is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from align.errors import InputError

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric


@dataclass(frozen=True)
class MetricConfig:
    """The user's options that metric objects are built with; hashable, so workers can rebuild them.

    ``tokenize`` is BLEU's tokenizer, already resolved (see :func:`resolve_tokenizer`);
    ``lowercase`` applies to BLEU and chrF (TER is case-insensitive by default,
    as in sacrebleu); ``target_lang`` is what sacrebleu calls ``trg_lang``.
    """

    tokenize: str = "13a"
    lowercase: bool = False
    target_lang: str = ""


def _chars(hyp: str, refs: Sequence[str]) -> int:
    return len(hyp) + sum(len(r) for r in refs)


# Rough relative cost of one TER edit-distance cell and one BLEU/chrF character
# (measured on WMT23 zh-en: ~36 s of TER vs ~1.4 s of BLEU+chrF per 1,976-line system).
_TER_CELL_COST = 20


def _ter_cells(hyp: str, refs: Sequence[str]) -> int:
    n = len(hyp.split()) + 1
    return _TER_CELL_COST * sum(n * (len(r.split()) + 1) for r in refs)


# TER's shift search grows faster than quadratically with the segment's length
# (sacrebleu, measured in docs/score.md: 150 words 2 s, 300 words 10 s, 1,000 words 40 s
# of CPU for one segment), and a 400 KB line never finishes. Longer segments are refused.
TER_MAX_WORDS = 1000


@dataclass(frozen=True)
class MetricSpec:
    """One metric: everything the rest of the package needs to know about it.

    ``cls`` is ``"module:Class"`` of the sacrebleu metric, imported when built;
    ``args`` its constructor arguments at corpus level, ``sentence_args`` what
    changes for segment-level scores; ``options`` maps :class:`MetricConfig`
    fields to the constructor arguments they set (a metric takes only the
    options listed). ``name`` is sacrebleu's display name with default options.
    ``max_words``: the longest segment (whitespace words, hypothesis or any
    reference) the metric accepts; ``None``: no limit.
    """

    key: str
    name: str
    cls: str
    higher_is_better: bool
    aliases: tuple[str, ...] = ()
    args: Mapping[str, Any] = field(default_factory=dict)
    sentence_args: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, str] = field(default_factory=dict)
    cost: Callable[[str, Sequence[str]], int] = _chars
    max_words: int | None = None
    # "sacrebleu": from sacrebleu's statistics; "glossary": term adherence, measured from
    # the source and a glossary (align.score.terms), never asked for with --metrics.
    measured_by: str = "sacrebleu"

    def build(self, config: MetricConfig, *, sentence: bool = False) -> Metric:
        """The sacrebleu metric object with these options."""
        module, _, name = self.cls.partition(":")
        kwargs = dict(self.args)
        for option, arg in self.options.items():
            kwargs[arg] = getattr(config, option)
        if sentence:
            kwargs.update(self.sentence_args)
        metric: Metric = getattr(importlib.import_module(module), name)(**kwargs)
        return metric


# The registry, in display order; keys are what users type (--metrics, --fail-under).
METRICS: dict[str, MetricSpec] = {
    spec.key: spec
    for spec in (
        MetricSpec(
            key="bleu",
            name="BLEU",
            cls="sacrebleu.metrics.bleu:BLEU",
            higher_is_better=True,
            args={"effective_order": False},
            sentence_args={"effective_order": True},  # as sacrebleu --sentence-level
            options={"lowercase": "lowercase", "tokenize": "tokenize", "target_lang": "trg_lang"},
        ),
        MetricSpec(
            key="chrf",
            name="chrF2",
            cls="sacrebleu.metrics.chrf:CHRF",
            higher_is_better=True,
            aliases=("chrf2",),
            options={"lowercase": "lowercase"},
        ),
        MetricSpec(
            key="chrf++",
            name="chrF2++",
            cls="sacrebleu.metrics.chrf:CHRF",
            higher_is_better=True,
            aliases=("chrf2++",),
            args={"word_order": 2},
            options={"lowercase": "lowercase"},
        ),
        MetricSpec(
            key="ter",
            name="TER",
            cls="sacrebleu.metrics.ter:TER",
            higher_is_better=False,
            cost=_ter_cells,
            max_words=TER_MAX_WORDS,
        ),
        MetricSpec(
            key="terms",
            name="Terms",
            cls="",
            higher_is_better=True,
            aliases=("glossary",),
            measured_by="glossary",
        ),
    )
}
DEFAULT_METRICS: tuple[str, ...] = ("bleu", "chrf", "ter")
# Derived from the registry, for callers of the old names.
LOWER_IS_BETTER: frozenset[str] = frozenset(k for k, s in METRICS.items() if not s.higher_is_better)


def spec(key: str) -> MetricSpec:
    """The registry entry of a metric key or alias (any case); unknown: :class:`InputError`."""
    wanted = key.strip().lower()
    for entry in METRICS.values():
        if wanted == entry.key or wanted in entry.aliases:
            return entry
    raise InputError(f"unknown metric {key.strip()!r}", f"use {', '.join(METRICS)}")


def higher_is_better(key: str) -> bool:
    return spec(key).higher_is_better


def parse_metrics(given: str | Sequence[str]) -> tuple[str, ...]:
    """``"bleu,chrf,ter"`` (or a list) -> validated keys in the order given, no repeats."""
    items = given.split(",") if isinstance(given, str) else list(given)
    out: list[str] = []
    for item in items:
        if not item.strip():
            continue
        entry = spec(item)
        key = entry.key
        if entry.measured_by != "sacrebleu":
            raise InputError(
                f"{key} is not a --metrics metric: it is measured with --glossary FILE --src SRC"
            )
        if key not in out:
            out.append(key)
    if not out:
        raise InputError("no metric given", f"use one or more of {', '.join(METRICS)}")
    return tuple(out)


def build_metric(key: str, config: MetricConfig, *, sentence: bool = False) -> Metric:
    """The sacrebleu metric object for ``key``; ``sentence``: as for segment-level scores."""
    return spec(key).build(config, sentence=sentence)


def resolve_tokenizer(tokenize: str | None, target_lang: str | None) -> tuple[str, str | None]:
    """BLEU's tokenizer, chosen as sacrebleu does: ``zh``, ``ja-mecab``, ``ko-mecab``, else ``13a``.

    Returns ``(name, note)``; ``note`` says when the language's tokenizer is not
    installed (MeCab) and ``13a`` is used instead. An explicit ``tokenize`` that
    sacrebleu does not know, or cannot load, is an :class:`InputError`.
    """
    from sacrebleu.metrics.bleu import BLEU, _get_tokenizer

    if tokenize is not None:
        if tokenize not in BLEU.TOKENIZERS:
            raise InputError(
                f"unknown tokenizer {tokenize!r}", f"use one of {', '.join(BLEU.TOKENIZERS)}"
            )
        try:
            _get_tokenizer(tokenize)()
        except (ImportError, RuntimeError) as exc:
            raise InputError(
                f"the {tokenize} tokenizer is not installed ({exc})",
                "see sacrebleu's extras, e.g. pip install 'sacrebleu[ja]'",
            ) from exc
        return tokenize, None
    name = BLEU._TOKENIZER_MAP.get(target_lang or "", BLEU.TOKENIZER_DEFAULT)
    if name == BLEU.TOKENIZER_DEFAULT:
        return name, None
    try:
        _get_tokenizer(name)()
    except (ImportError, RuntimeError):
        note = (
            f"sacrebleu's {name} tokenizer for {target_lang} is not installed, BLEU uses "
            f"{BLEU.TOKENIZER_DEFAULT} (install sacrebleu's extras for it)"
        )
        return BLEU.TOKENIZER_DEFAULT, note
    return name, None

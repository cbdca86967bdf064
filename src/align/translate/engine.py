"""The translation-engine interface, the engine registry and chain (pivot) planning.

An *engine* (Argos, Apertium, ...) knows which direct pairs it can translate
and builds a :class:`Translator` for one of them. Everything else in the
project — ``align translate``, ``align run``, the alignment's translation
term — talks only to these types. Adding an engine is adding a module that
defines a class with ``name``, ``kind``, ``pairs()`` and ``translator()`` and
a line in :data:`ENGINES`. One :class:`Engines` per command holds the engines
chosen and scans each one's pairs once; planning and translators use it.
"""

from __future__ import annotations

import importlib
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from align import __version__
from align import languages as langs
from align.errors import InputError, NoTranslationPath

# ``--to all``: every target the installed engines reach from the source.
ALL_TARGETS = "all"


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding options that change the output, and so belong to cache keys and signatures."""

    beam: int = 4
    compute_type: str = "int8"
    threads: int = 0  # 0: all cores (does not change the output)
    max_batch_tokens: int = 2048  # does not change the output
    # Keep the engine's marks on words it does not know (Apertium's ``*word``); None: the
    # engine's default (ALIGN_APERTIUM_MARK_UNKNOWN). Engines without marks ignore it. Only
    # the last hop of a chain marks: a mark fed to the next engine would be noise. It is in
    # the signature (``unk:marked``) of the engine that marks, and so in cache keys.
    mark_unknown: bool | None = None

    def key(self) -> str:
        return f"beam:{self.beam}|compute:{self.compute_type}"

    def inner_hop(self) -> DecodeOptions:
        """The options of a chain's hops before the last: no unknown-word marks."""
        return replace(self, mark_unknown=False)


@dataclass(frozen=True)
class Pair:
    """One direct translation direction an engine offers."""

    engine: str
    source: str  # edge codes (languages.normalize)
    target: str
    name: str  # package or mode name
    version: str = ""
    kind: str = "neural"  # "neural" or "rule-based"
    path: str = ""
    size: int = 0  # bytes on disk, 0 when unknown


@runtime_checkable
class Translator(Protocol):
    """Translates sentences in one direction. ``len(out) == len(sentences)`` always."""

    source: str
    target: str

    @property
    def signature(self) -> str: ...

    def translate(self, sentences: Sequence[str]) -> list[str]: ...


class Engine(Protocol):
    name: str
    kind: str

    def available(self) -> bool: ...

    def pairs(self) -> list[Pair]: ...

    def translator(self, pair: Pair, options: DecodeOptions) -> Translator: ...


# engine name -> "module:class"; each class takes (models_dir: str | None) in __init__.
ENGINES: dict[str, str] = {
    "argos": "align.translate.argos:ArgosEngine",
    "bergamot": "align.translate.bergamot:BergamotEngine",
    "apertium": "align.translate.apertium:ApertiumEngine",
    "opencc": "align.translate.script:OpenCCEngine",
}
# Preference when several engines offer the same hop: neural first.
PREFERENCE: tuple[str, ...] = ("argos", "bergamot", "apertium", "opencc")
# Script conversions (Traditional <-> Simplified Chinese), not translations: they join the
# chains of whichever engine is chosen.
SCRIPT_ENGINES: tuple[str, ...] = ("opencc",)
# The longest chain planned (and the farthest target ``--to all`` reaches), in hops.
MAX_HOPS = 4


def load_engine(name: str, models_dir: str | None = None) -> Engine:
    target = ENGINES.get(name)
    if target is None:
        raise NoTranslationPath(f"unknown engine {name!r}", f"choose one of {', '.join(ENGINES)}")
    module_name, cls_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise NoTranslationPath(f"engine {name!r} is not available ({exc})") from exc
    engine: Engine = getattr(module, cls_name)(models_dir)
    return engine


def load_engines(
    engine: str = "auto", models_dir: str | None = None, *, scripts: bool = True
) -> list[Engine]:
    """The engines to plan with: all available ones for ``auto``, else the one named, plus
    the script conversions (:data:`SCRIPT_ENGINES`) unless ``scripts`` is false."""
    if engine == "auto":
        names = PREFERENCE
    else:
        names = (engine,) + tuple(s for s in SCRIPT_ENGINES if scripts and s != engine)
    out = []
    for name in names:
        try:
            eng = load_engine(name, models_dir)
        except NoTranslationPath:
            if name != engine:  # with auto, or a script engine added to the one named:
                continue  # an engine whose code is missing simply offers no pairs
            raise
        if eng.available():
            out.append(eng)
    return out


def _same(a: str, b: str) -> bool:
    return langs.normalize(a) == langs.normalize(b)


def source_for(pairs: Sequence[Pair], source: str) -> str:
    """The code to plan from: ``source``, or its language when no pair leaves a regional
    variant (pt-BR text reads as Portuguese, ca-valencia as Catalan; never a script:
    zh-Hant is not zh-Hans)."""
    src = langs.normalize(source)
    if any(p.source == src for p in pairs):
        return src
    general = langs.normalize(langs.base(src))
    same_script = langs.get(general).script == langs.get(src).script
    if general != src and same_script and any(p.source == general for p in pairs):
        return general
    return src


def plan_chain(
    pairs: Sequence[Pair],
    source: str,
    target: str,
    pivot: str | None = "auto",
    engine: str | None = None,
) -> list[Pair]:
    """The chain of hops from ``source`` to ``target``.

    Fewest hops first; among chains of equal length, the one with more neural
    hops, then the engine preference order. A regional variant with no pair of its
    own plans from its language (:func:`source_for`). ``pivot``: ``"auto"`` allows any
    intermediate language, ``None``/``"none"`` allows only a direct pair, a
    language code allows only chains through that language. ``engine``: the ``--engine``
    the pairs were limited to, named when no chain is found (None: every installed one).
    """
    tgt = langs.normalize(target)
    src = source_for(pairs, source)
    if src == tgt:  # pt-BR -> pt is not "nothing to do"
        src = langs.normalize(source)
    rank = {name: i for i, name in enumerate(PREFERENCE)}

    def hop_cost(p: Pair) -> tuple[int, int]:
        return (0 if p.kind == "neural" else 1, rank.get(p.engine, len(rank)))

    direct = [p for p in pairs if p.source == src and p.target == tgt]
    if direct:
        return [min(direct, key=hop_cost)]
    if pivot in (None, "none"):
        raise _no_path(pairs, src, tgt, "no direct pair and pivoting is off", engine)

    # Breadth-first search over languages; keep all shortest chains, then rank them.
    best: dict[str, list[list[Pair]]] = {src: [[]]}
    frontier = deque([src])
    found: list[list[Pair]] = []
    depth = 0
    while frontier and not found and depth < MAX_HOPS:
        depth += 1
        next_frontier: deque[str] = deque()
        new_best: dict[str, list[list[Pair]]] = {}
        for lang in frontier:
            for p in pairs:
                if p.source != lang or p.target in best:
                    continue
                if pivot not in ("auto", None) and p.target != tgt and not _same(p.target, pivot):
                    continue
                chains = [c + [p] for c in best[lang]]
                if p.target == tgt:
                    found.extend(chains)
                elif p.target not in new_best:
                    new_best[p.target] = chains
                    next_frontier.append(p.target)
                else:
                    new_best[p.target].extend(chains)
        best.update(new_best)
        frontier = next_frontier
    if not found:
        why = "no engine or chain of engines covers it"
        if pivot not in ("auto", None):
            why = f"no chain through {langs.normalize(pivot)} reaches it"
        raise _no_path(pairs, src, tgt, why, engine)
    return min(found, key=lambda chain: [hop_cost(p) for p in chain])


def reachable_targets(pairs: Sequence[Pair], source: str) -> list[str]:
    """Every other language ``pairs`` reach from ``source`` in up to :data:`MAX_HOPS` hops
    (what :func:`plan_chain` can plan), fewest hops first (not ``source`` in another
    script or region: zh-Hant is not a translation of zh-Hans)."""
    src = source_for(pairs, source)
    seen = {src}
    hops = {src: 0}
    frontier = [src]
    for depth in range(1, MAX_HOPS + 1):
        nxt = []
        for lang in frontier:
            for p in pairs:
                if p.source == lang and p.target not in seen:
                    seen.add(p.target)
                    hops[p.target] = depth
                    nxt.append(p.target)
        frontier = nxt
    # The source's own language in another script or region is not a translation target.
    same = {code for code in seen if langs.base(code) == langs.base(src)}
    return sorted(seen - same, key=lambda code: (hops[code], code))


def _no_path(
    pairs: Sequence[Pair], src: str, tgt: str, why: str, engine: str | None = None
) -> NoTranslationPath:
    """What cannot be done, what can (the targets reachable from ``src``, grouped by the
    chain that reaches them: ``es, gl via en (argos → apertium)``), and how to get a model."""
    groups: dict[str, list[str]] = {}
    for code in reachable_targets(pairs, src):
        chain = plan_chain(pairs, src, code)
        via = ", ".join(p.target for p in chain[:-1])
        groups.setdefault(f"{' via ' + via if via else ''} ({chain_engines(chain)})", []).append(
            code
        )
    reachable = "; ".join(", ".join(codes) + how for how, codes in groups.items())
    if engine is None:
        can = (
            f"from {src} the installed engines reach: {reachable}"
            if reachable
            else f"no installed engine translates from {src}"
        )
    else:  # limited to one engine: say so, others may well cover the pair
        can = (
            f"from {src} --engine {engine} reaches: {reachable}"
            if reachable
            else f"--engine {engine} translates nothing from {src} (--engine auto uses every one)"
        )
    return NoTranslationPath(
        f"cannot translate {src} -> {tgt}: {why}; {can}",
        f"offline, a {langs.base(src)}->{langs.base(tgt)} .argosmodel file, as listed in the "
        "argospm-index repository on GitHub: align models install FILE.argosmodel; "
        f"online: align models install {langs.base(src)} {langs.base(tgt)}",
    )


@dataclass
class ChainTranslator:
    """Runs several translators one after another (pivoting); itself a :class:`Translator`."""

    steps: list[Translator]
    source: str = field(init=False)
    target: str = field(init=False)

    def __post_init__(self) -> None:
        self.source = self.steps[0].source
        self.target = self.steps[-1].target

    @property
    def signature(self) -> str:
        if len(self.steps) == 1:
            return self.steps[0].signature
        return " >> ".join(f"[{s.signature}]" for s in self.steps)

    def translate(self, sentences: Sequence[str]) -> list[str]:
        out = list(sentences)
        for step in self.steps:
            out = step.translate(out)
        return out


def signature_of(pair: Pair, options: DecodeOptions | None = None) -> str:
    """A sacrebleu-style signature for one hop: how a translation was made."""
    parts = [
        f"engine:{pair.engine}",
        f"src:{pair.source}",
        f"tgt:{pair.target}",
        f"package:{pair.name}",
    ]
    if pair.version:
        parts.append(f"pkgver:{pair.version}")
    if options is not None and pair.kind == "neural":
        parts += [f"beam:{options.beam}", f"compute:{options.compute_type}"]
    parts.append(f"align:{__version__}")
    return "|".join(parts)


def chain_engines(chain: Sequence[Pair]) -> str:
    """The engines of a chain, in order: ``argos → apertium``."""
    return " → ".join(p.engine for p in chain)


# Engines whose output depends on DecodeOptions (beam size, compute type). Bergamot's native
# engine decodes with its model's own settings, so its hops show (and sign) none of them.
DECODING_ENGINES: frozenset[str] = frozenset({"argos"})


def chain_models(chain: Sequence[Pair], options: DecodeOptions | None = None) -> list[str]:
    """One readable line per hop: ``argos: translate-zh_en 1.9 (beam 4, compute int8)``."""
    lines = []
    for p in chain:
        line = f"{p.engine}: {p.name}"
        if p.version:
            line += f" {p.version}"
        if options is not None and p.engine in DECODING_ENGINES:
            line += f" (beam {options.beam}, compute {options.compute_type})"
        lines.append(line)
    return lines


class Engines:
    """The engine set of one command: chosen once (``engine``, ``models_dir``), scanned once.

    ``engine`` is ``auto`` (every available engine) or one name of :data:`ENGINES`
    (plus the script conversions unless ``scripts`` is false); ``models_dir`` is
    passed to each engine as given (``align.store.models_dir`` resolves it). The
    engines are loaded on first use and each one's :meth:`Engine.pairs` is scanned
    at most once; plans, reachable targets and translators all come from here.
    """

    def __init__(
        self,
        engine: str = "auto",
        models_dir: str | os.PathLike[str] | None = None,
        *,
        scripts: bool = True,
    ) -> None:
        self.choice = engine
        self.models_dir = str(models_dir) if models_dir else None
        self.scripts = scripts
        self._engines: list[Engine] | None = None
        self._pairs: dict[str, list[Pair]] = {}

    @property
    def engines(self) -> list[Engine]:
        """The available engines chosen, loaded once."""
        if self._engines is None:
            self._engines = load_engines(self.choice, self.models_dir, scripts=self.scripts)
        return self._engines

    def engine(self, name: str) -> Engine:
        """The loaded engine called ``name`` (the engine of a planned hop)."""
        for eng in self.engines:
            if eng.name == name:
                return eng
        raise NoTranslationPath(f"engine {name!r} is not available")

    def pairs_of(self, engine: Engine) -> list[Pair]:
        """``engine.pairs()``, scanned once."""
        if engine.name not in self._pairs:
            self._pairs[engine.name] = engine.pairs()
        return self._pairs[engine.name]

    def pairs(self) -> list[Pair]:
        """Every direct pair the engines offer."""
        return [p for e in self.engines for p in self.pairs_of(e)]

    def plan(self, source: str, target: str, pivot: str | None = "auto") -> list[Pair]:
        """The chain from ``source`` to ``target`` (:func:`plan_chain`)."""
        named = None if self.choice == "auto" else self.choice
        return plan_chain(
            self.pairs(), langs.normalize(source), langs.normalize(target), pivot, named
        )

    def reachable(self, source: str) -> list[str]:
        """Every target reachable from ``source`` (:func:`reachable_targets`)."""
        return reachable_targets(self.pairs(), langs.normalize(source))

    def targets(
        self,
        targets: Sequence[str],
        source: str,
        also: Sequence[str] = (),
        notes: list[str] | None = None,
    ) -> list[str]:
        """The target codes asked for, in order, each once: ``all`` expands to every target
        reachable from ``source`` (:meth:`reachable`); ``also`` adds more codes after them
        (``run``'s references). ``all`` reaching nothing, and nothing else, is an error.

        The source language itself is left out: with other targets left, with a note in
        ``notes`` (a batch over files in several languages asks for ``--to en --to es``
        and the English files have nothing to become in English); as the only target, it
        is an error."""
        src = langs.normalize(source)
        out: list[str] = []
        for t in [*targets, *also]:
            codes = self.reachable(source) if t.strip().lower() == ALL_TARGETS else [t]
            for code in codes:
                code = langs.normalize(code)
                if code not in out:
                    out.append(code)
        if not out and any(t.strip().lower() == ALL_TARGETS for t in targets):
            raise NoTranslationPath(
                f"no installed engine translates from {src}"
                if self.choice == "auto"
                else f"--engine {self.choice} translates nothing from {src}",
                "install a package: align models install FILE.argosmodel",
            )
        if src in out:
            if len(out) == 1:
                raise InputError(
                    f"the source language is {src}; nothing to translate into {src}",
                    "give another --to (or the real source with --from)",
                )
            out.remove(src)
            if notes is not None:
                notes.append(
                    f"the source language is {src}: no {src} output, only {', '.join(out)}"
                )
        return out

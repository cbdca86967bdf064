"""The worker of a corpus translation: one translator per target, built once per process
(a Ray actor, or the local process) with the driver's plan, then shard after shard.

The driver plans every target once (:class:`WorkerSpec` carries the signatures it expects);
a worker re-plans with its own engines and models directory and refuses to start when its
plan differs or cannot be made, in one line naming its node and what is missing
(:attr:`WorkerInfo.error`): a model absent from that node's models directory, Apertium
not installed there.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from align.errors import AlignError
from align.translate.engine import DecodeOptions, Translator

if TYPE_CHECKING:
    from align.translate.glossary import Glossary


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs to build the driver's translators (picklable)."""

    source: str
    targets: tuple[str, ...]
    signatures: dict[str, str]  # target -> the signature the driver planned
    models: dict[str, list[str]]  # target -> the readable model line of each hop
    engine: str = "auto"
    models_dir: str | None = None
    options: DecodeOptions = field(default_factory=DecodeOptions)
    pivot: str | None = "auto"
    cache: bool = True
    threads: int = 0  # CPU threads of one worker (0: all cores of the node)
    # --glossary/--keep, loaded once by the driver and shipped whole (no file needed on nodes)
    glossary: Glossary | None = None


@dataclass(frozen=True)
class WorkerInfo:
    """What a started worker says about itself."""

    node: str
    pid: int
    load_seconds: float  # building the translators and loading their models
    error: str | None = None
    package: str = ""  # where this worker imported align from (a runtime env ships it)


def node_name() -> str:
    """This node, as a person finds it: ``host (ip)`` on a Ray worker, the host name here."""
    host = socket.gethostname()
    ray = sys.modules.get("ray")  # only a Ray worker (or a Ray driver) has it: never imported here
    if ray is not None and ray.is_initialized():
        node = ray.get_runtime_context().get_node_id()
        return f"{host} ({ray.util.get_node_ip_address()}, node {node[:8]})"
    return host


def _warm(translator: object) -> None:
    """Load every model of a (cached, possibly chained) translator now, not at its first shard."""
    inner = getattr(translator, "inner", None)
    if inner is not None:
        _warm(inner)
    for step in getattr(translator, "steps", ()):
        _warm(step)
    if hasattr(type(translator), "model"):
        _ = translator.model  # type: ignore[attr-defined]


class ShardWorker:
    """Builds the translators of a :class:`WorkerSpec` once; translates shards."""

    def __init__(self, spec: WorkerSpec) -> None:
        from align.store import models_dir as resolve_models_dir
        from align.translate import get_translator
        from align.translate.engine import Engines

        start = time.perf_counter()
        self.spec = spec
        self.node = node_name()
        self.translators: dict[str, Translator] = {}
        self.error: str | None = None
        options = replace(spec.options, threads=spec.threads)
        where = str(resolve_models_dir(spec.models_dir))
        try:
            engines = Engines(spec.engine, spec.models_dir)
            for target in spec.targets:
                try:
                    translator = get_translator(
                        spec.source,
                        target,
                        engines=engines,
                        options=options,
                        pivot=spec.pivot,
                        cache=spec.cache,
                        glossary=spec.glossary,
                    )
                except AlignError as exc:
                    raise AlignError(
                        f"cannot translate {spec.source} -> {target} as planned "
                        f"({'; '.join(spec.models[target])}) with the models in {where} "
                        f"and the engines installed there: {exc.message}"
                    ) from exc
                if translator.signature != spec.signatures[target]:
                    raise AlignError(
                        f"{spec.source} -> {target} plans {translator.signature}, but the "
                        f"driver planned {spec.signatures[target]} (models in {where})"
                    )
                _warm(translator)
                self.translators[target] = translator
        except AlignError as exc:
            self.error = f"worker on node {self.node}: {exc.message}"
        except Exception as exc:  # a model that does not load, a missing library
            self.error = f"worker on node {self.node}: {type(exc).__name__}: {exc}"
        self.load_seconds = time.perf_counter() - start

    def info(self) -> WorkerInfo:
        import align

        package = str(Path(align.__file__).parent)
        return WorkerInfo(self.node, os.getpid(), self.load_seconds, self.error, package)

    def translate(self, texts: Sequence[str]) -> dict[str, list[str]]:
        """The translations of one shard into every target, in order."""
        if self.error is not None:
            raise AlignError(self.error)
        return {t: tr.translate(texts) for t, tr in self.translators.items()}

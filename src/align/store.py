"""The model store: installed Argos packages in one directory, listed, installed safely, removed.

Where: ``--models-dir`` > ``$ALIGN_MODELS_DIR`` > a per-user data directory
(``platformdirs.user_data_dir("align")/models``).

The package *format* (``metadata.json``, :class:`argostranslate.package.Package`,
the package index entries) is argostranslate's own, through its ``package``
module. That module reads its settings once, at import, and creates folders
under ``$HOME``; :func:`argos_package_module` points its packages directory
at ours and its data/config/cache folders at ``$ALIGN_CACHE_DIR/argostranslate``
before the first import, so nothing is written anywhere else. The models
directory itself stays a plain Argos packages directory that argostranslate
can read too.

The store's contract (docs/reliability.md, "The model store"):

- **Install checks before it writes.** The archive is checked (a zip, no
  absolute paths, no ``..`` members, no symlinks, one top folder, declared
  sizes under the limits), unpacked into ``.install-PID-*/`` beside the store
  with the sizes enforced again while unpacking, its ``metadata.json``
  validated, and its tokenizer and CTranslate2 model really loaded (one
  sentence translated). Only then is it swapped in. The installed folder is
  named from the validated metadata (``translate-zh_en-1_9``), never from the
  archive's top folder.
- **The swap is atomic.** Under the store lock, the new folder takes the
  final name in one rename (a ``renameat2`` exchange when the same name is
  installed already, so a package of the pair is always there), and only then
  are the old ones moved into the transaction folder and deleted. A journal in
  the transaction folder says what is being replaced, by inode, so whatever a
  killed install leaves is finished (the new package is in place) or rolled
  back (it is not) by the next store operation.
- **Litter is cleaned up, only ours and only the dead's.** ``.install-*``,
  ``.remove-*`` and ``.download-*`` entries carry the owner's pid in their
  name and a lock the owner holds (``flock``) while it lives; the next
  ``list``/``install``/``remove`` removes (or finishes) those whose owner is
  gone, and nothing else.
- **A broken package does not poison planning.** :func:`scan` gives every
  package folder's state: a cheap structural check (metadata, the model.bin
  header and variable table, the tokenizer's header) plus a remembered load
  failure (:func:`remember_load_failure`). :func:`list_packages` returns the
  working ones only and, asked to, warns once per process about the others.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import stat
import struct
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from align import languages as langs
from align.errors import AlignError, ArchiveError, InputError, ModelError, OfflineError

ENV_MODELS_DIR = "ALIGN_MODELS_DIR"
# The URL of an Argos package index (index.json), e.g. a mirror; default: argostranslate's own
# (which honours its $ARGOS_PACKAGE_INDEX).
ENV_INDEX = "ALIGN_ARGOS_INDEX"
# Seconds each network operation (connect, each read) may wait.
ENV_NETWORK_TIMEOUT = "ALIGN_NETWORK_TIMEOUT"
# Limits on what one package may unpack to: bytes (500M, 3G) and the uncompressed/archive ratio.
ENV_MAX_SIZE = "ALIGN_MAX_PACKAGE_SIZE"
ENV_MAX_RATIO = "ALIGN_MAX_PACKAGE_RATIO"

_LOCK = ".lock"
_NETWORK_TIMEOUT = 15.0
# Real packages are 50-300 MB and compress by 1.1-2x (the zh->en one: 74 MB -> 86 MB, 1.16x).
DEFAULT_MAX_SIZE = 2_000_000_000
DEFAULT_MAX_RATIO = 20.0
# Below this many bytes unpacked the ratio is not checked (a tiny test package may compress well).
_RATIO_FLOOR = 32_000_000
_MAX_INDEX_BYTES = 64_000_000
# The transaction folders and download files of the store; PID is the owner's.
_LITTER = re.compile(r"^\.(install|remove|download)-(\d+)-[A-Za-z0-9_]+(\.argosmodel)?$")
_OWNER = "owner.lock"
_JOURNAL = "journal.json"
_STAGED = "package"
_OLD = "old"
# A remembered load failure, inside the package folder (so removing the package removes it).
_FAILURE = ".align-load-failure.json"

# Test hook: called with the name of each step of an install's swap (tests kill the process there).
_STEP_HOOK: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if _STEP_HOOK is not None:
        _STEP_HOOK(name)


def models_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The models directory: explicit argument, else ``$ALIGN_MODELS_DIR``, else per-user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_MODELS_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("align")) / "models"


_ARGOS_PACKAGE: ModuleType | None = None


def argos_package_module(directory: Path) -> ModuleType:
    """Import ``argostranslate.package`` with all its settings pointed inside ``directory``.

    argostranslate reads environment variables once, at import, and creates its
    data, config and cache folders then; we set them for the import only and
    restore the environment afterwards.
    """
    global _ARGOS_PACKAGE
    if _ARGOS_PACKAGE is not None:
        return _ARGOS_PACKAGE
    from align.translate.cache import cache_dir

    state = cache_dir() / "argostranslate"
    overrides = {
        "XDG_DATA_HOME": str(state / "data"),
        "XDG_CONFIG_HOME": str(state / "config"),
        "XDG_CACHE_HOME": str(state / "cache"),
        "ARGOS_PACKAGES_DIR": str(directory),
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_STANZA_AVAILABLE": "0",
    }
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        from argostranslate import package
    except ImportError as exc:
        raise ModelError(f"argostranslate is not installed ({exc})", "run: make install") from exc
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    _ARGOS_PACKAGE = package
    return package


# ---------------------------------------------------------------------------------------------
# Settings: limits and the network


def parse_size(text: str) -> int:
    """``2000000``, ``500M``, ``3G``, ``1.5GB`` -> bytes (powers of 1000)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)[bB]?\s*", text)
    if not match:
        raise InputError(f"not a size: {text!r}", "give bytes or a number with K, M, G or T")
    scale = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}[match.group(2).lower()]
    return int(float(match.group(1)) * scale)


def max_package_size(explicit: int | None = None) -> int:
    """The most bytes one package may unpack to: ``explicit`` > ``$ALIGN_MAX_PACKAGE_SIZE``."""
    if explicit is not None:
        return explicit
    env = os.environ.get(ENV_MAX_SIZE)
    return parse_size(env) if env else DEFAULT_MAX_SIZE


def max_package_ratio(explicit: float | None = None) -> float:
    """The largest unpacked/archive size ratio: ``explicit`` > ``$ALIGN_MAX_PACKAGE_RATIO``."""
    if explicit is not None:
        return explicit
    env = os.environ.get(ENV_MAX_RATIO)
    if not env:
        return DEFAULT_MAX_RATIO
    try:
        return float(env)
    except ValueError as exc:
        raise InputError(f"${ENV_MAX_RATIO}: not a number: {env!r}") from exc


def network_timeout() -> float:
    """Seconds each network operation may wait: ``$ALIGN_NETWORK_TIMEOUT``, else 15."""
    env = os.environ.get(ENV_NETWORK_TIMEOUT)
    if not env:
        return _NETWORK_TIMEOUT
    try:
        value = float(env)
    except ValueError as exc:
        raise InputError(f"${ENV_NETWORK_TIMEOUT}: not a number of seconds: {env!r}") from exc
    if value <= 0:
        raise InputError(f"${ENV_NETWORK_TIMEOUT}: must be more than 0 seconds")
    return value


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


# ---------------------------------------------------------------------------------------------
# What is installed


@dataclass(frozen=True)
class InstalledPackage:
    """An installed Argos package as the store sees it."""

    source: str  # edge language codes
    target: str
    name: str  # argospm name, e.g. translate-zh_en
    version: str
    path: str
    size: int
    from_code: str  # Argos's own codes
    to_code: str
    target_prefix: str = ""
    tokenizer: str = "sentencepiece"

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["pair"] = f"{self.source}->{self.target}"
        return row


@dataclass(frozen=True)
class PackageState:
    """One package folder of the store: working (``package`` set, ``problem`` empty) or broken."""

    folder: str  # the folder's name in the store
    path: str
    problem: str = ""  # why it is broken; empty when it works
    package: InstalledPackage | None = None  # None when broken
    from_code: str = ""  # from metadata.json when it is readable (so a broken one can be removed)
    to_code: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def read_metadata(folder: Path, label: str | None = None) -> dict[str, Any]:
    label = label or folder.name
    meta_path = folder / "metadata.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArchiveError(f"{label}: no metadata.json in the package") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"{label}: metadata.json is not valid JSON ({exc})") from exc
    except OSError as exc:
        raise ArchiveError(f"{label}: cannot read metadata.json ({exc.strerror})") from exc
    if not isinstance(meta, dict):
        raise ArchiveError(f"{label}: metadata.json is not a JSON object")
    if meta.get("type", "translate") != "translate":
        raise ArchiveError(f"{label}: package type {meta.get('type')!r} is not 'translate'")
    for key in ("from_code", "to_code"):
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise ArchiveError(f"{label}: metadata.json has no {key}")
    return meta


def folder_name(meta: dict[str, Any]) -> str:
    """The installed folder's name, from validated metadata: ``translate-zh_en-1_9``.

    Only letters, digits, ``_`` and ``-``: never a dot file, never a path, never the lock or
    the store's README, whatever the archive's top folder was called.
    """

    def clean(value: object) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "_", str(value)).strip("_")[:40]

    name = f"translate-{clean(meta['from_code'])}_{clean(meta['to_code'])}"
    version = clean(meta.get("package_version", ""))
    return f"{name}-{version}" if version else name


def _check_contents(folder: Path, label: str | None = None) -> str:
    """Check a package folder has a CTranslate2 model and a tokenizer; return the tokenizer kind."""
    label = label or folder.name
    if not (folder / "model" / "model.bin").is_file():
        raise ArchiveError(f"{label}: no CTranslate2 model (model/model.bin) in the package")
    if (folder / "sentencepiece.model").is_file():
        return "sentencepiece"
    if (folder / "bpe.model").is_file():
        return "bpe"
    raise ArchiveError(f"{label}: no tokenizer (sentencepiece.model or bpe.model)")


def _describe(folder: Path, label: str | None = None) -> InstalledPackage:
    label = label or folder.name
    meta = read_metadata(folder, label)
    tokenizer = _check_contents(folder, label)
    from_code, to_code = meta["from_code"], meta["to_code"]
    try:
        source, target = langs.from_argos(from_code).code, langs.from_argos(to_code).code
    except AlignError as exc:
        raise ArchiveError(f"{label}: metadata.json names an unknown language ({exc})") from exc
    return InstalledPackage(
        source=source,
        target=target,
        name=f"translate-{from_code}_{to_code}",
        version=str(meta.get("package_version", "")),
        path=str(folder),
        size=_dir_size(folder),
        from_code=from_code,
        to_code=to_code,
        target_prefix=str(meta.get("target_prefix", "")),
        tokenizer=tokenizer,
    )


def _model_bin_problem(path: Path) -> str:
    """A cheap structural check of a CTranslate2 ``model.bin`` (header; variable table for v6).

    Reads a few hundred bytes and seeks over the weights: about a millisecond. Empty when fine.
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:

            def take(fmt: str) -> tuple[int, ...]:
                want = struct.calcsize("<" + fmt)
                raw = fh.read(want)
                if len(raw) != want:
                    raise EOFError
                return struct.unpack("<" + fmt, raw)

            def string() -> bytes:
                (length,) = take("H")
                raw = fh.read(length)
                if len(raw) != length or not raw.endswith(b"\0"):
                    raise EOFError
                return raw[:-1]

            (version,) = take("I")
            if not 1 <= version <= 64:
                return "model/model.bin is not a CTranslate2 model"
            if version < 2:
                return ""
            spec = string()
            if not spec or not all(32 < c < 127 for c in spec):
                return "model/model.bin is not a CTranslate2 model"
            if version != 6:  # other layouts: the header is all we judge
                return ""
            take("I")  # revision
            (count,) = take("I")
            for _ in range(count):
                string()
                (rank,) = take("B")
                take("I" * rank)
                _dtype, nbytes = take("BI")
                fh.seek(nbytes, os.SEEK_CUR)
                if fh.tell() > size:
                    raise EOFError
            (aliases,) = take("I")
            for _ in range(aliases):
                string()
                string()
            if fh.tell() != size:
                return "model/model.bin has trailing bytes (corrupt)"
    except (EOFError, struct.error):
        return "model/model.bin is truncated or corrupt"
    except OSError as exc:
        return f"cannot read model/model.bin ({exc.strerror})"
    return ""


def _sentencepiece_problem(path: Path) -> str:
    """A cheap check that ``sentencepiece.model`` is a SentencePiece model (its first fields)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(65536)
    except OSError as exc:
        return f"cannot read sentencepiece.model ({exc.strerror})"
    pos, fields = 0, 0

    def varint() -> int:
        nonlocal pos
        value, shift = 0, 0
        while True:
            if pos >= len(data) or shift > 63:
                raise IndexError
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    bad = "sentencepiece.model is not a SentencePiece model"
    if not data or data[0] != 0x0A:  # field 1 (pieces), length-delimited
        return bad
    try:
        while pos < len(data) and fields < 64:
            tag = varint()
            wire, number = tag & 7, tag >> 3
            if number == 0 or number > 5 or wire != 2:  # ModelProto: five message fields
                return bad
            length = varint()  # (not `pos += varint()`: varint moves pos itself)
            pos += length
            fields += 1
    except IndexError:
        return "sentencepiece.model is truncated" if len(data) < 65536 else bad
    if len(data) < 65536 and pos != len(data):
        return "sentencepiece.model is truncated"
    return ""


def _fingerprint(folder: Path) -> list[list[int]]:
    out = []
    for rel in ("metadata.json", "model/model.bin", "sentencepiece.model", "bpe.model"):
        with contextlib.suppress(OSError):
            st = (folder / rel).stat()
            out.append([st.st_size, st.st_mtime_ns, st.st_ino])
    return out


def remember_load_failure(folder: str | os.PathLike[str], reason: str) -> None:
    """Remember that a package failed to load, so planning skips it until its files change.

    Best effort (a read-only store just does not remember). Called by ``models list --check``;
    an engine that fails to load a package may call it too.
    """
    path = Path(folder)
    record = {"reason": " ".join(reason.split()), "fingerprint": _fingerprint(path)}
    with contextlib.suppress(OSError):
        tmp = path / f"{_FAILURE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, path / _FAILURE)


def _forget_load_failure(folder: Path) -> None:
    with contextlib.suppress(OSError):
        (folder / _FAILURE).unlink()


def _remembered_failure(folder: Path) -> str:
    try:
        record = json.loads((folder / _FAILURE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(record, dict) or record.get("fingerprint") != _fingerprint(folder):
        return ""  # the files changed since: judge them afresh
    return f"failed to load: {record.get('reason', '?')}"


def _state(folder: Path) -> PackageState:
    codes: dict[str, str] = {}
    try:
        meta = read_metadata(folder)
        codes = {"from_code": meta["from_code"], "to_code": meta["to_code"]}
        info = _describe(folder)
    except ArchiveError as exc:
        problem = str(exc).removeprefix(f"{folder.name}: ")
        return PackageState(folder.name, str(folder), problem, None, **codes)
    problem = _model_bin_problem(folder / "model" / "model.bin")
    if not problem and info.tokenizer == "sentencepiece":
        problem = _sentencepiece_problem(folder / "sentencepiece.model")
    if not problem:
        problem = _remembered_failure(folder)
    if problem:
        return PackageState(folder.name, str(folder), problem, None, **codes)
    return PackageState(folder.name, str(folder), "", info, **codes)


def scan(directory: str | os.PathLike[str] | None = None) -> list[PackageState]:
    """The state of every package folder (a folder with ``metadata.json``), sorted by name.

    Cheap: no model is loaded (metadata, the model.bin header and table, the tokenizer's
    first bytes, a remembered load failure). What a dead install or remove left is finished
    or cleaned up first, when the store is writable and no live install holds the lock.
    """
    root = models_dir(directory)
    if not root.is_dir():
        return []
    _recover(root, wait=0.0)
    out = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not (folder / "metadata.json").is_file():
            continue
        out.append(_state(folder))
    return out


_REPORTED: set[str] = set()
_REPORTED_LOCK = threading.Lock()


def _warn_once(states: list[PackageState], stream: IO[str] | None) -> None:
    with _REPORTED_LOCK:
        fresh = [s for s in states if not s.ok and s.path not in _REPORTED]
        _REPORTED.update(s.path for s in fresh)
    if stream is None:
        return
    for s in fresh:
        stream.write(
            f"align: warning: skipping the broken Argos package {s.folder}: {s.problem} "
            "(see: align models list; align models remove FROM TO)\n"
        )


def list_packages(
    directory: str | os.PathLike[str] | None = None, *, warn: bool = False
) -> list[InstalledPackage]:
    """Every working package installed in the models directory, sorted by folder.

    A broken one is not offered; with ``warn``, each is named once per process on stderr.
    """
    states = scan(directory)
    if warn:
        _warn_once(states, sys.stderr)
    return [s.package for s in states if s.package is not None]


def broken_packages(directory: str | os.PathLike[str] | None = None) -> list[PackageState]:
    """The package folders that do not work, and why (see :func:`scan`)."""
    return [s for s in scan(directory) if not s.ok]


def silence_warnings(states: list[PackageState]) -> None:
    """Do not warn about these broken packages in this process (the caller shows them)."""
    _warn_once(states, None)


def check_loads(folder: str | os.PathLike[str], label: str | None = None) -> None:
    """Really load a package: its tokenizer, its CTranslate2 model (one thread), and translate
    one word. Raises :class:`ArchiveError` in one line when any of it fails.

    About 0.5 s for the 86 MB zh->en package (import 0.2 s, load 0.2-0.3 s, one word 0.07 s).
    """
    path = Path(folder)
    label = label or path.name

    def fail(what: str, exc: BaseException) -> ArchiveError:
        text = str(exc).replace(f"{path}{os.sep}", "").replace(str(path), label)
        reason = " ".join(text.split())[:200] or type(exc).__name__
        return ArchiveError(f"{label}: {what} cannot be loaded ({reason})")

    meta = read_metadata(path, label)
    kind = _check_contents(path, label)
    tokens: list[str]
    if kind == "sentencepiece":
        import sentencepiece as spm

        try:
            sp = spm.SentencePieceProcessor(model_file=str(path / "sentencepiece.model"))
            tokens = sp.encode("a", out_type=str) or ["a"]
        except Exception as exc:  # sentencepiece raises OSError, RuntimeError, ...
            raise fail("the SentencePiece tokenizer", exc) from exc
    else:
        argos_package_module(path.parent)
        from argostranslate.tokenizer import BPETokenizer

        try:
            tokens = BPETokenizer(path / "bpe.model", meta["from_code"], meta["to_code"]).encode(
                "a"
            ) or ["a"]
        except Exception as exc:
            raise fail("the BPE tokenizer", exc) from exc
    import ctranslate2

    try:
        model = ctranslate2.Translator(
            str(path / "model"), device="cpu", inter_threads=1, intra_threads=1
        )
        model.translate_batch([tokens], beam_size=1, max_decoding_length=4)
    except Exception as exc:  # ctranslate2 raises RuntimeError, ValueError, ...
        raise fail("the CTranslate2 model", exc) from exc


# ---------------------------------------------------------------------------------------------
# Locks, owners, transactions


@contextlib.contextmanager
def _locked(root: Path, timeout: float = 600) -> Iterator[None]:
    from filelock import FileLock, Timeout

    root.mkdir(parents=True, exist_ok=True)
    lock_path = root / _LOCK
    if lock_path.is_dir():  # what an old align left when an archive's top folder was ".lock"
        with contextlib.suppress(OSError):
            lock_path.rmdir()
    lock = FileLock(str(lock_path))
    try:
        with lock.acquire(timeout=timeout):
            yield
    except Timeout as exc:
        raise ModelError(f"{root}: another install holds the store lock") from exc
    except IsADirectoryError as exc:
        raise ModelError(f"{lock_path}: is a directory, not the store's lock file") from exc
    except OSError as exc:
        raise _unwritable(root, exc) from exc


def _unwritable(root: Path, exc: OSError) -> InputError:
    return InputError(f"{root}: cannot write in the models directory ({exc.strerror or exc})")


def _try_flock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting; False when another holds it."""
    try:
        import fcntl
    except ImportError:  # no flock here: treat every entry as alive (never clean)
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return True  # os.kill would kill it; be conservative
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, someone else's
    return True


def _owner_dead(entry: Path, pid: int) -> bool:
    """True when the process that made a litter entry is gone: its pid is not running and
    nobody holds the entry's lock (the owner holds it while it lives)."""
    if _pid_alive(pid):
        return False
    lock = entry / _OWNER if entry.is_dir() else entry
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:  # no lock file: not one of ours (or unreadable): leave it, unless empty
        with contextlib.suppress(OSError):
            return entry.is_dir() and not any(entry.iterdir())
        return False
    try:
        return _try_flock(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _owned_dir(root: Path, kind: str) -> Iterator[Path]:
    """A ``.KIND-PID-*`` folder in the store, locked by us while it exists; removed after."""
    try:
        path = Path(tempfile.mkdtemp(prefix=f".{kind}-{os.getpid()}-", dir=root))
        fd = os.open(path / _OWNER, os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as exc:
        raise _unwritable(root, exc) from exc
    _try_flock(fd)
    try:
        yield path
    finally:
        _delete_owned(path)
        os.close(fd)


def _delete_owned(path: Path) -> None:
    """Delete a transaction folder, its owner lock last: killed half-way, it is still ours."""
    with contextlib.suppress(OSError):
        for child in path.iterdir():
            if child.name == _OWNER:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        (path / _OWNER).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.rmdir()


def _ino(path: Path) -> list[int]:
    st = path.lstat()
    return [st.st_dev, st.st_ino]


def _litter(root: Path) -> list[tuple[Path, int]]:
    out = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = _LITTER.match(entry.name)
        if match:
            out.append((entry, int(match.group(2))))
    return out


def _recover(root: Path, wait: float) -> None:
    """Finish or roll back what dead installs left, and delete their litter (only ours).

    ``wait``: how long to wait for the store lock (0 for listing: a live install holding it
    is no reason to wait; the next operation recovers).
    """
    dead = [entry for entry, pid in _litter(root) if _owner_dead(entry, pid)]
    if not dead:
        return
    try:
        with _locked(root, timeout=wait):
            for entry, pid in _litter(root):
                if not _owner_dead(entry, pid):
                    continue
                if entry.is_dir() and (entry / _JOURNAL).is_file():
                    _settle(root, entry)
                if entry.is_dir() and not entry.is_symlink():
                    _delete_owned(entry)
                else:
                    entry.unlink(missing_ok=True)
    except (AlignError, OSError):
        pass  # a read-only store, or a live install holds the lock: later


def _settle(root: Path, txn: Path) -> None:
    """Finish (the new package is in place) or roll back (it is not) one install's swap."""
    try:
        journal = json.loads((txn / _JOURNAL).read_text(encoding="utf-8"))
        final = root / journal["name"]
        new_ino = journal["new"]
        replaces = journal["replaces"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    committed = final.exists() and _ino(final) == new_ino
    old = txn / _OLD
    if committed:  # finish: move out what it replaces, if still in the store
        old.mkdir(exist_ok=True)
        for item in replaces:
            here = root / item["name"]
            if item["name"] != journal["name"] and here.exists() and _ino(here) == item["ino"]:
                os.replace(here, old / item["name"])
    else:  # roll back: put back what was moved aside
        for item in replaces:
            aside = old / item["name"]
            here = root / item["name"]
            if aside.exists() and _ino(aside) == item["ino"] and not os.path.lexists(here):
                os.replace(aside, here)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM for the few renames of a swap (delivered right after)."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask"):
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    else:
        yield


def _swap(root: Path, txn: Path, staged: Path, name: str, olds: list[PackageState]) -> Path:
    """Put ``staged`` in the store as ``name``, replacing ``olds``; atomic, journalled."""
    final = root / name
    replaces = [{"name": s.folder, "ino": _ino(Path(s.path))} for s in olds]
    journal = {"name": name, "new": _ino(staged), "replaces": replaces}
    tmp = txn / f"{_JOURNAL}.tmp"
    tmp.write_text(json.dumps(journal), encoding="utf-8")
    os.replace(tmp, txn / _JOURNAL)
    _step("journal")
    old = txn / _OLD
    old.mkdir()
    try:
        with _signals_deferred():
            if os.path.lexists(final):  # the same name is installed: one of olds (checked)
                if _exchange(staged, final):
                    _step("exchanged")
                    os.replace(staged, old / name)
                else:
                    os.replace(final, old / name)
                    _step("old-aside")
                    os.replace(staged, final)
            else:
                os.replace(staged, final)
            _step("committed")
            for s in olds:
                if s.folder != name:
                    os.replace(s.path, old / s.folder)
                    _step("old-out")
    except BaseException as exc:
        with contextlib.suppress(OSError):
            _settle(root, txn)
        if isinstance(exc, OSError):
            raise _unwritable(root, exc) from exc
        raise
    return final


# ---------------------------------------------------------------------------------------------
# Install


def _safe_members(archive: zipfile.ZipFile, name: str) -> str:
    """Validate every member of an archive; return its single top-level folder name."""
    tops = set()
    for info in archive.infolist():
        member = info.filename
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveError(f"{name}: unsafe archive, member {member!r} is a symbolic link")
        parts = Path(member).parts
        if member.startswith(("/", "\\")) or (parts and ":" in parts[0]) or ".." in parts:
            raise ArchiveError(
                f"{name}: unsafe archive, member {member!r} escapes the package folder"
            )
        if parts:
            tops.add(parts[0])
    if len(tops) != 1:
        raise ArchiveError(f"{name}: expected one top-level package folder, found {len(tops)}")
    return tops.pop()


def _too_big(name: str, size: float, limit: int) -> ArchiveError:
    return ArchiveError(
        f"{name}: unpacks to more than {_mb(limit)} (at least {_mb(size)})",
        f"if you trust it: --max-size or ${ENV_MAX_SIZE}",
    )


def _too_compressed(name: str, size: float, packed: int, ratio: float) -> ArchiveError:
    return ArchiveError(
        f"{name}: unpacks to {_mb(size)} from {_mb(packed)}, more than {ratio:g} times its size "
        "(a zip bomb?)",
        f"if you trust it: --max-ratio or ${ENV_MAX_RATIO}",
    )


def _extract(
    archive: zipfile.ZipFile, packed: int, dest: Path, name: str, max_size: int, max_ratio: float
) -> None:
    """Unpack the top folder's contents into ``dest``, counting what is really written.

    ``packed``: the archive's size in bytes. The declared sizes are checked first, and the
    bytes really written are counted too, since declared sizes can lie.
    """
    import zlib

    packed = max(1, packed)
    declared = sum(info.file_size for info in archive.infolist())
    if declared > max_size:
        raise _too_big(name, declared, max_size)
    if declared > _RATIO_FLOOR and declared > packed * max_ratio:
        raise _too_compressed(name, declared, packed, max_ratio)
    total = 0
    for info in archive.infolist():
        rel = Path(info.filename).parts[1:]
        target = dest.joinpath(*rel) if rel else dest
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        if not rel:
            raise ArchiveError(f"{name}: the archive's top-level entry is not a folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            out = open(target, "wb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise ModelError(f"{target.parent}: cannot unpack ({exc.strerror})") from exc
        with out:
            try:
                with archive.open(info) as src:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        total += len(chunk)
                        if written > info.file_size:
                            raise ArchiveError(
                                f"{name}: member {info.filename!r} is larger than it declares"
                            )
                        if total > max_size:
                            raise _too_big(name, total, max_size)
                        if total > _RATIO_FLOOR and total > packed * max_ratio:
                            raise _too_compressed(name, total, packed, max_ratio)
                        try:
                            out.write(chunk)
                        except OSError as exc:
                            raise ModelError(
                                f"{target.parent}: cannot unpack ({exc.strerror})"
                            ) from exc
            except zipfile.BadZipFile as exc:
                raise ArchiveError(f"{name}: archive is corrupt ({exc})") from exc
            except (EOFError, NotImplementedError, ValueError, zlib.error) as exc:
                raise ArchiveError(f"{name}: archive is corrupt or truncated ({exc})") from exc


def install_from_path(
    archive_path: str | os.PathLike[str],
    directory: str | os.PathLike[str] | None = None,
    *,
    max_size: int | None = None,
    max_ratio: float | None = None,
    label: str | None = None,
) -> InstalledPackage:
    """Install an ``.argosmodel`` file safely; return what was installed.

    An installed package of the same pair is replaced atomically (see the module's contract).
    ``max_size``/``max_ratio``: limits on what it unpacks to (defaults: $ALIGN_MAX_PACKAGE_SIZE,
    $ALIGN_MAX_PACKAGE_RATIO, else 2 GB and 20x).
    """
    src = Path(archive_path)
    name = label or str(archive_path)
    if not src.exists():
        raise InputError(f"{name}: no such file")
    if src.is_dir():
        raise InputError(f"{name}: is a directory, not an .argosmodel file")
    limit, ratio = max_package_size(max_size), max_package_ratio(max_ratio)
    root = models_dir(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(root, exc) from exc
    try:
        archive = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{name}: not a valid .argosmodel (zip) archive ({exc})") from exc
    _recover(root, wait=10.0)
    with archive, _owned_dir(root, "install") as txn:
        _safe_members(archive, name)
        staged = txn / _STAGED
        staged.mkdir()
        _extract(archive, src.stat().st_size, staged, name, limit, ratio)
        info = _describe(staged, name)
        # Argos's own loader must accept it too (it reads metadata and the tokenizer).
        argos_package_module(root).Package(staged)
        check_loads(staged, name)
        final_name = folder_name(read_metadata(staged, name))
        with _locked(root):
            states = scan(root)
            olds = [s for s in states if (s.from_code, s.to_code) == (info.from_code, info.to_code)]
            final = root / final_name
            if os.path.lexists(final) and final_name not in {s.folder for s in olds}:
                raise ModelError(
                    f"{final}: exists and is not a package for "
                    f"{info.source} -> {info.target}; not replacing it",
                    "move it away and install again",
                )
            path = _swap(root, txn, staged, final_name, olds)
            installed = replace(info, path=str(path), size=_dir_size(path))
    return installed


def find_package(
    source: str, target: str, directory: str | os.PathLike[str] | None = None
) -> InstalledPackage | None:
    src, tgt = langs.normalize(source), langs.normalize(target)
    for pkg in list_packages(directory):
        if pkg.source == src and pkg.target == tgt:
            return pkg
    return None


def _pair_of(state: PackageState) -> tuple[str, str] | None:
    try:
        return langs.from_argos(state.from_code).code, langs.from_argos(state.to_code).code
    except AlignError:
        return None


def remove(
    source: str, target: str, directory: str | os.PathLike[str] | None = None
) -> InstalledPackage:
    """Remove the installed package(s) for a pair, working or broken; return the first.

    Raises :class:`ModelError` when there is none.
    """
    root = models_dir(directory)
    src, tgt = langs.normalize(source), langs.normalize(target)
    with _locked(root):
        found = [s for s in scan(root) if s.from_code and _pair_of(s) == (src, tgt)]
        if not found:
            raise ModelError(f"no installed package for {src} -> {tgt}", "see: align models list")
        with _owned_dir(root, "remove") as trash:
            for s in found:
                try:
                    os.replace(s.path, trash / s.folder)
                except OSError as exc:
                    raise _unwritable(root, exc) from exc
    first = found[0]
    if first.package is not None:
        return first.package
    return InstalledPackage(
        source=src,
        target=tgt,
        name=f"translate-{first.from_code}_{first.to_code}",
        version="",
        path=first.path,
        size=0,
        from_code=first.from_code,
        to_code=first.to_code,
    )


# ---------------------------------------------------------------------------------------------
# The Argos package index (online)


def index_url(directory: str | os.PathLike[str] | None = None) -> str:
    """The package index: ``$ALIGN_ARGOS_INDEX``, else argostranslate's (``$ARGOS_PACKAGE_INDEX``
    + ``index.json``)."""
    env = os.environ.get(ENV_INDEX)
    if env:
        return env
    argos_package_module(models_dir(directory))
    from argostranslate import settings

    url: str = settings.remote_package_index
    return url


_OFFLINE_HINT = "offline? install from a file: align models install PATH.argosmodel"


def _fetch(url: str, timeout: float) -> bytes:
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "align"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(_MAX_INDEX_BYTES + 1)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise OfflineError(
            f"cannot reach the Argos package index ({reason})", _OFFLINE_HINT
        ) from exc
    if len(data) > _MAX_INDEX_BYTES:
        raise ModelError(f"{url}: the package index is larger than {_mb(_MAX_INDEX_BYTES)}")
    return data


def _download(links: list[str], out: IO[bytes], timeout: float, limit: int, what: str) -> None:
    """Stream the first link that works into ``out``; check the length the server announced."""
    import http.client
    import urllib.error
    import urllib.request

    errors = []
    for url in links:
        out.seek(0)
        out.truncate()
        request = urllib.request.Request(url, headers={"User-Agent": "align"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                expected = int(length) if length and length.isdigit() else None
                if expected is not None and expected > limit:
                    raise _too_big(what, expected, limit)
                got = 0
                while chunk := response.read(1 << 20):
                    got += len(chunk)
                    if got > limit:
                        raise _too_big(what, got, limit)
                    out.write(chunk)
            if expected is not None and got != expected:
                errors.append(f"{url}: truncated, {got} of {expected} bytes")
                continue
            out.flush()
            return
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            errors.append(f"{url}: {reason}")
    raise OfflineError(
        f"download of {what} failed ({'; '.join(errors) or 'no links'})", _OFFLINE_HINT
    )


def install_from_index(
    source: str,
    target: str,
    directory: str | os.PathLike[str] | None = None,
    *,
    max_size: int | None = None,
    max_ratio: float | None = None,
) -> InstalledPackage:
    """Download the package for a pair from the Argos package index and install it (online only).

    The index is ``$ALIGN_ARGOS_INDEX`` or argostranslate's; every network operation waits at
    most ``$ALIGN_NETWORK_TIMEOUT`` seconds (15). The download streams into a
    ``.download-PID-*`` file in the store (removed after, or by the next operation if killed),
    must be as long as the server said, and is then installed like a file.
    """
    import urllib.parse

    root = models_dir(directory)
    timeout = network_timeout()
    limit = max_package_size(max_size)
    url = index_url(root)
    package = argos_package_module(root)
    try:
        index = json.loads(_fetch(url, timeout))
    except ValueError as exc:
        raise ModelError(f"{url}: the package index is not valid JSON ({exc})") from exc
    if not isinstance(index, list):
        raise ModelError(f"{url}: the package index is not a JSON list")
    from_code, to_code = langs.to_argos(source), langs.to_argos(target)
    candidates = [
        package.AvailablePackage(meta)
        for meta in index
        if isinstance(meta, dict)
        and meta.get("from_code") == from_code
        and meta.get("to_code") == to_code
    ]
    if not candidates:
        raise ModelError(f"the Argos package index has no package for {source} -> {target}")
    from packaging.version import InvalidVersion, Version

    def version(p: Any) -> Version:
        try:
            return Version(p.package_version)
        except InvalidVersion:
            return Version("0")

    best = max(candidates, key=version)
    what = f"{package.argospm_package_name(best)} {best.package_version}".strip()
    # Links may be relative to the index (a mirror); only http(s), or the index's own scheme.
    schemes = {"http", "https", urllib.parse.urlsplit(url).scheme}
    links = [urllib.parse.urljoin(url, str(link)) for link in best.links or []]
    links = [link for link in links if urllib.parse.urlsplit(link).scheme in schemes]
    root.mkdir(parents=True, exist_ok=True)
    _recover(root, wait=10.0)
    fd, tmp = tempfile.mkstemp(prefix=f".download-{os.getpid()}-", suffix=".argosmodel", dir=root)
    _try_flock(fd)
    try:
        with os.fdopen(fd, "w+b") as fh:
            _download(links, fh, timeout, limit, what)
            return install_from_path(tmp, root, max_size=max_size, max_ratio=max_ratio, label=what)
    finally:
        Path(tmp).unlink(missing_ok=True)

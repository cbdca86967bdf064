"""What is installed: each package folder's metadata and state (cheap structural checks of the
model and tokenizer, remembered load failures), the scan and list of the store, a real load."""

from __future__ import annotations

import contextlib
import json
import os
import re
import struct
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from align import languages as langs
from align.errors import AlignError, ArchiveError
from align.store.settings import argos_package_module, models_dir
from align.store.transactions import _recover

# A remembered load failure, inside the package folder (so removing the package removes it).
_FAILURE = ".align-load-failure.json"


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


def find_package(
    source: str, target: str, directory: str | os.PathLike[str] | None = None
) -> InstalledPackage | None:
    src, tgt = langs.normalize(source), langs.normalize(target)
    for pkg in list_packages(directory):
        if pkg.source == src and pkg.target == tgt:
            return pkg
    return None

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

Install is safe: the archive is checked (zip integrity, no absolute paths, no
``..`` members, no symlinks, exactly one top folder, a valid ``metadata.json``,
a CTranslate2 model and a tokenizer), extracted into a temporary folder beside
the store and renamed into place under a file lock. An interrupted or corrupt
install leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from align import languages as langs
from align.errors import ArchiveError, InputError, ModelError, OfflineError

ENV_MODELS_DIR = "ALIGN_MODELS_DIR"
_LOCK = ".lock"
_NETWORK_TIMEOUT = 15.0


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


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def read_metadata(folder: Path) -> dict[str, Any]:
    meta_path = folder / "metadata.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArchiveError(f"{folder.name}: no metadata.json in the package") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"{folder.name}: metadata.json is not valid JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise ArchiveError(f"{folder.name}: metadata.json is not a JSON object")
    if meta.get("type", "translate") != "translate":
        raise ArchiveError(f"{folder.name}: package type {meta.get('type')!r} is not 'translate'")
    for key in ("from_code", "to_code"):
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise ArchiveError(f"{folder.name}: metadata.json has no {key}")
    return meta


def _check_contents(folder: Path) -> str:
    """Check a package folder has a CTranslate2 model and a tokenizer; return the tokenizer kind."""
    if not (folder / "model" / "model.bin").is_file():
        raise ArchiveError(f"{folder.name}: no CTranslate2 model (model/model.bin) in the package")
    if (folder / "sentencepiece.model").is_file():
        return "sentencepiece"
    if (folder / "bpe.model").is_file():
        return "bpe"
    raise ArchiveError(f"{folder.name}: no tokenizer (sentencepiece.model or bpe.model)")


def _describe(folder: Path) -> InstalledPackage:
    meta = read_metadata(folder)
    tokenizer = _check_contents(folder)
    from_code, to_code = meta["from_code"], meta["to_code"]
    return InstalledPackage(
        source=langs.from_argos(from_code).code,
        target=langs.from_argos(to_code).code,
        name=f"translate-{from_code}_{to_code}",
        version=str(meta.get("package_version", "")),
        path=str(folder),
        size=_dir_size(folder),
        from_code=from_code,
        to_code=to_code,
        target_prefix=str(meta.get("target_prefix", "")),
        tokenizer=tokenizer,
    )


def list_packages(directory: str | os.PathLike[str] | None = None) -> list[InstalledPackage]:
    """Every valid package installed in the models directory, sorted by pair."""
    root = models_dir(directory)
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or not (folder / "metadata.json").is_file():
            continue
        try:
            out.append(_describe(folder))
        except ArchiveError:
            continue  # a broken folder is not offered; `install` replaces it
    return out


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / _LOCK))
    try:
        with lock.acquire(timeout=600):
            yield
    except Timeout as exc:
        raise ModelError(f"{root}: another install holds the store lock") from exc


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


def install_from_path(
    archive_path: str | os.PathLike[str],
    directory: str | os.PathLike[str] | None = None,
) -> InstalledPackage:
    """Install an ``.argosmodel`` file safely; return what was installed.

    An installed package of the same pair is replaced atomically.
    """
    src = Path(archive_path)
    name = str(archive_path)
    if not src.exists():
        raise InputError(f"{name}: no such file")
    if src.is_dir():
        raise InputError(f"{name}: is a directory, not an .argosmodel file")
    root = models_dir(directory)
    root.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(src)
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{name}: not a valid .argosmodel (zip) archive ({exc})") from exc
    with archive:
        top = _safe_members(archive, name)
        bad = archive.testzip()
        if bad is not None:
            raise ArchiveError(f"{name}: archive is corrupt (bad CRC in {bad!r})")
        with tempfile.TemporaryDirectory(prefix=".install-", dir=root) as tmp:
            try:
                archive.extractall(tmp)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ArchiveError(f"{name}: archive is corrupt or truncated ({exc})") from exc
            staged = Path(tmp) / top
            if not staged.is_dir():
                raise ArchiveError(f"{name}: the archive's top-level entry is not a folder")
            info = _describe(staged)
            # Argos's own loader must accept it too (it reads metadata and the tokenizer).
            argos_package_module(root).Package(staged)
            with _locked(root):
                for old in list_packages(root):
                    if old.from_code == info.from_code and old.to_code == info.to_code:
                        _remove_folder(Path(old.path), root)
                final = root / top
                if final.exists():
                    _remove_folder(final, root)
                os.replace(staged, final)
                installed = replace(info, path=str(final))
    return installed


def _remove_folder(folder: Path, root: Path) -> None:
    """Remove a package folder: rename it aside first so the removal itself is atomic."""
    trash = Path(tempfile.mkdtemp(prefix=".remove-", dir=root))
    os.replace(folder, trash / folder.name)
    shutil.rmtree(trash, ignore_errors=True)


def find_package(
    source: str, target: str, directory: str | os.PathLike[str] | None = None
) -> InstalledPackage | None:
    src, tgt = langs.normalize(source), langs.normalize(target)
    for pkg in list_packages(directory):
        if pkg.source == src and pkg.target == tgt:
            return pkg
    return None


def remove(
    source: str, target: str, directory: str | os.PathLike[str] | None = None
) -> InstalledPackage:
    """Remove the installed package for a pair; raise :class:`ModelError` when there is none."""
    root = models_dir(directory)
    pkg = find_package(source, target, root)
    if pkg is None:
        raise ModelError(
            f"no installed package for {langs.normalize(source)} -> {langs.normalize(target)}",
            "see: align models list",
        )
    with _locked(root):
        _remove_folder(Path(pkg.path), root)
    return pkg


def _fetch(url: str) -> bytes:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=_NETWORK_TIMEOUT) as response:
            data: bytes = response.read()
            return data
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OfflineError(
            f"cannot reach the Argos package index ({reason})",
            "offline? install from a file: align models install PATH.argosmodel",
        ) from exc


def install_from_index(
    source: str, target: str, directory: str | os.PathLike[str] | None = None
) -> InstalledPackage:
    """Download the package for a pair from the Argos package index and install it (online only)."""
    root = models_dir(directory)
    package = argos_package_module(root)
    from argostranslate import settings

    index = json.loads(_fetch(settings.remote_package_index))
    from_code, to_code = langs.to_argos(source), langs.to_argos(target)
    candidates = [
        package.AvailablePackage(meta)
        for meta in index
        if meta.get("from_code") == from_code and meta.get("to_code") == to_code
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
    from argostranslate import networking

    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(_NETWORK_TIMEOUT)
    try:
        data = networking.get_from(best.links, retry_count=1)
    finally:
        socket.setdefaulttimeout(old_timeout)
    if data is None:
        raise OfflineError(
            f"download of {package.argospm_package_name(best)} failed",
            "offline? install from a file: align models install PATH.argosmodel",
        )
    with tempfile.NamedTemporaryFile(suffix=".argosmodel", dir=root, prefix=".download-") as fh:
        fh.write(data)
        fh.flush()
        return install_from_path(fh.name, root)

"""Installing an archive (checked, unpacked under limits, really loaded, swapped in) and
removing a pair's packages."""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

from align import languages as langs
from align.errors import AlignError, ArchiveError, InputError, ModelError
from align.store.packages import (
    InstalledPackage,
    PackageState,
    _describe,
    _dir_size,
    check_loads,
    folder_name,
    read_metadata,
    scan,
)
from align.store.settings import (
    ENV_MAX_RATIO,
    ENV_MAX_SIZE,
    _mb,
    argos_package_module,
    max_package_ratio,
    max_package_size,
    models_dir,
)
from align.store.transactions import _STAGED, _locked, _owned_dir, _recover, _swap, _unwritable

# Below this many bytes unpacked the ratio is not checked (a tiny test package may compress well).
_RATIO_FLOOR = 32_000_000


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

"""Transactions of the store: its lock, the litter of dead processes (owned folders, pid and
flock), recovery from an install's journal, and the atomic, journalled swap."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from align.errors import AlignError, InputError, ModelError
from align.text import pid_alive

if TYPE_CHECKING:
    from align.store.packages import PackageState

_LOCK = ".lock"
# The transaction folders and download files of the store; PID is the owner's.
_LITTER = re.compile(r"^\.(install|remove|download)-(\d+)-[A-Za-z0-9_]+(\.argosmodel)?$")
_OWNER = "owner.lock"
_JOURNAL = "journal.json"
_STAGED = "package"
_OLD = "old"

# Test hook: called with the name of each step of an install's swap (tests kill the process there).
_STEP_HOOK: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if _STEP_HOOK is not None:
        _STEP_HOOK(name)


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


def _owner_dead(entry: Path, pid: int) -> bool:
    """True when the process that made a litter entry is gone: its pid is not running and
    nobody holds the entry's lock (the owner holds it while it lives)."""
    if pid_alive(pid):
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

"""Where results go: stdout, or a file written atomically, with the path checked before any work.

Every command that writes (``-o``, ``--save``, an output directory) checks its
output path here *before* it reads models or translates anything, so a bad
path costs nothing and never leaves a half-written file:

- an output that is one of the command's inputs is refused (it would be
  overwritten): the same file, or the same file under another name (a link);
- a file output that is a directory, or lies under a regular file, or in a
  directory we cannot write, is refused naming the path and the reason;
- an output directory that exists as a file is refused.

Each of these is an :class:`InputError` (exit 2): the path the user gave is
wrong. A write that fails while working (a full disk) is an
:class:`OutputError` (exit 1), raised by :func:`align.text.atomic_write`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from align.errors import InputError

STDOUT = "-"


def is_stdout(path: str | os.PathLike[str] | None) -> bool:
    return path is None or str(path) == STDOUT


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file: the same path once links are resolved, or (both
    existing) the same inode under two names. Neither has to exist."""
    a, b = Path(a), Path(b)
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _writable_ancestor(path: Path, shown: str) -> None:
    """The nearest existing ancestor of ``path`` must be a directory we may write in."""
    parent = path.absolute().parent
    while not parent.exists():
        if parent.is_symlink():  # a dangling link: creating under it would fail
            raise InputError(f"{shown}: {parent} is a broken symbolic link")
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(
            f"{shown}: cannot create it, {parent} is a file, not a directory",
            "give a path inside a directory",
        )
    _probe(parent, shown)


def _probe(directory: Path, shown: str) -> None:
    """Create and remove a file in ``directory``: the one sure test that it can be written
    (``os.access`` says yes to root even where an immutable or read-only mount says no)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".align-probe.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"{shown}: cannot write in {directory} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)


def check_output_file(
    path: str | os.PathLike[str] | None,
    *,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    option: str = "-o",
) -> Path | None:
    """Check a file output before any work is done; ``None`` for stdout.

    Raises :class:`InputError` when ``path`` is an input, a directory, under a
    regular file, or in a directory that cannot be written.
    """
    if is_stdout(path):
        return None
    assert path is not None
    shown = str(path)
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{shown}: is a directory", f"give a file name to {option}")
    for inp in inputs:
        if is_stdout(inp):
            continue
        assert inp is not None
        if same_file(p, Path(inp)):
            raise InputError(
                f"{shown}: is also an input ({inp}); writing it would overwrite the input",
                f"give another {option}",
            )
    if p.exists() and not os.access(p, os.W_OK):
        raise InputError(f"{shown}: cannot write it (permission denied)")
    _writable_ancestor(p, shown)
    return p


def check_output_dir(
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    option: str = "-o",
) -> Path:
    """Check an output directory before any work: not a file, creatable, holding no input."""
    shown = str(path)
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"{shown}: exists and is not a directory", f"give another {option}")
    if p.is_dir():
        _probe(p, shown)
    else:
        _writable_ancestor(p, shown)
    for inp in inputs:
        if is_stdout(inp):
            continue
        assert inp is not None
        if Path(inp).absolute().parent.resolve() == p.absolute().resolve():
            raise InputError(
                f"{shown}: holds the input {inp}; outputs could overwrite it",
                f"give another {option}",
            )
    return p


def check_outputs_distinct(
    outputs: Iterable[str | os.PathLike[str]],
    inputs: Iterable[str | os.PathLike[str] | None],
    option: str = "-o",
) -> None:
    """No output path (of several a command will write) is one of its inputs."""
    ins = [Path(i) for i in inputs if not is_stdout(i) and i is not None]
    for out in outputs:
        for inp in ins:
            if same_file(Path(out), inp):
                raise InputError(
                    f"{out}: is also an input ({inp}); writing it would overwrite the input",
                    f"give another {option}",
                )


@contextlib.contextmanager
def open_output(
    path: str | os.PathLike[str] | None,
    *,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    option: str = "-o",
) -> Iterator[IO[str]]:
    """stdout for ``None`` or ``-``, else the file, checked and written atomically.

    Call :func:`check_output_file` earlier (before the work) to fail fast; this
    checks again, since it is cheap.
    """
    target = check_output_file(path, inputs=inputs, option=option)
    if target is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from align.text import atomic_write

    with atomic_write(target) as fh:
        yield fh

"""Documents with structure: read the translatable units, write the same structure back, check it.

One module per format (:data:`FORMATS`), each with ``read(path) -> Document``.
A :class:`Document` holds its :class:`~align.documents.inline.Unit` s (text
with inline markup as :class:`~align.documents.inline.Tag` s), ``render`` s
itself with translations into bytes of the same format, and ``check`` s such
bytes by parsing them again: every translatable unit has a translation, every
tag of a source is in its target, nothing marked do-not-translate changed.
:func:`translate_file` ties it together for ``align translate``; plain text
stays with :mod:`align.translate.document`.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from align.documents.inline import Translated, Unit, empty_pairs
from align.errors import InputError, OutputError

# format -> module (each has read(path) -> Document)
FORMATS: dict[str, str] = {
    "xliff": "align.documents.xliff",
    "po": "align.documents.po",
    "srt": "align.documents.subtitles",
    "vtt": "align.documents.subtitles",
    "html": "align.documents.html",
    "markdown": "align.documents.markdown",
    "docx": "align.documents.docx",
}
EXTENSIONS: dict[str, str] = {
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".po": "po",
    ".pot": "po",
    ".srt": "srt",
    ".vtt": "vtt",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
}
# Document formats people have that are not handled (yet): refused by name, not read as text.
UNSUPPORTED = (".doc", ".odt", ".pptx", ".ppt", ".xlsx", ".epub", ".pdf", ".rtf")
INPUT_FORMATS = ("auto", "text", *FORMATS)


class Document(Protocol):
    format: str
    path: str
    source_lang: str | None  # as the file declares it, if it does
    units: list[Unit]

    def extension(self) -> str:
        """The output's extension (``.po`` for a ``.pot``)."""
        ...

    def render(self, target: str, translations: dict[int, Translated]) -> bytes:
        """The document with ``translations`` (unit index -> parts) filled in, for ``target``."""
        ...

    def check(self, data: bytes, translations: dict[int, Translated]) -> list[str]:
        """Parse ``data`` again and list what is wrong (``unit: problem``), nothing when fine."""
        ...


def supported() -> str:
    return "text, " + ", ".join(FORMATS)


def input_format(path: str, given: str = "auto") -> str:
    """The format of ``path``: ``given``, else from its extension (``text`` for the rest)."""
    if given != "auto":
        if given not in INPUT_FORMATS:
            raise InputError(f"unknown input format {given!r}", f"use one of {supported()}")
        return given
    suffix = Path(path).suffix.lower()
    if suffix in UNSUPPORTED:
        raise InputError(
            f"{path}: {suffix} files cannot be translated yet",
            f"align translates these formats: {supported()}",
        )
    return EXTENSIONS.get(suffix, "text")


def read_document(path: str, fmt: str) -> Document:
    """Read ``path`` as ``fmt``: :class:`InputError` (exit 2) for a malformed file."""
    if path == "-":
        raise InputError(f"{fmt} documents are read from a file, not stdin", "give the file")
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    module = importlib.import_module(FORMATS[fmt])
    doc: Document = module.read(path, fmt)
    return doc


@dataclass
class Check:
    """What the check of one written document found."""

    path: str
    format: str
    units: int = 0
    translated: int = 0
    kept: int = 0  # existing translations kept
    untranslatable: int = 0  # marked do-not-translate, or no text
    moved: list[str] = field(default_factory=list)  # tags placed by projection
    failed: list[str] = field(default_factory=list)  # "unit: problem"

    def summary(self) -> str:
        line = (
            f"{self.path}: {self.format}, {self.units} units: {self.translated} translated, "
            f"{self.kept} kept, {self.untranslatable} not to translate; "
        )
        if self.moved:
            line += f"tags placed by projection in {len(self.moved)} ({_few(self.moved)}); "
        if self.failed:
            return line + f"{len(self.failed)} FAILED: {_few(self.failed)}"
        return line + "checked: every unit translated, every tag kept"


def _few(items: Sequence[str], n: int = 5) -> str:
    head = ", ".join(items[:n])
    return head + (f", ... {len(items) - n} more" if len(items) > n else "")


def to_translate(doc: Document, overwrite: bool) -> list[int]:
    """The indices of the units that go to the engine."""
    return [
        i
        for i, u in enumerate(doc.units)
        if u.translate and u.has_text() and (overwrite or not u.existing)
    ]


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file beside it, renamed into place)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise InputError(f"{path}: cannot write it ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: writing failed ({exc.strerror or exc})") from exc
        raise


def check_document(
    doc: Document, data: bytes, translations: dict[int, Translated], path: str, overwrite: bool
) -> Check:
    """Count the units and run the format's check on the bytes about to be written."""
    check = Check(path=path, format=doc.format, units=len(doc.units))
    for i, u in enumerate(doc.units):
        if i in translations:
            check.translated += 1
            if translations[i].moved:
                empty = empty_pairs(u.parts, translations[i].parts)
                note = f": {empty} tag{'s' if empty > 1 else ''} left empty" if empty else ""
                check.moved.append(u.label + note)
        elif u.translate and u.has_text() and u.existing and not overwrite:
            check.kept += 1
        else:
            check.untranslatable += 1
    check.failed = doc.check(data, translations)
    return check

"""Apertium: the rule-based engine, run through its own command-line pipeline in batch.

Apertium is a shallow-transfer machine-translation system shipped by Debian
(``apt-get install apertium apertium-eng-spa ...``; ``make apertium`` does it).
Its output is rougher than a neural model's, but it is fast, deterministic and
fully offline, and it reaches languages no installed Argos package covers.

How a document goes through it:

* **One process per call.** :meth:`ApertiumTranslator.translate` starts
  ``apertium -f txt -u MODE`` once for all the sentences it is given, never
  once per sentence.
* **Sentence boundaries survive the pipe.** Each sentence is put on one line
  (its inner whitespace collapsed to single spaces) and sentences are separated
  by a blank line. Apertium's text deformatter treats a blank line as a
  paragraph break: no transfer rule crosses it, and it comes back as a blank
  line. The output is split at blank lines and the count checked; a mismatch is
  an :class:`~align.errors.EngineError`, never a silently shifted alignment.
  Blank (whitespace-only) sentences are not sent and come back as ``""``.
  A blank Apertium leaves before ``.`` or ``,`` (from a dropped word) is
  removed when the source had none there.
* **Unknown words are not marked.** By default ``-u`` is passed: a word
  Apertium does not know is copied as it is, without the ``*`` prefix, because
  the output feeds alignment and scoring, where ``*`` marks are noise. Pass
  ``--mark-unknown`` (``align translate``, ``align run``), ``DecodeOptions(mark_unknown=True)``,
  ``mark_unknown=True``, or set ``ALIGN_APERTIUM_MARK_UNKNOWN=1`` to see them;
  the signature records the choice (``unk:plain`` / ``unk:marked``), so the
  translation cache keeps marked and plain output apart. :func:`marked_words`
  lists the marked words of an output and :func:`strip_marks` removes the marks.

Mode names (``eng-spa``, ``es-fr``, ``eng-cat_valencia``) map to edge codes
through :mod:`align.languages`; see :func:`mode_pair` for which regional and
orthographic variants are offered.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align import languages as langs
from align.errors import EngineError, LanguageError
from align.text import squash_spaces
from align.translate.engine import DecodeOptions, Pair, signature_of

EXECUTABLE = "apertium"
# Where Debian installs the pairs; versions come from dpkg only for data found here.
SYSTEM_DATADIR = Path("/usr/share/apertium")
SEPARATOR = "\n\n"
# Installed modes that are not offered as translation pairs: Debian's apertium-rus-ukr
# (0.2.1) returns nothing for ordinary sentences, in both directions, or its tagger aborts.
# `make apertium` installs the package for its two morphological analysers, which language
# detection reads (align.detect_evidence.LEXICONS); its translation modes stay hidden.
# Debian's apertium-hbs-slv (0.1.0) reads the commonest Croatian word, "je" (is), as a
# noun and writes "#podplat" ("sole") for it in nearly every sentence; its Slovenian ->
# Croatian mode (slv-hbs_HR) is rough but readable and is offered.
UNRELIABLE_MODES = frozenset({"rus-ukr", "ukr-rus", "hbs-slv"})
MARK_UNKNOWN_ENV = "ALIGN_APERTIUM_MARK_UNKNOWN"

# The variant suffixes (after "_" in a mode name) that are offered, per target
# language, as the edge code they translate into. Every other suffix (spelling
# norms such as _iec2017, _pre2017, _PTpre1990, _uni, and _US English) is left
# out on purpose: the unsuffixed mode is the language's default.
VARIANTS: dict[tuple[str, str], str] = {
    ("pt", "BR"): "pt-BR",
    ("ca", "valencia"): "ca-valencia",
}

# Apertium's codes for a macrolanguage the table splits. ``hbs`` (Serbo-Croatian) is read
# as Croatian when it is a source (its analysers read Latin script, as Croatian, Bosnian
# and Latin Serbian are written; Serbian is Cyrillic in the table); as a target only the
# Croatian standard (``_HR``) is offered: its ``_SR`` output is Latin-script Serbian and
# the table has no Bosnian, so those and the unsuffixed mode are left out.
MACRO_SOURCES: dict[str, str] = {"hbs": "hr"}
MACRO_TARGETS: dict[tuple[str, str], str] = {("hbs", "HR"): "hr"}

# How long the pipeline gets to exit after SIGTERM before its process group is killed.
TERM_GRACE_SECONDS = 2.0

_INSTALL_HINT = "list installed modes with `apertium -l`; install pairs with `make apertium`"
_DATA_DIR_RE = re.compile(r"(/[^'\"\s]*/(apertium-[A-Za-z0-9_-]+))/")


def mode_pair(mode: str) -> tuple[str, str] | None:
    """The (source, target) edge codes of an Apertium mode, or ``None`` when it is not offered.

    ``eng-spa`` -> (en, es); ``es-fr`` -> (es, fr); ``es-pt_BR`` -> (es, pt-BR);
    ``eng-cat_valencia`` -> (en, ca-valencia); ``slv-hbs_HR`` -> (sl, hr) and
    ``hbs-eng`` -> (hr, en) (:data:`MACRO_SOURCES`). ``None`` for modes with an
    unlisted variant suffix (``spa-cat_iec2017``), with other than two language
    parts (``eco-es-fr``), or naming a language not in :mod:`align.languages`.
    """
    base_name, _, variant = mode.partition("_")
    parts = base_name.split("-")
    if len(parts) != 2:
        return None
    if parts[1] in MACRO_SOURCES:  # a macrolanguage target: only its listed standards
        macro = MACRO_TARGETS.get((parts[1], variant))
        if macro is None:
            return None
        parts[1], variant = macro, ""
    try:
        source = langs.get(MACRO_SOURCES.get(parts[0], parts[0])).code
        target = langs.get(parts[1]).code
    except LanguageError:
        return None
    if source == target:
        return None
    if variant:
        variant_code = VARIANTS.get((target, variant))
        if variant_code is None:
            return None
        target = variant_code
    return source, target


def modes_dir() -> Path | None:
    """Where the installed modes are (``$APERTIUM_DATADIR/modes``), or ``None``."""
    datadir = os.environ.get("APERTIUM_DATADIR")
    if datadir:
        path = Path(datadir) / "modes"
    else:
        exe = shutil.which(EXECUTABLE)
        if exe is None:
            return None
        path = Path(exe).resolve().parent.parent / "share" / "apertium" / "modes"
    return path if path.is_dir() else None


def _package_versions() -> dict[str, str]:
    """Installed Debian package versions of ``apertium-*`` (empty when dpkg is absent)."""
    if shutil.which("dpkg-query") is None:
        return {}
    try:
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f=${Package}\t${Version}\n", "apertium-*"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return {}
    versions = {}
    for line in proc.stdout.splitlines():
        name, _, version = line.partition("\t")
        if version:
            versions[name] = version
    return versions


def _is_system(mode_file: Path | str) -> bool:
    return Path(mode_file).parent.parent == SYSTEM_DATADIR


def _dir_size(path: Path) -> int:
    try:
        return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    except OSError:
        return 0


def stderr_line(stderr: str) -> str:
    """The line of Apertium's stderr that says what went wrong."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Error:"):
            return line.removesuffix(" Try one of:")
    return lines[-1] if lines else "no message on stderr"


# Apertium's marks without -u: * unknown word, # generation error, @ transfer error.
_MARK = re.compile(r"(?<![\w*#@])[*#@](\w[\w'’-]*)")


def marked_words(text: str, source: str = "") -> list[str]:
    """The words Apertium marked in ``text`` (``*word``, ``#word``, ``@word``), in order, once
    each; a mark already in ``source`` (``*emphasis*`` in Markdown) is not Apertium's."""
    out: list[str] = []
    for m in _MARK.finditer(text):
        word = m.group(1)
        if word not in out and m.group(0) not in source:
            out.append(word)
    return out


def strip_marks(text: str, source: str = "") -> str:
    """``text`` without Apertium's marks (``*overestimate`` -> ``overestimate``); marks that
    were already in ``source`` stay."""
    return _MARK.sub(lambda m: m.group(0) if m.group(0) in source else m.group(1), text)


def signature_marks_unknown(signature: str) -> bool:
    """Whether a translation signature says the (last) hop kept Apertium's unknown-word marks."""
    last = signature.rsplit(">>", 1)[-1]
    return "engine:apertium" in last and "unk:marked" in last


_SPACE_BEFORE_STOP = re.compile(r" +([.,])(?=\s|$)")


def _tidy(source: str, output: str) -> str:
    """Apertium's output on one line, without the blank it leaves before ``.``/``,``.

    Dropped words (``It's`` -> ``Es``) leave their blank behind, so ``good day.``
    can come back as ``día bueno .``. The blank is removed unless the source
    itself had one there (``wait ...``).
    """
    output = squash_spaces(output)
    if not _SPACE_BEFORE_STOP.search(source):
        output = _SPACE_BEFORE_STOP.sub(r"\1", output)
    return output


def _prepare(sentence: str) -> str:
    """One sentence as one line: NULs and inner whitespace (newlines too) become single spaces;
    no-break spaces stay (Apertium keeps them: ``10 km``)."""
    return squash_spaces(sentence.replace("\x00", " "))


# The watchdog of one pipeline: it blocks reading a pipe whose only writer is the parent.
# One byte means "done, leave it"; end of file without one means the parent died (even by
# SIGKILL, which no handler sees): then it kills the pipeline's process group.
_WATCHDOG = """
import os, signal, sys
if not sys.stdin.buffer.read(1):
    try:
        os.killpg(int(sys.argv[1]), signal.SIGKILL)
    except OSError:
        pass
"""


def run_pipeline(command: Sequence[str], payload: str) -> tuple[int, str, str]:
    """Run ``command`` with ``payload`` on stdin: (exit status, stdout, stderr).

    The ``apertium`` script starts a pipe of a dozen processes (lt-proc, apertium-transfer,
    ...). They run in their own session and process group, which ends with the parent:
    on any exception here (KeyboardInterrupt, which SIGTERM becomes at the CLI edge)
    the group gets SIGTERM, then SIGKILL after :data:`TERM_GRACE_SECONDS`; if the
    parent dies without running any code (SIGKILL), a watchdog process kills the group.
    """
    proc = subprocess.Popen(
        list(command),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    watchdog = _start_watchdog(proc.pid)
    try:
        stdout, stderr = proc.communicate(payload)
    except BaseException:
        _end_group(proc)
        raise
    finally:
        _stop_watchdog(watchdog)
    return proc.returncode, stdout, stderr


def _start_watchdog(pgid: int) -> subprocess.Popen[bytes] | None:
    try:
        # Its own session too, so a Ctrl-C at the terminal (SIGINT to the foreground group)
        # or a SIGTERM to the parent's group cannot end the watchdog before it acts.
        return subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WATCHDOG, str(pgid)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:  # no watchdog: the group still ends with the parent, unless SIGKILLed
        return None


def _stop_watchdog(watchdog: subprocess.Popen[bytes] | None) -> None:
    if watchdog is None or watchdog.stdin is None:
        return
    try:
        watchdog.stdin.write(b"x")
        watchdog.stdin.close()
    except OSError:
        pass
    watchdog.wait()


def _end_group(proc: subprocess.Popen[str]) -> None:
    """End the pipeline's process group: SIGTERM (apertium removes its temporary file), then
    SIGKILL for whatever is left after :data:`TERM_GRACE_SECONDS`."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=TERM_GRACE_SECONDS)
    except (OSError, subprocess.TimeoutExpired, KeyboardInterrupt):
        pass
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)  # stages still alive after the leader exited
    proc.wait()


@dataclass
class ApertiumTranslator:
    """Translates with one Apertium mode; one ``apertium`` process per :meth:`translate` call."""

    pair: Pair
    mark_unknown: bool = False
    executable: str = EXECUTABLE
    source: str = field(init=False)
    target: str = field(init=False)

    def __post_init__(self) -> None:
        self.source = self.pair.source
        self.target = self.pair.target

    @property
    def signature(self) -> str:
        sig = f"{signature_of(self.pair)}|unk:{'marked' if self.mark_unknown else 'plain'}"
        if self.pair.path and not _is_system(self.pair.path):
            # Data built or unpacked by hand: no package version, so say where it was.
            sig += f"|datadir:{Path(self.pair.path).parent.parent}"
        return sig

    def command(self) -> list[str]:
        cmd = [self.executable, "-f", "txt"]
        if self.pair.path:  # the data directory the mode was found in
            cmd += ["-d", str(Path(self.pair.path).parent.parent)]
        if not self.mark_unknown:
            cmd.append("-u")
        cmd.append(self.pair.name)
        return cmd

    def translate(self, sentences: Sequence[str]) -> list[str]:
        lines = [_prepare(s) for s in sentences]
        slots = [i for i, line in enumerate(lines) if line]
        out = [""] * len(lines)
        if not slots:
            return out
        payload = SEPARATOR.join(lines[i] for i in slots) + "\n"
        mode = self.pair.name
        try:
            returncode, stdout, stderr = run_pipeline(self.command(), payload)
        except OSError as exc:
            raise EngineError(
                f"apertium mode {mode}: cannot run {self.executable!r}: {exc.strerror or exc}",
                _INSTALL_HINT,
            ) from exc
        if returncode != 0:
            raise EngineError(
                f"apertium mode {mode} failed (exit {returncode}): {stderr_line(stderr)}",
                _INSTALL_HINT,
            )
        # The apertium script exits 0 even when a stage of its pipe fails, so the
        # output itself is checked: one non-empty piece per sentence sent.
        pieces = stdout.rstrip("\n").split(SEPARATOR) if stdout.strip() else []
        if len(pieces) != len(slots) or not all(p.strip() for p in pieces):
            got = sum(1 for p in pieces if p.strip())
            raise EngineError(
                f"apertium mode {mode} failed: {len(slots)} sentences in, {got} out: "
                f"{stderr_line(stderr)}",
                _INSTALL_HINT,
            )
        for i, piece in zip(slots, pieces, strict=True):
            out[i] = _tidy(lines[i], piece)
        return out


class ApertiumEngine:
    """The installed Apertium modes as translation pairs (``kind="rule-based"``).

    ``models_dir`` is accepted for the common engine interface and not used:
    Apertium's data lives where the distribution installs it
    (``$APERTIUM_DATADIR``, default ``/usr/share/apertium``).
    """

    name = "apertium"
    kind = "rule-based"

    def __init__(self, models_dir: str | None = None, *, mark_unknown: bool | None = None) -> None:
        self.models_dir = models_dir
        if mark_unknown is None:
            mark_unknown = os.environ.get(MARK_UNKNOWN_ENV, "") not in ("", "0", "false", "no")
        self.mark_unknown = mark_unknown
        self._pairs: list[Pair] | None = None

    def available(self) -> bool:
        return shutil.which(EXECUTABLE) is not None and modes_dir() is not None

    def pairs(self) -> list[Pair]:
        if self._pairs is None:
            self._pairs = self._scan()
        return list(self._pairs)

    def _scan(self) -> list[Pair]:
        directory = modes_dir()
        if directory is None or shutil.which(EXECUTABLE) is None:
            return []
        versions = _package_versions()
        found: dict[tuple[str, str], Pair] = {}
        for mode_file in sorted(directory.glob("*.mode")):
            mode = mode_file.stem
            codes = mode_pair(mode)
            if codes is None or mode in UNRELIABLE_MODES:
                continue
            try:
                text = mode_file.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            match = _DATA_DIR_RE.search(text)
            package = match.group(2) if match else ""
            pair = Pair(
                engine=self.name,
                source=codes[0],
                target=codes[1],
                name=mode,
                version=versions.get(package, "") if _is_system(mode_file) else "",
                kind=self.kind,
                path=str(mode_file),
                size=_dir_size(Path(match.group(1))) if match else 0,
            )
            # Two modes for one direction (old two-letter and new three-letter
            # names): keep the three-letter one, Apertium's current naming.
            old = found.get(codes)
            if old is None or len(mode.split("-")[0]) > len(old.name.split("-")[0]):
                found[codes] = pair
        return sorted(found.values(), key=lambda p: (p.source, p.target))

    def translator(self, pair: Pair, options: DecodeOptions | None = None) -> ApertiumTranslator:
        """A translator for ``pair`` (``options`` do not apply to a rule-based engine)."""
        if pair.engine != self.name:
            raise EngineError(f"pair {pair.name} belongs to engine {pair.engine!r}, not apertium")
        mark = self.mark_unknown
        if options is not None and options.mark_unknown is not None:
            mark = options.mark_unknown
        return ApertiumTranslator(pair, mark_unknown=mark)

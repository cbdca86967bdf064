"""The reliability contract, as one table: (command x bad input or fault) -> exit code and message.

Every case runs the real ``align`` in a subprocess, in a scratch directory holding
good and bad inputs, and checks the whole contract at once:

- the exit code (2 usage or input error, 1 failure while working);
- stderr is exactly one line, ``align: error: ...`` holding the expected words,
  and never a traceback;
- nothing was written: the scratch directory holds the same files with the same
  bytes as before (inputs unchanged, no output, no temporary litter).

docs/reliability.md lists these cases; a new command or fault adds a row here.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import CORPORA


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    code: int
    words: str  # expected in the one stderr line
    stdin: bytes | None = None


def _files(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """Good and bad inputs side by side."""
    en = (CORPORA / "yunqi-2024" / "speech.en.txt").read_text(encoding="utf-8")
    zh = (CORPORA / "yunqi-2024" / "speech.zh.txt").read_text(encoding="utf-8")
    (tmp_path / "speech.en.txt").write_text(en, encoding="utf-8")
    (tmp_path / "speech.zh.txt").write_text(zh, encoding="utf-8")
    lines = [line for line in en.splitlines() if line.strip()]
    (tmp_path / "ref.txt").write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    (tmp_path / "short.txt").write_text("\n".join(lines[:19]) + "\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "latin1.txt").write_bytes("café crème\nnaïve\n".encode("latin-1"))
    (tmp_path / "dir").mkdir()
    (tmp_path / "plain").write_text("a regular file\n", encoding="utf-8")
    (tmp_path / "gold.beads").write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    (tmp_path / "bad.argosmodel").write_bytes(b"PK\x03\x04 not really a zip")
    yield tmp_path


EN = "speech.en.txt"
ZH = "speech.zh.txt"
BAD_INPUTS = [
    ("missing", "nope.txt", "no such file"),
    ("empty", "empty.txt", "is empty"),
    ("binary", "binary.bin", "binary"),
    ("not-utf8", "latin1.txt", "not UTF-8"),
    ("directory", "dir", "is a directory"),
]


def _cases() -> list[Case]:
    cases: list[Case] = []
    for fault, path, words in BAD_INPUTS:
        cases += [
            Case(f"detect-{fault}", ("detect", path), 2, words),
            Case(
                f"translate-{fault}",
                ("translate", path, "--from", "en", "--to", "es"),
                2,
                # a directory is a corpus job's input (docs/scale.md): to stdout it is refused
                "a corpus job writes files" if fault == "directory" else words,
            ),
            Case(f"sentences-{fault}", ("sentences", path, EN), 2, words),
            Case(f"compare-{fault}", ("compare", EN, path), 2, words),
            Case(f"score-hyp-{fault}", ("score", "--ref", "ref.txt", "--hyp", path), 2, words),
            Case(
                f"run-{fault}", ("run", path, "--from", "en", "--to", "es", "-o", "out"), 2, words
            ),
        ]
    cases += [
        # a corpus job over an empty directory: nothing to translate, nothing written
        Case(
            "translate-empty-directory",
            ("translate", "dir", "--from", "en", "--to", "es", "-o", "out"),
            2,
            "holds no file",
        ),
        # an output that is an input would overwrite it
        Case("detect-o-is-input", ("detect", EN, "-o", EN), 2, "is also an input"),
        Case(
            "translate-o-is-input",
            ("translate", EN, "--from", "en", "--to", "es", "-o", EN),
            2,
            "is also an input",
        ),
        Case("sentences-o-is-input", ("sentences", ZH, EN, "-o", EN), 2, "is also an input"),
        Case(
            "run-o-holds-input",
            ("run", EN, "--from", "en", "--to", "es", "-o", "."),
            2,
            "holds the input",
        ),
        # outputs that cannot be files
        Case("detect-o-is-dir", ("detect", EN, "-o", "dir"), 2, "is a directory"),
        Case("sentences-o-is-dir", ("sentences", ZH, EN, "-o", "dir"), 2, "is a directory"),
        Case("detect-o-under-file", ("detect", EN, "-o", "plain/x.tsv"), 2, "is a file"),
        Case(
            "translate-o-under-file",
            ("translate", EN, "--from", "en", "--to", "es", "-o", "plain/x.txt"),
            2,
            "is a file",
        ),
        Case("sentences-o-under-file", ("sentences", ZH, EN, "-o", "plain/x"), 2, "is a file"),
        Case(
            "translate-two-targets-o-file",
            ("translate", EN, "--from", "en", "--to", "es", "--to", "fr", "-o", "plain"),
            2,
            "need a directory",
        ),
        Case(
            "run-o-is-file",
            ("run", EN, "--from", "en", "--to", "es", "-o", "plain"),
            2,
            "not a directory",
        ),
        # click's own usage errors, in the same one-line form
        Case("usage-unknown-option", ("translate", EN, "--bogus"), 2, "No such option"),
        Case("usage-missing-option", ("translate", EN), 2, "Missing option '--to'"),
        Case("usage-unknown-command", ("frobnicate",), 2, "No such command"),
        Case("usage-bad-choice", ("detect", EN, "--by", "word"), 2, "Invalid value for '--by'"),
        Case("usage-out-of-range", ("detect", EN, "--top", "99"), 2, "Invalid value for '--top'"),
        # unknown languages
        Case(
            "translate-unknown-target",
            ("translate", EN, "--from", "en", "--to", "klingon"),
            2,
            "klingon",
        ),
        Case(
            "translate-unknown-source",
            ("translate", EN, "--from", "xx-yy", "--to", "en"),
            2,
            "xx-yy",
        ),
        Case("detect-unknown-candidate", ("detect", EN, "--langs", "en,klingon"), 2, "klingon"),
        Case(
            "sentences-unknown-lang", ("sentences", ZH, EN, "--src-lang", "klingon"), 2, "klingon"
        ),
        # mismatched inputs
        Case("score-line-counts", ("score", "--ref", "ref.txt", "--hyp", "short.txt"), 2, "lines"),
        Case("eval-align-counts", ("eval-align", "--gold", "gold.beads"), 2, "Missing option"),
        # models
        Case("models-install-corrupt", ("models", "install", "bad.argosmodel"), 2, "not a valid"),
        Case("models-install-missing", ("models", "install", "nope.argosmodel"), 2, "no such file"),
        Case(
            "translate-stdin-auto",
            ("translate", "-", "--to", "en"),
            2,
            "--from auto needs a file",
            b"hello\n",
        ),
        Case("translate-empty-stdin", ("detect",), 2, "is empty", b""),
    ]
    return cases


CASES = _cases()


def run_align(
    args: tuple[str, ...], cwd: Path, stdin: bytes | None = None, models: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    if models is not None:
        env["ALIGN_MODELS_DIR"] = str(models)
    return subprocess.run(
        [sys.executable, "-m", "align", *args],
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[bytes], code: int, words: str) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert result.returncode == code, (result.returncode, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("align: error: "), err
    assert words in lines[0], err
    return lines[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_contract(case: Case, scratch: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    models = tmp_path_factory.mktemp("store")  # an empty store: never the real one
    before = _files(scratch)
    result = run_align(case.args, scratch, case.stdin, models=models)
    assert_one_line_error(result, case.code, case.words)
    assert _files(scratch) == before, "the command wrote or changed something"
    assert result.stdout == b"", "nothing goes to stdout on an error"


def _immutable(path: Path) -> bool:
    """Make a directory read-only even for root (chattr +i); False where that is impossible."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    return done.returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ("detect", EN, "-o", "ro/out.tsv"),
        ("sentences", ZH, EN, "-o", "ro/out.beads"),
        ("translate", EN, "--from", "en", "--to", "es", "-o", "ro/out.txt"),
        ("translate", EN, "--from", "en", "--to", "es", "--to", "ca", "-o", "ro"),
        ("score", "--ref", "ref.txt", "--hyp", "hyp.txt", "-o", "ro/score.json"),
        ("run", EN, "--from", "en", "--to", "es", "-o", "ro/run"),
        ("models", "install", "bad.argosmodel", "--models-dir", "ro/models"),
    ],
    ids=["detect", "sentences", "translate", "translate-dir", "score", "run", "models"],
)
def test_read_only_output_directory(args: tuple[str, ...], scratch: Path) -> None:
    """A directory nobody may write in (immutable, so root is refused too): one line, exit 2."""
    ro = scratch / "ro"
    ro.mkdir()
    if os.geteuid() == 0:
        if not _immutable(ro):
            pytest.skip("chattr +i is not available here (needs root on ext2/3/4, xfs, btrfs)")
    else:
        ro.chmod(0o555)
    try:
        before = _files(scratch)
        result = run_align(args, scratch)
        line = assert_one_line_error(result, 2, "ro")
        assert "permission" in line.lower() or "not permitted" in line.lower(), line
        assert _files(scratch) == before
    finally:
        subprocess.run(["chattr", "-i", str(ro)], capture_output=True)
        ro.chmod(0o755)


def test_dead_process_temporaries_are_cleaned(tmp_path: Path) -> None:
    """A ``.NAME.PID.*.tmp`` left by a killed writer goes with the next write; a live one stays."""
    from align.text import write_text_atomic

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    litter = tmp_path / f".out.txt.{dead_pid}.abcd1234.tmp"
    litter.write_text("half a file")
    alive = tmp_path / f".out.txt.{os.getpid()}.zzzz9999.tmp"
    alive.write_text("another writer, still running")
    other = tmp_path / f".other.txt.{dead_pid}.abcd1234.tmp"
    other.write_text("not ours to judge: another file's temporary")
    write_text_atomic(tmp_path / "out.txt", "done\n")
    assert (tmp_path / "out.txt").read_text() == "done\n"
    assert not litter.exists()
    assert alive.exists()
    assert other.exists()


def test_killed_writer_leaves_no_partial_output(tmp_path: Path) -> None:
    """SIGKILL in the middle of an atomic write: the target never exists half-written, and the
    next write removes the dead writer's temporary."""
    import signal
    import time

    script = (
        "import sys, time\n"
        "from align.text import atomic_write\n"
        "with atomic_write(sys.argv[1]) as fh:\n"
        "    fh.write('partial'); fh.flush(); print('writing', flush=True); time.sleep(60)\n"
    )
    target = tmp_path / "result.txt"
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not target.exists()
    leftovers = list(tmp_path.glob(".result.txt.*.tmp"))
    assert len(leftovers) == 1
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the pid must be reaped before it counts as dead
        from align.text import pid_alive

        if not pid_alive(proc.pid):
            break
        time.sleep(0.05)
    from align.text import write_text_atomic

    write_text_atomic(target, "whole\n")
    assert target.read_text() == "whole\n"
    assert list(tmp_path.glob(".result.txt.*.tmp")) == []

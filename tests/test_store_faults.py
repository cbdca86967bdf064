"""The store under faults (issue 11): kills during reinstall, packages that cannot load, archives
that name their own folder, broken packages in the store, zip bombs, dead litter.

Every test works on a copy of the real zh->en package (or its archive) in a tmp store; the
kills are real signals sent to real ``align models install`` subprocesses.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from align import store
from align.errors import ArchiveError
from storekit import (
    REAL_NAME,
    align_cmd,
    argos_rows,
    build_archive,
    litter,
    real_archive,
    real_store,
    translate_one,
)

MARKER = "this-is-the-old-copy"


def entries(store_dir: Path) -> list[str]:
    """What a store holds, but its lock file (made by the first locked operation)."""
    return sorted(p.name for p in store_dir.iterdir() if p.name != ".lock")


def zh_en_ok(store_dir: Path) -> list[dict[str, object]]:
    """The store lists exactly one working zh->en package; return the argos rows."""
    rows = argos_rows(store_dir)
    zh_en = [r for r in rows if r["pair"] == "zh-Hans->en"]
    assert len(zh_en) == 1, rows
    assert zh_en[0].get("state", "ok") == "ok", rows
    return rows


def start_install(store_dir: Path, archive: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "align",
            "models",
            "install",
            str(archive),
            "--models-dir",
            str(store_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(proc: subprocess.Popen[str], seen: object, limit: float = 60.0) -> bool:
    """Poll until ``seen()`` is true (True) or the process ended first (False)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if callable(seen) and seen():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError("the install neither reached the moment nor ended")


def _staging(store_dir: Path) -> bool:
    return any(p.name.startswith(".install-") for p in store_dir.iterdir())


def _trash(store_dir: Path) -> bool:
    # the old code's trash folder, or an old package moved aside inside an install's folder
    return any(p.name.startswith(".remove-") for p in store_dir.iterdir()) or any(
        store_dir.glob(".install-*/old/*")
    )


MOMENTS = ["staging", "trash", 0.3, 0.8, 1.5, 2.2, "random"]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
@pytest.mark.parametrize("moment", MOMENTS, ids=[str(m) for m in MOMENTS])
def test_killed_reinstall_keeps_a_working_package(
    tmp_path: Path, sig: signal.Signals, moment: object
) -> None:
    """Item 1 and 11: kill a reinstall over an installed copy at several moments; the store
    still offers a working zh->en package, translates, and holds no litter."""
    store_dir = real_store(tmp_path / "models")
    (store_dir / REAL_NAME / MARKER).write_text("old")
    proc = start_install(store_dir, real_archive())
    if moment == "staging":
        reached = wait_for(proc, lambda: _staging(store_dir))
    elif moment == "trash":
        reached = wait_for(proc, lambda: _trash(store_dir))
    else:
        delay = random.uniform(0.2, 2.5) if moment == "random" else float(str(moment))
        print(f"killing after {delay:.2f} s")  # shown when the test fails
        time.sleep(delay)
        reached = True
    if reached and proc.poll() is None:
        proc.send_signal(sig)
    proc.communicate(timeout=120)
    zh_en_ok(store_dir)
    assert litter(store_dir) == []
    assert entries(store_dir) == [REAL_NAME]
    assert translate_one(store_dir).strip()


# Each step of the swap, killed there for real (SIGKILL from a hook in the subprocess).
KILL_AT = textwrap.dedent(
    """
    import os, signal, sys
    from align.store import transactions
    step, exchange = sys.argv[1], sys.argv[2] == "1"
    def hook(name):
        if name == step:
            os.kill(os.getpid(), signal.SIGKILL)
    transactions._STEP_HOOK = hook
    if not exchange:
        transactions._exchange = lambda a, b: False
    from align.cli import main
    sys.argv = ["align", "models", "install", sys.argv[3], "--models-dir", sys.argv[4]]
    main()
    """
)


@pytest.mark.parametrize(
    ("step", "exchange", "installed_as", "expect_new"),
    [
        ("journal", True, REAL_NAME, False),  # journal written, nothing moved: roll back
        ("exchanged", True, REAL_NAME, True),  # new in place (exchange), old aside: finish
        ("old-aside", False, REAL_NAME, False),  # no exchange: old aside, new not in: roll back
        ("committed", False, REAL_NAME, True),
        ("committed", True, "translate-zh_en-1_8", True),  # new in, old (1.8) still there
        ("old-out", True, "translate-zh_en-1_8", True),
    ],
)
def test_kill_at_each_step_of_the_swap_is_finished_or_rolled_back(
    tmp_path: Path, step: str, exchange: bool, installed_as: str, expect_new: bool
) -> None:
    version = installed_as.rsplit("-", 1)[1].replace("_", ".")
    store_dir = real_store(tmp_path / "models", installed_as, package_version=version)
    (store_dir / installed_as / MARKER).write_text("old")
    args = [step, "1" if exchange else "0", str(real_archive()), str(store_dir)]
    result = subprocess.run(
        [sys.executable, "-c", KILL_AT, *args], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert litter(store_dir)  # the kill left its transaction behind ...
    rows = zh_en_ok(store_dir)  # ... which the next operation settles
    assert litter(store_dir) == []
    (row,) = [r for r in rows if r["pair"] == "zh-Hans->en"]
    folder = Path(str(row["path"]))
    if expect_new:
        assert folder.name == REAL_NAME and not (folder / MARKER).exists()
    else:
        assert folder.name == installed_as and (folder / MARKER).exists()
    assert entries(store_dir) == [folder.name]
    assert translate_one(store_dir).strip()


def test_live_install_staging_is_not_cleaned_by_a_concurrent_list(tmp_path: Path) -> None:
    """Item 11: only a dead owner's litter is removed; a user's look-alike folders stay."""
    store_dir = tmp_path / "models"
    store_dir.mkdir()
    for name in (".install-notes", ".install-1-abc", ".download-mine.txt"):  # pid 1 is alive
        (store_dir / name).mkdir()
    proc = start_install(store_dir, real_archive())
    assert wait_for(proc, lambda: len(litter(store_dir)) > 3)
    staging = [n for n in litter(store_dir) if n.startswith(f".install-{proc.pid}-")]
    assert staging
    store.list_packages(store_dir)
    assert argos_rows(store_dir) is not None
    if proc.poll() is None:  # still installing: its staging must be there
        assert (store_dir / staging[0]).is_dir()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    zh_en_ok(store_dir)
    assert litter(store_dir) == [".download-mine.txt", ".install-1-abc", ".install-notes"]


# --- Item 2: a package that cannot load is refused, the installed one untouched ---------------


def garbage_zh_en(path: Path) -> Path:
    """The issue's 727-byte archive: zh->en metadata, garbage model and tokenizer."""
    meta = {"package_version": "2.0", "from_code": "zh", "to_code": "en", "type": "translate"}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("translate-zh_en-2_0/metadata.json", json.dumps(meta))
        zf.writestr("translate-zh_en-2_0/model/model.bin", b"garbage " * 8)
        zf.writestr("translate-zh_en-2_0/sentencepiece.model", b"garbage " * 2)
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("garbage", "cannot be loaded"),
        ("model", "CTranslate2 model cannot be loaded"),
        ("tokenizer", "SentencePiece tokenizer cannot be loaded"),
        ("truncated", "CTranslate2 model cannot be loaded"),
        ("config", "CTranslate2 model cannot be loaded"),
    ],
)
def test_package_that_cannot_load_is_refused_and_the_working_one_kept(
    tmp_path: Path, kind: str, message: str
) -> None:
    store_dir = real_store(tmp_path / "models")
    before = {p.name: p.stat().st_ino for p in (store_dir / REAL_NAME).rglob("*")}
    archive = tmp_path / "bad.argosmodel"
    model_bin = (store_dir / REAL_NAME / "model" / "model.bin").read_bytes()
    zh_en = {"from_code": "zh", "to_code": "en", "package_version": "2.0"}
    if kind == "garbage":
        garbage_zh_en(archive)
    elif kind == "model":
        build_archive(archive, replace={"model/model.bin": b"\x06\x00\x00\x00garbage"}, **zh_en)
    elif kind == "tokenizer":
        build_archive(archive, replace={"sentencepiece.model": b"\x0a\x03abc" * 10}, **zh_en)
    elif kind == "truncated":
        build_archive(
            archive, replace={"model/model.bin": model_bin[: len(model_bin) // 2]}, **zh_en
        )
    else:
        build_archive(archive, replace={"model/config.json": b"{not json"}, **zh_en)
    result = align_cmd("models", "install", str(archive), "--models-dir", str(store_dir))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("align: error: "), result.stderr
    assert message in lines[0]
    after = {p.name: p.stat().st_ino for p in (store_dir / REAL_NAME).rglob("*")}
    assert after == before
    assert entries(store_dir) == [REAL_NAME]
    zh_en_ok(store_dir)
    assert translate_one(store_dir).strip()


# --- Item 3: the installed folder is named from the metadata, never from the archive ----------


@pytest.mark.parametrize("top", [".lock", "README.md", ".install-1-x"])
def test_archive_top_folder_cannot_name_store_files(tmp_path: Path, top: str) -> None:
    store_dir = tmp_path / "models"
    store_dir.mkdir()
    (store_dir / "README.md").write_text("the store's own README\n")
    archive = build_archive(tmp_path / "p.argosmodel", top=top, from_code="de", to_code="fr")
    pkg = store.install_from_path(archive, store_dir)
    assert Path(pkg.path) == store_dir / "translate-de_fr-1_9"
    assert (store_dir / ".lock").is_file()
    assert (store_dir / "README.md").read_text() == "the store's own README\n"
    assert entries(store_dir) == [
        "README.md",
        "translate-de_fr-1_9",
    ]
    # and the store keeps working: another install, a remove
    store.install_from_path(archive, store_dir)
    store.remove("de", "fr", store_dir)
    assert store.list_packages(store_dir) == []


def test_archive_named_like_another_pair_does_not_replace_it(tmp_path: Path) -> None:
    store_dir = real_store(tmp_path / "models")
    archive = build_archive(tmp_path / "p.argosmodel", top=REAL_NAME, from_code="en", to_code="de")
    result = align_cmd("models", "install", str(archive), "--models-dir", str(store_dir))
    assert result.returncode == 0, result.stderr
    rows = argos_rows(store_dir)
    assert sorted(str(r["pair"]) for r in rows) == ["en->de", "zh-Hans->en"]
    assert entries(store_dir) == [
        "translate-en_de-1_9",
        REAL_NAME,
    ]
    assert translate_one(store_dir).strip()


def test_a_users_folder_with_the_package_name_is_never_replaced(tmp_path: Path) -> None:
    store_dir = tmp_path / "models"
    (store_dir / "translate-de_fr-1_9").mkdir(parents=True)
    (store_dir / "translate-de_fr-1_9" / "notes.txt").write_text("mine")
    archive = build_archive(tmp_path / "p.argosmodel", from_code="de", to_code="fr")
    result = align_cmd("models", "install", str(archive), "--models-dir", str(store_dir))
    assert result.returncode == 1, result.stderr
    assert "exists and is not a package for de -> fr" in one_line(result)
    assert (store_dir / "translate-de_fr-1_9" / "notes.txt").read_text() == "mine"
    assert entries(store_dir) == ["translate-de_fr-1_9"]


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("align: error: "), result.stderr
    return lines[0]


def test_folder_name_is_sanitised() -> None:
    assert store.folder_name({"from_code": "zh", "to_code": "en", "package_version": "1.9"}) == (
        "translate-zh_en-1_9"
    )
    assert store.folder_name(
        {"from_code": "../..", "to_code": "/etc", "package_version": ".."}
    ) == ("translate-_etc")


# --- Item 6: a broken package in the store does not poison planning ---------------------------


def broken_store(tmp_path: Path) -> Path:
    """The real zh->en package, plus en->de with a garbage model and tokenizer."""
    store_dir = real_store(tmp_path / "models")
    bad = store_dir / "translate-en_de-1_0"
    (bad / "model").mkdir(parents=True)
    meta = {"package_version": "1.0", "from_code": "en", "to_code": "de", "type": "translate"}
    (bad / "metadata.json").write_text(json.dumps(meta))
    (bad / "model" / "model.bin").write_bytes(b"garbage " * 8)
    (bad / "sentencepiece.model").write_bytes(b"garbage " * 2)
    return store_dir


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "warning" in line]


def test_broken_package_is_skipped_with_one_warning(tmp_path: Path) -> None:
    store_dir = broken_store(tmp_path)
    text = tmp_path / "in.zh.txt"
    text.write_text("今天天气很好。\n我们明天去公园。\n", encoding="utf-8")
    env = {"ALIGN_MODELS_DIR": str(store_dir)}
    ok = align_cmd("translate", str(text), "--from", "zh", "--to", "en", env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.isascii() and "park" in ok.stdout.lower()
    (warning,) = _warnings(ok.stderr)
    assert warning.startswith("align: warning: ") and "translate-en_de-1_0" in warning
    assert "Traceback" not in ok.stderr
    # planning through it (zh -> en -> de) and to it: one error line, one warning, no traceback
    for target in ("de",):
        bad = align_cmd(
            "translate", str(text), "--from", "zh", "--to", target, "--engine", "argos", env=env
        )
        assert bad.returncode == 1, bad.stderr
        assert "Traceback" not in bad.stderr
        errors = [line for line in bad.stderr.splitlines() if line.startswith("align: error: ")]
        assert len(errors) == 1 and len(_warnings(bad.stderr)) == 1, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 2


def test_models_list_shows_broken_state_and_remove_removes_it(tmp_path: Path) -> None:
    store_dir = broken_store(tmp_path)
    notok = store_dir / "translate-de_fr-1_0"
    (notok / "model").mkdir(parents=True)
    (notok / "metadata.json").write_text(json.dumps({"from_code": "de", "to_code": "fr"}))
    shutil_copy = (store_dir / REAL_NAME / "model" / "model.bin").read_bytes()
    (notok / "model" / "model.bin").write_bytes(shutil_copy)  # no tokenizer
    rows = {str(r["package"]): r for r in argos_rows(store_dir)}
    assert rows["translate-zh_en"]["state"] == "ok"
    assert str(rows["translate-en_de-1_0"]["state"]).startswith("broken: ")
    assert "not a CTranslate2 model" in str(rows["translate-en_de-1_0"]["state"])
    assert "no tokenizer" in str(rows["translate-de_fr-1_0"]["state"])
    for source, target, folder in (("de", "fr", notok.name), ("en", "de", "translate-en_de-1_0")):
        result = align_cmd("models", "remove", source, target, "--models-dir", str(store_dir))
        assert result.returncode == 0, result.stderr
        assert not (store_dir / folder).exists()
    zh_en_ok(store_dir)
    assert entries(store_dir) == [REAL_NAME]


def test_load_failure_found_by_check_is_remembered(tmp_path: Path) -> None:
    """A package that passes the cheap checks but cannot load: ``models list --check`` finds
    it and remembers, so planning skips it afterwards; replacing its files forgets."""
    store_dir = real_store(tmp_path / "models", "translate-en_de-1_0", from_code="en", to_code="de")
    real_store(store_dir)
    config = store_dir / "translate-en_de-1_0" / "model" / "config.json"
    good_config = config.read_bytes()
    config.write_bytes(b"{not json")
    assert {str(r["pair"]): r["state"] for r in argos_rows(store_dir)}["en->de"] == "ok"
    checked = align_cmd(
        "models", "list", "--check", "--format", "json", "--models-dir", str(store_dir)
    )
    assert checked.returncode == 0, checked.stderr
    state = {r["pair"]: r["state"] for r in json.loads(checked.stdout)}
    assert str(state["en->de"]).startswith("broken: failed to load: ")
    assert state["zh-Hans->en"] == "ok"
    assert [s.folder for s in store.broken_packages(store_dir)] == ["translate-en_de-1_0"]
    assert [p.pair for p in store.list_packages(store_dir)] == ["zh-Hans-en"]
    config.unlink()
    config.write_bytes(good_config)
    os.utime(
        store_dir / "translate-en_de-1_0" / "model" / "model.bin"
    )  # files changed: judge afresh
    assert store.broken_packages(store_dir) == []


def test_unknown_language_in_metadata_is_broken_not_a_crash(tmp_path: Path) -> None:
    store_dir = real_store(tmp_path / "models", "translate-xx_en-1_0", from_code="qqq")
    (state,) = store.scan(store_dir)
    assert not state.ok and "unknown language" in state.problem
    assert store.list_packages(store_dir) == []


# --- Item 14: uncompressed-size limits --------------------------------------------------------


def bomb(path: Path, size: int = 60_000_000) -> Path:
    meta = {"package_version": "1.0", "from_code": "de", "to_code": "fr", "type": "translate"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("translate-de_fr-1_0/metadata.json", json.dumps(meta))
        zf.writestr("translate-de_fr-1_0/sentencepiece.model", b"\x0a\x00")
        with zf.open("translate-de_fr-1_0/model/model.bin", "w") as out:
            block = b"\x00" * 1_000_000
            for _ in range(size // len(block)):
                out.write(block)
    return path


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    archive = bomb(tmp_path / "bomb.argosmodel")
    assert archive.stat().st_size < 1_000_000
    store_dir = tmp_path / "models"
    result = align_cmd("models", "install", str(archive), "--models-dir", str(store_dir))
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("align: error: ") and "times its size" in line and "--max-ratio" in line
    assert store.list_packages(store_dir) == [] and litter(store_dir) == []
    # the override lets it through the size check (then it fails as what it is: no model)
    result = align_cmd(
        "models", "install", str(archive), "--max-ratio", "100000", "--models-dir", str(store_dir)
    )
    assert result.returncode == 2 and "times its size" not in result.stderr
    assert litter(store_dir) == []


def test_size_limit_and_its_overrides(tmp_path: Path) -> None:
    store_dir = tmp_path / "models"
    overrides: list[tuple[list[str], dict[str, str]]] = [
        (["--max-size", "10M"], {}),
        ([], {"ALIGN_MAX_PACKAGE_SIZE": "10M"}),
    ]
    for extra, env in overrides:
        result = align_cmd(
            "models",
            "install",
            str(real_archive()),
            *extra,
            "--models-dir",
            str(store_dir),
            env=env,
        )
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert "unpacks to more than 10.0 MB" in line and "--max-size" in line
        assert not store_dir.exists() or litter(store_dir) == []
    with pytest.raises(ArchiveError, match="unpacks to more than"):
        store.install_from_path(real_archive(), store_dir, max_size=50_000_000)
    pkg = store.install_from_path(real_archive(), store_dir, max_size=100_000_000)
    assert pkg.size > 80_000_000


def test_lying_declared_size_is_caught_while_unpacking(tmp_path: Path) -> None:
    """The central directory says 1 KB; the member really holds 20 MB of zeros."""
    archive = bomb(tmp_path / "liar.argosmodel", size=20_000_000)
    data = bytearray(archive.read_bytes())
    real = (20_000_000).to_bytes(4, "little")
    lie = (1000).to_bytes(4, "little")
    count = 0
    for marker, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(marker)
        while pos != -1:
            if data[pos + offset : pos + offset + 4] == real:
                data[pos + offset : pos + offset + 4] = lie
                count += 1
            pos = data.find(marker, pos + 4)
    assert count >= 1
    archive.write_bytes(bytes(data))
    store_dir = tmp_path / "models"
    with pytest.raises(ArchiveError, match="corrupt|larger than it declares"):
        store.install_from_path(archive, store_dir, max_ratio=1e9)
    assert store.list_packages(store_dir) == [] and litter(store_dir) == []


def test_parse_size() -> None:
    assert store.parse_size("2000") == 2000
    assert store.parse_size("500M") == 500_000_000
    assert store.parse_size("1.5GB") == 1_500_000_000
    with pytest.raises(Exception, match="not a size"):
        store.parse_size("lots")


def test_a_package_that_fails_to_load_at_translate_time_is_one_line_and_remembered(
    tmp_path: Path,
) -> None:
    """A tokenizer cut in half passes the store's cheap checks; the translation that loads it
    fails with one line (no traceback), and the failure is remembered, so the next plan skips
    the package with a warning instead of loading it again."""
    from storekit import align_cmd, real_store

    store = real_store(tmp_path / "store")
    spm = store / "translate-zh_en-1_9" / "sentencepiece.model"
    data = spm.read_bytes()
    spm.write_bytes(data[: len(data) // 2])
    src = tmp_path / "in.zh.txt"
    src.write_text("今天天气很好。\n", encoding="utf-8")
    args = ("translate", str(src), "--from", "zh", "--to", "en", "--engine", "argos", "--no-cache")
    first = align_cmd(*args, "--models-dir", str(store))
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr
    assert first.stderr.count("\n") == 1, first.stderr
    assert "cannot load its SentencePiece model" in first.stderr
    second = align_cmd(*args, "--models-dir", str(store))
    assert second.returncode == 1, second.stderr
    assert "Traceback" not in second.stderr
    assert "skipping the broken Argos package" in second.stderr
    assert "cannot translate zh-Hans -> en" in second.stderr

"""Helpers for the store tests: real packages, re-packed with other metadata, and real stores.

Everything is built from the real zh->en package (the installed copy in the models directory,
read only, and its archive in .cache/downloads); tests skip with a reason when it is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, zh_en_model_dir

MODEL_ARCHIVE = ROOT / ".cache" / "downloads" / "translate-zh_en-1_9.argosmodel"
REAL_NAME = "translate-zh_en-1_9"


def real_archive() -> Path:
    if not MODEL_ARCHIVE.is_file():
        pytest.skip(f"{MODEL_ARCHIVE} is absent (run: make models)")
    return MODEL_ARCHIVE


def real_package() -> Path:
    """The installed real zh->en package folder (never written to)."""
    return zh_en_model_dir()


def real_store(dest: Path, name: str = REAL_NAME, **meta: str) -> Path:
    """A store at ``dest`` holding a copy of the real package as ``name`` (metadata changed)."""
    dest.mkdir(parents=True, exist_ok=True)
    folder = dest / name
    shutil.copytree(real_package(), folder)
    if meta:
        data = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        data.update(meta)
        (folder / "metadata.json").write_text(json.dumps(data), encoding="utf-8")
    return dest


def build_archive(
    path: Path,
    *,
    top: str = "translate-de_fr-1_0",
    replace: dict[str, bytes | None] | None = None,
    **meta: str,
) -> Path:
    """The real package re-packed (stored, so it is quick) under ``top`` with metadata changed
    and files replaced (``None``: left out)."""
    src = real_package()
    data = json.loads((src / "metadata.json").read_text(encoding="utf-8"))
    data.update(meta)
    files: dict[str, bytes | Path | None] = {
        p.relative_to(src).as_posix(): p for p in sorted(src.rglob("*")) if p.is_file()
    }
    files["metadata.json"] = json.dumps(data).encode()
    files.update(replace or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for rel, content in files.items():
            if content is None:
                continue
            if isinstance(content, Path):
                zf.write(content, f"{top}/{rel}")
            else:
                zf.writestr(f"{top}/{rel}", content)
    return path


def align_cmd(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``align ARGS`` in a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "align", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def litter(store: Path) -> list[str]:
    """What install/remove/download transactions left in a store."""
    return sorted(
        p.name
        for p in store.iterdir()
        if p.name.startswith((".install-", ".remove-", ".download-"))
    )


def argos_rows(store: Path) -> list[dict[str, object]]:
    """``align models list --engine argos --format json`` on a store."""
    result = align_cmd(
        "models", "list", "--engine", "argos", "--format", "json", "--models-dir", str(store)
    )
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def translate_one(store: Path) -> str:
    """Translate one real sentence zh->en with whatever the store holds (in this process)."""
    from align.translate import get_translator

    translator = get_translator("zh", "en", engine="argos", models_dir=store, cache=False)
    (out,) = translator.translate(["今天天气很好。"])
    return out

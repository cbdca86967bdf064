"""Shared fixtures: where ../shared and the models are, and skips with a reason when absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALIGN_SHARED_DIR", ROOT.parent / "shared"))
CORPORA = ROOT / "corpora"
# Tests (and the subprocesses they start) use the repo's models/, as the Makefile does.
os.environ.setdefault("ALIGN_MODELS_DIR", str(ROOT / "models"))
MODELS_DIR = Path(os.environ["ALIGN_MODELS_DIR"])


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared data is not on this machine)")
    return path


def zh_en_model_dir() -> Path:
    """The installed zh->en Argos package, or skip with a reason."""
    for meta in sorted(MODELS_DIR.glob("*/metadata.json")):
        text = meta.read_text(encoding="utf-8")
        if '"from_code": "zh"' in text and '"to_code": "en"' in text:
            return meta.parent
    pytest.skip(f"the zh->en Argos package is not installed in {MODELS_DIR} (run: make models)")


@pytest.fixture
def models_dir() -> Path:
    """The models directory holding the reference zh->en package (skips when absent)."""
    zh_en_model_dir()
    return MODELS_DIR


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own translation cache, so tests never see each other's results."""
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))

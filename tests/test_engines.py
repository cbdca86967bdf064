"""One engine set per command: each engine's pairs are scanned once, however many targets.

The scans are counted where they happen (the Argos store listing, the Apertium
mode scan, the OpenCC pair list) through a real ``align run --to all`` with the
zh->en model and Apertium, and a real ``align translate`` into several targets.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from align.cli import cli
from conftest import CORPORA, MODELS_DIR, zh_en_model_dir

SPEECH_ZH = CORPORA / "yunqi-2024" / "speech.zh.txt"
SPEECH_EN = CORPORA / "yunqi-2024" / "speech.en.txt"


def opening(path: Path, n: int = 3) -> str:
    return "\n".join(path.read_text(encoding="utf-8").split("\n")[:n]) + "\n"


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts of each engine's pair scans while the test runs."""
    from align import store
    from align.translate.apertium import ApertiumEngine
    from align.translate.script import OpenCCEngine

    counts: Counter[str] = Counter()

    def counted(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return func(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(store, "list_packages", counted("argos", store.list_packages))
    monkeypatch.setattr(ApertiumEngine, "_scan", counted("apertium", ApertiumEngine._scan))
    monkeypatch.setattr(OpenCCEngine, "pairs", counted("opencc", OpenCCEngine.pairs))
    return counts


@pytest.mark.apertium
def test_run_to_all_scans_each_engine_once(scans: Counter[str], tmp_path: Path) -> None:
    if not shutil.which("apertium"):
        pytest.skip("Apertium is not installed (run: make apertium)")
    zh_en_model_dir()
    src, ref = tmp_path / "speech.zh.txt", tmp_path / "ref.en.txt"
    src.write_text(opening(SPEECH_ZH), encoding="utf-8")
    ref.write_text(opening(SPEECH_EN), encoding="utf-8")
    args = ["run", str(src), "--to", "all", "--ref", f"en={ref}", "-o", str(tmp_path / "o")]
    result = CliRunner().invoke(cli, [*args, "--models-dir", str(MODELS_DIR), "--format", "json"])
    assert result.exit_code == 0, result.output
    targets = [row["target"] for row in json.loads(result.stdout)]
    assert len(targets) > 3 and "es" in targets  # several targets, some through chains
    assert dict(scans) == {"argos": 1, "apertium": 1, "opencc": 1}


@pytest.mark.apertium
def test_translate_into_several_targets_scans_each_engine_once(
    scans: Counter[str], tmp_path: Path
) -> None:
    if not shutil.which("apertium"):
        pytest.skip("Apertium is not installed (run: make apertium)")
    zh_en_model_dir()
    src = tmp_path / "speech.zh.txt"
    src.write_text(opening(SPEECH_ZH), encoding="utf-8")
    args = ["translate", str(src), "--from", "zh", "--to", "en", "--to", "es", "--to", "ca"]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "o").iterdir())) == 3
    assert dict(scans) == {"argos": 1, "apertium": 1, "opencc": 1}


def test_models_dir_precedence_at_the_edge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--models-dir > $ALIGN_MODELS_DIR > per-user dir, decided by align.store.models_dir alone."""
    monkeypatch.setenv("ALIGN_MODELS_DIR", str(tmp_path / "env"))
    flag = CliRunner().invoke(cli, ["models", "path", "--models-dir", str(tmp_path / "flag")])
    assert flag.exit_code == 0 and flag.stdout.strip() == str(tmp_path / "flag")
    env = CliRunner().invoke(cli, ["models", "path"])
    assert env.exit_code == 0 and env.stdout.strip() == str(tmp_path / "env")
    monkeypatch.delenv("ALIGN_MODELS_DIR")
    default = CliRunner().invoke(cli, ["models", "path"])
    assert default.exit_code == 0 and "align" in default.stdout


def test_engine_choices_come_from_the_registry() -> None:
    from align.cli.options import engine_names
    from align.translate.engine import ENGINES, SCRIPT_ENGINES

    assert engine_names() == [n for n in ENGINES if n not in SCRIPT_ENGINES]
    result = CliRunner().invoke(cli, ["run", "x.txt", "--to", "en", "--engine", "nope"])
    assert result.exit_code == 2
    assert "'auto', " + ", ".join(repr(n) for n in engine_names()) in result.output

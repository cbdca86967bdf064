"""The model store: safe install of real and crafted archives, list, remove, offline install."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from align import store
from align.cli import cli
from align.errors import ArchiveError, InputError, ModelError
from conftest import zh_en_model_dir
from storekit import build_archive, real_archive

DE_FR = {"from_code": "de", "to_code": "fr"}


def make_package(path: Path, top: str = "translate-xx_yy-1_0", **extra: bytes | str) -> Path:
    """A tiny package archive with the layout of a real one (the model bytes are not a model)."""
    meta = {"package_version": "1.0", "from_code": "de", "to_code": "fr", "type": "translate"}
    files: dict[str, bytes | str] = {
        f"{top}/metadata.json": json.dumps(meta),
        f"{top}/model/model.bin": b"\x00" * 64,
        f"{top}/sentencepiece.model": b"\x00" * 16,
    }
    files.update(extra)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_install_real_package_lists_it_and_removes_it(tmp_path: Path) -> None:
    pkg = store.install_from_path(real_archive(), tmp_path)
    assert (pkg.source, pkg.target, pkg.name, pkg.version) == (
        "zh-Hans",
        "en",
        "translate-zh_en",
        "1.9",
    )
    assert Path(pkg.path) == tmp_path / "translate-zh_en-1_9"
    assert pkg.size > 70_000_000
    listed = store.list_packages(tmp_path)
    assert [p.pair for p in listed] == ["zh-Hans-en"]
    # nothing of the install is left lying around, and argostranslate wrote only inside the store
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == [
        ".lock",
        "translate-zh_en-1_9",
    ]
    removed = store.remove("zh", "en", tmp_path)
    assert removed.name == "translate-zh_en"
    assert store.list_packages(tmp_path) == []
    assert not (tmp_path / "translate-zh_en-1_9").exists()


def test_reinstall_replaces_the_same_pair(tmp_path: Path) -> None:
    # real (loadable) packages: install loads the model before it replaces anything
    build_archive(
        tmp_path / "a.argosmodel", top="translate-de_fr-1_0", **DE_FR, package_version="1.0"
    )
    build_archive(
        tmp_path / "b.argosmodel", top="translate-de_fr-1_1", **DE_FR, package_version="1.1"
    )
    models = tmp_path / "models"
    store.install_from_path(tmp_path / "a.argosmodel", models)
    store.install_from_path(tmp_path / "b.argosmodel", models)
    assert [Path(p.path).name for p in store.list_packages(models)] == ["translate-de_fr-1_1"]


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../evil.txt", "escapes the package folder"),
        ("/etc/evil.txt", "escapes the package folder"),
        ("translate-xx_yy-1_0/../../evil.txt", "escapes the package folder"),
    ],
)
def test_zip_slip_is_rejected_and_nothing_is_written(
    tmp_path: Path, member: str, message: str
) -> None:
    archive = make_package(tmp_path / "evil.argosmodel", **{member: "pwned"})
    models = tmp_path / "models"
    with pytest.raises(ArchiveError, match=message):
        store.install_from_path(archive, models)
    assert not (tmp_path / "evil.txt").exists()
    assert [p.name for p in models.iterdir()] == [] if models.exists() else True


def test_symlink_member_is_rejected(tmp_path: Path) -> None:
    archive = make_package(tmp_path / "link.argosmodel")
    with zipfile.ZipFile(archive, "a") as zf:
        info = zipfile.ZipInfo("translate-xx_yy-1_0/link")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(ArchiveError, match="symbolic link"):
        store.install_from_path(archive, tmp_path / "models")


def test_truncated_real_archive_is_rejected_and_leaves_nothing(tmp_path: Path) -> None:
    data = real_archive().read_bytes()
    broken = tmp_path / "truncated.argosmodel"
    broken.write_bytes(data[: len(data) // 2])
    models = tmp_path / "models"
    with pytest.raises(ArchiveError, match="not a valid .argosmodel"):
        store.install_from_path(broken, models)
    assert store.list_packages(models) == []
    assert (
        not any(p.name.startswith(".install-") for p in models.glob("*"))
        if models.exists()
        else True
    )


def test_corrupt_member_is_rejected(tmp_path: Path) -> None:
    archive = make_package(tmp_path / "crc.argosmodel")
    data = bytearray(archive.read_bytes())
    pos = data.find(b"\x00" * 64)
    data[pos : pos + 8] = b"garbage!"
    archive.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="corrupt"):
        store.install_from_path(archive, tmp_path / "models")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"translate-xx_yy-1_0/metadata.json": "{not json"}, "not valid JSON"),
        ({"translate-xx_yy-1_0/metadata.json": json.dumps({"from_code": "de"})}, "no to_code"),
        ({"translate-xx_yy-1_0/model/model.bin": None}, "no CTranslate2 model"),
        ({"translate-xx_yy-1_0/sentencepiece.model": None}, "no tokenizer"),
        ({"other/x.txt": "x"}, "one top-level package folder"),
    ],
)
def test_invalid_packages_are_rejected(
    tmp_path: Path, files: dict[str, str | None], message: str
) -> None:
    base = {
        "translate-xx_yy-1_0/metadata.json": json.dumps({"from_code": "de", "to_code": "fr"}),
        "translate-xx_yy-1_0/model/model.bin": "m",
        "translate-xx_yy-1_0/sentencepiece.model": "s",
    }
    base.update(files)
    archive = tmp_path / "bad.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, content in base.items():
            if content is not None:
                zf.writestr(name, content)
    with pytest.raises(ArchiveError, match=message):
        store.install_from_path(archive, tmp_path / "models")


def test_missing_and_non_archive_inputs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        store.install_from_path(tmp_path / "nope.argosmodel", tmp_path)
    text = tmp_path / "text.argosmodel"
    text.write_text("hello")
    with pytest.raises(ArchiveError, match="not a valid .argosmodel"):
        store.install_from_path(text, tmp_path / "models")
    with pytest.raises(ModelError, match="no installed package for de -> fr"):
        store.remove("de", "fr", tmp_path)


def _install(args: tuple[str, str]) -> str:
    return store.install_from_path(args[0], args[1]).path


def test_concurrent_installs_leave_one_valid_package(tmp_path: Path) -> None:
    archives = [
        build_archive(
            tmp_path / f"p{i}.argosmodel",
            top=f"translate-de_fr-1_{i}",
            **DE_FR,
            package_version=f"1.{i}",
        )
        for i in range(4)
    ]
    models = tmp_path / "models"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        pool.map(_install, [(str(a), str(models)) for a in archives])
    listed = store.list_packages(models)
    assert len(listed) == 1 and listed[0].pair == "de-fr"
    assert sorted(p.name for p in models.iterdir() if not p.name.startswith(".")) == [
        Path(listed[0].path).name
    ]
    # no process deleted another's staging: nothing is left behind either
    assert sorted(p.name for p in models.iterdir() if p.name.startswith(".")) == [".lock"]


def test_models_dir_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGN_MODELS_DIR", str(tmp_path / "env"))
    assert store.models_dir(tmp_path / "flag") == tmp_path / "flag"
    assert store.models_dir() == tmp_path / "env"
    monkeypatch.delenv("ALIGN_MODELS_DIR")
    assert store.models_dir().name == "models" and "align" in str(store.models_dir())
    runner = CliRunner()
    result = runner.invoke(cli, ["models", "path", "--models-dir", str(tmp_path / "x")])
    assert result.output == f"{tmp_path / 'x'}\n"


def test_models_list_json_shows_zh_en() -> None:
    zh_en_model_dir()
    result = subprocess.run(
        [sys.executable, "-m", "align", "models", "list", "--engine", "argos", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(result.stdout)
    zh_en = [r for r in rows if r["pair"] == "zh-Hans->en"]
    assert len(zh_en) == 1
    assert zh_en[0]["engine"] == "argos" and zh_en[0]["package"] == "translate-zh_en"
    assert zh_en[0]["version"] == "1.9"


def test_offline_install_from_index_fails_fast_with_one_line(tmp_path: Path) -> None:
    start = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "align",
            "models",
            "install",
            "en",
            "de",
            "--models-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - start
    if result.returncode == 0:
        pytest.skip("this machine is online: the Argos index answered")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("align: error: cannot reach the Argos package index")
    assert "align models install PATH.argosmodel" in lines[0]
    assert elapsed < 60


def test_cli_install_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    archive = make_package(tmp_path / "evil.argosmodel", **{"../x": "x"})
    result = runner.invoke(
        cli, ["models", "install", str(archive), "--models-dir", str(tmp_path / "m")]
    )
    assert result.exit_code == 2
    assert result.output.startswith("align: error: ") and result.output.count("\n") == 1
    assert "unsafe archive" in result.output

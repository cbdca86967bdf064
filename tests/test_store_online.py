"""The online install path (``align models install FROM TO``) against a real HTTP server on
127.0.0.1 serving an Argos index and the real package: success, a truncated download, a
server that hangs (the timeout), an unsafe archive, and a download killed half-way.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storekit import align_cmd, argos_rows, litter, real_archive, translate_one


@dataclass
class Server:
    """What the server serves: path -> (bytes, behaviour)."""

    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    truncate: set[str] = field(default_factory=set)  # announce the full length, send half
    hang: set[str] = field(default_factory=set)  # accept, then never answer
    trickle: set[str] = field(default_factory=set)  # send some, then stall
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[str] = field(default_factory=list)

    def index(self, *entries: dict[str, object]) -> None:
        self.files["/index.json"] = json.dumps(list(entries)).encode()


def entry(link: str, **meta: object) -> dict[str, object]:
    base: dict[str, object] = {
        "code": "translate-zh_en",
        "type": "translate",
        "from_code": "zh",
        "to_code": "en",
        "package_version": "1.9",
        "links": [link],
    }
    base.update(meta)
    return base


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.requests.append(self.path)
            if self.path in state.hang:
                state.release.wait(60)
                return
            data = state.files.get(self.path)
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.path in state.truncate:
                self.wfile.write(data[: len(data) // 2])
                self.close_connection = True
                return
            if self.path in state.trickle:
                self.wfile.write(data[: len(data) // 4])
                self.wfile.flush()
                state.release.wait(60)
                return
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()


def install_online(
    server: Server, store_dir: Path, timeout: str = "2"
) -> subprocess.CompletedProcess[str]:
    env = {"ALIGN_ARGOS_INDEX": f"{server.url}/index.json", "ALIGN_NETWORK_TIMEOUT": timeout}
    return align_cmd(
        "models", "install", "zh", "en", "--models-dir", str(store_dir), env=env, timeout=120
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("align: error: "), result.stderr
    return lines[0]


def test_online_install_of_the_real_package(server: Server, tmp_path: Path) -> None:
    server.files["/zh_en.argosmodel"] = real_archive().read_bytes()
    server.index(
        entry(f"{server.url}/zh_en.argosmodel"), entry("zh_en.argosmodel", package_version="1.0")
    )
    store_dir = tmp_path / "models"
    result = install_online(server, store_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("installed translate-zh_en 1.9 (zh-Hans->en)")
    assert server.requests == ["/index.json", "/zh_en.argosmodel"]  # the newest version
    assert [r["pair"] for r in argos_rows(store_dir)] == ["zh-Hans->en"]
    assert litter(store_dir) == []
    assert translate_one(store_dir).strip()


def test_relative_links_resolve_against_the_index(server: Server, tmp_path: Path) -> None:
    """A mirror can serve an index whose links are relative to it."""
    server.files["/pkgs/zh_en.argosmodel"] = real_archive().read_bytes()
    server.index(entry("pkgs/zh_en.argosmodel"))
    result = install_online(server, tmp_path / "models")
    assert result.returncode == 0, result.stderr
    assert server.requests[-1] == "/pkgs/zh_en.argosmodel"


def test_truncated_download_is_refused_and_leaves_nothing(server: Server, tmp_path: Path) -> None:
    server.files["/zh_en.argosmodel"] = real_archive().read_bytes()
    server.truncate.add("/zh_en.argosmodel")
    server.index(entry(f"{server.url}/zh_en.argosmodel"))
    store_dir = tmp_path / "models"
    result = install_online(server, store_dir)
    assert result.returncode == 1, result.stderr
    line = one_error_line(result)
    assert "download of translate-zh_en 1.9 failed" in line and "truncated" in line
    assert argos_rows(store_dir) == [] and litter(store_dir) == []


@pytest.mark.parametrize("what", ["/index.json", "/zh_en.argosmodel"])
def test_hanging_server_times_out_with_one_line(server: Server, tmp_path: Path, what: str) -> None:
    server.files["/zh_en.argosmodel"] = real_archive().read_bytes()
    server.index(entry(f"{server.url}/zh_en.argosmodel"))
    server.hang.add(what)
    store_dir = tmp_path / "models"
    result = install_online(server, store_dir, timeout="1")  # subprocess timeout: 120 s
    assert result.returncode == 1, result.stderr
    line = one_error_line(result)
    assert "timed out" in line
    assert "align models install PATH.argosmodel" in line
    assert not store_dir.exists() or (argos_rows(store_dir) == [] and litter(store_dir) == [])


def test_unsafe_archive_from_the_index_is_refused(server: Server, tmp_path: Path) -> None:
    evil = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr(
            "translate-zh_en-1_9/metadata.json", json.dumps({"from_code": "zh", "to_code": "en"})
        )
        zf.writestr("translate-zh_en-1_9/../../evil.txt", "pwned")
    server.files["/evil.argosmodel"] = evil.read_bytes()
    server.index(entry(f"{server.url}/evil.argosmodel"))
    store_dir = tmp_path / "a" / "models"
    result = install_online(server, store_dir)
    assert result.returncode == 2, result.stderr
    line = one_error_line(result)
    assert "unsafe archive" in line and "escapes the package folder" in line
    assert not list(tmp_path.rglob("evil.txt"))
    assert argos_rows(store_dir) == [] and litter(store_dir) == []


def test_index_without_the_pair_and_a_bad_index(server: Server, tmp_path: Path) -> None:
    server.index(entry("x.argosmodel", from_code="en", to_code="de"))
    result = install_online(server, tmp_path / "models")
    assert result.returncode == 1
    assert "has no package for zh -> en" in one_error_line(result)
    server.index(entry("file:///etc/passwd"))  # an http index may not point at local files
    result = install_online(server, tmp_path / "models")
    assert result.returncode == 1
    assert "download of translate-zh_en 1.9 failed (no links)" in one_error_line(result)
    server.files["/index.json"] = b"<html>not json</html>"
    result = install_online(server, tmp_path / "models")
    assert result.returncode == 1
    assert "not valid JSON" in one_error_line(result)


def test_download_killed_half_way_is_cleaned_up_by_the_next_operation(
    server: Server, tmp_path: Path
) -> None:
    server.files["/zh_en.argosmodel"] = real_archive().read_bytes()
    server.trickle.add("/zh_en.argosmodel")
    server.index(entry(f"{server.url}/zh_en.argosmodel"))
    store_dir = tmp_path / "models"
    env = {"ALIGN_ARGOS_INDEX": f"{server.url}/index.json", "ALIGN_NETWORK_TIMEOUT": "60"}
    import os

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "align",
            "models",
            "install",
            "zh",
            "en",
            "--models-dir",
            str(store_dir),
        ],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not (
        store_dir.is_dir() and any(p.stat().st_size > 0 for p in store_dir.glob(".download-*"))
    ):
        assert proc.poll() is None and time.monotonic() < deadline, "the download never started"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert [n for n in litter(store_dir) if n.startswith(".download-")]
    assert argos_rows(store_dir) == []
    assert litter(store_dir) == []


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["xx", "en"], "unknown language code 'xx'"),
        (["en", "en"], "en -> en: the source and target are the same language"),
    ],
)
def test_bad_codes_fail_before_any_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codes: list[str], message: str
) -> None:
    """They used to wait for the index and report "cannot reach the Argos package index"."""
    from click.testing import CliRunner

    from align.cli import cli

    monkeypatch.setenv("ALIGN_ARGOS_INDEX", "http://127.0.0.1:9/index.json")  # nothing listens
    result = CliRunner().invoke(
        cli, ["models", "install", *codes, "--models-dir", str(tmp_path / "m")]
    )
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "cannot reach" not in result.stderr

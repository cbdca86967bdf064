"""The Ray executor on real local clusters (never a mock): ``ray.init(num_cpus=2)`` and a
two-node ``ray.cluster_utils.Cluster`` on this machine, the real zh->en model and real
WMT23 lines. Outputs must be byte-identical to ``--executor local`` with the same shards,
after a killed actor and after an interrupted run too. The 300 lines are translated once
locally, in shards of :data:`SHARD` (a batch's neighbours can change an int8 translation,
so identity is per shard layout); each later test takes a slice on shard boundaries.
Greedy decoding (beam 1) keeps the file's wall time small.

Every cluster is shut down by its fixture, so no raylet outlives the tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from align.executors.shards import MANIFEST, STATE_DIR
from align.translate.engine import DecodeOptions
from conftest import MODELS_DIR, ROOT, shared_path, zh_en_model_dir

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'align[ray]')")

pytestmark = [pytest.mark.model, pytest.mark.shared]
GREEDY = DecodeOptions(beam=1)
LINES = 300
SHARD = 10


@pytest.fixture(scope="module")
def src_lines() -> list[str]:
    zh_en_model_dir()
    path = shared_path("data", "wmt23-zh-en", "src.zh")
    return path.read_text(encoding="utf-8").splitlines()[:LINES]


@pytest.fixture(scope="module")
def reference(src_lines: list[str], tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The 300 lines translated by ``--executor local`` in shards of :data:`SHARD`, no cache:
    what the Ray executor must reproduce."""
    work = tmp_path_factory.mktemp("reference")
    src = _write(work / "wmt.zh", src_lines)
    _run([src], work / "out", executor="local")
    return (work / "out" / "wmt.en.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """A real one-node cluster with two CPUs, shut down after the module's tests."""
    ray.shutdown()
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _run(paths: list[str], out: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    from align.executors.corpus import translate_corpus

    kwargs.setdefault("executor", "ray")
    kwargs.setdefault("shard_size", SHARD)
    return translate_corpus(
        paths,
        targets=["en"],
        source="zh",
        output=str(out),
        by="line",
        options=GREEDY,
        cache=False,
        **kwargs,  # type: ignore[arg-type]
    )


def test_ray_output_is_identical_to_local_on_300_lines_with_an_actor_killed(
    local_ray: None, src_lines: list[str], reference: list[str], tmp_path: Path
) -> None:
    """300 lines on two actors, one of them killed (SIGKILL to its process) once the first
    shard is in: Ray restarts it, sends its shards again, and the output is complete and
    byte-identical to the local executor's."""
    src = _write(tmp_path / "wmt.zh", src_lines)
    seen: list[int] = []
    killed: list[int] = []

    def kill_one(shard: object, workers: list) -> None:  # type: ignore[type-arg]
        if not killed:  # mid-run: the first shard is in, the other actor is translating
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(workers[0].pid)

    report = _run([src], tmp_path / "ray", on_progress=seen.append, on_shard=kill_one)
    got = (tmp_path / "ray" / "wmt.en.txt").read_text(encoding="utf-8").splitlines()
    assert got == reference
    assert killed and len(report.workers) == 2
    assert report.shards == LINES // SHARD and report.skipped == 0
    assert sum(seen) == LINES  # progress counted every segment, from both workers
    assert not (tmp_path / "ray" / STATE_DIR).exists()  # shards removed once assembled
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)  # that process is really gone


def test_interrupted_run_resumes_from_the_manifest(
    local_ray: None, src_lines: list[str], reference: list[str], tmp_path: Path
) -> None:
    src = _write(tmp_path / "part.zh", src_lines[0:40])
    out = tmp_path / "out"
    done: list[str] = []

    def interrupt(shard, workers) -> None:  # type: ignore[no-untyped-def]
        done.append(shard.id)
        if len(done) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run([src], out, on_shard=interrupt)
    assert not (out / "part.en.txt").exists()  # nothing half-written
    lines = (out / STATE_DIR / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["shard"] for x in lines[1:]] == done
    report = _run([src], out)
    assert report.skipped == 3 and report.shards == 4
    got = (out / "part.en.txt").read_text(encoding="utf-8").splitlines()
    assert got == reference[0:40]


def test_pairs_on_three_real_document_pairs(local_ray: None, tmp_path: Path) -> None:
    from align.executors.pairs import align_pairs

    base = shared_path("data", "alignment-dev", "parice-en-is")
    rows = [f"{base / d / 'SRC'}\t{base / d / 'TGT'}\ten\tis" for d in ("n_1", "n_2", "n_3")]
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ray_report = align_pairs(str(pairs), str(tmp_path / "ray"), presplit=True, executor="ray")
    local_report = align_pairs(str(pairs), str(tmp_path / "local"), presplit=True)
    assert [Path(p).name for p in ray_report.outputs] == [
        "n_1.SRC.beads",
        "n_2.SRC.beads",
        "n_3.SRC.beads",
    ]
    for a, b in zip(ray_report.outputs, local_report.outputs, strict=True):
        assert Path(a).read_bytes() == Path(b).read_bytes()
    summary = (tmp_path / "ray" / "summary.tsv").read_text(encoding="utf-8").splitlines()
    assert len(summary) == 4 and summary[1].split("\t")[5] == str(
        len((base / "n_1" / "SRC").read_text(encoding="utf-8").splitlines())
    )
    from align.alignment.beads import read_beads

    for d, out in zip(("n_1", "n_2", "n_3"), ray_report.outputs, strict=True):
        beads = read_beads(out)
        n_src = len((base / d / "SRC").read_text(encoding="utf-8").splitlines())
        assert sorted(i for b in beads for i in b.src) == list(range(n_src))


def test_cli_joins_a_running_cluster(
    local_ray: None, src_lines: list[str], reference: list[str], tmp_path: Path
) -> None:
    """``align translate --executor ray --ray-address ADDR`` as a user runs it, shipping the
    package to the workers through Ray's runtime environment (``py_modules``, uploaded for
    the job) and telling them where the models are (``env_vars``): the other way, besides a
    shared models directory, to give every node what it needs."""
    import align

    src = _write(tmp_path / "cli.zh", src_lines[40:60])
    address = ray.get_runtime_context().gcs_address
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ALIGN_MODELS_DIR": str(MODELS_DIR)}
    cmd = [sys.executable, "-m", "align", "translate", src, "--from", "zh", "--to", "en"]
    cmd += ["--by", "line", "--beam", "1", "--no-cache", "-o", str(tmp_path / "out")]
    cmd += ["--executor", "ray", "--ray-address", address, "--shard-size", str(SHARD), "-v"]
    runtime_env = {
        "py_modules": [str(Path(align.__file__).parent)],
        "env_vars": {"ALIGN_MODELS_DIR": str(MODELS_DIR)},
    }
    cmd += ["--ray-runtime-env", json.dumps(runtime_env)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2 shards (ray, 2 workers)" in proc.stderr
    workers = [line for line in proc.stderr.splitlines() if line.startswith("worker ")]
    assert len(workers) == 2 and all("runtime_resources" in line for line in workers), workers
    got = (tmp_path / "out" / "cli.en.txt").read_text(encoding="utf-8").splitlines()
    assert got == reference[40:60]


# --- two nodes: separate raylets on this machine (after the one-node cluster is down) ---


@pytest.fixture
def two_nodes() -> Iterator[object]:
    from ray.cluster_utils import Cluster

    ray.shutdown()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)
    try:
        ray.init(address=cluster.address, include_dashboard=False, log_to_driver=False)
        cluster.wait_for_nodes()
        yield cluster
    finally:
        ray.shutdown()
        cluster.shutdown()


def test_two_node_cluster_and_a_node_without_the_model(
    two_nodes, src_lines: list[str], reference: list[str], tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from align.errors import ModelError

    src = _write(tmp_path / "two.zh", src_lines[60:80])
    report = _run([src], tmp_path / "out")
    assert len({w.node for w in report.workers}) == 2  # one actor on each raylet
    got = (tmp_path / "out" / "two.en.txt").read_text(encoding="utf-8").splitlines()
    assert got == reference[60:80]

    # A third node whose models directory (shared storage not mounted) is empty.
    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setenv("ALIGN_MODELS_DIR", str(empty))
    node = two_nodes.add_node(num_cpus=1)  # type: ignore[attr-defined]
    monkeypatch.setenv("ALIGN_MODELS_DIR", str(MODELS_DIR))
    two_nodes.wait_for_nodes()  # type: ignore[attr-defined]
    with pytest.raises(ModelError) as err:
        _run([src], tmp_path / "out3")
    message = str(err.value)
    assert "\n" not in message
    assert f"node {node.node_id[:8]}" in message
    assert "translate-zh_en" in message and str(empty) in message

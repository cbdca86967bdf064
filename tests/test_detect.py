"""Language detection, the library: script rules, Chinese scripts, und/mul, candidates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from align.detect import (
    MIN_LETTERS,
    MUL,
    UND,
    detect_document,
    detect_language,
    detect_many,
    detect_segments,
    detectable_languages,
    han_variant,
    script_of,
)
from align.errors import InputError, LanguageError
from align.text import paragraphs, read_lines, read_text
from conftest import ROOT, shared_path

# One sentence per script that settles the language on its own.
SCRIPT_CASES = [
    ("오늘은 날씨가 정말 좋네요.", "ko", "HANGUL"),
    ("東京は日本の首都です。", "ja", "KANA"),
    ("国際連合安全保障理事会の決議", "ja", "KANA"),  # one kana among Han is still Japanese
    ("Η Αθήνα είναι η πρωτεύουσα της Ελλάδας.", "el", "GREEK"),
    ("ירושלים היא עיר עתיקה מאוד.", "he", "HEBREW"),
    ("วันนี้อากาศดีมาก", "th", "THAI"),
    ("თბილისი საქართველოს დედაქალაქია.", "ka", "GEORGIAN"),
    ("Երևանը Հայաստանի մայրաքաղաքն է։", "hy", "ARMENIAN"),
    ("আমি ভাত খেতে ভালোবাসি।", "bn", "BENGALI"),
    ("હું ગુજરાતી બોલું છું.", "gu", "GUJARATI"),
    ("ਮੈਂ ਪੰਜਾਬੀ ਬੋਲਦਾ ਹਾਂ।", "pa", "GURMUKHI"),
    ("ನಾನು ಕನ್ನಡ ಮಾತನಾಡುತ್ತೇನೆ.", "kn", "KANNADA"),
    ("ഞാൻ മലയാളം സംസാരിക്കും.", "ml", "MALAYALAM"),
    ("நான் தமிழ் பேசுவேன்.", "ta", "TAMIL"),
    ("నేను తెలుగు మాట్లాడతాను.", "te", "TELUGU"),
    ("ខ្ញុំស្រលាញ់ប្រទេសកម្ពុជា", "km", "KHMER"),
    ("ຂ້ອຍຮັກປະເທດລາວ", "lo", "LAO"),
    ("မြန်မာနိုင်ငံ", "my", "MYANMAR"),
]


@pytest.mark.parametrize(("text", "lang", "script"), SCRIPT_CASES)
def test_script_rules_decide(text: str, lang: str, script: str) -> None:
    d = detect_language(text)
    assert (d.lang, d.confidence, d.script) == (lang, 1.0, script)
    assert d.alternatives == [(lang, 1.0)]


# Sentences in scripts shared by several languages: scored with langdetect's profiles.
PROFILE_CASES = [
    ("The weather was lovely, so we went for a long walk by the river.", "en"),
    ("Wir haben gestern Abend lange über die Zukunft gesprochen.", "de"),
    ("Nous sommes allés au marché ce matin pour acheter du pain.", "fr"),
    ("Mañana vamos a visitar a mis abuelos que viven en el campo.", "es"),
    ("Včera jsme byli v divadle a představení se nám moc líbilo.", "cs"),
    ("Včera sme boli v divadle a predstavenie sa nám veľmi páčilo.", "sk"),
    ("Vi dro på hytta i helgen og gikk lange turer i skogen.", "nb"),
    ("Hôm qua chúng tôi đã đi dạo rất lâu bên bờ sông.", "vi"),
    ("Вчера мы долго гуляли по старому городу и пили кофе.", "ru"),
    ("Вчора ми довго гуляли старим містом і пили каву.", "uk"),
    ("Вчера ходихме на планина и се разходихме дълго из гората.", "bg"),
    ("Вчера отидовме на планина и долго шетавме низ шумата.", "mk"),
    ("ذهبنا أمس إلى السوق لشراء الخضار والفواكه الطازجة.", "ar"),
    ("دیروز به بازار رفتیم تا میوه و سبزی تازه بخریم.", "fa"),
    ("کل ہم بازار گئے تاکہ تازہ پھل اور سبزیاں خرید سکیں۔", "ur"),
    ("कल हम बाज़ार गए और ताज़ी सब्ज़ियाँ खरीदीं।", "hi"),
    ("काल आम्ही बाजारात गेलो आणि ताज्या भाज्या विकत घेतल्या.", "mr"),
]


@pytest.mark.parametrize(("text", "lang"), PROFILE_CASES)
def test_profile_languages(text: str, lang: str) -> None:
    d = detect_language(text)
    assert d.lang == lang
    assert d.alternatives[0] == (lang, d.confidence)
    assert d.confidence > 0.9
    assert sum(p for _, p in d.alternatives) <= 1.0 + 1e-9


def test_ukrainian_apostrophe_and_letters_rule_out_russian() -> None:
    # No і/ї/є here: the apostrophe inside a Cyrillic word is Ukrainian spelling.
    assert detect_language("Це все зробить за вас комп'ютер.").lang == "uk"
    assert detect_language("Він прийшов з п’ятьма друзями.").lang == "uk"


def test_latin_gives_way_to_the_other_script_at_lower_confidence() -> None:
    # 8 Japanese letters weigh 3 each against 17 Latin ones: ja, at 24 / (24 + 17).
    d = detect_language("I watched 千と千尋の神隠し yesterday")
    assert (d.lang, d.script) == ("ja", "KANA")
    assert d.confidence == pytest.approx(24 / 41)
    d = detect_language('From zero to hero – це діє у кожному RPG, а в "Final Fantasy" особливо.')
    assert d.lang == "uk" and 0.3 < d.confidence < 0.6


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("昨天我们去市场买了一些新鲜的蔬菜和水果。", "zh-Hans"),
        ("昨天我們去市場買了一些新鮮的蔬菜和水果。", "zh-Hant"),
        ("这个问题很难回答", "zh-Hans"),
        ("這個問題很難回答", "zh-Hant"),
        ("【楽天】楽天市場", "ja"),  # 楽 is the Japanese form of 樂/乐
        ("我们使用GPU和AI技术训练模型。", "zh-Hans"),  # Latin terms inside Chinese
    ],
)
def test_chinese_scripts_from_characters(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


def test_han_without_evidence_is_a_coin_toss_not_a_guess() -> None:
    # 你好 is written the same in both scripts.
    assert han_variant("你好") == ("zh-Hans", 0.5)
    d = detect_language("你好")
    assert d.lang == "zh-Hans" and d.confidence == 0.5
    assert d.alternatives == [("zh-Hans", 0.5), ("zh-Hant", 0.5)]


def test_traditional_chinese_real_sentences() -> None:
    """WMT23 Chinese sources, and the same lines converted to Traditional by OpenCC."""
    from opencc import OpenCC

    lines = [x for x in read_lines(shared_path("data", "wmt23-zh-en", "src.zh"))[:300] if x]
    to_trad = OpenCC("s2t")
    trad = [to_trad.convert(x) for x in lines]
    simp_found = Counter(d.lang for d in detect_many(lines))
    trad_found = Counter(d.lang for d in detect_many(trad))
    # Lines OpenCC leaves unchanged have nothing Traditional-only to see.
    changed = sum(1 for a, b in zip(lines, trad, strict=True) if a != b)
    assert simp_found["zh-Hans"] >= 0.98 * len(lines), simp_found
    assert trad_found["zh-Hant"] >= 0.98 * changed, trad_found


@pytest.mark.parametrize(
    "text",
    ["", "   ", "12345 67.89", "!!! ??? ... ---", "😀🎉👍", "2024-09-19 10:00 +8", "a", "中"],
)
def test_und_for_too_few_letters(text: str) -> None:
    d = detect_language(text)
    assert (d.lang, d.confidence, d.alternatives) == (UND, 0.0, [])
    assert d.letters < MIN_LETTERS
    assert not d.is_language


def test_menu_line_of_the_seed_is_mixed() -> None:
    text = read_text(shared_path("seeds", "000_0379d5d844665a81.txt"))
    menu = paragraphs(text)[1]  # the language menu under the title
    assert "Русский" in menu and "Ελληνικά" in menu
    d = detect_language(menu, top=10)
    assert d.lang == MUL and d.confidence == 0.0 and d.script == "MIXED"
    found = {lang for lang, _ in d.alternatives}
    assert {"ko", "ru", "el"} <= found
    assert abs(sum(p for _, p in d.alternatives) - 1.0) < 1e-9


def test_seed_document_is_english_with_the_menu_as_a_minor_share() -> None:
    doc = detect_document(read_text(shared_path("seeds", "000_0379d5d844665a81.txt")))
    assert doc.lang == "en"
    assert doc.shares["en"] > 0.95
    assert {"ru", "el", "ko"} <= set(doc.shares)
    assert abs(sum(doc.shares.values()) - 1.0) < 1e-9
    assert [u.detection.lang for u in doc.units][:3] == ["en", MUL, "en"]


def test_document_shares_are_by_letters() -> None:
    text = "The cat sat on the mat.\n\n猫坐在垫子上。"
    doc = detect_document(text)
    assert doc.letters == 17 + 6
    assert doc.shares == {"en": 17 / 23, "zh-Hans": 6 / 23}
    assert doc.lang == "en"


def test_candidates_restrict_the_answer() -> None:
    german = "Wir haben gestern Abend lange über die Zukunft gesprochen."
    assert detect_language(german, candidates=["en", "fr"]).lang in ("en", "fr")
    d = detect_language(german, candidates=["de", "nl"])
    assert d.lang == "de" and {lang for lang, _ in d.alternatives} <= {"de", "nl"}
    # The script says Korean, and Korean is not a candidate.
    assert detect_language("오늘은 날씨가 정말 좋네요.", candidates=["en", "de"]).lang == UND
    # A bare "zh" is Chinese in either script; a script code allows only that script.
    assert detect_language("這個問題很難回答", candidates=["en", "zh"]).lang == "zh-Hant"
    assert detect_language("这个问题很难回答", candidates=["en", "zh"]).lang == "zh-Hans"
    assert detect_language("這個問題很難回答", candidates=["zh-Hans"]).lang == "zh-Hans"
    assert detect_language("這個問題很難回答", candidates=["zh-Hant"]).lang == "zh-Hant"
    # A line with no letters once its URL is out is und, with candidates or without.
    assert detect_language("https://example.com/a/b", candidates=["en", "zh"]).lang == UND


def test_bad_candidates_are_language_errors() -> None:
    with pytest.raises(LanguageError, match="unknown language code 'xx'"):
        detect_language("hello there", candidates=["en", "xx"])
    with pytest.raises(LanguageError, match="no candidate languages"):
        detect_language("hello there", candidates=[""])


def test_segments_by_line_keep_every_line() -> None:
    text = "Guten Morgen, wie geht es dir?\n\n東京は日本の首都です。\n42\n"
    got = [(u.segment.para, u.detection.lang) for u in detect_segments(text, by="line")]
    assert got == [(0, "de"), (1, UND), (2, "ja"), (3, UND)]


def test_segments_by_sentence_split_within_paragraphs() -> None:
    text = "Where is the station? Ich trinke lieber Kaffee am Morgen.\n\n我喜欢喝茶。我每天都喝。"
    got = [
        (u.segment.para, u.segment.index, u.detection.lang)
        for u in detect_segments(text, by="sentence")
    ]
    assert got == [(0, 0, "en"), (0, 1, "de"), (1, 0, "zh-Hans"), (1, 1, "zh-Hans")]


def test_unknown_unit_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown unit 'word'"):
        list(detect_segments("hello", by="word"))


def test_dev_set_accuracy() -> None:
    """The WMT23 language-id dev lines: every language well detected (zh either script)."""
    rows = [
        line.split("\t", 1) for line in read_lines(shared_path("data", "langid-dev", "wmt23.tsv"))
    ]
    right: Counter[str] = Counter()
    for (gold, _), d in zip(rows, detect_many(t for _, t in rows), strict=True):
        right[gold] += (d.lang.split("-")[0] if gold == "zh" else d.lang) == gold
    per_lang = {lang: right[lang] / 150 for lang in sorted(right)}
    assert min(per_lang.values()) >= 0.95, per_lang
    assert sum(right.values()) / len(rows) >= 0.975, per_lang


# Lines that were confused with a close language before the frequent-word evidence: the words
# that differ between neighbours decide (af/av, hvad/hva, u/v, više/več, знову/снова, का/को).
CLOSE_CONFUSIONS = [
    ("Han sagde til mig, at han ikke kunne komme", "da"),  # was nb: mig, ikke+at
    ("HAN SAGDE TIL MIG, AT HAN IKKE KUNNE KOMME", "da"),  # all capitals, read in lower case
    ("Ministar: Moramo uložiti više novca u škole", "hr"),  # was sl: u, više
    ("Što znače više kamatne stope za vaš kredit?", "hr"),  # was sl: što, više
    ("Квитки на концерт знову в продажу", "uk"),  # was ru: знову
    ("क्लब का नया अध्यक्ष कौन होगा?", "hi"),  # was ne: का
    ("Les entrades per al concert tornen a estar a la venda", "ca"),  # was es: les, per, al
    ("Em va dir que no podia venir", "ca"),  # was pt: em, va
    ("Noul spital se va deschide abia peste doi ani", "ro"),  # was it: se, va
    ("Er is nog steeds een tekort aan verpleegkundigen", "nl"),  # was af: een, aan
]


@pytest.mark.parametrize(("text", "lang"), CLOSE_CONFUSIONS)
def test_close_languages_are_told_apart_by_their_frequent_words(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Příliš mnoho lidí", "cs"),  # ř, í: Czech letters
        ("Több mint ezer ember", "hu"),  # ö
        ("Mūsų šalies žmonės", "lt"),  # ū, ų, ė
        ("Rīgā šodien līst", "lv"),  # ī, ā
        ("Władze miasta", "pl"),  # ł
        ("Guvernul a adoptat ordonanța", "ro"),  # ț
        ("Det är inte första gången", "sv"),  # ä, ö; är, inte
        ("Hva betyr renten?", "nb"),
        ("Hvad betyder renten?", "da"),
        ("ЩО ОЗНАЧАЄ ЗРОСТАННЯ СТАВОК", "uk"),  # all capitals: є
        ("ШТО ЗНАЧИ ПОВИСОКАТА КАМАТА", "mk"),  # all capitals: што
    ],
)
def test_distinctive_letters_and_words(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Õhtul sajab Tallinnas lund", "et"),  # õ
        ("Mõju Eestis", "et"),
        ("Rīgā sākas festivāls", "lv"),  # ā ī
        ("Dūmi virs pilsētas", "lv"),  # ē (ū: lt and lv)
        ("Vilniuje prasidėjo šventė", "lt"),  # ė
        ("Győr nyerte a döntőt", "hu"),  # ő
        ("Ağrı'da kar yağışı", "tr"),  # ğ ı ş
        ("Știri din București", "ro"),  # ș
        ("Łódź ma nowego prezydenta", "pl"),  # ł ó ź
        ("Straße gesperrt", "de"),  # ß
        ("Año nuevo en España", "es"),  # ñ
        ("São Paulo não dorme", "pt"),  # ã
        ("Dvůr Králové hlásí rekord", "cs"),  # ů
        ("Vlada ide ďalej", "sk"),  # ď with Slovak words (raw langdetect: es)
        ("Ѓорче Петров доби нов парк", "mk"),  # ѓ (raw langdetect: bg)
        ("Їжак знайшов ґудзик", "uk"),  # ї ґ
        ("Съезд партии прошёл в Москве", "ru"),  # ъ ё
        ("Hørsholm får ny skole", "da"),  # ø: Danish or Bokmål, not Swedish
        ("Sjukhuset i Växjö får nya läkare", "sv"),  # ä ö: not Danish or Bokmål
        ("पिछले महीने बेरोज़गारी फिर घटी", "hi"),  # nukta (ज़): was mr
        ("वादळामुळे राज्यभरातील रस्ते बंद", "mr"),  # ळ
    ],
)
def test_a_letter_few_languages_write_is_strong_evidence(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


def test_distinctive_letters_come_from_the_alphabets() -> None:
    from align.detect import distinctive_letters

    latin, cyrillic = distinctive_letters("LATIN"), distinctive_letters("CYRILLIC")
    assert latin["ő"] == latin["ű"] == ("hu",)
    assert latin["ř"] == latin["ů"] == latin["ě"] == ("cs",)
    assert latin["ė"] == latin["ų"] == ("lt",) and latin["ū"] == ("lt", "lv")
    assert latin["ā"] == latin["ķ"] == ("lv",) and latin["ł"] == ("pl",)
    assert latin["ø"] == ("da", "nb") and latin["ß"] == ("de",) and latin["ğ"] == ("tr",)
    assert distinctive_letters("LATIN", 3)["õ"] == ("et", "pt", "vi")
    assert "å" not in distinctive_letters("LATIN", 3)  # da fi nb sv
    assert cyrillic["є"] == cyrillic["ї"] == cyrillic["ґ"] == ("uk",)
    assert cyrillic["ѓ"] == cyrillic["ќ"] == cyrillic["џ"] == ("mk",)
    assert cyrillic["ы"] == cyrillic["э"] == ("ru",)
    assert distinctive_letters("DEVANAGARI")["ळ"] == ("mr",)
    assert distinctive_letters("DEVANAGARI")["\u093c"] == ("hi",)  # nukta


# All-capital lines: langdetect's profiles keep case (a capital starts ~4% of the Cyrillic
# unigrams, and it drops words in capitals when it learns and when it detects), so a line in
# capitals is read in lower case; then the words decide, as in the same line written normally.
ALL_CAPS = [
    ("КОМНАТА СМЕРТИ", "ru"),  # dev line; was mk: комната looked like a Macedonian -ата form
    ("НОВЫЕ ПРАВИЛА ДЛЯ ВОДИТЕЛЕЙ", "ru"),  # raw langdetect: uk
    ("НОВІ ПРАВИЛА ДЛЯ ВОДІЇВ", "uk"),
    ("СТАЯТА НА СМЪРТТА", "bg"),
    ("СОБАТА НА СМРТТА", "mk"),
    ("NYT HOSPITAL ÅBNER FØRST OM TO ÅR", "da"),
]


@pytest.mark.parametrize(("text", "lang"), ALL_CAPS)
def test_all_capital_lines_are_read_in_lower_case(text: str, lang: str) -> None:
    upper = detect_language(text)
    assert upper.lang == lang
    normal = detect_language(text[0] + text[1:].lower())
    assert normal.lang == lang
    assert abs(upper.confidence - normal.confidence) < 0.05, (upper, normal)


def test_langdetect_profiles_keep_case() -> None:
    """Why capitals are folded: the profiles hold capitalised words, not words in capitals."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    with open(os.path.join(PROFILES_DIRECTORY, "ru"), encoding="utf-8") as f:
        freq = json.load(f)["freq"]
    uni = {g: n for g, n in freq.items() if len(g) == 1}
    capital = sum(n for g, n in uni.items() if g.isupper()) / sum(uni.values())
    assert 0.01 < capital < 0.1, capital
    caps3 = [g for g in freq if len(g) == 3 and sum(c.isupper() for c in g) >= 2]
    assert len(caps3) < 20, caps3  # acronyms such as ССС only


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Його засудили за шахрайство", "uk"),  # шахрайство: Ukrainian word (ru: мошенничество)
        ("Хто стане новим президентом клубу?", "uk"),
        ("То ли девушка, то ли видение", "ru"),  # dev line; was mk
        ("Det er ikke første gang, at det sker", "da"),  # sker (nb: skjer)
        ("Nyt hospital åbner først om to år", "da"),  # nyt, åbner (nb: nytt, åpner)
        ("Flere unge flytter hjem til foreldrene", "nb"),  # foreldrene (da: forældrene)
        ("Kongen holder nyttårstale i kveld", "nb"),  # kveld (da: aften)
        ("Kako se izogniti prevaram na spletu", "sl"),  # spletu, izogniti (hr: internetu, izbjeći)
    ],
)
def test_word_frequencies_tell_close_languages_apart(text: str, lang: str) -> None:
    """Lines the n-grams and function words got wrong before wordfreq's lists were used."""
    assert detect_language(text).lang == lang


def test_word_frequency_lists() -> None:
    from align.detect_evidence import WORDFREQ_CODES, word_log_frequencies

    ru = word_log_frequencies("ru")
    assert ru["и"] > ru["комната"] > -12.0  # "and" is ~3%, "room" ~2 in 100,000
    assert "комната" not in word_log_frequencies("mk")
    assert word_log_frequencies("af") == {} and "af" not in WORDFREQ_CODES
    assert WORDFREQ_CODES["hr"] == "sh" and WORDFREQ_CODES["tl"] == "fil"
    # The lists are read from the package's data files without importing wordfreq (whose
    # import pulls in ftfy and langcodes, half a second).
    code = (
        "import sys; from align.detect import detect_language; "
        "assert detect_language('Det er ikke første gang, at det sker').lang == 'da'; "
        "print(sorted(m for m in ('wordfreq', 'ftfy', 'langcodes') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_ordinal_indicators_are_latin_letters() -> None:
    # ª and º are Latin letters whose names do not say so: `N.º 1` was a script of its own
    # (MASCULINE) and so und, and a Spanish ordinal lowered the confidence of its line.
    assert script_of("º") == script_of("ª") == "LATIN"
    assert detect_language("N.º 1").script == "LATIN"
    assert detect_language("El 1.º de mayo").confidence > 0.95


def test_frequent_words_are_spelt_in_their_alphabets() -> None:
    from align.detect import _MARKED, LETTERS, script_of
    from align.detect_evidence import FREQUENT_WORDS

    for lang, words in FREQUENT_WORDS.items():
        script = "CYRILLIC" if lang in ("bg", "mk", "ru", "uk") else "LATIN"
        if lang in ("hi", "mr", "ne"):
            continue  # Devanagari: no per-language alphabet
        for word in words:
            # Only the English pronoun is listed with its capital (matched as written).
            assert word == word.lower() or (lang, word) == ("en", "I"), (lang, word)
            assert {script_of(ch) for ch in word} == {script}, (lang, word)
            foreign = [
                ch
                for ch in word
                if not ch.isascii()
                and (ch in _MARKED[script] or script == "LATIN")
                and ch not in LETTERS[lang]
            ]
            assert not foreign, (lang, word, foreign)


def _accuracy(name: str) -> tuple[dict[str, float], float, Counter[str]]:
    rows = [line.split("\t", 1) for line in read_lines(ROOT / "tests" / "data" / name)]
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for (gold, _), d in zip(rows, detect_many(t for _, t in rows), strict=True):
        total[gold] += 1
        right[gold] += d.lang == gold
    per_lang = {lang: right[lang] / total[lang] for lang in sorted(total)}
    return per_lang, sum(right.values()) / len(rows), total


def test_close_groups_set_written_for_the_project() -> None:
    """tests/data/close_groups.tsv: 700 headlines in 28 languages, close groups among them."""
    per_lang, overall, total = _accuracy("close_groups.tsv")
    assert len(per_lang) == 28 and set(total.values()) == {20, 30}
    # Measured: 99.3% overall, lowest hi 93.3% (28/30). Before the frequent-word evidence
    # 95.9% and Catalan 80%; before wordfreq's word frequencies 97.9%, uk 86.7%.
    assert min(per_lang.values()) >= 0.9, per_lang
    assert overall >= 0.985, per_lang


def test_the_other_profile_and_script_languages() -> None:
    """tests/data/more_languages.tsv: the 27 languages of langdetect's 55 not in close_groups."""
    per_lang, overall, total = _accuracy("more_languages.tsv")
    assert len(per_lang) == 27, sorted(per_lang)
    # Measured: 100% (172/172), as raw langdetect.
    assert min(per_lang.values()) >= 0.9, per_lang
    assert overall >= 0.98, per_lang


def test_news_sentences_of_the_held_out_confusions() -> None:
    """tests/data/news_sentences.tsv: 150 news sentences, 6 in each of the 25 languages the
    held-out set confused (no/da/sv, af/nl/de/en, et/fi/lt/lv, hr/sl, the Cyrillic four,
    hi/ne/mr, id/tl, ca/it/es), written for this project."""
    per_lang, overall, total = _accuracy("news_sentences.tsv")
    assert len(per_lang) == 25 and set(total.values()) == {6}
    # Measured: 150/150, as raw langdetect (full sentences are easy; the held-out errors were
    # mostly short headline-like lines).
    assert min(per_lang.values()) >= 5 / 6, per_lang
    assert overall >= 0.98, per_lang


# Measured on tests/data/news_headlines.tsv (issue 19, fourth round): 197/200; every language
# 8/8 but Dutch 6/8 (both to Afrikaans, which has no wordfreq list) and Nepali 7/8 (to
# Marathi). Raw langdetect: 173/200, Bokmål 5/8, Dutch 3/8.
HEADLINES_REACHED = {"nl": 6, "ne": 7}


def test_news_headlines_of_the_held_out_confusions() -> None:
    """tests/data/news_headlines.tsv: 200 short headlines (3-8 words, Title Case and ALL CAPS
    lines among them), 8 in each of the same 25 languages, written for this project."""
    per_lang, overall, total = _accuracy("news_headlines.tsv")
    assert len(per_lang) == 25 and set(total.values()) == {8}
    for lang, acc in per_lang.items():
        assert acc * 8 >= HEADLINES_REACHED.get(lang, 8) - 1e-9, (lang, acc)
    assert overall * 200 >= 197 - 1e-9, per_lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # All capitals, read in lower case; the function word oor (Dutch over) makes it
        # Afrikaans (it read Dutch at 0.78 before oor was in the Afrikaans list).
        ("MINISTER ONTMOET VAKBONDE OOR LONE", "af"),
        # All-caps headlines raw langdetect sends to German or English.
        ("STATSMINISTEREN MØDES MED FAGBEVÆGELSEN", "da"),
        ("STATSMINISTEREN MØTER FAGBEVEGELSEN", "nb"),
        ("STATSMINISTERN MÖTER FACKFÖRBUNDEN", "sv"),
        ("PREMJERMINISTRE TIEKAS AR ARODBIEDRĪBĀM", "lv"),
        ("PREMIJER SE SASTAO SA SINDIKATIMA", "hr"),
        ("PREMIER SE JE SESTAL S SINDIKATI", "sl"),
        ("ПРЕМИЕРЪТ СЕ СРЕЩНА СЪС СИНДИКАТИТЕ", "bg"),
        ("ПРЕМИЕРОТ СЕ СРЕТНА СО СИНДИКАТИТЕ", "mk"),
        ("PRESIDEN BERTEMU PIMPINAN SERIKAT BURUH", "id"),
        ("EL PRESIDENT ES REUNEIX AMB ELS SINDICATS", "ca"),
        # Mixed case, close neighbours.
        ("Uvær stanser togtrafikken på Vestlandet", "nb"),
        ("Regeringen varsler skattelettelser til pensionister", "da"),
        ("Istraživanje: Sve Više Mladih Seli Se U Gradove", "hr"),
        ("Kabinet belooft belastingverlaging voor gepensioneerden", "nl"),
    ],
)
def test_hard_headlines(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang", "short"),
    [
        ("Liepājā aizturēti 12 cilvēki", "lv", True),  # 23 letters
        ("Задържаха 12 души в Пловдив", "bg", True),  # 21 letters
        ("Bokke wen in dramatiese slotminute", "af", False),  # 30 letters
        ("Цены на жильё снижаются третий месяц подряд", "ru", False),
    ],
)
def test_a_short_headline_says_it_is_short(text: str, lang: str, short: bool) -> None:
    # Under 30 letters a line is right 97.5% of the time on the dev sets, from 30 on 99.8%:
    # such a line is flagged short whatever its confidence.
    d = detect_language(text)
    assert (d.lang, d.short) == (lang, short)
    if short:
        assert d.confidence > 0.5  # a confident-looking answer, which is what the flag is for


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Nepali and Marathi have no wordfreq list and no letter of their own beside Hindi.
        ("प्रहरीका अनुसार राजमार्गमा भएको दुर्घटनामा कोही पनि गम्भीर घाइते भएनन्।", "ne"),
        ("नयाँ तथ्याङ्कअनुसार गत महिना खाद्यान्नको मूल्य फेरि बढेको छ।", "ne"),
        ("नव्या आकडेवारीनुसार गेल्या महिन्यात अन्नधान्याच्या किमती पुन्हा वाढल्या.", "mr"),
        ("पुलिस के अनुसार राजमार्ग पर हुई दुर्घटना में कोई भी गंभीर रूप से घायल नहीं हुआ।", "hi"),
        # Afrikaans has no wordfreq list: n-grams and function words against Dutch.
        ("Die polisie sê niemand is ernstig beseer in die ongeluk op die snelweg nie.", "af"),
        ("Voedselpryse het verlede maand weer gestyg, wys nuwe syfers.", "af"),
        ("De prijzen van levensmiddelen zijn vorige maand opnieuw gestegen.", "nl"),
    ],
)
def test_languages_without_a_word_list(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize("text", ["表意文字描述符", "示例如下:", "4.1 概述"])
def test_han_written_alike_in_both_scripts_says_so(text: str) -> None:
    # The six dev lines converted to Traditional that stay zh-Hans: OpenCC's s2t leaves them
    # unchanged, so there is nothing to tell the scripts by; both get 0.5 (times the Han share).
    d = detect_language(text)
    assert d.lang == "zh-Hans"
    assert [c for c, _ in d.alternatives] == ["zh-Hans", "zh-Hant"]
    assert d.alternatives[0][1] == d.alternatives[1][1] <= 0.5


def test_the_paragraph_language_is_a_mild_prior_for_its_sentences() -> None:
    # Danish and Bokmål write this sentence alike; alone it reads Bokmål by a hair (0.59).
    # (The example used to be a Nepali line read as Hindi, until the spelling dictionaries.)
    alone = "Han kommer i morgen."
    assert detect_language(alone).lang == "nb"
    first = "Regeringen vil hæve skatten på benzin efter valget."
    got = [u.detection.lang for u in detect_segments(first + " " + alone, by="sentence")]
    assert got == ["da", "da"]
    # The prior does not outvote a sentence that is clearly in another language.
    para = "Regjeringen vil øke skatten på bensin etter valget. Hva betyr renten for boliglånet "
    para += "ditt? Det är inte första gången det händer."
    got = [u.detection.lang for u in detect_segments(para, by="sentence")]
    assert got == ["nb", "nb", "sv"]
    # Lines are independent: no prior from the neighbouring lines.
    lines = [u.detection.lang for u in detect_segments(para.replace(". ", ".\n"), by="line")]
    assert lines[-1] == "sv"
    lines = [u.detection.lang for u in detect_segments(first + "\n" + alone, by="line")]
    assert lines == ["da", "nb"]


def test_a_text_of_only_mixed_case_capitals_is_read_not_und() -> None:
    # Words with two capitals in a row are skipped as acronyms; when nothing else is left the
    # text is read in lower case rather than answered und (it has letters).
    for text in ("SuperLIGA", "TikTOK", "YouTUBE"):
        d = detect_language(text)
        assert d.is_language and 0 < d.confidence < 1, (text, d)
    assert detect_language("¡La SuperLIGA vuelve mañana!").lang == "es"


_PROBE = (
    "import json, sys\n"
    "from align.detect import detect_many\n"
    "texts = json.loads(sys.stdin.read())\n"
    "print(json.dumps([[d.lang, d.confidence, d.alternatives] for d in detect_many(texts)]))\n"
)


def test_deterministic_across_processes() -> None:
    # Short and ambiguous texts: where langdetect's sampling flips between runs when unseeded.
    texts = ["Paris", "Offenbach", "Tvorba postavy", "Це не чесно.", "a b", "ok", "Méribel"]
    here = [[d.lang, d.confidence, [list(a) for a in d.alternatives]] for d in detect_many(texts)]
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _PROBE],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=ROOT,
        )
        assert json.loads(out.stdout) == here


def test_detectable_languages_cover_langdetect_and_scripts() -> None:
    langs = detectable_languages()
    # langdetect's 55 profiles (zh-cn/zh-tw as zh-Hans/zh-Hant), 5 scripts it has no profile
    # for, and Serbian, Belarusian, Kazakh and Icelandic (read off the profiled answers)
    assert len(langs) == 55 + 5 + 4
    assert {"en", "nb", "zh-Hans", "zh-Hant", "ka", "hy", "km", "sr", "be", "kk", "is"} <= set(
        langs
    )


def test_importing_the_cli_module_stays_light() -> None:
    code = (
        "import sys, align.cli.detect, align.detect\n"
        "heavy = {'numpy', 'langdetect', 'opencc', 'torch', 'stanza', 'spacy'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_the_english_pronoun_i_is_not_the_welsh_or_croatian_i() -> None:
    """Welsh, Croatian, Catalan, Czech, Polish... list the word *i* ("to", "and"), English
    did not: every capital *I* of an English line was evidence against English, and English
    dialogue went to Welsh (`I'm sorry, I said.`: cy 0.74). A capital one-letter word inside
    the unit now matches only a list that writes it with its capital; at the start of the
    unit it is still the others' *i* too."""
    assert detect_language("I'm sorry, I said.").lang == "en"
    assert detect_language("I don't know what I want.").lang == "en"
    assert detect_language("I to je sve što znam.").lang == "hr"  # sentence-initial "I"
    assert detect_language("Rekao je da i on dolazi sutra.").lang == "hr"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Written for this test. Welsh writes its commonest words as clitics after a vowel:
        # 'r (the: i'r, o'r, mae'r) and 'w (to his / her / their: i'w). Read as letters they
        # are the words "r" and "w", and Polish lists "w" (in): "Pa liw i'w ddewis" was pl.
        ("Pa liw i'w ddewis", "cy"),
        ("Pa opsiynau i'w gosod", "cy"),
        ("Methu cadw'r ffeil", "cy"),
        ("Dyma'r newyddion o'r Senedd", "cy"),
        ("Kot siedzi w oknie", "pl"),
        ("W domu i w pracy", "pl"),
    ],
)
def test_welsh_clitics_are_welsh_words(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


# Written for this test. langdetect has no Serbian profile, and of the Cyrillic languages
# it has only Macedonian writes ј љ њ џ: every Serbian line was mk.
_SERBIAN_AND_MACEDONIAN = [
    ("Ђорђе је рекао да ће доћи сутра.", "sr"),  # ђ, ћ: Serbian letters
    ("Не могу да пронађем датотеку", "sr"),  # ђ where the n-grams said Russian
    ("Ово је тест српског језика и он је веома леп.", "sr"),  # је (is)
    ("Програм не може да се покрене без датотеке са подешавањима.", "sr"),  # са (with)
    ("Ова е тест на македонскиот јазик.", "mk"),  # е (is)
    ("Треба да сте root за да ја извршите оваа програма", "mk"),  # сте: both; оваа: mk
    ("Владата донесе нов закон за даноците", "mk"),
    ("Это тест на русском языке.", "ru"),
]


@pytest.mark.parametrize(("text", "lang"), _SERBIAN_AND_MACEDONIAN)
def test_serbian_cyrillic_apart_from_macedonian(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Written for this test: Belarusian has no langdetect profile and was ru or uk.
        ("Беларусь — краіна ва Усходняй Еўропе.", "be"),  # ў: Belarusian's own letter
        ("Гэта першы дзень вясны і ўсе рады.", "be"),
        ("Сёння ў Мінску ідзе дождж.", "be"),
        ("Мы жывём у вёсцы і працуем на полі.", "be"),  # і beside ы
        ("Сегодня в Минске идёт дождь.", "ru"),  # и, no і
        ("Сьогодні в Мінську йде дощ.", "uk"),  # щ, no ы or э
        ("Гэта тэкст.", "ru"),  # э without і or ў: Russian writes that too
    ],
)
def test_belarusian_by_its_alphabet(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # Written for this test: Kazakh has no langdetect profile and was ru (or be).
        ("Қазақстан Республикасы — Орталық Азиядағы мемлекет.", "kk"),
        ("Бүгін күн жылы болады.", "kk"),  # і and ы, as Belarusian, but ү
        ("Республика Казахстан — государство в Центральной Азии.", "ru"),
    ],
)
def test_kazakh_by_its_letters(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


def test_icelandic_by_its_letters_and_its_analyser(monkeypatch: pytest.MonkeyPatch) -> None:
    from align import detect_evidence

    if detect_evidence.lexicon("is") is None:
        pytest.skip("Apertium's isl-eng analyser is not installed (make apertium)")
    # Written for this test; without a profile Icelandic was da, nb or hu.
    for text in ("Ég veit það ekki.", "Hvað segir þú?", "Reykjavík er höfuðborg Íslands."):
        assert detect_language(text).lang == "is", text
    assert detect_language("Ég veit það ekki.", candidates=["is", "da"]).lang == "is"
    assert detect_language("Ég veit það ekki.", candidates=["da", "nb"]).lang in ("da", "nb")
    # An English line naming an Icelandic place: its words are not Icelandic.
    assert detect_language("We drove to Þingvellir and then to the coast.").lang == "en"
    # No analyser, no Icelandic: þ alone decides nothing.
    monkeypatch.setattr(detect_evidence, "_lexicons", dict.fromkeys(detect_evidence.LEXICONS))
    assert detect_language("Ég veit það ekki.").lang != "is"


def test_serbian_follows_the_candidates() -> None:
    serbian, macedonian = "Ово је тест српског језика.", "Ова е тест на јазикот."
    assert "sr" in detectable_languages()
    assert detect_language(serbian, candidates=["sr", "ru"]).lang == "sr"
    assert detect_language(macedonian, candidates=["sr", "ru"]).lang != "mk"  # mk not allowed
    assert detect_language(serbian, candidates=["mk", "ru"]).lang == "mk"  # sr not allowed
    assert detect_language(serbian, candidates=["ru", "uk"]).lang in ("ru", "uk")


def test_an_acronym_is_no_word_evidence_in_a_line_of_lower_case() -> None:
    """The n-grams skip a word with two capitals in a row (an acronym, a name in capitals);
    the word frequencies read it lowered, where it can be a word: Norwegian *null* (zero),
    *sta*. So `STA` in a Danish line was Bokmål evidence the n-grams never saw. Now both
    read the same words; in an all-caps line every word is read, lowered, by both."""
    import numpy as np

    from align.detect import _word_frequency_scores

    langs = ["da", "nb"]
    scores = np.zeros(2)
    with_acronym = _word_frequency_scores("Kommandoen STA er ikke understøttet", langs, scores)
    without = _word_frequency_scores("Kommandoen er ikke understøttet", langs, scores)
    assert with_acronym.tolist() == without.tolist()
    shouted = _word_frequency_scores("KOMMANDOEN STA ER IKKE UNDERSTØTTET", langs, scores)
    assert shouted.tolist() != without.tolist()  # lowered, "sta" is read: a Bokmål word
    assert detect_language("Kommandoen STA er ikke understøttet").lang == "da"
    assert detect_language("Værdien af feltet må ikke være NULL").lang == "da"


_NO_AFR_NLD = "Apertium's afr-nld analysers are not installed (make apertium)"


def _lexicons_here() -> bool:
    from align.detect_evidence import lexicon

    return lexicon("af") is not None and lexicon("nl") is not None


def test_apertium_lexicons_know_their_own_language() -> None:
    if not _lexicons_here():
        pytest.skip(_NO_AFR_NLD)
    from align.detect_evidence import lexicon

    words = ["posisie", "nie", "weergawe", "positie", "niet", "versie", "huidige"]
    af, nl = lexicon("af"), lexicon("nl")
    assert af is not None and nl is not None
    assert af.known(words) == [True, True, True, False, False, True, True]
    assert nl.known(words) == [False, False, False, True, True, True, True]


# Words written for this test: each close language's own, which its group's neighbours do not
# write that way.
_OWN_WORDS = {
    "da": ["hvad", "nogen"],
    "nb": ["hva", "noen"],
    "hr": ["otvaranju"],
    "sl": ["napaka", "odpiranju"],
    "uk": ["відкрити", "уряд", "вибори"],
    "ru": ["открыть", "правительство", "выборы"],
    "bg": ["правителство", "въпрос"],
    "mk": ["прашање", "средба", "држава"],
    # The spelling dictionaries (hunspell hi / ne, aspell mr).
    "hi": ["करेगी"],
    "ne": ["छन्", "भएको", "हुनेछ", "सरकारले"],
    "mr": ["आहेत", "करण्यात", "सांगितले", "होणार"],
}
_GROUPS = {
    "da": "nb",
    "nb": "da",
    "hr": "sl",
    "sl": "hr",
    "uk": "ru bg mk",
    "ru": "uk bg mk",
    "bg": "mk ru uk",
    "mk": "bg ru uk",
    "hi": "ne",
    "ne": "hi mr",
    "mr": "hi ne",
}


@pytest.mark.parametrize("lang", sorted(_OWN_WORDS))
def test_each_close_language_lexicon_knows_its_words_and_not_its_neighbours(lang: str) -> None:
    from align.detect_evidence import lexicon

    own = lexicon(lang)
    if own is None:
        pytest.skip(f"no lexicon for {lang} here (make apertium)")
    words = _OWN_WORDS[lang]
    assert own.known(words) == [True] * len(words)
    for other in _GROUPS[lang].split():
        neighbour = lexicon(other)
        if neighbour is not None:
            assert neighbour.known(words) == [False] * len(words), (lang, other)


def test_hindi_nepali_marathi_apart_with_the_spelling_dictionaries() -> None:
    from align.detect_evidence import lexicon

    if any(lexicon(lang) is None for lang in ("hi", "ne", "mr")):
        pytest.skip("hunspell-hi, hunspell-ne or aspell-mr is not installed (make apertium)")
    rows = [
        line.split("\t", 1)
        for name in ("close_groups.tsv", "news_headlines.tsv", "news_sentences.tsv")
        for line in read_lines(ROOT / "tests" / "data" / name)
        if line.split("\t", 1)[0] in ("hi", "ne", "mr")
    ]
    assert len(rows) == 132
    wrong = [
        (gold, d.lang, text)
        for (gold, text), d in zip(rows, detect_many(t for _, t in rows), strict=True)
        if d.lang != gold
    ]
    # Measured: all 132 (129 without the dictionaries: आँधीका कारण देशभर सडक बन्द was hi,
    # आँधीले पहाडी जिल्लामा यातायात ठप mr, नया अस्पताल दो साल बाद ही खुलेगा mr).
    assert not wrong, wrong


def test_a_spelling_dictionary_that_cannot_be_read_is_switched_off(tmp_path: Path) -> None:
    from align.detect_evidence import SpellingLexicon

    (tmp_path / "xx.aff").write_text("SET UTF-8\n", encoding="utf-8")
    (tmp_path / "xx.dic").write_text("0\n", encoding="utf-8")  # knows no word
    empty = SpellingLexicon("hunspell", str(tmp_path / "xx"), probe=["छ", "र", "मा"])
    assert empty.known(["छ", "र"]) is None
    assert SpellingLexicon("hunspell", str(tmp_path / "absent")).known(["छ"]) is None
    assert SpellingLexicon("aspell", "no-such-language").known(["छ"]) is None


def test_analysers_asked_at_once_answer_as_each_alone(tmp_path: Path) -> None:
    # known_by sends every analyser its request before reading any answer: the answers
    # must be the ones each gives alone, with a broken analyser among them too.
    import shutil

    from align.detect_evidence import LT_PROC, Lexicon, known_by, lexicon

    cyrillic = ["ru", "uk", "bg", "mk"]
    if any(lexicon(lang) is None for lang in cyrillic):
        pytest.skip("Apertium's rus-ukr and mkd-bul analysers are not installed (make apertium)")
    alone = [Lexicon(lexicon(lang).path) for lang in cyrillic]  # type: ignore[union-attr]
    together = [Lexicon(lexicon(lang).path) for lang in cyrillic]  # type: ignore[union-attr]
    words = [w for lang in cyrillic for w in _OWN_WORDS[lang]]
    expected = [lex.known(words) for lex in alone]
    assert known_by(together, words) == expected
    assert expected[0] == [w in _OWN_WORDS["ru"] for w in words]
    broken = tmp_path / "not-an-analyser.bin"
    broken.write_bytes(b"\x00garbage")
    if shutil.which(LT_PROC):
        mixed = [together[0], Lexicon(broken, probe=["и", "в", "не", "на"]), together[1]]
        assert known_by(mixed, words) == [expected[0], None, expected[1]]


def test_a_request_longer_than_a_pipe_holds_is_answered() -> None:
    # A unit with thousands of new words: its request is longer than the pipe to lt-proc
    # holds (64 KiB), and lt-proc stops reading while its answer is not read. The request
    # used to be written whole before reading, and detection hung there for good.
    import threading

    from align.detect_evidence import Lexicon, known_by, lexicon, word_log_frequencies

    if lexicon("ru") is None or lexicon("uk") is None:
        pytest.skip("Apertium's rus-ukr analysers are not installed (make apertium)")
    freq = word_log_frequencies("ru")
    words = [w for w in sorted(freq, key=lambda w: -freq[w]) if w.isalpha()][:8000]
    if len(" . ".join(words).encode()) <= 64 * 1024:
        pytest.skip("wordfreq's Russian list is too short here")
    pair = [Lexicon(lexicon("ru").path), Lexicon(lexicon("uk").path)]  # type: ignore[union-attr]
    answers: list[list[bool] | None] = []
    worker = threading.Thread(target=lambda: answers.extend(known_by(pair, words)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the analysers never answered"
    # The same words asked 200 at a time, requests far below a pipe's size.
    fresh = [Lexicon(lexicon("ru").path), Lexicon(lexicon("uk").path)]  # type: ignore[union-attr]
    small = [[k for i in range(0, len(words), 200) for k in lex.known(words[i : i + 200]) or []]
             for lex in fresh]  # fmt: skip
    assert answers == small
    ru, uk = answers
    assert ru is not None and uk is not None
    assert sum(ru) > 0.7 * len(words) > sum(uk)  # Russian words: the Russian analyser knows them


# Lines written for these tests, each with the analysers it needs (skipped without them).
_CLOSE_LANGUAGES = [
    # Without the lexicons the first was sl.
    ("Pogreška pri otvaranju datoteke", "hr", "hr sl"),
    ("Napaka pri odpiranju datoteke", "sl", "hr sl"),
    # Swedish with no å, ä or ö, which was nb (0.67) before Swedish had an analyser
    # (apertium-swe-nor); the Norwegian lines stay theirs.
    ("Jobbet har ogiltig prioritet", "sv", "sv da nb"),
    ("Disken har ingen partition", "sv", "sv da nb"),
    ("Jobben har ugyldig prioritet", "nb", "sv da nb"),
    ("Pakken kunne ikke installeres", "nb", "sv da nb"),
    # Compounds neither analyser lists whole, which Danish and Bokmål spell differently in
    # their parts (ophavsret / opphavsrett, fejl / feil, meddelelse / melding). Read whole,
    # the Danish lines were nb (0.57, 0.55); read by their parts (lt-proc -e), da.
    ("Ophavsretsoplysninger for programmet", "da", "da nb"),
    ("Opphavsrettsopplysninger for programmet", "nb", "da nb"),
    ("Fejlmeddelelsen kunne ikke vises", "da", "da nb"),
    ("Feilmeldingen kunne ikke vises", "nb", "da nb"),
    # Short Spanish messages of words Portuguese writes too but one, which were pt without
    # the es-pt analysers (0.97, 0.98 now es).
    ("Sintaxis JSON no válida", "es", "es pt"),
    ("Argumento no soportado", "es", "es pt"),
    ("Sintaxe JSON inválida", "pt", "es pt"),
    ("Argumento não suportado", "pt", "es pt"),
]


@pytest.mark.parametrize(("text", "lang", "needs"), _CLOSE_LANGUAGES)
def test_close_languages_apart_with_the_apertium_lexicons(text: str, lang: str, needs: str) -> None:
    from align.detect_evidence import lexicon

    missing = [code for code in needs.split() if lexicon(code) is None]
    if missing:
        pytest.skip(f"no Apertium analyser for {', '.join(missing)} here (make apertium)")
    assert detect_language(text).lang == lang


# Written for this test. langdetect's Afrikaans profile gives Dutch words (positie, versie,
# klassieker) more probability than its Dutch profile does, and Afrikaans has no wordfreq
# list to speak against it: without the lexicons the four Dutch lines marked * were af.
_DUTCH_AND_AFRIKAANS = [
    ("Huidige positie van de cursor", "nl"),  # *
    ("Klassieker wint spannende finale", "nl"),  # *
    ("Nieuwe versie van de kaart", "nl"),  # *
    ("Onbekende optie genegeerd", "nl"),  # *
    ("Het bestand kan niet worden geopend", "nl"),
    ("Die regering het die begroting goedgekeur", "af"),
    ("Die polisie soek na die verdagte", "af"),
    ("Nuwe weergawe van die kaart", "af"),
    ("Die kolom is nie gevind nie", "af"),
    ("Wanneer kom die trein?", "af"),
]


@pytest.mark.parametrize(("text", "lang"), _DUTCH_AND_AFRIKAANS)
def test_dutch_and_afrikaans_apart_with_the_apertium_lexicons(text: str, lang: str) -> None:
    if not _lexicons_here():
        pytest.skip(_NO_AFR_NLD)
    assert detect_language(text).lang == lang


def test_without_the_lexicons_detection_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from align import detect_evidence

    monkeypatch.setattr(detect_evidence, "_lexicons", dict.fromkeys(detect_evidence.LEXICONS))
    assert detect_language("Die polisie soek na die verdagte").lang == "af"
    assert detect_language("Het bestand kan niet worden geopend").lang == "nl"


def test_a_lexicon_that_fails_is_no_evidence_and_no_error(tmp_path: Path) -> None:
    import shutil

    from align.detect_evidence import LT_PROC, Lexicon

    if shutil.which(LT_PROC) is None:
        pytest.skip(f"{LT_PROC} (Apertium's lttoolbox) is not installed")
    broken = tmp_path / "not-an-analyser.bin"
    broken.write_bytes(b"\x00garbage")  # lt-proc reads it as an empty dictionary
    lex = Lexicon(broken, probe=["de", "het", "een", "niet"])
    assert lex.known(["woord"]) is None
    assert lex.known(["woord"]) is None  # stays off, no new process per call
    assert Lexicon(tmp_path / "missing.bin").known(["woord"]) is None


_FORK_PROBE = (
    "import os, sys\n"
    "from align.detect import detect_language as d\n"
    "print(d('Nieuwe versie van de kaart').lang, flush=True)\n"
    "for asks in (False, True):\n"
    "    pid = os.fork()\n"
    "    if pid == 0:\n"
    "        if asks:\n"
    "            print(d('Nuwe weergawe van die kaart').lang, flush=True)\n"
    "        sys.exit(0)  # runs atexit: it must not end the parent's lt-proc\n"
    "    os.waitpid(pid, 0)\n"
    "print(d('Huidige positie van de cursor').lang, flush=True)\n"
)


def test_a_forked_child_asks_its_own_analyser() -> None:
    # The parent's lt-proc pipes are copied into a forked child (multiprocessing, Ray's
    # workers); the child must start its own process, not read the parent's answers. Run in
    # a fresh interpreter: forking the test process, with other tests' threads, is not safe.
    if not _lexicons_here() or not hasattr(os, "fork"):
        pytest.skip(_NO_AFR_NLD)
    out = subprocess.run(
        [sys.executable, "-c", _FORK_PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.stdout.split() == ["nl", "af", "nl"]

"""Language detection: Unicode script rules first, langdetect's profiles for the rest.

How a unit of text is decided, in order:

1. Letters are counted by Unicode script (digits, punctuation, symbols and
   emoji are not letters). Fewer than :data:`MIN_LETTERS` letters gives
   ``und`` (undetermined) with confidence 0.
2. Scripts are grouped: Han joins kana when kana is present (Japanese) and
   Hangul when Hangul is present (Korean). Han, kana and Hangul weigh
   :data:`CJK_WEIGHT` letters each, since one of them carries about as much
   as a short alphabetic word. When no group reaches :data:`MIXED_SHARE` of
   the weight, or three groups or more each hold :data:`MINOR_SHARE`, the
   unit is mixed: ``mul`` with confidence 0, its alternatives giving the
   language of each script's part and its share of the letters.
3. Where the script settles the language it decides: Hangul -> ko,
   kana -> ja, Greek -> el, Hebrew -> he, Thai -> th, Georgian -> ka,
   Armenian -> hy, and one language each for the Indic and South-East Asian
   scripts. Han alone -> Chinese, Simplified or Traditional by counting the
   characters that exist in only one of the two scripts (OpenCC's character
   tables). langdetect cannot do this: it folds Han characters into shared
   classes before counting.
4. Latin, Cyrillic, Arabic and Devanagari text is scored against
   langdetect's n-gram profiles, restricted to the languages written in that
   script, using only the letters of that script. Every n-gram is counted
   once (naive Bayes with langdetect's own smoothing) instead of
   langdetect's random sampling, so the answer is the same in every run and
   process, uses all the evidence in short text, and needs no detector per
   call: the profiles are loaded once per process into one matrix.
5. Letters outside a language's alphabet cost it :data:`ALPHABET_PENALTY`
   nats of posterior each, so a letter only one or two languages write
   (:func:`distinctive_letters`: ř ů ě, ő ű, ė į ų, ā ē ķ, õ, ł, ğ ı, ș ț,
   є ї ґ, ѓ ќ ѕ џ...) is strong evidence for them; each word in a language's
   list of very frequent short words (:mod:`align.detect_evidence`) gives it
   :data:`WORD_EVIDENCE` nats, so the function words that differ between close
   languages (af/av, što/kaj, что/що) decide where the n-grams nearly tie.
6. The unit's words are scored with wordfreq's word frequencies
   (:func:`align.detect_evidence.word_log_frequencies`) among the languages
   of the script that have a list: a word-unigram model that tells
   ``комната`` (Russian) from a Macedonian definite form and ``sker`` from
   ``skjer``, where 3-grams cannot.
7. Detecting by sentence, the paragraph's language gets a mild prior,
   :data:`PARAGRAPH_PRIOR` nats, in each of its sentences.
8. Serbian, Belarusian, Kazakh and Icelandic, which have no profile, are read off the
   profiled answer: Serbian off Macedonian's (the only profiled language with ј љ њ џ) by
   its letters ђ ћ and its commonest words, Belarusian and Kazakh by their alphabets
   (:func:`_unprofiled_cyrillic`), Icelandic by þ ð and Apertium's analyser
   (:func:`_icelandic`).

``candidates`` restricts the answer to some languages (e.g. those of the
installed models); a text whose script none of them is written in is ``und``.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from align import languages
from align.errors import InputError, LanguageError
from align.text import Segment, paragraphs, split_sentences

if TYPE_CHECKING:
    import numpy as np

UND = "und"  # undetermined (ISO 639-2): too few letters, or no candidate fits
MUL = "mul"  # multiple languages (ISO 639-2): a unit that mixes scripts

UNITS = ("document", "paragraph", "sentence", "line")

__all__ = [
    "MUL",
    "UND",
    "UNITS",
    "Detection",
    "DocumentDetection",
    "UnitDetection",
    "as_row",
    "detect_document",
    "detect_language",
    "detect_many",
    "detect_segments",
    "detectable_languages",
    "han_variant",
    "script_counts",
    "script_of",
    "summarize",
]

MIN_LETTERS = 2
CJK_WEIGHT = 3
MIXED_SHARE = 0.75
MINOR_SHARE = 0.05
LATIN_YIELD = 0.25
# Kana (or Hangul) must be at least this share of the Han+kana (Han+Hangul)
# letters to make Han text Japanese (Korean): one stray kana in a long Chinese
# paragraph does not.
KANA_SHARE = 0.05
# Naive Bayes over overlapping 1-, 2- and 3-grams counts each letter about
# three times; dividing the log-likelihood by this keeps confidences honest.
TEMPERATURE = 3.0
# langdetect's smoothing: alpha / BASE_FREQ added to every n-gram probability.
_ALPHA = 0.5
_BASE_FREQ = 10000
# Cut every profile to n-grams seen at least n_words[0] / PRUNE_RATIO times when loaded
# (0: keep everything). Most profiles are already cut at 10,000; nine (ca cy et ko lt lv ro sl
# vi) keep ten times deeper. Measured and not kept (docs/detect.md): the deep profiles' extra
# n-grams are real evidence for their languages.
PRUNE_RATIO = 0.0
# A word in a language's list of very frequent short words (align.detect_evidence)
# adds this many nats to that language's log-likelihood.
WORD_EVIDENCE = 6.0
# Detecting by sentence, the paragraph's language gets this many nats (after the
# temperature) in each of its sentences: a mild document-level prior that settles
# close-language ties without outvoting a sentence that is clearly in another language.
PARAGRAPH_PRIOR = 0.5
# Word-unigram evidence from wordfreq's lists (align.detect_evidence.word_log_frequencies):
# this many times the log-likelihood of the unit's words, among the languages with a list;
# a word a list lacks counts as this log frequency (half a decade below the lists' cut).
WORD_FREQ_WEIGHT = 1.0
WORD_FREQ_FLOOR = -6.5 * 2.302585092994046
# Only languages within this many nats of the best (after the temperature) are re-ranked by
# the word frequencies: e^-10 is a posterior of 0.00005.
WORD_FREQ_MARGIN = 10.0
# Each word of the unit a contender's morphological lexicon does not know (Apertium's
# analysers for af/nl, da/nb/sv, hr/sl, mk/bg/ru/uk, es/pt: align.detect_evidence.LEXICONS),
# beyond the contender that knows the most, costs it this many nats (after the temperature).
LEXICON_WEIGHT = 4.0
# The same for the spelling dictionaries of hi / ne / mr (align.detect_evidence.SPELLING):
# hunspell's and aspell's word lists miss more of a language's own inflected forms than an
# Apertium analyser does (the Marathi one has no affixes at all), so a word costs half as much.
SPELLING_WEIGHT = 2.0
# Alternatives less likely than this are not listed.
MIN_ALTERNATIVE = 0.001
_WORD_CACHE = 200_000  # words whose n-gram rows are remembered
# Only this many characters of a unit are scored (langdetect's own limit).
MAX_TEXT = 10000

# Scripts that settle the language on their own.
SCRIPT_LANG: dict[str, str] = {
    "HANGUL": "ko",
    "KANA": "ja",
    "GREEK": "el",
    "HEBREW": "he",
    "THAI": "th",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "BENGALI": "bn",
    "GUJARATI": "gu",
    "GURMUKHI": "pa",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "TAMIL": "ta",
    "TELUGU": "te",
    "KHMER": "km",
    "LAO": "lo",
    "MYANMAR": "my",
}
# Scripts shared by several languages: scored with langdetect's profiles.
PROFILE_SCRIPTS: dict[str, str] = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "DEVANAGARI": "Deva",
}
_CJK = frozenset({"HAN", "KANA", "HANGUL"})
# Fewer letters than this and a language told from letter statistics is a guess, whatever
# its probability says: ``Detection.short`` (the ``short`` column of ``align detect``). A
# language settled by its script (SCRIPT_LANG) is never short; Han text needs fewer letters
# (each is a word or morpheme), and still tells zh-Hans from zh-Hant only by its forms.
# Measured on every dev set of bench_detect.py (issue 19, fourth round; Latin, Cyrillic,
# Arabic, Devanagari units): 97.5% right at 20-29 letters (274 units, headlines of 3-5
# words), 99.8% at 30-39, 99.8-100% above; so 30, not 20 (which flagged only 1-2 words).
MIN_SURE_LETTERS = 30
MIN_SURE_HAN = 6


@dataclass(frozen=True)
class Detection:
    """The language of one unit of text.

    ``lang`` is an edge code (``en``, ``zh-Hant``), or ``und`` / ``mul``;
    ``confidence`` is in 0..1 (0 for ``und`` and ``mul``); ``alternatives``
    are the top candidates with their probabilities, best first (for ``mul``:
    the language of each script's part with its share of the letters).
    ``parts`` says which languages the unit's letters belong to, used for
    document shares.
    """

    lang: str
    confidence: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    script: str = ""
    letters: int = 0
    parts: tuple[tuple[str, int], ...] = ()

    @property
    def is_language(self) -> bool:
        """False for ``und`` and ``mul``."""
        return self.lang not in (UND, MUL)

    @property
    def short(self) -> bool:
        """Too short to be sure: a language told from too few letters (see
        :data:`MIN_SURE_LETTERS`); its confidence is the model's, not a certainty."""
        if not self.is_language or self.script in SCRIPT_LANG:
            return False
        return self.letters < (MIN_SURE_HAN if self.script == "HAN" else MIN_SURE_LETTERS)


@dataclass(frozen=True)
class UnitDetection:
    """A segment of a document and its detection."""

    segment: Segment
    detection: Detection


@dataclass(frozen=True)
class DocumentDetection:
    """The main language of a document and the share of each language, by letters."""

    lang: str
    confidence: float
    shares: dict[str, float]
    units: list[UnitDetection]
    letters: int


# --- scripts -----------------------------------------------------------------------------------

_NAME_SCRIPT = {
    "CJK": "HAN",
    "HIRAGANA": "KANA",
    "KATAKANA": "KANA",
    "KATAKANA-HIRAGANA": "KANA",
    "BOPOMOFO": "HAN",
    "IDEOGRAPHIC": "HAN",
}


@functools.lru_cache(maxsize=65536)
def script_of(ch: str) -> str | None:
    """The script of a letter (``LATIN``, ``HAN``, ``KANA``, ``HANGUL``...), None for non-letters.

    Combining marks of no particular script return ``INHERITED``.
    """
    cat = unicodedata.category(ch)
    if cat[0] not in "LM":
        return None
    name = unicodedata.name(ch, "")
    if not name:
        return "OTHER" if cat[0] == "L" else None
    words = name.split()
    if words[0] in ("HALFWIDTH", "FULLWIDTH") and len(words) > 1:
        words = words[1:]
    if words[0] == "COMBINING" or (cat[0] == "M" and words[0] in ("VARIATION", "EMOJI")):
        return "INHERITED"
    if words[0] == "MODIFIER":
        return None
    if name.startswith("IDEOGRAPHIC ") and ch != "\u3005":  # 々 is a Han repetition mark
        return None
    script = _NAME_SCRIPT.get(words[0], words[0])
    if script in SCRIPT_LANG or script in PROFILE_SCRIPTS or script in _CJK:
        return script
    # A letter whose name does not start with its script: the ordinal indicators ª º (Latin:
    # `N.º 1` was a script of its own, MASCULINE, and so und), µ (Greek), letterlike symbols.
    import regex  # Unicode script properties; only reached for such rare letters

    for alphabet in ("LATIN", "CYRILLIC", "GREEK"):
        if regex.match(rf"\p{{Script={alphabet.title()}}}", ch):
            return alphabet
    return script


def script_counts(text: str) -> dict[str, int]:
    """Letters of ``text`` counted by script (combining marks are not counted apart)."""
    counts: dict[str, int] = {}
    for ch, n in Counter(text).items():
        s = script_of(ch)
        if s is not None and s != "INHERITED":
            counts[s] = counts.get(s, 0) + n
    return counts


def _groups(counts: dict[str, int]) -> dict[str, int]:
    """Fold Han into Japanese or Korean where kana or Hangul says so."""
    groups = dict(counts)
    han = groups.get("HAN", 0)
    if not han:
        return groups
    kana, hangul = groups.get("KANA", 0), groups.get("HANGUL", 0)
    host = "KANA" if kana >= hangul else "HANGUL"
    mine = max(kana, hangul)
    if mine and mine >= KANA_SHARE * (mine + han):
        groups[host] += groups.pop("HAN")
    return groups


def _weight(script: str, n: int) -> float:
    return n * CJK_WEIGHT if script in _CJK else float(n)


# --- Chinese: Simplified or Traditional -------------------------------------------------------


@dataclass(frozen=True)
class _HanTables:
    simplified: frozenset[str]  # used in Simplified Chinese only
    traditional: frozenset[str]  # used in Traditional Chinese only
    japanese: frozenset[str]  # Japanese shinjitai forms that Chinese writes otherwise


@functools.lru_cache(maxsize=1)
def _han_tables() -> _HanTables:
    """Characters only one of Simplified Chinese, Traditional Chinese or Japanese uses.

    From OpenCC's tables (package ``opencc-python-reimplemented``): a
    character is Traditional-only when OpenCC converts it to something else
    and never to itself going Traditional->Simplified; Simplified-only the
    other way round. Japanese-only forms are OpenCC's Japanese variants that
    appear nowhere in its Chinese character and phrase tables (e.g. 楽 for
    樂/乐, 駅 for 驛/驿). Characters the scripts share (most) are in no set.
    """
    from importlib import resources

    def read(name: str) -> str:
        return resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")

    def table(name: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for line in read(name).splitlines():
            key, _, values = line.partition("\t")
            if key and values:
                out[key] = values.split()
        return out

    t2s, s2t = table("TSCharacters.txt"), table("STCharacters.txt")
    trad_only = {t for t, ss in t2s.items() if t not in ss and len(t) == 1}
    simp_only = {s for s, ts in s2t.items() if s not in ts and len(s) == 1}
    both = trad_only & simp_only  # listed on both sides: used in both scripts
    # Every character in OpenCC's Chinese tables (the phrase table holds ~50k phrases).
    chinese = set(read("TSCharacters.txt") + read("STCharacters.txt") + read("STPhrases.txt"))
    japanese = {
        v
        for k, vs in table("JPVariants.txt").items()
        for v in vs
        if v != k and len(v) == 1 and v not in chinese
    }
    return _HanTables(frozenset(simp_only - both), frozenset(trad_only - both), frozenset(japanese))


def han_variant(text: str) -> tuple[str, float]:
    """``(lang, probability)`` of Han-only text: ``zh-Hans``, ``zh-Hant`` or ``ja``.

    Counts the characters only one script uses: ``s`` Simplified-only,
    ``t`` Traditional-only, ``j`` Japanese-only forms. Japanese when ``j > 0``
    and ``j >= s`` (Japanese also writes many Traditional forms), with
    probability ``(j + 0.5) / (j + s + 1)``. Otherwise Chinese, Traditional
    with probability ``(t + 0.5) / (s + t + 1)``; no evidence at all gives
    Simplified at 0.5.
    """
    tables = _han_tables()
    s = sum(1 for ch in text if ch in tables.simplified)
    t = sum(1 for ch in text if ch in tables.traditional)
    j = sum(1 for ch in text if ch in tables.japanese)
    if j and j >= s:
        return "ja", (j + 0.5) / (j + s + 1)
    p_trad = (t + 0.5) / (s + t + 1)
    if p_trad > 0.5:
        return "zh-Hant", p_trad
    return "zh-Hans", 1.0 - p_trad


# --- alphabets ---------------------------------------------------------------------------------

# Letters each language writes beyond its script's common core (ASCII a-z for
# Latin; the letters all four share for Cyrillic; the letters without
# Persian/Urdu additions for Arabic): the main exemplar characters of Unicode
# CLDR for the language, with a few of its auxiliary (loanword) letters.
# langdetect's profiles, learnt from Wikipedia, give foreign letters in names a
# real probability (ř in Croatian, я in Macedonian), so a letter outside a
# language's alphabet costs that language ALPHABET_PENALTY nats of posterior
# per occurrence (after the temperature: one letter is one observation, not
# three overlapping n-grams). A letter few languages write is thus strong
# evidence for them (distinctive_letters()).
ALPHABET_PENALTY = 6.0
_VI_EXTENDED = "".join(chr(c) for c in range(0x1EA1, 0x1EFA, 2))  # ạ ả ấ ... ỹ (lower case)
LETTERS: dict[str, str] = {
    "af": "áäéèêëíîïóôöúûüýŉ",
    "ca": "àçéèíïòóúü·",
    "cs": "áčďéěíňóřšťúůýž",
    "cy": "áàâäéèêëíìîïóòôöúùûüýỳŷŵ",
    "da": "æøåéáóü",
    "de": "äöüßéà",
    "en": "éèëïôç",
    "es": "áéíñóúü",
    "et": "äöõüšž",
    "fi": "äöåšž",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "hr": "čćđšž",
    "hu": "áéíóöőúüű",
    "id": "é",
    "it": "àèéìíîòóùú",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "nb": "æøåéèóòâô",
    "nl": "áàäéèêëíïóòöúüĳ",
    "pl": "ąćęłńóśźż",
    "pt": "áâãàçéêíóôõú",
    "ro": "ăâîșțşţ",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "sl": "čšžćđ",
    "so": "",
    "sq": "çë",
    "sv": "åäöé",
    "sw": "",
    "tl": "ñáàâéèêíìîóòôúùû",
    "tr": "çğıöşüâîû",
    "vi": "àáâãèéêìíòóôõùúýăđĩũơư" + _VI_EXTENDED,
    "bg": "йщъьюяѝ",
    "mk": "ѓѕјљњќџѐѝ",
    "ru": "ёйщъыьэюя",
    "uk": "ґєіїйщьюяʼ",
    "ar": "ةى",
    "fa": "پچژگکی",
    "ur": "پچژگکیٹڈڑںےھۃۂۓ",
    # Devanagari: the nukta (ज़ फ़ ड़ ढ़ are Hindi letters; NFC writes them as letter + U+093C)
    # and the candra vowels of English loans (ऑ ॉ ॅ); Marathi's own letter ळ and its ॲ.
    # Nepali writes none of them (सडक, not सड़क; अनलाइन, not ऑनलाइन).
    "hi": "\u093cऑॉॅ",
    "mr": "ळॲऑॉॅ",
    "ne": "",
}
_NON_LATIN = ("bg", "mk", "ru", "uk", "ar", "fa", "ur", "hi", "mr", "ne")
# The letters of a script that some but not all of its profile languages write.
_MARKED: dict[str, frozenset[str]] = {
    "LATIN": frozenset("".join(v for k, v in LETTERS.items() if k not in _NON_LATIN)),
    "CYRILLIC": frozenset("ёйщъыьэюяґєіїѓѕјљњќџѐѝʼ"),
    "ARABIC": frozenset("ةىپچژگکیٹڈڑںےھۃۂۓ"),
    "DEVANAGARI": frozenset("\u093cळॲऑॉॅ"),
}


_SCRIPT_LANGS = {
    "LATIN": [k for k in LETTERS if k not in _NON_LATIN],
    "CYRILLIC": ["bg", "mk", "ru", "uk"],
    "ARABIC": ["ar", "fa", "ur"],
    "DEVANAGARI": ["hi", "mr", "ne"],
}


def distinctive_letters(script: str = "LATIN", most: int = 2) -> dict[str, tuple[str, ...]]:
    """Letters of ``script`` that at most ``most`` of its profile languages write, with them.

    Derived from :data:`LETTERS` (e.g. ``ő -> (hu,)``, ``ø -> (da, nb)``): the letters whose
    presence the alphabet check turns into strong evidence for those languages.
    """
    langs = _SCRIPT_LANGS[script]
    owners: dict[str, list[str]] = {}
    for lang in langs:
        for ch in LETTERS[lang]:
            owners.setdefault(ch, []).append(lang)
    return {ch: tuple(ls) for ch, ls in sorted(owners.items()) if len(ls) <= most}


_UK_APOSTROPHE = re.compile("(?<=[\u0400-\u04ff])['\u2019](?=[\u0400-\u04ff])")


def _alphabet_penalty(text: str, script: str, langs: Sequence[str]) -> list[float]:
    """Per language, ALPHABET_PENALTY times the letters of ``text`` outside its alphabet."""
    marked = _MARKED.get(script)
    if marked is None:
        return [0.0] * len(langs)
    if script == "CYRILLIC":
        # An apostrophe inside a Cyrillic word is Ukrainian orthography (комп'ютер).
        text = _UK_APOSTROPHE.sub("\u02bc", text)
    counts: Counter[str] = Counter()
    for ch, n in Counter(text).items():
        if ch.isascii():
            continue
        low = ch.lower()[:1]
        if low in marked or (script == "LATIN" and script_of(low) == "LATIN"):
            counts[low] += n
    if not counts:
        return [0.0] * len(langs)
    out = []
    for lang in langs:
        own = LETTERS.get(lang)
        foreign = 0 if own is None else sum(n for ch, n in counts.items() if ch not in own)
        out.append(ALPHABET_PENALTY * foreign)
    return out


# --- langdetect's profiles as one matrix -------------------------------------------------------


@dataclass
class _Profiles:
    langs: list[str]  # edge codes, one per column
    index: dict[str, int]  # n-gram -> row
    logp: np.ndarray  # rows x langs: log(p(ngram | lang) + alpha / BASE_FREQ)
    columns: dict[str, list[int]]  # script -> columns of the languages written in it
    normalize: dict[int, str]  # str.translate table: langdetect's character normalisation
    url_re: re.Pattern[str]
    mail_re: re.Pattern[str]
    # frequent word (normalised, lower case) -> its row of WORD_EVIDENCE / 0 at the end of logp
    word_rows: dict[str, int]
    word_cache: dict[str, tuple[int, ...]] = field(default_factory=dict)


def _read_profiles(directory: str) -> list[tuple[str, dict[str, int], list[int]]]:
    """langdetect's profile files as ``(name, n-gram counts, n_words)``, in file-name order."""
    import json
    import os

    out = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        out.append((data["name"], data["freq"], data["n_words"]))
    return out


@functools.lru_cache(maxsize=1)
def _profiles() -> _Profiles:
    """Load langdetect's 55 profiles once per process into one n-gram x language matrix."""
    import numpy as np
    from langdetect.detector import Detector
    from langdetect.detector_factory import PROFILES_DIRECTORY
    from langdetect.utils.ngram import NGram

    raw = _read_profiles(PROFILES_DIRECTORY)
    found = [languages.from_langdetect(name).code for name, _, _ in raw]
    # Columns in code order, whatever order the profile files were listed in.
    order = sorted(range(len(found)), key=lambda i: found[i])
    langs = [found[i] for i in order]
    index: dict[str, int] = {}
    for _, freq, _ in raw:
        for gram in freq:
            if 1 <= len(gram) <= 3:
                index.setdefault(gram, len(index))
    grams = list(index)
    probs = np.zeros((len(grams), len(langs)), dtype=np.float64)
    for col, i in enumerate(order):
        _, freq, n_words = raw[i]
        floor = n_words[0] / PRUNE_RATIO if PRUNE_RATIO else 0.0
        for gram, count in freq.items():
            n = len(gram)
            if 1 <= n <= 3 and count >= floor:
                probs[index[gram], col] = count / n_words[n - 1]
    logp = np.log(probs + _ALPHA / _BASE_FREQ).astype(np.float32)
    # Each frequent word (align.detect_evidence) is one more row: WORD_EVIDENCE nats for the
    # languages that list it, 0 for the others; read with the word's n-grams (and cached).
    table: dict[int, str] = {}
    for cp in range(0x20, 0x3000):
        ch = chr(cp)
        norm = NGram.normalize(ch)
        if norm != ch:
            table[cp] = norm
    word_cols = _frequent_word_columns(langs, table)
    evidence = np.zeros((len(word_cols), len(langs)), dtype=np.float32)
    for i, cols_of_word in enumerate(word_cols.values()):
        evidence[i, cols_of_word] = WORD_EVIDENCE
    word_rows = {w: len(grams) + i for i, w in enumerate(word_cols)}
    logp = np.vstack([logp, evidence])
    columns: dict[str, list[int]] = {}
    for i, code in enumerate(langs):
        script = languages.get(code).script
        for name, tag in PROFILE_SCRIPTS.items():
            if tag == script:
                columns.setdefault(name, []).append(i)
    return _Profiles(
        langs=langs,
        index=index,
        logp=logp,
        columns=columns,
        normalize=table,
        url_re=Detector.URL_RE,
        mail_re=Detector.MAIL_RE,
        word_rows=word_rows,
    )


def _frequent_word_columns(langs: Sequence[str], normalize: dict[int, str]) -> dict[str, list[int]]:
    """Frequent word, as :func:`_ngram_rows` reads it -> columns of the languages listing it."""
    from align.detect_evidence import FREQUENT_WORDS

    out: dict[str, list[int]] = {}
    for col, lang in enumerate(langs):
        for word in sorted(FREQUENT_WORDS.get(lang, ())):
            # A word listed with a capital (English "I") is matched only as written.
            out.setdefault(word.translate(normalize), []).append(col)
    return out


def detectable_languages() -> tuple[str, ...]:
    """Every edge code the detector can answer, sorted."""
    found = set(_profiles().langs) | set(SCRIPT_LANG.values()) | {"zh-Hans", "zh-Hant"}
    found |= {"sr", "be", "kk", "is"}  # read off the answers of languages with a profile
    return tuple(sorted(found))


def _word_rows(word: str, prof: _Profiles, initial: bool = True) -> tuple[int, ...]:
    """Rows of the profile n-grams of one word, padded with spaces as langdetect reads it,
    and of the frequent-word lists that hold it.

    A list word in lower case matches the word in any case (a capital starts a sentence or
    a title), except a one-letter word with a capital that does not start the unit: the
    English pronoun *I* is not the Welsh, Croatian, Catalan or Polish *i* ("and", "to").
    """
    rows = prof.word_cache.get(word)
    if rows is None:
        padded = f" {word} "
        index = prof.index
        found = []
        for n in (1, 2, 3):
            for i in range(len(padded) - n + 1):
                gram = padded[i : i + n]
                row = index.get(gram) if gram != " " else None
                if row is not None:
                    found.append(row)
        for key in dict.fromkeys((word.lower(), word)):  # in this order, each once
            word_row = prof.word_rows.get(key)
            if word_row is not None:
                found.append(word_row)
        rows = tuple(found)
        if len(prof.word_cache) < _WORD_CACHE:
            prof.word_cache[word] = rows
    if not initial and len(word) == 1 and word.isupper():
        lower = prof.word_rows.get(word.lower())
        if lower is not None:
            rows = tuple(r for r in rows if r != lower)
    return rows


def _shouting(words: Sequence[str]) -> bool:
    """Whether most letters of ``words`` are in words of capitals (an all-caps headline)."""
    letters = sum(len(w) for w in words)
    caps = sum(len(w) for w in words if len(w) > 1 and w.isupper())
    return caps * 2 > letters


def _capitals_run(word: str) -> bool:
    """Two capitals in a row: an acronym or a name in capitals (NULL, SELinux, SuperLIGA)."""
    return any(a.isupper() and b.isupper() for a, b in itertools.pairwise(word))


def _ngram_rows(text: str, prof: _Profiles) -> list[int]:
    """Rows of the profile n-grams in ``text`` (already reduced to one script's letters)."""
    words = text.translate(prof.normalize).split()
    shouting = _shouting(words)  # an all-caps text: read it in lower case
    rows: list[int] = []
    skipped: list[str] = []
    for i, word in enumerate(words):
        if shouting:
            word = word.lower()
        elif _capitals_run(word):
            skipped.append(word)  # acronyms and names in capitals say little about the language
            continue
        rows.extend(_word_rows(word, prof, initial=i == 0))
    if not rows:  # nothing but such words (SuperLIGA, TikTOK): little is better than und
        for word in skipped:
            rows.extend(_word_rows(word.lower(), prof))
    return rows


def _read_words(text: str) -> list[str]:
    """The words of ``text`` (one script's letters) the n-grams read (step 5), lowered.

    An acronym in a line of lower case is a name, not a word of the language, though lowered
    it may be one (STA, NULL: Norwegian "null"); an all-caps line is read whole.
    """
    words = text.split()
    if not _shouting(words):
        words = [w for w in words if not _capitals_run(w)] or words
    return [w.lower() for w in words]


def _lexicon_scores(text: str, langs: Sequence[str], scores: np.ndarray) -> np.ndarray:
    """Per language of ``langs``: minus the words of the unit its lexicon does not know,
    beyond the contender that knows the most, times :data:`LEXICON_WEIGHT` (an Apertium
    analyser) or :data:`SPELLING_WEIGHT` (a spelling dictionary); 0 for the others.

    Contenders are the languages with a lexicon (:data:`align.detect_evidence.LEXICONS`,
    Apertium's analysers for close groups; :data:`align.detect_evidence.SPELLING` for hi, ne,
    mr) within :data:`WORD_FREQ_MARGIN` of the best; with fewer than two nothing changes and
    no analyser is started. Words of one letter are left out (the pieces of *'n*, *z'n*).
    Names unknown to both cancel out.
    """
    import numpy as np

    from align.detect_evidence import LEXICONS, SPELLING, known_by, lexicon

    out = np.zeros(len(langs))
    best = scores.max()
    near = [
        j
        for j, lang in enumerate(langs)
        if (lang in LEXICONS or lang in SPELLING) and scores[j] >= best - WORD_FREQ_MARGIN
    ]
    if len(near) < 2:
        return out
    words = [w for w in _read_words(text) if len(w) > 1]
    found = [(j, lex) for j in near if (lex := lexicon(langs[j])) is not None]
    unknown: dict[int, int] = {}
    for (j, _), known in zip(found, known_by([lex for _, lex in found], words), strict=True):
        if known is not None:
            unknown[j] = len(words) - sum(known)
    if len(unknown) < 2:
        return out
    least = min(unknown.values())
    for j, count in unknown.items():
        out[j] = -(count - least) * (SPELLING_WEIGHT if langs[j] in SPELLING else LEXICON_WEIGHT)
    return out


@functools.lru_cache(maxsize=64)
def _word_frequencies(lang: str) -> dict[str, float]:
    """wordfreq's list for ``lang`` (word -> ln frequency; empty without one), read once."""
    from align.detect_evidence import word_log_frequencies

    return word_log_frequencies(lang)


def _word_frequency_scores(text: str, langs: Sequence[str], scores: np.ndarray) -> np.ndarray:
    """Per language of ``langs``: how much less likely the unit's words are in it than in the
    likeliest contender with a word list (0 for that one, and for the others left out).

    Contenders are the languages with a wordfreq list whose score so far is within
    :data:`WORD_FREQ_MARGIN` of the best; when fewer than two are, nothing changes (and no
    list is read: a clear English line never loads the Danish one). Each word counts
    ln f(word | language), a word missing from a list counting as :data:`WORD_FREQ_FLOOR`:
    a word-unigram model over wordfreq's lists, compared only among languages that have one.
    """
    import numpy as np

    from align.detect_evidence import WORDFREQ_CODES

    out = np.zeros(len(langs))
    best = scores.max()
    rivals = [
        j
        for j, lang in enumerate(langs)
        if lang in WORDFREQ_CODES and scores[j] >= best - WORD_FREQ_MARGIN
    ]
    if len(rivals) < 2:
        return out
    words = _read_words(text)
    for j in rivals:
        table = _word_frequencies(langs[j])
        out[j] = sum(table.get(w, WORD_FREQ_FLOOR) for w in words)
    out[rivals] -= out[rivals].max()
    return out


def _score(
    text: str, script: str, allowed: frozenset[str] | None, raw: str, prior: str | None = None
) -> list[tuple[str, float]]:
    """Posterior over the languages of ``script`` (restricted to ``allowed``), best first.

    ``text`` holds only the letters of ``script``; ``raw`` is the unit as
    written, for the alphabet check.
    """
    import numpy as np

    prof = _profiles()
    cols = [c for c in prof.columns.get(script, []) if allowed is None or prof.langs[c] in allowed]
    if not cols:
        return []
    rows = _ngram_rows(text, prof)
    if not rows:  # no letters left (a URL-only line): nothing to read, whatever is allowed
        return []
    if len(cols) == 1:
        return [(prof.langs[cols[0]], 1.0)]
    loglik = prof.logp[np.asarray(rows)][:, cols].sum(axis=0, dtype=np.float64)
    scores = loglik / TEMPERATURE
    langs = [prof.langs[c] for c in cols]
    scores -= np.asarray(_alphabet_penalty(raw, script, langs))
    # Both word steps judge the contenders on the standing the n-grams left them.
    lexical = _lexicon_scores(text, langs, scores)
    if WORD_FREQ_WEIGHT:
        scores += WORD_FREQ_WEIGHT * _word_frequency_scores(text, langs, scores)
    scores += lexical
    if prior is not None and PARAGRAPH_PRIOR:
        for j, c in enumerate(cols):
            if prof.langs[c] == prior:
                scores[j] += PARAGRAPH_PRIOR
    scores -= scores.max()
    post = np.exp(scores)
    post /= post.sum()
    order = np.argsort(-post, kind="stable")
    return [(prof.langs[cols[i]], float(post[i])) for i in order]


# --- one unit ----------------------------------------------------------------------------------


def _allowed(candidates: Sequence[str] | None) -> frozenset[str] | None:
    if candidates is None:
        return None
    codes = [c for c in candidates if c.strip()]
    if not codes:
        raise LanguageError("no candidate languages given", "e.g. --langs en,fr,zh")
    out = {languages.normalize(c) for c in codes}
    # A bare "zh" is Chinese in either script; only zh-Hans / zh-Hant (zh-CN, zh-TW) pick one.
    if any(c.strip().lower() in ("zh", "zho") for c in codes):
        out |= {"zh-Hans", "zh-Hant"}
    return frozenset(out)


def _only_script(text: str, script: str) -> str:
    """``text`` with everything but the letters of ``script`` (and combining marks) as spaces."""
    keep = {script, "INHERITED"}
    if script in ("KANA", "HANGUL"):
        keep.add("HAN")
    table = {ord(ch): " " for ch in set(text) if script_of(ch) not in keep}
    return text.translate(table)


# Serbian Cyrillic (no langdetect profile). Of the profiled Cyrillic languages only
# Macedonian writes ј љ њ џ, so Serbian text scores as Macedonian; the two alphabets differ
# in ђ ћ (Serbian) against ѓ ќ ѕ (Macedonian), and Serbian has none of the letters of
# Russian, Ukrainian, Bulgarian and Belarusian beyond them. Where neither letter pair shows,
# the commonest words that only one of the two writes decide (Serbian је "is", у "in", са
# "with", бити "to be" — Macedonian has no infinitive; Macedonian е, во, со, and the forms
# with ќ and ѓ); words both write (сте, да, за, се, ја, што) count for neither.
_LETTER_RUNS = re.compile(r"[^\W\d_]+")  # words, as letters only
SERBIAN_LETTERS = frozenset("ђћ")
_NOT_SERBIAN = frozenset("ѓќѕйщъьыэюяёіїєґў")
_SERBIAN_WORDS = frozenset({
    "је", "у", "су", "смо", "није", "ће", "бити", "који", "које", "шта", "као", "када",
    "где", "сада", "већ", "још", "јер", "због", "између", "са", "ову", "ове", "овај", "ништа",
    "уместо", "сви", "све", "много",
})  # fmt: skip
_MACEDONIAN_WORDS = frozenset({
    "е", "во", "со", "ќе", "сум", "сме", "кој", "кое", "тоа", "тие", "таа", "каде", "кога",
    "сега", "веќе", "уште", "меѓу", "кон", "ги", "го", "оваа", "овој", "овие", "сите", "многу",
})  # fmt: skip


# Belarusian (no langdetect profile either) is told by its alphabet alone: ў is its own, and
# it writes і (as Ukrainian) beside ы and э (as Russian), which no other Cyrillic language
# does; it has no и, щ, ъ, nor Ukrainian's ї є ґ or the South Slavic letters.
_NOT_BELARUSIAN = frozenset("ищъїєґѓќѕјљњџђћәғқңөұүһӧ")
# Kazakh (no profile) writes every Russian letter, і, and ә ғ қ ң ө ұ ү һ, which none of
# the table's other Cyrillic languages writes.
KAZAKH_LETTERS = frozenset("әғқңөұүһ")
_NOT_KAZAKH = frozenset("ўїєґѓќѕјљњџђћ")


def _is_belarusian(letters: set[str]) -> bool:
    """A unit's (lower-case) letters: Belarusian's alphabet with a combination only it has."""
    if letters & _NOT_BELARUSIAN:
        return False
    return "ў" in letters or ("і" in letters and bool(letters & {"ы", "э"}))


def _is_kazakh(letters: set[str]) -> bool:
    """A unit's (lower-case) letters: one only Kazakh writes and none it lacks."""
    return bool(letters & KAZAKH_LETTERS) and not letters & _NOT_KAZAKH


# Icelandic (Latin, no profile): þ is its own letter and ð it shares only with Faroese
# (not in the table, and written with ø). A unit that writes þ or ð, no Latin letter beyond
# Icelandic's (áðéíóúýþæö and ASCII), and whose words Apertium's Icelandic analyser mostly
# knows (an English line naming Þingvellir does not pass) is Icelandic.
_ICELANDIC_EXTRA = frozenset("áðéíóúýþæö")
ICELANDIC_KNOWN_SHARE = 0.5


def _icelandic(text: str) -> bool:
    lowered = text.lower()
    if "þ" not in lowered and "ð" not in lowered:  # every Latin unit asks: cheapest first
        return False
    letters = {ch for ch in lowered if ch.isalpha()}
    if any(ord(ch) > 127 and ch not in _ICELANDIC_EXTRA for ch in letters):
        return False
    from align.detect_evidence import lexicon

    lex = lexicon("is")
    words = [w for w in _LETTER_RUNS.findall(lowered) if len(w) > 1]
    known = lex.known(words) if lex is not None and words else None
    return known is not None and sum(known) >= ICELANDIC_KNOWN_SHARE * len(words)


def _more_serbian_words(text: str) -> bool:
    """More of the words only Serbian writes than of those only Macedonian writes."""
    words = _LETTER_RUNS.findall(text.lower())
    return sum(w in _SERBIAN_WORDS for w in words) > sum(w in _MACEDONIAN_WORDS for w in words)


def _read_as(lang: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """``ranked`` with its answer read as ``lang`` (an unprofiled language), same probability."""
    return [(lang, ranked[0][1] if ranked else 1.0)] + [(c, p) for c, p in ranked[1:] if c != lang]


def _unprofiled_cyrillic(
    text: str, ranked: list[tuple[str, float]], allowed: frozenset[str] | None
) -> list[tuple[str, float]]:
    """``ranked`` with the Cyrillic languages langdetect has no profile for read off it:
    Serbian where the answer was Macedonian (whose profile stands for both) and the text is
    Serbian, or whatever the answer was where the text writes ђ or ћ and no letter Serbian
    lacks; Belarusian or Kazakh where the text's alphabet is that language's alone. Only ``allowed``
    languages are kept (the profiled ones were scored to read the answer off)."""
    if ranked:
        letters = set(text.lower())
        serbian = not letters & _NOT_SERBIAN and bool(
            letters & SERBIAN_LETTERS or (ranked[0][0] == "mk" and _more_serbian_words(text))
        )
        if serbian and (allowed is None or "sr" in allowed):
            ranked = _read_as("sr", ranked)
        elif (allowed is None or "be" in allowed) and _is_belarusian(letters):
            ranked = _read_as("be", ranked)
        elif (allowed is None or "kk" in allowed) and _is_kazakh(letters):
            ranked = _read_as("kk", ranked)
    if allowed is not None:
        ranked = [(c, p) for c, p in ranked if c in allowed]
    return ranked


def _decide(
    text: str, script: str, allowed: frozenset[str] | None, top: int, prior: str | None = None
) -> tuple[str, float, list[tuple[str, float]]]:
    """The language of ``text`` written in ``script`` (a group from :func:`_groups`)."""
    if script == "HAN":
        lang, p = han_variant(text)
        if lang == "ja" and (allowed is None or "ja" in allowed):
            return "ja", p, [("ja", p)]
        chinese = [c for c in ("zh-Hans", "zh-Hant") if allowed is None or c in allowed]
        if not chinese:
            return UND, 0.0, []
        if lang == "ja":
            lang, p = "zh-Hant", 0.5
        if len(chinese) == 1:
            return chinese[0], 1.0, [(chinese[0], 1.0)]
        other = "zh-Hant" if lang == "zh-Hans" else "zh-Hans"
        return lang, p, [(lang, p), (other, 1.0 - p)][:top]
    if script in SCRIPT_LANG:
        lang = SCRIPT_LANG[script]
        if allowed is not None and lang not in allowed:
            return UND, 0.0, []
        return lang, 1.0, [(lang, 1.0)]
    if script in PROFILE_SCRIPTS:
        prof = _profiles()
        clean = prof.mail_re.sub(" ", prof.url_re.sub(" ", text))
        clean = clean[:MAX_TEXT]
        unprofiled = script == "CYRILLIC" and (
            allowed is None or bool(allowed & {"sr", "be", "kk"})
        )
        # Serbian, Belarusian and Kazakh are read off the profiled answer: score those.
        scored = allowed | {"mk", "ru", "uk"} if unprofiled and allowed is not None else allowed
        ranked = _score(_only_script(clean, script), script, scored, clean, prior)
        if unprofiled:
            ranked = _unprofiled_cyrillic(clean, ranked, allowed)
        elif script == "LATIN" and (allowed is None or "is" in allowed) and _icelandic(clean):
            ranked = _read_as("is", ranked)
        if not ranked:
            return UND, 0.0, []
        lang, p = ranked[0]
        alts = [ranked[0]] + [(c, q) for c, q in ranked[1:top] if q >= MIN_ALTERNATIVE]
        return lang, p, alts
    return UND, 0.0, []


def detect_language(
    text: str, *, candidates: Sequence[str] | None = None, top: int = 3
) -> Detection:
    """Detect the language of one unit of text (a line, sentence, paragraph or short document).

    Deterministic and cheap after the first call. ``candidates`` restricts the
    answer to those languages (edge codes); ``top`` limits the alternatives.
    Returns ``und`` for fewer than :data:`MIN_LETTERS` letters or when no
    candidate is written in the text's script, and ``mul`` for a unit that
    mixes scripts (see the module docstring).
    """
    return _detect(unicodedata.normalize("NFC", text), _allowed(candidates), max(1, top))


def _main_group(ranked: list[str], weights: dict[str, float]) -> str | None:
    """The script group that decides the unit, or None when the unit is mixed.

    Mixed: three groups or more each hold MINOR_SHARE of the weight (text that
    hops across scripts, like a menu of language names), or two non-Latin
    groups where neither reaches MIXED_SHARE. Latin is the script other
    languages borrow names, brands and terms in, so Latin beside one other
    script gives way to it once the other holds LATIN_YIELD of the weight.
    """
    total = sum(weights.values())
    main = ranked[0]
    minor = [s for s in ranked if weights[s] >= MINOR_SHARE * total]
    if len(minor) >= 3:
        return None
    if len(minor) == 1:
        return main
    first, second = minor
    if "LATIN" in (first, second):
        other = second if first == "LATIN" else first
        return other if weights[other] >= LATIN_YIELD * total else "LATIN"
    return main if weights[main] >= MIXED_SHARE * total else None


def _detect(
    text: str, allowed: frozenset[str] | None, top: int, prior: str | None = None
) -> Detection:
    counts = script_counts(text)
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return Detection(UND, 0.0, [], "", letters, ((UND, letters),) if letters else ())
    groups = _groups(counts)
    weights = {s: _weight(s, n) for s, n in groups.items()}
    ranked = sorted(groups, key=lambda s: (-weights[s], s))
    main = _main_group(ranked, weights)
    if main is None:
        parts: list[tuple[str, int]] = []
        for s in ranked:
            lang, _, _ = _decide(_only_script(text, s), s, allowed, 1)
            parts.append((lang, groups[s]))
        merged: dict[str, int] = {}
        for lang, n in parts:
            merged[lang] = merged.get(lang, 0) + n
        alts = sorted(((lang, n / letters) for lang, n in merged.items()), key=lambda x: -x[1])
        return Detection(MUL, 0.0, alts[:top], "MIXED", letters, tuple(merged.items()))
    lang, conf, alts = _decide(text, main, allowed, top, prior)
    # Letters of other scripts are evidence the unit is not all in this language.
    share = weights[main] / sum(weights.values())
    if share < 1.0:
        conf *= share
        alts = [(code, p * share) for code, p in alts]
    return Detection(lang, conf, alts, main, letters, ((lang, letters),))


# --- many units --------------------------------------------------------------------------------


def detect_many(
    texts: Iterable[str], *, candidates: Sequence[str] | None = None, top: int = 3
) -> Iterator[Detection]:
    """Detect each text in turn (streaming); repeated texts are decided once."""
    allowed = _allowed(candidates)
    top = max(1, top)
    seen: dict[str, Detection] = {}
    for text in texts:
        found = seen.get(text)
        if found is None:
            found = _detect(unicodedata.normalize("NFC", text), allowed, top)
            if len(seen) < 100_000:
                seen[text] = found
        yield found


def detect_segments(
    text: str,
    *,
    by: str = "sentence",
    top: int = 3,
    candidates: Sequence[str] | None = None,
) -> Iterator[UnitDetection]:
    """Detect the language of each unit of ``text``: ``line``, ``sentence`` or ``paragraph``.

    ``line`` keeps every line, blank ones included (they are ``und``), so row
    ``i`` is line ``i``. ``sentence`` splits each paragraph with the rules of
    the paragraph's own language.
    """
    if by not in UNITS or by == "document":
        raise InputError(f"unknown unit {by!r}", "use line, sentence or paragraph")
    allowed = _allowed(candidates)
    top = max(1, top)
    if by == "line":
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        dets = detect_many(lines, candidates=candidates, top=top)
        for i, (line, det) in enumerate(zip(lines, dets, strict=True)):
            yield UnitDetection(Segment(i, 0, line), det)
        return
    for p, para in enumerate(paragraphs(text)):
        pdet = _detect(unicodedata.normalize("NFC", para), allowed, top)
        if by == "paragraph":
            yield UnitDetection(Segment(p, 0, para), pdet)
            continue
        split_lang = pdet.lang if pdet.is_language else None
        for s, sent in enumerate(split_sentences(para, split_lang)):
            det = _detect(unicodedata.normalize("NFC", sent), allowed, top, split_lang)
            yield UnitDetection(Segment(p, s, sent), det)


def summarize(units: Iterable[UnitDetection]) -> DocumentDetection:
    """The main language and language shares (by letters) of detected units."""
    unit_list = list(units)
    letters: dict[str, int] = {}
    weighted: dict[str, float] = {}
    for unit in unit_list:
        det = unit.detection
        probs = dict(det.alternatives)
        for lang, n in det.parts:
            letters[lang] = letters.get(lang, 0) + n
            p = probs.get(lang, 0.0) if det.is_language else 0.0
            weighted[lang] = weighted.get(lang, 0.0) + n * p
    total = sum(letters.values())
    if not total:
        return DocumentDetection(UND, 0.0, {}, unit_list, 0)
    shares = {lang: n / total for lang, n in sorted(letters.items(), key=lambda x: (-x[1], x[0]))}
    real = [lang for lang in shares if lang not in (UND, MUL)]
    if not real:
        return DocumentDetection(UND, 0.0, shares, unit_list, total)
    main = real[0]
    return DocumentDetection(main, weighted[main] / total, shares, unit_list, total)


def detect_document(
    text: str,
    *,
    by: str = "paragraph",
    top: int = 3,
    candidates: Sequence[str] | None = None,
) -> DocumentDetection:
    """The main language of a document and the share of each language found, by letters.

    The document is cut into units (``by``), each detected; the main language
    is the one with the most letters, its confidence the letter-weighted mean
    probability the units give it.
    """
    return summarize(detect_segments(text, by=by, top=top, candidates=candidates))


def as_row(det: Detection) -> dict[str, Any]:
    """A flat dict for rendering (alternatives as ``{lang: prob}``)."""
    return {
        "lang": det.lang,
        "confidence": round(det.confidence, 4),
        "alternatives": {lang: round(p, 4) for lang, p in det.alternatives},
        "letters": det.letters,
        "short": det.short,
    }

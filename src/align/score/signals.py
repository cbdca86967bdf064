"""The per-segment signals of the reference-free estimate: what a reader of the output sees.

Each function looks at one source segment and its translation and needs no
reference and no embeddings (the embedding similarity is computed in
:mod:`align.score.estimate`):

- :func:`untranslated`: source-language words left in the output. Three checks:
  the whole sentence detected as the source language (:mod:`align.detect`,
  restricted to the two languages); letters of the source's script in a target
  written in another script (Han characters in English); and words copied from
  the source that are words of the source language and not of the target
  language, by the lemmatisation dictionaries of ``simplemma`` (54 languages,
  Catalan and Galician included): "overestimate" copied into Spanish is known
  in English and unknown in Spanish, "yongming" or "alibaba" is known in
  neither (a name, rightly copied). Words an engine marked as unknown
  (Apertium's ``*``) are checked the same way when the target has no dictionary.
- :func:`repeated`: the share of word 3-grams (character 4-grams in unsegmented
  scripts) that repeat an earlier one: a decoder caught in a loop.
- :func:`missing_tokens`: numbers and names of the source not found in the
  translation, with the aligner's lexical tokens
  (:func:`align.alignment.costs.shared_tokens`), after folding thousands
  separators (``1,000`` = ``1000``).

Length is measured against the corpus (:mod:`align.score.estimate`), since the
usual ratio depends on the language pair.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from align import languages as langs

# Scripts written without spaces between words: n-grams of characters there.
UNSEGMENTED = frozenset({"HAN", "KANA", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR"})
# A sentence detected as the source language with at least this confidence, from at least
# DETECT_MIN_LETTERS letters, is left untranslated as a whole.
DETECT_CONFIDENCE = 0.9
DETECT_MIN_LETTERS = 20
# Shorter words are not checked: two letters are mostly acronyms (AI, EU) or words that
# close languages share.
MIN_WORD = 3
# A pivot-language word (not in the source, so the check has less evidence) is counted from
# this length.
PIVOT_MIN_WORD = 5
# Word n-grams (and character n-grams in unsegmented scripts) for the repetition check.
REPEAT_WORD_N = 3
REPEAT_CHAR_N = 4
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NUMBER_SEP = re.compile(r"(?<=\d)[,.\u00a0\u202f\u2009'’](?=\d)")
_DIGITS = re.compile(r"\d+")
# Letter runs outside the CJK blocks (as the aligner's tokens are cut).
_SPELLED = re.compile(r"[^\W\d_\u2e80-\u9fff\uac00-\ud7af\u3040-\u30ff\uf900-\ufaff]+")


@functools.lru_cache(maxsize=8)
def _dictionary_code(lang: str) -> str | None:
    """simplemma's code for ``lang``, or None when simplemma has no dictionary for it."""
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
    except ImportError:  # pragma: no cover - simplemma is a base dependency
        return None
    code = langs.base(langs.normalize(lang)).lower()
    code = {"nb": "nb", "no": "nb", "sr": "hbs", "hr": "hbs", "bs": "hbs"}.get(code, code)
    return code if code in SUPPORTED_LANGUAGES else None


def has_dictionary(lang: str) -> bool:
    """True when the word-level check has a dictionary of ``lang``."""
    return _dictionary_code(lang) is not None


@functools.lru_cache(maxsize=200_000)
def is_word(word: str, lang: str) -> bool | None:
    """Whether ``word`` is in ``lang``'s dictionary (as written or lower-cased); None: no
    dictionary for ``lang``."""
    code = _dictionary_code(lang)
    if code is None:
        return None
    import simplemma

    return bool(simplemma.is_known(word, code) or simplemma.is_known(word.lower(), code))


def script_of_text(text: str) -> str | None:
    """The script most letters of ``text`` are written in (``LATIN``, ``HAN``...)."""
    from align.detect import script_counts

    counts = script_counts(text)
    return max(counts, key=lambda s: counts[s]) if counts else None


def _tokens(text: str, script: str | None) -> list[str]:
    if script in UNSEGMENTED:
        from align.detect import script_of

        return [ch for ch in text if script_of(ch) is not None]
    return [w.lower() for w in _WORD.findall(text)]


@dataclass
class Untranslated:
    """Source-language words left in a translation."""

    words: list[str] = field(default_factory=list)  # in output order, once each
    share: float = 0.0  # share of the translation's letters in those words (1.0: all of it)
    sentence: bool = False  # the whole sentence was detected as the source language
    lang: str = ""  # the language it was detected as (the source or a pivot)

    def reason(self, src_lang: str) -> str:
        if self.sentence:
            return f"untranslated: the sentence is in {self.lang or src_lang}"
        shown = ", ".join(self.words[:6]) + (", …" if len(self.words) > 6 else "")
        return f"untranslated: {shown}"


@functools.lru_cache(maxsize=64)
def _detectable(src_lang: str, tgt_lang: str) -> bool:
    """Both languages have a detector profile (a language without one would never be
    the answer, and the source would win every sentence)."""
    from align.detect import detectable_languages

    known = set(detectable_languages())
    return _detector_code(src_lang) in known and _detector_code(tgt_lang) in known


@functools.lru_cache(maxsize=64)
def _detector_code(lang: str) -> str:
    """The detector's own code for ``lang``: a regional or variant code (``pt-BR``,
    ``ca-valencia``) is its base language's profile; a code the detector has is itself."""
    from align.detect import detectable_languages

    known = set(detectable_languages())
    code = langs.normalize(lang)
    if code in known:
        return code
    base = langs.base(code)
    return base if base in known else code


def _letters(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch)[0] == "L")


def untranslated(
    src: str,
    hyp: str,
    src_lang: str,
    tgt_lang: str,
    *,
    marked: Sequence[str] = (),
    pivots: Sequence[str] = (),
) -> Untranslated:
    """Source-language words left in ``hyp`` (see the module docstring for the three checks).

    ``pivots``: the languages a chain went through (zh -> en -> es): a word of a pivot
    language that is not a word of the target (``overestimated`` in Spanish) is left
    untranslated too, although the source never had it. Without the pivot text, such a
    word must be lower-case (not a name), at least :data:`PIVOT_MIN_WORD` letters long, and
    not in the source.
    """
    from align.detect import detect_language, script_of

    out = Untranslated()
    letters = _letters(hyp)
    if not letters or langs.base(src_lang) == langs.base(tgt_lang):
        return out
    for lang in [src_lang, *pivots]:
        if langs.base(lang) == langs.base(tgt_lang) or not _detectable(lang, tgt_lang):
            continue
        # the detector's codes: with ``pt-BR`` as given, only the source would be a candidate
        det = detect_language(
            hyp, candidates=[_detector_code(lang), _detector_code(tgt_lang)], top=1
        )
        if (
            det.letters >= DETECT_MIN_LETTERS
            and det.lang.split("-")[0] == langs.base(lang)
            and det.confidence >= DETECT_CONFIDENCE
        ):
            out.sentence, out.share, out.lang = True, 1.0, langs.normalize(lang)
            out.words = _WORD.findall(hyp)[:6]
            return out
    src_script = script_of_text(src)
    tgt_script = langs.get(tgt_lang).script
    same_script = langs.get(src_lang).script == tgt_script
    tgt_dict = has_dictionary(tgt_lang)
    source_words = {w.lower() for w in _WORD.findall(src)}
    found: list[str] = []
    if not same_script and src_script not in (None, "LATIN"):
        # Letters of the source's own script in a target written in another one.
        run = ""
        for ch in hyp + " ":
            if script_of(ch) == src_script:
                run += ch
            elif run:
                found.append(run)
                run = ""
    else:
        candidates = _WORD.findall(hyp) if tgt_dict else list(marked)
        for w in candidates:
            low = w.lower()
            if len(low) < MIN_WORD or low not in source_words or w in found:
                continue
            if not same_script and (len(low) < 4 or w != low):  # Latin acronyms in Chinese
                continue
            if is_word(w, src_lang) and not (tgt_dict and is_word(w, tgt_lang)):
                found.append(w)
    others = [
        p
        for p in pivots
        if langs.base(p) not in (langs.base(tgt_lang), langs.base(src_lang))
        and langs.get(p).script == tgt_script
        and has_dictionary(p)
    ]
    if others:
        for w in _WORD.findall(hyp) if tgt_dict else list(marked):
            low = w.lower()
            if len(w) < PIVOT_MIN_WORD or w != low or low in source_words or w in found:
                continue
            if any(is_word(w, p) for p in others) and not (tgt_dict and is_word(w, tgt_lang)):
                found.append(w)
    if found:
        out.words = list(dict.fromkeys(found))
        counted = sum(_letters(w) * n for w, n in Counter(_tokens_of(hyp, found)).items())
        out.share = min(1.0, counted / letters)
    return out


def _tokens_of(hyp: str, found: Sequence[str]) -> list[str]:
    """Each occurrence in ``hyp`` of the words in ``found`` (case-insensitive for words)."""
    keep = {w.lower() for w in found}
    words = [w for w in _WORD.findall(hyp) if w.lower() in keep]
    if words:
        return words
    return [w for w in found for _ in range(hyp.count(w))]


@dataclass
class Repeated:
    """A word (or character) n-gram loop."""

    share: float = 0.0  # share of the n-grams that repeat an earlier one
    ngram: str = ""  # the most repeated n-gram
    count: int = 0  # how often it occurs

    def reason(self) -> str:
        return f"repeated: «{self.ngram}» ×{self.count}"


def repeated(hyp: str, lang: str) -> Repeated:
    """How much of ``hyp`` repeats itself (n-grams seen before in the same segment)."""
    script = script_of_text(hyp)
    toks = _tokens(hyp, script)
    n = REPEAT_CHAR_N if script in UNSEGMENTED else REPEAT_WORD_N
    grams = [tuple(toks[k : k + n]) for k in range(len(toks) - n + 1)]
    if len(grams) < 2:
        return Repeated()
    counts = Counter(grams)
    top, count = counts.most_common(1)[0]
    joiner = "" if script in UNSEGMENTED else " "
    return Repeated(1.0 - len(counts) / len(grams), joiner.join(top), count)


def _fold_numbers(text: str) -> str:
    return _NUMBER_SEP.sub("", unicodedata.normalize("NFKC", text))


@dataclass
class Missing:
    """Numbers and names of the source that the translation lacks."""

    numbers: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    number_share: float = 0.0  # missing / the source's numbers
    name_share: float = 0.0

    def reasons(self) -> list[str]:
        out = []
        if self.numbers:
            out.append("numbers-missing: " + ", ".join(self.numbers[:6]))
        if self.names:
            out.append("names-missing: " + ", ".join(self.names[:6]))
        return out


def missing_tokens(src: str, hyp: str, src_lang: str) -> Missing:
    """The source's numbers (two digits or more) and names (capitalised words that are not the
    sentence's first word nor a word of the source language) missing from ``hyp``.

    A number counts as present when a number of ``hyp`` starts with it (``1.5亿`` is
    ``150 million``: ``15`` found in ``150``); one-digit numbers are often spelled out
    (``9月`` is ``September``) and are not checked.
    """
    from align.alignment.costs import shared_tokens

    s_fold, h_fold = _fold_numbers(src), _fold_numbers(hyp)
    s_tokens, h_tokens = shared_tokens([s_fold, h_fold])
    hyp_numbers = _DIGITS.findall(h_fold)
    hyp_words = {w.lower() for w in _WORD.findall(h_fold)} | h_tokens
    first = next(iter(_WORD.findall(s_fold)), "").lower()
    out = Missing()
    numbers = sorted(t for t in s_tokens if t[0].isdigit() and len(t) >= 2)
    for num in numbers:
        if not any(h.startswith(num) for h in hyp_numbers):
            out.numbers.append(num)
    names = sorted(t for t in s_tokens if not t[0].isdigit() and t != first)
    names = [t for t in names if not is_word(t, src_lang)]
    for name in names:
        if name not in hyp_words:
            out.names.append(name)
    out.number_share = len(out.numbers) / len(numbers) if numbers else 0.0
    out.name_share = len(out.names) / len(names) if names else 0.0
    # Show the names as the source spells them.
    spelled = {w.lower(): w for w in _SPELLED.findall(s_fold)}
    out.names = [spelled.get(n, n) for n in out.names]
    return out


def segment_signals(
    src: str,
    hyp: str,
    src_lang: str,
    tgt_lang: str,
    *,
    marked: Sequence[str] = (),
    pivots: Sequence[str] = (),
) -> dict[str, Any]:
    """All embedding-free signals of one segment: the objects above, by name."""
    return {
        "untranslated": untranslated(src, hyp, src_lang, tgt_lang, marked=marked, pivots=pivots),
        "repeated": repeated(hyp, tgt_lang),
        "missing": missing_tokens(src, hyp, src_lang),
    }

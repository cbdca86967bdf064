"""One table of language codes: ISO 639-1 at the edge, and what each engine calls them.

Codes users type and see are ISO 639-1 (``en``, ``fr``), with ``zh-Hans`` /
``zh-Hant`` for the two Chinese scripts and ``pt-BR`` for Brazilian
Portuguese. Inside, Argos uses ``zh``/``zt``/``pb``, langdetect uses
``zh-cn``/``zh-tw``, Apertium uses ISO 639-3 (``eng``, ``spa``).
"""

from __future__ import annotations

from dataclasses import dataclass

from align.errors import LanguageError


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1 (or BCP-47 with script/region) — the code at the edge
    name: str
    iso3: str  # ISO 639-3, as Apertium names its modes
    argos: str | None = None  # Argos package code, when Argos has the language
    langdetect: str | None = None  # langdetect profile name
    script: str = "Latn"


_TABLE: tuple[Language, ...] = (
    Language("af", "Afrikaans", "afr", None, "af"),
    Language("an", "Aragonese", "arg"),
    Language("ar", "Arabic", "ara", "ar", "ar", "Arab"),
    Language("ast", "Asturian", "ast"),
    Language("az", "Azerbaijani", "aze", "az"),
    Language("be", "Belarusian", "bel", None, None, "Cyrl"),
    Language("bg", "Bulgarian", "bul", "bg", "bg", "Cyrl"),
    Language("bn", "Bengali", "ben", "bn", "bn", "Beng"),
    Language("br", "Breton", "bre"),
    Language("ca", "Catalan", "cat", "ca", "ca"),
    Language("ca-valencia", "Valencian", "cat"),  # Apertium's *-cat_valencia modes
    Language("cs", "Czech", "ces", "cs", "cs"),
    Language("cy", "Welsh", "cym", None, "cy"),
    Language("da", "Danish", "dan", "da", "da"),
    Language("de", "German", "deu", "de", "de"),
    Language("el", "Greek", "ell", "el", "el", "Grek"),
    Language("en", "English", "eng", "en", "en"),
    Language("eo", "Esperanto", "epo", "eo"),
    Language("es", "Spanish", "spa", "es", "es"),
    Language("et", "Estonian", "est", "et", "et"),
    Language("eu", "Basque", "eus", "eu"),
    Language("fa", "Persian", "fas", "fa", "fa", "Arab"),
    Language("fi", "Finnish", "fin", "fi", "fi"),
    Language("fr", "French", "fra", "fr", "fr"),
    Language("ga", "Irish", "gle", "ga"),
    Language("gl", "Galician", "glg", "gl"),
    Language("gu", "Gujarati", "guj", None, "gu", "Gujr"),
    Language("he", "Hebrew", "heb", "he", "he", "Hebr"),
    Language("hi", "Hindi", "hin", "hi", "hi", "Deva"),
    Language("hr", "Croatian", "hrv", None, "hr"),
    Language("hu", "Hungarian", "hun", "hu", "hu"),
    Language("hy", "Armenian", "hye", None, None, "Armn"),
    Language("id", "Indonesian", "ind", "id", "id"),
    Language("is", "Icelandic", "isl", None, None),
    Language("it", "Italian", "ita", "it", "it"),
    Language("ja", "Japanese", "jpn", "ja", "ja", "Jpan"),
    Language("ka", "Georgian", "kat", None, None, "Geor"),
    Language("kk", "Kazakh", "kaz", None, None, "Cyrl"),
    Language("km", "Khmer", "khm", None, None, "Khmr"),
    Language("kn", "Kannada", "kan", None, "kn", "Knda"),
    Language("ko", "Korean", "kor", "ko", "ko", "Kore"),
    Language("lo", "Lao", "lao", None, None, "Laoo"),
    Language("lt", "Lithuanian", "lit", "lt", "lt"),
    Language("lv", "Latvian", "lav", "lv", "lv"),
    Language("mk", "Macedonian", "mkd", None, "mk", "Cyrl"),
    Language("ml", "Malayalam", "mal", None, "ml", "Mlym"),
    Language("mr", "Marathi", "mar", None, "mr", "Deva"),
    Language("ms", "Malay", "msa", "ms"),
    Language("mt", "Maltese", "mlt"),
    Language("my", "Burmese", "mya", None, None, "Mymr"),
    Language("nb", "Norwegian Bokmål", "nob", "nb", "no"),
    Language("ne", "Nepali", "nep", None, "ne", "Deva"),
    Language("nl", "Dutch", "nld", "nl", "nl"),
    Language("nn", "Norwegian Nynorsk", "nno"),
    Language("oc", "Occitan", "oci"),
    Language("pa", "Punjabi", "pan", None, "pa", "Guru"),
    Language("pl", "Polish", "pol", "pl", "pl"),
    Language("pt", "Portuguese", "por", "pt", "pt"),
    Language("pt-BR", "Brazilian Portuguese", "por", "pb", None),
    Language("ro", "Romanian", "ron", "ro", "ro"),
    Language("ru", "Russian", "rus", "ru", "ru", "Cyrl"),
    Language("sk", "Slovak", "slk", "sk", "sk"),
    Language("sl", "Slovenian", "slv", "sl", "sl"),
    Language("so", "Somali", "som", None, "so"),
    Language("sq", "Albanian", "sqi", "sq", "sq"),
    Language("sr", "Serbian", "srp", None, None, "Cyrl"),
    Language("sv", "Swedish", "swe", "sv", "sv"),
    Language("sw", "Swahili", "swa", None, "sw"),
    Language("ta", "Tamil", "tam", None, "ta", "Taml"),
    Language("te", "Telugu", "tel", None, "te", "Telu"),
    Language("th", "Thai", "tha", "th", "th", "Thai"),
    Language("tl", "Tagalog", "tgl", "tl", "tl"),
    Language("tr", "Turkish", "tur", "tr", "tr"),
    Language("uk", "Ukrainian", "ukr", "uk", "uk", "Cyrl"),
    Language("ur", "Urdu", "urd", "ur", "ur", "Arab"),
    Language("vi", "Vietnamese", "vie", None, "vi"),
    Language("zh-Hans", "Chinese (Simplified)", "zho", "zh", "zh-cn", "Hans"),
    Language("zh-Hant", "Chinese (Traditional)", "zho", "zt", "zh-tw", "Hant"),
)

BY_CODE: dict[str, Language] = {lang.code.lower(): lang for lang in _TABLE}

# Spellings accepted at the edge besides the canonical code.
_ALIASES: dict[str, str] = {
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "zh-tw": "zh-hant",
    "zh-hk": "zh-hant",
    "zt": "zh-hant",
    "pb": "pt-br",
    "no": "nb",
    "iw": "he",
    "in": "id",
    "ca-es-valencia": "ca-valencia",
}
_BY_ISO3: dict[str, Language] = {}
for _lang in _TABLE:
    _BY_ISO3.setdefault(_lang.iso3, _lang)
_BY_ISO3["cmn"] = BY_CODE["zh-hans"]
_BY_ISO3["nor"] = BY_CODE["nb"]
_BY_ARGOS: dict[str, Language] = {lang.argos: lang for lang in _TABLE if lang.argos}
_BY_LANGDETECT: dict[str, Language] = {lang.langdetect: lang for lang in _TABLE if lang.langdetect}


def get(code: str) -> Language:
    """The language for a code a user typed (ISO 639-1/3, BCP-47, Argos or langdetect spelling)."""
    key = code.strip().replace("_", "-").lower()
    key = _ALIASES.get(key, key)
    if key in BY_CODE:
        return BY_CODE[key]
    if key in _BY_ISO3:
        return _BY_ISO3[key]
    raise LanguageError(
        f"unknown language code {code!r}", "use an ISO 639-1 code such as en, fr, de, zh"
    )


def normalize(code: str) -> str:
    """The canonical edge code for ``code`` (``ZH`` -> ``zh-Hans``, ``pb`` -> ``pt-BR``)."""
    return get(code).code


def base(code: str) -> str:
    """The language without script or region: ``zh-Hant`` -> ``zh``, ``pt-BR`` -> ``pt``."""
    return normalize(code).split("-")[0]


def from_argos(code: str) -> Language:
    """The language for an Argos package code (``zt`` -> zh-Hant)."""
    lang = _BY_ARGOS.get(code.lower())
    if lang is None:
        return get(code)
    return lang


def from_langdetect(code: str) -> Language:
    """The language for a langdetect profile name (``zh-cn`` -> zh-Hans)."""
    lang = _BY_LANGDETECT.get(code.lower())
    if lang is None:
        return get(code)
    return lang


def from_iso3(code: str) -> Language:
    """The language for an ISO 639-3 code as Apertium uses it (``spa`` -> es)."""
    lang = _BY_ISO3.get(code.lower())
    if lang is None:
        raise LanguageError(f"unknown ISO 639-3 code {code!r}")
    return lang


def to_argos(code: str) -> str:
    """The Argos package code for an edge code."""
    lang = get(code)
    return lang.argos or lang.code


def all_languages() -> tuple[Language, ...]:
    return _TABLE

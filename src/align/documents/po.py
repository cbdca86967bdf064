"""Gettext PO/POT with polib: ``msgstr`` filled, plural forms per ``Plural-Forms``, placeholders kept.

Each message is a unit (its ``msgid``); a message with a ``msgid_plural`` has
two: the singular and the plural, and ``msgstr[n]`` is filled from the target
language's plural rule (``msgstr[0]`` the singular's translation, the other
forms the plural's; a language with one form gets the plural's). printf
(``%s``, ``%d``, ``%(name)s``, ``%1$s``), brace (``{name}``, ``{0}``) and
``%%`` placeholders are point tags: the engine never sees them. Existing
translations (fuzzy or not) are kept unless ``overwrite``; machine translations
are flagged ``fuzzy``. The header is kept; ``Language`` is set, and
``Plural-Forms`` when the file has none or the template's placeholder.
"""

from __future__ import annotations

import re
from typing import Any

from align.documents.inline import Part, Tag, Translated, Unit
from align.errors import InputError

PLACEHOLDER = re.compile(
    r"%%"
    r"|%\d+\$[-+ #0]*\d*(?:\.\d+)?[hlLqjzt]*[diouxXeEfFgGcrsa]"
    r"|%(?:\([^)\s]+\))?[-+ #0]*(?:\d+|\*)?(?:\.\d+)?[hlLqjzt]*[diouxXeEfFgGcrsa]"
    r"|\{[A-Za-z_0-9.\[\]]*(?:![rsa])?(?::[^{}]*)?\}"
)

# Plural rules of the languages the engines reach (and a few more): gettext's own header values.
PLURAL_FORMS: dict[str, str] = {
    "en": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "ca": "nplurals=2; plural=(n != 1);",
    "gl": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n != 1);",
    "pt-BR": "nplurals=2; plural=(n > 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "ro": "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "zh": "nplurals=1; plural=0;",
    "ja": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
    "vi": "nplurals=1; plural=0;",
    "th": "nplurals=1; plural=0;",
    "tr": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
}


def plural_forms(target: str, header: str | None, language: str | None = None) -> str:
    """The ``Plural-Forms`` for ``target``: the file's when it has a real one for this language
    (its ``Language`` empty or ``target``), else gettext's."""
    from align import languages as langs
    from align.errors import LanguageError

    code = langs.normalize(target)
    same = True
    if language and language.strip():
        try:
            same = langs.base(langs.normalize(language.strip().replace("_", "-"))) == langs.base(
                code
            )
        except LanguageError:
            same = False
    real = header and "INTEGER" not in header and re.search(r"nplurals\s*=\s*\d+", header)
    if same and real:
        assert header is not None
        return header
    for key in (code, langs.base(code)):
        if key in PLURAL_FORMS:
            return PLURAL_FORMS[key]
    if code.startswith("zh"):
        return PLURAL_FORMS["zh"]
    raise InputError(
        f"no plural rule known for {target}", "put the language's Plural-Forms in the PO header"
    )


def nplurals(forms: str) -> int:
    m = re.search(r"nplurals\s*=\s*(\d+)", forms)
    return int(m.group(1)) if m else 2


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def _parts(text: str) -> list[Part]:
    parts: list[Part] = []
    pos = 0
    for n, m in enumerate(PLACEHOLDER.finditer(text), 1):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        parts.append(Tag("point", n, m.group(0)))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def _text(parts: list[Part]) -> str:
    return "".join(p if isinstance(p, str) else str(p.data) for p in parts)


# A line of a PO file: a comment, a keyword with one complete string, or a continued string.
_LINE = re.compile(
    r'\s*(?:#.*|(?:#~\s*)?(?:#\|\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*)?$'
)


def _syntax_check(text: str, name: str) -> None:
    """polib accepts some broken files (an unterminated string): refuse them by line."""
    for number, line in enumerate(text.split("\n"), 1):
        if not _LINE.fullmatch(line):
            raise InputError(f"{name}: not a valid PO file (line {number}: {line.strip()[:40]!r})")


def _parse(text: str, name: str) -> Any:
    import polib

    _syntax_check(text, name)
    try:
        return polib.pofile(text, wrapwidth=78)
    except (OSError, ValueError) as exc:
        raise InputError(f"{name}: not a valid PO file ({exc})") from exc


def _label(entry: Any) -> str:
    msgid = entry.msgid if len(entry.msgid) <= 30 else entry.msgid[:27] + "..."
    return (f"{entry.msgctxt}|" if entry.msgctxt else "") + msgid


class PoDocument:
    format = "po"
    source_lang: str | None = None

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.po = _parse(text, path)
        self.entries = self._entries(self.po)
        self.target_lang = (self.po.metadata.get("Language") or "").strip() or None
        seen: set[tuple[str | None, str]] = set()
        for entry in self.entries:
            key = (entry.msgctxt, entry.msgid)
            if key in seen:
                line = f" (line {entry.linenum})" if getattr(entry, "linenum", None) else ""
                raise InputError(
                    f"{path}: not a valid PO file (duplicate message{line}: {_label(entry)!r})"
                )
            seen.add(key)
        self.units: list[Unit] = []
        for k, entry in enumerate(self.entries):
            existing = bool(entry.msgstr or any(v for v in entry.msgstr_plural.values()))
            label = _label(entry)
            self.units.append(Unit((k, 0), label, _parts(entry.msgid), existing=existing))
            if entry.msgid_plural:
                self.units.append(
                    Unit((k, 1), label + " [plural]", _parts(entry.msgid_plural), existing=existing)
                )

    @staticmethod
    def _entries(po: Any) -> list[Any]:
        return [e for e in po if not e.obsolete and e.msgid != ""]

    def extension(self) -> str:
        return ".po"

    def render(self, target: str, translations: dict[int, Translated]) -> bytes:
        po = _parse(self.text, self.path)
        entries = self._entries(po)
        forms = plural_forms(target, po.metadata.get("Plural-Forms"), po.metadata.get("Language"))
        n = nplurals(forms)
        po.metadata["Language"] = target
        po.metadata["Plural-Forms"] = forms
        ctype = po.metadata.get("Content-Type", "")
        if not ctype or "CHARSET" in ctype or "charset" not in ctype:
            po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        else:
            po.metadata["Content-Type"] = re.sub(r"charset=\S+", "charset=UTF-8", ctype)
        if "Content-Transfer-Encoding" not in po.metadata:
            po.metadata["Content-Transfer-Encoding"] = "8bit"
        po.encoding = "utf-8"
        # The header is now filled for the target (a template's is fuzzy): without this msgfmt
        # would drop it, and with it the plural rule, from the compiled catalogue.
        po.metadata_is_fuzzy = []
        done: dict[tuple[int, int], str] = {
            self.units[i].key: _text(t.parts) for i, t in translations.items()
        }
        by_key = {self.units[i].key: t for i, t in translations.items()}
        for k, entry in enumerate(entries):
            if (k, 0) not in done:
                continue
            if entry.msgid_plural:
                singular, plural = done[(k, 0)], done.get((k, 1), done[(k, 0)])
                entry.msgstr_plural = {
                    i: (plural if n == 1 or i > 0 else singular) for i in range(n)
                }
            else:
                entry.msgstr = done[(k, 0)]
            memory = _memory_comment(by_key[(k, 0)])
            if memory:
                entry.tcomment = (entry.tcomment + "\n" if entry.tcomment else "") + memory
            # an exact memory match is a translation, as msgmerge's compendium makes it; the
            # engine's and a fuzzy match's are suggestions until a translator removes the flag
            if not _exact(by_key, k) and "fuzzy" not in entry.flags:
                entry.flags.insert(0, "fuzzy")
        out = str(po)
        if not po.header and out.startswith("#\n"):
            out = out[2:]  # polib writes an empty header comment as a bare "#" line
        return out.encode("utf-8")

    def check(self, data: bytes, translations: dict[int, Translated]) -> list[str]:
        try:
            again = PoDocument(self.path, data.decode("utf-8"))
        except (InputError, UnicodeDecodeError) as exc:
            return [f"output does not parse: {exc}"]
        if len(again.entries) != len(self.entries):
            return [f"output has {len(again.entries)} messages, the input {len(self.entries)}"]
        n = nplurals(again.po.metadata.get("Plural-Forms", ""))
        translated = {self.units[i].key[0] for i in translations}
        by_key = {self.units[i].key: t for i, t in translations.items()}
        problems: list[str] = []
        for k, (old, new) in enumerate(zip(self.entries, again.entries, strict=True)):
            label = _label(old)
            if (old.msgctxt, old.msgid, old.msgid_plural) != (
                new.msgctxt,
                new.msgid,
                new.msgid_plural,
            ):
                problems.append(f"{label}: the source changed")
                continue
            if k not in translated:
                if (old.msgstr, old.msgstr_plural) != (new.msgstr, new.msgstr_plural):
                    problems.append(f"{label}: changed, but was kept")
                continue
            if new.msgid_plural:
                forms = [new.msgstr_plural.get(i, "") for i in range(n)]
                sources = [new.msgid if i == 0 and n > 1 else new.msgid_plural for i in range(n)]
            else:
                forms, sources = [new.msgstr], [new.msgid]
            for form, source in zip(forms, sources, strict=True):
                if source.strip() and not form.strip():
                    problems.append(f"{label}: no translation")
                    break
                if placeholders(form) != placeholders(source):
                    problems.append(f"{label}: placeholders differ from the source's")
                    break
            if "fuzzy" not in new.flags and not _exact(by_key, k):
                problems.append(f"{label}: machine translation not flagged fuzzy")
        if again.po.metadata.get("Language") is None:
            problems.append("header: no Language")
        return problems


def _exact(by_key: dict[Any, Translated], k: int) -> bool:
    """Whether message ``k`` (each of its forms) is an exact translation-memory match."""
    forms = [by_key.get((k, 0)), by_key.get((k, 1))]
    return forms[0] is not None and all(f is None or f.origin == "tm-exact" for f in forms)


def _memory_comment(tr: Translated) -> str:
    """The translator comment saying what the memory gave: the match used, or a fuzzy one
    attached as a suggestion."""
    m = tr.match
    if m is None:
        return ""
    if tr.origin:
        review = ", to review" if tr.review else ""
        return f"align: {tr.origin} ({m.file}){review}"
    return f"align: translation memory {m.percent()}% ({m.file}): {m.source} => {m.target}"


def read(path: str, fmt: str = "po") -> PoDocument:
    from align.text import read_text

    return PoDocument(path, read_text(path))

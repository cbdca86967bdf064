"""HTML with lxml.html: text and translatable attributes translated, the document tree kept.

A unit is a *run*: the text of a block element (``<p>``, ``<li>``, ``<td>``,
``<h1>``, ``<title>``, ...) up to its next block child, with the inline elements
in it (``<a>``, ``<b>``, ``<em>``, ``<span>``, ...) as paired tags, so the markup
stays around the right words; ``<br>``, ``<img>``, comments and inline
``<code>``/``<kbd>``/``<samp>``/``<var>`` are point tags (copied untouched).
``<script>``, ``<style>``, ``<pre>``, ``<code>``, ``<textarea>``, ``<svg>``,
``<math>``, ``<template>`` and anything with ``translate="no"`` (or class
``notranslate``) are left as they are. The attributes ``alt``, ``title``,
``placeholder``, ``aria-label`` and ``<meta name="description" content>`` are
units of their own. ``<html lang>`` is set to the target.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from align.documents.inline import Part, Tag, Translated, Unit, plain
from align.documents.xliff import fill_element
from align.errors import InputError

SKIP = {
    "script",
    "style",
    "pre",
    "code",
    "textarea",
    "svg",
    "math",
    "template",
    "kbd",
    "samp",
    "var",
}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "mark", "q", "s",
    "small", "span", "strong", "sub", "sup", "time", "u", "ins", "del", "font", "label",
    "br", "img", "wbr", "code", "kbd", "samp", "var",
}  # fmt: skip
VOID = {"br", "img", "wbr"}
ATTRS = ("alt", "title", "placeholder", "aria-label")


def _name(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _protected(el: Any) -> bool:
    return (
        _name(el) in SKIP
        or el.get("translate") == "no"
        or "notranslate" in (el.get("class") or "").split()
    )


def _inline(el: Any) -> bool:
    if not isinstance(el.tag, str):
        return True  # a comment or processing instruction: kept where it is
    return _name(el) in INLINE and all(_inline(c) for c in el)


@dataclass
class Run:
    owner: Any  # the block element
    slot: Any  # the element whose text (slot is owner) or tail holds the leading text
    items: list[Any]  # the inline elements that follow


def _runs(el: Any) -> Iterator[Run]:
    """The runs of a document, in document order (see the module's doc)."""
    if not isinstance(el.tag, str) or _protected(el):
        return
    run = Run(el, el, [])
    for child in el:
        if _inline(child):
            run.items.append(child)
            continue
        yield run
        yield from _runs(child)
        run = Run(el, child, [])
    yield run


def _leading(run: Run) -> str:
    return (run.slot.text if run.slot is run.owner else run.slot.tail) or ""


def _item_parts(el: Any, counter: list[int]) -> list[Part]:
    counter[0] += 1
    n = counter[0]
    parts: list[Part] = []
    if not isinstance(el.tag, str) or _protected(el) or _name(el) in VOID:
        whole = copy.deepcopy(el)
        whole.tail = None
        parts.append(Tag("point", n, whole))
    else:
        shallow = copy.copy(el)
        for sub in list(shallow):
            shallow.remove(sub)
        shallow.text = shallow.tail = None
        parts.append(Tag("open", n, shallow))
        if el.text:
            parts.append(el.text)
        for child in el:
            parts.extend(_item_parts(child, counter))
        parts.append(Tag("close", n))
    if el.tail:
        parts.append(el.tail)
    return parts


def _run_parts(run: Run) -> list[Part]:
    counter = [0]
    parts: list[Part] = [_leading(run)] if _leading(run) else []
    for item in run.items:
        parts.extend(_item_parts(item, counter))
    return parts


def _attr_items(root: Any) -> Iterator[tuple[Any, str]]:
    """(element, attribute) of every translatable attribute outside protected elements."""

    def walk(el: Any) -> Iterator[tuple[Any, str]]:
        if not isinstance(el.tag, str) or _protected(el):
            return
        for attr in ATTRS:
            if (el.get(attr) or "").strip():
                yield el, attr
        is_description = _name(el) == "meta" and (el.get("name") or "").lower() == "description"
        if is_description and (el.get("content") or "").strip():
            yield el, "content"
        for child in el:
            yield from walk(child)

    yield from walk(root)


def _signature(parts: list[Part]) -> list[str]:
    """The markup of a run, translatable attributes aside: what its translation must keep."""
    from lxml import etree

    out = []
    for p in parts:
        if isinstance(p, Tag) and p.data is not None:
            el = copy.deepcopy(p.data)
            for node in el.iter():
                if isinstance(node.tag, str):
                    for attr in (*ATTRS, "content"):
                        node.attrib.pop(attr, None)
            out.append(f"{p.kind}:{etree.tostring(el, encoding='unicode')}")
    return sorted(out)


def _protected_markup(root: Any) -> list[str]:
    from lxml import etree

    out: list[str] = []

    def walk(el: Any) -> None:
        if not isinstance(el.tag, str):
            return
        if _protected(el):
            whole = copy.deepcopy(el)
            whole.tail = None
            out.append(etree.tostring(whole, encoding="unicode"))
            return
        for child in el:
            walk(child)

    walk(root)
    return out


class HtmlDocument:
    format = "html"

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.root, self.fragment = _parse(text, path)
        self.source_lang = self.root.get("lang") if not self.fragment else None
        self.runs, self.attrs, self.units = self._units(self.root)

    @staticmethod
    def _units(root: Any) -> tuple[list[Run], list[tuple[Any, str]], list[Unit]]:
        runs = [r for r in _runs(root) if plain(_run_parts(r)).strip()]
        attrs = list(_attr_items(root))
        units = [
            Unit(
                ("run", k),
                f"<{_name(r.owner)}> {plain(_run_parts(r)).strip()[:30]!r}",
                _run_parts(r),
            )
            for k, r in enumerate(runs)
        ]
        units += [
            Unit(("attr", k), f"<{_name(el)} {attr}>", [el.get(attr)])
            for k, (el, attr) in enumerate(attrs)
        ]
        return runs, attrs, units

    def extension(self) -> str:
        suffix = self.path.rsplit(".", 1)[-1].lower() if "." in self.path else "html"
        return "." + suffix

    def render(self, target: str, translations: dict[int, Translated]) -> bytes:
        root, fragment = _parse(self.text, self.path)
        runs, attrs, _ = self._units(root)
        nruns = len(runs)
        # attributes first: the inline elements copied into the runs then carry them translated
        for i, tr in translations.items():
            if i >= nruns:
                el, attr = attrs[i - nruns]
                el.set(attr, plain(tr.parts))
        fresh = [_run_parts(r) for r in runs]
        for i in sorted((i for i in translations if i < nruns), reverse=True):
            run = runs[i]
            tags = {p.n: p for p in fresh[i] if isinstance(p, Tag) and p.data is not None}
            parts = [
                tags.get(p.n, p) if isinstance(p, Tag) and p.kind != "close" else p
                for p in translations[i].parts
            ]
            _replace(run, parts)
        if not fragment:
            root.set("lang", target)
        return _serialize(root, fragment, self.text).encode("utf-8")

    def check(self, data: bytes, translations: dict[int, Translated]) -> list[str]:
        try:
            again = HtmlDocument(self.path, data.decode("utf-8"))
        except (InputError, UnicodeDecodeError) as exc:
            return [f"output does not parse: {exc}"]
        problems: list[str] = []
        if _protected_markup(again.root) != _protected_markup(self.root):
            problems.append(
                "do-not-translate content (script, style, code, pre, translate=no) changed"
            )
        # the same elements (an inline one may change places inside its sentence)
        names = sorted(_name(e) for e in self.root.iter())
        if sorted(_name(e) for e in again.root.iter()) != names:
            problems.append("the document tree changed")
        if len(again.runs) != len(self.runs) or len(again.attrs) != len(self.attrs):
            problems.append(f"output has {len(again.units)} units, the input {len(self.units)}")
            return problems
        for i, (old, new) in enumerate(zip(self.units, again.units, strict=True)):
            if i in translations and not plain(new.parts).strip():
                problems.append(f"{old.label}: no translation")
            elif _signature(old.parts) != _signature(new.parts):
                problems.append(f"{old.label}: inline markup differs from the source's")
        return problems


def _replace(run: Run, parts: list[Part]) -> None:
    """Make the run's content ``parts``: the leading text and inline items are replaced."""
    from lxml import etree

    owner = run.owner
    index = 0 if run.slot is owner else owner.index(run.slot) + 1
    for item in run.items:
        owner.remove(item)
    box = etree.Element("box")
    fill_element(box, parts)
    if run.slot is owner:
        owner.text = box.text
    else:
        run.slot.tail = box.text
    for k, child in enumerate(list(box)):
        owner.insert(index + k, child)


def _parse(text: str, name: str) -> tuple[Any, bool]:
    import lxml.html
    from lxml import etree

    fragment = "<html" not in text[:2000].lower() and "<body" not in text[:2000].lower()
    try:
        if fragment:
            return lxml.html.fragment_fromstring(text, create_parent="div"), True
        return lxml.html.document_fromstring(text), False
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name}: cannot be read as HTML ({exc})") from exc


def _serialize(root: Any, fragment: bool, original: str) -> str:
    import lxml.html

    if fragment:
        inner = (root.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in root)
        return inner if inner.endswith("\n") else inner + "\n"
    # libxml2 gives a document without one the HTML 4.0 Transitional doctype: only a doctype
    # the file had is written back.
    had = "<!doctype" in original[:2000].lower()
    doctype = root.getroottree().docinfo.doctype if had else None
    out: str = lxml.html.tostring(root, encoding="unicode", doctype=doctype or None)
    return out if out.endswith("\n") else out + "\n"


def read(path: str, fmt: str = "html") -> HtmlDocument:
    from align.text import read_text

    return HtmlDocument(path, read_text(path))

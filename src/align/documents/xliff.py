"""XLIFF 1.2 and 2.0 with lxml: each ``<source>`` translated into its ``<target>``.

- 1.2: every ``<trans-unit>`` (``translate="no"`` on it or an enclosing
  ``<group>``/``<file>`` respected); ``<g>`` and ``<mrk>`` are paired tags, ``<x/>``,
  ``<bx/>``, ``<ex/>``, ``<ph>``, ``<bpt>``, ``<ept>``, ``<it>`` and
  ``<mrk mtype="protected">`` stand alone (copied whole). A machine translation
  gets ``state="needs-review-translation" state-qualifier="mt-suggestion"``;
  ``target-language`` is set on each ``<file>``.
- 2.0: every ``<segment>`` of every ``<unit>`` (``translate="no"`` inherited from
  ``<file>``/``<group>``/``<unit>``); ``<pc>`` and ``<mrk>`` paired,
  ``<mrk translate="no">``, ``<ph/>``, ``<sc/>``, ``<ec/>``, ``<sm/>``, ``<em/>``,
  ``<cp/>`` stand alone. A machine translation gets ``state="translated"
  subState="align:mt"`` on its segment; ``trgLang`` is set.

Existing non-empty targets are kept unless ``overwrite``. Inline elements keep
their ids and attributes (they are copies of the source's).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from align.documents.inline import Part, Tag, Translated, Unit
from align.errors import InputError

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PAIRED = {"1.2": ("g", "mrk"), "2.0": ("pc", "mrk")}


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is_paired(el: Any, version: str) -> bool:
    name = _local(el)
    if name not in PAIRED[version]:
        return False
    if name == "mrk":
        return el.get("mtype") != "protected" and el.get("translate") != "no"
    return True


def _parts(el: Any, version: str, counter: list[int]) -> list[Part]:
    """The content of a ``<source>``/``<target>`` as text and tags."""
    parts: list[Part] = []
    if el.text:
        parts.append(el.text)
    for child in el:
        counter[0] += 1
        n = counter[0]
        if _is_paired(child, version):
            shallow = copy.copy(child)
            for sub in list(shallow):
                shallow.remove(sub)
            shallow.text = None
            shallow.tail = None
            parts.append(Tag("open", n, shallow))
            parts.extend(_parts(child, version, counter))
            parts.append(Tag("close", n))
        else:
            whole = copy.deepcopy(child)
            whole.tail = None
            parts.append(Tag("point", n, whole))
        if child.tail:
            parts.append(child.tail)
    return parts


def fill_element(target: Any, parts: list[Part]) -> None:
    """Make ``target``'s content the ``parts``."""
    from lxml import etree

    stack = [target]
    for p in parts:
        cur = stack[-1]
        if isinstance(p, str):
            if len(cur) == 0:
                cur.text = (cur.text or "") + p
            else:
                cur[-1].tail = (cur[-1].tail or "") + p
        elif p.kind == "open":
            el = copy.copy(p.data)
            cur.append(el)
            stack.append(el)
        elif p.kind == "close":
            if len(stack) > 1:
                stack.pop()
        else:
            cur.append(copy.deepcopy(p.data))
    assert isinstance(target, etree._Element)


def _signature(el: Any, version: str) -> list[str]:
    """The inline markup of a source or target: what its translation must keep."""
    from lxml import etree

    out: list[str] = []
    for child in el:
        if _is_paired(child, version):
            attrs = " ".join(f"{k}={v}" for k, v in sorted(child.attrib.items()))
            out.append(f"<{_local(child)} {attrs}>")
            out.extend(_signature(child, version))
        else:
            whole = copy.deepcopy(child)
            whole.tail = None
            out.append(etree.tostring(whole, encoding="unicode"))
    return sorted(out)


# XLIFF 1.2 target states: a machine translation, an exact memory match, a fuzzy one used
STATES_12 = {
    "": ("needs-review-translation", "mt-suggestion"),
    "tm-exact": ("translated", "exact-match"),
    "tm-fuzzy": ("needs-review-translation", "fuzzy-match"),
}
NS_MTC = "urn:oasis:names:tc:xliff:matches:2.0"


def _alt_trans(tgt: Any, match: Any, source_lang: str | None, target: str) -> None:
    """A fuzzy memory match as 1.2 ``<alt-trans>`` right after the ``<target>``."""
    from lxml import etree

    ns = etree.QName(tgt).namespace
    alt = etree.Element(f"{{{ns}}}alt-trans")
    alt.set("match-quality", f"{match.percent()}%")
    alt.set("origin", match.file)
    alt.set("alttranstype", "proposal")
    src = etree.SubElement(alt, f"{{{ns}}}source")
    if source_lang:
        src.set(XML_LANG, source_lang)
    src.text = match.source
    tt = etree.SubElement(alt, f"{{{ns}}}target")
    tt.set(XML_LANG, target)
    tt.text = match.target
    tgt.addnext(alt)
    indent = tgt.getprevious().tail if tgt.getprevious() is not None else None
    alt.tail, tgt.tail = tgt.tail, indent


def _mtc_match(segment: Any, match: Any, n: int) -> None:
    """A fuzzy memory match as 2.0 ``<mtc:match>`` in the unit's ``<mtc:matches>`` (the
    Translation Candidates module), ``ref`` pointing to the segment (given an id if it has
    none)."""
    from lxml import etree

    unit = segment.getparent()
    ns = etree.QName(segment).namespace
    if not segment.get("id"):
        segment.set("id", f"align-tm{n + 1}")
    matches = unit.find(f"{{{NS_MTC}}}matches")
    if matches is None:
        matches = etree.Element(f"{{{NS_MTC}}}matches", nsmap={"mtc": NS_MTC})
        unit.insert(0, matches)
        matches.tail = unit.text
    m = etree.SubElement(matches, f"{{{NS_MTC}}}match")
    m.set("ref", "#" + segment.get("id"))
    m.set("type", "tm")
    m.set("similarity", f"{match.score * 100:.1f}")
    m.set("origin", match.file)
    etree.SubElement(m, f"{{{ns}}}source").text = match.source
    etree.SubElement(m, f"{{{ns}}}target").text = match.target


def _text_of(el: Any) -> str:
    return "".join(el.itertext())


class XliffDocument:
    format = "xliff"

    def __init__(self, path: str, tree: Any, version: str) -> None:
        self.path = path
        self.tree = tree
        self.version = version
        self.ns = NS12 if version == "1.2" else NS20
        root = tree.getroot()
        if version == "1.2":
            files = root.findall(f"{{{NS12}}}file")
            self.source_lang = files[0].get("source-language") if files else None
            self.target_lang = files[0].get("target-language") if files else None
        else:
            self.source_lang = root.get("srcLang")
            self.target_lang = root.get("trgLang")
        # (unit index) -> the element holding <source>/<target>
        self.holders: list[Any] = []
        self.units: list[Unit] = []
        for holder, label, translate in self._holders(root):
            source = holder.find(f"{{{self.ns}}}source")
            if source is None:
                continue
            target = holder.find(f"{{{self.ns}}}target")
            existing = target is not None and bool(_text_of(target).strip())
            unit = Unit(
                key=len(self.holders),
                label=label,
                parts=_parts(source, version, [0]),
                translate=translate,
                existing=existing,
            )
            self.holders.append(holder)
            self.units.append(unit)

    def _holders(self, root: Any) -> Iterator[tuple[Any, str, bool]]:
        """(element with source/target, label, translatable) in document order."""

        def walk(el: Any, translate: bool) -> Iterator[tuple[Any, str, bool]]:
            for child in el:
                name = _local(child)
                here = translate and child.get("translate", "yes") != "no"
                if self.version == "1.2" and name == "trans-unit":
                    yield child, child.get("id", "?"), here
                elif self.version == "2.0" and name == "unit":
                    segments = [s for s in child if _local(s) == "segment"]
                    for k, seg in enumerate(segments):
                        label = child.get("id", "?") + (
                            f"/{seg.get('id') or k + 1}" if len(segments) > 1 else ""
                        )
                        yield seg, label, here
                elif name in ("file", "group", "body"):
                    yield from walk(child, here)

        yield from walk(root, True)

    def extension(self) -> str:
        suffix = self.path.rsplit(".", 1)[-1].lower() if "." in self.path else "xlf"
        return "." + suffix

    def render(self, target: str, translations: dict[int, Translated]) -> bytes:
        from lxml import etree

        tree = copy.deepcopy(self.tree)
        root = tree.getroot()
        if self.version == "1.2":
            for f in root.findall(f"{{{NS12}}}file"):
                f.set("target-language", target)
        else:
            root.set("trgLang", target)
        holders = [h for h, _, _ in XliffDocument._holders(self, root)]
        holders = [h for h in holders if h.find(f"{{{self.ns}}}source") is not None]
        for i, tr in translations.items():
            holder = holders[i]
            source = holder.find(f"{{{self.ns}}}source")
            tgt = holder.find(f"{{{self.ns}}}target")
            if tgt is None:
                tgt = etree.Element(f"{{{self.ns}}}target")
                before = source.getprevious()
                indent = holder.text if before is None else before.tail
                tail = source.tail
                source.addnext(tgt)
                source.tail, tgt.tail = indent, tail
            else:
                for sub in list(tgt):
                    tgt.remove(sub)
                tgt.text = None
            fill_element(tgt, tr.parts)
            # from a translation memory: an exact match reused, a fuzzy one to review
            kind = tr.origin.split(" ")[0]  # "", tm-exact, tm-fuzzy
            if self.version == "1.2":
                tgt.set(XML_LANG, target)
                state, qualifier = STATES_12.get(kind, STATES_12[""])
                tgt.set("state", state)
                tgt.set("state-qualifier", qualifier)
                if tr.match is not None and not tr.origin:
                    _alt_trans(tgt, tr.match, self.source_lang, target)
            else:
                holder.set("state", "translated")
                holder.set("subState", f"align:{kind or 'mt'}")
                if tr.match is not None and not tr.origin:
                    _mtc_match(holder, tr.match, i)
        body: bytes = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
        data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
        return data if data.endswith(b"\n") else data + b"\n"

    def check(self, data: bytes, translations: dict[int, Translated]) -> list[str]:
        try:
            again = _parse(data, self.path)
        except InputError as exc:
            return [f"output does not parse: {exc.message}"]
        if len(again.units) != len(self.units):
            return [f"output has {len(again.units)} units, the input {len(self.units)}"]
        problems: list[str] = []
        for i, (old, new) in enumerate(zip(self.holders, again.holders, strict=True)):
            label = self.units[i].label
            src = old.find(f"{{{self.ns}}}source")
            tgt = new.find(f"{{{self.ns}}}target")
            old_tgt = old.find(f"{{{self.ns}}}target")
            if i in translations:
                if tgt is None or (_text_of(src).strip() and not _text_of(tgt).strip()):
                    problems.append(f"{label}: no translation")
                elif _signature(src, self.version) != _signature(tgt, self.version):
                    problems.append(f"{label}: inline tags differ from the source's")
            else:
                from lxml import etree

                before = None if old_tgt is None else etree.tostring(old_tgt)
                after = None if tgt is None else etree.tostring(tgt)
                if before != after:
                    problems.append(f"{label}: changed, but was not to be translated")
            if _signature(src, self.version) != _signature(
                new.find(f"{{{self.ns}}}source"), self.version
            ) or _text_of(src) != _text_of(new.find(f"{{{self.ns}}}source")):
                problems.append(f"{label}: the source changed")
        return problems


def _parse(data: bytes, name: str) -> XliffDocument:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: not well-formed XML ({exc.msg or exc})") from exc
    tree = root.getroottree()
    if _local(root) != "xliff":
        raise InputError(f"{name}: not XLIFF (the root element is <{_local(root)}>)")
    ns = etree.QName(root).namespace
    version = root.get("version", "")
    if ns == NS12 and version in ("1.2", ""):
        return XliffDocument(name, tree, "1.2")
    if ns == NS20 and version.startswith("2."):
        return XliffDocument(name, tree, "2.0")
    raise InputError(
        f"{name}: XLIFF version {version or '?'} ({ns or 'no namespace'}) is not supported",
        "align reads XLIFF 1.2 and 2.0",
    )


def read(path: str, fmt: str = "xliff") -> XliffDocument:
    from align.text import read_bytes

    data = read_bytes(path)
    return _parse(data, path)

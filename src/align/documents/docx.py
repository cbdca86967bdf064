"""DOCX with python-docx: paragraphs everywhere translated, run formatting kept on its words.

python-docx opens the package (a truncated or foreign zip is refused); every
``<w:p>`` of the body (tables and nested tables included), of the headers and
footers, and of footnotes and endnotes is a unit. In a paragraph the run
formatting used by most of its characters is the base; a run formatted
otherwise (bold, italic, a style, a colour: its ``<w:rPr>``) is a paired tag
around its words, as is a ``<w:hyperlink>``; tabs, breaks, drawings, fields and
bookmarks are point tags. Writing back rebuilds the paragraph's runs from the
translation with the same ``<w:rPr>`` s, so formatting follows the words it was
on. The document's title and subject (its core properties, shown in the file
browser and in Word's Info pane) are units too, after the paragraphs. Spell-check
marks (``<w:proofErr>``) and rendered page-break hints are dropped; everything else
in the package is kept as it was.
"""

from __future__ import annotations

import copy
import io
import re
from collections import Counter
from typing import Any

from align.documents.inline import Part, Tag, Translated, Unit, plain
from align.errors import InputError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DROP = {f"{{{W}}}proofErr", f"{{{W}}}lastRenderedPageBreak"}
PARTS = ("/word/header", "/word/footer", "/word/footnotes", "/word/endnotes")
# Core properties translated as plain units, after the paragraphs: (attribute, label).
PROPERTIES = (("title", "document title"), ("subject", "document subject"))


def _key(rpr: Any) -> str:
    """Run properties as a comparable string (namespace declarations left out)."""
    from lxml import etree

    if rpr is None:
        return ""
    return re.sub(r' xmlns:\w+="[^"]*"', "", etree.tostring(rpr, encoding="unicode"))


def _open(data: bytes, name: str) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{name}: not a valid DOCX file ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml XMLSyntaxError, ...
        raise InputError(f"{name}: not a valid DOCX file ({type(exc).__name__}: {exc})") from exc


def _roots(document: Any) -> list[Any]:
    """The XML roots whose paragraphs are translated: the body, then headers, footers, notes.

    python-docx has no class for footnotes and endnotes: their parts hold bytes, parsed here
    once per document and kept in ``document._align_blob_roots`` to be written back."""
    from lxml import etree

    roots = [document.element.body]
    blob_roots: list[tuple[Any, Any]] = getattr(document, "_align_blob_roots", [])
    if not hasattr(document, "_align_blob_roots"):
        seen = set()
        for part in document.part.package.iter_parts():
            name = str(part.partname)
            if not name.startswith(PARTS) or name in seen:
                continue
            seen.add(name)
            if hasattr(part, "element"):
                blob_roots.append((None, part.element))
            else:
                parser = etree.XMLParser(resolve_entities=False, no_network=True)
                blob_roots.append((part, etree.fromstring(part.blob, parser)))
        document._align_blob_roots = blob_roots
    return roots + [root for _, root in blob_roots]


def _save_blob_roots(document: Any) -> None:
    """Put the edited footnote/endnote XML back into their parts."""
    from lxml import etree

    for part, root in getattr(document, "_align_blob_roots", []):
        if part is not None:
            part._blob = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )


def _paragraphs(document: Any) -> list[Any]:
    out = []
    for root in _roots(document):
        for p in root.iter(f"{{{W}}}p"):
            if not any(a.tag == f"{{{W}}}p" for a in p.iterancestors()):
                out.append(p)
    return out


def _base(p: Any) -> str:
    """The run properties most of the paragraph's characters have."""
    weight: Counter[str] = Counter()
    for r in p.iter(f"{{{W}}}r"):
        text = "".join(t.text or "" for t in r.iter(f"{{{W}}}t"))
        weight[_key(r.find(f"{{{W}}}rPr"))] += len(text)
    return weight.most_common(1)[0][0] if weight else ""


def _parts(p: Any) -> list[Part]:
    base = _base(p)
    parts: list[Part] = []
    counter = [0]

    def new(kind: str, data: Any) -> Tag:
        counter[0] += 1
        return Tag(kind, counter[0], data)

    def run(r: Any) -> None:
        rpr = r.find(f"{{{W}}}rPr")
        key = _key(rpr)
        inner: list[Part] = []
        for child in r:
            if child.tag == f"{{{W}}}rPr" or child.tag in DROP:
                continue
            if child.tag == f"{{{W}}}t":
                inner.append(child.text or "")
            else:
                inner.append(new("point", ("run", rpr, child)))
        if key == base or not any(isinstance(x, str) and x for x in inner):
            parts.extend(inner)  # a run without text (a note reference, a break) needs no tag
            return
        last = parts[-1] if parts else None
        if isinstance(last, Tag) and last.kind == "close" and last.data == ("key", key, None):
            parts.pop()  # the same formatting as the run before: one tag for both
            parts.extend(inner)
            parts.append(last)
            return
        opener = new("open", ("run", rpr, None))
        parts.extend([opener, *inner, Tag("close", opener.n, ("key", key, None))])

    def walk(container: Any) -> None:
        for child in container:
            if child.tag == f"{{{W}}}pPr" or child.tag in DROP:
                continue
            if child.tag == f"{{{W}}}r":
                run(child)
            elif child.tag == f"{{{W}}}hyperlink":
                shallow = copy.copy(child)
                for sub in list(shallow):
                    shallow.remove(sub)
                opener = new("open", ("link", shallow, None))
                parts.append(opener)
                walk(child)
                parts.append(Tag("close", opener.n, ("link", None, None)))
            else:
                parts.append(new("point", ("raw", child, None)))

    walk(p)
    return [x for x in parts if x != ""]


def _rebuild(p: Any, parts: list[Part], base: Any) -> None:
    """Make ``p``'s runs the translated ``parts`` (``base``: the base run properties)."""
    from lxml import etree

    for child in list(p):
        if child.tag != f"{{{W}}}pPr":
            p.remove(child)
    containers = [p]
    formats = [base]
    kinds: dict[int, str] = {}

    def add_run(rpr: Any, content: Any) -> None:
        r = etree.SubElement(containers[-1], f"{{{W}}}r")
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        r.append(content)

    for part in parts:
        if isinstance(part, str):
            t = etree.Element(f"{{{W}}}t")
            t.text = part
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            add_run(formats[-1], t)
            continue
        kind, el, extra = part.data if part.data is not None else ("close", None, None)
        if part.kind == "open":
            kinds[part.n] = kind
            if kind == "run":
                formats.append(el)
            else:
                link = copy.copy(el)
                containers[-1].append(link)
                containers.append(link)
        elif part.kind == "close":
            if kinds.get(part.n) == "run" and len(formats) > 1:
                formats.pop()
            elif kinds.get(part.n) == "link" and len(containers) > 1:
                containers.pop()
        elif kind == "run":
            add_run(el, copy.deepcopy(extra))
        else:
            containers[-1].append(copy.deepcopy(el))


def _signature(p: Any) -> list[str]:
    """Formatting a paragraph's translation must keep: run properties, links, other elements."""
    out = {
        f"rPr:{_key(r.find(f'{{{W}}}rPr'))}"
        for r in p.iter(f"{{{W}}}r")
        if r.find(f"{{{W}}}t") is not None
    }
    links = [f"link:{h.get(f'{{{R}}}id')}" for h in p.iter(f"{{{W}}}hyperlink")]
    others = [
        el.tag
        for el in p.iter()
        if el.tag not in DROP
        and el.tag
        not in (f"{{{W}}}r", f"{{{W}}}t", f"{{{W}}}rPr", f"{{{W}}}p", f"{{{W}}}hyperlink")
        and not any(a.tag == f"{{{W}}}rPr" or a.tag == f"{{{W}}}pPr" for a in el.iterancestors())
        and el.tag != f"{{{W}}}pPr"
    ]
    return sorted(out) + sorted(links) + sorted(others)


class DocxDocument:
    format = "docx"
    source_lang: str | None = None

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.document = _open(data, path)
        self.paragraphs = _paragraphs(self.document)
        self.units = [
            Unit(k, f"paragraph {k + 1}", _parts(p)) for k, p in enumerate(self.paragraphs)
        ]
        # the non-empty ones, in order: unit len(paragraphs) + k is properties[k]
        self.properties = _properties(self.document)
        self.units += [
            Unit(len(self.paragraphs) + k, label, [value])
            for k, (_, label, value) in enumerate(self.properties)
        ]
        lang = self.document.core_properties.language
        self.source_lang = lang or None

    def extension(self) -> str:
        return ".docx"

    def render(self, target: str, translations: dict[int, Translated]) -> bytes:

        document = _open(self.data, self.path)
        paragraphs = _paragraphs(document)
        for i, tr in translations.items():
            if i >= len(paragraphs):
                attr = self.properties[i - len(paragraphs)][0]
                setattr(document.core_properties, attr, plain(tr.parts).strip())
                continue
            p = paragraphs[i]
            base = _base(p)
            base_rpr = next(
                (
                    r.find(f"{{{W}}}rPr")
                    for r in p.iter(f"{{{W}}}r")
                    if base and _key(r.find(f"{{{W}}}rPr")) == base
                ),
                None,
            )
            _rebuild(p, tr.parts, copy.deepcopy(base_rpr) if base_rpr is not None else None)
        document.core_properties.language = target
        _save_blob_roots(document)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    def check(self, data: bytes, translations: dict[int, Translated]) -> list[str]:
        try:
            again = DocxDocument(self.path, data)
        except InputError as exc:
            return [f"output does not parse: {exc.message}"]
        if len(again.paragraphs) != len(self.paragraphs):
            return [
                f"output has {len(again.paragraphs)} paragraphs, the input {len(self.paragraphs)}"
            ]
        problems: list[str] = []
        for k, (attr, label, _) in enumerate(self.properties):
            value = getattr(again.document.core_properties, attr) or ""
            if len(self.paragraphs) + k in translations and not value.strip():
                problems.append(f"{label}: no translation")
        for i, (old, new) in enumerate(zip(self.paragraphs, again.paragraphs, strict=True)):
            label = self.units[i].label
            if i in translations:
                if not again.units[i].plain().strip():
                    problems.append(f"{label}: no translation")
                elif _signature(old) != _signature(new):
                    problems.append(f"{label}: run formatting or links differ from the source's")
        return problems


def _properties(document: Any) -> list[tuple[str, str, str]]:
    """(attribute, label, value) of the document's non-empty translatable core properties."""
    cp = document.core_properties
    out = []
    for attr, label in PROPERTIES:
        value = getattr(cp, attr) or ""
        if value.strip():
            out.append((attr, label, value))
    return out


def read(path: str, fmt: str = "docx") -> DocxDocument:
    from align.text import read_bytes

    data = read_bytes(path)
    return DocxDocument(path, data)

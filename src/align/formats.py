"""One renderer for tabular results: table, json, jsonl, tsv, markdown.

Commands build rows (plain dicts with the same keys) and hand them here. The
streaming formats (jsonl, tsv) write row by row, so a huge result never has to
sit in memory; ``table``, ``markdown`` and ``json`` collect first.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

FORMATS = ("table", "json", "jsonl", "tsv", "markdown")
STREAMING = ("jsonl", "tsv")

Row = Mapping[str, Any]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return (
            f"{value:.4g}"
            if abs(value) < 1e-3 and value
            else f"{value:.3f}".rstrip("0").rstrip(".")
        )
    if isinstance(value, list | tuple):
        return ",".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (wide CJK characters count twice)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def tsv_cell(value: Any) -> str:
    r"""A value as one TSV cell: backslash, tab and newline escaped (``\\``, ``\t``, ``\n``),
    so a cell never splits a row and reads back exactly."""
    return _cell(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def write_json(data: Any, out: IO[str]) -> None:
    """The one JSON document form of every command: UTF-8 as is, indented by 2, a final newline."""
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_jsonl(record: Any, out: IO[str]) -> None:
    """One JSON record on one line (``--format jsonl``), UTF-8 as is."""
    out.write(json.dumps(record, ensure_ascii=False) + "\n")


def render(
    rows: Iterable[Row],
    fmt: str,
    out: IO[str],
    columns: Sequence[str] | None = None,
    *,
    header: bool = True,
) -> None:
    """Write ``rows`` to ``out`` in ``fmt``. ``columns`` fixes the order (default: first row's keys)."""
    if fmt == "jsonl":
        for row in rows:
            write_jsonl(dict(row), out)
        return
    if fmt == "tsv":
        cols = list(columns) if columns else None
        for row in rows:
            if cols is None:
                cols = list(row)
            if header:
                out.write("\t".join(cols) + "\n")
                header = False
            out.write("\t".join(tsv_cell(row.get(c)) for c in cols) + "\n")
        if header and cols:
            out.write("\t".join(cols) + "\n")
        return
    data = [dict(r) for r in rows]
    if fmt == "json":
        write_json(data, out)
        return
    cols = list(columns) if columns else (list(data[0]) if data else [])
    cells = [[_cell(r.get(c)) for c in cols] for r in data]
    if fmt == "markdown":

        def esc(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", " ")

        out.write("| " + " | ".join(esc(c) for c in cols) + " |\n")
        out.write("|" + "|".join("---" for _ in cols) + "|\n")
        for line in cells:
            out.write("| " + " | ".join(esc(c) for c in line) + " |\n")
        return
    if fmt == "table":
        widths = [
            max([display_width(c)] + [display_width(line[i]) for line in cells])
            for i, c in enumerate(cols)
        ]
        out.write("  ".join(_pad(c, w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for line in cells:
            out.write(
                "  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n"
            )
        return
    raise ValueError(f"unknown format {fmt!r}")


# --- TMX 1.4 -----------------------------------------------------------------------------------

_XML_INVALID = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _xml(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text.translate(_XML_INVALID), {'"': "&quot;"})


class TmxWriter:
    """Stream a TMX 1.4 document: header with srclang, one ``tu`` per sentence pair.

    ``props`` go into the header as ``<prop type="x-...">`` (e.g. the translation signature).
    """

    def __init__(
        self, out: IO[str], srclang: str, tgtlang: str, props: Mapping[str, str] | None = None
    ) -> None:
        from align import __version__

        self.out = out
        self.srclang = srclang
        self.tgtlang = tgtlang
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
        out.write(
            f'  <header creationtool="align" creationtoolversion="{_xml(__version__)}" '
            f'segtype="sentence" o-tmf="align" adminlang="en" srclang="{_xml(srclang)}" '
            f'datatype="plaintext">\n'
        )
        for key, value in (props or {}).items():
            out.write(f'    <prop type="x-{_xml(key)}">{_xml(value)}</prop>\n')
        out.write("  </header>\n  <body>\n")

    def add(self, source: str, target: str, props: Mapping[str, str] | None = None) -> None:
        w = self.out.write
        w("    <tu>\n")
        for key, value in (props or {}).items():
            w(f'      <prop type="x-{_xml(key)}">{_xml(value)}</prop>\n')
        w(f'      <tuv xml:lang="{_xml(self.srclang)}"><seg>{_xml(source)}</seg></tuv>\n')
        w(f'      <tuv xml:lang="{_xml(self.tgtlang)}"><seg>{_xml(target)}</seg></tuv>\n')
        w("    </tu>\n")

    def close(self) -> None:
        self.out.write("  </body>\n</tmx>\n")


def write_tmx(
    out: IO[str],
    pairs: Iterable[tuple[str, str]],
    srclang: str,
    tgtlang: str,
    props: Mapping[str, str] | None = None,
) -> None:
    """Write sentence pairs as one TMX 1.4 document to an open text stream."""
    writer = TmxWriter(out, srclang, tgtlang, props)
    for source, target in pairs:
        writer.add(source, target)
    writer.close()


def read_tmx(path: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Read a TMX file back: (header attributes and props, one {lang: text} dict per ``tu``).

    Raises :class:`InputError` for a missing file or one that is not TMX.
    """
    import xml.etree.ElementTree as ET

    from align.errors import InputError

    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except (ET.ParseError, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a valid TMX (XML) file ({exc})") from exc
    if root.tag != "tmx":
        raise InputError(f"{path}: not a TMX file (root element <{root.tag}>, want <tmx>)")
    header_el = root.find("header")
    header: dict[str, str] = dict(header_el.attrib) if header_el is not None else {}
    if header_el is not None:
        for prop in header_el.findall("prop"):
            header[prop.get("type", "")] = prop.text or ""
    units = []
    for tu in root.iter("tu"):
        unit = {}
        for tuv in tu.findall("tuv"):
            seg = tuv.find("seg")
            # xml:lang (TMX 1.4), or lang (TMX 1.1)
            lang = tuv.get(lang_attr) or tuv.get("lang") or ""
            unit[lang] = _seg_text(seg) if seg is not None else ""
        units.append(unit)
    return header, units


# TMX inline elements whose content is native code (a tag of the original format), not text.
_TMX_CODES = ("bpt", "ept", "ph", "it", "ut")


def _seg_text(el: Any) -> str:
    """The text of a ``<seg>``: its text and that of ``<hi>``/``<sub>``, without native codes
    (``<bpt>``, ``<ph>``, ...: tags of the original format that tools such as OmegaT or Trados
    put inside segments)."""
    out = [el.text or ""]
    for child in el:
        if child.tag not in _TMX_CODES:
            out.append(_seg_text(child))
        out.append(child.tail or "")
    return "".join(out)

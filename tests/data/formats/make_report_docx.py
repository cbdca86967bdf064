"""Make report.en.docx, the hand-made DOCX sample (run: python tests/data/formats/make_report_docx.py).

Runs with bold, italic and a hyperlink inside sentences, a line break, a table, a header, a
footer and a footnote: what align's DOCX reader must keep.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
    '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
    '<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> The data comes from the city.</w:t>'
    "</w:r></w:p></w:footnote></w:footnotes>"
)


def add_footnote(paragraph: docx.text.paragraph.Paragraph) -> None:
    """A footnote part (python-docx has no API for them) and a reference to note 1."""
    package = paragraph.part.package
    part = Part(
        PackURI("/word/footnotes.xml"),
        CONTENT_TYPE.WML_FOOTNOTES,
        FOOTNOTES.encode("utf-8"),
        package,
    )
    paragraph.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    align = OxmlElement("w:vertAlign")
    align.set(qn("w:val"), "superscript")
    props.append(align)
    run.append(props)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), "1")
    run.append(ref)
    paragraph._p.append(run)


def add_hyperlink(paragraph: docx.text.paragraph.Paragraph, text: str, url: str) -> None:
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def main() -> None:
    d = docx.Document()
    d.core_properties.title = "The weather report"
    d.sections[0].header.paragraphs[0].text = "The weather report"
    d.sections[0].footer.paragraphs[0].text = "Written in Madrid."
    d.add_heading("The weather is nice today", level=1)
    p = d.add_paragraph("Please click ")
    add_hyperlink(p, "here", "https://example.com/download")
    p.add_run(" to download the file. We work in ")
    p.add_run("Madrid").bold = True
    p.add_run(" every day.")
    add_footnote(p)
    p = d.add_paragraph("The ")
    p.add_run("robots").italic = True
    p.add_run(" will be the next big industry.")
    p.add_run().add_break()
    p.add_run("I work in Barcelona.")
    d.add_paragraph("The first item", style="List Bullet")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "City"
    table.cell(0, 1).text = "Weather"
    table.cell(1, 0).text = "Madrid"
    table.cell(1, 1).text = "The weather is nice."
    d.add_paragraph("")  # an empty paragraph stays empty
    d.save(str(Path(__file__).with_name("report.en.docx")))


if __name__ == "__main__":
    main()

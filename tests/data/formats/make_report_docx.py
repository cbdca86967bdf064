"""Make report.en.docx, the hand-made DOCX sample (run: python tests/data/formats/make_report_docx.py).

Runs with bold, italic and a hyperlink inside sentences, a line break, a table, a header and a
footer: what align's DOCX reader must keep.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


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

"""Regenerate docs/report.png: run the demo, open its report in headless Chromium, screenshot it.

    .venv/bin/python tools/screenshot.py                 # runs the demo into out/speech first
    .venv/bin/python tools/screenshot.py --report out/speech/report.html   # an existing report

It writes docs/report.png (the top of the page as it opens: contents, summary,
legend, the best target) and docs/report-chain.png (the rows of a chained target,
``--chain es``, opened from the contents: its pivot column).

Needs Debian's Chromium (tools/install-browser.sh) and the ``playwright``
package (no browser download: /usr/bin/chromium is launched). The run uses
the translation cache, so after ``make demo`` it takes a few seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO = [
    "corpora/yunqi-2024/speech.zh.txt",
    "--to",
    "all",
    "--ref",
    "en=corpora/yunqi-2024/speech.en.txt",
    "-o",
    "out/speech",
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", type=Path, help="an existing report.html (default: run the demo)")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "report.png")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=2000)
    ap.add_argument("--chain", default="es", help="the chained target of the second picture")
    ap.add_argument("--chain-output", type=Path, default=ROOT / "docs" / "report-chain.png")
    ap.add_argument("--chain-height", type=int, default=1100)
    args = ap.parse_args()

    if not Path(args.chromium).exists():
        print(
            f"screenshot: {args.chromium} is absent; run tools/install-browser.sh", file=sys.stderr
        )
        return 1
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("screenshot: the playwright package is not installed", file=sys.stderr)
        return 1

    report = args.report
    if report is None:
        align = Path(sys.executable).with_name("align")
        subprocess.run([str(align), "run", *DEMO, "--quiet"], cwd=ROOT, check=True)
        report = ROOT / "out" / "speech" / "report.html"
    if not report.exists():
        print(f"screenshot: {report}: no such file", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=args.chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": args.width, "height": args.height},
        )
        page = context.new_page()
        page.goto(report.resolve().as_uri())
        page.wait_for_load_state("load")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.output.with_name(f".{args.output.name}.tmp.png")
        page.screenshot(path=str(tmp))
        tmp.replace(args.output)  # atomic: the old picture stays until the new one is complete
        print(f"screenshot: {args.output} ({args.width}x{args.height}) from {report}")
        link = page.locator(f"#toc a[href='#target-{args.chain}']")
        if args.chain and link.count():
            link.click()  # opens the target and scrolls to it
            rows = page.locator(f"section#target-{args.chain} table.aligned")
            rows.scroll_into_view_if_needed()
            page.evaluate(
                "id => document.getElementById(id).querySelector('table.aligned').scrollIntoView()",
                f"target-{args.chain}",
            )
            page.set_viewport_size({"width": args.width, "height": args.chain_height})
            tmp = args.chain_output.with_name(f".{args.chain_output.name}.tmp.png")
            page.screenshot(path=str(tmp))
            tmp.replace(args.chain_output)
            print(f"screenshot: {args.chain_output} ({args.width}x{args.chain_height})")
        context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

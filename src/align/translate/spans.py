"""What no engine may translate: URLs, e-mail addresses, code in backticks, file paths.

Engines damage them: Apertium lower-cases URLs and translates inside paths and backtick
code (``/usr/share/Cloud`` → ``/usr/Nube/de acción``), the en→pt Bergamot model takes
URLs apart and translates the user part of an e-mail address (``help@`` → ``ajudar@``).
:func:`protected_spans` finds them (patterns only, no engine);
:class:`align.translate.glossary.SpanKeeper` wraps each hop so that every span goes
through it as a placeholder, and glossary terms never match inside one.
"""

from __future__ import annotations

import re

# A URL ends at a space, a quote or an angle bracket, and at the CJK punctuation glued to
# it ("…/a，或"); its path may be CJK ("…/阿里云").
_URL_CHARS = '[^\\s<>"\u3000-\u303f\uff00-\uffef]+'
_PROTECTED = re.compile(
    rf"\b(?:https?|ftp)://{_URL_CHARS}|\bwww\.{_URL_CHARS}"
    r"|[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|(?<!\w)`[^`\n]{1,200}`(?!\w)"
    r"|(?<![\w/.])(?:~|\.{1,2})?/(?:[\w.-]+/)+[\w.-]+"
    r"|\b[A-Za-z]:\\(?:[\w.-]+\\)*[\w.-]+",
    re.IGNORECASE,
)
# In every hop's signature: a translation cached before spans were kept (or kept by other
# rules) is never reused.
PROTECTED_VERSION = "spans1"
# What ends a sentence or a clause after a URL or a path is not part of it.
_TRAILING = ".,;:!?'\""
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}


def protected_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` every translation keeps as they are: URLs, e-mail addresses,
    code in backticks and file paths (a sentence's closing punctuation, and a closing
    bracket the span did not open, left out)."""
    spans = []
    for m in _PROTECTED.finditer(text):
        start, end = m.span()
        if text[start] != "`":
            while end > start:
                ch = text[end - 1]
                unopened = ch in _PAIRS and text.count(_PAIRS[ch], start, end) < text.count(
                    ch, start, end
                )
                if ch in _TRAILING or unopened:
                    end -= 1
                else:
                    break
        if end - start > 3:
            spans.append((start, end))
    return spans

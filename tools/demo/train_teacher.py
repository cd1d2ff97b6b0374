"""Training and held-out evaluation of the demo's MLM teacher (CPU, minutes)."""
from __future__ import annotations

import math
import sys
import time
from collections import defaultdict

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit("/", 2)[0])  # tools/
from masking import mask_tokens, IGNORE_INDEX  # noqa: E402
from teacher_model import MlmTeacher, TeacherConfig  # noqa: E402


def _batch(chunks, idx, max_len, pad_id):
    ids = np.full((len(idx), max_len), pad_id, dtype=np.int64)
    for row, i in enumerate(idx):
        ids[row, :len(chunks[i])] = chunks[i]
    return ids, (ids != pad_id).astype(np.int64)


def train_teacher(
    cfg: TeacherConfig,
    groups: dict[str, list[list[int]]],  # name -> training chunks (token id lists, each <= max_len)
    group_weights: dict[str, float],  # name -> share of each batch drawn from that group
    *,
    pad_id: int,
    mask_id: int,
    special_ids: set[int],
    steps: int = 3000,
    batch_size: int = 64,
    lr: float = 1.5e-3,  # peak; linear warmup then cosine decay to lr / 10
    warmup: int = 200,
    weight_decay: float = 0.01,
    seed: int = 0,
    mask_prob: float = 0.15,  # share of tokens the teacher learns to predict; more = more signal per step
    log_every: int = 50,
    init_state: dict | None = None,  # continue from these weights (a fresh optimizer, a new warmup)
) -> MlmTeacher:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = MlmTeacher(cfg)
    if init_state is not None:
        model.load_state_dict(init_state)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=lr, betas=(0.9, 0.98))
    names = sorted(groups)
    shares = np.array([group_weights[n] for n in names], dtype=np.float64)
    shares /= shares.sum()
    t0 = time.perf_counter()
    model.train()
    for step in range(1, steps + 1):
        counts = rng.multinomial(batch_size, shares)
        ids_list = []
        for name, count in zip(names, counts):
            if count:
                idx = rng.integers(0, len(groups[name]), size=count)
                ids_list.append(_batch(groups[name], idx, cfg.max_len, pad_id)[0])
        ids = np.concatenate(ids_list)
        attn = (ids != pad_id).astype(np.int64)
        inp, labels = mask_tokens(ids, attn, mask_id=mask_id, vocab_size=cfg.vocab_size, special_ids=special_ids, rng=rng,
                                  mlm_probability=mask_prob)
        inp_t, attn_t, labels_t = torch.from_numpy(inp), torch.from_numpy(attn), torch.from_numpy(labels)

        scale = step / warmup if step < warmup else 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (steps - warmup)))
        for g in opt.param_groups:
            g["lr"] = lr * scale
        hidden = model.hidden(inp_t, attn_t)  # (B, L, D)
        sel = labels_t != IGNORE_INDEX
        loss = F.cross_entropy(model.logits(hidden[sel]), labels_t[sel])  # logits only where there is a label
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % log_every == 0 or step == 1:
            el = time.perf_counter() - t0
            print(f"step {step}/{steps}  loss {loss.item():.3f}  lr {lr * scale:.2e}  {el:.0f}s  ({el / step:.2f}s/step)",
                  file=sys.stderr, flush=True)
    model.eval()
    return model


@torch.no_grad()
def evaluate_mlm(model: MlmTeacher, chunks_by_group: dict[str, list[list[int]]], *, pad_id: int, mask_id: int,
                 special_ids: set[int], seed: int = 1234, repeats: int = 4, batch_size: int = 128) -> dict:
    """Held-out MLM cross-entropy (nats/token) and top-1 accuracy at the masked positions, per group and overall.
    Each chunk is masked `repeats` times with a fixed seed so small groups still give a stable number."""
    rng = np.random.default_rng(seed)
    model.eval()
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # loss sum, correct, count
    for name in sorted(chunks_by_group):
        chunks = chunks_by_group[name]
        for _ in range(repeats):
            for start in range(0, len(chunks), batch_size):
                ids, attn = _batch(chunks, range(start, min(start + batch_size, len(chunks))), model.cfg.max_len, pad_id)
                inp, labels = mask_tokens(ids, attn, mask_id=mask_id, vocab_size=model.cfg.vocab_size,
                                          special_ids=special_ids, rng=rng)
                labels_t = torch.from_numpy(labels)
                sel = labels_t != IGNORE_INDEX
                logits = model.logits(model.hidden(torch.from_numpy(inp), torch.from_numpy(attn))[sel])
                t = totals[name]
                t[0] += F.cross_entropy(logits, labels_t[sel], reduction="sum").item()
                t[1] += (logits.argmax(-1) == labels_t[sel]).sum().item()
                t[2] += sel.sum().item()
    report = {name: {"loss": t[0] / t[2], "accuracy": t[1] / t[2], "masked_tokens": int(t[2])} for name, t in totals.items()}
    all_t = [sum(t[i] for t in totals.values()) for i in range(3)]
    report["_overall"] = {"loss": all_t[0] / all_t[2], "accuracy": all_t[1] / all_t[2], "masked_tokens": int(all_t[2])}
    return report

#!/usr/bin/python3
"""PyTorch reference for `distill bench`: trains the SAME student with the same losses and batch.

Run with Debian's /usr/bin/python3 (python3-torch 1.13 + OpenBLAS), not a pyenv python.

Architecture: GPT-2 (transformers' GPT2LMHeadModel, what the engine trains for the bench's clm cells:
src/engine/model/architectures/gpt2.ts, docs/student.md): token + position embeddings, dropout, n pre-LN
blocks (LN -> fused qkv (c_attn) -> softmax(q k^T / sqrt(dh) + bias) v -> c_proj -> dropout -> residual;
LN -> c_fc -> GELU(tanh, "gelu_new") -> c_proj -> dropout -> residual), ln_f, LM head tied to the token
embeddings without a bias. Causal + key-padding additive bias of -1e9, LN eps 1e-5. Written out in torch 1.13
(Debian's, with OpenBLAS) rather than imported from transformers, which that Python lacks; the same maths.

Objective (src/engine/train/objective.ts, losses/align.ts):
  total = alpha_kd * T^2 * KL(p_T || q_T) + alpha_hard * CE(labels, q)
with p, q on the K+1 buckets (top-k ids + one tail bucket, from the teacher's logsumexp) or over the whole
vocabulary (dense teacher). Log-probs floored at -1e4 and the tail mass at 1e-12, as in the engine.
Step: forward, backward, global-norm clip (1.0), AdamW (decoupled decay on weight matrices only).

Usage:
  /usr/bin/python3 bench/reference_torch.py --cell '{"dModel":128,...}' [--steps 5]   one cell, one JSON line
  /usr/bin/python3 bench/reference_torch.py --serve      the line protocol of bench/peers/protocol.ts
A cell (bench/grid.ts + RECIPE): {"dModel", "nLayers", "nHeads", "dFf", "vocabSize", "seqLen", "batchSize",
"teacher": "dense"|"topk", "k", "temperature", "alphaKd", "alphaHard", "dropout", "threads"}.
"""
from __future__ import annotations

import argparse
import json
import resource
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LOG_PROB_FLOOR = -1e4
TAIL_MASS_FLOOR = 1e-12
LAYER_NORM_EPS = 1e-5
INIT_STD = 0.02


class Block(nn.Module):
    def __init__(self, d: int, f: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d, eps=LAYER_NORM_EPS)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d, eps=LAYER_NORM_EPS)
        self.fc_in = nn.Linear(d, f)
        self.fc_out = nn.Linear(f, d)
        self.drop = nn.Dropout(dropout)

    def attention(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, l, d = x.shape
        dh = d // self.heads
        q, k, v = self.qkv(x).view(b, l, 3, self.heads, dh).permute(2, 0, 3, 1, 4)  # each (B, H, L, dh)
        scores = q @ k.transpose(-1, -2) * (1 / math.sqrt(dh)) + bias  # (B, H, L, L)
        context = torch.softmax(scores, dim=-1) @ v  # (B, H, L, dh)
        return self.out(context.transpose(1, 2).reshape(b, l, d))

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(self.attention(self.ln_1(x), bias))
        h = F.gelu(self.fc_in(self.ln_2(x)), approximate="tanh")
        return x + self.drop(self.fc_out(h))


class Student(nn.Module):
    def __init__(self, cell: dict):
        super().__init__()
        d, v = cell["dModel"], cell["vocabSize"]
        self.word = nn.Embedding(v, d)
        self.position = nn.Embedding(cell["seqLen"], d)
        self.drop = nn.Dropout(cell["dropout"])
        self.blocks = nn.ModuleList(Block(d, cell["dFf"], cell["nHeads"], cell["dropout"]) for _ in range(cell["nLayers"]))
        self.final_ln = nn.LayerNorm(d, eps=LAYER_NORM_EPS)
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif "ln" in name:
                nn.init.ones_(p)
            else:
                residual = name.endswith("out.weight") or name.endswith("fc_out.weight")
                std = INIT_STD / math.sqrt(2 * cell["nLayers"]) if residual else INIT_STD
                nn.init.trunc_normal_(p, std=std, a=-2 * std, b=2 * std)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, l = ids.shape
        x = self.drop(self.word(ids) + self.position.weight[:l])  # (B, L, D)
        causal = torch.tril(torch.ones(l, l))
        allowed = mask.view(b, 1, 1, l) * causal.view(1, 1, l, l)
        bias = (1 - allowed) * -1e9  # (B, 1, L, L)
        for block in self.blocks:
            x = block(x, bias)
        hidden = self.final_ln(x)
        return hidden.reshape(b * l, -1) @ self.word.weight.t()  # (B*L, V), tied head, no bias (GPT-2)


def kl_from_logs(log_a: torch.Tensor, log_b: torch.Tensor) -> torch.Tensor:
    a = log_a.clamp_min(LOG_PROB_FLOOR)
    b = log_b.clamp_min(LOG_PROB_FLOOR)
    return (a.exp() * (a - b)).sum(-1)


def tail_logit(top: torch.Tensor, lse_all: torch.Tensor) -> torch.Tensor:
    gap = torch.logsumexp(top, -1) - lse_all
    return lse_all + torch.log((-torch.expm1(gap)).clamp_min(TAIL_MASS_FLOOR))


def objective(logits: torch.Tensor, batch: dict, cell: dict) -> torch.Tensor:
    t = cell["temperature"]
    weights = batch["weights"]
    if cell["teacher"] == "dense":
        log_p = F.log_softmax(batch["teacher_logits"] / t, -1)
        log_q = F.log_softmax(logits / t, -1)
    else:
        student_top = logits.gather(1, batch["ids"])  # (P, K)
        lse_all = torch.logsumexp(logits, -1)
        teacher_buckets = torch.cat([batch["teacher_logits"], tail_logit(batch["teacher_logits"], batch["lse"])[:, None]], 1)
        student_buckets = torch.cat([student_top, tail_logit(student_top, lse_all)[:, None]], 1)
        log_p = F.log_softmax(teacher_buckets / t, -1)
        log_q = F.log_softmax(student_buckets / t, -1)
    kd = (kl_from_logs(log_p, log_q) * weights).sum() / weights.sum().clamp_min(1) * t * t
    hard = F.cross_entropy(logits, batch["labels"], ignore_index=-100)
    return cell["alphaKd"] * kd + cell["alphaHard"] * hard


def make_data(cell: dict, n: int, gen: torch.Generator) -> dict:
    v, l, k = cell["vocabSize"], cell["seqLen"], cell.get("k", 32)
    ids = torch.randint(1, v, (n, l), generator=gen)
    labels = torch.cat([ids[:, 1:], torch.full((n, 1), -100)], 1)
    data = {"input_ids": ids, "labels": labels}
    if cell["teacher"] == "dense":
        data["teacher_logits"] = torch.rand(n, l, v, generator=gen) * 4
    else:
        start = torch.randint(0, v, (n, l, 1), generator=gen)
        data["ids"] = (start + torch.arange(k)) % v
        z = 8 - 0.25 * torch.arange(k, dtype=torch.float32) + 0.1 * torch.rand(n, l, k, generator=gen)
        data["teacher_logits"] = z
        data["lse"] = torch.logsumexp(z, -1) - math.log(0.8)
    return data


def batch_of(data: dict, rows: torch.Tensor, cell: dict) -> dict:
    b, l = len(rows), cell["seqLen"]
    out = {
        "input_ids": data["input_ids"][rows],
        "mask": torch.ones(b, l),
        "labels": data["labels"][rows].reshape(-1),
        "weights": torch.ones(b * l),
        "teacher_logits": data["teacher_logits"][rows].reshape(b * l, -1),
    }
    if cell["teacher"] == "topk":
        out["ids"] = data["ids"][rows].reshape(b * l, -1)
        out["lse"] = data["lse"][rows].reshape(-1)
    return out


class Session:
    """One open cell: the model, its optimiser and data, ready to step (protocol: bench/peers/protocol.ts)."""

    def __init__(self, cell: dict):
        self.cell = cell
        torch.set_num_threads(int(cell.get("threads", 2)))
        torch.manual_seed(0)
        self.gen = torch.Generator().manual_seed(7)
        self.batch_size = cell["batchSize"]
        self.data = make_data(cell, 2 * self.batch_size, self.gen)
        self.model = Student(cell)
        named = list(self.model.named_parameters())
        decayed = lambda name: name.endswith("weight") and "ln" not in name and name not in ("word.weight", "position.weight")  # noqa: E731
        self.opt = torch.optim.AdamW(
            [{"params": [p for n, p in named if decayed(n)], "weight_decay": 0.01}, {"params": [p for n, p in named if not decayed(n)], "weight_decay": 0.0}],
            lr=1e-3, betas=(0.9, 0.98), eps=1e-8,
        )
        self.model.train()

    def step(self) -> torch.Tensor:
        rows = torch.randint(0, 2 * self.batch_size, (self.batch_size,), generator=self.gen)
        batch = batch_of(self.data, rows, self.cell)
        loss = objective(self.model(batch["input_ids"], batch["mask"]), batch, self.cell)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        return loss.detach()

    def run(self, steps: int) -> float:
        """ms per step over `steps` steps (the loss is read once, at the end, as the tfjs trainer does)."""
        t0 = time.perf_counter()
        last = None
        for _ in range(steps):
            last = self.step()
        float(last)
        return (time.perf_counter() - t0) * 1000 / steps

    def latency(self) -> float:
        """Forward ms per example at the batch size, median of 5 after 2 warm-up passes (eval mode, no grad)."""
        self.model.eval()
        batch = batch_of(self.data, torch.arange(self.batch_size), self.cell)
        times = []
        with torch.no_grad():
            for i in range(7):
                t0 = time.perf_counter()
                self.model(batch["input_ids"], batch["mask"]).sum().item()
                if i >= 2:
                    times.append((time.perf_counter() - t0) * 1000)
        self.model.train()
        return sorted(times)[2] / self.batch_size


def handle(session: Session | None, request: dict) -> tuple[Session | None, dict]:
    op = request.get("op")
    if op == "open":
        session = Session(request["cell"])
        for _ in range(int(request.get("warmup", 2))):
            session.step()
        return session, {"ok": True, "info": {"torch": torch.__version__, "threads": torch.get_num_threads()}}
    if op == "close":
        return None, {"ok": True}
    if session is None:
        return session, {"ok": False, "error": "no cell open"}
    if op == "run":
        return session, {"ok": True, "msPerStep": session.run(int(request["steps"]))}
    if op == "extras":
        # the process's peak resident set (Linux ru_maxrss is in KiB): PyTorch's own peak memory on the cell
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return session, {"ok": True, "extras": {"forwardMsPerExample": session.latency(), "peakRssBytes": peak}}
    return session, {"ok": False, "error": f"unknown op {op}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--cell", help="one cell as JSON: open, warm up, run --steps, print ms/step")
    group.add_argument("--serve", action="store_true", help="the bench protocol on stdin/stdout")
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    if args.cell:
        session, reply = handle(None, {"op": "open", "cell": json.loads(args.cell)})
        _, reply = handle(session, {"op": "run", "steps": args.steps})
        print(json.dumps(reply), flush=True)
        return 0
    print(json.dumps({"ready": True, "ok": True, "peer": "torch", "torch": torch.__version__}), flush=True)
    session = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            session, reply = handle(session, json.loads(line))
        except Exception as err:  # noqa: BLE001 - one line back to the orchestrator
            reply = {"ok": False, "error": f"{type(err).__name__}: {err}".splitlines()[0]}
        print(json.dumps(reply), flush=True)
        if json.loads(line).get("op") == "close":
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Continue a Distill Playground run in PyTorch, on one process or many (torchrun), on CPU or GPUs.

    python train.py --data FILE --out DIR [--steps N]                    one process (CPU, or one GPU)
    torchrun --nproc_per_node N train.py --data FILE --out DIR [...]     DistributedDataParallel (gloo / nccl)
    python train.py --data FILE --out DIR --check-parity                 recompute the engine's recorded losses

Written by `distill handoff` next to recipe.json (the resolved recipe: architecture, losses and weights,
temperature, divergence, positions, optimiser, schedule, seed) and student/ (the student to start from: a
Hugging Face model directory, with the AdamW state when the run had it). The model is the real transformers
class, loaded with from_pretrained; the losses are distill_losses.py, the same definitions as the engine
(docs/losses.md); the data is the same distillation-set file (.safetensors, .npz or .jsonl; docs/format.md).
DIR receives a Hugging Face model directory plus report.json in the shape `distill train` writes, so the
playground's Runs tab can import it next to the browser run.

Batches: each process draws `batch_size` examples per step (the global batch is N·batch_size; scale lr
yourself if you change N). Dropout as in the recipe (transformers' own modules). The lr schedule is the
recipe's over steps_done + --steps steps; with the handed-off AdamW state the step count continues.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402

from distill_losses import IGNORE_INDEX, LOSS_NAMES, active_terms, learning_rate, objective, position_metrics  # noqa: E402

AUTO_CLASSES = {"mlm": "AutoModelForMaskedLM", "clm": "AutoModelForCausalLM", "classification": "AutoModelForSequenceClassification"}
PROJECTION = "distill.hidden_projection.weight"


# ---------------------------------------------------------------------------------------------------------
# The distillation set (docs/format.md)

def read_set(path: str) -> tuple[dict, dict]:
    """(tensors as torch tensors, metadata with JSON values decoded) from .safetensors, .npz or .jsonl."""
    lower = path.lower()
    if lower.endswith(".safetensors"):
        with safe_open(path, "pt") as f:
            meta = dict(f.metadata() or {})
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    elif lower.endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["metadata"][()])) if "metadata" in z.files else {}
            tensors = {k: torch.from_numpy(np.ascontiguousarray(z[k])) for k in z.files if k != "metadata"}
    elif lower.endswith((".jsonl", ".ndjson")):
        rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        meta = rows.pop(0)["metadata"] if rows and set(rows[0]) == {"metadata"} else {}
        fields = [k for k in rows[0] if k not in ("lang", "split")]
        tensors = {k: torch.tensor([r[k] for r in rows]) for k in fields}
        if "langs" not in meta and "lang" in rows[0]:
            meta["langs"] = [r["lang"] for r in rows]
        if "split" not in meta and "split" in rows[0]:
            meta["split"] = [r["split"] for r in rows]
    else:
        sys.exit(f"error: {path}: the extension picks the container: .safetensors, .npz or .jsonl")
    decoded = {}
    for key, value in meta.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        decoded[key] = value
    return tensors, decoded


def prepare(tensors: dict, meta: dict, task: str) -> dict:
    """The set as the trainer sees it: int64 ids, float masks, labels (clm: shifted when absent), the teacher."""
    ids = tensors["input_ids"].long()
    pad = int(meta.get("pad_id", 0) or 0)
    mask = tensors["attention_mask"].float() if "attention_mask" in tensors else (ids != pad).float()
    mask = (mask != 0).float()
    labels = tensors["labels"].long() if "labels" in tensors else None
    if labels is None and task == "clm":  # labels[n, t] = ids[n, t + 1] where both are tokens
        labels = torch.full_like(ids, IGNORE_INDEX)
        both = (mask[:, :-1] != 0) & (mask[:, 1:] != 0)
        labels[:, :-1] = torch.where(both, ids[:, 1:], torch.full_like(ids[:, 1:], IGNORE_INDEX))
    if "teacher_logits" in tensors:
        teacher = {"kind": "dense", "logits": tensors["teacher_logits"].float()}
    else:
        lse = tensors.get("teacher_logsumexp")
        teacher = {"kind": "topk", "ids": tensors["teacher_topk_ids"].long(), "logits": tensors["teacher_topk_logits"].float(),
                   "logsumexp": lse.float() if lse is not None else None}
    hidden = tensors["teacher_hidden"].float() if "teacher_hidden" in tensors else None
    return {"input_ids": ids, "mask": mask, "labels": labels, "teacher": teacher, "hidden": hidden, "task": task,
            "langs": meta.get("langs"), "split": meta.get("split"), "n": ids.shape[0], "seq_len": ids.shape[1]}


def make_batch(data: dict, rows: list[int], recipe: dict, device) -> dict:
    """One batch, flattened as the engine's batcher does (data/batches.ts): P = B·L positions (B for
    classification); weights 1 on distilled positions (non-pad, or labelled with distill_positions "labelled")."""
    idx = torch.as_tensor(rows, dtype=torch.long)
    ids, mask = data["input_ids"][idx], data["mask"][idx]
    cls = data["task"] == "classification"
    labels = data["labels"][idx].reshape(-1) if data["labels"] is not None else None
    if recipe["distill_positions"] == "labelled" and labels is not None:
        weights = (labels != IGNORE_INDEX).float()
    else:
        weights = torch.ones(len(rows)) if cls else mask.reshape(-1)
    t = data["teacher"]
    if t["kind"] == "dense":
        teacher = {"kind": "dense", "logits": t["logits"][idx].reshape(-1, t["logits"].shape[-1]).to(device)}
    else:
        k = t["ids"].shape[-1]
        teacher = {"kind": "topk", "ids": t["ids"][idx].reshape(-1, k).to(device), "logits": t["logits"][idx].reshape(-1, k).to(device),
                   "logsumexp": t["logsumexp"][idx].reshape(-1).to(device) if t["logsumexp"] is not None else None}
    hidden = data["hidden"][idx].reshape(-1, data["hidden"].shape[-1]).to(device) if data["hidden"] is not None else None
    return {"input_ids": ids.to(device), "mask": mask.to(device), "labels": labels.to(device) if labels is not None else None,
            "weights": weights.to(device), "token_weights": mask.reshape(-1).to(device), "teacher": teacher,
            "teacher_hidden": hidden, "tokens": int(mask.sum())}


# ---------------------------------------------------------------------------------------------------------
# The student: transformers' class + the cosine loss's projection

class Student(torch.nn.Module):
    def __init__(self, model, projection: torch.Tensor | None):
        super().__init__()
        self.model = model
        self.projection = torch.nn.Parameter(projection) if projection is not None else None

    def forward(self, input_ids, mask, need_hidden: bool):
        out = self.model(input_ids=input_ids, attention_mask=mask.long(), output_hidden_states=need_hidden)
        logits = out.logits
        logits2d = logits if logits.dim() == 2 else logits.reshape(-1, logits.shape[-1])
        hidden = out.hidden_states[-1].reshape(-1, out.hidden_states[-1].shape[-1]) if need_hidden else None
        return logits2d, hidden


def load_student(student_dir: str, task: str, device) -> Student:
    import transformers

    model = getattr(transformers, AUTO_CLASSES[task]).from_pretrained(student_dir, dtype=torch.float32)
    projection_file = os.path.join(student_dir, "hidden_projection.safetensors")
    projection = load_file(projection_file)[PROJECTION] if os.path.exists(projection_file) else None
    return Student(model, projection).to(device)


def param_names(student: Student) -> dict:
    """Parameter → its name in model.safetensors (and the engine): the model's own names, the projection's."""
    names = {p: n for n, p in student.model.named_parameters()}
    if student.projection is not None:
        names[student.projection] = PROJECTION
    return names


def build_optimizer(student: Student, recipe: dict, state_file: str | None) -> tuple[torch.optim.Optimizer, int]:
    """torch AdamW with the engine's decoupled decay (weight matrices only: recipe.optimizer.decayed) and, when
    the run handed it off, its moments and step count. Returns (optimizer, steps already taken)."""
    opt_recipe = recipe["optimizer"]
    decayed = set(opt_recipe["decayed"]) | {PROJECTION}
    names = param_names(student)
    groups = [
        {"params": [p for p, n in names.items() if n in decayed], "weight_decay": opt_recipe["weight_decay"]},
        {"params": [p for p, n in names.items() if n not in decayed], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=opt_recipe["lr"], betas=(opt_recipe["beta1"], opt_recipe["beta2"]), eps=opt_recipe["eps"])
    if not state_file or not os.path.exists(state_file):
        return opt, 0
    with safe_open(state_file, "pt") as f:
        step = int((f.metadata() or {}).get("step", "0"))
        saved = {k: f.get_tensor(k) for k in f.keys()}
    for p, n in names.items():
        m, v = saved.get(f"exp_avg.{n}"), saved.get(f"exp_avg_sq.{n}")
        if m is None or v is None:
            sys.exit(f"error: {state_file} has no AdamW moments for {n}")
        opt.state[p] = {"step": torch.tensor(float(step)), "exp_avg": m.to(p.device).reshape(p.shape).clone(),
                        "exp_avg_sq": v.to(p.device).reshape(p.shape).clone()}
    return opt, step


def save_optimizer(opt: torch.optim.Optimizer, student: Student, step: int, path: str) -> None:
    names = param_names(student)
    tensors = {}
    for p, n in names.items():
        state = opt.state.get(p, {})
        if "exp_avg" in state:
            tensors[f"exp_avg.{n}"] = state["exp_avg"].detach().cpu().contiguous()
            tensors[f"exp_avg_sq.{n}"] = state["exp_avg_sq"].detach().cpu().contiguous()
    save_file(tensors, path, metadata={"step": str(step), "format": "pt", "optimizer": "adamw"})


# ---------------------------------------------------------------------------------------------------------
# Evaluation (the engine's metrics, train/evaluate.ts) and parity

@torch.no_grad()
def evaluate(student: Student, data: dict, rows: list[int], recipe: dict, device, terms: list[str]) -> dict:
    student.eval()
    sums = {"agree": 0.0, "prob_loyalty": 0.0, "kl": 0.0}
    per_lang: dict = {}
    weight = labelled = teacher_ok = student_ok = 0.0
    positions = 0
    loss_sums = {name: 0.0 for name in ["total", *terms]}
    batches = 0
    for i in range(0, len(rows), recipe["batch_size"]):
        chunk = rows[i:i + recipe["batch_size"]]
        batch = make_batch(data, chunk, recipe, device)
        logits, hidden = student(batch["input_ids"], batch["mask"], "cos" in terms)
        total, parts = objective(logits, hidden, batch, recipe, student.projection)
        w = len(chunk) / recipe["batch_size"]  # the engine pads a short batch and weights its losses by valid rows
        loss_sums["total"] += float(total) * w
        for n, v in parts.items():
            loss_sums[n] += float(v) * w
        batches += w
        m = position_metrics(logits, batch["teacher"], batch["labels"])
        bw = batch["weights"]
        per_row = 1 if data["task"] == "classification" else data["seq_len"]
        for p in range(bw.shape[0]):
            if bw[p] <= 0:
                continue
            positions += 1
            lang = data["langs"][chunk[p // per_row]] if data["langs"] else None
            targets = [sums] + ([per_lang.setdefault(lang, {"agree": 0.0, "prob_loyalty": 0.0, "kl": 0.0, "w": 0.0, "n": 0})] if lang is not None else [])
            for t in targets:
                for key in ("agree", "prob_loyalty", "kl"):
                    t[key] += float(bw[p] * m[key][p])
            for t in targets[1:]:
                t["w"] += float(bw[p])
                t["n"] += 1
            weight += float(bw[p])
            if "labelled" in m and m["labelled"][p] > 0:
                labelled += float(bw[p])
                teacher_ok += float(bw[p] * m["teacher_correct"][p])
                student_ok += float(bw[p] * m["student_correct"][p])
    student.train()
    mean = lambda s, w: s / w if w > 0 else 0.0  # noqa: E731
    out = {
        "label_loyalty": mean(sums["agree"], weight), "prob_loyalty": mean(sums["prob_loyalty"], weight), "kl": mean(sums["kl"], weight),
        "teacher_accuracy": teacher_ok / labelled if labelled > 0 else None,
        "student_accuracy": student_ok / labelled if labelled > 0 else None,
        "n_positions": positions,
        "loss": {n: v / max(batches, 1e-12) for n, v in loss_sums.items()},
    }
    if per_lang:
        out["per_lang"] = {k: {"label_loyalty": mean(v["agree"], v["w"]), "prob_loyalty": mean(v["prob_loyalty"], v["w"]),
                               "kl": mean(v["kl"], v["w"]), "teacher_accuracy": None, "student_accuracy": None, "n_positions": v["n"]}
                           for k, v in per_lang.items()}
    return out


@torch.no_grad()
def check_parity(student: Student, data: dict, recipe: dict, device, terms: list[str]) -> int:
    """Every loss component of the recorded batches, dropout off, against the engine's values."""
    student.eval()
    worst = 0.0
    rows = []
    for record in recipe["parity"]["batches"]:
        batch = make_batch(data, record["indices"], recipe, device)
        logits, hidden = student(batch["input_ids"], batch["mask"], "cos" in terms)
        total, parts = objective(logits, hidden, batch, recipe, student.projection)
        ours = {"total": float(total), **{n: float(v) for n, v in parts.items()}}
        for name, engine in record["losses"].items():
            mine = ours.get(name)
            if mine is None:
                print(f"error: the engine recorded {name} but this recipe computes {sorted(ours)}", file=sys.stderr)
                return 1
            rel = abs(mine - engine) / max(abs(engine), 1e-6)
            worst = max(worst, rel)
            rows.append({"batch": len(rows) // max(len(record["losses"]), 1), "loss": name, "engine": engine, "torch": mine, "rel_diff": rel})
    print(json.dumps({"components": rows, "tolerance": 1e-4, "max_rel_diff": worst}))
    return 0 if worst <= 1e-4 else 1


# ---------------------------------------------------------------------------------------------------------

def split_rows(data: dict, recipe: dict) -> tuple[list[int], list[int]]:
    """The run's split when this is the handed-off file (recipe.split), else the file's own split metadata,
    else a seeded eval_fraction (numpy; not the engine's stream)."""
    rec = recipe["split"]
    if data["n"] == recipe["data"]["n"]:
        held = set(rec["eval"])
        return [i for i in range(data["n"]) if i not in held], sorted(held)
    if data["split"] and len(data["split"]) == data["n"]:
        train = [i for i, s in enumerate(data["split"]) if s == "train"]
        held = [i for i, s in enumerate(data["split"]) if s != "train"]
        if train and held:
            return train, held
    order = np.random.default_rng(recipe["seed"]).permutation(data["n"]).tolist()
    n_eval = max(1, math.ceil(recipe["eval_fraction"] * data["n"])) if recipe["eval_fraction"] > 0 else 0
    return sorted(order[n_eval:]), sorted(order[:n_eval])


def batches_of(train: list[int], batch_size: int, seed: int, rank: int, world: int):
    """Endless per-process batches: every epoch one seeded permutation, each process its strided share."""
    gen = torch.Generator().manual_seed(seed)
    while True:
        order = [train[i] for i in torch.randperm(len(train), generator=gen).tolist()][rank::world]
        for i in range(0, len(order) - batch_size + 1, batch_size):
            yield order[i:i + batch_size]
        if len(order) < batch_size:
            yield (order * batch_size)[:batch_size]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--data", required=True, help="the distillation set (.safetensors, .npz or .jsonl)")
    ap.add_argument("--out", required=False, help="output directory (Hugging Face model + report.json)")
    ap.add_argument("--steps", type=int, default=None, help="optimiser steps to run (default: the recipe's steps)")
    ap.add_argument("--recipe", default=os.path.join(HERE, "recipe.json"))
    ap.add_argument("--student", default=os.path.join(HERE, "student"), help="the model directory to start from")
    ap.add_argument("--fresh-optimizer", action="store_true", help="ignore the handed-off AdamW state")
    ap.add_argument("--check-parity", action="store_true", help="recompute the engine's recorded losses and exit (1 when off by > 1e-4)")
    ap.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: cuda when available)")
    args = ap.parse_args(argv)
    with open(args.recipe, encoding="utf-8") as f:
        handoff = json.load(f)
    recipe = dict(handoff["config"])  # a copy: report.json gets the config alone
    recipe["optimizer"] = handoff["optimizer"]
    recipe["split"] = handoff["split"]
    recipe["data"] = handoff["data"]
    recipe["parity"] = handoff["parity"]
    task = handoff["task"]

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = torch.cuda.is_available() and (args.device is None or args.device.startswith("cuda"))
    device = torch.device(args.device or (f"cuda:{local_rank}" if use_cuda else "cpu"))
    if use_cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if use_cuda else "gloo")
    torch.manual_seed(recipe["seed"] + rank)

    data = prepare(*read_set(args.data), task)
    student = load_student(args.student, task, device)
    terms = active_terms(recipe, data["labels"] is not None, data["hidden"] is not None)
    if args.check_parity:
        return check_parity(student, data, recipe, device, terms)
    if not args.out:
        ap.error("--out is required (except with --check-parity)")

    opt, done = build_optimizer(student, recipe, None if args.fresh_optimizer else os.path.join(args.student, "optimizer.safetensors"))
    steps = args.steps if args.steps is not None else recipe["steps"]
    total_steps = done + steps
    train_rows, eval_rows = split_rows(data, recipe)
    eval_rows = eval_rows[: recipe["eval_max_examples"]]
    model = torch.nn.parallel.DistributedDataParallel(student, device_ids=[device.index] if use_cuda else None) if world > 1 else student
    params = [p for group in opt.param_groups for p in group["params"]]
    history, evals = [], []
    started = datetime.datetime.now(datetime.timezone.utc).isoformat()
    t_start = time.perf_counter()

    def log(msg):
        if rank == 0:
            print(msg, file=sys.stderr, flush=True)

    log(f"{type(student.model).__name__} on {device} × {world}; steps {done + 1}..{total_steps}; terms {', '.join(terms)}"
        f"{'; AdamW state from the handoff' if done else ''}")
    if rank == 0:
        evals.append({"step": done, "metrics": evaluate(student, data, eval_rows, recipe, device, terms)})
    stream = batches_of(train_rows, recipe["batch_size"], recipe["seed"] + done, rank, world)
    window_t0, window = time.perf_counter(), []
    eval_every = recipe["eval_every"]
    for step in range(done + 1, total_steps + 1):
        batch = make_batch(data, next(stream), recipe, device)
        lr = learning_rate(step, recipe, total_steps)
        for group in opt.param_groups:
            group["lr"] = lr
        logits, hidden = model(batch["input_ids"], batch["mask"], "cos" in terms)
        total, parts = objective(logits, hidden, batch, recipe, student.projection)
        opt.zero_grad(set_to_none=True)
        total.backward()
        clip = recipe["clip_norm"] if recipe["clip_norm"] > 0 else float("inf")
        norm = torch.nn.utils.clip_grad_norm_(params, clip)
        ok = torch.isfinite(norm) & torch.isfinite(total.detach())
        if world > 1:
            flag = ok.float()
            dist.all_reduce(flag, op=dist.ReduceOp.MIN)
            ok = flag > 0
        if bool(ok):  # a NaN/inf loss or gradient skips the update, as the engine does
            opt.step()
        window.append((step, lr, float(total.detach()), {n: float(v.detach()) for n, v in parts.items()}, float(norm), batch["tokens"] * world))
        if len(window) >= recipe["report_every"] or step == total_steps or (eval_every and step % eval_every == 0):
            ms = (time.perf_counter() - window_t0) * 1000 / len(window)
            for s, lr_s, tot, comps, gn, tokens in window:
                history.append({"step": s, "total": tot, **comps, "lr": lr_s, "grad_norm": gn, "ms_per_step": ms,
                                "tokens_per_s": tokens * 1000 / ms if ms > 0 else 0.0})
            log(f"step {step}/{total_steps}  loss {window[-1][2]:.4f}  lr {lr:.2e}  {ms:.1f} ms/step")
            window, window_t0 = [], time.perf_counter()
        if rank == 0 and ((eval_every and step % eval_every == 0) or step == total_steps):
            metrics = evaluate(student, data, eval_rows, recipe, device, terms)
            evals.append({"step": step, "metrics": metrics})
            log(f"eval @{step}: label_loyalty {metrics['label_loyalty']:.4f}  prob_loyalty {metrics['prob_loyalty']:.4f}  kl {metrics['kl']:.4f}")
            window_t0 = time.perf_counter()
    if rank == 0:
        write_out(args, handoff, student, opt, total_steps, data, history, evals, started, time.perf_counter() - t_start, device, world)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 0


def write_out(args, handoff, student, opt, step, data, history, evals, started, wall, device, world) -> None:
    """DIR: the model (save_pretrained), the tokenizer files, the projection, the AdamW state, report.json."""
    import transformers

    out = args.out
    os.makedirs(out, exist_ok=True)
    config = dict(handoff["config"], steps=step)
    student.model.config.steps_trained = step
    student.model.config.backend = "torch"
    student.model.save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab_map.json"):
        src = os.path.join(args.student, name)
        if os.path.exists(src):
            shutil.copy(src, os.path.join(out, name))
    if student.projection is not None:
        save_file({PROJECTION: student.projection.detach().cpu().contiguous()}, os.path.join(out, "hidden_projection.safetensors"), metadata={"format": "pt"})
    save_optimizer(opt, student, step, os.path.join(out, "optimizer.safetensors"))
    n_params = sum(p.numel() for p in student.model.parameters())
    report = {
        "tool": "distill-playground/train.py",
        "name": f"{handoff.get('name', 'handoff')} (PyTorch)",
        "started_at": started,
        "wall_seconds": wall,
        "data": {"file": os.path.basename(args.data), **handoff["data"]},
        "config": config,
        "backend": {"name": "torch", "reason": f"train.py on {device} × {world} (torch {torch.__version__}, transformers {transformers.__version__})", "skipped": []},
        "student": {"num_parameters": n_params, **student.model.config.to_diff_dict()},
        "history": history,
        "evals": evals,
        "initial_metrics": evals[0]["metrics"],
        "final_metrics": evals[-1]["metrics"],
        "continued_from": {"steps_done": handoff["schedule"]["steps_done"], "parity": handoff["parity"]["batches"][:1]},
    }
    with open(os.path.join(out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, default=float)
        f.write("\n")
    print(f"wrote {out}: model.safetensors, config.json, report.json ({wall:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

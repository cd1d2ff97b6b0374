"""The distillation objective and the loyalty metrics of Distill Playground, in PyTorch.

The same definitions as the engine (src/engine/losses/, src/engine/metrics/; docs/losses.md), term by term,
so a run handed off from the browser continues with the same loss, and `train.py --check-parity` can compare
the two. Works in any float dtype (float32 for training, float64 for audits). Shapes: P flattened positions
(B·L for token tasks, B for classification), V vocabulary (or C classes), K teacher top-k, D/H hidden widths.

    total = α_kd·T²·D(p_T ‖ q_T) + α_hard·CE(labels, q) + α_cos·(1 − cos(h_s W, h_t)) + α_mse·MSE(s, t)

each term a weighted mean over positions: Σ_p w_p ℓ_p / max(Σ_p w_p, 1).
"""
from __future__ import annotations

import math

import torch

LOG_PROB_FLOOR = -1e4  # log-probabilities floored here: 0·log 0 = 0 and finite gradients (log_math.ts)
TAIL_MASS_FLOOR = 1e-12  # smallest tail-bucket mass, either side (align.ts)
COSINE_EPS = 1e-8  # cos = <a, b> / sqrt(max(|a|²|b|², eps²)) (cosine.ts)
IGNORE_INDEX = -100
LOSS_NAMES = ("kd", "hard", "cos", "mse")


def weighted_mean(values: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Σ_p w_p x_p / max(Σ_p w_p, 1); positions with w = 0 contribute 0 even where x is NaN or ±inf."""
    w = weights.to(values.dtype)
    selected = torch.where(w > 0, values, torch.zeros_like(values))
    return (w * selected).sum() / w.sum().clamp_min(1)


def _floor(x: torch.Tensor) -> torch.Tensor:
    return x.clamp_min(LOG_PROB_FLOOR)


def kl_from_logs(log_a: torch.Tensor, log_b: torch.Tensor) -> torch.Tensor:
    """KL(a ‖ b) per row from log a, log b [P, M] → [P] nats, both floored at LOG_PROB_FLOOR."""
    a, b = _floor(log_a), _floor(log_b)
    return (a.exp() * (a - b)).sum(-1)


def log_mix(log_p: torch.Tensor, log_q: torch.Tensor, weight_p: float) -> torch.Tensor:
    """log(w·p + (1 − w)·q), logs floored first; w = 0 / 1 return log q / log p themselves."""
    if weight_p == 0:
        return log_q
    if weight_p == 1:
        return log_p
    return torch.logaddexp(_floor(log_p) + math.log(weight_p), _floor(log_q) + math.log1p(-weight_p))


def divergence(name: str, log_p: torch.Tensor, log_q: torch.Tensor, skew_alpha: float, jsd_beta: float) -> torch.Tensor:
    """D(p ‖ q) per position, p the teacher, q the student (losses/divergences/)."""
    if name == "kl":
        return kl_from_logs(log_p, log_q)
    if name == "rkl":
        return kl_from_logs(log_q, log_p)
    if name == "skew_kl":
        return kl_from_logs(log_p, log_mix(log_p, log_q, skew_alpha))
    if name == "skew_rkl":
        return kl_from_logs(log_q, log_mix(log_p, log_q, 1 - skew_alpha))
    if name == "jsd":
        log_m = log_mix(log_p, log_q, jsd_beta)
        return jsd_beta * kl_from_logs(log_p, log_m) + (1 - jsd_beta) * kl_from_logs(log_q, log_m)
    raise ValueError(f"unknown divergence {name!r}")


def _tail_logit(top: torch.Tensor, lse_all: torch.Tensor) -> torch.Tensor:
    """log Σ_{v ∉ top-k} exp(x_v) = lse_all + log(max(1 − exp(lse(top) − lse_all), TAIL_MASS_FLOOR))."""
    gap = torch.logsumexp(top, -1) - lse_all
    return lse_all + torch.log((-torch.expm1(gap)).clamp_min(TAIL_MASS_FLOOR))


def align(student_logits: torch.Tensor, teacher: dict, temperature: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(log p, log q) over a common support at temperature T (align.ts):
    dense teacher: V outcomes; top-k with logsumexp: the K ids + one tail bucket (bucket logits / T);
    top-k without logsumexp: the renormalised K ids."""
    t = temperature
    if teacher["kind"] == "dense":
        return torch.log_softmax(teacher["logits"] / t, -1), torch.log_softmax(student_logits / t, -1)
    student_top = student_logits.gather(1, teacher["ids"])  # [P, K]
    if teacher.get("logsumexp") is None:
        return torch.log_softmax(teacher["logits"] / t, -1), torch.log_softmax(student_top / t, -1)
    teacher_buckets = torch.cat([teacher["logits"], _tail_logit(teacher["logits"], teacher["logsumexp"])[:, None]], 1)
    student_buckets = torch.cat([student_top, _tail_logit(student_top, torch.logsumexp(student_logits, -1))[:, None]], 1)
    return torch.log_softmax(teacher_buckets / t, -1), torch.log_softmax(student_buckets / t, -1)


def kd_loss(student_logits, teacher, weights, recipe) -> torch.Tensor:
    """T² · Σ_p w_p D(p_T ‖ q_T) / max(Σ w, 1)."""
    t = recipe["temperature"]
    log_p, log_q = align(student_logits, teacher, t)
    per_position = divergence(recipe["divergence"], log_p, log_q, recipe["skew_alpha"], recipe["jsd_beta"])
    return weighted_mean(per_position, weights) * (t * t)


def hard_loss(student_logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy at T = 1 over labelled positions (labels ≠ −100), 0 when none is."""
    labelled = labels != IGNORE_INDEX
    safe = torch.where(labelled, labels, torch.zeros_like(labels))
    ce = torch.logsumexp(student_logits, -1) - student_logits.gather(1, safe[:, None])[:, 0]
    return weighted_mean(ce, labelled)


def cosine_loss(student_hidden, teacher_hidden, token_weights, projection=None) -> torch.Tensor:
    """Σ_p w_p (1 − cos(h_s,p W, h_t,p)) / max(Σ w, 1), over non-pad tokens."""
    a = student_hidden @ projection if projection is not None else student_hidden
    dot = (a * teacher_hidden).sum(-1)
    norms = (a * a).sum(-1) * (teacher_hidden * teacher_hidden).sum(-1)
    cos = dot * torch.rsqrt(norms.clamp_min(COSINE_EPS * COSINE_EPS))
    return weighted_mean(1 - cos, token_weights)


def mse_loss(student_logits, teacher, weights) -> torch.Tensor:
    """Dense: mean over V of (s − t)²; top-k: mean over the K gathered logits; then the weighted mean."""
    student = student_logits if teacher["kind"] == "dense" else student_logits.gather(1, teacher["ids"])
    return weighted_mean(((student - teacher["logits"]) ** 2).mean(-1), weights)


def active_terms(recipe: dict, has_labels: bool, has_hidden: bool) -> list[str]:
    """The components a recipe computes: α > 0 and the data to compute it (train/objective.ts)."""
    terms = []
    if recipe["alpha_kd"] > 0:
        terms.append("kd")
    if recipe["alpha_hard"] > 0 and has_labels:
        terms.append("hard")
    if recipe["alpha_cos"] > 0 and has_hidden:
        terms.append("cos")
    if recipe["alpha_mse"] > 0:
        terms.append("mse")
    return terms


def objective(student_logits, student_hidden, batch: dict, recipe: dict, projection=None) -> tuple[torch.Tensor, dict]:
    """(total, {name: unweighted component}) for one batch; `batch` holds teacher, weights, labels,
    token_weights, teacher_hidden (the last two only for the cosine term)."""
    terms = active_terms(recipe, batch.get("labels") is not None, batch.get("teacher_hidden") is not None)
    parts = {}
    if "kd" in terms:
        parts["kd"] = kd_loss(student_logits, batch["teacher"], batch["weights"], recipe)
    if "hard" in terms:
        parts["hard"] = hard_loss(student_logits, batch["labels"])
    if "cos" in terms:
        parts["cos"] = cosine_loss(student_hidden, batch["teacher_hidden"], batch["token_weights"], projection)
    if "mse" in terms:
        parts["mse"] = mse_loss(student_logits, batch["teacher"], batch["weights"])
    total = sum((recipe[f"alpha_{name}"] * value for name, value in parts.items()), student_logits.new_zeros(()))
    return total, parts


@torch.no_grad()
def position_metrics(student_logits: torch.Tensor, teacher: dict, labels=None) -> dict:
    """Per-position metrics at T = 1 on the KD support (metrics/position.ts): agree (argmax student = argmax
    teacher), prob_loyalty (1 − √JS in bits), kl (nats), and with labels teacher_correct / student_correct."""
    log_p, log_q = align(student_logits, teacher, 1.0)
    student_top = student_logits.argmax(-1)
    if teacher["kind"] == "dense":
        teacher_top = teacher["logits"].argmax(-1)
    else:
        teacher_top = teacher["ids"].gather(1, teacher["logits"].argmax(-1, keepdim=True))[:, 0]
    js_bits = divergence("jsd", log_p, log_q, 0.0, 0.5) / math.log(2)
    out = {
        "agree": (student_top == teacher_top).to(log_p.dtype),
        "prob_loyalty": 1 - js_bits.clamp(0, 1).sqrt(),
        "kl": kl_from_logs(log_p, log_q),
    }
    if labels is not None:
        out["labelled"] = (labels != IGNORE_INDEX).to(log_p.dtype)
        out["teacher_correct"] = (teacher_top == labels).to(log_p.dtype)
        out["student_correct"] = (student_top == labels).to(log_p.dtype)
    return out


def learning_rate(step: int, recipe: dict, total_steps: int) -> float:
    """lr for 1-based step (optim/schedule.ts): linear warm-up to lr, then constant / linear / cosine decay that
    would reach min_lr_ratio·lr one step after total_steps."""
    lr, warmup = recipe["lr"], recipe["warmup_steps"]
    if warmup > 0 and step <= warmup:
        return lr * step / warmup
    if recipe["schedule"] == "constant":
        return lr
    decay_steps = max(1, total_steps - warmup)
    progress = min(1.0, max(0.0, (step - 1 - warmup) / decay_steps))
    floor = lr * recipe["min_lr_ratio"]
    shape = 0.5 * (1 + math.cos(math.pi * progress)) if recipe["schedule"] == "cosine" else 1 - progress
    return floor + (lr - floor) * shape

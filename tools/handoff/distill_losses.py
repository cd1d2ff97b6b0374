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
TAIL_MASS_FLOOR = 1e-12  # smallest tempered tail-bucket mass, either side, applied after tempering (align.ts)
LOG_ZERO = -1e30  # stand-in for log 0 of an empty tail (teacher_tail.ts, head/chunks.ts BIG)
COSINE_EPS = 1e-12  # torch CosineEmbeddingLoss: cos = <a, b> / sqrt((|a|² + eps)(|b|² + eps)) (cosine.ts)
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
    """D(p ‖ q) per position, p the teacher, q the student (losses/divergences/). jsd: β = 0 is forward KL and
    β = 1 reverse KL (TRL's generalized_jsd_loss endpoints), the mixture formula in between."""
    if name == "kl":
        return kl_from_logs(log_p, log_q)
    if name == "rkl":
        return kl_from_logs(log_q, log_p)
    if name == "skew_kl":
        return kl_from_logs(log_p, log_mix(log_p, log_q, skew_alpha))
    if name == "skew_rkl":
        return kl_from_logs(log_q, log_mix(log_p, log_q, 1 - skew_alpha))
    if name == "jsd":
        if not 0 <= jsd_beta <= 1:
            raise ValueError(f"jsd_beta must be in [0, 1], got {jsd_beta}")
        if jsd_beta == 0:
            return kl_from_logs(log_p, log_q)
        if jsd_beta == 1:
            return kl_from_logs(log_q, log_p)
        log_m = log_mix(log_p, log_q, jsd_beta)
        return jsd_beta * kl_from_logs(log_p, log_m) + (1 - jsd_beta) * kl_from_logs(log_q, log_m)
    raise ValueError(f"unknown divergence {name!r}")


def log1mexp(x: torch.Tensor) -> torch.Tensor:
    """log(1 − eˣ) for x < 0: log(−expm1(x)) above −ln 2, log1p(−eˣ) below (Mächler 2012); −∞ at x = 0."""
    return torch.where(x > -math.log(2), torch.log(-torch.expm1(x)), torch.log1p(-torch.exp(x)))


def teacher_tail(top_logits: torch.Tensor, logsumexp: torch.Tensor) -> torch.Tensor:
    """The teacher's log Σ_{v ∉ top-k} exp(z_v) = lse + log1mexp(lse_K − lse), from the file's numbers in float64
    (teacher_tail.ts), LOG_ZERO where the lse is not above the top-k's (K = V, or below the data's resolution);
    returned in the logits' dtype."""
    z, lse = top_logits.double(), logsumexp.double()
    gap = torch.logsumexp(z, -1) - lse
    tail = lse + log1mexp(torch.where(gap < 0, gap, torch.full_like(gap, -1.0)))
    return torch.where(gap < 0, tail.clamp_min(LOG_ZERO), torch.full_like(tail, LOG_ZERO)).to(top_logits.dtype)


def student_tail(student_logits: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """log Σ_{v ∉ ids} exp(s_v), summed from the logits outside the ids (head/gathered.ts), LOG_ZERO when empty."""
    masked = student_logits.scatter(1, ids, float("-inf"))
    return torch.logsumexp(masked, -1).clamp_min(LOG_ZERO)


def align(student_logits: torch.Tensor, teacher: dict, temperature: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(log p, log q) over a common support at temperature T (align.ts):
    dense teacher: V outcomes; top-k with logsumexp: the K ids + one tail bucket, log_softmax(bucket logits / T),
    each side's tail bucket then floored at log TAIL_MASS_FLOOR; top-k without logsumexp: the renormalised K ids.
    `teacher["tail"]` (teacher_tail of the top-k logits and logsumexp) is used when given, else computed."""
    t = temperature
    if teacher["kind"] == "dense":
        return torch.log_softmax(teacher["logits"] / t, -1), torch.log_softmax(student_logits / t, -1)
    student_top = student_logits.gather(1, teacher["ids"])  # [P, K]
    if teacher.get("logsumexp") is None and teacher.get("tail") is None:
        return torch.log_softmax(teacher["logits"] / t, -1), torch.log_softmax(student_top / t, -1)
    t_tail = teacher.get("tail")
    if t_tail is None:
        t_tail = teacher_tail(teacher["logits"], teacher["logsumexp"])
    floor = math.log(TAIL_MASS_FLOOR)

    def buckets(top: torch.Tensor, tail: torch.Tensor) -> torch.Tensor:
        log_b = torch.log_softmax(torch.cat([top, tail[:, None]], 1) / t, -1)
        return torch.cat([log_b[:, :-1], log_b[:, -1:].clamp_min(floor)], 1)

    return buckets(teacher["logits"], t_tail), buckets(student_top, student_tail(student_logits, teacher["ids"]))


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
    # torch's value, overflow-safe in the teacher: t' = t / max|t|, ‖t‖² + eps = m²(‖t'‖² + eps / m²) (cosine.ts)
    m = teacher_hidden.abs().amax(-1).clamp_min(1e-30)
    t = teacher_hidden / m[:, None]
    dot = (a * t).sum(-1)
    norms = ((a * a).sum(-1) + COSINE_EPS) * ((t * t).sum(-1) + COSINE_EPS / (m * m))
    cos = dot * torch.rsqrt(norms)
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

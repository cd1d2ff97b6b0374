#!/usr/bin/env python3
"""Export a teacher's soft targets as a distillation set (.safetensors, .npz or .jsonl) for Distill Playground.

    /usr/bin/python3 tools/export_teacher.py MODEL INPUT OUT [--task mlm|clm|classification] [--max-length 64]
        [--topk 32 | --dense] [--hidden] [--dtype f32|f16|bf16] [--eval-fraction 0.1] [--seed 0]

MODEL is a Hugging Face model name or local path (needs `transformers`, imported only here); INPUT is a text
file (one example per line) or JSONL with `text` and optional `lang`, `label` (classification), `split`.
The core, `export_distill_set`, takes any `model_fn(input_ids, attention_mask) -> (logits, hidden | None)`
so a plain PyTorch module (or numpy function) can be exported without transformers.

Output tensors (the file contract): input_ids int32 [N, L]; attention_mask uint8 [N, L]; labels int32 [N, L]
(-100 = no label; clm: already shifted, labels[n, t] = input_ids[n, t + 1]) or [N] (classification); then either
teacher_logits [N, L, V] / [N, C] or teacher_topk_ids int32 [N, L, K] + teacher_topk_logits [N, L, K] +
teacher_logsumexp [N, L] (logsumexp over the full vocabulary); optionally teacher_hidden [N, L, H].
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from distill_format import BF16, cast_float, write_distill_file  # noqa: E402
from masking import IGNORE_INDEX, mask_tokens  # noqa: E402

FORMAT_VERSION = "1"
TASKS = ("mlm", "clm", "classification")
DTYPES = ("f32", "f16", "bf16")

# model_fn(input_ids int64 [B, L], attention_mask int64 [B, L]) -> (logits [B, L, V] or [B, C], hidden [B, L, H] | None)
ModelFn = Callable[[np.ndarray, np.ndarray], tuple]


@dataclass
class EncodedSet:
    """What the teacher sees. For mlm `input_ids` is already corrupted and `labels` holds the originals."""
    input_ids: np.ndarray  # int [N, L]
    attention_mask: np.ndarray  # [N, L], nonzero = real token
    labels: np.ndarray | None = None  # int [N, L] (token tasks) or [N] (classification)
    langs: Sequence[str] | None = None  # one tag per example
    split: Sequence[str] | None = None  # "train" | "eval" per example


def clm_labels(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """labels[n, t] = input_ids[n, t + 1] where that next token is real; -100 at the last position and padding."""
    labels = np.full(input_ids.shape, IGNORE_INDEX, dtype=np.int64)
    nxt_real = (attention_mask[:, 1:] != 0) & (attention_mask[:, :-1] != 0)
    labels[:, :-1] = np.where(nxt_real, input_ids[:, 1:], IGNORE_INDEX)
    return labels


def seeded_split(n: int, eval_fraction: float, seed: int) -> list[str]:
    """round(n * eval_fraction) examples, chosen by a seeded permutation, are "eval"; the rest "train"."""
    n_eval = int(round(n * eval_fraction))
    order = np.random.default_rng(seed + 7919).permutation(n)  # offset: independent of the masking stream
    split = np.array(["train"] * n, dtype=object)
    split[order[:n_eval]] = "eval"
    return [str(s) for s in split]


def _to_numpy(x) -> np.ndarray | None:
    if x is None:
        return None
    if hasattr(x, "detach"):  # torch.Tensor, without importing torch here
        x = x.detach()
        if str(x.dtype) in ("torch.bfloat16", "torch.float16"):
            x = x.float()
        return x.cpu().numpy()
    return np.asarray(x)


def _logsumexp(logits: np.ndarray) -> np.ndarray:
    """log Σ exp over the last axis, in float64 for a stable reference value."""
    x = logits.astype(np.float64)
    m = x.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return (np.log(np.exp(x - m).sum(axis=-1)) + m[..., 0]).astype(np.float32)


def _topk(logits: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids int32 [..., K], logits float32 [..., K]) sorted by descending logit, ties by lower id."""
    part = np.argpartition(-logits, k - 1, axis=-1)[..., :k]
    vals = np.take_along_axis(logits, part, axis=-1)
    order = np.lexsort((part, -vals), axis=-1)
    ids = np.take_along_axis(part, order, axis=-1)
    return ids.astype(np.int32), np.take_along_axis(vals, order, axis=-1).astype(np.float32)


class _Progress:
    """A one-line progress bar on stderr (silent when disabled)."""

    def __init__(self, total: int, enabled: bool, label: str = "teacher"):
        self.total, self.enabled, self.label, self.t0 = total, enabled, label, time.perf_counter()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(self.total, 1))
        el = time.perf_counter() - self.t0
        eta = el / done * (self.total - done) if done else 0.0
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} "
                         f"{el:.0f}s eta {eta:.0f}s")
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def export_distill_set(
    model_fn: ModelFn,
    data: EncodedSet,
    *,
    task: str,
    out_path: str,
    vocab: Sequence[str] | None,
    pad_id: int,
    mask_id: int | None = None,
    label_names: Sequence[str] | None = None,
    teacher_name: str = "unknown",
    teacher_params: int | None = None,
    topk: int | None = 32,  # None = dense logits; classification is always dense
    hidden: bool = False,
    dtype: str = "f32",
    topk_logprobs: bool = False,  # store log-softmax values and logsumexp 0 (exact same distribution; see below)
    batch_size: int = 32,
    progress: bool = True,
    extra_metadata: dict[str, str] | None = None,
) -> dict[str, str]:
    """Runs the teacher over `data` in batches and writes the distillation set to out_path (container by
    extension). Returns the metadata map written into the file."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
    ids = np.asarray(data.input_ids)
    attn = (np.asarray(data.attention_mask) != 0).astype(np.uint8)
    n, seq_len = ids.shape
    if task == "classification":
        topk = None
    if topk is not None and topk < 1:
        raise ValueError("topk must be >= 1 (or None for dense logits)")
    for name, seq in (("langs", data.langs), ("split", data.split)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries for {n} examples")

    width = None
    out_logits, out_ids, out_vals, out_lse, out_hidden = [], [], [], [], []
    bar = _Progress(n, progress)
    model_seconds = 0.0
    for start in range(0, n, batch_size):
        b_ids = ids[start:start + batch_size].astype(np.int64)
        b_attn = attn[start:start + batch_size].astype(np.int64)
        t0 = time.perf_counter()
        logits, hid = model_fn(b_ids, b_attn)
        logits = _to_numpy(logits).astype(np.float32)
        hid = _to_numpy(hid)
        model_seconds += time.perf_counter() - t0
        expect = (len(b_ids),) if task == "classification" else (len(b_ids), seq_len)
        if logits.shape[:-1] != expect:
            raise ValueError(f"model_fn logits have shape {logits.shape}, expected {expect} + (width,)")
        width = logits.shape[-1]
        if topk is None:
            out_logits.append(cast_float(logits, dtype))
        else:
            k = min(topk, width)
            top_ids, top_vals = _topk(logits, k)
            lse = _logsumexp(logits)
            if topk_logprobs:
                # log p = logit - logsumexp is <= 0 and near 0 for likely tokens, where float16 / bfloat16 are
                # precise, so the stored top-k mass stays <= 1; with logsumexp = 0 the file means the same.
                top_vals, lse = top_vals - lse[..., None], np.zeros_like(lse)
            out_ids.append(top_ids)
            out_vals.append(top_vals)
            out_lse.append(lse)
        if hidden:
            if hid is None:
                raise ValueError("--hidden asked for, but model_fn returned no hidden states")
            out_hidden.append(np.asarray(hid, dtype=np.float32))
        bar.update(min(start + batch_size, n))

    tensors: dict = {"input_ids": ids.astype(np.int32), "attention_mask": attn}
    if data.labels is not None:
        tensors["labels"] = np.asarray(data.labels).astype(np.int32)
    if topk is None:
        tensors["teacher_logits"] = _concat_cast(out_logits, dtype)
    else:
        tensors["teacher_topk_ids"] = np.concatenate(out_ids)
        tensors["teacher_topk_logits"] = cast_float(np.concatenate(out_vals), dtype)
        tensors["teacher_logsumexp"] = cast_float(np.concatenate(out_lse), dtype)
    if hidden:
        tensors["teacher_hidden"] = cast_float(np.concatenate(out_hidden), dtype)

    vocab_size = len(vocab) if vocab is not None else (width if task != "classification" else int(ids.max()) + 1)
    meta: dict[str, str] = {
        "format_version": FORMAT_VERSION,
        "task": task,
        "vocab_size": str(vocab_size),
        "pad_id": str(int(pad_id)),
        "teacher_name": teacher_name,
        "teacher_ms_per_example": f"{1000 * model_seconds / max(n, 1):.4f}",
        "split": json.dumps(list(data.split) if data.split is not None else ["train"] * n),
    }
    if mask_id is not None:
        meta["mask_id"] = str(int(mask_id))
    if vocab is not None:
        meta["vocab"] = json.dumps(list(vocab), ensure_ascii=False)
    if label_names is not None:
        meta["label_names"] = json.dumps(list(label_names), ensure_ascii=False)
    if teacher_params is not None:
        meta["teacher_params"] = str(int(teacher_params))
    if data.langs is not None:
        meta["langs"] = json.dumps(list(data.langs), ensure_ascii=False)
    if task != "classification" and topk is None and width != vocab_size:
        raise ValueError(f"teacher logits have width {width} but the vocabulary has {vocab_size} entries")
    meta.update(extra_metadata or {})
    write_distill_file(out_path, tensors, meta)
    return meta


def _concat_cast(parts, dtype):
    if dtype == "bf16":
        return BF16(np.concatenate([p.bits for p in parts]))
    return np.concatenate(parts)


# ----------------------------------------------------------------------------------------------------------
# Input reading and tokenisation (any tokenizer with the Hugging Face __call__ / pad_token_id interface).

def read_inputs(path: str) -> list[dict]:
    """Examples as dicts with `text` and optional `lang`, `label`, `split`: JSONL if the path ends in .jsonl/.json
    or every non-empty line parses as a JSON object, else one example per non-empty line."""
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    as_json = path.endswith((".jsonl", ".json")) or (lines and all(l.lstrip().startswith("{") for l in lines))
    if not as_json:
        return [{"text": l} for l in lines]
    rows = [json.loads(l) for l in lines]
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or not isinstance(r.get("text"), str):
            raise ValueError(f"{path}:{i + 1}: each JSONL line needs a string field 'text'")
    return rows


def encode_examples(rows: list[dict], tokenizer, *, task: str, max_length: int, seed: int, eval_fraction: float,
                    mask_id: int | None, vocab_size: int, special_ids: set[int], label_to_id: dict | None = None,
                    mlm_probability: float = 0.15) -> EncodedSet:
    """Tokenises with padding/truncation to max_length, then builds labels for the task."""
    enc = tokenizer([r["text"] for r in rows], padding="max_length", truncation=True, max_length=max_length,
                    return_tensors="np")
    ids = np.asarray(enc["input_ids"]).astype(np.int64)
    attn = np.asarray(enc["attention_mask"]).astype(np.uint8)
    if task == "mlm":
        if mask_id is None:
            raise ValueError("mlm needs a tokenizer with a mask token")
        ids, labels = mask_tokens(ids, attn, mask_id=mask_id, vocab_size=vocab_size, special_ids=special_ids,
                                  rng=np.random.default_rng(seed), mlm_probability=mlm_probability)
    elif task == "clm":
        labels = clm_labels(ids, attn)
    else:
        labels = None
        if any("label" in r for r in rows):
            if not all("label" in r for r in rows):
                raise ValueError("classification: either every example has a 'label' or none does")
            labels = np.array([_label_id(r["label"], label_to_id) for r in rows], dtype=np.int64)
    langs = [str(r.get("lang", "")) for r in rows] if any("lang" in r for r in rows) else None
    if any("split" in r for r in rows):
        split = [str(r.get("split", "train")) for r in rows]
    else:
        split = seeded_split(len(rows), eval_fraction, seed)
    return EncodedSet(ids, attn, labels, langs, split)


def _label_id(label, label_to_id):
    if isinstance(label, (int, np.integer)):
        return int(label)
    if label_to_id and label in label_to_id:
        return int(label_to_id[label])
    if isinstance(label, str) and label.lstrip("-").isdigit():
        return int(label)
    raise ValueError(f"unknown label {label!r}; known: {sorted(label_to_id or {})}")


# ----------------------------------------------------------------------------------------------------------
# Hugging Face teachers (transformers imported lazily, only on this path).

_AUTO_CLASSES = {"mlm": "AutoModelForMaskedLM", "clm": "AutoModelForCausalLM",
                 "classification": "AutoModelForSequenceClassification"}
MODEL_DTYPES = ("float32", "float16", "bfloat16", "auto")
# Families whose learned positions start after the padding index (RoBERTa's offset: position = pad_id + 1 + t).
_PADDING_OFFSET_POSITIONS = ("roberta", "xlm-roberta", "camembert", "longformer", "xlm-roberta-xl", "data2vec-text")
HF_HINT = ("the Hugging Face path needs transformers (and torch): python3 -m venv .venv-hf && "
           ".venv-hf/bin/pip install torch transformers tokenizers safetensors, then run this script with "
           ".venv-hf/bin/python")


class ExportError(Exception):
    """A refusal with one line for the person running the exporter (printed as `error: …`, exit 2)."""


def import_transformers():
    """(torch, transformers), or one ExportError line saying how to get them."""
    try:
        import torch
        import transformers
    except ImportError as err:
        raise ExportError(f"{err.name} is not installed: {HF_HINT}") from None
    return torch, transformers


def position_limit(config) -> int | None:
    """The longest input the model's position embeddings allow (None when it has none, e.g. rotary)."""
    limit = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    if limit is None:
        return None
    if getattr(config, "model_type", "") in _PADDING_OFFSET_POSITIONS:
        limit -= int(getattr(config, "pad_token_id", 1) or 0) + 1
    return int(limit)


def check_task(config, task: str, transformers) -> None:
    """Refuses a task the architecture cannot do, in one line, before any weight is loaded."""
    from transformers.models.auto import modeling_auto as auto

    model_type = getattr(config, "model_type", "?")
    mapping = {"mlm": auto.MODEL_FOR_MASKED_LM_MAPPING_NAMES, "clm": auto.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
               "classification": auto.MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES}[task]
    if model_type not in mapping:
        raise ExportError(f"--task {task}: transformers has no {_AUTO_CLASSES[task]} for model_type {model_type}")
    # Encoder families (BERT, RoBERTa, …) also register a causal-LM head, which is only causal when the config
    # says is_decoder; as an encoder it would see the tokens it is meant to predict.
    if task == "clm" and model_type in auto.MODEL_FOR_MASKED_LM_MAPPING_NAMES and not getattr(config, "is_decoder", False):
        raise ExportError(f"--task clm: {model_type} is a bidirectional (non-causal) model; its teacher would see "
                          "the next token. Use a causal LM (GPT-2, Llama, …) or --task mlm")


def tokenizer_metadata(tokenizer) -> dict[str, str]:
    """The fast tokenizer's tokenizer.json and tokenizer_config.json (with its special tokens), as metadata
    strings, so the student directory gets a tokenizer AutoTokenizer loads. Empty for a slow-only tokenizer."""
    import tempfile

    if not getattr(tokenizer, "is_fast", False):
        print("warning: the tokenizer is not a fast tokenizer: the student directory will have no tokenizer files",
              file=sys.stderr)
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer.save_pretrained(tmp)
        files = {name: os.path.join(tmp, name) for name in os.listdir(tmp)}
        if "tokenizer.json" not in files:
            return {}
        with open(files["tokenizer.json"], encoding="utf-8") as f:
            tokenizer_json = f.read()
        config = {}
        if "tokenizer_config.json" in files:
            with open(files["tokenizer_config.json"], encoding="utf-8") as f:
                config = json.load(f)
        if "special_tokens_map.json" in files:  # transformers 4.x keeps the special tokens apart
            with open(files["special_tokens_map.json"], encoding="utf-8") as f:
                for key, value in json.load(f).items():
                    config.setdefault(key, value)
    for key in ("is_local", "local_files_only", "name_or_path", "_commit_hash"):  # where it was loaded from, not what it is
        config.pop(key, None)
    config.setdefault("tokenizer_class", type(tokenizer).__name__)
    return {"tokenizer_json": tokenizer_json, "tokenizer_config": json.dumps(config, ensure_ascii=False)}


def load_hf_teacher(name: str, task: str, *, hidden: bool, device: str = "cpu", model_dtype: str = "float32",
                    trust_remote_code: bool = False, max_length: int | None = None, quiet: bool = False):
    """(model_fn, tokenizer, info) for a Hugging Face model name or path; info has vocab, pad_id, mask_id,
    bos_id, eos_id, special_ids, vocab_size, real_vocab_size, label_names, label_to_id, teacher_params and the
    tokenizer metadata. The model is loaded in float32 unless `model_dtype` says otherwise (transformers 5 loads
    a checkpoint in its stored half dtype by default, which flips argmaxes)."""
    torch, transformers = import_transformers()
    if quiet:
        transformers.logging.disable_progress_bar()
    if model_dtype not in MODEL_DTYPES:
        raise ExportError(f"--model-dtype must be one of {', '.join(MODEL_DTYPES)}, found {model_dtype!r}")
    try:
        config = transformers.AutoConfig.from_pretrained(name, trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as err:  # no such model / directory, or a model_type this transformers lacks
        raise ExportError(f"cannot load {name}: {str(err).strip().splitlines()[0]}") from None
    check_task(config, task, transformers)
    limit = position_limit(config)
    if max_length is not None and limit is not None and max_length > limit:
        raise ExportError(f"--max-length {max_length} exceeds the model's {limit} positions "
                          f"(max_position_embeddings of {getattr(config, 'model_type', name)})")
    tokenizer = transformers.AutoTokenizer.from_pretrained(name, trust_remote_code=trust_remote_code)
    dtype = model_dtype if model_dtype == "auto" else getattr(torch, model_dtype)
    cls = getattr(transformers, _AUTO_CLASSES[task])
    try:
        model = cls.from_pretrained(name, dtype=dtype, trust_remote_code=trust_remote_code)
    except TypeError:  # transformers < 4.56 names the argument torch_dtype
        model = cls.from_pretrained(name, torch_dtype=dtype, trust_remote_code=trust_remote_code)
    model.eval().to(device)
    if tokenizer.pad_token_id is None:  # GPT-style tokenizers: pad with EOS; attention_mask keeps it out
        tokenizer.pad_token = tokenizer.eos_token
    if tokenizer.pad_token_id is None:
        raise ExportError("the tokenizer has neither a pad token nor an eos token to pad with")
    if task == "clm":
        tokenizer.padding_side = "right"  # labels are aligned assuming right padding
    real_vocab = len(tokenizer)
    vocab_size = int(getattr(model.config, "vocab_size", real_vocab)) if task != "classification" else real_vocab
    vocab = tokenizer.convert_ids_to_tokens(list(range(min(real_vocab, vocab_size))))
    vocab = [str(t) for t in vocab] + [f"<extra_{i}>" for i in range(len(vocab), vocab_size)]
    label_names = None
    label_to_id = None
    if task == "classification":
        id2label = getattr(model.config, "id2label", None) or {}
        label_names = [str(id2label.get(i, id2label.get(str(i), i))) for i in range(model.config.num_labels)]
        label_to_id = {n: i for i, n in enumerate(label_names)}

    @torch.no_grad()
    def model_fn(input_ids, attention_mask):
        out = model(input_ids=torch.as_tensor(input_ids, device=device),
                    attention_mask=torch.as_tensor(attention_mask, device=device), output_hidden_states=hidden)
        hid = out.hidden_states[-1] if hidden else None
        return out.logits, hid

    def token_id(attr):
        value = getattr(tokenizer, attr, None)
        return int(value) if value is not None else None

    info = {
        "vocab": vocab, "vocab_size": vocab_size, "real_vocab_size": min(real_vocab, vocab_size),
        "pad_id": int(tokenizer.pad_token_id), "mask_id": token_id("mask_token_id"),
        "bos_id": token_id("bos_token_id") if token_id("bos_token_id") is not None else token_id("cls_token_id"),
        "eos_id": token_id("eos_token_id") if token_id("eos_token_id") is not None else token_id("sep_token_id"),
        "special_ids": set(int(i) for i in getattr(tokenizer, "all_special_ids", []) or []),
        "label_names": label_names, "label_to_id": label_to_id,
        "teacher_params": int(sum(p.numel() for p in model.parameters())),
        "tokenizer_metadata": tokenizer_metadata(tokenizer),
    }
    return model_fn, tokenizer, info


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="Hugging Face model name or local path")
    p.add_argument("input", help="text file (one example per line) or JSONL with text[, lang, label, split]")
    p.add_argument("output", help="out path ending in .safetensors, .npz or .jsonl (small sets)")
    p.add_argument("--task", choices=TASKS, default="mlm")
    p.add_argument("--max-length", type=int, default=64, help="positions L: pad/truncate every example to this")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--topk", type=int, default=32, help="keep the K largest logits per position + logsumexp")
    g.add_argument("--dense", action="store_true", help="write the full logits [N, L, V] instead of top-k")
    p.add_argument("--hidden", action="store_true", help="also write the last hidden states [N, L, H]")
    p.add_argument("--dtype", choices=DTYPES, default="f32", help="storage type of teacher floats")
    p.add_argument("--logprobs", action="store_true",
                   help="top-k: store log-probabilities with teacher_logsumexp = 0 (the same distribution; keeps the "
                        "top-k mass <= 1 under f16/bf16 rounding, where raw logits ~10-20 lose ~0.5%%)")
    p.add_argument("--eval-fraction", type=float, default=0.1, help="share of examples marked split=eval")
    p.add_argument("--mlm-probability", type=float, default=0.15)
    p.add_argument("--seed", type=int, default=0, help="masking and split seed")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", default="cpu")
    p.add_argument("--model-dtype", choices=MODEL_DTYPES, default="float32",
                   help="dtype the teacher computes in (default float32; auto = the checkpoint's own, e.g. float16)")
    p.add_argument("--trust-remote-code", action="store_true",
                   help="let transformers run the model repository's own code (passed to from_pretrained)")
    p.add_argument("--limit", type=int, default=None, help="use only the first N examples")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        return _run(args)
    except ExportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _run(args) -> int:
    if args.dtype == "bf16" and args.output.endswith(".npz"):
        raise ExportError("bf16 needs a .safetensors output (numpy, hence .npz, has no bfloat16)")
    rows = read_inputs(args.input)[: args.limit]
    model_fn, tokenizer, info = load_hf_teacher(args.model, args.task, hidden=args.hidden, device=args.device,
                                                model_dtype=args.model_dtype, trust_remote_code=args.trust_remote_code,
                                                max_length=args.max_length, quiet=args.quiet)
    # random MLM replacements come from the tokenizer's real tokens, never the padded rows of the embedding
    data = encode_examples(rows, tokenizer, task=args.task, max_length=args.max_length, seed=args.seed,
                           eval_fraction=args.eval_fraction, mask_id=info["mask_id"],
                           vocab_size=info["real_vocab_size"], special_ids=info["special_ids"],
                           label_to_id=info["label_to_id"], mlm_probability=args.mlm_probability)
    extra = dict(info["tokenizer_metadata"])
    for key in ("bos_id", "eos_id"):
        if info[key] is not None and info[key] < info["vocab_size"]:
            extra[key] = str(info[key])
    meta = export_distill_set(
        model_fn, data, task=args.task, out_path=args.output, vocab=info["vocab"], pad_id=info["pad_id"],
        mask_id=info["mask_id"] if args.task == "mlm" else None, label_names=info["label_names"],
        teacher_name=args.model, teacher_params=info["teacher_params"], topk=None if args.dense else args.topk,
        hidden=args.hidden, dtype=args.dtype, topk_logprobs=args.logprobs, batch_size=args.batch_size,
        progress=not args.quiet, extra_metadata=extra)
    print(f"wrote {args.output}: {len(rows)} examples, task {args.task}, "
          f"{meta['teacher_ms_per_example']} ms/example", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

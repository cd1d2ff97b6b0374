"""Tiny deterministic PyTorch teachers and a character tokenizer, for the exporter's tests and fixtures."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn


class TinyTokenTeacher(nn.Module):
    """Embedding -> one causal-or-not mixing layer -> logits (B, L, V); returns (logits, hidden)."""

    def __init__(self, vocab_size: int = 40, hidden: int = 8, causal: bool = False, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.causal = causal
        self.emb = nn.Embedding(vocab_size, hidden)
        self.mix = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, vocab_size)
        with torch.no_grad():
            self.out.weight.mul_(20.0)  # spread the logits so top-k and logsumexp are not trivial

    @torch.no_grad()
    def forward(self, input_ids, attention_mask):
        ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long)
        m = torch.as_tensor(np.asarray(attention_mask), dtype=torch.float32)[..., None]  # (B, L, 1)
        x = self.emb(ids) * m
        ctx = x.cumsum(1) / m.cumsum(1).clamp(min=1) if self.causal else (x.sum(1, keepdim=True) / m.sum(1, keepdim=True).clamp(min=1))
        h = torch.tanh(self.mix(x + ctx))  # (B, L, H)
        return self.out(h), h


class TinyClassifier(nn.Module):
    """Mean-pooled embedding -> C class logits; hidden (B, L, H)."""

    def __init__(self, vocab_size: int = 40, hidden: int = 8, num_classes: int = 3, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.emb = nn.Embedding(vocab_size, hidden)
        self.head = nn.Linear(hidden, num_classes)

    @torch.no_grad()
    def forward(self, input_ids, attention_mask):
        ids = torch.as_tensor(np.asarray(input_ids), dtype=torch.long)
        m = torch.as_tensor(np.asarray(attention_mask), dtype=torch.float32)[..., None]
        h = self.emb(ids) * m
        pooled = h.sum(1) / m.sum(1).clamp(min=1)
        return self.head(pooled) * 5.0, h


class CharTokenizer:
    """Hugging Face-shaped tokenizer over a fixed alphabet: [PAD]=0, [UNK]=1, [MASK]=2, [CLS]=3, then chars."""

    special = ["[PAD]", "[UNK]", "[MASK]", "[CLS]"]

    def __init__(self, alphabet: str = "abcdefghijklmnopqrstuvwxyzäöüéçñ .,-"):
        self.vocab = self.special + list(alphabet)
        self.index = {t: i for i, t in enumerate(self.vocab)}
        self.pad_token_id, self.unk_token_id, self.mask_token_id, self.cls_token_id = 0, 1, 2, 3
        self.all_special_ids = [0, 1, 2, 3]

    def __len__(self):
        return len(self.vocab)

    def convert_ids_to_tokens(self, ids):
        return [self.vocab[i] for i in ids]

    def __call__(self, texts, padding="max_length", truncation=True, max_length=16, return_tensors="np"):
        ids = np.zeros((len(texts), max_length), dtype=np.int64)
        mask = np.zeros((len(texts), max_length), dtype=np.int64)
        for row, text in enumerate(texts):
            toks = [self.cls_token_id] + [self.index.get(c, self.unk_token_id) for c in text.lower()]
            toks = toks[:max_length] if truncation else toks
            ids[row, :len(toks)] = toks
            mask[row, :len(toks)] = 1
        return {"input_ids": ids, "attention_mask": mask}

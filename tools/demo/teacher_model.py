"""A small pre-LayerNorm transformer encoder for masked-language modelling (BERT-shaped, nanoGPT-sized).

Written out by hand instead of nn.TransformerEncoder so that padded positions keep ordinary values in eval mode
(the fused fast path returns zeros there) and the hidden states we export are exactly what the head sees.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class TeacherConfig:
    vocab_size: int = 4000
    max_len: int = 64  # positions L
    d_model: int = 128  # hidden size H (also the size of the exported teacher_hidden)
    n_layers: int = 4
    n_heads: int = 4
    d_ff: int = 512  # feed-forward inner size, 4 * d_model
    dropout: float = 0.1

    def to_dict(self) -> dict:
        return asdict(self)


class Block(nn.Module):
    def __init__(self, cfg: TeacherConfig):
        super().__init__()
        self.n_heads = cfg.n_heads
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.ff = nn.Sequential(nn.Linear(cfg.d_model, cfg.d_ff), nn.GELU(), nn.Linear(cfg.d_ff, cfg.d_model))
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor, key_bias: torch.Tensor) -> torch.Tensor:
        b, l, d = x.shape  # (B, L, D)
        q, k, v = self.qkv(self.ln1(x)).view(b, l, 3, self.n_heads, d // self.n_heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(d // self.n_heads) + key_bias  # (B, heads, L, L)
        y = (self.drop(att.softmax(-1)) @ v).transpose(1, 2).reshape(b, l, d)
        x = x + self.drop(self.proj(y))
        return x + self.drop(self.ff(self.ln2(x)))


class MlmTeacher(nn.Module):
    def __init__(self, cfg: TeacherConfig):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.head_bias = nn.Parameter(torch.zeros(cfg.vocab_size))  # output weights are tied to self.tok
        self.drop = nn.Dropout(cfg.dropout)
        self.apply(self._init)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def hidden(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Last hidden states (B, L, D) after the final LayerNorm."""
        l = input_ids.shape[1]
        x = self.drop(self.tok(input_ids) + self.pos(torch.arange(l, device=input_ids.device)))
        key_bias = torch.zeros(attention_mask.shape, dtype=x.dtype).masked_fill(attention_mask == 0, -1e9)
        key_bias = key_bias[:, None, None, :]  # (B, 1, 1, L): padding is never attended to
        for block in self.blocks:
            x = block(x, key_bias)
        return self.ln_f(x)

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return hidden @ self.tok.weight.T + self.head_bias  # (..., V)

    def forward(self, input_ids, attention_mask):
        """(logits (B, L, V), hidden (B, L, D)): the exporter's model_fn signature."""
        h = self.hidden(input_ids, attention_mask)
        return self.logits(h), h

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

"""BERT-style masked-language-model corruption (Devlin et al. 2019; as in Hugging Face's
DataCollatorForLanguageModeling): each maskable token is selected with probability `mlm_probability`; a selected
token becomes [MASK] 80% of the time, a random ordinary token 10%, and stays unchanged 10%. Labels hold the
original id at selected positions and -100 (PyTorch's ignore_index) everywhere else.

Pure numpy with an explicit Generator, so one seed gives one corruption on every machine.
"""
from __future__ import annotations

import numpy as np

IGNORE_INDEX = -100


def mask_tokens(
    input_ids: np.ndarray,  # int [N, L]
    attention_mask: np.ndarray,  # [N, L], nonzero = real token
    *,
    mask_id: int,
    vocab_size: int,
    special_ids: set[int] | frozenset[int] = frozenset(),
    rng: np.random.Generator,
    mlm_probability: float = 0.15,
    mask_fraction: float = 0.8,  # of the selected tokens, share replaced by [MASK]
    random_fraction: float = 0.1,  # of the selected tokens, share replaced by a random ordinary token
) -> tuple[np.ndarray, np.ndarray]:
    """Returns (corrupted input_ids [N, L], labels [N, L]) with the input's dtype; never touches padding or any
    id in `special_ids` (pad, mask, cls, ...), which are also never drawn as random replacements."""
    ids = np.asarray(input_ids)
    real = np.asarray(attention_mask) != 0
    maskable = real & ~np.isin(ids, np.fromiter(special_ids, dtype=np.int64, count=len(special_ids)))
    # Draw every random number for every position, maskable or not, so the pattern for one example does not
    # depend on padding elsewhere in the batch.
    u_select, u_kind = rng.random(ids.shape), rng.random(ids.shape)
    selected = maskable & (u_select < mlm_probability)
    to_mask = selected & (u_kind < mask_fraction)
    to_random = selected & (u_kind >= mask_fraction) & (u_kind < mask_fraction + random_fraction)

    ordinary = np.setdiff1d(np.arange(vocab_size), np.fromiter(special_ids, dtype=np.int64, count=len(special_ids)))
    random_ids = ordinary[rng.integers(0, len(ordinary), size=ids.shape)]

    labels = np.where(selected, ids, IGNORE_INDEX).astype(ids.dtype)
    corrupted = np.where(to_mask, mask_id, np.where(to_random, random_ids, ids)).astype(ids.dtype)
    return corrupted, labels

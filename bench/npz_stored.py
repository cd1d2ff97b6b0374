#!/usr/bin/python3
"""Rewrites a distillation .safetensors as an uncompressed ("stored") .npz for the read-speed benchmark.

Same tensors and metadata convention as tools/distill_format.py (a 0-d unicode array named `metadata`), but
np.savez instead of np.savez_compressed: the benchmark measures the reader, not zlib.
Usage: /usr/bin/python3 bench/npz_stored.py IN.safetensors OUT.npz
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from distill_format import read_safetensors  # noqa: E402


def main() -> int:
    src, dst = sys.argv[1], sys.argv[2]
    tensors, metadata = read_safetensors(src)
    arrays = {k: np.ascontiguousarray(v) for k, v in tensors.items()}
    arrays["metadata"] = np.array(json.dumps(metadata, ensure_ascii=False))
    np.savez(dst, **arrays)
    return 0


if __name__ == "__main__":
    sys.exit(main())

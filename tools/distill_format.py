"""Readers and writers for the distillation-set containers, numpy only (docs: THE FILE CONTRACT).

- `.safetensors`: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, ...,
  "__metadata__": {str: str}} padded with spaces to a multiple of 8 bytes, then the raw little-endian tensor
  bytes, data_offsets relative to the end of the header. Written by hand (the `safetensors` package is not
  needed); bfloat16 travels as its 16-bit pattern.
- `.npz`: np.savez_compressed; metadata as a 0-d unicode array named `metadata` holding a JSON object of the
  same str -> str map. numpy has no bfloat16, so bf16 is refused there.
- `.jsonl`: line 1 {"metadata": {...}}, then one JSON object per example (each tensor's row, nested lists);
  floats are written as the values the chosen dtype holds (f16 / bf16 rounding kept), for small sets only.
"""
from __future__ import annotations

import json
import os
import struct

import numpy as np

# safetensors dtype name <-> numpy dtype. BF16 is held in numpy as uint16 bit patterns (see BF16 below).
_ST_DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U8": np.dtype("u1"), "BOOL": np.dtype("bool"),
}


class BF16:
    """A bfloat16 tensor as raw uint16 bit patterns (numpy has no bfloat16 dtype)."""

    def __init__(self, bits: np.ndarray):
        assert bits.dtype == np.uint16
        self.bits = bits
        self.shape = bits.shape

    @staticmethod
    def from_float(x: np.ndarray) -> "BF16":
        """Round-to-nearest-even from float32, as torch's .to(torch.bfloat16) does; NaN stays NaN."""
        f = np.ascontiguousarray(x, dtype=np.float32)
        u = f.view(np.uint32).astype(np.uint64)
        rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
        nan = np.isnan(f)
        rounded[nan] = ((u[nan] >> 16) | 0x40).astype(np.uint16)  # keep sign, force a quiet-NaN payload
        return BF16(rounded)

    def to_float(self) -> np.ndarray:
        return (self.bits.astype(np.uint32) << 16).view(np.float32)


def cast_float(x: np.ndarray, dtype: str):
    """float32 array -> the storage form for dtype 'f32' | 'f16' | 'bf16' (np.ndarray or BF16)."""
    if dtype == "f32":
        return np.asarray(x, dtype=np.float32)
    if dtype == "f16":
        return np.asarray(x, dtype=np.float32).astype(np.float16)
    if dtype == "bf16":
        return BF16.from_float(x)
    raise ValueError(f"unknown dtype {dtype!r}; expected f32, f16 or bf16")


def _st_dtype(arr) -> str:
    if isinstance(arr, BF16):
        return "BF16"
    for name, dt in _ST_DTYPES.items():
        if arr.dtype.newbyteorder("<") == dt or arr.dtype == dt:
            return name
    raise TypeError(f"dtype {arr.dtype} has no safetensors equivalent")


def safetensors_bytes(tensors: dict, metadata: dict[str, str]) -> bytes:
    """The complete file as bytes; tensors keep the given order, each stored contiguous little-endian."""
    header: dict = {"__metadata__": {str(k): str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name, arr in tensors.items():
        dtype = _st_dtype(arr)
        raw = arr.bits if isinstance(arr, BF16) else arr
        data = np.ascontiguousarray(raw, dtype=raw.dtype.newbyteorder("<") if raw.dtype.itemsize > 1 else raw.dtype).tobytes()
        header[name] = {"dtype": dtype, "shape": [int(s) for s in arr.shape], "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)  # the data section starts 8-byte aligned
    return struct.pack("<Q", len(head)) + head + b"".join(blobs)


def write_safetensors(path: str, tensors: dict, metadata: dict[str, str]) -> None:
    try:  # prefer the reference implementation when it is installed (bf16 still goes through our writer)
        from safetensors.numpy import save_file  # type: ignore
    except ImportError:
        save_file = None
    if save_file is not None and not any(isinstance(a, BF16) for a in tensors.values()):
        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, path,
                  metadata={str(k): str(v) for k, v in metadata.items()})
        return
    with open(path, "wb") as f:
        f.write(safetensors_bytes(tensors, metadata))


def read_safetensors(path_or_bytes) -> tuple[dict, dict[str, str]]:
    """(tensors, metadata); BF16 tensors come back as BF16 objects."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        buf = bytes(path_or_bytes)
    else:
        with open(path_or_bytes, "rb") as f:
            buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    base = 8 + n
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        raw = buf[base + start: base + end]
        if info["dtype"] == "BF16":
            tensors[name] = BF16(np.frombuffer(raw, dtype="<u2").reshape(info["shape"]).copy())
        else:
            tensors[name] = np.frombuffer(raw, dtype=_ST_DTYPES[info["dtype"]]).reshape(info["shape"]).copy()
    return tensors, metadata


def write_npz(path: str, tensors: dict, metadata: dict[str, str]) -> None:
    if any(isinstance(a, BF16) for a in tensors.values()):
        raise ValueError("bf16 cannot be stored in .npz (numpy has no bfloat16); use .safetensors or f16/f32")
    if "metadata" in tensors:
        raise ValueError("'metadata' is reserved for the metadata JSON in .npz")
    arrays = {k: np.ascontiguousarray(v) for k, v in tensors.items()}
    arrays["metadata"] = np.array(json.dumps({str(k): str(v) for k, v in metadata.items()}, ensure_ascii=False))
    np.savez_compressed(path, **arrays)


def read_npz(path: str) -> tuple[dict, dict[str, str]]:
    with np.load(path, allow_pickle=False) as z:
        tensors = {k: z[k] for k in z.files if k != "metadata"}
        metadata = json.loads(str(z["metadata"][()])) if "metadata" in z.files else {}
    return tensors, metadata


def write_jsonl(path: str, tensors: dict, metadata: dict[str, str]) -> None:
    rows = {k: (v.to_float() if isinstance(v, BF16) else np.asarray(v)) for k, v in tensors.items()}
    rows = {k: (v.astype(np.float64) if v.dtype.kind == "f" else v.astype(np.int64)) for k, v in rows.items()}
    n = len(rows["input_ids"])
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"metadata": {str(k): str(v) for k, v in metadata.items()}}, ensure_ascii=False) + "\n")
        for i in range(n):
            f.write(json.dumps({k: v[i].tolist() for k, v in rows.items()}, allow_nan=False) + "\n")


def read_jsonl(path: str) -> tuple[dict, dict[str, str]]:
    """Tensors as float32 / int64 numpy arrays (the container does not keep dtypes)."""
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    metadata = lines.pop(0)["metadata"] if lines and set(lines[0]) == {"metadata"} else {}
    tensors = {}
    for k in lines[0]:
        arr = np.array([row[k] for row in lines])
        tensors[k] = arr.astype(np.float32) if arr.dtype.kind == "f" else arr.astype(np.int64)
    return tensors, metadata


_WRITERS = {".safetensors": write_safetensors, ".npz": write_npz, ".jsonl": write_jsonl}
_READERS = {".safetensors": read_safetensors, ".npz": read_npz, ".jsonl": read_jsonl}


def _ext(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def write_distill_file(path: str, tensors: dict, metadata: dict[str, str]) -> None:
    """Chooses the container by extension: .safetensors, .npz or .jsonl."""
    if _ext(path) not in _WRITERS:
        raise ValueError(f"output must end in {', '.join(_WRITERS)}; got {path!r}")
    _WRITERS[_ext(path)](path, tensors, metadata)


def read_distill_file(path: str) -> tuple[dict, dict[str, str]]:
    return _READERS.get(_ext(path), read_safetensors)(path)

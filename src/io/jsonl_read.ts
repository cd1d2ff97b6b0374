/**
 * Reader for JSON Lines sets (small sets, hand-made files): first line {"metadata": {...}} (optional),
 * then one object per example whose fields are the tensors without the N dimension, e.g.
 * {"input_ids": [..L], "attention_mask": [..L], "labels": [..L], "teacher_logits": [[..V] ..L]}.
 * Extension: per-example string fields "lang" and "split" fill metadata langs / split when it has none.
 * Unknown fields are ignored. The file is decoded chunk by chunk, one line at a time.
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { FormatError, jsonPreview, shapeStr } from './errors.ts';
import { formatBytes } from './memory_budget.ts';
import type { RawTensor, TensorFile } from './raw_tensor.ts';

/** Field name → the dtype its numbers are stored as. */
const FIELD_DTYPES: Readonly<Record<string, 'i32' | 'u8' | 'f32'>> = {
  input_ids: 'i32',
  attention_mask: 'u8',
  labels: 'i32',
  teacher_logits: 'f32',
  teacher_topk_ids: 'i32',
  teacher_topk_logits: 'f32',
  teacher_logsumexp: 'f32',
  teacher_hidden: 'f32',
};
const EXPECTED = { i32: 'integer in the int32 range', u8: '0|1|true|false', f32: 'number' } as const;
const PER_EXAMPLE_STRINGS = { lang: 'langs', split: 'split' } as const;
/** Longest line we decode: V8 strings stop at ~2^29 characters, and one example should be far smaller. */
const MAX_LINE_CHARS = 2 ** 28;
/** Deepest nesting of one example's field (the contract's tensors have at most 2 dimensions past N). */
const MAX_FIELD_RANK = 8;

interface Column {
  dtype: 'i32' | 'u8' | 'f32';
  /** Shape of one example (no N). */
  shape: number[];
  rows: (Int32Array | Uint8Array | Float32Array)[];
}

export async function readJsonl(blob: Blob, opts: ReadOptions = {}): Promise<TensorFile> {
  const src = new BlobSource(blob, opts);
  const state = new JsonlState(src.budgetBytes);
  const decoder = new TextDecoder('utf-8', { fatal: true }); // no silent U+FFFD in language tags or vocab strings
  // The unterminated line so far, as pieces: each chunk is searched for '\n' once, never the line again
  // (re-scanning a growing string made long lines quadratic in their length / the chunk size).
  const pieces: string[] = [];
  let pendingChars = 0;
  let lineNo = 0;
  const take = (text: string): void => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      pieces.push(text.slice(start, nl));
      state.line(pieces.join(''), ++lineNo);
      pieces.length = 0;
      pendingChars = 0;
      start = nl + 1;
    }
    if (start < text.length) {
      pieces.push(text.slice(start));
      pendingChars += text.length - start;
    }
    if (pendingChars > MAX_LINE_CHARS) {
      throw new FormatError('too_large', `line ${lineNo + 1} is longer than ${MAX_LINE_CHARS} characters (jsonl is for small sets: use safetensors or npz)`, { expected: `≤ ${MAX_LINE_CHARS} characters per line` });
    }
  };
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new FormatError('jsonl_parse', `not UTF-8 text (at or after line ${lineNo + 1})`, { expected: 'UTF-8 (JSON text is UTF-8)' });
    }
  };
  for await (const chunk of src.chunks(0, src.size, 'jsonl')) take(decode(chunk));
  take(decode());
  if (pieces.length > 0) state.line(pieces.join(''), ++lineNo);
  src.finish();
  return state.result();
}

class JsonlState {
  private metadata: Record<string, unknown> = {};
  private readonly columns = new Map<string, Column>();
  private readonly strings: Record<string, string[]> = { lang: [], split: [] };
  private n = 0;
  /** Bytes of the typed rows so far; with their concatenation the read holds twice this. */
  private decodedBytes = 0;

  constructor(private readonly budgetBytes: number) {}

  line(text: string, lineNo: number): void {
    const trimmed = text.trim();
    if (trimmed === '') return;
    const obj = parseLine(trimmed, lineNo);
    if (this.n === 0 && this.columns.size === 0 && isMetadataLine(obj)) {
      this.metadata = obj.metadata as Record<string, unknown>;
      return;
    }
    this.example(obj, lineNo);
  }

  private example(obj: Record<string, unknown>, lineNo: number): void {
    const fields = Object.keys(obj).filter((k) => Object.hasOwn(FIELD_DTYPES, k)); // own keys only: not "toString" & co.
    if (this.n > 0) {
      for (const name of this.columns.keys()) {
        if (!(name in obj)) throw new FormatError('missing_tensor', `line ${lineNo}: field missing (present in earlier examples)`, { tensor: name, index: this.n });
      }
      for (const name of fields) {
        if (!this.columns.has(name)) throw new FormatError('missing_tensor', `line ${lineNo}: field absent from earlier examples`, { tensor: name, index: this.n });
      }
    }
    for (const name of fields) {
      const dtype = FIELD_DTYPES[name];
      const shape: number[] = [];
      const values: number[] = [];
      flatten(obj[name], 0, shape, values, name, lineNo);
      let col = this.columns.get(name);
      if (!col) {
        col = { dtype, shape, rows: [] };
        this.columns.set(name, col);
      } else if (shapeStr(col.shape) !== shapeStr(shape)) {
        throw new FormatError('wrong_shape', `line ${lineNo}: example shape differs from the first example's`, { tensor: name, expected: shapeStr(col.shape), found: shapeStr(shape), index: this.n });
      }
      const row = toTyped(values, dtype, name, lineNo);
      this.decodedBytes += row.byteLength;
      if (2 * this.decodedBytes > this.budgetBytes) {
        throw new FormatError('too_large', `line ${lineNo}: the examples so far already need about ${formatBytes(2 * this.decodedBytes)} in memory, more than the memory budget`, { expected: `≤ ${this.budgetBytes} bytes (${formatBytes(this.budgetBytes)})`, found: `${2 * this.decodedBytes} bytes` });
      }
      col.rows.push(row);
    }
    for (const [key, list] of Object.entries(this.strings)) {
      const v = obj[key];
      if (typeof v === 'string') list.push(v);
      else if (v !== undefined) throw new FormatError('bad_metadata', `line ${lineNo}: must be a string`, { tensor: key, found: typeof v });
    }
    this.n++;
  }

  result(): TensorFile {
    const tensors = new Map<string, RawTensor>();
    for (const [name, col] of this.columns) tensors.set(name, concat(col, this.n));
    const metadata = { ...this.metadata };
    for (const [key, metaKey] of Object.entries(PER_EXAMPLE_STRINGS)) {
      const list = this.strings[key];
      if (list.length === 0 || metadata[metaKey] !== undefined) continue;
      if (list.length !== this.n) throw new FormatError('bad_metadata', `per-example "${key}" given on only some examples`, { tensor: key, expected: `${this.n} values`, found: `${list.length}` });
      metadata[metaKey] = list;
    }
    return { tensors, metadata };
  }
}

function parseLine(text: string, lineNo: number): Record<string, unknown> {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    if (/(^|[^A-Za-z"])(NaN|-?Infinity)\b/.test(text)) {
      throw new FormatError('non_finite', `line ${lineNo}: NaN or Infinity in a value (not valid JSON, and not allowed)`, { found: 'NaN|Infinity' });
    }
    throw new FormatError('jsonl_parse', `line ${lineNo}: not JSON: ${(e as Error).message}`, { found: JSON.stringify(text.slice(0, 60)) });
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new FormatError('jsonl_parse', `line ${lineNo}: each line must be a JSON object`, { found: Array.isArray(obj) ? 'array' : typeof obj });
  }
  return obj as Record<string, unknown>;
}

function isMetadataLine(obj: Record<string, unknown>): boolean {
  const keys = Object.keys(obj);
  const meta = obj.metadata;
  return keys.length === 1 && keys[0] === 'metadata' && typeof meta === 'object' && meta !== null && !Array.isArray(meta);
}

/** Row-major flattening of nested arrays; `shape` is filled from the first path and checked on the others. */
function flatten(v: unknown, depth: number, shape: number[], out: unknown[], name: string, lineNo: number): void {
  if (Array.isArray(v)) {
    if (depth >= MAX_FIELD_RANK) {
      throw new FormatError('wrong_shape', `line ${lineNo}: lists nested too deeply`, { tensor: name, expected: `≤ ${MAX_FIELD_RANK} levels`, found: `> ${MAX_FIELD_RANK}` });
    }
    if (depth === shape.length) {
      if (out.length > 0) throw ragged(name, lineNo);
      shape.push(v.length);
    } else if (shape[depth] !== v.length) {
      throw ragged(name, lineNo);
    }
    for (const x of v) flatten(x, depth + 1, shape, out, name, lineNo);
  } else {
    if (depth !== shape.length) throw ragged(name, lineNo);
    out.push(v);
  }
}

function ragged(name: string, lineNo: number): FormatError {
  return new FormatError('wrong_shape', `line ${lineNo}: ragged nested list (rows of different lengths)`, { tensor: name });
}

function toTyped(values: unknown[], dtype: 'i32' | 'u8' | 'f32', name: string, lineNo: number): Int32Array | Uint8Array | Float32Array {
  const out = dtype === 'i32' ? new Int32Array(values.length) : dtype === 'u8' ? new Uint8Array(values.length) : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    const v = dtype === 'u8' && typeof raw === 'boolean' ? Number(raw) : raw;
    const ok = typeof v === 'number' && (dtype === 'f32' || (dtype === 'u8' ? v === 0 || v === 1 : Number.isInteger(v) && Math.abs(v) < 2 ** 31));
    if (!ok) {
      throw new FormatError('wrong_dtype', `line ${lineNo}: bad element`, { tensor: name, expected: EXPECTED[dtype], found: jsonPreview(raw), index: i });
    }
    out[i] = v;
  }
  return out;
}

function concat(col: Column, n: number): RawTensor {
  const per = col.rows[0]?.length ?? 0;
  const data = col.dtype === 'i32' ? new Int32Array(n * per) : col.dtype === 'u8' ? new Uint8Array(n * per) : new Float32Array(n * per);
  col.rows.forEach((row, i) => data.set(row, i * per));
  return { dtype: col.dtype, shape: [n, ...col.shape], data };
}

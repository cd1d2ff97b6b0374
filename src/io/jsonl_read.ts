/**
 * Reader for JSON Lines sets (small sets, hand-made files): first line {"metadata": {...}} (optional),
 * then one object per example whose fields are the tensors without the N dimension, e.g.
 * {"input_ids": [..L], "attention_mask": [..L], "labels": [..L], "teacher_logits": [[..V] ..L]}.
 * Extension: per-example string fields "lang" and "split" fill metadata langs / split when it has none.
 * Unknown fields are ignored.
 *
 * Memory: a first pass counts the lines, so each field's column is allocated once, [N, …] at its final size,
 * when the first example gives its shape; every example is written straight into it (no per-example arrays).
 * The budget counts those columns, the per-example strings, and before each line is parsed what parsing it
 * will hold (the line's text and JSON.parse's objects, bounded by the scan in jsonl_lines.ts).
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { ROUNDING_ERROR } from './contract_checks.ts';
import { FormatError, jsonPreview, shapeStr } from './errors.ts';
import { JSON_BYTES_PER_STRING, type JsonBoundsScanner } from './json_bounds.ts';
import { countContentLines, FIELD_DTYPES, LineAssembler, MAX_FIELD_RANK, type FieldDType } from './jsonl_lines.ts';
import { allocateBytes, formatBytes } from './memory_budget.ts';
import type { RawTensor, TensorFile } from './raw_tensor.ts';

type Row = Int32Array | Uint8Array | Float32Array;

const ITEM = { i32: 4, u8: 1, f32: 4 } as const;
const EXPECTED = { i32: 'integer in the int32 range', u8: '0|1|true|false', f32: 'number' } as const;
const PER_EXAMPLE_STRINGS = { lang: 'langs', split: 'split' } as const;
/** Decimal text says nothing of the precision it was written from: the loosest the contract knows (bfloat16). */
const TEXT_ROUNDING_ERROR = ROUNDING_ERROR.bf16;
/** A string kept per example: its characters (two bytes each at worst), V8's header and the list slot. */
const bytesOfString = (s: string): number => 2 * s.length + JSON_BYTES_PER_STRING + 8;

interface Column {
  dtype: FieldDType;
  /** Shape of one example (no N). */
  shape: number[];
  /** Elements per example. */
  per: number;
  /** [rows × per], rows = the line count of the first pass. */
  data: Row;
}

export async function readJsonl(blob: Blob, opts: ReadOptions = {}): Promise<TensorFile> {
  const src = new BlobSource(blob, opts);
  const state = new JsonlState(src.budgetBytes, await countContentLines(blob, opts));
  const decoder = new TextDecoder('utf-8', { fatal: true }); // no silent U+FFFD in language tags or vocab strings
  const lines = new LineAssembler((text, lineNo, scan) => state.line(text, lineNo, scan));
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new FormatError('jsonl_parse', `not UTF-8 text (at or after line ${lines.currentLine})`, { expected: 'UTF-8 (JSON text is UTF-8)' });
    }
  };
  for await (const chunk of src.chunks(0, src.size, 'jsonl')) lines.take(decode(chunk));
  lines.take(decode());
  lines.end();
  src.finish();
  return state.result();
}

class JsonlState {
  private metadata: Record<string, unknown> = {};
  private metadataSeen = false;
  private readonly columns = new Map<string, Column>();
  /** The per-example strings, in PER_EXAMPLE_STRINGS order. */
  private readonly strings = Object.keys(PER_EXAMPLE_STRINGS).map((key) => ({ key, list: [] as string[] }));
  private n = 0;
  /** Rows the columns are allocated for: the content lines, less a metadata line seen before the first example. */
  private rows: number;
  /** Bytes the read keeps: the columns and the per-example strings. */
  private heldBytes = 0;

  constructor(
    private readonly budgetBytes: number,
    contentLines: number,
  ) {
    this.rows = contentLines;
  }

  line(text: string, lineNo: number, scan: JsonBoundsScanner): void {
    if (text.trim() === '') return;
    // While the line is parsed the read also holds its text (a piece list and the joined copy, two bytes a
    // character at worst) and what JSON.parse builds.
    const parsing = 4 * text.length + scan.heldBytes();
    this.checkBudget(this.heldBytes + parsing, lineNo, `line ${lineNo} would need about ${formatBytes(parsing)} while it is parsed`);
    const obj = parseLine(text.trim(), lineNo);
    if (isMetadataLine(obj)) {
      if (this.n > 0 || this.metadataSeen) {
        throw new FormatError('bad_metadata', `line ${lineNo}: a {"metadata": …} line must be the first line of the file`, { tensor: 'metadata', expected: 'metadata on line 1, examples after it', found: `metadata on line ${lineNo}` });
      }
      this.metadata = obj.metadata as Record<string, unknown>;
      this.metadataSeen = true;
      this.rows = Math.max(0, this.rows - 1);
      return;
    }
    this.example(obj, lineNo);
  }

  private example(obj: Record<string, unknown>, lineNo: number): void {
    const fields = Object.keys(obj).filter((k) => Object.hasOwn(FIELD_DTYPES, k)); // own keys only: not "toString" & co.
    if (this.n === 0) {
      this.allocate(obj, fields, lineNo);
    } else if (fields.length !== this.columns.size || !fields.every((name) => this.columns.has(name))) {
      for (const name of this.columns.keys()) {
        if (!Object.hasOwn(obj, name)) throw new FormatError('missing_tensor', `line ${lineNo}: field missing (present in earlier examples)`, { tensor: name, index: this.n });
      }
      const extra = fields.find((name) => !this.columns.has(name)) as string;
      throw new FormatError('missing_tensor', `line ${lineNo}: field absent from earlier examples`, { tensor: extra, index: this.n });
    }
    if (this.n >= this.rows) throw new FormatError('jsonl_parse', `line ${lineNo}: more examples than the file had lines when it was counted (was it changed while being read?)`);
    for (const name of fields) {
      const col = this.columns.get(name) as Column;
      const value = obj[name];
      if (!sameShape(value, col.shape)) {
        throw new FormatError('wrong_shape', `line ${lineNo}: example shape differs from the first example's`, { tensor: name, expected: shapeStr(col.shape), found: shapeStr(shapeOf(value, name, lineNo)), index: this.n });
      }
      fill(value, 0, col, this.n * col.per, { name, lineNo, start: this.n * col.per });
    }
    this.strings.forEach(({ key, list }) => {
      const v = obj[key];
      if (typeof v === 'string') {
        list.push(v);
        this.heldBytes += bytesOfString(v);
        this.checkBudget(this.heldBytes, lineNo, `the examples up to line ${lineNo} already need about ${formatBytes(this.heldBytes)}`);
      } else if (v !== undefined) {
        throw new FormatError('bad_metadata', `line ${lineNo}: must be a string`, { tensor: key, found: typeof v });
      }
    });
    this.n++;
  }

  /** The first example fixes each field's shape: its column is allocated for every row at once. */
  private allocate(obj: Record<string, unknown>, fields: string[], lineNo: number): void {
    let need = 0;
    const shapes = fields.map((name) => {
      const shape = shapeOf(obj[name], name, lineNo);
      const per = shape.reduce((a, b) => a * b, 1);
      need += this.rows * per * ITEM[FIELD_DTYPES[name]];
      return { name, shape, per };
    });
    // The contract builds the default mask (one byte a position) when the file has none.
    const ids = shapes.find((s) => s.name === 'input_ids');
    if (ids && !fields.includes('attention_mask')) need += this.rows * ids.per;
    this.heldBytes += need;
    this.checkBudget(this.heldBytes, lineNo, `${this.rows} examples shaped like line ${lineNo} need about ${formatBytes(need)} in memory`);
    for (const { name, shape, per } of shapes) {
      const dtype = FIELD_DTYPES[name];
      const bytes = allocateBytes(this.rows * per * ITEM[dtype], name);
      const data = dtype === 'i32' ? new Int32Array(bytes.buffer) : dtype === 'f32' ? new Float32Array(bytes.buffer) : bytes;
      this.columns.set(name, { dtype, shape, per, data });
    }
  }

  private checkBudget(bytes: number, lineNo: number, what: string): void {
    if (bytes <= this.budgetBytes) return;
    throw new FormatError('too_large', `line ${lineNo}: ${what}, more than the memory budget`, { expected: `≤ ${this.budgetBytes} bytes (${formatBytes(this.budgetBytes)})`, found: `${bytes} bytes` });
  }

  result(): TensorFile {
    const tensors = new Map<string, RawTensor>();
    for (const [name, col] of this.columns) {
      const used = this.n * col.per;
      // Fewer examples than counted lines (a line of only a byte-order mark): keep exactly N rows.
      const data = used === col.data.length ? col.data : col.data.slice(0, used);
      const tensor: RawTensor = { dtype: col.dtype, shape: [this.n, ...col.shape], data };
      if (col.dtype === 'f32') tensor.roundingError = TEXT_ROUNDING_ERROR;
      tensors.set(name, tensor);
    }
    const metadata = { ...this.metadata };
    for (const { key, list } of this.strings) {
      const metaKey = PER_EXAMPLE_STRINGS[key as keyof typeof PER_EXAMPLE_STRINGS];
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

/** The shape along the first elements ([] for a number); the other paths are checked by fill(). */
function shapeOf(v: unknown, name: string, lineNo: number): number[] {
  const shape: number[] = [];
  for (let x = v; Array.isArray(x); x = x[0]) {
    if (shape.length >= MAX_FIELD_RANK) {
      throw new FormatError('wrong_shape', `line ${lineNo}: lists nested too deeply`, { tensor: name, expected: `≤ ${MAX_FIELD_RANK} levels`, found: `> ${MAX_FIELD_RANK}` });
    }
    shape.push(x.length);
    if (x.length === 0) break;
  }
  return shape;
}

/** The first example's shape along every path: lists of the given lengths down to numbers (no list below). */
function sameShape(v: unknown, shape: readonly number[]): boolean {
  let x = v;
  for (let d = 0; d < shape.length; d++) {
    if (!Array.isArray(x) || x.length !== shape[d]) return false;
    x = x[0];
  }
  return !Array.isArray(x); // the other paths are checked by fill()
}

interface Where {
  name: string;
  lineNo: number;
  /** Flat offset of the example's first value in the column. */
  start: number;
}

/**
 * Writes the values under `x` (at `depth` of the column's shape), row-major, into col.data from `at`, checking
 * every list length and value; returns the next offset. A plain function, not a closure per call: one example
 * line calls it per list.
 */
function fill(x: unknown, depth: number, col: Column, at: number, where: Where): number {
  const { shape, dtype, data } = col;
  if (depth < shape.length) {
    if (!Array.isArray(x) || x.length !== shape[depth]) throw ragged(where.name, where.lineNo);
    let next = at;
    for (let i = 0; i < x.length; i++) next = fill(x[i], depth + 1, col, next, where);
    return next;
  }
  const v = dtype === 'u8' && typeof x === 'boolean' ? Number(x) : x;
  const ok = typeof v === 'number' && (dtype === 'f32' || (dtype === 'u8' ? v === 0 || v === 1 : Number.isInteger(v) && Math.abs(v) < 2 ** 31));
  if (!ok) {
    if (Array.isArray(x)) throw ragged(where.name, where.lineNo);
    throw new FormatError('wrong_dtype', `line ${where.lineNo}: bad element`, { tensor: where.name, expected: EXPECTED[dtype], found: jsonPreview(x), index: at - where.start });
  }
  data[at] = v;
  return at + 1;
}

function ragged(name: string, lineNo: number): FormatError {
  return new FormatError('wrong_shape', `line ${lineNo}: ragged nested list (rows of different lengths)`, { tensor: name });
}

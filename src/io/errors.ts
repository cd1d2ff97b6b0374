/**
 * The one error class of the io layer. Every refusal of a file names what was wrong in machine-readable
 * fields, so the page and the CLI can show it and tests can assert on `code`.
 * The codes are listed (with their meaning) in docs/format.md § Validation and error codes.
 */

/** Every code a FormatError may carry (a runtime list, so tests and docs can check they name them all). */
export const FORMAT_ERROR_CODES = [
  // containers
  'unknown_container', // neither the extension nor the first bytes name a known container
  'truncated', // a read past the end of the file
  'header_length', // safetensors: 8-byte header length past the end of the file or over the limit
  'bad_header', // safetensors: header is not a JSON object of the expected shape
  'unknown_dtype', // a dtype string no reader knows
  'unsupported_dtype', // a known dtype the contract does not accept (f8, complex, strings, objects)
  'bad_offsets', // safetensors: data_offsets out of range, reversed or overlapping
  'size_mismatch', // stored byte count differs from shape × itemsize
  'npy_magic', // npy: missing \x93NUMPY magic
  'npy_header', // npy: header dict unreadable or unsupported version
  'fortran_order', // npy: column-major array
  'zip', // zip: central directory unreadable (truncated, not a zip, bad signature)
  'zip_method', // zip: compression other than stored / deflate, or encrypted member
  'zip_inflate', // zip: deflate stream corrupt or truncated
  'zip_crc', // zip: CRC-32 of the member does not match
  'jsonl_parse', // jsonl: a line is not JSON, or not an object
  'duplicate_tensor', // the same tensor name twice in one file
  // contract
  'missing_tensor', // input_ids absent, or half of a top-k pair
  'missing_teacher', // no teacher output
  'teacher_ambiguous', // dense and top-k teacher output both present
  'wrong_dtype', // tensor dtype not allowed for this name
  'wrong_shape', // rank or dimension disagrees with the contract or with another tensor
  'id_range', // an id / label outside its range
  'bad_value', // a value outside its allowed set (mask not 0/1, duplicated top-k id, lse < top-k logit)
  'non_finite', // NaN or ±Inf in a float tensor that must be finite
  'bad_metadata', // a metadata value of the wrong type, or a list of the wrong length
  'unknown_task', // task not in mlm | clm | classification
  'empty', // N = 0 or L = 0
  // memory
  'too_large', // the decoded set needs more memory than the budget (or than one allocation may take)
] as const;

export type FormatErrorCode = (typeof FORMAT_ERROR_CODES)[number];

export interface FormatErrorDetails {
  /** Tensor (or metadata key, prefixed "metadata.") the error is about. */
  tensor?: string;
  /** What the contract wants, e.g. "[N=4, L=8]" or "int32|int64". */
  expected?: string;
  /** What the file holds, e.g. "[4, 9]" or "f32". */
  found?: string;
  /** Byte offset in the file (container errors) or flat element index (value errors: see `index`). */
  offset?: number;
  /** Flat row-major element index of the first bad value. */
  index?: number;
  /** What likely caused it, beyond the check that failed (e.g. which container the file name chose). */
  hint?: string;
}

export class FormatError extends Error {
  readonly code: FormatErrorCode;
  readonly tensor?: string;
  readonly expected?: string;
  readonly found?: string;
  readonly offset?: number;
  readonly index?: number;
  readonly hint?: string;
  /** The message before the details were appended. */
  readonly reason: string;

  constructor(code: FormatErrorCode, message: string, details: FormatErrorDetails = {}) {
    const d = { ...details, tensor: printable(details.tensor), expected: printable(details.expected), found: printable(details.found), hint: printable(details.hint, 2 * MAX_FIELD_CHARS) };
    const reason = printable(message, 4 * MAX_FIELD_CHARS) ?? '';
    super(formatMessage(reason, d));
    this.name = 'FormatError';
    this.reason = reason;
    this.hint = d.hint;
    this.code = code;
    this.tensor = d.tensor;
    this.expected = d.expected;
    this.found = d.found;
    this.offset = details.offset;
    this.index = details.index;
  }
}

/** Longest text a field keeps: names and values come from the file, which may hold megabytes of them. */
const MAX_FIELD_CHARS = 200;

/**
 * File-derived text made safe for one line of output: control characters escaped (a tensor named "a\nb" must
 * not split the CLI's `error: …` line), clipped to MAX_FIELD_CHARS (the message itself to 4×).
 */
function printable(text: string | undefined, max = MAX_FIELD_CHARS): string | undefined {
  if (text === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

function formatMessage(message: string, d: FormatErrorDetails): string {
  const parts: string[] = [];
  if (d.expected !== undefined) parts.push(`expected ${d.expected}`);
  if (d.found !== undefined) parts.push(`found ${d.found}`);
  if (d.offset !== undefined) parts.push(`at byte ${d.offset}`);
  if (d.index !== undefined) parts.push(`at flat index ${d.index}`);
  const head = d.tensor !== undefined ? `${d.tensor}: ${message}` : message;
  const line = parts.length > 0 ? `${head} (${parts.join(', ')})` : head;
  return d.hint !== undefined ? `${line}; ${d.hint}` : line;
}

/** The same error with a hint appended to its message. */
export function withHint(err: FormatError, hint: string): FormatError {
  const { code, reason, tensor, expected, found, offset, index } = err;
  return new FormatError(code, reason, { tensor, expected, found, offset, index, hint });
}

/** JSON text of any value for a message, at most `max` characters; never throws (JSON.stringify overflows on deep nesting). */
export function jsonPreview(value: unknown, max = 60): string {
  if (typeof value === 'string') return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return '(a value nested too deeply to show)';
  }
  if (text === undefined) return String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** "[2, 3]" — shapes in messages. */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

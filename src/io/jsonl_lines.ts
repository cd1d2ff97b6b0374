/**
 * Line handling of the jsonl reader: a first pass that counts the lines holding text (so every column is
 * allocated once at its final size, never grown and copied), and the assembly of decoded text into lines, each
 * bounded while it is still arriving — characters (MAX_LINE_CHARS), values and nesting (json_bounds.ts) — so a
 * hostile line is refused after the first few MB of it, before it is joined or parsed.
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { CONTRACT_DTYPES } from './distill_set.ts';
import { FormatError } from './errors.ts';
import { count, JsonBoundsScanner, type JsonProblem } from './json_bounds.ts';
import { MAX_METADATA_DEPTH } from './metadata.ts';

/** Longest line we decode: V8 strings stop at ~2^29 characters, and one example should be far smaller. */
export const MAX_LINE_CHARS = 2 ** 28;
/**
 * Most JSON values one line may hold (each number, string, list and object counts). JSON.parse holds ~24 B per
 * value (json_bounds.ts), so a line at the cap costs ~200 MB while it is parsed; a dense example of 128
 * positions × 50k vocabulary is 6.4M values. V8 itself aborts past ~1.1e8 elements in one array.
 */
export const MAX_LINE_VALUES = 2 ** 23;
/** Deepest nesting in a line: {"metadata": {key: value}} with a value nested 32 deep (metadata.ts) is 34. */
export const MAX_LINE_DEPTH = 34;
/** Most keys in one example (or metadata) object: the contract has 8 fields; others are ignored. */
export const MAX_LINE_KEYS = 4096;
/** Deepest nesting of one example's field (the contract's tensors have at most 2 dimensions past N). */
export const MAX_FIELD_RANK = 8;

export type FieldDType = 'i32' | 'u8' | 'f32';
/** The fields the contract reads, and the dtype their numbers are stored as (jsonl_read.ts). */
export const FIELD_DTYPES: Readonly<Record<string, FieldDType>> = CONTRACT_DTYPES;
const CONTRACT_FIELDS: ReadonlySet<string> = new Set(Object.keys(FIELD_DTYPES));

const WHITESPACE = new Set([0x20, 0x09, 0x0d, 0x0a]);

/**
 * Lines with at least one byte that is not whitespace: an upper bound on the examples (the metadata line and
 * a line holding only a byte-order mark count too). One native indexOf per line, plus the bytes of leading
 * whitespace; no text is decoded.
 */
export async function countContentLines(blob: Blob, opts: ReadOptions): Promise<number> {
  const src = new BlobSource(blob, { ...opts, onProgress: undefined });
  let lines = 0;
  let content = false;
  for await (const chunk of src.chunks(0, src.size, 'jsonl')) {
    let i = 0;
    while (i < chunk.length) {
      if (!content) {
        while (i < chunk.length && WHITESPACE.has(chunk[i])) i++;
        if (i === chunk.length) break;
        content = true;
        lines++;
      }
      const nl = chunk.indexOf(0x0a, i);
      if (nl < 0) break;
      content = false;
      i = nl + 1;
    }
  }
  return lines;
}

/**
 * Splits decoded text into lines for `onLine(text, lineNo, scanner)`. The scanner has seen the whole line and
 * holds its counts (values, characters: what parsing it will cost); it is reset after each line.
 */
export class LineAssembler {
  /** The unterminated line so far, as pieces: each chunk is searched for '\n' once, never the line again. */
  private readonly pieces: string[] = [];
  private pendingChars = 0;
  private lineNo = 0;
  readonly scanner: JsonBoundsScanner;

  constructor(private readonly onLine: (text: string, lineNo: number, scanner: JsonBoundsScanner) => void) {
    const limits = { maxDepth: MAX_LINE_DEPTH, maxValues: MAX_LINE_VALUES, uniqueKeysDepth: 1, keyDepth: 2, maxKeys: MAX_LINE_KEYS };
    this.scanner = new JsonBoundsScanner(limits, (p) => lineProblem(p, this.lineNo + 1, this.scanner.keyPath()));
  }

  /** The number of the line being assembled (1-based). */
  get currentLine(): number {
    return this.lineNo + 1;
  }

  take(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      this.scanner.feed(piece);
      this.pieces.push(piece);
      this.emit();
      start = nl + 1;
    }
    if (start < text.length) {
      const piece = text.slice(start);
      this.scanner.feed(piece);
      this.pieces.push(piece);
      this.pendingChars += piece.length;
    }
    if (this.pendingChars > MAX_LINE_CHARS) {
      throw new FormatError('too_large', `line ${this.lineNo + 1} is longer than ${MAX_LINE_CHARS} characters (jsonl is for small sets: use safetensors or npz)`, { expected: `≤ ${MAX_LINE_CHARS} characters per line` });
    }
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    if (this.pieces.length > 0) this.emit();
  }

  private emit(): void {
    const text = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    this.pieces.length = 0;
    this.pendingChars = 0;
    this.onLine(text, ++this.lineNo, this.scanner);
    this.scanner.reset();
  }
}

/** The refusal of a line the scan stopped; nesting inside a contract field or the metadata keeps their codes. */
function lineProblem(p: JsonProblem, lineNo: number, path: string[]): FormatError {
  if (p.kind === 'duplicate') {
    return new FormatError('duplicate_tensor', `line ${lineNo}: key given twice in one object`, { tensor: p.key });
  }
  if (p.kind === 'depth') {
    const [field, key] = path;
    if (field === 'metadata' && key !== undefined) {
      return new FormatError('bad_metadata', `line ${lineNo}: value nested too deeply`, { tensor: `metadata.${key}`, expected: `≤ ${MAX_METADATA_DEPTH} levels of lists / objects` });
    }
    if (field !== undefined && CONTRACT_FIELDS.has(field)) {
      return new FormatError('wrong_shape', `line ${lineNo}: lists nested too deeply`, { tensor: field, expected: `≤ ${MAX_FIELD_RANK} levels`, found: `> ${p.limit - 1}` });
    }
    return new FormatError('too_large', `line ${lineNo}: lists / objects nested more than ${p.limit} levels deep`, { tensor: field, expected: `≤ ${p.limit} levels` });
  }
  const what = p.kind === 'values' ? 'values (numbers, strings, lists, objects)' : 'keys in one object';
  return new FormatError('too_large', `line ${lineNo}: more than ${count(p.limit)} ${what} (jsonl is for small sets: use safetensors or npz)`, { expected: `≤ ${count(p.limit)} per line` });
}

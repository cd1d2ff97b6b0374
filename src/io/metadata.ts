/**
 * Metadata decoding. safetensors `__metadata__` holds only strings ("30522", '["en","de"]'); npz / jsonl hold
 * a JSON object whose values may be native numbers / lists or the same strings. Both are accepted.
 * null, "", "null" and "None" mean "absent" for every optional key. Unknown keys are kept in `raw`.
 */
import type { Task } from './distill_set.ts';
import { TASKS } from './distill_set.ts';
import { FormatError, jsonPreview } from './errors.ts';
import { count, JsonBoundsScanner, MAX_HEADER_JSON_VALUES, scanJson, type JsonProblem } from './json_bounds.ts';

/** The known metadata keys, decoded; undefined where the file does not give them. */
export interface ParsedMetadata {
  task?: Task;
  vocabSize?: number;
  padId?: number;
  maskId?: number;
  bosId?: number;
  eosId?: number;
  vocab?: string[];
  labelNames?: string[];
  teacherName?: string;
  teacherParams?: number;
  teacherMsPerExample?: number;
  langs?: string[];
  split?: string[];
  formatVersion?: string;
  tokenizerJson?: string;
  tokenizerConfig?: string;
}

type Decoder = (value: unknown, key: string) => unknown;

/** Ids are int32, so a vocabulary has at most 2^31 entries and an id is at most 2^31 - 1. */
const INT32_MAX = 2 ** 31 - 1;

const int = (min: number, max: number): Decoder => (v, key) => {
  const x = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min || x > max) throw bad(key, `integer in [${min}, ${max}]`, v);
  return x;
};

const num: Decoder = (v, key) => {
  const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw bad(key, 'finite number', v);
  return x;
};

const str: Decoder = (v, key) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw bad(key, 'string', v);
};

const strList: Decoder = (v, key) => {
  let x = v;
  if (typeof v === 'string') {
    // JSON text from a safetensors header value: a flat list, so anything nested is refused before it is built
    scanJson(v, { maxDepth: 1, maxValues: MAX_HEADER_JSON_VALUES, uniqueKeysDepth: 0, maxKeys: 0 }, () => bad(key, 'JSON list of strings', v));
    try {
      x = JSON.parse(v);
    } catch {
      throw bad(key, 'JSON list of strings', v);
    }
  }
  if (!Array.isArray(x) || !x.every((s) => typeof s === 'string')) throw bad(key, 'list of strings', v);
  return x;
};

/**
 * A JSON object kept as its text (the teacher's tokenizer.json / tokenizer_config.json, written verbatim into
 * student directories). npz / jsonl may hold the object itself; it is serialised back to text.
 */
const jsonObjectText: Decoder = (v, key) => {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return JSON.stringify(v);
  if (typeof v !== 'string' || !/^\s*\{/.test(v) || !/\}\s*$/.test(v)) throw bad(key, 'a JSON object (as text)', v);
  return v;
};

const task: Decoder = (v, key) => {
  const s = str(v, key);
  if (!(TASKS as readonly unknown[]).includes(s)) {
    throw new FormatError('unknown_task', 'unknown task', { tensor: `metadata.${key}`, expected: TASKS.join('|'), found: JSON.stringify(s) });
  }
  return s;
};

/** File key → [ParsedMetadata field, decoder]: the registry of known keys. */
const KEYS: Readonly<Record<string, [keyof ParsedMetadata, Decoder]>> = {
  task: ['task', task],
  vocab_size: ['vocabSize', int(1, INT32_MAX + 1)],
  pad_id: ['padId', int(0, INT32_MAX)],
  mask_id: ['maskId', int(0, INT32_MAX)],
  bos_id: ['bosId', int(0, INT32_MAX)],
  eos_id: ['eosId', int(0, INT32_MAX)],
  vocab: ['vocab', strList],
  label_names: ['labelNames', strList],
  teacher_name: ['teacherName', str],
  teacher_params: ['teacherParams', num],
  teacher_ms_per_example: ['teacherMsPerExample', num],
  langs: ['langs', strList],
  split: ['split', strList],
  format_version: ['formatVersion', str],
  tokenizer_json: ['tokenizerJson', jsonObjectText],
  tokenizer_config: ['tokenizerConfig', jsonObjectText],
};

export const KNOWN_METADATA_KEYS: readonly string[] = Object.keys(KEYS);

const ABSENT = new Set(['', 'null', 'None']);

/** Metadata values are flat strings, numbers and lists; deeper nesting is refused (it could not be written back safely). */
export const MAX_METADATA_DEPTH = 32;

export function parseMetadata(meta: Record<string, unknown>): { parsed: ParsedMetadata; raw: Record<string, string> } {
  const parsed: Record<string, unknown> = {};
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (exceedsDepth(value, MAX_METADATA_DEPTH)) {
      throw new FormatError('bad_metadata', 'value nested too deeply', { tensor: `metadata.${key}`, expected: `≤ ${MAX_METADATA_DEPTH} levels of lists / objects` });
    }
    // defineProperty, not assignment: a key like "__proto__" stays an ordinary own key (never the prototype)
    Object.defineProperty(raw, key, { value: typeof value === 'string' ? value : JSON.stringify(value), enumerable: true, writable: true, configurable: true });
    const known = Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
    if (!known || value === null || value === undefined || (typeof value === 'string' && ABSENT.has(value.trim()))) continue;
    parsed[known[0]] = known[1](value, key);
  }
  return { parsed: parsed as ParsedMetadata, raw };
}

/**
 * A metadata object from JSON text (the npz `metadata` member), bounded before it is parsed (json_bounds.ts):
 * at most MAX_HEADER_JSON_VALUES values, values nested at most MAX_METADATA_DEPTH deep, no key twice.
 */
export function parseMetadataJson(text: string, member: string): Record<string, unknown> {
  const limits = { maxDepth: MAX_METADATA_DEPTH + 1, maxValues: MAX_HEADER_JSON_VALUES, uniqueKeysDepth: 1, maxKeys: MAX_HEADER_JSON_VALUES };
  const scanner: JsonBoundsScanner = new JsonBoundsScanner(limits, (p) => metadataProblem(p, member, scanner.keyPath()));
  scanner.feed(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FormatError('bad_metadata', `not JSON: ${(e as Error).message}`, { tensor: member, found: JSON.stringify(text.slice(0, 60)) });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FormatError('bad_metadata', 'must hold a JSON object', { tensor: member, found: Array.isArray(parsed) ? 'array' : typeof parsed });
  }
  return parsed as Record<string, unknown>;
}

function metadataProblem(p: JsonProblem, member: string, path: string[]): FormatError {
  if (p.kind === 'duplicate') return new FormatError('bad_metadata', 'key given twice', { tensor: `metadata.${p.key}` });
  if (p.kind === 'depth') {
    return new FormatError('bad_metadata', 'value nested too deeply', { tensor: path[0] !== undefined ? `metadata.${path[0]}` : member, expected: `≤ ${MAX_METADATA_DEPTH} levels of lists / objects` });
  }
  return new FormatError('too_large', `the metadata JSON holds more than ${count(p.limit)} ${p.kind === 'values' ? 'values' : 'keys'}`, { tensor: member, expected: `≤ ${count(p.limit)}` });
}

function bad(key: string, expected: string, found: unknown): FormatError {
  return new FormatError('bad_metadata', 'wrong type', { tensor: `metadata.${key}`, expected, found: jsonPreview(found) });
}

/** True when lists / objects nest deeper than `limit` (iterative: a hostile value must not overflow the stack here). */
function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const x of Object.values(v)) stack.push([x, depth + 1]);
  }
  return false;
}

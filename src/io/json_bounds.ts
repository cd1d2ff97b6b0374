/**
 * A linear pre-scan of JSON text that bounds what JSON.parse will build, before it builds it. V8 aborts the
 * whole process ("Fatal JavaScript invalid size error") or throws "Invalid array length" when a parse or a push
 * outgrows its array limits, and a file of a few MB of `[[[[…` or `[],[],…` becomes GBs of objects: neither is
 * catchable after the fact. The scan counts values (numbers, strings, literals, lists, objects), string
 * characters and nesting depth, and checks keys for repeats in the objects near the top (JSON.parse keeps the
 * last of two equal keys silently), refusing through the caller's `refuse` the moment a limit is passed.
 * Text may arrive in pieces (feed them in order); strings are skipped with indexOf, so the cost is one pass.
 * It does not validate the grammar: JSON.parse still does, afterwards, on text the scan has bounded.
 */

export interface JsonLimits {
  /** Deepest nesting of lists / objects (the outermost value is depth 1). */
  maxDepth: number;
  /** Most values (each number, string, literal, list and object counts one). */
  maxValues: number;
  /** Objects at depth ≤ this (1: the outermost) must not repeat a key; 0 checks none. */
  uniqueKeysDepth: number;
  /** Keys of objects at depth ≤ this are read (keyPath() names where a problem is); at least uniqueKeysDepth. */
  keyDepth?: number;
  /** Most keys in one such object. */
  maxKeys: number;
}

export type JsonProblem =
  | { kind: 'depth' | 'values'; limit: number }
  | { kind: 'keys'; limit: number; depth: number }
  | { kind: 'duplicate'; key: string; depth: number };

/**
 * Bytes V8 holds per parsed value and per list / object, measured on Node 20 (x64, no pointer compression):
 * JSON.parse of 60M small numbers peaked at ~21 B each (the parser's element buffer, then the array), a list
 * or object costs its header, its elements store and map transitions (~80 B empty); strings 2 B a character
 * (two-byte when any character is) plus ~32 B of header. Rounded up: the estimate must not be short.
 */
export const JSON_BYTES_PER_VALUE = 24;
export const JSON_BYTES_PER_CONTAINER = 96;
export const JSON_BYTES_PER_STRING = 32;

/**
 * Most values in the JSON of a container's header (a safetensors header, npz metadata): a header of MAX_TENSORS
 * entries has ~60k, a 250k-token vocabulary list 250k. At the cap JSON.parse holds ~25 MB.
 */
export const MAX_HEADER_JSON_VALUES = 2 ** 20;

const QUOTE = 0x22;

export class JsonBoundsScanner {
  values = 0;
  containers = 0;
  strings = 0;
  stringChars = 0;
  private depth = 0;
  /** Per depth: 1 for an object, 0 for a list (index 1 is the outermost). */
  private readonly kinds: Uint8Array;
  private readonly keySets: (Set<string> | null)[] = [];
  private inString = false;
  private escaped = false;
  private inToken = false;
  private expectKey = false;
  /** The raw text of the key being read so far, when its object's keys are read (else null). */
  private keyText: string | null = null;
  /** The last key read at each depth ≤ keyDepth. */
  private readonly keys: string[] = [];
  private readonly keyDepth: number;

  constructor(
    private readonly limits: JsonLimits,
    private readonly refuse: (problem: JsonProblem) => Error,
  ) {
    this.kinds = new Uint8Array(limits.maxDepth + 2);
    this.keyDepth = Math.max(limits.uniqueKeysDepth, limits.keyDepth ?? 0);
  }

  /** The keys leading to where the scan is, outermost first (only depths ≤ keyDepth). */
  keyPath(): string[] {
    return this.keys.slice(1, Math.min(this.depth, this.keyDepth) + 1);
  }

  /** Bytes JSON.parse would hold for everything fed so far (see the constants above). */
  heldBytes(): number {
    return this.values * JSON_BYTES_PER_VALUE + this.containers * JSON_BYTES_PER_CONTAINER + this.strings * JSON_BYTES_PER_STRING + 2 * this.stringChars;
  }

  feed(text: string): void {
    const n = text.length;
    let i = 0;
    let nextBackslash = -2; // not yet searched in this text
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          if (this.keyText !== null) this.keyText += text[i];
          this.stringChars++;
          i++;
          continue;
        }
        const q = text.indexOf('"', i);
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = text.indexOf('\\', i);
        const end = q < 0 ? n : q;
        if (nextBackslash >= 0 && nextBackslash < end) {
          if (this.keyText !== null) this.keyText += text.slice(i, nextBackslash + 1);
          this.stringChars += nextBackslash - i;
          this.escaped = true;
          i = nextBackslash + 1;
          continue;
        }
        if (this.keyText !== null) this.keyText += text.slice(i, end);
        this.stringChars += end - i;
        if (q < 0) return;
        i = q + 1;
        this.endString();
        continue;
      }
      const c = text.charCodeAt(i++);
      switch (c) {
        case QUOTE:
          this.inToken = false;
          this.inString = true;
          this.strings++;
          this.count();
          if (this.expectKey && this.depth <= this.keyDepth) this.keyText = '';
          break;
        case 0x5b: // [
        case 0x7b: // {
          this.inToken = false;
          this.count();
          this.containers++;
          if (++this.depth > this.limits.maxDepth) throw this.refuse({ kind: 'depth', limit: this.limits.maxDepth });
          this.kinds[this.depth] = c === 0x7b ? 1 : 0;
          this.expectKey = c === 0x7b;
          if (this.depth <= this.limits.uniqueKeysDepth) this.keySets[this.depth] = c === 0x7b ? new Set() : null;
          if (this.depth <= this.keyDepth) this.keys[this.depth] = '';
          break;
        case 0x5d: // ]
        case 0x7d: // }
          this.inToken = false;
          if (this.depth <= this.limits.uniqueKeysDepth) this.keySets[this.depth] = null;
          if (this.depth > 0) this.depth--;
          this.expectKey = false;
          break;
        case 0x2c: // ,
          this.inToken = false;
          this.expectKey = this.kinds[this.depth] === 1;
          break;
        case 0x3a: // :
          this.inToken = false;
          this.expectKey = false;
          break;
        case 0x20:
        case 0x09:
        case 0x0a:
        case 0x0d:
          this.inToken = false;
          break;
        default:
          if (!this.inToken) {
            this.inToken = true;
            this.count();
          }
      }
    }
  }

  /** Forgets everything (the next text is a new document). */
  reset(): void {
    this.values = this.containers = this.strings = this.stringChars = this.depth = 0;
    this.keySets.length = 0;
    this.keys.length = 0;
    this.inString = this.escaped = this.inToken = this.expectKey = false;
    this.keyText = null;
  }

  private count(): void {
    if (++this.values > this.limits.maxValues) throw this.refuse({ kind: 'values', limit: this.limits.maxValues });
  }

  private endString(): void {
    this.inString = false;
    const raw = this.keyText;
    if (raw === null) return;
    this.keyText = null;
    const key = decodeKey(raw);
    this.keys[this.depth] = key;
    const set = this.keySets[this.depth];
    if (!set) return;
    if (set.has(key)) throw this.refuse({ kind: 'duplicate', key, depth: this.depth });
    if (set.size >= this.limits.maxKeys) throw this.refuse({ kind: 'keys', limit: this.limits.maxKeys, depth: this.depth });
    set.add(key);
  }
}

/** A key's raw text (between the quotes) as JSON.parse reads it: "\u0061" and "a" are the same key. */
function decodeKey(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw; // an invalid escape: JSON.parse refuses the whole text afterwards
  }
}

/** Scans a whole text at once; returns the scanner (its counts and heldBytes()). */
export function scanJson(text: string, limits: JsonLimits, refuse: (problem: JsonProblem) => Error): JsonBoundsScanner {
  const scanner = new JsonBoundsScanner(limits, refuse);
  scanner.feed(text);
  return scanner;
}

/** "8,388,608" — limits in messages. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

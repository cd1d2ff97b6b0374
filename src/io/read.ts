/**
 * readDistillSet: Blob/File → validated DistillSet. The container is chosen by file extension, else by the
 * first bytes, through a registry (name → reader); the contract (contract.ts) is the same for all.
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { toDistillSet } from './contract.ts';
import { CONTRACT_TENSORS, type DistillSet } from './distill_set.ts';
import { FormatError, withHint, type FormatErrorCode } from './errors.ts';
import { readJsonl } from './jsonl_read.ts';
import { readNpz } from './npz_read.ts';
import type { TensorFile } from './raw_tensor.ts';
import { readSafetensors } from './safetensors_read.ts';

export interface ContainerReader {
  /** Lower-case extensions with the dot. */
  extensions: readonly string[];
  /** True when the first bytes (up to SNIFF_BYTES) look like this container. */
  sniff: (head: Uint8Array) => boolean;
  read: (blob: Blob, opts?: ReadOptions) => Promise<TensorFile>;
}

export const SNIFF_BYTES = 16;

export const READERS: Readonly<Record<string, ContainerReader>> = {
  safetensors: {
    extensions: ['.safetensors'],
    // u64 header length, then the JSON header's opening brace
    sniff: (h) => h.length >= 9 && h[8] === 0x7b && h[6] === 0 && h[7] === 0,
    read: readSafetensors,
  },
  npz: {
    extensions: ['.npz'],
    sniff: (h) => h[0] === 0x50 && h[1] === 0x4b && (h[2] === 3 || h[2] === 5) && (h[3] === 4 || h[3] === 6), // PK\3\4 or PK\5\6
    read: readNpz,
  },
  jsonl: {
    extensions: ['.jsonl', '.ndjson'],
    sniff: (h) => {
      const i = h.findIndex((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
      return i >= 0 && h[i] === 0x7b; // '{' after whitespace / a UTF-8 BOM
    },
    read: readJsonl,
  },
};

/** Name of the reader for this file: by extension, else by magic bytes; throws 'unknown_container'. */
export async function pickContainer(blob: Blob, name: string): Promise<string> {
  return (await chooseContainer(blob, name)).key;
}

async function chooseContainer(blob: Blob, name: string): Promise<{ key: string; extension?: string }> {
  const lower = name.toLowerCase();
  for (const [key, r] of Object.entries(READERS)) {
    const extension = r.extensions.find((ext) => lower.endsWith(ext));
    if (extension) return { key, extension };
  }
  const head = await fileHead(blob);
  for (const [key, r] of Object.entries(READERS)) if (r.sniff(head)) return { key };
  const known = Object.values(READERS).flatMap((r) => r.extensions).join(' | ');
  throw new FormatError('unknown_container', `cannot tell the container of "${name}"`, { expected: known, found: name });
}

function fileHead(blob: Blob): Promise<Uint8Array> {
  return new BlobSource(blob).read(0, Math.min(SNIFF_BYTES, blob.size), 'file start');
}

/** Errors about the container's structure: where a wrong extension shows first. */
const CONTAINER_CODES: ReadonlySet<FormatErrorCode> = new Set([
  'truncated', 'header_length', 'bad_header', 'bad_offsets', 'size_mismatch', 'npy_magic', 'npy_header',
  'zip', 'zip_method', 'zip_inflate', 'zip_crc', 'jsonl_parse', 'unknown_dtype',
]);

/** Decodes the container into tensors + metadata, without the contract (e.g. for student.safetensors). */
export async function readTensorFile(blob: Blob, name: string, opts?: ReadOptions): Promise<TensorFile> {
  const { key, extension } = await chooseContainer(blob, name);
  try {
    return await READERS[key].read(blob, opts);
  } catch (err) {
    // A structural error from a reader the extension chose, on a file that starts like another container:
    // say so, since renaming is the fix (a jsonl file named .safetensors fails on a "header length").
    if (!(err instanceof FormatError) || !extension || !CONTAINER_CODES.has(err.code) || blob.size === 0) throw err;
    const head = await fileHead(blob);
    if (READERS[key].sniff(head)) throw err;
    const other = Object.entries(READERS).find(([k, r]) => k !== key && r.sniff(head));
    const hint = other
      ? `the name's ${extension} extension chose the ${key} reader, but the file starts like ${other[0]}: rename it to ${other[1].extensions[0]}`
      : `the name's ${extension} extension chose the ${key} reader, and the file does not start like ${key}`;
    throw withHint(err, hint);
  }
}

/** Reads, decodes and validates a distillation set: only the contract's tensors are read (others are skipped). */
export async function readDistillSet(blob: Blob, name: string, opts?: ReadOptions): Promise<DistillSet> {
  return toDistillSet(await readTensorFile(blob, name, { only: CONTRACT_TENSORS, ...opts }));
}

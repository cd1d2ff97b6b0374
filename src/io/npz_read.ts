/**
 * Reader for NumPy .npz archives (np.savez / np.savez_compressed): a zip of `NAME.npy` members.
 * The member `metadata` (or `metadata.npy`) is a 0-d string array ('<U…' as numpy writes str, or '|S…'
 * bytes) holding a JSON object; it becomes TensorFile.metadata. Every other member is a numeric tensor.
 * Members the read does not want (ReadOptions.only) are skipped: never read, never inflated. The .npy header
 * of every other member is read first (a small look-ahead), so the memory budget is checked before any array
 * data is read.
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { FormatError, shapeStr } from './errors.ts';
import { JSON_BYTES_PER_VALUE, MAX_HEADER_JSON_VALUES } from './json_bounds.ts';
import { checkMemoryBudget, estimateMemory, type TensorPlan } from './memory_budget.ts';
import { parseMetadataJson } from './metadata.ts';
import { decodeNpyData, npyHeaderLength, NPY_PREAMBLE_BYTES, parseNpyHeader, type NpyHeader } from './npy.ts';
import { ITEM_BYTES, MAX_TENSORS, type RawTensor, type TensorFile } from './raw_tensor.ts';
import { readZipDirectory, readZipMember, readZipMemberPrefix, ZIP_ENTRY_BYTES, type ZipEntry } from './zip.ts';

export const NPZ_METADATA_KEY = 'metadata';

/** Largest .npy header we read (numpy's own np.load refuses headers over 10,000 bytes by default). */
export const MAX_NPY_HEADER_BYTES = 1024 * 1024;

/** Longest metadata text: 16M characters (a 1M-token vocabulary list is ~12M); 64 MiB as '<U'. */
export const MAX_METADATA_CHARS = 2 ** 24;

export async function readNpz(blob: Blob, opts: ReadOptions = {}): Promise<TensorFile> {
  const src = new BlobSource(blob, opts);
  const directory = await readZipDirectory(src, MAX_TENSORS);
  const members = directory
    .filter((e) => !e.name.endsWith('/')) // directory entries (not written by numpy)
    .sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)
    .map((entry) => ({ entry, name: entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name }));
  const seen = new Set<string>();
  for (const { name } of members) {
    if (seen.has(name)) throw new FormatError('duplicate_tensor', 'array stored twice in the archive', { tensor: name });
    seen.add(name);
  }
  const wanted = members.filter(({ name }) => name === NPZ_METADATA_KEY || src.wants(name));
  const plans: TensorPlan[] = [];
  const headers = new Map<string, NpyHeader>();
  const ahead = src.lookahead();
  for (const { entry, name } of wanted) {
    const header = await peekNpyHeader(ahead, entry, name);
    if (name === NPZ_METADATA_KEY) checkMetadataHeader(header);
    else if (header.element.kind !== 'numeric') throw stringArray(name);
    headers.set(name, header);
    plans.push(planOf(name, entry, header));
  }
  checkMemoryBudget(estimateMemory(plans, directory.length * ZIP_ENTRY_BYTES), src.budgetBytes);

  const tensors = new Map<string, RawTensor>();
  let metadata: Record<string, unknown> = {};
  for (const { entry, name } of wanted) {
    const header = headers.get(name) as NpyHeader;
    const member = await readZipMember(src, entry);
    const array = decodeNpyData(header, member.subarray(header.dataOffset), name);
    if (name === NPZ_METADATA_KEY) {
      if (array.kind !== 'strings') throw stringArray(name); // checked from the header: unreachable
      metadata = parseMetadataJson(array.values[0], NPZ_METADATA_KEY);
    } else if (array.kind === 'tensor') {
      tensors.set(name, array.tensor);
    } else {
      throw stringArray(name);
    }
  }
  src.finish();
  const skipped = members.filter((m) => !wanted.includes(m)).map((m) => m.name);
  return skipped.length > 0 ? { tensors, metadata, skipped } : { tensors, metadata };
}

function stringArray(name: string): FormatError {
  return new FormatError('unsupported_dtype', 'string arrays are only allowed for `metadata`', { tensor: name, expected: 'numeric dtype', found: 'string' });
}

/** The metadata member must be one string (0-d <U / |S) of at most MAX_METADATA_CHARS: known from its header. */
function checkMetadataHeader(h: NpyHeader): void {
  const where = { tensor: NPZ_METADATA_KEY };
  const el = h.element;
  if (el.kind === 'numeric' || h.shape.length !== 0) {
    const found = el.kind === 'numeric' ? el.dtype : `a string array of shape ${shapeStr(h.shape)}`;
    throw new FormatError('bad_metadata', 'must be a 0-d string array holding a JSON object: np.array(json.dumps(meta))', { ...where, expected: '0-d <U or |S array', found });
  }
  if (el.chars > MAX_METADATA_CHARS) {
    throw new FormatError('too_large', `a string of ${el.chars} characters, more than a metadata member may hold`, { ...where, expected: `≤ ${MAX_METADATA_CHARS} characters`, found: `${el.chars} characters` });
  }
}

/** The member's .npy header, read by inflating only its first bytes; its shape must account for the member's size. */
async function peekNpyHeader(src: BlobSource, entry: ZipEntry, name: string): Promise<NpyHeader> {
  const length = npyHeaderLength(await readZipMemberPrefix(src, entry, NPY_PREAMBLE_BYTES), name);
  if (length > MAX_NPY_HEADER_BYTES) throw new FormatError('npy_header', 'header too long', { tensor: name, expected: `≤ ${MAX_NPY_HEADER_BYTES} bytes`, found: `${length} bytes` });
  const header = parseNpyHeader(await readZipMemberPrefix(src, entry, length), name);
  if (header.dataOffset + header.dataBytes !== entry.uncompressedSize) {
    throw new FormatError('size_mismatch', `byte size does not match the header's shape ${shapeStr(header.shape)}`, {
      tensor: name,
      expected: `${header.dataBytes} bytes`,
      found: `${entry.uncompressedSize - header.dataOffset} bytes`,
    });
  }
  return header;
}

/**
 * What reading the member holds: the member itself, plus a copy to byte-swap or to align its data. The
 * metadata string: the member, its UTF-16 code units and the string (two bytes a unit each), and what
 * JSON.parse may build from it (at most MAX_HEADER_JSON_VALUES values, checked before it runs).
 */
function planOf(name: string, entry: ZipEntry, h: NpyHeader): TensorPlan {
  const el = h.element;
  if (el.kind !== 'numeric') {
    const units = 2 * el.chars; // a code point outside the BMP is two UTF-16 units
    return { name, dtype: 'u8', count: h.dataBytes, storedBytes: entry.uncompressedSize + 4 * units + MAX_HEADER_JSON_VALUES * JSON_BYTES_PER_VALUE };
  }
  const item = ITEM_BYTES[el.dtype];
  const copy = (el.bigEndian && item > 1) || h.dataOffset % item !== 0;
  return { name, dtype: el.dtype, count: h.dataBytes / item, storedBytes: entry.uncompressedSize + (copy ? h.dataBytes : 0) };
}

/**
 * Reader for NumPy .npz archives (np.savez / np.savez_compressed): a zip of `NAME.npy` members.
 * The member `metadata` (or `metadata.npy`) is a 0-d string array ('<U…' as numpy writes str, or '|S…'
 * bytes) holding a JSON object; it becomes TensorFile.metadata. Every other member is a numeric tensor.
 * Every member's .npy header is read first (a small look-ahead), so the memory budget is checked before
 * any array data is read.
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { FormatError, shapeStr } from './errors.ts';
import { checkMemoryBudget, estimateMemory, type TensorPlan } from './memory_budget.ts';
import { decodeNpy, npyHeaderLength, NPY_PREAMBLE_BYTES, parseNpyHeader, type NpyHeader } from './npy.ts';
import { ITEM_BYTES, type RawTensor, type TensorFile } from './raw_tensor.ts';
import { readZipDirectory, readZipMember, readZipMemberPrefix, type ZipEntry } from './zip.ts';

export const NPZ_METADATA_KEY = 'metadata';

/** Largest .npy header we read (numpy's own np.load refuses headers over 10,000 bytes by default). */
export const MAX_NPY_HEADER_BYTES = 1024 * 1024;

export async function readNpz(blob: Blob, opts: ReadOptions = {}): Promise<TensorFile> {
  const src = new BlobSource(blob, opts);
  const members = (await readZipDirectory(src))
    .filter((e) => !e.name.endsWith('/')) // directory entries (not written by numpy)
    .sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)
    .map((entry) => ({ entry, name: entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name }));
  const seen = new Set<string>();
  const plans: TensorPlan[] = [];
  const ahead = src.lookahead();
  for (const { entry, name } of members) {
    if (seen.has(name)) throw new FormatError('duplicate_tensor', 'array stored twice in the archive', { tensor: name });
    seen.add(name);
    const header = await peekNpyHeader(ahead, entry, name);
    if (name !== NPZ_METADATA_KEY && header.element.kind !== 'numeric') throw stringArray(name);
    plans.push(planOf(name, entry, header));
  }
  checkMemoryBudget(estimateMemory(plans), src.budgetBytes);

  const tensors = new Map<string, RawTensor>();
  let metadata: Record<string, unknown> = {};
  for (const { entry, name } of members) {
    const array = decodeNpy(await readZipMember(src, entry), name);
    if (name === NPZ_METADATA_KEY) {
      metadata = parseMetadataArray(array);
    } else if (array.kind === 'tensor') {
      tensors.set(name, array.tensor);
    } else {
      throw stringArray(name);
    }
  }
  src.finish();
  return { tensors, metadata };
}

function stringArray(name: string): FormatError {
  return new FormatError('unsupported_dtype', 'string arrays are only allowed for `metadata`', { tensor: name, expected: 'numeric dtype', found: 'string' });
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

/** What reading the member holds: the member itself, plus a copy to byte-swap or to align its data. */
function planOf(name: string, entry: ZipEntry, h: NpyHeader): TensorPlan {
  const el = h.element;
  if (el.kind !== 'numeric') return { name, dtype: 'u8', count: h.dataBytes, storedBytes: entry.uncompressedSize + 2 * h.dataBytes };
  const item = ITEM_BYTES[el.dtype];
  const copy = (el.bigEndian && item > 1) || h.dataOffset % item !== 0;
  return { name, dtype: el.dtype, count: h.dataBytes / item, storedBytes: entry.uncompressedSize + (copy ? h.dataBytes : 0) };
}

function parseMetadataArray(array: ReturnType<typeof decodeNpy>): Record<string, unknown> {
  const where = { tensor: NPZ_METADATA_KEY };
  if (array.kind !== 'strings' || array.values.length !== 1) {
    const found = array.kind === 'strings' ? `${array.values.length} strings` : array.tensor.dtype;
    throw new FormatError('bad_metadata', 'must be a 0-d string array holding a JSON object: np.array(json.dumps(meta))', { ...where, expected: '0-d <U or |S array', found });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(array.values[0]);
  } catch (e) {
    throw new FormatError('bad_metadata', `not JSON: ${(e as Error).message}`, { ...where, found: JSON.stringify(array.values[0].slice(0, 60)) });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FormatError('bad_metadata', 'must hold a JSON object', { ...where, found: Array.isArray(parsed) ? 'array' : typeof parsed });
  }
  return parsed as Record<string, unknown>;
}

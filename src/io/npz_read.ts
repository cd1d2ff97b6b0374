/**
 * Reader for NumPy .npz archives (np.savez / np.savez_compressed): a zip of `NAME.npy` members.
 * The member `metadata` (or `metadata.npy`) is a 0-d string array ('<U…' as numpy writes str, or '|S…'
 * bytes) holding a JSON object; it becomes TensorFile.metadata. Every other member is a numeric tensor.
 */
import { BlobSource, type ReadOptions } from './blob_source.ts';
import { FormatError } from './errors.ts';
import { decodeNpy } from './npy.ts';
import type { RawTensor, TensorFile } from './raw_tensor.ts';
import { readZipDirectory, readZipMember } from './zip.ts';

export const NPZ_METADATA_KEY = 'metadata';

export async function readNpz(blob: Blob, opts: ReadOptions = {}): Promise<TensorFile> {
  const src = new BlobSource(blob, opts);
  const entries = await readZipDirectory(src);
  const tensors = new Map<string, RawTensor>();
  let metadata: Record<string, unknown> = {};
  let sawMetadata = false;
  for (const entry of [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)) {
    if (entry.name.endsWith('/')) continue; // directory entries (not written by numpy)
    const name = entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name;
    if (tensors.has(name) || (name === NPZ_METADATA_KEY && sawMetadata)) {
      throw new FormatError('duplicate_tensor', 'array stored twice in the archive', { tensor: name });
    }
    const array = decodeNpy(await readZipMember(src, entry), name);
    if (name === NPZ_METADATA_KEY) {
      metadata = parseMetadataArray(array);
      sawMetadata = true;
    } else if (array.kind === 'tensor') {
      tensors.set(name, array.tensor);
    } else {
      throw new FormatError('unsupported_dtype', 'string arrays are only allowed for `metadata`', { tensor: name, expected: 'numeric dtype', found: 'string' });
    }
  }
  src.finish();
  return { tensors, metadata };
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

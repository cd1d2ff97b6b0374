/**
 * A Hugging Face model directory as Blobs (files from disk, or dropped into the page): `config.json` plus
 * `model.safetensors`, or a sharded `model.safetensors.index.json` with its shards. Only the headers are read
 * to open it; `readHfTensors` then reads just the tensors asked for (a 12-layer teacher feeding a 6-layer
 * student reads half its layers), shard by shard, in chunks, with progress, under the memory budget, and
 * converts them to float32. Pickle checkpoints (pytorch_model.bin) are never loaded.
 */
import type { ReadOptions } from './blob_source.ts';
import { toFloat32 } from './dtype_convert.ts';
import { checkMemoryBudget, estimateMemory, resolveBudget } from './memory_budget.ts';
import type { DType } from './raw_tensor.ts';
import { readSafetensors, readSafetensorsHeader } from './safetensors_read.ts';

export const SINGLE_FILE = 'model.safetensors';
export const SHARD_INDEX = 'model.safetensors.index.json';

export interface HfTensorInfo {
  file: string;
  dtype: DType;
  shape: number[];
  bytes: number;
}

export interface HfCheckpoint {
  /** config.json. */
  config: Record<string, unknown>;
  /** Every tensor of the checkpoint by name: which file holds it, its dtype and shape. */
  tensors: ReadonlyMap<string, HfTensorInfo>;
  files: ReadonlyMap<string, Blob>;
}

export interface HfFloatTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** One line for a directory that is not a readable Hugging Face checkpoint. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

async function jsonFile(blob: Blob, name: string): Promise<Record<string, unknown>> {
  if (blob.size > 64 * 2 ** 20) throw new CheckpointError(`${name} is ${blob.size} bytes: not a config (over 64 MiB)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await blob.text());
  } catch (err) {
    throw new CheckpointError(`${name} is not JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CheckpointError(`${name} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Opens a checkpoint from its files (name → Blob, names relative to the model directory). */
export async function openHfCheckpoint(files: ReadonlyMap<string, Blob>): Promise<HfCheckpoint> {
  const configBlob = files.get('config.json');
  if (!configBlob) throw new CheckpointError('no config.json: not a Hugging Face model directory');
  const config = await jsonFile(configBlob, 'config.json');
  let shards: string[];
  if (files.has(SINGLE_FILE)) {
    shards = [SINGLE_FILE];
  } else if (files.has(SHARD_INDEX)) {
    const index = await jsonFile(files.get(SHARD_INDEX) as Blob, SHARD_INDEX);
    const map = index.weight_map;
    if (typeof map !== 'object' || map === null) throw new CheckpointError(`${SHARD_INDEX} has no weight_map`);
    shards = [...new Set(Object.values(map as Record<string, unknown>).map(String))].sort();
    const missing = shards.filter((s) => !files.has(s));
    if (missing.length > 0) throw new CheckpointError(`${SHARD_INDEX} names shards that are not there: ${missing.join(', ')}`);
  } else if ([...files.keys()].some((n) => n.endsWith('.bin') || n.endsWith('.pt') || n.endsWith('.pth'))) {
    throw new CheckpointError('only a pickle checkpoint (pytorch_model.bin) is there: it is never loaded; save the model with save_pretrained (safetensors is the default)');
  } else {
    throw new CheckpointError(`no ${SINGLE_FILE} (or ${SHARD_INDEX} with its shards)`);
  }
  const tensors = new Map<string, HfTensorInfo>();
  for (const file of shards) {
    const header = await readSafetensorsHeader(files.get(file) as Blob);
    for (const e of header.entries) {
      if (tensors.has(e.name)) throw new CheckpointError(`tensor "${e.name}" is in both ${tensors.get(e.name)?.file} and ${file}`);
      tensors.set(e.name, { file, dtype: e.dtype, shape: e.shape, bytes: e.end - e.begin });
    }
  }
  return { config, tensors, files };
}

/**
 * The named tensors as float32 (f32 / f16 / bf16 on disk), read shard by shard. Refused before any data is
 * read when a name is missing or the float32 copies would exceed the memory budget. Progress counts the bytes
 * of the selected tensors.
 */
export async function readHfTensors(ckpt: HfCheckpoint, names: readonly string[], opts: ReadOptions = {}): Promise<Map<string, HfFloatTensor>> {
  const missing = names.filter((n) => !ckpt.tensors.has(n));
  if (missing.length > 0) throw new CheckpointError(`the checkpoint lacks ${missing.slice(0, 3).map((n) => `"${n}"`).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
  const infos = names.map((n) => [n, ckpt.tensors.get(n) as HfTensorInfo] as const);
  // on disk bytes + the float32 copy of each
  checkMemoryBudget(
    estimateMemory(infos.flatMap(([name, t]) => [{ name, dtype: t.dtype, count: t.shape.reduce((a, b) => a * b, 1) }, { name: `${name} (float32)`, dtype: 'f32' as const, count: t.shape.reduce((a, b) => a * b, 1) }])),
    resolveBudget(opts.memoryBudgetBytes),
  );
  const total = infos.reduce((s, [, t]) => s + t.bytes, 0);
  let done = 0;
  const out = new Map<string, HfFloatTensor>();
  for (const file of [...new Set(infos.map(([, t]) => t.file))]) {
    const inFile = infos.filter(([, t]) => t.file === file);
    const fileBytes = inFile.reduce((s, [, t]) => s + t.bytes, 0);
    const read = await readSafetensors(ckpt.files.get(file) as Blob, {
      ...opts,
      only: inFile.map(([name]) => name),
      onProgress: opts.onProgress ? (bytes, size) => opts.onProgress?.(done + Math.min(fileBytes, Math.round((bytes / size) * fileBytes)), total) : undefined,
    });
    for (const [name, raw] of read.tensors) out.set(name, { name, shape: [...raw.shape], data: toFloat32(raw, name) });
    done += fileBytes;
    opts.onProgress?.(done, total);
  }
  return out;
}

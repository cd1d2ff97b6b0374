/**
 * A stored student (safetensors bytes + config.json) in the other export layouts: tfjs weights manifest
 * (model.json + weights.bin, see worker/export_tfjs.ts). Decoding uses the io safetensors reader.
 */
import { readSafetensors } from '../../io/safetensors_read.ts';
import type { NamedArray } from '../../engine/trainer_types.ts';
import { toTfjsWeights } from '../../worker/export_tfjs.ts';

export async function namedArraysFromSafetensors(bytes: Uint8Array): Promise<NamedArray[]> {
  const file = await readSafetensors(new Blob([new Uint8Array(bytes)]));
  const out: NamedArray[] = [];
  for (const [name, t] of file.tensors) {
    if (t.data instanceof Float32Array) out.push({ name, dtype: 'F32', shape: t.shape, data: t.data });
    else if (t.data instanceof Int32Array) out.push({ name, dtype: 'I32', shape: t.shape, data: t.data });
    else throw new Error(`${name}: dtype ${t.dtype} cannot go into the tfjs export (float32/int32 only)`);
  }
  return out;
}

export async function tfjsFilesFromSafetensors(
  bytes: Uint8Array,
  configJson: string,
): Promise<{ modelJson: string; weights: Uint8Array }> {
  let config: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(configJson);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) config = { ...parsed };
  } catch {
    config = {};
  }
  const tfjs = toTfjsWeights(await namedArraysFromSafetensors(bytes), config);
  return { modelJson: JSON.stringify(tfjs.modelJson, null, 2), weights: tfjs.weights };
}

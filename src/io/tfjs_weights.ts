/**
 * The student in tfjs's weights-manifest layout: `model.json` + one `weights.bin`.
 *
 * model.json = {
 *   format: 'distill-student',            // not a Layers/Graph model: there is no modelTopology
 *   generatedBy, convertedBy: null,
 *   modelTopology: null,
 *   weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype: 'float32' | 'int32' }, …] }],
 *   userDefinedMetadata: { config }         // the student's config.json content
 * }
 * weights.bin = every array's little-endian bytes, concatenated in manifest order (no padding).
 *
 * The page builds these from a stored student (tfjsFilesFromSafetensors) when they are asked for.
 * Load it back with `tf.io.loadWeights(modelJson.weightsManifest, baseUrl)` (a name → tensor map, names as in
 * student.safetensors), or `tf.io.decodeWeights(weightsBin, modelJson.weightsManifest[0].weights)`.
 */
import type { NamedArray } from '../engine/trainer_types.ts';
import { readSafetensors } from './safetensors_read.ts';

export interface TfjsWeightsEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

export interface TfjsModelJson {
  format: 'distill-student';
  generatedBy: string;
  convertedBy: null;
  modelTopology: null;
  weightsManifest: { paths: string[]; weights: TfjsWeightsEntry[] }[];
  userDefinedMetadata: { config: Record<string, unknown> };
}

export const TFJS_WEIGHTS_FILE = 'weights.bin';

export function toTfjsWeights(
  tensors: readonly NamedArray[],
  config: Record<string, unknown>,
): { modelJson: TfjsModelJson; weights: Uint8Array } {
  let total = 0;
  for (const t of tensors) total += t.data.byteLength;
  const weights = new Uint8Array(total);
  const entries: TfjsWeightsEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new Error(`tensor ${t.name}: shape [${t.shape}] holds ${size} values, data has ${t.data.length}`);
    // Typed arrays are little-endian on every platform browsers run on; tfjs expects exactly that.
    weights.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset);
    offset += t.data.byteLength;
    entries.push({ name: t.name, shape: [...t.shape], dtype: t.dtype === 'F32' ? 'float32' : 'int32' });
  }
  return {
    modelJson: {
      format: 'distill-student',
      generatedBy: 'distill-playground',
      convertedBy: null,
      modelTopology: null,
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: entries }],
      userDefinedMetadata: { config },
    },
    weights,
  };
}

/** Decodes weights.bin with its manifest back into named arrays (inverse of toTfjsWeights, no tfjs needed). */
export function fromTfjsWeights(modelJson: TfjsModelJson, weights: Uint8Array): NamedArray[] {
  const out: NamedArray[] = [];
  let offset = 0;
  for (const group of modelJson.weightsManifest) {
    for (const w of group.weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      const bytes = weights.slice(offset, offset + size * 4);
      if (bytes.byteLength !== size * 4) throw new Error(`weights.bin is too short for ${w.name}`);
      offset += size * 4;
      out.push(
        w.dtype === 'float32'
          ? { name: w.name, dtype: 'F32', shape: w.shape, data: new Float32Array(bytes.buffer) }
          : { name: w.name, dtype: 'I32', shape: w.shape, data: new Int32Array(bytes.buffer) },
      );
    }
  }
  return out;
}

/** A stored student (safetensors bytes) as named arrays: float32 and int32 tensors only. */
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

/** A stored student (safetensors bytes + config.json text) in the tfjs layout: model.json text + weights.bin. */
export async function tfjsFilesFromSafetensors(bytes: Uint8Array, configJson: string): Promise<{ modelJson: string; weights: Uint8Array }> {
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

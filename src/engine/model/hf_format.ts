/**
 * The student as a Hugging Face model directory: weights in the family's torch names and layout
 * (model.safetensors) and its config.json. The engine keeps every linear weight [in, out]; torch.nn.Linear
 * stores [out, in], so those are transposed on the way out and back in. Tied weights (the LM head is the word
 * embedding matrix) are left out of the file, as save_pretrained does, and re-tied by the loader.
 */
import { ARCHITECTURES } from './architectures/index.ts';
import type { StudentSpec } from './architectures/types.ts';
import { parameterDefs } from './spec.ts';

/** A named float32 array (the shape of safetensors entries and checkpoints). */
export interface WeightArray {
  name: string;
  dtype: 'F32';
  shape: number[];
  data: Float32Array;
}

/** [r, c] row-major → [c, r]. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const from = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[from + c];
  }
  return out;
}

/** Engine-layout parameters → the tensors of model.safetensors (torch layout, tied weights left out). */
export function toDiskTensors(spec: StudentSpec, engine: readonly WeightArray[]): WeightArray[] {
  const byName = new Map(engine.map((a) => [a.name, a]));
  return parameterDefs(spec).map((def) => {
    const a = byName.get(def.name);
    if (!a) throw new Error(`student export lacks "${def.name}"`);
    if (!def.transposeOnDisk) return { ...a, shape: [...a.shape] };
    const [rows, cols] = a.shape;
    return { name: def.name, dtype: 'F32', shape: [cols, rows], data: transpose(a.data, rows, cols) };
  });
}

/** A WeightArray read only when asked (streamed export: one tensor's copy alive at a time, not the model's). */
export interface WeightSource {
  name: string;
  dtype: 'F32';
  shape: number[];
  read(): Promise<Float32Array>;
}

/** toDiskTensors over sources: the disk names and shapes now, each tensor's bytes (torch layout) at its read(). */
export function toDiskSources(spec: StudentSpec, engine: readonly WeightSource[]): WeightSource[] {
  const byName = new Map(engine.map((a) => [a.name, a]));
  return parameterDefs(spec).map((def) => {
    const a = byName.get(def.name);
    if (!a) throw new Error(`student export lacks "${def.name}"`);
    if (!def.transposeOnDisk) return { ...a, shape: [...a.shape] };
    const [rows, cols] = a.shape;
    return { name: def.name, dtype: 'F32', shape: [cols, rows], read: async () => transpose(await a.read(), rows, cols) };
  });
}

/**
 * The tensors of model.safetensors → engine-layout parameters in parameterDefs order. Tied names are accepted
 * and ignored (transformers re-ties them too); missing or misshapen tensors are refused by name; `extra`
 * receives tensors that are not part of the student.
 */
export function fromDiskTensors(spec: StudentSpec, disk: readonly WeightArray[], extra?: (a: WeightArray) => void): WeightArray[] {
  const tied = new Set(ARCHITECTURES[spec.architecture].tied(spec).map((t) => t.name));
  const defs = parameterDefs(spec);
  const known = new Set(defs.map((d) => d.name));
  const byName = new Map<string, WeightArray>();
  for (const a of disk) {
    if (known.has(a.name)) byName.set(a.name, a);
    else if (!tied.has(a.name)) extra?.(a);
  }
  return defs.map((def) => {
    const a = byName.get(def.name);
    if (!a) throw new Error(`student weights lack "${def.name}" (a ${spec.architecture} ${spec.task} student)`);
    const expected = def.transposeOnDisk ? [def.shape[1], def.shape[0]] : def.shape;
    if (a.shape.join(',') !== expected.join(',')) {
      throw new Error(`student weight "${def.name}": expected shape [${expected}] on disk, found [${a.shape}]`);
    }
    if (!def.transposeOnDisk) return a;
    return { name: def.name, dtype: 'F32', shape: [...def.shape], data: transpose(a.data, expected[0], expected[1]) };
  });
}

/**
 * Some of model.safetensors' tensors (e.g. copied from a teacher) → engine layout. Unknown names and wrong
 * shapes are refused by name; tensors not given are simply absent.
 */
export function partialFromDisk(spec: StudentSpec, disk: readonly WeightArray[]): WeightArray[] {
  const defs = new Map(parameterDefs(spec).map((d) => [d.name, d]));
  return disk.map((a) => {
    const def = defs.get(a.name);
    if (!def) throw new Error(`"${a.name}" is not a parameter of a ${spec.architecture} ${spec.task} student`);
    const expected = def.transposeOnDisk ? [def.shape[1], def.shape[0]] : def.shape;
    if (a.shape.join(',') !== expected.join(',')) throw new Error(`"${a.name}": expected shape [${expected}] on disk, found [${a.shape}]`);
    return def.transposeOnDisk ? { name: a.name, dtype: 'F32', shape: [...def.shape], data: transpose(a.data, expected[0], expected[1]) } : a;
  });
}

export interface SpecialTokens {
  padId: number;
  maskId?: number;
  bosId?: number;
  eosId?: number;
}

/**
 * config.json for transformers: the family's own keys (hfConfig), `architectures` (the class for the task),
 * `dtype`, the special token ids and, for classifiers, num_labels / id2label / label2id.
 */
export function hfModelConfig(spec: StudentSpec, tokens: SpecialTokens, labelNames?: readonly string[]): Record<string, unknown> {
  const arch = ARCHITECTURES[spec.architecture];
  const config: Record<string, unknown> = {
    architectures: [arch.classes[spec.task]],
    ...arch.hfConfig(spec),
    dtype: 'float32',
    pad_token_id: tokens.padId,
  };
  if (tokens.bosId !== undefined) config.bos_token_id = tokens.bosId;
  if (tokens.eosId !== undefined) config.eos_token_id = tokens.eosId;
  if (tokens.maskId !== undefined) config.mask_token_id = tokens.maskId;
  if (spec.task === 'classification') {
    const c = spec.numClasses ?? 0;
    const names = Array.from({ length: c }, (_, i) => labelNames?.[i] ?? `LABEL_${i}`);
    config.num_labels = c;
    config.id2label = Object.fromEntries(names.map((n, i) => [String(i), n]));
    config.label2id = Object.fromEntries(names.map((n, i) => [n, i]));
  }
  return config;
}

/** The family a config.json describes: legacy for 0.1 directories, else its model_type. */
export function architectureOfConfig(config: Record<string, unknown>): StudentSpec['architecture'] {
  const type = config.model_type;
  if (type === 'distill-playground-student') return 'legacy';
  if (type === 'distilbert' || type === 'gpt2') return type;
  throw new Error(`config.json model_type "${String(type)}" is not a student this tool writes (distilbert, gpt2)`);
}

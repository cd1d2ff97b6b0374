import type { DistillConfig } from '../config/config.ts';
import type { Task } from '../types.ts';
import { ARCHITECTURES, resolveArchitecture } from './architectures/index.ts';
import type { ArchitectureName, ParamDef, StudentSpec } from './architectures/types.ts';

export type { StudentSpec } from './architectures/types.ts';

export interface SpecData {
  vocabSize: number;
  numClasses?: number;
  /** The set's padding id (metadata pad_id; 0 when absent). */
  padId?: number;
}

/**
 * The student's shapes from the config and the data. `architecture` overrides the config's choice (a run
 * directory names its own family, e.g. legacy).
 */
export function studentSpec(config: Readonly<DistillConfig>, task: Task, data: SpecData, architecture?: ArchitectureName): StudentSpec {
  return {
    architecture: architecture ?? resolveArchitecture(config.architecture, task),
    task,
    nLayers: config.n_layers,
    dModel: config.d_model,
    nHeads: config.n_heads,
    dFf: config.d_ff,
    maxLen: config.max_len,
    dropout: config.dropout,
    pooling: config.pooling,
    vocabSize: data.vocabSize,
    numClasses: data.numClasses,
    padId: data.padId ?? 0,
  };
}

/** Every parameter of the student in the export order, with its engine shape ([in, out] for linear weights). */
export function parameterDefs(spec: StudentSpec): ParamDef[] {
  return ARCHITECTURES[spec.architecture].params(spec);
}

/** Shapes of every parameter by name, in the export order (engine layout). */
export function parameterShapes(spec: StudentSpec): [string, number[]][] {
  return parameterDefs(spec).map((d) => [d.name, d.shape]);
}

/** Number of trainable parameters of the student (tied head counted once). */
export function studentParamCount(spec: StudentSpec): number {
  return parameterDefs(spec).reduce((sum, d) => sum + d.shape.reduce((a, b) => a * b, 1), 0);
}

/** Size of the float32 weights in bytes. */
export function studentBytes(spec: StudentSpec): number {
  return studentParamCount(spec) * 4;
}

/** The parameters AdamW decays, by name: weight matrices, not biases, LayerNorm parameters or embeddings. */
export function decayedNames(spec: StudentSpec): Set<string> {
  return new Set(parameterDefs(spec).filter((d) => d.decay).map((d) => d.name));
}

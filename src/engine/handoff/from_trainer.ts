/**
 * The handoff recipe of a configured trainer on its set (engine/handoff/recipe.ts): the loss components on the
 * first training batches with dropout off (the parity record train.py --check-parity compares with), the
 * held-out split, the names AdamW decays. One function for `distill handoff` and the page's "Continue in
 * PyTorch" (through the training session).
 */
import * as tf from '@tensorflow/tfjs';
import { splitExamples } from '../data/split.ts';
import { ARCHITECTURES } from '../model/architectures/index.ts';
import type { ArchitectureName } from '../model/architectures/types.ts';
import { decayedNames, studentSpec } from '../model/spec.ts';
import type { Trainer } from '../trainer_types.ts';
import { activeTerms } from '../train/objective.ts';
import type { DistillSet } from '../types.ts';
import { buildRecipe, parityIndices, type HandoffRecipe, type ParityBatch } from './recipe.ts';

export interface HandoffOptions {
  name: string;
  architecture: ArchitectureName;
  /** Parity batches to record (2 by default). */
  parityBatches?: number;
  /** Whether the student directory carries the AdamW state (optimizer.safetensors). */
  hasOptimizerState: boolean;
  /** Optimiser steps the student has taken (default: the trainer's; a reloaded directory says its own). */
  stepsDone?: number;
}

export async function handoffRecipeFor(trainer: Trainer, set: DistillSet, o: HandoffOptions): Promise<HandoffRecipe> {
  const config = trainer.config;
  if (o.architecture === 'legacy') throw new Error('a Distill Playground 0.1 student has no transformers class to continue in: train a new one first');
  const split = splitExamples(set, config.eval_fraction, config.seed);
  const pool = split.train.length >= config.batch_size ? split.train : [...split.train, ...split.eval];
  const batches = parityIndices(pool, config.batch_size, o.parityBatches ?? 2);
  if (batches.length === 0) throw new Error(`the set has fewer examples (${set.n}) than one batch (${config.batch_size}): no parity batch to record`);
  const parity: ParityBatch[] = [];
  for (const indices of batches) parity.push({ indices, losses: (await trainer.evaluate(indices)).metrics.loss ?? { total: Number.NaN } });
  const labels = set.labels !== undefined || set.task === 'clm';
  const spec = studentSpec(config, set.task, { vocabSize: set.vocabSize, numClasses: set.numClasses, padId: set.metadata.padId }, o.architecture);
  return buildRecipe({
    name: o.name,
    task: set.task,
    architecture: o.architecture,
    modelClass: ARCHITECTURES[o.architecture].classes[set.task] ?? '?',
    config,
    terms: activeTerms(config, labels, set.teacherHidden !== undefined),
    decayed: [...decayedNames(spec)],
    hasOptimizerState: o.hasOptimizerState,
    stepsDone: o.stepsDone ?? trainer.currentStep(),
    data: {
      n: set.n,
      seq_len: set.seqLen,
      vocab_size: set.vocabSize,
      teacher: set.teacher.kind,
      k: set.teacher.kind === 'topk' ? set.teacher.k : null,
      has_labels: labels,
      has_hidden: set.teacherHidden !== undefined,
    },
    split: { source: split.source, eval: split.eval },
    parity,
    backend: trainer.backend.name,
    tfjsVersion: tf.version.tfjs,
  });
}

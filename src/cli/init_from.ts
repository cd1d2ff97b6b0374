import { openAsBlob } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DistillConfig } from '../engine/config/config.ts';
import { canonicalKey, mergeConfig } from '../engine/config/merge.ts';
import { planTeacherInit, type TeacherInitPlan } from '../engine/model/teacher_init.ts';
import type { NamedArray } from '../engine/trainer_types.ts';
import type { DistillSet } from '../engine/types.ts';
import { formatBytes } from '../io/index.ts';
import { openHfCheckpoint, readHfTensors } from '../io/hf_checkpoint.ts';
import { stringOption, type ParsedArgs } from './args.ts';
import { cliMemoryBudget } from './load.ts';
import { log, progressLine } from './progress.ts';

/** The config keys the person named in --config (canonical names): what a teacher init must not override. */
export async function explicitConfigKeys(args: ParsedArgs): Promise<Set<string>> {
  const file = stringOption(args, 'config');
  if (!file) return new Set();
  const parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  return new Set(Object.keys(parsed).map((k) => canonicalKey(k) ?? k));
}

export interface TeacherInit {
  config: Readonly<DistillConfig>;
  initialWeights: NamedArray[];
  plan: TeacherInitPlan;
}

/**
 * `distill train --init-from DIR`: plans the copy from the teacher directory's config.json and tensor names,
 * reads only the tensors it needs (progress on stderr), and returns the student's config and starting weights.
 */
export async function initFromTeacher(dir: string, set: DistillSet, config: Readonly<DistillConfig>, explicit: ReadonlySet<string>): Promise<TeacherInit> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`--init-from ${dir}: not a directory (a Hugging Face model directory: config.json + model.safetensors)`);
  const files = new Map<string, Blob>();
  for (const name of await readdir(dir)) {
    if (name === 'config.json' || name.endsWith('.safetensors') || name.endsWith('.json') || name.endsWith('.bin')) files.set(name, await openAsBlob(path.join(dir, name)));
  }
  const where = `--init-from ${dir}`;
  try {
    const ckpt = await openHfCheckpoint(files);
    const plan = planTeacherInit(ckpt.config, new Set(ckpt.tensors.keys()), set, config, explicit);
    const resolved = mergeConfig(config, plan.overrides);
    const bytes = plan.reads.reduce((s, n) => s + (ckpt.tensors.get(n)?.bytes ?? 0), 0);
    log(`teacher ${plan.family} (${plan.teacher.nLayers} layers, d ${plan.teacher.dModel}) → ${plan.architecture} student with layers ${plan.layers.join(', ')}; reading ${plan.reads.length} of ${ckpt.tensors.size} tensors (${formatBytes(bytes)})`);
    if (plan.notCopied.length > 0) log(`kept at their random init (the teacher has no counterpart): ${plan.notCopied.join(', ')}`);
    const progress = process.stderr.isTTY ? progressLine('reading teacher weights') : undefined;
    let ok = false;
    try {
      const read = await readHfTensors(ckpt, plan.reads, { onProgress: progress?.update, memoryBudgetBytes: cliMemoryBudget() });
      ok = true;
      const initialWeights: NamedArray[] = plan.build(read).map((a) => ({ name: a.name, dtype: 'F32', shape: a.shape, data: a.data }));
      return { config: resolved, initialWeights, plan };
    } finally {
      progress?.end(ok);
    }
  } catch (err) {
    throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

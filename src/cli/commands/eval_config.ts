import type { DistillConfig } from '../../engine/config/config.ts';
import { mergeConfig } from '../../engine/config/merge.ts';
import { applyVocabMap, type VocabMap } from '../../engine/data/trim_vocab.ts';
import type { DistillSet } from '../../engine/types.ts';

/**
 * The config to evaluate / predict a trained student on a (possibly different) set: the student's own
 * architecture and recipe, with loss terms the set cannot feed switched off (e.g. no teacher_hidden).
 */
export function configForSet(config: Readonly<DistillConfig>, set: DistillSet, overrides: Readonly<Record<string, unknown>> = {}): Readonly<DistillConfig> {
  const hasLabels = set.labels !== undefined || set.task === 'clm';
  const adjusted: Partial<DistillConfig> = {
    alpha_hard: hasLabels ? config.alpha_hard : 0,
    alpha_cos: set.teacherHidden ? config.alpha_cos : 0,
    distill_positions: hasLabels ? config.distill_positions : 'all',
  };
  const total = config.alpha_kd + (adjusted.alpha_hard ?? 0) + (adjusted.alpha_cos ?? 0) + config.alpha_mse;
  if (total <= 0) adjusted.alpha_kd = 1;
  return mergeConfig(config, adjusted, overrides);
}

/** Example indices for `--split`: all, or the file's own train/eval split (metadata `split`). */
export function splitIndices(set: DistillSet, which: string): { indices: number[]; split: string } {
  const tags = set.metadata.split;
  const resolved = which === 'auto' ? (tags ? 'eval' : 'all') : which;
  if (resolved === 'all') return { indices: Array.from({ length: set.n }, (_, i) => i), split: 'all' };
  if (resolved !== 'eval' && resolved !== 'train') throw new Error(`--split must be all, eval or train, found "${which}"`);
  if (!tags) throw new Error(`--split ${resolved} needs a file with "split" metadata; use --split all`);
  const indices = tags.flatMap((tag, i) => ((tag === 'train') === (resolved === 'train') ? [i] : []));
  if (indices.length === 0) throw new Error(`the file has no "${resolved}" examples`);
  return { indices, split: resolved };
}

/** The set in the student's ids: renumbered through a trimmed student's vocab_map.json, else unchanged. */
export function setForStudent(set: DistillSet, vocabMap: VocabMap | undefined): DistillSet {
  return vocabMap ? applyVocabMap(set, vocabMap) : set;
}

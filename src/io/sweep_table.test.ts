import { describe, expect, it } from 'vitest';
import type { DistillConfig } from '../engine/config/config.ts';
import type { EvalMetrics } from '../engine/trainer_types.ts';
import { sweepCsv, sweepJson, type SweepRow } from './sweep_table.ts';

/** io may not run engine code (mergeConfig): the table reads only the grid keys of a row's config. */
const configOf = (keys: Partial<DistillConfig>) => keys as DistillConfig;

const metrics = (kl: number, loss: Record<string, number>): EvalMetrics => ({
  label_loyalty: 0.5,
  prob_loyalty: 0.25,
  kl,
  teacher_accuracy: null,
  student_accuracy: null,
  n_positions: 96,
  loss: { total: kl, ...loss },
  per_lang: { en: { label_loyalty: 1, prob_loyalty: 1, kl: 0, teacher_accuracy: null, student_accuracy: null, n_positions: 1 } },
});

const rows: SweepRow[] = [
  { name: 'temperature=2,alpha_kd=0.5', config: configOf({ temperature: 2, alpha_kd: 0.5 }), final_metrics: metrics(1.5, { kd: 1.5 }), baseline: false, grid: { temperature: 2, alpha_kd: 0.5 }, dir: 'temperature=2,alpha_kd=0.5', wall_seconds: 3.25 },
  { name: 'baseline-hard', config: configOf({ alpha_kd: 0, alpha_hard: 1, temperature: 1 }), final_metrics: metrics(2, { hard: 2.5 }), baseline: true, grid: {}, dir: 'baseline-hard', wall_seconds: 2 },
];

describe('sweep table', () => {
  it('csv: name, grid keys from each row config, baseline, every scalar metric and each loss part', () => {
    expect(sweepCsv(rows, ['temperature', 'alpha_kd']).split('\n')).toEqual([
      'name,temperature,alpha_kd,baseline,label_loyalty,prob_loyalty,kl,teacher_accuracy,student_accuracy,n_positions,loss_total,loss_kd,loss_hard,wall_seconds,dir',
      '"temperature=2,alpha_kd=0.5",2,0.5,false,0.5,0.25,1.5,,,96,1.5,1.5,,3.25,"temperature=2,alpha_kd=0.5"',
      'baseline-hard,1,0,true,0.5,0.25,2,,,96,2,,2.5,2,baseline-hard',
      '',
    ]);
  });

  it('csv: a failed row has empty metrics and an error column', () => {
    const failed: SweepRow = { ...rows[0], name: 'temperature=4', final_metrics: null, wall_seconds: null, error: 'non-finite loss at step 3' };
    const lines = sweepCsv([rows[1], failed], ['temperature']).trim().split('\n');
    expect(lines[0].endsWith(',dir,error')).toBe(true);
    expect(lines[2]).toBe('temperature=4,2,false,,,,,,,,,,"temperature=2,alpha_kd=0.5",non-finite loss at step 3');
  });

  it('json: {"rows": [{name, config, final_metrics, baseline, …}]} round-trips', () => {
    const parsed = JSON.parse(sweepJson({ tool: 'distill-playground', started_at: 'now', grid: { temperature: [2] }, rows }));
    expect(Object.keys(parsed.rows[0])).toEqual(expect.arrayContaining(['name', 'config', 'final_metrics', 'baseline']));
    expect(parsed.rows[1]).toMatchObject({ name: 'baseline-hard', baseline: true, final_metrics: { kl: 2 } });
  });
});

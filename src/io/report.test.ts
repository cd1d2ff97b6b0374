import { describe, expect, it } from 'vitest';
import { buildReport, readReport, reportJson, type RunReport } from './report.ts';

const report: Omit<RunReport, 'tool'> = {
  status: 'done',
  name: 'kd · seed 0',
  student_ms_per_example: 0.4,
  started_at: '2026-01-02T03:04:05.000Z',
  wall_seconds: 12.5,
  data: null,
  config: { steps: 2 } as RunReport['config'],
  backend: { name: 'wasm', reason: 'wasm: requested', skipped: [] },
  student: { num_parameters: 500, hidden_size: 128 },
  history: [{ step: 1, total: 2, lr: 0.001, grad_norm: 1, ms_per_step: 1, tokens_per_s: 1 }],
  evals: [],
  initial_metrics: null,
  final_metrics: null,
};

describe('report.json', () => {
  it('has one key order, whichever writer builds it; recoveries only when there were some', () => {
    const built = buildReport(report);
    expect(Object.keys(built)).toEqual([
      'tool', 'started_at', 'wall_seconds', 'data', 'config', 'backend', 'student', 'history', 'evals', 'initial_metrics', 'final_metrics',
      'name', 'status', 'student_ms_per_example',
    ]);
    const recovery = { step: 4, from: 'webgpu', to: 'wasm', reason: 'lost', at: 1 };
    expect(buildReport({ ...report, recoveries: [recovery] }).recoveries).toEqual([recovery]);
    expect(reportJson(built).endsWith('}\n')).toBe(true);
  });
  it('reads back what it wrote, the config raw', () => {
    const back = readReport(reportJson(buildReport(report)), 'r.json');
    expect(back).toMatchObject({ name: 'kd · seed 0', startedAt: Date.UTC(2026, 0, 2, 3, 4, 5), config: { steps: 2 }, studentConfig: { hidden_size: 128 } });
    expect(back.student.num_parameters).toBe(500);
  });
  it('fills what an older or hand-made report lacks', () => {
    const back = readReport('{"config": {}, "history": [], "final": {"label_loyalty": 0.5, "prob_loyalty": 0.4}}', 'old.json');
    expect(back).toMatchObject({ name: null, startedAt: null, status: 'done', evals: [], final_metrics: { label_loyalty: 0.5 }, studentConfig: null });
  });
});

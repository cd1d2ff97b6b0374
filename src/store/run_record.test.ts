import { describe, expect, it } from 'vitest';
import { datasetOf, parseReport, reportOf, type RunRecord } from './run_record.ts';
import { summarizeSet } from '../io/summary.ts';
import { tinyMlmSet } from '../engine/testing/tiny_sets.ts';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import { fakeEval, FAKE_BACKEND } from '../engine/training/testing.ts';

const run: RunRecord = {
  id: 'r1',
  name: 'kd · seed 0',
  createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  wallSeconds: 12.5,
  config: { ...DEFAULT_CONFIG, steps: 2 },
  backend: FAKE_BACKEND,
  dataset: datasetOf(summarizeSet(tinyMlmSet({ n: 10, seqLen: 8 }), 'd.safetensors', 100)),
  paramCount: 500,
  studentConfig: { hidden_size: 128, num_hidden_layers: 2 },
  status: 'done',
  history: [
    { step: 1, total: 2, kd: 2, lr: 0.001, grad_norm: 1.5, ms_per_step: 12, tokens_per_s: 800 },
    { step: 2, total: 1.5, kd: 1.25, hard: 0.5, lr: 0.0005, grad_norm: 1, ms_per_step: 11, tokens_per_s: 900 },
  ],
  evals: [fakeEval(2)],
  initial: fakeEval(0).metrics,
  final: fakeEval(2).metrics,
  studentMsPerExample: 0.4,
  hasWeights: true,
  imported: false,
};

describe('run report', () => {
  it('has the CLI report shape (distill train) plus what the page knows', () => {
    const report = reportOf(run);
    expect(Object.keys(report).slice(0, 11)).toEqual([
      'tool', 'started_at', 'wall_seconds', 'data', 'config', 'backend', 'student', 'history', 'evals', 'initial_metrics', 'final_metrics',
    ]);
    expect(report.started_at).toBe('2026-01-02T03:04:05.000Z');
    expect(report.student).toEqual({ num_parameters: 500, hidden_size: 128, num_hidden_layers: 2 });
    expect(report.data).toMatchObject({ file: 'd.safetensors', task: 'mlm', n: 10, seq_len: 8, teacher: 'topk', k: 4, langs: ['de', 'en', 'fr'] });
  });
  it('reads a CLI report (no page fields)', () => {
    const { name: _n, status: _s, student_ms_per_example: _m, ...cli } = reportOf(run);
    const back = parseReport(JSON.stringify(cli), 'report.json', 'x');
    expect(back).toMatchObject({ name: 'report', status: 'done', paramCount: 500, final: run.final, initial: run.initial, wallSeconds: 12.5 });
  });
  it('round-trips through JSON (re-import)', () => {
    const back = parseReport(JSON.stringify(reportOf(run)), 'r.json', 'import-1');
    expect(back).toEqual({ ...run, id: 'import-1', hasWeights: false, imported: true });
  });
  it('takes the last eval as final when the report has none', () => {
    const { final_metrics: _drop, ...rest } = reportOf(run);
    expect(parseReport(JSON.stringify(rest), 'r.json', 'x').final).toEqual(run.evals[0].metrics);
  });
  it('refuses what is not a report, saying why', () => {
    expect(() => parseReport('{', 'a.json', 'x')).toThrow(/a.json is not JSON/);
    expect(() => parseReport('[]', 'a.json', 'x')).toThrow(/JSON object/);
    expect(() => parseReport('{"history": []}', 'a.json', 'x')).toThrow(/no "config"/);
    expect(() => parseReport('{"config": {"nope": 1}, "history": []}', 'a.json', 'x')).toThrow(/unknown config key "nope"/);
    expect(() => parseReport('{"config": {}, "history": [{"step": 1}]}', 'a.json', 'x')).toThrow(/history/);
    expect(() => parseReport('{"config": {}, "history": [], "evals": [{"step": 1}]}', 'a.json', 'x')).toThrow(/evals/);
  });
});

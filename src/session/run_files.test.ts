import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../engine/config/config.ts';
import { encodeStudentFiles } from '../io/student_files.ts';
import { fromTfjsWeights, type TfjsModelJson } from '../io/tfjs_weights.ts';
import { parseReport, type RunRecord } from '../store/run_record.ts';
import { historyCsv, runFiles } from './run_files.ts';

const run: RunRecord = {
  ...parseReport(JSON.stringify({ config: { steps: 2 }, history: [] }), 'kd · seed 0.json', 'r1'),
  config: { ...DEFAULT_CONFIG, steps: 2 },
  history: [
    { step: 1, total: 2, kd: 2, lr: 0.001, grad_norm: 1.5, ms_per_step: 12, tokens_per_s: 800 },
    { step: 2, total: 1.5, kd: 1.25, hard: 0.5, lr: 0.0005, grad_norm: 1, ms_per_step: 11, tokens_per_s: 900 },
  ],
};

describe('historyCsv', () => {
  it('writes one row per step with empty cells for absent components', () => {
    expect(historyCsv(run.history)).toBe(
      'step,total,kd,hard,cos,mse,lr,grad_norm,ms_per_step,tokens_per_s\n' +
        '1,2,2,,,,0.001,1.5,12,800\n' +
        '2,1.5,1.25,0.5,,,0.0005,1,11,900\n',
    );
  });
});

describe('runFiles', () => {
  const student = encodeStudentFiles(
    { tensors: [{ name: 'lm_head.bias', dtype: 'F32', shape: [2], data: new Float32Array([0.5, -0.5]) }], config: { hidden_size: 3 } },
    2,
  );
  const weights = async () => ({ id: 'r1', safetensors: student.safetensors, configJson: student.configJson });
  it('names the run files after the run and the student files as the CLI does', async () => {
    expect((await runFiles(run, 'report', weights)).map((f) => f.name)).toEqual(['kd_seed_0.report.json']);
    expect((await runFiles(run, 'history', weights))[0]).toMatchObject({ name: 'kd_seed_0.history.csv', type: 'text/csv' });
    expect((await runFiles(run, 'student', weights))[0]).toMatchObject({ name: 'model.safetensors', data: student.safetensors });
    expect((await runFiles(run, 'config', weights))[0]).toMatchObject({ name: 'config.json', data: student.configJson });
  });
  it('builds the tfjs layout from the stored safetensors', async () => {
    const [model, bin] = await runFiles(run, 'tfjs', weights);
    expect([model.name, bin.name]).toEqual(['model.json', 'weights.bin']);
    const back = fromTfjsWeights(JSON.parse(model.data as string) as TfjsModelJson, bin.data as Uint8Array);
    expect(back).toEqual([{ name: 'lm_head.bias', dtype: 'F32', shape: [2], data: new Float32Array([0.5, -0.5]) }]);
  });
  it('a student export of a run without weights says so', async () => {
    await expect(runFiles(run, 'student', async () => null)).rejects.toThrow(/no stored weights/);
  });
});

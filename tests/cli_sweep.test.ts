/**
 * `distill sweep` as a person runs it: a two-value temperature grid on a tiny synthetic set gives three runs
 * (the two temperatures and the hard-label baseline), sweep.json, sweep.csv and a run directory each; a bad
 * grid is refused with exit 1 and one line `error: …` before anything is read or written.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSet } from '../src/engine/testing/synthetic.ts';
import { encodeDistillSet } from '../src/io/index.ts';

const BIN = path.resolve('bin/distill.mjs');
let dir = '';
let data = '';
let unlabelled = '';
let cfg = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function distill(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** A minimal RFC 4180 reader: quoted fields may hold commas and doubled quotes. */
function parseCsv(text: string): string[][] {
  return text.trimEnd().split('\n').map((line) => {
    const fields: string[] = [];
    const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
    for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
      fields.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
      if (m[2] === '') break;
    }
    return fields;
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'distill-cli-sweep-'));
  data = path.join(dir, 'set.safetensors');
  unlabelled = path.join(dir, 'unlabelled.safetensors');
  cfg = path.join(dir, 'cfg.json');
  await writeFile(data, encodeDistillSet(syntheticSet({ n: 32, seqLen: 8, vocabSize: 24, topk: 6 })));
  await writeFile(unlabelled, encodeDistillSet(syntheticSet({ n: 32, seqLen: 8, vocabSize: 24, topk: 6, withLabels: false })));
  await writeFile(cfg, JSON.stringify({ n_layers: 1, d_model: 16, n_heads: 2, d_ff: 32, max_len: 8, batch_size: 8, eval_every: 0, lr: 3e-3, warmup_steps: 2 }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('distill sweep', () => {
  it('a two-value temperature grid: three runs with the baseline, valid JSON and CSV, a run directory each', async () => {
    const out = path.join(dir, 'sweep');
    const run = await distill(['sweep', '--data', data, '--config', cfg, '--grid', 'temperature=1,4', '--steps', '12', '--backend', 'wasm', '--seed', '5', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');

    const sweep = JSON.parse(await readFile(path.join(out, 'sweep.json'), 'utf8'));
    expect(sweep.grid).toEqual({ temperature: [1, 4] });
    expect(sweep.rows.map((r: { name: string }) => r.name)).toEqual(['temperature=1', 'temperature=4', 'baseline-hard']);
    expect(sweep.rows.map((r: { baseline: boolean }) => r.baseline)).toEqual([false, false, true]);
    for (const row of sweep.rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['name', 'config', 'final_metrics', 'baseline']));
      expect(row.config).toMatchObject({ steps: 12, seed: 5, d_model: 16, lr: 3e-3, backend: 'wasm' });
      for (const key of ['label_loyalty', 'prob_loyalty', 'kl']) expect(row.final_metrics[key]).toEqual(expect.any(Number));
      // the row's directory is what `distill train --out` writes; its report agrees with the row
      const report = JSON.parse(await readFile(path.join(out, row.dir, 'report.json'), 'utf8'));
      expect(report.config).toEqual(row.config);
      expect(report.final_metrics).toEqual(row.final_metrics);
      expect(report.history).toHaveLength(12);
      expect(existsSync(path.join(out, row.dir, 'config.json'))).toBe(true);
    }
    expect(sweep.rows[0].config).toMatchObject({ temperature: 1, alpha_kd: 1, alpha_hard: 0 });
    expect(sweep.rows[1].config).toMatchObject({ temperature: 4, alpha_kd: 1, alpha_hard: 0 });
    expect(sweep.rows[2].config).toMatchObject({ alpha_kd: 0, alpha_hard: 1 });
    // KD at two temperatures optimises different objectives: the runs really differ
    expect(sweep.rows[0].final_metrics.kl).not.toBe(sweep.rows[1].final_metrics.kl);

    const csv = parseCsv(await readFile(path.join(out, 'sweep.csv'), 'utf8'));
    expect(csv[0].slice(0, 6)).toEqual(['name', 'temperature', 'baseline', 'label_loyalty', 'prob_loyalty', 'kl']);
    expect(csv).toHaveLength(4);
    expect(csv.every((line) => line.length === csv[0].length)).toBe(true);
    expect(csv.slice(1).map((line) => line.slice(0, 3))).toEqual([['temperature=1', '1', 'false'], ['temperature=4', '4', 'false'], ['baseline-hard', '1', 'true']]);
    const kl = csv[0].indexOf('kl');
    expect(Number(csv[2][kl])).toBeCloseTo(sweep.rows[1].final_metrics.kl, 12);

    // progress: one line per run start and end, no per-step lines
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => /^\[\d\/3\] /.test(l))).toEqual([
      '[1/3] temperature=1: 12 steps',
      expect.stringMatching(/^\[1\/3\] temperature=1: done in [\d.]+ s {2}label_loyalty [\d.]+ {2}prob_loyalty [\d.]+ {2}kl [\d.]+$/),
      '[2/3] temperature=4: 12 steps',
      expect.stringMatching(/^\[2\/3\] temperature=4: done in /),
      '[3/3] baseline-hard: 12 steps',
      expect.stringMatching(/^\[3\/3\] baseline-hard: done in /),
    ]);
    expect(run.stderr).not.toMatch(/^step /m);
  }, 180_000);

  it('two axes and --no-baseline: the product, named key by key', async () => {
    const out = path.join(dir, 'grid2');
    const run = await distill(['sweep', '--data', data, '--config', cfg, '--grid', 'temperature=2,3', '--grid', 'alpha_ce=0.5', '--steps', '2', '--backend', 'wasm', '--no-baseline', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const sweep = JSON.parse(await readFile(path.join(out, 'sweep.json'), 'utf8'));
    expect(sweep.rows.map((r: { name: string }) => r.name)).toEqual(['temperature=2,alpha_kd=0.5', 'temperature=3,alpha_kd=0.5']);
    expect(existsSync(path.join(out, 'temperature=3,alpha_kd=0.5', 'report.json'))).toBe(true);
    expect((await readFile(path.join(out, 'sweep.csv'), 'utf8')).split('\n')[1]).toMatch(/^"temperature=2,alpha_kd=0.5",2,0.5,false,/);
  }, 120_000);

  describe.concurrent('refuses a bad grid with exit 1 and one error line, before anything is written', () => {
    const cases: [string, string[], RegExp][] = [
      ['an unknown key', ['--grid', 'temprature=1,2'], /^error: grid "temprature=1,2": unknown config key "temprature"$/],
      ['a value that is not a number', ['--grid', 'temperature=1,hot'], /^error: grid "temperature=1,hot": "hot" is not a number \(temperature is a number\)$/],
      ['an out-of-range value', ['--grid', 'temperature=0,2'], /^error: grid "temperature=0,2": config "temperature" must be > 0, found 0$/],
      ['an unknown enum value', ['--grid', 'divergence=kl,kld'], /must be one of kl, rkl, skew_kl, skew_rkl, jsd, found "kld"$/],
      ['no values', ['--grid', 'temperature='], /empty value/],
      ['no "="', ['--grid', 'temperature'], /expected KEY=V1,V2,…$/],
      ['the same key twice', ['--grid', 'temperature=1,2', '--grid', 'temp=3'], /^error: grid: temperature is given twice/],
      ['a combination the config refuses', ['--grid', 'd_model=16,24', '--grid', 'n_heads=2,16'], /^error: grid row d_model=24,n_heads=16: d_model \(24\) must be divisible by n_heads \(16\)$/],
      ['the backend', ['--grid', 'backend=wasm,cpu'], /backend cannot be swept/],
    ];
    for (const [what, grid, pattern] of cases) {
      it(what, async () => {
        const out = path.join(dir, `bad-${what.replace(/\W+/g, '_')}`);
        const run = await distill(['sweep', '--data', data, '--config', cfg, ...grid, '--out', out]);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(pattern)]);
        expect(existsSync(out)).toBe(false);
      });
    }
  });

  it('a run that fails is recorded with its error, the others still run, and the sweep exits 1', async () => {
    const out = path.join(dir, 'diverges');
    const run = await distill(['sweep', '--data', data, '--config', cfg, '--grid', 'lr=1e30,1e-3', '--steps', '4', '--backend', 'wasm', '--no-baseline', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: 1 of 2 runs failed \(lr=1e\+30: non-finite loss at step \d+/);
    const sweep = JSON.parse(await readFile(path.join(out, 'sweep.json'), 'utf8'));
    expect(sweep.rows[0]).toMatchObject({ name: 'lr=1e+30', final_metrics: null, error: expect.stringMatching(/^non-finite/) });
    expect(sweep.rows[1].final_metrics.kl).toEqual(expect.any(Number));
    expect(existsSync(path.join(out, 'lr=0.001', 'report.json'))).toBe(true);
    expect((await readFile(path.join(out, 'sweep.csv'), 'utf8')).split('\n')[0]).toMatch(/,dir,error$/);
  }, 120_000);

  it('a set without labels cannot run the baseline: refused before training, naming --no-baseline', async () => {
    const out = path.join(dir, 'unlabelled');
    const run = await distill(['sweep', '--data', unlabelled, '--config', cfg, '--grid', 'temperature=1,2', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('error: baseline-hard: alpha_hard > 0 needs labels, and this set has none (--no-baseline skips it)');
    expect(existsSync(out)).toBe(false);
  });

  it('--grid is required (a usage error, exit 2)', async () => {
    const run = await distill(['sweep', '--data', data, '--out', path.join(dir, 'none')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: --grid KEY=V1,V2,… is required\n');
  });
});

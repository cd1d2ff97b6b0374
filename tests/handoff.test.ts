/**
 * `distill handoff` → tools/handoff/train.py under the real PyTorch + transformers (the venv): the loss
 * components PyTorch computes from the handed-off weights equal the engine's (--check-parity) for an MLM, a CLM
 * and a classification run with different divergences; a two-process torchrun on CPU writes a directory
 * from_pretrained loads and a report the page imports; resuming from the handed-off AdamW state continues the
 * loss curve.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticSet } from '../src/engine/testing/synthetic.ts';
import type { Task } from '../src/engine/types.ts';
import { encodeDistillSet } from '../src/io/index.ts';
import { parseReport } from '../src/store/run_record.ts';
import { VENV_PYTHON } from './helpers/venv.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/distill.mjs');
const TORCHRUN = path.join(path.dirname(VENV_PYTHON), 'torchrun');
let dir = '';
const distill = (...args: string[]) => run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 2 ** 20 });

/** Trains a small engine run and hands it off; returns the handoff directory and the set. */
async function handedOff(name: string, task: Task, config: Record<string, unknown>, steps = 12): Promise<{ out: string; data: string; student: string }> {
  const data = path.join(dir, `${name}.safetensors`);
  const set = syntheticSet({ task, n: 48, seqLen: 10, vocabSize: 40, topk: task === 'mlm' ? 6 : undefined, hiddenSize: 8, seed: 3 });
  await writeFile(data, encodeDistillSet(set));
  const cfg = path.join(dir, `${name}.json`);
  await writeFile(cfg, JSON.stringify({ n_layers: 2, d_model: 16, n_heads: 2, d_ff: 32, max_len: 16, batch_size: 8, eval_every: 0, lr: 3e-3, warmup_steps: 0, ...config }));
  const student = path.join(dir, `${name}-student`);
  await distill('train', '--data', data, '--config', cfg, '--steps', String(steps), '--backend', 'wasm', '--out', student);
  const out = path.join(dir, `${name}-handoff`);
  await distill('handoff', '--student', student, '--data', data, '--out', out, '--backend', 'wasm');
  return { out, data, student };
}

async function parity(out: string, data: string): Promise<{ max_rel_diff: number; components: { loss: string }[] }> {
  const { stdout } = await run(VENV_PYTHON, [path.join(out, 'train.py'), '--data', data, '--check-parity']).catch((err) => {
    throw new Error(`check-parity failed: ${err.stdout}${err.stderr}`);
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'handoff-'));
});

describe('the PyTorch handoff computes the engine\'s losses', () => {
  const cases: [string, Task, Record<string, unknown>, string[]][] = [
    ['mlm-distilbert-triple', 'mlm', { alpha_kd: 5, alpha_hard: 2, alpha_cos: 1, temperature: 2 }, ['total', 'kd', 'hard', 'cos']],
    ['clm-gpt2-jsd-mse', 'clm', { divergence: 'jsd', jsd_beta: 0.3, alpha_mse: 0.5, temperature: 1.5, alpha_hard: 0.5 }, ['total', 'kd', 'hard', 'mse']],
    ['cls-rkl', 'classification', { divergence: 'rkl', temperature: 3, alpha_hard: 1 }, ['total', 'kd', 'hard']],
  ];
  it.each(cases)('%s', async (name, task, config, components) => {
    const { out, data } = await handedOff(name, task, config);
    const recipe = JSON.parse(await readFile(path.join(out, 'recipe.json'), 'utf8'));
    expect(recipe).toMatchObject({ format: 'distill-playground-handoff', task, optimizer: { name: 'adamw', state: true }, parity: { dropout: false } });
    const result = await parity(out, data);
    console.log(`handoff parity ${name}: max relative difference ${result.max_rel_diff.toExponential(2)} over ${result.components.length} components`);
    expect(new Set(result.components.map((c) => c.loss))).toEqual(new Set(components));
    expect(result.max_rel_diff).toBeLessThan(1e-4);
  }, 180_000);
});

describe('train.py', () => {
  it('runs as two DDP processes on CPU (gloo) and writes a model directory and a report the page imports', async () => {
    const { out, data } = await handedOff('ddp', 'mlm', { alpha_kd: 1 });
    const result = path.join(dir, 'ddp-run');
    await run(TORCHRUN, ['--nproc_per_node', '2', path.join(out, 'train.py'), '--data', data, '--out', result, '--steps', '6'], { maxBuffer: 64 * 2 ** 20 });
    const { stdout } = await run(VENV_PYTHON, ['-c', `import json, torch, transformers
m = transformers.AutoModelForMaskedLM.from_pretrained(${JSON.stringify(result)}, dtype=torch.float32)
print(json.dumps({"class": type(m).__name__, "steps": m.config.steps_trained}))`]);
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({ class: 'DistilBertForMaskedLM', steps: 18 });
    const text = await readFile(path.join(result, 'report.json'), 'utf8');
    const record = parseReport(text, 'report.json', 'ddp');
    expect(record.history.map((h) => h.step)).toEqual([13, 14, 15, 16, 17, 18]);
    expect(record.evals.length).toBeGreaterThanOrEqual(2);
    expect(record.final?.prob_loyalty).toEqual(expect.any(Number));
  }, 240_000);

  it('resumes from the handed-off AdamW state: the loss curve continues where the browser run stopped', async () => {
    const config = { schedule: 'constant', alpha_kd: 1, dropout: 0 };
    const { out, data, student } = await handedOff('resume', 'mlm', config, 40);
    const engine = JSON.parse(await readFile(path.join(student, 'report.json'), 'utf8')).history.map((h: { total: number }) => h.total) as number[];
    const result = path.join(dir, 'resume-run');
    await run(VENV_PYTHON, [path.join(out, 'train.py'), '--data', data, '--out', result, '--steps', '10']);
    const torchHistory = JSON.parse(await readFile(path.join(result, 'report.json'), 'utf8')).history as { step: number; total: number }[];
    expect(torchHistory[0].step).toBe(41);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const engineStart = mean(engine.slice(0, 3));
    const engineEnd = mean(engine.slice(-5));
    const torchStart = mean(torchHistory.slice(0, 3).map((h) => h.total));
    console.log(`resume: engine loss ${engineStart.toFixed(3)} (steps 1–3) → ${engineEnd.toFixed(3)} (36–40); PyTorch ${torchStart.toFixed(3)} (41–43)`);
    expect(engineEnd).toBeLessThan(engineStart * 0.8); // the browser run learned something
    expect(Math.abs(torchStart - engineEnd)).toBeLessThan(0.25 * (engineStart - engineEnd)); // continues, no restart
  }, 240_000);
});

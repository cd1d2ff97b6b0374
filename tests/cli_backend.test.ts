/**
 * `distill train --backend auto` is honest: with SwiftShader's Vulkan driver present (a software WebGPU adapter),
 * it trains on wasm, says why, and records the calibration in report.json; `--backend webgpu` still takes
 * SwiftShader when asked, marked as software.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSet } from '../src/engine/testing/synthetic.ts';
import { encodeDistillSet } from '../src/io/index.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/distill.mjs');
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
let dir = '';
let data = '';
let cfg = '';

async function train(out: string, ...extra: string[]) {
  const { stderr } = await run(process.execPath, [BIN, 'train', '--data', data, '--config', cfg, '--out', out, ...extra], {
    env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
  });
  return { stderr, report: JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'distill-cli-backend-'));
  data = path.join(dir, 'set.safetensors');
  cfg = path.join(dir, 'cfg.json');
  await writeFile(data, encodeDistillSet(syntheticSet({ n: 32, seqLen: 8, vocabSize: 24, topk: 6 })));
  await writeFile(cfg, JSON.stringify({ n_layers: 1, d_model: 16, n_heads: 2, d_ff: 32, max_len: 8, batch_size: 8, eval_every: 0 }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('auto backend with SwiftShader present', () => {
  it('trains on wasm, with the reason and the measured ms/step on stderr and in report.json', async () => {
    const { stderr, report } = await train(path.join(dir, 'auto'), '--steps', '6');
    expect(report.backend.name).toBe('wasm');
    expect(report.backend.reason).toMatch(/^wasm: the only candidate, calibrated at [\d.]+ m?s\/step; webgpu: software adapter \(swiftshader/);
    expect(report.backend.skipped).toContainEqual({ name: 'webgpu', reason: expect.stringMatching(/never preferred over wasm/) });
    expect(report.backend.calibration).toEqual([{ name: 'wasm', steps: 3, ms_per_step: expect.any(Number), warmup_ms: expect.any(Number), step_ms: [expect.any(Number), expect.any(Number), expect.any(Number)] }]);
    expect(report.backend.projected_seconds).toBeCloseTo((report.backend.calibration[0].ms_per_step * 6) / 1000, 6);
    expect(report.history).toHaveLength(6); // the calibration's steps are not the run's
    expect(stderr).toMatch(/^backend wasm: /m);
    expect(stderr).toMatch(/^calibration wasm: [\d.]+ ms\/step \(3 steps after a \d+ ms warm-up\)$/m);
    expect(stderr).not.toMatch(/XDG_RUNTIME_DIR|warning:/); // no Vulkan loader noise; a short run gets no warning
  }, 120_000);

  it('a run projected over 10 minutes is warned about before its first step', async () => {
    // a million steps at any measured speed is far over 10 min: read stderr up to the warning, then stop the run
    const child = spawn(process.execPath, [BIN, 'train', '--data', data, '--config', cfg, '--steps', '1000000', '--out', path.join(dir, 'long')], {
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
    });
    let stderr = '';
    const seen = await new Promise<boolean>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/^warning: .*\n/m.test(stderr)) resolve(true);
      });
      child.on('exit', () => resolve(false));
    });
    child.kill();
    expect(seen, stderr).toBe(true);
    expect(stderr).toMatch(/^warning: this run is projected to take ~[\d.]+ (min|h) \(1000000 steps at [\d.]+ m?s\/step on wasm\); fewer steps/m);
    expect(stderr).not.toMatch(/^step /m); // before training, not after
  }, 120_000);

  it('--backend webgpu still takes SwiftShader, saying it is software', async () => {
    const { report } = await train(path.join(dir, 'webgpu'), '--steps', '2', '--backend', 'webgpu');
    expect(report.backend.name).toBe('webgpu');
    expect(report.backend.software_adapter).toMatch(/swiftshader/);
    expect(report.backend.reason).toMatch(/^webgpu: requested; software adapter .*: correct, not fast$/);
    expect(report.backend.calibration).toBeUndefined();
    expect(report.backend.projected_seconds).toEqual(expect.any(Number)); // from the run's only report window
  }, 120_000);
});

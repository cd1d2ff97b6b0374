/**
 * Smoke tests of the benchmark harness (bench/): the grid, the statistics, the report, the synthetic sets
 * against the file contract, the CLI's argument checks, and one tiny cell through our engine's peer process.
 * The benchmark itself (`npm run bench`) is not a test: nothing here asserts a timing.
 */
import { describe, expect, it } from 'vitest';
import { benchSet } from '../bench/bench_set.ts';
import { cellId, filterCells, fullGrid, HEADLINE, makeCell, quickGrid, skipReason } from '../bench/grid.ts';
import { trainerConfig } from '../bench/recipe.ts';
import { startPeer } from '../bench/peer_process.ts';
import { markdownReport } from '../bench/report.ts';
import { median, pairedSpeedup, stepsForTarget, tokensPerSecond } from '../bench/stats.ts';
import type { SuiteResult } from '../bench/suite.ts';
import { BENCH_COMMAND } from '../bench/command.ts';
import { main, registerCommand } from '../src/cli/main.ts';
import { wasmThreadsFromEnv } from '../src/engine/patches/node_wasm_threads.ts';
import { encodeDistillSet, readDistillSet } from '../src/io/index.ts';

registerCommand('bench', BENCH_COMMAND); // as bin/distill.mjs does

describe('bench grid', () => {
  it('spans d_model × layers × vocab × length × batch × teacher on wasm, the smallest student elsewhere', () => {
    const cells = fullGrid(['wasm', 'webgpu', 'cpu'], new Set(['cpu', 'webgpu']));
    expect(cells.filter((c) => c.backend === 'wasm')).toHaveLength(3 * 2 * 2 * 2 * 2 * 2);
    expect(cells.filter((c) => c.backend === 'cpu')).toHaveLength(2);
    expect(new Set(cells.map(cellId)).size).toBe(cells.length);
    expect(fullGrid(['webgpu'], new Set())).toHaveLength(96); // a hardware GPU gets the whole grid
  });

  it('quick mode is the headline cell on wasm and a tiny cell per other backend; filters narrow by id', () => {
    const quick = quickGrid(['wasm', 'webgpu']);
    expect(quick.map(cellId)).toEqual(['wasm/d128-l2-v8k-t64-b32-topk', 'webgpu/d64-l2-v2k-t32-b8-topk']);
    expect(filterCells(fullGrid(['wasm']), 'd256,v32k,t128,b16,dense')).toHaveLength(2); // 2 and 4 layers
  });

  it('skips the cells whose step estimate does not fit the backend, with the reason', () => {
    const cell = (shape: Parameters<typeof makeCell>[0], teacher: 'topk' | 'dense') => makeCell(shape, teacher, 'wasm');
    const big = cell({ dModel: 256, nLayers: 4, vocabSize: 32768, seqLen: 128, batchSize: 32 }, 'dense');
    expect(skipReason(big, trainerConfig(big))).toMatch(/one step needs .* GiB, more than the 3\.50 GiB a wasm heap can give/);
    expect(skipReason(cell(HEADLINE, 'dense'), trainerConfig(cell(HEADLINE, 'dense')))).toBeNull();
    // the chunked head: a 32k top-k cell at 128 × 32 no longer needs [B·L, V] copies
    const topk = cell({ dModel: 64, nLayers: 2, vocabSize: 32768, seqLen: 128, batchSize: 32 }, 'topk');
    expect(skipReason(topk, trainerConfig(topk))).toBeNull();
  });
});

describe('bench statistics', () => {
  it('medians, tokens/s, paired speed-ups and run lengths', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(tokensPerSecond(32, 64, 1000)).toBe(2048);
    // Round by round the peer takes 2×, 3×, 2.5× our time: the median ratio is 2.5.
    expect(pairedSpeedup([100, 200, 100], [200, 600, 250])).toBe(2.5);
    expect(stepsForTarget(300, 3000)).toBe(10);
    expect(stepsForTarget(30_000, 3000)).toBe(1);
    expect(stepsForTarget(1, 3000)).toBe(20);
  });
});

describe('bench sets', () => {
  it('satisfy the file contract (distinct top-k ids, logsumexp above the top logit) and round-trip', async () => {
    for (const teacher of ['topk', 'dense'] as const) {
      const set = benchSet({ vocabSize: 64, seqLen: 8, n: 4, teacher, k: 5 });
      const back = await readDistillSet(new Blob([encodeDistillSet(set)]), 'b.safetensors');
      expect(back.n).toBe(4);
      expect(back.teacher.kind).toBe(teacher);
      expect(back.labels?.[7]).toBe(-100); // clm: nothing after the last position
    }
  });
});

describe('bench report', () => {
  it('renders throughput with ratios, reading speed and the flatness verdict', () => {
    const cell = makeCell(HEADLINE, 'topk', 'wasm');
    const result: SuiteResult = {
      tool: 'distill-playground bench',
      startedAt: '2026-01-01T00:00:00.000Z',
      wallSeconds: 60,
      machine: { cpu: 'Test CPU', logicalCores: 2, memoryGiB: 8, platform: 'linux x64', node: 'v20', loadAverageAtStart: [1], loadAverageAtEnd: [1] },
      options: { quick: true, backends: ['wasm'], rounds: 3, targetRunMs: 3000, torch: true, nanogpt: true, readMinBytes: 1, flatnessSteps: 10, requestTimeoutMs: 1, where: 'node' },
      recipe: { temperature: 2, alphaKd: 0.5, alphaHard: 0.5, dropout: 0.1 },
      cells: [
        {
          id: cellId(cell),
          cell,
          stepsPerRun: 2,
          peers: {
            ours: { runsMs: [1000], msPerStep: 1000, tokensPerSecond: 2048, extras: { forwardMsPerExample: 1.5, peakBytes: 2 ** 30, numTensors: 87 } },
            torch: { runsMs: [800], msPerStep: 800, tokensPerSecond: 2560 },
            nanogpt: { runsMs: [], msPerStep: Number.NaN, tokensPerSecond: Number.NaN, error: 'boom' },
          },
          ratios: { torch: 0.8 },
          ratioRange: { torch: [0.7, 0.9] },
        },
      ],
      read: [{ container: 'safetensors', fileBytes: 105e6, examples: 10, seqLen: 128, mbPerSecond: 350, runsMs: [300] }],
      flatness: { cell, steps: 10, samples: [{ step: 0, numTensors: 5, numBytes: 10, backendBytes: null }], tensorsFlat: true, bytesFlat: true, backendFlat: null },
      notes: ['WebGPU here is SwiftShader.'],
    };
    const md = markdownReport(result);
    expect(md).toContain('| wasm | d128 L2 V8k T64 B32 topk | 1000 | 2048 | 2560 | 0.80× (0.70–0.90) | error: boom |');
    expect(md).toContain('| safetensors | 105 | 10 × 128 | 350 |');
    expect(md).toContain('Tensor count flat: **yes**');
    expect(md).toContain('- WebGPU here is SwiftShader.');
  });
});

describe('distill bench', () => {
  it('refuses an unknown backend or option before measuring anything (exit 2)', async () => {
    expect(await main(['bench', '--backends', 'tpu'])).toBe(2);
    expect(await main(['bench', '--quick', '--rounds', 'x'])).toBe(2);
    expect(await main(['bench', '--frobnicate', '1'])).toBe(2);
  });

  it("our engine's peer process opens a tiny cell, times a run and reports memory", async () => {
    const peer = await startPeer('ours');
    try {
      const cell = makeCell({ dModel: 32, nLayers: 1, vocabSize: 64, seqLen: 8, batchSize: 4 }, 'topk', 'cpu');
      expect((await peer.request({ op: 'open', cell, warmup: 1 }, 60_000)).ok).toBe(true);
      const run = await peer.request({ op: 'run', steps: 2 }, 60_000);
      expect(run.msPerStep).toBeGreaterThan(0);
      const flat = await peer.request({ op: 'flatness', steps: 4, every: 2 }, 60_000);
      expect(flat.samples?.map((s) => s.numTensors)).toEqual(Array(3).fill(flat.samples?.[0].numTensors));
    } finally {
      await peer.stop();
    }
  });
});

describe('threaded wasm in Node (DISTILL_WASM_THREADS)', () => {
  it('reads the thread count from the environment and refuses nonsense', () => {
    expect(wasmThreadsFromEnv({})).toBe(0);
    expect(wasmThreadsFromEnv({ DISTILL_WASM_THREADS: '2' })).toBe(2);
    expect(() => wasmThreadsFromEnv({ DISTILL_WASM_THREADS: 'many' })).toThrow(/\[1, 8\]/);
  });

  it('starts the threaded build with 2 XNNPACK threads and trains', async () => {
    const peer = await startPeer('ours', { env: { DISTILL_WASM_THREADS: '2' } });
    try {
      const cell = makeCell({ dModel: 32, nLayers: 1, vocabSize: 64, seqLen: 8, batchSize: 4 }, 'topk', 'wasm');
      const opened = await peer.request({ op: 'open', cell, warmup: 1 }, 60_000);
      expect(opened.info?.wasmThreads).toBe(2);
      expect((await peer.request({ op: 'run', steps: 2 }, 60_000)).msPerStep).toBeGreaterThan(0);
    } finally {
      await peer.stop();
    }
  });
});

/**
 * The benchmark suite behind `distill bench` / `npm run bench`: for every cell of the grid, our engine, the
 * PyTorch reference and the nanogpt peer (and optionally a baseline checkout of our engine) each keep the cell
 * open in their own process, and their timed runs are interleaved round by round, so that every ratio compares
 * runs that saw the same machine load. Then the reading speed of each container and a 1000-step memory
 * flatness check. Results: JSON + a markdown table (report.ts).
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { cellId, fullGrid, filterCells, largeVocabCells, makeCell, quickGrid, RECIPE, skipReason, type Backend, type Cell } from './grid.ts';
import { trainerConfig } from './recipe.ts';
import { startPeer, type PeerName, type PeerProcess } from './peer_process.ts';
import type { Extras, MemorySample } from './peers/protocol.ts';
import { readSpeed, type ReadResult } from './read_speed.ts';
import { median, pairedSpeedup, stepsForTarget, tokensPerSecond } from './stats.ts';

const run = promisify(execFile);

export interface SuiteOptions {
  quick: boolean;
  backends: Backend[];
  /** Comma-separated substrings every cell id must contain (grid.ts cellId). */
  filter?: string;
  /** Interleaved rounds per cell; each round times one run of every peer. */
  rounds: number;
  /** Aim for timed runs of about this long (steps per run = target / ms per step, 1 … 20). */
  targetRunMs: number;
  torch: boolean;
  nanogpt: boolean;
  /** Also measure the 250,002-token cells (grid.ts largeVocabCells: trimmed and whole), whatever the filter. */
  largeVocab?: boolean;
  /** Also time our engine with this many wasm threads, as peer 'threads' (Node: DISTILL_WASM_THREADS; browser: ?threads=N). */
  wasmThreads?: number;
  /** bench/ directory of another checkout of this project (before/after comparisons), or undefined. */
  baselineBenchDir?: string;
  baselineLabel?: string;
  /** Minimum file size for the read-speed test; 0 skips it. */
  readMinBytes: number;
  /** Steps of the memory flatness check; 0 skips it. */
  flatnessSteps: number;
  /** Per-request time limit (a cell slower than this is reported as timed out). */
  requestTimeoutMs: number;
  /** Where our engine and nanogpt run: Node processes, or pages in headless Chromium (browser/). */
  where: 'node' | 'browser';
  /** Starts a peer; default: a Node process (peer_process.ts). The browser variant passes its pages here. */
  startPeer?: (name: PeerName, benchDir?: string, env?: NodeJS.ProcessEnv) => Promise<PeerProcess>;
  log: (line: string) => void;
}

export interface PeerResult {
  runsMs: number[];
  msPerStep: number;
  tokensPerSecond: number;
  info?: Record<string, unknown>;
  extras?: Extras;
  error?: string;
}

/** Peers of a cell: 'threads' is our engine with SuiteOptions.wasmThreads wasm threads. */
export type CellPeer = PeerName | 'baseline' | 'threads';
/** Ratios: ours over torch / nanogpt / baseline; 'threadsVsTorch': ours with threads over torch. */
export type RatioName = 'torch' | 'nanogpt' | 'baseline' | 'threadsVsTorch';

export interface CellResult {
  id: string;
  cell: Cell;
  skipped?: string;
  stepsPerRun?: number;
  peers: Partial<Record<CellPeer, PeerResult>>;
  /** Our throughput over each peer's, paired round by round (> 1: we are faster): the median round. */
  ratios: Partial<Record<RatioName, number>>;
  /** The lowest and highest round of each ratio. */
  ratioRange: Partial<Record<RatioName, [number, number]>>;
}

export interface FlatnessResult {
  cell: Cell;
  steps: number;
  samples: MemorySample[];
  tensorsFlat: boolean;
  bytesFlat: boolean;
  /** Backend bytes (wasm heap / webgpu buffers) unchanged from the first sample after warm-up to the last. */
  backendFlat: boolean | null;
  error?: string;
}

export interface SuiteResult {
  tool: 'distill-playground bench';
  startedAt: string;
  wallSeconds: number;
  machine: Record<string, unknown>;
  options: Omit<SuiteOptions, 'log'>;
  recipe: typeof RECIPE;
  cells: CellResult[];
  read?: ReadResult[];
  flatness?: FlatnessResult;
  notes: string[];
}

/** The cells this run measures, each with a skip reason or null. */
export function planCells(options: Pick<SuiteOptions, 'quick' | 'backends' | 'filter' | 'largeVocab'>, softwareWebGpu: boolean): Cell[] {
  const smallestOnly = new Set<Backend>(['cpu']);
  if (softwareWebGpu) smallestOnly.add('webgpu');
  const grid = options.quick ? quickGrid(options.backends) : fullGrid(options.backends, smallestOnly);
  const large = options.largeVocab && options.backends.includes('wasm') ? largeVocabCells('wasm') : [];
  return [...filterCells(grid, options.filter), ...large];
}

async function openPeer(name: PeerName, cell: Cell, options: SuiteOptions, benchDir?: string, env?: NodeJS.ProcessEnv): Promise<{ peer: PeerProcess; info?: Record<string, unknown> }> {
  const peer = options.startPeer ? await options.startPeer(name, benchDir, env) : await startPeer(name, { benchDir, env });
  const reply = await peer.request({ op: 'open', cell: { ...cell, ...RECIPE, threads: 2 } as Cell, warmup: options.quick ? 1 : 2 }, options.requestTimeoutMs);
  if (!reply.ok) {
    await peer.stop();
    throw new Error(reply.error ?? 'open failed');
  }
  return { peer, info: reply.info };
}

async function measureCell(cell: Cell, options: SuiteOptions): Promise<CellResult> {
  const id = cellId(cell);
  const result: CellResult = { id, cell, peers: {}, ratios: {}, ratioRange: {} };
  const skip = skipReason(cell, trainerConfig(cell));
  if (skip) return { ...result, skipped: skip };
  const wanted: CellPeer[] = ['ours'];
  if (options.wasmThreads && options.wasmThreads > 1 && cell.backend === 'wasm') wanted.push('threads');
  if (options.baselineBenchDir) wanted.push('baseline');
  if (options.torch) wanted.push('torch');
  if (options.nanogpt) wanted.push('nanogpt');
  const open = new Map<CellPeer, PeerProcess>();
  try {
    for (const name of wanted) {
      try {
        options.log(`${id}: opening ${name}`);
        const kind: PeerName = name === 'baseline' || name === 'threads' ? 'ours' : name;
        const env = name === 'threads' ? { DISTILL_WASM_THREADS: String(options.wasmThreads) } : undefined;
        const { peer, info } = await openPeer(kind, cell, options, name === 'baseline' ? options.baselineBenchDir : undefined, env);
        open.set(name, peer);
        result.peers[name] = { runsMs: [], msPerStep: Number.NaN, tokensPerSecond: Number.NaN, info };
      } catch (err) {
        result.peers[name] = { runsMs: [], msPerStep: Number.NaN, tokensPerSecond: Number.NaN, error: (err as Error).message.split('\n')[0] };
        options.log(`${id}: ${name} failed to open: ${result.peers[name]?.error}`);
        if (name === 'ours') return result;
      }
    }
    // Calibrate the run length on our engine, then the same steps per run for every peer.
    const ours = open.get('ours') as PeerProcess;
    const probe = await ours.request({ op: 'run', steps: 1 }, options.requestTimeoutMs);
    if (!probe.ok || probe.msPerStep === undefined) throw new Error(probe.error ?? 'run failed');
    const steps = stepsForTarget(probe.msPerStep, options.targetRunMs);
    result.stepsPerRun = steps;
    for (let round = 0; round < options.rounds; round++) {
      for (const [name, peer] of open) {
        const entry = result.peers[name] as PeerResult;
        if (entry.error) continue;
        try {
          const reply = await peer.request({ op: 'run', steps }, options.requestTimeoutMs);
          if (!reply.ok || reply.msPerStep === undefined) throw new Error(reply.error ?? 'run failed');
          entry.runsMs.push(reply.msPerStep);
        } catch (err) {
          entry.error = (err as Error).message.split('\n')[0];
          options.log(`${id}: ${name} failed: ${entry.error}`);
        }
      }
      const line = [...open.keys()].map((n) => `${n} ${result.peers[n]?.runsMs[round]?.toFixed(0) ?? '–'} ms`).join(', ');
      options.log(`${id}: round ${round + 1}/${options.rounds} (${steps} steps/run): ${line}`);
    }
    for (const name of ['ours', 'torch'] as const) {
      const peer = open.get(name);
      const entry = result.peers[name];
      if (!peer || !entry || entry.error) continue;
      const reply = await peer.request({ op: 'extras' }, options.requestTimeoutMs).catch((err: Error) => ({ ok: false, error: err.message }));
      if (reply.ok && 'extras' in reply) entry.extras = reply.extras;
    }
  } finally {
    await Promise.all([...open.values()].map((p) => p.stop()));
  }
  for (const entry of Object.values(result.peers)) {
    if (!entry || entry.runsMs.length === 0) continue;
    entry.msPerStep = median(entry.runsMs);
    entry.tokensPerSecond = tokensPerSecond(cell.batchSize, cell.seqLen, entry.msPerStep);
  }
  const pair = (ratio: RatioName, oursRuns: number[] | undefined, entry: PeerResult | undefined) => {
    if (!oursRuns?.length || !entry || entry.error || entry.runsMs.length === 0) return;
    result.ratios[ratio] = pairedSpeedup(oursRuns, entry.runsMs);
    const each = entry.runsMs.slice(0, oursRuns.length).map((ms, i) => ms / oursRuns[i]);
    result.ratioRange[ratio] = [Math.min(...each), Math.max(...each)];
  };
  for (const name of ['torch', 'nanogpt', 'baseline'] as const) pair(name, result.peers.ours?.runsMs, result.peers[name]);
  pair('threadsVsTorch', result.peers.threads?.error ? undefined : result.peers.threads?.runsMs, result.peers.torch);
  return result;
}

/** Memory flatness over `steps` steps on a small student (ours only). */
async function flatness(backend: Backend, steps: number, options: SuiteOptions): Promise<FlatnessResult> {
  // Leaks do not depend on size: a small student keeps 1000 steps to seconds.
  const cell = makeCell({ dModel: 32, nLayers: 2, vocabSize: 1024, seqLen: 16, batchSize: 4 }, 'topk', backend);
  const out: FlatnessResult = { cell, steps, samples: [], tensorsFlat: false, bytesFlat: false, backendFlat: null };
  let peer: PeerProcess | null = null;
  try {
    peer = (await openPeer('ours', cell, options)).peer;
    const reply = await peer.request({ op: 'flatness', steps, every: Math.max(1, Math.round(steps / 10)) }, Math.max(options.requestTimeoutMs, 30 * 60_000));
    if (!reply.ok || !reply.samples) throw new Error(reply.error ?? 'flatness failed');
    out.samples = reply.samples;
    const s = reply.samples;
    out.tensorsFlat = s.every((x) => x.numTensors === s[0].numTensors);
    out.bytesFlat = s.every((x) => x.numBytes === s[0].numBytes);
    // The backend may grow once while it warms up (wasm heap growth, webgpu buffer pool): compare from sample 1.
    const from = s[Math.min(1, s.length - 1)].backendBytes;
    out.backendFlat = from === null ? null : s.slice(1).every((x) => x.backendBytes === from);
  } catch (err) {
    out.error = (err as Error).message.split('\n')[0];
  } finally {
    await peer?.stop();
  }
  return out;
}

async function machine(): Promise<Record<string, unknown>> {
  const cpu = cpus();
  const info: Record<string, unknown> = {
    cpu: cpu[0]?.model ?? 'unknown',
    logicalCores: cpu.length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((x) => +x.toFixed(2)),
  };
  try {
    const { stdout } = await run('git', ['rev-parse', '--short', 'HEAD']);
    info.commit = stdout.trim();
  } catch {
    info.commit = null;
  }
  return info;
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const notes: string[] = [];
  const mach = await machine();
  // Whether webgpu is a software adapter decides how much of the grid it gets: ask a peer once.
  let softwareWebGpu = false;
  if (options.backends.includes('webgpu')) {
    try {
      const probe = await openPeer('ours', makeCell({ dModel: 32, nLayers: 1, vocabSize: 256, seqLen: 8, batchSize: 2 }, 'topk', 'webgpu'), options);
      await probe.peer.stop();
      const adapter = String(probe.info?.adapter ?? '');
      mach.webgpuAdapter = adapter;
      softwareWebGpu = /swiftshader|llvmpipe|software/i.test(adapter);
      if (softwareWebGpu) notes.push(`WebGPU here is ${adapter}: a CPU emulation of a GPU (SwiftShader), measured for correctness and completeness, never a GPU speed.`);
    } catch (err) {
      notes.push(`webgpu unavailable: ${(err as Error).message}`);
      options.backends = options.backends.filter((b) => b !== 'webgpu');
    }
  }
  const cells = planCells(options, softwareWebGpu);
  options.log(`bench: ${cells.length} cell(s) on ${options.backends.join(', ')}; rounds ${options.rounds}; peers: ours${options.baselineBenchDir ? ', baseline' : ''}${options.torch ? ', torch' : ''}${options.nanogpt ? ', nanogpt' : ''}`);
  const results: CellResult[] = [];
  for (const cell of cells) results.push(await measureCell(cell, options));
  const torchInfo = results.map((r) => r.peers.torch?.info).find(Boolean);
  if (torchInfo) mach.torch = torchInfo.torch;
  const nanoWasm = results.find((r) => r.cell.backend === 'wasm' && r.peers.nanogpt?.info?.wasmPorted);
  if (nanoWasm) notes.push('nanogpt ships no wasm kernels: on wasm it runs with its own CPU implementations of its custom ops registered for wasm (bench/peers/nanogpt.ts).');
  let read: ReadResult[] | undefined;
  if (options.readMinBytes > 0) read = await readSpeed(options.readMinBytes, 3, options.log);
  let flat: FlatnessResult | undefined;
  if (options.flatnessSteps > 0) {
    const backend = options.backends.includes('wasm') ? 'wasm' : options.backends[0];
    options.log(`flatness: ${options.flatnessSteps} steps on ${backend}`);
    flat = await flatness(backend, options.flatnessSteps, options);
  }
  mach.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(2));
  const browserInfo = results.map((r) => r.peers.ours?.info).find((i) => i?.where === 'browser');
  if (browserInfo) {
    mach.browser = browserInfo.userAgent;
    mach.crossOriginIsolated = browserInfo.crossOriginIsolated;
    notes.push('In the page, wasm is single-threaded (browser/ours_page.ts says why); tfjs would size a thread pool as navigator.hardwareConcurrency / 2 anyway.');
  }
  const { log: _log, startPeer: _start, ...rest } = options;
  return {
    tool: 'distill-playground bench',
    startedAt,
    wallSeconds: (performance.now() - t0) / 1000,
    machine: mach,
    options: rest,
    recipe: RECIPE,
    cells: results,
    read,
    flatness: flat,
    notes,
  };
}

/**
 * `distill bench` (also `npm run bench`): the benchmark suite of bench/suite.ts — training throughput against
 * the PyTorch reference and the nanogpt peer, forward latency, peak memory, reading speed per container and a
 * 1000-step memory flatness check. Progress on stderr; the JSON and the markdown table go to --out.
 *
 * It lives with the bench (bench/ uses src/, never the other way): bin/distill.mjs registers it with the CLI.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkKnown, intOption, stringOption, UsageError, type ParsedArgs } from '../src/cli/args.ts';
import { log } from '../src/cli/progress.ts';
import type { Backend } from './grid.ts';
import { startPeer } from './peer_process.ts';
import type { SuiteOptions } from './suite.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const benchHelp =
  'distill bench [--quick] [--browser] [--large-vocab] [--backends wasm,webgpu,cpu] [--filter TERMS] [--rounds N] [--run-seconds S] [--no-torch] [--no-nanogpt] [--wasm-threads N] [--baseline GIT_REF] [--read-mb N] [--flatness-steps N] [--out DIR]';

/** Flags that take no value. */
export const BENCH_FLAGS = ['quick', 'browser', 'no-torch', 'no-nanogpt', 'large-vocab'] as const;

const BACKENDS: readonly Backend[] = ['wasm', 'webgpu', 'cpu'];

function backendsOption(args: ParsedArgs, quick: boolean): Backend[] {
  const raw = stringOption(args, 'backends');
  // --quick leaves webgpu out unless asked: without a GPU it is SwiftShader, ~7 s a step even for a tiny student.
  if (!raw) return quick ? ['wasm', 'cpu'] : [...BACKENDS];
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const b of list) if (!BACKENDS.includes(b as Backend)) throw new UsageError(`--backends: unknown backend "${b}" (known: ${BACKENDS.join(', ')})`);
  return list as Backend[];
}

/**
 * A copy of another revision's engine for before/after figures: `git archive REF src` into a temporary
 * directory, with this checkout's bench/ (so the same peer code drives both) and node_modules linked.
 */
async function baselineCheckout(ref: string): Promise<{ benchDir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'distill-bench-baseline-'));
  try {
    await run('sh', ['-c', `git -C "$0" archive "$1" src | tar -x -C "$2"`, ROOT, ref, dir]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new UsageError(`--baseline ${ref}: git archive failed (${(err as Error).message.split('\n')[0]})`);
  }
  await cp(path.join(ROOT, 'bench'), path.join(dir, 'bench'), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  return { benchDir: path.join(dir, 'bench'), dispose: () => rm(dir, { recursive: true, force: true }) };
}

export async function benchCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['quick', 'browser', 'large-vocab', 'backends', 'filter', 'rounds', 'run-seconds', 'no-torch', 'no-nanogpt', 'wasm-threads', 'baseline', 'read-mb', 'flatness-steps', 'out', 'timeout-minutes']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const quick = args.options.get('quick') === true;
  const browser = args.options.get('browser') === true;
  const rounds = intOption(args, 'rounds') ?? (quick ? 2 : 3);
  // The reading speed is a Node figure (the readers are the same code in the page): off in --browser unless asked.
  const readMb = intOption(args, 'read-mb') ?? (browser ? 0 : 100);
  const flatnessSteps = intOption(args, 'flatness-steps') ?? 1000;
  const runSeconds = Number(stringOption(args, 'run-seconds') ?? (quick ? 3 : 4));
  if (!(rounds >= 1)) throw new UsageError('--rounds must be at least 1');
  if (!(runSeconds > 0)) throw new UsageError('--run-seconds must be a positive number');
  if (readMb < 0 || flatnessSteps < 0) throw new UsageError('--read-mb and --flatness-steps must be ≥ 0');
  const outDir = stringOption(args, 'out') ?? path.join(ROOT, 'out', 'bench');
  const ref = stringOption(args, 'baseline');
  if (ref && browser) throw new UsageError('--baseline runs in Node only (the baseline pages are not built): drop --browser');
  const baseline = ref ? await baselineCheckout(ref) : null;
  const page = browser ? await (await import('./browser/browser_peers.ts')).launchBrowserBench() : null;
  try {
    const options: SuiteOptions = {
      quick,
      backends: backendsOption(args, quick),
      filter: stringOption(args, 'filter'),
      largeVocab: args.options.get('large-vocab') === true,
      rounds,
      targetRunMs: runSeconds * 1000,
      torch: args.options.get('no-torch') !== true,
      nanogpt: args.options.get('no-nanogpt') !== true,
      wasmThreads: intOption(args, 'wasm-threads'),
      baselineBenchDir: baseline?.benchDir,
      baselineLabel: ref,
      readMinBytes: readMb * 2 ** 20,
      flatnessSteps,
      requestTimeoutMs: (intOption(args, 'timeout-minutes') ?? 20) * 60_000,
      where: browser ? 'browser' : 'node',
      startPeer: page
        ? (name, _benchDir, env) => (name === 'torch' ? startPeer('torch') : page.startPeer(name, Number(env?.DISTILL_WASM_THREADS ?? 1)))
        : undefined,
      log,
    };
    // Loaded on demand: the other commands never pay for the bench's modules.
    const { runSuite } = await import('./suite.ts');
    const { markdownReport } = await import('./report.ts');
    const result = await runSuite(options);
    await mkdir(outDir, { recursive: true });
    const stamp = result.startedAt.replace(/[:.]/g, '-');
    const md = markdownReport(result);
    const name = `bench-${browser ? 'browser-' : ''}${stamp}`;
    await writeFile(path.join(outDir, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
    await writeFile(path.join(outDir, `${name}.md`), md + '\n');
    process.stdout.write(md + '\n');
    log(`wrote ${path.join(outDir, `${name}.json`)} and .md (${(result.wallSeconds / 60).toFixed(1)} min)`);
  } finally {
    await page?.close();
    await baseline?.dispose();
  }
}

/** The `bench` entry of the CLI's command registry (src/cli/main.ts registerCommand). */
export const BENCH_COMMAND = { help: benchHelp, run: benchCommand, flags: BENCH_FLAGS };

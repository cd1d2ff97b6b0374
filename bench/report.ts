/** Markdown for a SuiteResult (suite.ts): the tables BENCHMARKS.md quotes. Pure. */
import type { CellResult, PeerResult, SuiteResult } from './suite.ts';
import { trimLabel, vocabLabel } from './grid.ts';

const fmt = (x: number | undefined | null, digits = 0): string => (x === undefined || x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const ratio = (x: number | undefined, range?: [number, number]): string =>
  x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×${range && range[0] !== range[1] ? ` (${range[0].toFixed(2)}–${range[1].toFixed(2)})` : ''}`;
const mib = (bytes: number | undefined | null): string => (bytes === undefined || bytes === null ? '–' : (bytes / 2 ** 20).toFixed(0));

function tokS(p: PeerResult | undefined): string {
  if (!p) return '–';
  if (p.error) return `error: ${p.error.slice(0, 60)}`;
  return fmt(p.tokensPerSecond);
}

function cellRow(r: CellResult, baseline: boolean, threads: boolean): string {
  const c = r.cell;
  const shape = `d${c.dModel} L${c.nLayers} V${vocabLabel(c.vocabSize)} T${c.seqLen} B${c.batchSize} ${c.teacher}${trimLabel(c).replace('-', ' ')}`;
  if (r.skipped) return `| ${c.backend} | ${shape} | skipped: ${r.skipped} |${' |'.repeat(8 + (baseline ? 2 : 0) + (threads ? 2 : 0))}`;
  const ours = r.peers.ours;
  const cols = [
    c.backend,
    shape,
    ours?.error ? `error: ${ours.error.slice(0, 60)}` : fmt(ours?.msPerStep),
    tokS(ours),
    tokS(r.peers.torch),
    ratio(r.ratios.torch, r.ratioRange?.torch),
    tokS(r.peers.nanogpt),
    ratio(r.ratios.nanogpt, r.ratioRange?.nanogpt),
  ];
  if (baseline) cols.push(tokS(r.peers.baseline), ratio(r.ratios.baseline, r.ratioRange?.baseline));
  if (threads) cols.push(tokS(r.peers.threads), ratio(r.ratios.threadsVsTorch, r.ratioRange?.threadsVsTorch));
  cols.push(fmt(ours?.extras?.forwardMsPerExample, 2), fmt(r.peers.torch?.extras?.forwardMsPerExample, 2), mib(ours?.extras?.peakBytes), mib(ours?.extras?.peakRssBytes), mib(r.peers.torch?.extras?.peakRssBytes), fmt(ours?.extras?.numTensors));
  return `| ${cols.join(' | ')} |`;
}

export function markdownReport(result: SuiteResult): string {
  const baseline = result.cells.some((r) => r.peers.baseline);
  const threads = result.cells.some((r) => r.peers.threads);
  const m = result.machine;
  const lines: string[] = [];
  lines.push(`# distill bench${result.options.where === 'browser' ? ' (browser: headless Chromium)' : ''} — ${result.startedAt}`, '');
  lines.push(`Machine: ${m.cpu}, ${m.logicalCores} logical cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}` + (m.torch ? `, PyTorch ${m.torch}` : '') + (m.commit ? `, commit ${m.commit}` : '') + '.');
  lines.push(`Load average at start ${JSON.stringify(m.loadAverageAtStart)}, at end ${JSON.stringify(m.loadAverageAtEnd)} (other jobs share this machine: ratios pair runs of the same round).`);
  if (m.browser) lines.push(`Our engine and nanogpt ran in pages of ${m.browser} (cross-origin isolated: ${m.crossOriginIsolated}); PyTorch in a Node-side process.`);
  if (m.webgpuAdapter) lines.push(`WebGPU adapter: ${m.webgpuAdapter}.`);
  lines.push(`Recipe: KD at T = ${result.recipe.temperature} (α ${result.recipe.alphaKd}) + CE (α ${result.recipe.alphaHard}), dropout ${result.recipe.dropout}, AdamW, clip 1.0. Rounds per cell: ${result.options.rounds}; wall time ${(result.wallSeconds / 60).toFixed(1)} min.`, '');
  for (const note of result.notes) lines.push(`- ${note}`);
  if (result.notes.length) lines.push('');
  lines.push('## Training throughput', '');
  lines.push('tok/s = B·L / (median ms per step); ratios are our throughput ÷ the peer’s, the median of rounds (each round times every peer once, back to back), lowest–highest round in brackets; > 1: ours faster. fwd = student forward latency, ms per example at the batch size. peak = peak tf.memory().numBytes during one step; peak RSS = the peak resident set of each peer process (one process per cell).', '');
  const head = ['backend', 'student / teacher', 'ours ms/step', 'ours tok/s', 'PyTorch tok/s', 'vs PyTorch', 'nanogpt tok/s', 'vs nanogpt'];
  if (baseline) head.push(`${result.options.baselineLabel ?? 'baseline'} tok/s`, 'vs baseline');
  if (threads) head.push(`ours ${result.options.wasmThreads} wasm threads tok/s`, `${result.options.wasmThreads} threads vs PyTorch`);
  head.push('ours fwd ms/ex', 'PyTorch fwd ms/ex', 'peak MiB', 'ours peak RSS MiB', 'PyTorch peak RSS MiB', 'tensors');
  lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const r of result.cells) lines.push(cellRow(r, baseline, threads));
  lines.push('');
  if (result.read) {
    lines.push('## Reading speed', '', '| container | file MB | examples × L | MB/s | runs (ms) |', '|---|---|---|---|---|');
    for (const r of result.read) {
      lines.push(`| ${r.container} | ${(r.fileBytes / 1e6).toFixed(0)} | ${r.examples} × ${r.seqLen} | ${r.error ? `error: ${r.error}` : fmt(r.mbPerSecond)} | ${r.runsMs.map((x) => x.toFixed(0)).join(', ')} |`);
    }
    lines.push('');
  }
  const f = result.flatness;
  if (f) {
    lines.push(`## Memory over ${f.steps} steps (${f.cell.backend}, d${f.cell.dModel} L${f.cell.nLayers} V${f.cell.vocabSize} T${f.cell.seqLen} B${f.cell.batchSize})`, '');
    if (f.error) lines.push(`error: ${f.error}`, '');
    else {
      lines.push(`Tensor count flat: **${f.tensorsFlat ? 'yes' : 'NO'}**; tensor bytes flat: **${f.bytesFlat ? 'yes' : 'NO'}**; backend memory flat after warm-up: **${f.backendFlat === null ? 'n/a' : f.backendFlat ? 'yes' : 'NO'}**.`, '');
      lines.push('| step | tensors | tensor MiB | backend MiB |', '|---|---|---|---|');
      for (const s of f.samples) lines.push(`| ${s.step} | ${s.numTensors} | ${(s.numBytes / 2 ** 20).toFixed(2)} | ${mib(s.backendBytes)} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

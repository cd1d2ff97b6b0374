import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkCompatible } from '../../engine/train/compatibility.ts';
import { parseGridSpec, planSweep, type SweepPlanRow } from '../../engine/sweep/grid.ts';
import { sweepCsv, sweepJson, type SweepFile, type SweepRow } from '../../io/sweep_table.ts';
import { checkKnown, listOption, requiredOption, UsageError, type ParsedArgs } from '../args.ts';
import { prepareVocabulary } from '../../engine/data/trim_vocab.ts';
import { loadSet } from '../load.ts';
import { log } from '../progress.ts';
import { resolveConfig } from './shared.ts';
import { selectTrainingBackend, trainToDir } from './train.ts';

export const sweepHelp =
  'distill sweep --data FILE --grid KEY=V1,V2,… [--grid …] [--preset NAME] [--config cfg.json] [--steps N] [--backend B] [--seed S] [--no-baseline] --out DIR   every combination + a hard-label baseline: DIR/sweep.json, sweep.csv, a run directory each';
export const SWEEP_FLAGS = ['no-baseline'] as const;

/**
 * `distill sweep`: every combination of the grid, back to back, plus a hard-label baseline row, each trained
 * by `distill train`'s code path into DIR/<row name>/; DIR/sweep.json and DIR/sweep.csv are rewritten after
 * every row, so an interrupted sweep keeps what it finished. The whole plan (grid values, combinations, what
 * the set can serve) is checked before the first step. Exits 1 if any row failed, after the others ran.
 */
export async function sweepCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['data', 'grid', 'preset', 'config', 'steps', 'backend', 'seed', 'no-baseline', 'out']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const dataFile = requiredOption(args, 'data');
  const outDir = requiredOption(args, 'out');
  const specs = listOption(args, 'grid');
  if (specs.length === 0) throw new UsageError('--grid KEY=V1,V2,… is required');
  const base = await resolveConfig(args);
  const axes = specs.map((spec) => parseGridSpec(spec, base));
  const plan = planSweep(base, axes, { baseline: !args.options.has('no-baseline') });
  const set = await loadSet(dataFile);
  for (const row of plan) {
    try {
      checkCompatible(set, row.config);
    } catch (err) {
      const hint = row.baseline ? ' (--no-baseline skips it)' : '';
      throw new Error(`${row.name}: ${err instanceof Error ? err.message : String(err)}${hint}`, { cause: err });
    }
  }

  const totalSteps = plan.reduce((sum, row) => sum + row.config.steps, 0);
  // Chosen once, on the first row's student, so that every row runs on the same backend.
  // calibrated on the first row's student, its vocabulary prepared as that row's run will (each row decides again)
  const calibrationSet = prepareVocabulary(set, plan[0].config, plan[0].config.backend === 'auto' ? 'wasm' : plan[0].config.backend).set;
  const backend = await selectTrainingBackend(calibrationSet, plan[0].config, { steps: totalSteps, what: 'sweep' });
  const gridRows = plan.length - (plan.some((r) => r.baseline) ? 1 : 0);
  log(`sweep: ${plan.length} runs (${gridRows} grid${gridRows < plan.length ? ' + baseline' : ''}) on ${backend.name}, into ${outDir}`);

  const file: SweepFile = {
    tool: 'distill-playground',
    started_at: new Date().toISOString(),
    data: path.basename(dataFile),
    grid: Object.fromEntries(axes.map((a) => [a.key, a.values])),
    backend,
    rows: [],
  };
  const gridKeys = axes.map((a) => a.key);
  await mkdir(outDir, { recursive: true });
  const save = async () => {
    await writeFile(path.join(outDir, 'sweep.json'), sweepJson(file));
    await writeFile(path.join(outDir, 'sweep.csv'), sweepCsv(file.rows, gridKeys));
  };
  const t0 = performance.now();
  for (const [i, row] of plan.entries()) {
    const tag = `[${i + 1}/${plan.length}] ${row.name}`;
    log(`${tag}: ${row.config.steps} steps`);
    file.rows.push(await runRow(row, tag, { set, dataFile, backend, outDir }));
    await save();
  }
  const failed = file.rows.filter((r) => r.error !== undefined);
  log(`wrote ${path.join(outDir, 'sweep.json')}, sweep.csv and ${plan.length - failed.length} run directories (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (failed.length > 0) {
    throw new Error(`${failed.length} of ${plan.length} runs failed (${failed[0].name}: ${failed[0].error}); see ${path.join(outDir, 'sweep.json')}`);
  }
}

/** Trains one row into its directory; a failure becomes the row's `error`, and the sweep goes on. */
async function runRow(
  row: SweepPlanRow,
  tag: string,
  context: Pick<Parameters<typeof trainToDir>[0], 'set' | 'dataFile' | 'backend'> & { outDir: string },
): Promise<SweepRow> {
  const entry = { name: row.name, config: row.config, baseline: row.baseline, grid: row.grid, dir: row.dir };
  try {
    const report = await trainToDir({ ...context, config: row.config, outDir: path.join(context.outDir, row.dir), verbose: false });
    const m = report.final_metrics ?? report.initial_metrics;
    if (!m) throw new Error('the run reported no metrics');
    log(`${tag}: done in ${report.wall_seconds.toFixed(1)} s  label_loyalty ${m.label_loyalty.toFixed(4)}  prob_loyalty ${m.prob_loyalty.toFixed(4)}  kl ${m.kl.toFixed(4)}`);
    return { ...entry, final_metrics: m, initial_metrics: report.initial_metrics, wall_seconds: report.wall_seconds };
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    log(`${tag}: failed: ${error}`);
    return { ...entry, final_metrics: null, wall_seconds: null, error };
  }
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EvalRecord, StepRecord } from '../../engine/trainer_types.ts';
import { buildReport, reportJson } from '../../io/report.ts';
import { checkKnown, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { loadSetInto } from '../load.ts';
import { createNodeSession, runToEnd } from '../node_session.ts';
import { log } from '../progress.ts';
import { writeStudentDir } from '../student_dir.ts';
import { resolveConfig } from './shared.ts';

export const trainHelp =
  'distill train --data FILE [--preset NAME] [--config cfg.json] [--steps N] [--backend auto|webgpu|wasm|cpu] [--seed S] --out DIR';

/**
 * `distill train`: trains a student on FILE and writes DIR/student.safetensors, DIR/config.json and
 * DIR/report.json (io/report.ts: config, per-step history, every evaluation — the page's report format).
 * Progress goes to stderr. It drives the same training session surface as the page (node_session.ts).
 */
export async function trainCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['data', 'preset', 'config', 'steps', 'backend', 'seed', 'out']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const dataFile = requiredOption(args, 'data');
  const outDir = requiredOption(args, 'out');
  const config = await resolveConfig(args);
  const session = createNodeSession();
  const history: StepRecord[] = [];
  const evals: EvalRecord[] = [];
  session.subscribe((event) => {
    if (event.type === 'backend') {
      log(`backend ${event.choice.reason}${event.choice.adapter ? ` [${event.choice.adapter}]` : ''}`);
    } else if (event.type === 'steps') {
      history.push(...event.records);
      const last = event.records[event.records.length - 1];
      log(`step ${last.step}/${config.steps}  loss ${last.total.toFixed(4)}  lr ${last.lr.toExponential(2)}  ${last.ms_per_step.toFixed(1)} ms/step  ${Math.round(last.tokens_per_s)} tok/s`);
    } else if (event.type === 'eval') {
      evals.push(event.record);
      const m = event.record.metrics;
      log(`eval @${event.record.step}: label_loyalty ${m.label_loyalty.toFixed(4)}  prob_loyalty ${m.prob_loyalty.toFixed(4)}  kl ${m.kl.toFixed(4)}`);
    }
  });
  try {
    const { summary } = await loadSetInto(session, dataFile);
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const configured = await session.configure(config);
    log(`student: ${configured.paramCount.toLocaleString('en-US')} parameters; ${summary.examples} examples × ${summary.seqLen} positions`);
    const initial = await session.evaluate(); // step 0: the baseline every later figure is compared with
    const end = await runToEnd(session);
    const files = await session.exportStudent();
    const wallSeconds = (performance.now() - t0) / 1000;
    const latency = await session.measureLatency();
    await mkdir(outDir, { recursive: true });
    await writeStudentDir(outDir, files);
    const report = buildReport({
      started_at: startedAt,
      wall_seconds: wallSeconds,
      data: summary.dataset,
      config: configured.config,
      backend: configured.backend,
      student: { num_parameters: files.paramCount, ...(JSON.parse(files.configJson) as Record<string, unknown>) },
      history,
      evals,
      initial_metrics: initial.metrics,
      final_metrics: evals.length > 0 ? evals[evals.length - 1].metrics : initial.metrics,
      name: `${stringOption(args, 'preset') ?? 'custom'} · seed ${config.seed} · ${path.basename(path.resolve(outDir))}`,
      status: end.reason === 'completed' ? 'done' : 'stopped',
      student_ms_per_example: latency.ms_per_example,
    });
    await writeFile(path.join(outDir, 'report.json'), reportJson(report));
    log(`wrote ${path.join(outDir, 'student.safetensors')}, config.json, report.json (${wallSeconds.toFixed(1)} s)`);
  } finally {
    session.dispose();
  }
}

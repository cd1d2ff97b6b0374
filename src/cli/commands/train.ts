import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTrainer } from '../../engine/trainer.ts';
import type { EvalRecord, StepRecord } from '../../engine/trainer_types.ts';
import { inspectDistillSet } from '../../io/index.ts';
import { checkKnown, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { explicitConfigKeys, initFromTeacher } from '../init_from.ts';
import { loadSet } from '../load.ts';
import { selectNodeBackend } from '../node_runtime.ts';
import { log } from '../progress.ts';
import { writeStudentDir } from '../student_dir.ts';
import { resolveConfig } from './shared.ts';

export const trainHelp =
  'distill train --data FILE [--preset NAME] [--config cfg.json] [--steps N] [--backend auto|webgpu|wasm|cpu] [--seed S] [--init-from TEACHER_DIR] --out DIR';

/**
 * `distill train`: trains a student on FILE and writes DIR as a Hugging Face model directory
 * (config.json, model.safetensors, tokenizer files when the set has them; io/student_files.ts) plus
 * DIR/report.json (config, per-step history, every evaluation). Progress goes to stderr.
 */
export async function trainCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['data', 'preset', 'config', 'steps', 'backend', 'seed', 'out', 'init-from']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const dataFile = requiredOption(args, 'data');
  const outDir = requiredOption(args, 'out');
  const requested = await resolveConfig(args);
  const set = await loadSet(dataFile);
  const initFrom = stringOption(args, 'init-from');
  const init = initFrom ? await initFromTeacher(initFrom, set, requested, await explicitConfigKeys(args)) : undefined;
  const config = init?.config ?? requested;
  const backend = await selectNodeBackend(config.backend);
  log(`backend ${backend.reason}${backend.adapter ? ` [${backend.adapter}]` : ''}`);

  const history: StepRecord[] = [];
  const evals: EvalRecord[] = [];
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const trainer = await createTrainer(set, config, {
    onStep: (records) => {
      history.push(...records);
      const last = records[records.length - 1];
      log(`step ${last.step}/${config.steps}  loss ${last.total.toFixed(4)}  lr ${last.lr.toExponential(2)}  ${last.ms_per_step.toFixed(1)} ms/step  ${Math.round(last.tokens_per_s)} tok/s`);
    },
    onEval: (record) => {
      evals.push(record);
      const m = record.metrics;
      log(`eval @${record.step}: label_loyalty ${m.label_loyalty.toFixed(4)}  prob_loyalty ${m.prob_loyalty.toFixed(4)}  kl ${m.kl.toFixed(4)}`);
    },
  }, { backend, initialWeights: init?.initialWeights });
  try {
    log(`student: ${trainer.paramCount.toLocaleString('en-US')} parameters; ${set.n} examples × ${set.seqLen} positions`);
    const initial = await trainer.evaluate(); // step 0: the baseline every later figure is compared with
    await trainer.start();
    const student = await trainer.exportStudent();
    const wallSeconds = (performance.now() - t0) / 1000;
    await mkdir(outDir, { recursive: true });
    const written = await writeStudentDir(outDir, student, set.metadata);
    const report = {
      tool: 'distill-playground',
      started_at: startedAt,
      wall_seconds: wallSeconds,
      data: { file: path.basename(dataFile), ...inspectDistillSet(set) },
      config,
      backend,
      student: { num_parameters: trainer.paramCount, ...student.config },
      history,
      evals,
      initial_metrics: initial.metrics,
      final_metrics: evals.length > 0 ? evals[evals.length - 1].metrics : initial.metrics,
    };
    await writeFile(path.join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    log(`wrote ${outDir}: ${[...written, 'report.json'].join(', ')} (${wallSeconds.toFixed(1)} s)`);
  } finally {
    trainer.dispose();
  }
}

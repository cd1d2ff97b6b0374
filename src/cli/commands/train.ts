import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackendChoice } from '../../engine/backend.ts';
import { longRunWarning, projectedSeconds } from '../../engine/backend_rule.ts';
import { calibrateStudent } from '../../engine/calibrate.ts';
import { prepareVocabulary, trimVocabularyRows, type PreparedVocabulary } from '../../engine/data/trim_vocab.ts';
import { describeStepEstimate, estimateStep } from '../../engine/memory/step_estimate.ts';
import type { DistillConfig } from '../../engine/config/config.ts';
import type { EvalRecord, NamedArray, StepRecord } from '../../engine/trainer_types.ts';
import type { DistillSet } from '../../engine/types.ts';
import { buildReport, reportJson, type RunReport } from '../../io/report.ts';
import { encodeVocabMap, VOCAB_MAP_FILE } from '../../io/vocab_map.ts';
import { checkKnown, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { explicitConfigKeys, initFromTeacher } from '../init_from.ts';
import { cliMemoryBudget, loadSet } from '../load.ts';
import { createNodeSession, runToEnd } from '../node_session.ts';
import { selectNodeBackend } from '../node_runtime.ts';
import { log } from '../progress.ts';
import { writeStudentDir } from '../student_dir.ts';
import { resolveConfig } from './shared.ts';

export const trainHelp =
  'distill train --data FILE [--preset NAME] [--config cfg.json] [--steps N] [--backend auto|webgpu|wasm|cpu] [--seed S] [--init-from TEACHER_DIR] --out DIR';

/**
 * `distill train`: trains a student on FILE and writes DIR as a Hugging Face model directory (config.json,
 * model.safetensors, the AdamW state, tokenizer files when the set has them: io/student_files.ts) plus
 * DIR/report.json (io/report.ts: the page's report format). Progress goes to stderr. It drives the same
 * training session surface as the page (node_session.ts).
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
  // trimmed (or not) before the backend is calibrated: calibration times the student the run will train
  const vocabulary = prepareVocabulary(set, config, config.backend === 'auto' ? 'wasm' : config.backend, cliMemoryBudget());
  log(vocabulary.decision.reason);
  const initialWeights = init && vocabulary.map ? trimVocabularyRows(init.initialWeights, vocabulary.map) : init?.initialWeights;
  const backend = await selectTrainingBackend(vocabulary.set, config);
  // the same estimate the trainer checks against the budget (wasm: its heap) before it allocates anything
  log(`memory: one step holds ${describeStepEstimate(estimateStep(vocabulary.set, config))}`);
  const name = `${stringOption(args, 'preset') ?? 'custom'} · seed ${config.seed} · ${path.basename(path.resolve(outDir))}`;
  await trainToDir({ set, dataFile, config, backend, outDir, verbose: true, initialWeights, name, vocabulary });
}

/**
 * The backend a training run uses: `auto` calibrates the run's student on each candidate (a warm-up step and
 * a few timed ones, engine/calibrate.ts) and keeps the fastest. Prints the choice, each measured ms/step and,
 * for a run projected over 10 minutes, a warning; `projected_seconds` covers `projection.steps` steps (a
 * sweep's projection covers all its rows).
 */
export async function selectTrainingBackend(
  set: DistillSet,
  config: Readonly<DistillConfig>,
  projection: { steps: number; what: string } = { steps: config.steps, what: 'run' },
): Promise<BackendChoice> {
  const backend = await selectNodeBackend(config.backend, { calibrate: () => calibrateStudent(set, config) });
  log(`backend ${backend.reason}${backend.adapter ? ` [${backend.adapter}]` : ''}`);
  for (const c of backend.calibration ?? []) {
    log(`calibration ${c.name}: ${c.ms_per_step !== undefined ? `${c.ms_per_step.toFixed(1)} ms/step (${c.steps} steps after a ${c.warmup_ms?.toFixed(0)} ms warm-up)` : `failed: ${c.error}`}`);
  }
  const chosen = backend.calibration?.find((c) => c.name === backend.name)?.ms_per_step;
  if (chosen !== undefined) {
    backend.projected_seconds = projectedSeconds(chosen, projection.steps);
    const warning = longRunWarning(chosen, projection.steps, backend.name, projection.what);
    if (warning) log(`warning: ${warning}`);
  }
  return backend;
}

export interface TrainToDirOptions {
  set: DistillSet;
  /** The set's file (its base name and size go into the report). */
  dataFile: string;
  config: Readonly<DistillConfig>;
  /** From selectTrainingBackend (or selectNodeBackend), already the current tfjs backend. */
  backend: BackendChoice;
  outDir: string;
  /** A stderr line per report window and per evaluation (`distill train`); off in a sweep. */
  verbose: boolean;
  /** Starting weights (model.safetensors layout, any subset), e.g. copied from the teacher (--init-from). */
  initialWeights?: NamedArray[];
  /** The run's name in report.json (default: the directory's name). */
  name?: string;
  /** The vocabulary decision already taken for `set` (prepareVocabulary); taken here, and logged, if absent. */
  vocabulary?: PreparedVocabulary;
}

/**
 * One training run into a student directory — the code path of `distill train`, shared by `distill sweep`:
 * a node session over the loaded set, configured on the selected backend, evaluated at step 0, trained
 * `config.steps` steps; writes the model directory (student_dir.ts) and DIR/report.json. Returns the report.
 */
export async function trainToDir(options: TrainToDirOptions): Promise<RunReport & { wall_seconds: number }> {
  const { dataFile, config, outDir, verbose } = options;
  const backend: BackendChoice = { ...options.backend };
  const vocabulary = options.vocabulary ?? prepareVocabulary(options.set, config, backend.name, cliMemoryBudget());
  if (!options.vocabulary) log(vocabulary.decision.reason);
  const set = vocabulary.set;
  const history: StepRecord[] = [];
  const evals: EvalRecord[] = [];
  const session = createNodeSession();
  session.subscribe((event) => {
    if (event.type === 'steps') {
      history.push(...event.records);
      const last = event.records[event.records.length - 1];
      // Uncalibrated (an explicit backend): project from the first report window after step 1, whose time
      // includes kernel compilation, or from the only window of a short run.
      if (backend.projected_seconds === undefined && (event.records[0].step > 1 || last.step >= config.steps)) {
        backend.projected_seconds = projectedSeconds(last.ms_per_step, config.steps);
        const warning = longRunWarning(last.ms_per_step, config.steps, backend.name);
        if (warning) log(`warning: ${warning}`);
      }
      if (verbose) log(`step ${last.step}/${config.steps}  loss ${last.total.toFixed(4)}  lr ${last.lr.toExponential(2)}  ${last.ms_per_step.toFixed(1)} ms/step  ${Math.round(last.tokens_per_s)} tok/s`);
    } else if (event.type === 'eval') {
      evals.push(event.record);
      const m = event.record.metrics;
      const masked = m.masked_label_loyalty !== undefined ? `  masked_label_loyalty ${m.masked_label_loyalty.toFixed(4)}` : '';
      if (verbose) log(`eval @${event.record.step}: label_loyalty ${m.label_loyalty.toFixed(4)}${masked}  prob_loyalty ${m.prob_loyalty.toFixed(4)}  kl ${m.kl.toFixed(4)}`);
    }
  });
  try {
    const { summary } = session.adopt(set, path.basename(dataFile), (await stat(dataFile)).size);
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const configured = await session.configure(config, { backend, initialWeights: options.initialWeights });
    if (verbose) log(`student: ${configured.paramCount.toLocaleString('en-US')} parameters; ${summary.examples} examples × ${summary.seqLen} positions`);
    const initial = await session.evaluate(); // step 0: the baseline every later figure is compared with
    const end = await runToEnd(session);
    const files = await session.exportStudent();
    // a trimmed student carries its ids in the teacher's vocabulary (io/vocab_map.ts)
    if (vocabulary.map) files.files.push({ name: VOCAB_MAP_FILE, bytes: encodeVocabMap(vocabulary.map) });
    const wallSeconds = (performance.now() - t0) / 1000;
    const latency = await session.measureLatency();
    const written = await writeStudentDir(outDir, files);
    const report = buildReport({
      started_at: startedAt,
      wall_seconds: wallSeconds,
      data: summary.dataset,
      config: configured.config,
      backend,
      student: { num_parameters: files.paramCount, ...(JSON.parse(files.configJson) as Record<string, unknown>) },
      history,
      evals,
      initial_metrics: initial.metrics,
      final_metrics: evals.length > 0 ? evals[evals.length - 1].metrics : initial.metrics,
      name: options.name ?? path.basename(path.resolve(outDir)),
      status: end.reason === 'completed' ? 'done' : 'stopped',
      student_ms_per_example: latency.ms_per_example,
      vocabulary: { ...vocabulary.decision },
    });
    await writeFile(path.join(outDir, 'report.json'), reportJson(report));
    if (verbose) log(`wrote ${outDir}: ${[...written, 'report.json'].join(', ')} (${wallSeconds.toFixed(1)} s)`);
    return { ...report, wall_seconds: wallSeconds };
  } finally {
    session.dispose();
  }
}

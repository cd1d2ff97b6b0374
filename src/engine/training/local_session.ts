/**
 * The in-thread TrainingSession: one DistillSet, at most one trainer (driven, checkpoints included, by
 * run_driver.ts), and the events of its run. The CLI and the tests call it directly; the training worker
 * wraps it (src/worker/host.ts); the page falls back to it when no worker can start.
 *
 * The readers and writers of files come in `deps` (the engine does not import src/io), with the platform's
 * backend selection and capability probe.
 */
import type { BackendChoice } from '../backend.ts';
import type { CalibrationRecord } from '../backend_rule.ts';
import type { BackendName, DistillConfig } from '../config/config.ts';
import type { NamedArray, StudentExport, StudentSources, Trainer, TrainerCallbacks } from '../trainer_types.ts';
import type { ArchitectureName } from '../model/architectures/types.ts';
import type { DistillMetadata, DistillSet } from '../types.ts';
import type { VocabMap } from '../data/trim_vocab.ts';
import { mergeConfig } from '../config/merge.ts';
import { handoffRecipeFor } from '../handoff/from_trainer.ts';
import { planTeacherInit } from '../model/teacher_init.ts';
import { resolveArchitecture } from '../model/architectures/index.ts';
import { confusionCounts, exampleView } from './example_view.ts';
import { createRunDriver, type RunDriver } from './run_driver.ts';
import { logitsInTeacherIds, predictionsInTeacherIds, prepareRunVocabulary, trimmedHandoffRefusal, usedVocabulary } from './session_vocabulary.ts';
import type { Capabilities, ConfigureOptions, LoadedSet, SessionEvent, SessionListener, SetSummary, StudentFiles, TrainingSession } from './session.ts';

/** What a teacher checkpoint tells before any tensor is read (io/hf_checkpoint.ts HfCheckpoint). */
export interface TeacherCheckpoint {
  config: Record<string, unknown>;
  tensors: ReadonlyMap<string, unknown>;
}

export interface ReadOptions {
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export interface LocalSessionDeps {
  /** io's readDistillSet (the CLI's adds its memory budget). */
  readDistillSet(blob: Blob, name: string, opts?: ReadOptions): Promise<DistillSet>;
  /** io's summarizeSet. */
  summarizeSet(set: DistillSet, fileName: string, fileBytes: number): SetSummary;
  /** io's openHfCheckpoint and readHfTensors: a teacher's weights, for ConfigureOptions.teacher. */
  openCheckpoint?(files: ReadonlyMap<string, Blob>): Promise<TeacherCheckpoint>;
  readCheckpoint?(ckpt: TeacherCheckpoint, names: readonly string[], opts: ReadOptions): Promise<ReadonlyMap<string, { shape: number[]; data: Float32Array }>>;
  /** io's encodeStudentFiles: the model directory, with the set's tokenizer, the AdamW state and a trimmed run's vocab_map.json. */
  encodeStudentFiles(student: StudentExport, paramCount: number, meta: DistillMetadata, optimizer: { step: number; tensors: NamedArray[] }, vocabMap?: VocabMap): StudentFiles;
  /** io's encodeStudentFilesStreamed: the same files, each tensor read into its file's buffer and let go (used when given). */
  encodeStudentFilesStreamed?(sources: StudentSources, paramCount: number, meta: DistillMetadata, vocabMap?: VocabMap): Promise<StudentFiles>;
  /**
   * Makes a backend current. For `auto`, `run.calibrate` (present when deps.calibrate is) times the run's
   * student on the current backend, and `run.steps` is what a projection covers (engine/backend_rule.ts).
   */
  selectBackend(preference: BackendName, run?: { calibrate?: () => Promise<CalibrationRecord>; steps?: number }): Promise<BackendChoice>;
  /** Times the run's student on the current backend (engine/calibrate.ts); the page's auto uses it, the CLI calibrates itself. */
  calibrate?(set: DistillSet, config: Readonly<DistillConfig>): Promise<CalibrationRecord>;
  /** Makes backend `name` current again for a choice made earlier (configure's options.backend, e.g. a sweep's later rows). */
  ensureBackend?(name: BackendChoice['name']): Promise<void>;
  createTrainer(
    set: DistillSet,
    config: Readonly<DistillConfig>,
    callbacks: TrainerCallbacks,
    options?: { backend?: BackendChoice; evalIndices?: readonly number[]; architecture?: ArchitectureName; initialWeights?: readonly NamedArray[] },
  ): Promise<Trainer>;
  probe(): Promise<Capabilities>;
  /** Clock for the checkpoint cadence (ms); Date.now by default. */
  now?: () => number;
  /** Resolves once a failed run's cause is known (the worker waits briefly for a GPU device loss to surface). */
  settleFailure?: () => Promise<void>;
  /** Periodic checkpoints (the page resumes from them); false for the CLI. Default true. */
  checkpoints?: boolean;
  /**
   * Decide `trim_vocab` at configure and train on the trimmed set (session_vocabulary.ts): the page. False for
   * the CLI, which decides before it calibrates and adopts the set it decided on. Default false.
   */
  trimVocabulary?: boolean;
}

/** The local session's extras over TrainingSession: for the worker that wraps it, and the CLI. */
export interface LocalSession extends TrainingSession {
  /** Takes a set already read in this thread (the CLI, which reads it for its own checks first). */
  adopt(set: DistillSet, name: string, fileBytes: number): LoadedSet;
  /** The GPU device under the webgpu backend was lost: stop queueing work and say so ('device-lost'). */
  deviceLost(message: string): void;
  /** Writes a NaN into the first student weight (the debug fault 'non-finite'): the next steps' loss is NaN. */
  poisonWeights(): Promise<void>;
}

export function createLocalSession(deps: LocalSessionDeps): LocalSession {
  let set: DistillSet | null = null;
  /** What the configured trainer trains on: the loaded set, or its trimmed copy with the map back to it. */
  let trained: { set: DistillSet; map?: VocabMap } | null = null;
  let run: RunDriver | null = null;
  let loadAbort: AbortController | null = null;
  /** The configured trainer's family (a stored 0.1 directory's is legacy). */
  let architecture: ArchitectureName = 'distilbert';
  const listeners = new Set<SessionListener>();
  const emit = (event: SessionEvent) => {
    for (const listener of listeners) listener(event);
  };

  const requireSet = (): DistillSet => {
    if (!set) throw new Error('no data set is loaded');
    return set;
  };
  const requireRun = (): RunDriver => {
    if (!run) throw new Error('no run is configured: press Train first');
    return run;
  };
  const trainer = (): Trainer => requireRun().trainer;
  /** The set the configured trainer trains on (the loaded one, or its trimmed copy), and its map to the teacher's ids. */
  const trainedSet = (): DistillSet => trained?.set ?? requireSet();
  const vocabMap = (): VocabMap | undefined => trained?.map;
  const loadedSet = (loaded: DistillSet, name: string, fileBytes: number): LoadedSet => ({
    summary: { ...deps.summarizeSet(loaded, name, fileBytes), usedVocabulary: usedVocabulary(loaded) },
    vocab: loaded.metadata.vocab,
    labelNames: loaded.metadata.labelNames,
  });
  const disposeTrainer = () => {
    if (!run) return;
    run.dispose();
    run.trainer.stop();
    run.trainer.dispose();
    run = null;
    trained = null;
  };

  /** The student's config and starting weights from a teacher's files (progress events while reading). */
  async function fromTeacher(data: DistillSet, requested: Readonly<DistillConfig>, teacher: NonNullable<ConfigureOptions['teacher']>) {
    if (!deps.openCheckpoint || !deps.readCheckpoint) throw new Error('this session cannot read teacher weights');
    const ckpt = await deps.openCheckpoint(new Map(teacher.files.map((f) => [f.name, f.blob])));
    const plan = planTeacherInit(ckpt.config, new Set(ckpt.tensors.keys()), data, requested, new Set(teacher.explicit));
    const read = await deps.readCheckpoint(ckpt, plan.reads, {
      onProgress: (bytesRead, totalBytes) => emit({ type: 'progress', bytesRead, totalBytes }),
    });
    const initialWeights: NamedArray[] = plan.build(read).map((a) => ({ name: a.name, dtype: 'F32', shape: a.shape, data: a.data }));
    return { config: mergeConfig(requested, plan.overrides), initialWeights };
  }

  return {
    probe: () => deps.probe(),
    async load(file, name) {
      loadAbort?.abort();
      const abort = new AbortController();
      loadAbort = abort;
      // The loaded set (and a trainer on it) stays until the new file has been read: a file that fails to
      // read costs nothing (the page keeps showing, and training on, what was loaded).
      const blob = file instanceof Blob ? file : new Blob([file]);
      let lastPost = 0;
      const loaded = await deps.readDistillSet(blob, name, {
        signal: abort.signal,
        onProgress: (bytesRead, totalBytes) => {
          const now = Date.now();
          if (now - lastPost < 50 && bytesRead < totalBytes) return; // at most ~20 progress events a second
          lastPost = now;
          emit({ type: 'progress', bytesRead, totalBytes });
        },
      });
      if (abort.signal.aborted) throw new Error(`reading ${name} was replaced by another file`);
      disposeTrainer();
      set = loaded;
      return loadedSet(loaded, name, blob.size);
    },
    adopt(loaded, name, fileBytes) {
      loadAbort?.abort();
      disposeTrainer();
      set = loaded;
      return loadedSet(loaded, name, fileBytes);
    },
    async configure(requested, options = {}) {
      const data = requireSet();
      let config = requested;
      let initialWeights = options.initialWeights;
      if (options.teacher) {
        ({ config, initialWeights } = await fromTeacher(data, requested, options.teacher));
      }
      architecture = options.architecture ?? resolveArchitecture(config.architecture, data.task);
      disposeTrainer();
      // trimmed (or not) before the backend is calibrated: calibration times the student the run will train
      const vocabulary = deps.trimVocabulary ? prepareRunVocabulary(data, config, options.backend?.name ?? config.backend, initialWeights) : null;
      if (vocabulary) ({ config, initialWeights } = vocabulary);
      const trainSet = vocabulary?.prepared.set ?? data;
      let backend: BackendChoice;
      if (options.backend) {
        await deps.ensureBackend?.(options.backend.name);
        backend = options.backend;
      } else {
        const calibrate = deps.calibrate && config.backend === 'auto' ? deps.calibrate.bind(null, trainSet, config) : undefined;
        backend = await deps.selectBackend(config.backend, { calibrate, steps: config.steps });
      }
      emit({ type: 'backend', choice: backend });
      const driver = createRunDriver(emit, { now: deps.now, settleFailure: deps.settleFailure, checkpoints: deps.checkpoints });
      const created = await deps.createTrainer(trainSet, config, driver.callbacks, {
        backend,
        evalIndices: options.evalIndices,
        architecture: options.architecture,
        initialWeights,
      });
      driver.attach(created);
      run = driver;
      trained = { set: trainSet, map: vocabulary?.prepared.map };
      const decision = vocabulary && data.task !== 'classification' ? { vocabulary: { ...vocabulary.prepared.decision } } : {};
      return { paramCount: created.paramCount, config: { ...created.config }, backend: created.backend, ...decision };
    },
    async start() {
      const r = requireRun();
      if (r.start()) emit({ type: 'status', status: 'running', step: r.trainer.currentStep() });
    },
    async resume() {
      const r = requireRun();
      if (r.start()) emit({ type: 'status', status: 'running', step: r.trainer.currentStep() });
    },
    async pause() {
      requireRun().pause();
    },
    async stop() {
      requireRun().stop();
    },
    evaluate: async (indices) => trainer().evaluate(indices),
    // the student's ids are mapped back to the teacher's: the page shows tokens of the loaded set's vocabulary
    predictExamples: async (indices, topk) => predictionsInTeacherIds(await trainer().predictExamples(indices, topk), vocabMap()),
    predictLogits: async (indices, topk) => logitsInTeacherIds(await trainer().predictLogits(indices, topk), vocabMap()),
    async example(index, topk) {
      const data = requireSet();
      const student = run ? predictionsInTeacherIds(await run.trainer.predictExamples([index], topk), vocabMap())[0] : undefined;
      return exampleView(data, index, topk, student);
    },
    confusion: async (maxExamples) => confusionCounts(requireSet(), trainer(), maxExamples),
    measureLatency: async () => trainer().measureLatency(),
    async exportStudent() {
      const t = trainer();
      // a trimmed run: the trimmed tokenizer (the set's metadata) and vocab_map.json, as `distill train` writes them
      // streamed where the deps can: a 250k-vocabulary student's weights + AdamW moments are ~384 MB, read all
      // first they would be held twice (reads + files) on top of a wasm heap that never shrinks
      if (deps.encodeStudentFilesStreamed) return deps.encodeStudentFilesStreamed(t.exportSources(), t.paramCount, trainedSet().metadata, vocabMap());
      return deps.encodeStudentFiles(await t.exportStudent(), t.paramCount, trainedSet().metadata, await t.exportOptimizer(), vocabMap());
    },
    async handoffRecipe(request) {
      const map = vocabMap();
      if (map) throw new Error(trimmedHandoffRefusal(map));
      return handoffRecipeFor(trainer(), trainedSet(), { ...request, architecture, hasOptimizerState: true });
    },
    async loadStudent(tensors: NamedArray[]) {
      trainer().loadStudent(tensors);
    },
    async restore(checkpoint) {
      await requireRun().restore(checkpoint);
      return trainer().currentStep();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deviceLost(reason) {
      const step = run?.trainer.currentStep() ?? 0;
      // Nothing computed on a lost device can be trusted (no checkpoint, no more steps): the page restarts
      // the worker and resumes from its last checkpoint.
      run?.dispose();
      run?.trainer.pause();
      emit({ type: 'device-lost', message: reason, step });
    },
    async poisonWeights() {
      const t = trainer();
      const { tensors } = await t.exportStudent();
      const [first, ...rest] = tensors;
      const data = Float32Array.from(first.data);
      data[0] = Number.NaN;
      t.loadStudent([{ ...first, dtype: 'F32', data }, ...rest]);
    },
    dispose() {
      loadAbort?.abort();
      disposeTrainer();
      set = null;
      listeners.clear();
    },
  };
}

/**
 * The rule behind `backend: 'auto'`, as pure functions over what was probed and measured (no tfjs, no DOM), so
 * the CLI and the page's worker decide the same way.
 *
 * 1. A software GPU adapter (SwiftShader, llvmpipe, lavapipe, Microsoft Basic Render, or one the runtime flags
 *    `isFallbackAdapter`) emulates the GPU on the CPU: measured here at 37.7 s a step against 0.45–1 s on wasm
 *    for the demo student. It is never preferred over wasm, and not even calibrated while wasm works.
 * 2. cpu (tfjs's plain-JavaScript kernels, ~20× slower than wasm in BENCHMARKS.md) is the last resort: it is
 *    calibrated only when nothing else initialised.
 * 3. Among the remaining candidates, the fastest measured ms/step wins (a short calibration of the real student
 *    on the real set); without measurements, the first candidate in the auto order wins.
 */
import type { BackendName } from './config/config.ts';

export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/** What a GPU backend's adapter says about itself (WebGPU's GPUAdapterInfo; WebGL's unmasked renderer). */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** GPUAdapterInfo.isFallbackAdapter (older runtimes: GPUAdapter.isFallbackAdapter). */
  isFallbackAdapter?: boolean;
}

/** One backend as probed: it initialised (with its adapter, for GPUs), or why it did not. */
export type BackendProbe =
  | { name: ConcreteBackend; ok: true; adapter?: AdapterInfo }
  | { name: ConcreteBackend; ok: false; reason: string };

/** A calibration of one backend: `steps` timed steps after one warm-up step, or why it failed. */
export interface CalibrationRecord {
  name: ConcreteBackend;
  /** Median wall time of the timed steps (the warm-up, which compiles kernels, is not counted). */
  ms_per_step?: number;
  /** Each timed step's wall time. */
  step_ms?: number[];
  steps: number;
  /** Wall time of the warm-up step, kept because on WebGPU it is mostly shader compilation. */
  warmup_ms?: number;
  error?: string;
}

export interface BackendDecision {
  name: ConcreteBackend;
  reason: string;
  /** Every other backend, with why it was not taken. */
  skipped: { name: string; reason: string }[];
}

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|basic render|microsoft basic|software rasterizer/i;
const GPU_BACKENDS: ReadonlySet<ConcreteBackend> = new Set(['webgpu', 'webgl']);

/** One line naming an adapter: vendor / architecture / device / description, the parts it has. */
export function describeAdapterInfo(info: AdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((v): v is string => typeof v === 'string' && v.length > 0);
  return parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
}

/** Why an adapter is a software (CPU-emulated) one, or null for a hardware adapter. */
export function softwareAdapterReason(info: AdapterInfo | undefined): string | null {
  if (!info) return null;
  const named = [info.vendor, info.architecture, info.device, info.description].find((v) => typeof v === 'string' && SOFTWARE_NAMES.test(v));
  if (named) return `software adapter (${named} — the GPU emulated on the CPU)`;
  if (info.isFallbackAdapter) return 'software adapter (isFallbackAdapter — the GPU emulated on the CPU)';
  return null;
}

/** Why a probed backend is not a calibration candidate, or null when it is one. */
function notCandidateReason(probe: BackendProbe, probes: readonly BackendProbe[]): string | null {
  if (!probe.ok) return `unavailable (${probe.reason})`;
  const wasmOk = probes.some((p) => p.name === 'wasm' && p.ok);
  const software = GPU_BACKENDS.has(probe.name) ? softwareAdapterReason(probe.adapter) : null;
  if (software && wasmOk) return `${software}, never preferred over wasm`;
  const others = probes.some((p) => p.ok && p.name !== 'cpu');
  if (probe.name === 'cpu' && others) return 'not measured (plain-JavaScript kernels, ~20× slower than wasm)';
  return null;
}

/**
 * The backends worth calibrating, in the probe (auto) order: every one that initialised, less software
 * adapters while wasm works, less cpu while anything else works. Software GPUs go after hardware ones.
 */
export function calibrationCandidates(probes: readonly BackendProbe[]): ConcreteBackend[] {
  const kept = probes.filter((p) => notCandidateReason(p, probes) === null);
  const isSoftware = (p: BackendProbe) => p.ok && GPU_BACKENDS.has(p.name) && softwareAdapterReason(p.adapter) !== null;
  return [...kept.filter((p) => !isSoftware(p)), ...kept.filter(isSoftware)].map((p) => p.name);
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s/step` : `${v.toFixed(1)} ms/step`);

/**
 * Decides the auto backend from the probes and the calibrations (possibly none). Throws when no backend
 * initialised, or when every calibration failed.
 */
export function decideBackend(probes: readonly BackendProbe[], calibrations: readonly CalibrationRecord[] = []): BackendDecision {
  const candidates = calibrationCandidates(probes);
  if (candidates.length === 0) {
    throw new Error(`no usable tfjs backend (${probes.map((p) => `${p.name}: ${p.ok ? 'ok' : p.reason}`).join('; ')})`);
  }
  const measured = candidates
    .map((name) => calibrations.find((c) => c.name === name))
    .filter((c): c is CalibrationRecord => c !== undefined);
  const timed = measured.filter((c): c is CalibrationRecord & { ms_per_step: number } => c.ms_per_step !== undefined && Number.isFinite(c.ms_per_step));
  if (measured.length > 0 && timed.length === 0) {
    throw new Error(`every backend failed its calibration (${measured.map((c) => `${c.name}: ${c.error ?? 'no time'}`).join('; ')})`);
  }
  const best = timed.length > 0 ? timed.reduce((a, b) => (b.ms_per_step < a.ms_per_step ? b : a)) : undefined;
  const name = best?.name ?? candidates[0];

  const skipped: { name: string; reason: string }[] = [];
  for (const probe of probes) {
    if (probe.name === name) continue;
    const not = notCandidateReason(probe, probes);
    const cal = calibrations.find((c) => c.name === probe.name);
    if (not) skipped.push({ name: probe.name, reason: not });
    else if (cal?.error) skipped.push({ name: probe.name, reason: `calibration failed (${cal.error})` });
    else if (cal?.ms_per_step !== undefined && best) skipped.push({ name: probe.name, reason: `slower in calibration (${ms(cal.ms_per_step)} against ${ms(best.ms_per_step)})` });
    else skipped.push({ name: probe.name, reason: `after ${name} in the auto order` });
  }

  let why: string;
  if (best && timed.length > 1) why = `fastest in calibration (${timed.map((c) => `${c.name} ${ms(c.ms_per_step)}`).join(', ')})`;
  else if (best) why = `the only candidate, calibrated at ${ms(best.ms_per_step)}`;
  else why = candidates.length > 1 ? `first of auto (${candidates.join(' → ')}), not calibrated` : 'the only candidate';
  const notes = skipped.filter((s) => !s.reason.startsWith('slower') && !s.reason.startsWith('after')).map((s) => `${s.name}: ${s.reason}`);
  return { name, reason: `${name}: ${why}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`, skipped };
}

/** What auto settled on (settleAuto): the rule's decision, the winner's adapter in words, every calibration. */
export interface SettledAuto {
  decision: BackendDecision;
  adapter?: string;
  calibration: CalibrationRecord[];
}

/**
 * Auto's procedure after the probes, the same in the page and the CLI: calibrate each candidate (when asked),
 * decide (decideBackend), and initialise the winner; a backend that fails to initialise at the end (e.g. tfjs's
 * webgpu on a driver that lists an adapter it cannot use) is marked unavailable and the rule runs again on the
 * rest. `init` resolves null on success or why it failed. `probes` is updated in place.
 */
export async function settleAuto(
  probes: BackendProbe[],
  init: (name: ConcreteBackend) => Promise<string | null>,
  calibrate?: () => Promise<CalibrationRecord>,
): Promise<SettledAuto> {
  const calibration: CalibrationRecord[] = [];
  if (calibrate) {
    for (const name of calibrationCandidates(probes)) {
      const failure = await init(name);
      calibration.push(failure === null ? await calibrate() : { name, steps: 0, error: failure });
    }
  }
  for (;;) {
    const decision = decideBackend(probes, calibration);
    const failure = await init(decision.name);
    if (failure === null) {
      const probe = probes.find((p) => p.name === decision.name);
      const adapter = probe?.ok && probe.adapter ? describeAdapterInfo(probe.adapter) : undefined;
      return { decision, adapter, calibration };
    }
    const at = probes.findIndex((p) => p.name === decision.name);
    probes[at] = { name: decision.name, ok: false, reason: failure };
  }
}

/** Seconds a run of `steps` optimiser steps is projected to take at `msPerStep` (evaluations not counted). */
export function projectedSeconds(msPerStep: number, steps: number): number {
  return (msPerStep * steps) / 1000;
}

/** Above this projection a run gets a warning before it starts (10 min). */
export const LONG_RUN_SECONDS = 600;

/** A one-line warning for a long run (or sweep), or null: "~23 min (300 steps at 4.60 s/step on webgpu)". */
export function longRunWarning(msPerStep: number, steps: number, backend: string, what = 'run'): string | null {
  const seconds = projectedSeconds(msPerStep, steps);
  if (!(seconds > LONG_RUN_SECONDS)) return null;
  const span = seconds >= 5400 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`;
  return `this ${what} is projected to take ~${span} (${steps} steps at ${ms(msPerStep)} on ${backend}); fewer steps, a smaller student or another backend would be quicker`;
}

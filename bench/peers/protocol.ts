/**
 * The line protocol between the bench orchestrator and a peer process (our engine, the PyTorch reference,
 * the nanogpt peer): one JSON request per line on stdin, one JSON reply per line on stdout. A peer keeps one
 * cell open at a time so that runs of different peers can be interleaved on a busy machine.
 *
 *   → {"op":"open","cell":Cell}          ← {"ok":true,"info":{...}}        build the model, warm up
 *   → {"op":"run","steps":N}             ← {"ok":true,"msPerStep":ms}      N timed training steps
 *   → {"op":"extras"}                    ← {"ok":true,"extras":{...}}      latency, memory (peer-specific)
 *   → {"op":"flatness","steps":N,"every":K}  ← {"ok":true,"samples":[...]}  memory over N steps (ours only)
 *   → {"op":"close"}                     ← {"ok":true}
 * Any failure: {"ok":false,"error":"one line"}. The first line a peer prints is {"ready":true,...}.
 */
import type { Cell } from '../grid.ts';

export type PeerRequest =
  | { op: 'open'; cell: Cell; warmup?: number }
  | { op: 'run'; steps: number }
  | { op: 'extras' }
  | { op: 'flatness'; steps: number; every: number }
  | { op: 'close' };

/** Memory and tensor count after some number of steps (the flatness check). */
export interface MemorySample {
  step: number;
  numTensors: number;
  /** tf.memory().numBytes: bytes held by live tensors. */
  numBytes: number;
  /** What the backend holds: the wasm heap size, webgpu's allocated buffer bytes; null when unknown. */
  backendBytes: number | null;
}

export interface Extras {
  /** Student forward latency, ms per example at the cell's batch size (median of 5 after warm-up). */
  forwardMsPerExample?: number;
  /** Peak tf.memory().numBytes during one training step (tf.profile). */
  peakBytes?: number;
  numTensors?: number;
  backendBytes?: number | null;
  /** Tensors left behind by one profiled step (0 = no leak). */
  newTensorsPerStep?: number;
  /** The peer process's peak resident set so far (Node: process.resourceUsage; PyTorch: getrusage), bytes. */
  peakRssBytes?: number;
}

export interface PeerReply {
  ok: boolean;
  error?: string;
  ready?: boolean;
  info?: Record<string, unknown>;
  msPerStep?: number;
  extras?: Extras;
  samples?: MemorySample[];
}

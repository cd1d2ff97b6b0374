/**
 * Vitest setup for the engine suite: selects the tfjs backend named by DISTILL_TEST_BACKEND (cpu | wasm |
 * webgpu). The suite is run once per backend by vitest.config.ts; a backend that cannot start fails the run
 * rather than silently testing another one.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/engine/backend.ts';
import { installPatches } from '../../src/engine/patches/index.ts';
import { enableNodeRelaxedSimd } from '../../src/engine/patches/node_relaxed_simd.ts';
import { installNodeWebGpu, nodeWasmPaths } from '../../src/cli/node_runtime.ts';

installPatches(); // as every entry point does (src/engine/patches)
enableNodeRelaxedSimd(); // as selectNodeBackend does: the GEMM's fused multiply-add
const wanted = (process.env.DISTILL_TEST_BACKEND ?? 'cpu') as 'cpu' | 'wasm' | 'webgpu';
if (wanted === 'webgpu') await installNodeWebGpu();
const choice = await selectBackend(wanted, { wasmPaths: nodeWasmPaths() });
if (tf.getBackend() !== wanted) throw new Error(`test backend ${wanted} requested, got ${tf.getBackend()} (${choice.reason})`);

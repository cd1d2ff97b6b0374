/**
 * Node 20 (V8 11.3) validates relaxed SIMD only behind --experimental-wasm-relaxed-simd; Chromium has shipped
 * it since 114 and Node since 22. The GEMM (gemm/gemm_module.ts) runs ≈ 30 % faster with its fused
 * multiply-add, so Node entries turn the flag on at start-up, before any module is compiled (V8 reads wasm
 * feature flags at validation; the flag is process-wide, worker threads included). Node entries only.
 */
import v8 from 'node:v8';
import { probeRelaxedSimd } from './gemm/gemm_module.ts';

/** Turns the flag on where relaxed SIMD is not validated yet (a Node that has it on by default is left alone). */
export function enableNodeRelaxedSimd(): void {
  if (!probeRelaxedSimd()) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}

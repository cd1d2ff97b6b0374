/**
 * The CLI's stderr is for progress and `error: …` lines. Two libraries print on their own through console.warn:
 * tfjs a banner about tfjs-node, and tfjs-backend-wasm's Emscripten module "Aborted(…)" the moment its C++
 * aborts (a failed allocation) — then it throws a RuntimeError with the same words, which the trainer turns
 * into the run's one `error:` line (engine/wasm_memory.ts). Both prints are dropped here. The Emscripten module
 * binds console.warn when the backend starts, so this must be installed before (bin/distill.mjs does, first).
 */

/** True for a console.warn call the CLI drops (see the file comment). */
export function isLibraryNoise(args: readonly unknown[]): boolean {
  const first = args[0];
  return typeof first === 'string' && (first.includes('tfjs-node') || first.startsWith('Aborted('));
}

/** Wraps `target.warn` so library noise never reaches stderr; everything else passes through unchanged. */
export function installConsoleFilter(target: Pick<Console, 'warn'> = console): void {
  const warn = target.warn.bind(target);
  target.warn = (...args: unknown[]) => {
    if (!isLibraryNoise(args)) warn(...args);
  };
}

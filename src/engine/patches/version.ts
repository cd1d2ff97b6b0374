/**
 * The tfjs version every patch in this folder was written for and checked against. The patches reach into
 * private members (BackendWasm.dataIdNextNumber / dataIdMap, the Emscripten module's cwrap, the engine's
 * activeTape) and into the text of tfjs's own scripts; another version may rename any of them. So a different
 * version stops start-up with the list of what to re-check, instead of training on a silently broken kernel.
 */
import { version_core } from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';

export const PATCHED_TFJS_VERSION = '4.22.0';

export interface TfjsVersions {
  'tfjs-core': string;
  'tfjs-backend-wasm': string;
}

/** The versions this process runs. */
export function tfjsVersions(): TfjsVersions {
  return { 'tfjs-core': version_core, 'tfjs-backend-wasm': version_wasm };
}

export class TfjsVersionError extends Error {
  constructor(readonly found: TfjsVersions) {
    const list = Object.entries(found).map(([name, v]) => `${name} ${v}`).join(', ');
    super(
      `the tfjs patches in src/engine/patches were written for tfjs ${PATCHED_TFJS_VERSION}, this is ${list}: ` +
        'run their upstream tests (npx vitest run src/engine/patches --project engine-wasm), drop the patches upstream ' +
        'has fixed, re-check the others, then raise PATCHED_TFJS_VERSION',
    );
    this.name = 'TfjsVersionError';
  }
}

/** Throws TfjsVersionError unless every package is PATCHED_TFJS_VERSION. */
export function checkTfjsVersion(found: TfjsVersions = tfjsVersions()): void {
  if (Object.values(found).some((v) => v !== PATCHED_TFJS_VERSION)) throw new TfjsVersionError(found);
}

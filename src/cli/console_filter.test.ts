import { describe, expect, it } from 'vitest';
import { installConsoleFilter, isLibraryNoise } from './console_filter.ts';

describe('the CLI console filter', () => {
  it('drops the tfjs-node banner and the wasm module\'s Aborted() print, nothing else', () => {
    const seen: unknown[][] = [];
    const fake = { warn: (...args: unknown[]) => void seen.push(args) };
    installConsoleFilter(fake);
    fake.warn('Aborted(). Build with -sASSERTIONS for more info.');
    fake.warn('Aborted(OOM)');
    fake.warn('\n============================\nHi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details.');
    fake.warn('a real warning', 1);
    fake.warn('the run was Aborted() by the user'); // not the module's print: it starts otherwise
    expect(seen).toEqual([['a real warning', 1], ['the run was Aborted() by the user']]);
    expect(isLibraryNoise([42])).toBe(false);
  });
});

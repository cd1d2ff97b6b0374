/** The forward pass of each family (tfjs), kept apart from the tfjs-free definitions in index.ts. */
import { distilbertForward } from './distilbert_forward.ts';
import { gpt2Forward } from './gpt2_forward.ts';
import { legacyForward } from './legacy_forward.ts';
import type { ArchitectureName, ForwardFn } from './types.ts';

export const FORWARDS: Readonly<Record<ArchitectureName, ForwardFn>> = Object.freeze({
  distilbert: distilbertForward,
  gpt2: gpt2Forward,
  legacy: legacyForward,
});

/**
 * The architecture registry: the config key `architecture` ('auto' | 'distilbert' | 'gpt2') and the task pick
 * one family. auto: mlm → distilbert, clm → gpt2, classification → distilbert. A family is refused for a task
 * its transformers classes do not cover (DistilBERT is bidirectional: no clm; GPT-2 is causal: no mlm).
 */
import type { Task } from '../../types.ts';
import { DISTILBERT } from './distilbert.ts';
import { GPT2 } from './gpt2.ts';
import { LEGACY } from './legacy.ts';
import type { Architecture, ArchitectureName } from './types.ts';

export const ARCHITECTURES: Readonly<Record<ArchitectureName, Architecture>> = Object.freeze({
  distilbert: DISTILBERT,
  gpt2: GPT2,
  legacy: LEGACY,
});

/** The values the config key `architecture` takes (legacy is read-only, never configured). */
export const ARCHITECTURE_CHOICES = ['auto', 'distilbert', 'gpt2'] as const;
export type ArchitectureChoice = (typeof ARCHITECTURE_CHOICES)[number];

const AUTO: Readonly<Record<Task, ArchitectureName>> = { mlm: 'distilbert', clm: 'gpt2', classification: 'distilbert' };

/** The family a run trains: `choice` resolved for `task`; throws one line when the family cannot do the task. */
export function resolveArchitecture(choice: ArchitectureChoice | ArchitectureName, task: Task): ArchitectureName {
  const name = choice === 'auto' ? AUTO[task] : choice;
  const arch = ARCHITECTURES[name];
  if (!arch) throw new Error(`unknown architecture "${String(choice)}" (known: ${ARCHITECTURE_CHOICES.join(', ')})`);
  if (!arch.classes[task]) {
    const fits = (Object.keys(AUTO) as Task[]).filter((t) => arch.classes[t]).join(', ');
    const other = ARCHITECTURE_CHOICES.filter((c) => c !== 'auto' && ARCHITECTURES[c].classes[task]).join(' or ');
    throw new Error(`architecture ${name} cannot do ${task} (it does ${fits}): use architecture ${other} or auto`);
  }
  return name;
}

export type { Architecture, ArchitectureName, ForwardOptions, ParamDef, StudentOutput, StudentSpec } from './types.ts';

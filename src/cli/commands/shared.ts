import { readFile } from 'node:fs/promises';
import type { DistillConfig } from '../../engine/config/config.ts';
import { mergeConfig } from '../../engine/config/merge.ts';
import { presetOverrides } from '../../engine/config/presets.ts';
import { intOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';

/** Resolves DEFAULT_CONFIG ← --preset ← --config file ← --steps/--seed/--backend flags, refusing unknown keys. */
export async function resolveConfig(args: ParsedArgs, base?: Readonly<Record<string, unknown>>): Promise<Readonly<DistillConfig>> {
  const preset = stringOption(args, 'preset');
  const configFile = stringOption(args, 'config');
  let fromFile: Record<string, unknown> | undefined;
  if (configFile) {
    const text = await readFile(configFile, 'utf8').catch(() => {
      throw new UsageError(`${configFile}: no such file`);
    });
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`${configFile}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new UsageError(`${configFile}: expected a JSON object of config keys`);
    }
  }
  const flags: Record<string, unknown> = {
    steps: intOption(args, 'steps'),
    seed: intOption(args, 'seed'),
    backend: stringOption(args, 'backend'),
  };
  return mergeConfig(base, preset ? presetOverrides(preset) : undefined, fromFile, flags);
}

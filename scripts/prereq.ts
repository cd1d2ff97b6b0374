/**
 * `npm run prereq` (the first step of `npm test`): checks, and where it can installs, what the tests need
 * beyond `npm install` — see prereq_check.ts. Usage: tsx scripts/prereq.ts [--root DIR] (default: the repo).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrereqs, type Host } from './prereq_check.ts';

/** This machine, through its commands (found on PATH, so a test can put fakes first). */
export const realHost: Host = {
  installedPackages(names) {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...names], { encoding: 'utf8' });
    if (r.error) return null;
    // unknown packages are reported on stderr (exit 1); installed ones read "NAME install ok installed"
    return new Set(r.stdout.split('\n').filter((l) => l.endsWith(' install ok installed')).map((l) => l.split(' ')[0].split(':')[0]));
  },
  uid() {
    const r = spawnSync('id', ['-u'], { encoding: 'utf8' });
    const uid = Number(r.stdout?.trim());
    return r.status === 0 && Number.isInteger(uid) ? uid : (process.getuid?.() ?? -1);
  },
  passwordlessSudo() {
    return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  },
  exists: existsSync,
  run(command, args, env) {
    const r = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    return r.error ? 127 : (r.status ?? 1);
  },
  capture(command, args) {
    const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return r.error ? { status: 127, stdout: '' } : { status: r.status ?? 1, stdout: r.stdout };
  },
  log: (line) => process.stderr.write(`${line}\n`),
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--root');
  const root = at > 0 ? path.resolve(process.argv[at + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  process.exitCode = ensurePrereqs(realHost, root);
}

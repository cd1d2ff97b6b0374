/**
 * scripts/prereq.ts on a faked machine: fake `dpkg-query`, `id`, `sudo` and `apt-get` first on PATH (a
 * package "database" file they share) and a fake venv python, so the real commands and their parsing run.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SYSTEM_PACKAGES } from './prereq_check.ts';

const SCRIPT = path.resolve('scripts/prereq.ts');
const ALL = SYSTEM_PACKAGES.map((p) => p.name);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function script(file: string, body: string): void {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

/** A machine with `installed` packages, the given uid, and sudo that asks for a password. */
function machine(installed: readonly string[], uid: number) {
  const root = mkdtempSync(path.join(tmpdir(), 'distill-prereq-'));
  dirs.push(root);
  const bin = path.join(root, 'bin');
  const db = path.join(root, 'dpkg.db');
  const aptLog = path.join(root, 'apt.log');
  mkdirSync(bin);
  writeFileSync(db, installed.map((n) => `${n}\n`).join(''));
  // dpkg-query -W -f=FORMAT NAME…: "NAME install ok installed" for known names, an error for the others
  script(path.join(bin, 'dpkg-query'), `shift 2; rc=0; for p in "$@"; do if grep -qx "$p" "${db}"; then echo "$p install ok installed"; else echo "dpkg-query: no packages found matching $p" >&2; rc=1; fi; done; exit $rc`);
  script(path.join(bin, 'id'), `echo ${uid}`);
  script(path.join(bin, 'sudo'), 'echo "sudo: a password is required" >&2; exit 1');
  script(path.join(bin, 'apt-get'), `echo "$DEBIAN_FRONTEND $*" >> "${aptLog}"; if [ "$1" = install ]; then shift 3; for p in "$@"; do echo "$p" >> "${db}"; done; fi`);
  // a complete venv: the probe prints nothing
  mkdirSync(path.join(root, '.venv-hf', 'bin'), { recursive: true });
  script(path.join(root, '.venv-hf', 'bin', 'python'), 'echo ""');
  const run = () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--root', root], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    return { status: r.status, stderr: r.stderr, apt: existsSync(aptLog) ? readFileSync(aptLog, 'utf8') : '' };
  };
  return { run };
}

describe('scripts/prereq.ts', () => {
  it('missing packages, not root, no sudo: exit 1 at once with the command, apt-get never run', () => {
    const r = machine(ALL.filter((n) => n !== 'chromium' && n !== 'libvulkan1'), 1000).run();
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'prereq: missing chromium, libvulkan1',
      'prereq: cannot install them (not root, and sudo asks for a password); run: sudo apt-get update && sudo apt-get install -y chromium libvulkan1 — then npm test again',
    ]);
    expect(r.apt).toBe('');
  });

  it('as root: installs the missing ones with apt-get and checks again', () => {
    const r = machine(ALL.filter((n) => n !== 'libvulkan1'), 0).run();
    expect(r.stderr).toMatch(/prereq: ok \(installed what was missing\)\n$/);
    expect(r.status).toBe(0);
    expect(r.apt).toBe('noninteractive update -qq\nnoninteractive install -y -qq libvulkan1\n');
  });

  it('everything there: exit 0, one line', () => {
    const r = machine(ALL, 1000).run();
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('prereq: ok (7 Debian packages, .venv-hf)\n');
  });
});

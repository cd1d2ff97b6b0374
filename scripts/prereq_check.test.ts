import { describe, expect, it } from 'vitest';
import { ensurePrereqs, HF_VENV, localIndexArgs, SYSTEM_PACKAGES, VENV_PROBE, type Host } from './prereq_check.ts';

const ALL = SYSTEM_PACKAGES.map((p) => p.name);
const ROOT = '/repo';
const PYTHON = `${ROOT}/.venv-hf/bin/python`;
const PIP = `${ROOT}/.venv-hf/bin/pip`;
const LOCAL_PIP_CONFIG = [
  ":env:.find-links='/opt/wheels'",
  "global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'",
  "global.find-links='/opt/wheels'",
].join('\n');

interface FakeMachine {
  installed: Set<string>;
  uid?: number;
  sudo?: boolean;
  dpkg?: boolean;
  /** The venv's state: absent, or the distributions it lacks. */
  venv?: { lacks: string[] } | null;
  pipConfig?: string;
  /** Exit status of each command (by its first two words), 0 by default. */
  fail?: Record<string, number>;
  /** What a successful apt-get install / pip install / venv does to the machine. */
  aptInstalls?: boolean;
}

/** A fake machine recording every command it is asked to run. */
function fake(machine: FakeMachine) {
  const runs: string[] = [];
  const lines: string[] = [];
  let venv = machine.venv === undefined ? { lacks: [] as string[] } : machine.venv;
  const status = (cmd: string, args: readonly string[]) => machine.fail?.[[cmd, ...args].slice(0, 2).join(' ')] ?? machine.fail?.[cmd] ?? 0;
  const host: Host = {
    installedPackages: (names) => (machine.dpkg === false ? null : new Set(names.filter((n) => machine.installed.has(n)))),
    uid: () => machine.uid ?? 1000,
    passwordlessSudo: () => machine.sudo ?? false,
    exists: (p) => p === PYTHON && venv !== null,
    run(cmd, args, env) {
      runs.push([env?.DEBIAN_FRONTEND ? 'DEBIAN_FRONTEND=noninteractive' : '', cmd, ...args].filter(Boolean).join(' '));
      const s = status(cmd, args);
      if (s !== 0) return s;
      const apt = cmd === 'apt-get' ? args : cmd === 'sudo' ? args.slice(2) : null;
      if (apt?.[0] === 'install' && machine.aptInstalls !== false) for (const n of apt.slice(3)) machine.installed.add(n);
      if (cmd === 'python3' && args[1] === 'venv') venv = { lacks: [...HF_VENV.packages] };
      if (cmd === PIP && args[0] === 'install') venv = { lacks: [] };
      return 0;
    },
    capture(cmd, args) {
      if (cmd === PYTHON) {
        expect(args).toEqual(['-c', VENV_PROBE]);
        return { status: 0, stdout: `${venv?.lacks.join(' ') ?? ''}\n` };
      }
      if (cmd === 'python3' && args.join(' ') === '-m pip config list') return { status: 0, stdout: machine.pipConfig ?? '' };
      throw new Error(`unexpected capture ${cmd} ${args.join(' ')}`);
    },
    log: (line) => lines.push(line),
  };
  return { host, runs, lines, check: () => ensurePrereqs(host, ROOT) };
}

describe('ensurePrereqs', () => {
  it('everything present: one ok line, nothing run', () => {
    const m = fake({ installed: new Set(ALL) });
    expect(m.check()).toBe(0);
    expect(m.lines).toEqual(['prereq: ok (7 Debian packages, .venv-hf)']);
    expect(m.runs).toEqual([]);
  });

  it('missing packages and venv, not root, no passwordless sudo: one line naming all, then the command, and stops at once', () => {
    const m = fake({ installed: new Set(['python3-numpy', 'python3-venv', 'python3-sentencepiece']), venv: null });
    expect(m.check()).toBe(1);
    expect(m.lines).toEqual([
      'prereq: missing chromium, libvulkan1, python3-torch, libopenblas0-pthread, .venv-hf (Python venv: not created)',
      'prereq: cannot install them (not root, and sudo asks for a password); run: sudo apt-get update && sudo apt-get install -y chromium libvulkan1 python3-torch libopenblas0-pthread — then npm test again',
    ]);
    expect(m.runs).toEqual([]); // not even the venv: the person fixes the packages first
  });

  it('as root: apt-get update + install of exactly the missing ones, non-interactive', () => {
    const m = fake({ installed: new Set(ALL.filter((n) => n !== 'libvulkan1' && n !== 'chromium')), uid: 0 });
    expect(m.check()).toBe(0);
    expect(m.runs).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get update -qq',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libvulkan1',
    ]);
    expect(m.lines).toEqual(['prereq: missing chromium, libvulkan1', 'prereq: installing chromium libvulkan1 with apt-get', 'prereq: ok (installed what was missing)']);
  });

  it('with passwordless sudo: the same through sudo -n', () => {
    const m = fake({ installed: new Set(ALL.filter((n) => n !== 'libvulkan1')), sudo: true });
    expect(m.check()).toBe(0);
    expect(m.runs).toEqual([
      'DEBIAN_FRONTEND=noninteractive sudo -n apt-get update -qq',
      'DEBIAN_FRONTEND=noninteractive sudo -n apt-get install -y -qq libvulkan1',
    ]);
  });

  it('apt-get fails, or installs without effect: exit 1 with the command', () => {
    const failing = fake({ installed: new Set(ALL.filter((n) => n !== 'libvulkan1')), uid: 0, fail: { 'apt-get update': 100 } });
    expect(failing.check()).toBe(1);
    expect(failing.lines.at(-1)).toBe('prereq: apt-get failed (exit 100); run: apt-get update && apt-get install -y libvulkan1');
    expect(failing.runs).toHaveLength(1); // no install after a failed update
    const noEffect = fake({ installed: new Set(ALL.filter((n) => n !== 'chromium')), sudo: true, aptInstalls: false });
    expect(noEffect.check()).toBe(1);
    expect(noEffect.lines.at(-1)).toBe('prereq: apt-get failed to install chromium; run: sudo apt-get update && sudo apt-get install -y chromium');
  });

  it('no venv: creates it with python3 and installs from the local index only', () => {
    const m = fake({ installed: new Set(ALL), venv: null, pipConfig: LOCAL_PIP_CONFIG });
    expect(m.check()).toBe(0);
    expect(m.runs).toEqual([
      `python3 -m venv ${ROOT}/.venv-hf`,
      `${PIP} install -qq --disable-pip-version-check --index-url file:///opt/pypi/simple torch transformers tokenizers safetensors accelerate numpy`,
    ]);
    expect(m.lines[0]).toBe('prereq: missing .venv-hf (Python venv: not created)');
    expect(m.lines[1]).toMatch(/from the local index file:\/\/\/opt\/pypi\/simple only/);
  });

  it('a venv lacking accelerate is completed, not recreated; a failed local install retries with pip defaults', () => {
    const m = fake({ installed: new Set(ALL), venv: { lacks: ['accelerate'] }, pipConfig: LOCAL_PIP_CONFIG, fail: { [PIP]: 1 } });
    expect(m.check()).toBe(1);
    expect(m.lines[0]).toBe('prereq: missing .venv-hf (Python venv: lacks accelerate)');
    expect(m.runs.map((r) => r.includes('--index-url'))).toEqual([true, false]);
    expect(m.lines.at(-1)).toBe('prereq: .venv-hf is still not ready (pip exit 1); run: python3 -m venv .venv-hf && .venv-hf/bin/pip install torch transformers tokenizers safetensors accelerate numpy');
  });

  it('python3 -m venv failing (no python3-venv on another Python) stops with the command', () => {
    const m = fake({ installed: new Set(ALL), venv: null, fail: { 'python3 -m': 1 } });
    expect(m.check()).toBe(1);
    expect(m.lines.at(-1)).toMatch(/^prereq: python3 -m venv failed; run: python3 -m venv \.venv-hf && /);
  });

  it('not Debian: says so and checks only the venv', () => {
    const m = fake({ installed: new Set(), dpkg: false });
    expect(m.check()).toBe(0);
    expect(m.lines[0]).toMatch(/^prereq: no dpkg-query \(not Debian\): not checking system packages; the tests need the equivalents of chromium libvulkan1/);
    expect(m.lines[1]).toBe('prereq: ok (.venv-hf)');
  });
});

describe('localIndexArgs', () => {
  it('a file:// extra index with no index-url of its own becomes the only index', () => {
    expect(localIndexArgs(LOCAL_PIP_CONFIG)).toEqual(['--index-url', 'file:///opt/pypi/simple']);
  });

  it('leaves pip alone with its own index-url, a network extra index, or no config', () => {
    expect(localIndexArgs(`${LOCAL_PIP_CONFIG}\nglobal.index-url='https://mirror.example/simple'`)).toEqual([]);
    expect(localIndexArgs("global.extra-index-url='file:///a https://b.example/simple'")).toEqual([]);
    expect(localIndexArgs('')).toEqual([]);
  });
});

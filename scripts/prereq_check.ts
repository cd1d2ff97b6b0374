/**
 * What `npm test` needs beyond `npm install`, checked first and installed where this machine allows, so that
 * the README's `npm install && npm test` works on a fresh Debian machine — or stops at once with the one
 * command to run, instead of dozens of failing test files. `.ci/run` gets here through the same `npm test`.
 *
 * Pure over a Host (the commands it runs), so the logic is tested with a faked machine.
 */

/** A Debian package the tests need, with the reason (shown nowhere else: this list is the one source). */
export interface SystemPackage {
  name: string;
  why: string;
}

export const SYSTEM_PACKAGES: readonly SystemPackage[] = [
  { name: 'chromium', why: 'headless browser of the end-to-end tests; its SwiftShader Vulkan driver gives Dawn (npm webgpu) a software adapter, so the engine suite also runs on webgpu' },
  { name: 'libvulkan1', why: 'the Vulkan loader Dawn opens' },
  { name: 'python3-torch', why: 'the teacher exporter (tools/) and its tests, on /usr/bin/python3' },
  { name: 'python3-numpy', why: 'the teacher exporter and its tests' },
  { name: 'python3-sentencepiece', why: "the demo set's tokenizer (tools/demo) and its tests" },
  { name: 'libopenblas0-pthread', why: "without it Debian's torch falls back to the reference BLAS (~10x slower)" },
  { name: 'python3-venv', why: "python3 -m venv for the Hugging Face venv (Debian's python3 has no ensurepip without it)" },
];

/** The Python venv of the Hugging Face tests: `python3 -m venv .venv-hf`, then pip installs these. */
export const HF_VENV = {
  dir: '.venv-hf',
  packages: ['torch', 'transformers', 'tokenizers', 'safetensors', 'accelerate', 'numpy'],
} as const;

/** Prints the distributions the venv lacks (or has too old), space-separated; nothing when it is complete. */
export const VENV_PROBE = [
  'import importlib.metadata as m',
  'bad = []',
  `for name in ${JSON.stringify(HF_VENV.packages)}:`,
  '    try:',
  '        version = m.version(name)',
  '    except m.PackageNotFoundError:',
  '        bad.append(name)',
  '        continue',
  "    if name == 'torch' and int(version.split('.')[0]) < 2:",
  "        bad.append('torch>=2 (found ' + version + ')')",
  "print(' '.join(bad))",
].join('\n');

/** The commands the check runs; the real one is in prereq.ts, tests pass a fake. */
export interface Host {
  /** The given packages dpkg reports installed; null when there is no dpkg-query (not Debian). */
  installedPackages(names: readonly string[]): Set<string> | null;
  uid(): number;
  /** `sudo -n true` succeeds: sudo runs without asking for a password. */
  passwordlessSudo(): boolean;
  exists(path: string): boolean;
  /** Runs a command with its output on this terminal; the exit status (127 when it cannot start). */
  run(command: string, args: readonly string[], env?: Readonly<Record<string, string>>): number;
  /** Runs a command and returns its stdout (status 127 when it cannot start). */
  capture(command: string, args: readonly string[]): { status: number; stdout: string };
  log(line: string): void;
}

/** Why the venv under `root` is not ready (one phrase), or null when it is. */
export function venvProblem(host: Host, root: string): string | null {
  const python = `${root}/${HF_VENV.dir}/bin/python`;
  if (!host.exists(python)) return 'not created';
  const probe = host.capture(python, ['-c', VENV_PROBE]);
  if (probe.status !== 0) return `its python does not run (exit ${probe.status})`;
  const missing = probe.stdout.trim();
  return missing ? `lacks ${missing}` : null;
}

/**
 * pip options that make a configured local index (file:// URLs, e.g. a wheel mirror on a machine without
 * network) the only index: pip would otherwise try pypi.org first and print a retry warning per package.
 * Empty when pip has its own index-url, or no local extra index.
 */
export function localIndexArgs(pipConfigList: string): string[] {
  const urls = (key: string) =>
    pipConfigList
      .split('\n')
      .map((line) => /^[^=]*\.([a-z-]+)='(.*)'$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null && m[1] === key)
      .flatMap((m) => m[2].split(/\s+/).filter(Boolean));
  if (urls('index-url').length > 0) return [];
  const extra = urls('extra-index-url');
  if (extra.length === 0 || !extra.every((u) => u.startsWith('file:'))) return [];
  return ['--index-url', extra[0]];
}

const aptCommand = (prefix: string, names: readonly string[]) =>
  `${prefix}apt-get update && ${prefix}apt-get install -y ${names.join(' ')}`;
const venvCommand = () => `python3 -m venv ${HF_VENV.dir} && ${HF_VENV.dir}/bin/pip install ${HF_VENV.packages.join(' ')}`;

/**
 * Checks every prerequisite, names all that are missing in one line, installs what it can (Debian packages
 * as root or with passwordless sudo; the venv always), and checks again. Returns the exit code: 0 ready,
 * 1 not (the last line says what to run).
 */
export function ensurePrereqs(host: Host, root: string): number {
  const names = SYSTEM_PACKAGES.map((p) => p.name);
  const installed = host.installedPackages(names);
  if (installed === null) {
    host.log(`prereq: no dpkg-query (not Debian): not checking system packages; the tests need the equivalents of ${names.join(' ')}`);
  }
  const missing = installed === null ? [] : names.filter((n) => !installed.has(n));
  const venv = venvProblem(host, root);
  if (missing.length === 0 && venv === null) {
    host.log(`prereq: ok (${installed === null ? '' : `${names.length} Debian packages, `}${HF_VENV.dir})`);
    return 0;
  }
  host.log(`prereq: missing ${[...missing, ...(venv ? [`${HF_VENV.dir} (Python venv: ${venv})`] : [])].join(', ')}`);

  if (missing.length > 0) {
    const prefix = host.uid() === 0 ? '' : host.passwordlessSudo() ? 'sudo ' : null;
    if (prefix === null) {
      host.log(`prereq: cannot install them (not root, and sudo asks for a password); run: ${aptCommand('sudo ', missing)} — then npm test again`);
      return 1;
    }
    const apt = (args: string[]) =>
      prefix ? host.run('sudo', ['-n', 'apt-get', ...args], { DEBIAN_FRONTEND: 'noninteractive' }) : host.run('apt-get', args, { DEBIAN_FRONTEND: 'noninteractive' });
    host.log(`prereq: installing ${missing.join(' ')} with ${prefix}apt-get`);
    const status = apt(['update', '-qq']) || apt(['install', '-y', '-qq', ...missing]);
    const after = status === 0 ? host.installedPackages(names) : null;
    const still = after ? names.filter((n) => !after.has(n)) : missing;
    if (status !== 0 || still.length > 0) {
      host.log(`prereq: apt-get failed${status !== 0 ? ` (exit ${status})` : ` to install ${still.join(' ')}`}; run: ${aptCommand(prefix, still)}`);
      return 1;
    }
  }

  if (venv !== null) {
    const dir = `${root}/${HF_VENV.dir}`;
    if (!host.exists(`${dir}/bin/python`) && host.run('python3', ['-m', 'venv', dir]) !== 0) {
      host.log(`prereq: python3 -m venv failed; run: ${venvCommand()}`);
      return 1;
    }
    const pip = `${dir}/bin/pip`;
    const index = localIndexArgs(host.capture('python3', ['-m', 'pip', 'config', 'list']).stdout);
    host.log(`prereq: installing ${HF_VENV.packages.join(' ')} into ${HF_VENV.dir}${index.length > 0 ? ` (from the local index ${index[1]} only)` : ''}`);
    const install = (extra: string[]) => host.run(pip, ['install', '-qq', '--disable-pip-version-check', ...extra, ...HF_VENV.packages]); // errors only
    let status = install(index);
    if (status !== 0 && index.length > 0) {
      host.log("prereq: the local index alone was not enough; trying pip's own index settings");
      status = install([]);
    }
    const left = status === 0 ? venvProblem(host, root) : `pip exit ${status}`;
    if (left !== null) {
      host.log(`prereq: ${HF_VENV.dir} is still not ready (${left}); run: ${venvCommand()}`);
      return 1;
    }
  }
  host.log('prereq: ok (installed what was missing)');
  return 0;
}

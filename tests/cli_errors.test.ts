/**
 * The CLI on files it must refuse: `distill inspect FILE` and `distill train --data FILE --out DIR` exit 1 with
 * nothing on stdout and exactly one line on stderr, `error: …` — no stack trace, no progress line, no Node or
 * tfjs warning (stderr is compared unfiltered).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../src/io/index.ts';
import { makeZip, npyBytes, rawSafetensors } from '../src/io/test_helpers.ts';

const BIN = path.resolve('bin/distill.mjs');
let dir = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function distill(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** Exit 1, empty stdout, stderr exactly one line `error: …` matching `pattern`. */
function expectOneErrorLine(run: Run, pattern: RegExp): void {
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  const lines = run.stderr.slice(0, -1).split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.code).toBe(1);
}

const hdr = "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2), }";
const goodSet = (): Uint8Array =>
  encodeSafetensors([
    { name: 'input_ids', dtype: 'I32', shape: [1, 2], data: Int32Array.of(1, 2) },
    { name: 'teacher_logits', dtype: 'F32', shape: [1, 2, 3], data: new Float32Array(6) },
  ]);

/** name → [file contents, what the error line must say]. */
const BAD_FILES: Record<string, () => Promise<[Uint8Array | string, RegExp]>> = {
  'garbage.safetensors': async () => ['garbage', /file too short/],
  'truncated.safetensors': async () => [goodSet().slice(0, 60), /header length runs past the end|runs past the end/],
  'header_length.safetensors': async () => [rawSafetensors({}, new Uint8Array(16), 2n ** 62n), /header length runs past the end/],
  'not_json.safetensors': async () => [rawSafetensors('{"x": ', new Uint8Array(4)), /header is not JSON/],
  'huge_shape.safetensors': async () => [rawSafetensors({ input_ids: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 4] } }, new Uint8Array(4)), /byte size does not match/],
  'no_teacher.safetensors': async () => [encodeSafetensors([{ name: 'input_ids', dtype: 'I32', shape: [1, 2], data: Int32Array.of(1, 2) }]), /no teacher output/],
  'tensor_name_with_newline.safetensors': async () => [rawSafetensors({ 'a\nb': { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /a\\u000ab: dtype not supported/],
  'bad_crc.npz': async () => [await makeZip([{ name: 'input_ids.npy', data: npyBytes(hdr, new Uint8Array(8)), crc: 1 }]), /CRC-32 mismatch/],
  'cut.npz': async () => [(await makeZip([{ name: 'input_ids.npy', data: npyBytes(hdr, new Uint8Array(8)) }])).slice(0, 100), /end of central directory not found/],
  'nan.jsonl': async () => ['{"input_ids": [1], "teacher_logits": [[NaN, 1]]}\n', /NaN or Infinity/],
  'ids.jsonl': async () => ['{"metadata": {"vocab_size": 2}}\n{"input_ids": [5], "teacher_logits": [[0, 1]]}\n', /input_ids: id outside/],
  'notes.txt': async () => ['hello, not a set', /cannot tell the container/],
  'file\nname with newline.jsonl': async () => ['{"input_ids": [1], "teacher_logits": [[NaN, 1]]}\n', /file\\u000aname with newline\.jsonl: line 1: NaN/],
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'distill-cli-errors-'));
  for (const [name, make] of Object.entries(BAD_FILES)) await writeFile(path.join(dir, name), (await make())[0]);
  await writeFile(path.join(dir, 'good.safetensors'), goodSet());
  await mkdir(path.join(dir, 'a_directory.safetensors'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.concurrent('distill inspect on a file it must refuse', () => {
  for (const [name, make] of Object.entries(BAD_FILES)) {
    it(JSON.stringify(name), async () => {
      const [, pattern] = await make();
      expectOneErrorLine(await distill(['inspect', path.join(dir, name)]), pattern);
    });
  }
  it('a missing file', async () => {
    expectOneErrorLine(await distill(['inspect', path.join(dir, 'nope.safetensors')]), /nope\.safetensors: no such file$/);
  });
  it('a directory', async () => {
    expectOneErrorLine(await distill(['inspect', path.join(dir, 'a_directory.safetensors')]), /is a directory, not a file$/);
  });
  it('a valid file over the memory budget (DISTILL_MEMORY_BUDGET)', async () => {
    // 34 B of tensors (and the default mask), 2 KiB of bookkeeping for the two, the parsed header: ~3 KiB
    expectOneErrorLine(await distill(['inspect', path.join(dir, 'good.safetensors')], { DISTILL_MEMORY_BUDGET: '16' }), /needs about [\d.]+ KiB in memory .* more than the memory budget \(expected ≤ 16 bytes/);
    const ok = await distill(['inspect', path.join(dir, 'good.safetensors')], { DISTILL_MEMORY_BUDGET: '16K' });
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(ok.stdout)).toMatchObject({ n: 1, seq_len: 2 });
  });
});

describe.concurrent('distill train --data on a file it must refuse', () => {
  const names = ['truncated.safetensors', 'no_teacher.safetensors', 'bad_crc.npz', 'nan.jsonl', 'notes.txt'];
  for (const name of names) {
    it(name, async () => {
      const out = path.join(dir, `out-${name}`);
      const [, pattern] = await BAD_FILES[name]();
      expectOneErrorLine(await distill(['train', '--data', path.join(dir, name), '--out', out, '--steps', '1']), pattern);
      expect(existsSync(out)).toBe(false);
    });
  }
  it('a missing file and a directory', async () => {
    expectOneErrorLine(await distill(['train', '--data', path.join(dir, 'nope.npz'), '--out', path.join(dir, 'o1')]), /no such file$/);
    expectOneErrorLine(await distill(['train', '--data', path.join(dir, 'a_directory.safetensors'), '--out', path.join(dir, 'o2')]), /is a directory/);
  });
});

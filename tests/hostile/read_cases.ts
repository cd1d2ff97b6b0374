/** Hostile files for `distill inspect` (see cases.ts). */
import { writeFileSync } from 'node:fs';
import { encodeSafetensors } from '../../src/io/index.ts';
import { bytes, enc, inspect, jsonlWithField, MiB, npzSetMembers, TINY_JSONL_EXAMPLE, topkEntries, type HostileCase } from './case_kit.ts';
import { npyHeader, npyMember, repeatedDeflateMember, sparseStoredMember, writeZip } from './zip_writer.ts';

export const READ_CASES: HostileCase[] = [
  // ---- crashes ----
  {
    id: 'jsonl-long-array',
    klass: 'crash: a JSON array in one jsonl line, under the 2^28-character cap (V8 "invalid size" abort at full size)',
    kind: 'read',
    file: 'long_array.jsonl',
    write: (f) => writeFileSync(f, jsonlWithField('[', '0,', 20_000_000, '0]')), // 40 MB, 20M values
    args: inspect,
    expect: { code: 1, error: /line 1: .*values/ },
    maxSeconds: 20,
  },
  {
    id: 'jsonl-long-array-crash-size',
    klass: 'crash: the same at the size that aborted V8 (120M values in teacher_logits, 240 MB)',
    kind: 'read',
    file: 'long_array_crash.jsonl',
    write: (f) => writeFileSync(f, `{"input_ids": [1], "teacher_logits": [[${'0,'.repeat(120_000_000)}0]]}\n`),
    args: inspect,
    expect: { code: 1, error: /line 1: .*values/ },
    maxSeconds: 60,
    measureOnly: true,
  },
  {
    id: 'npz-unicode-metadata',
    klass: 'crash: an npz <U metadata array declaring 210M characters (decoded through a JS array)',
    kind: 'read',
    file: 'unicode_metadata.npz',
    write: (f) => {
      const chunks = 800; // MiB of UTF-32: 209,715,200 characters
      const chars = (chunks * MiB) / 4;
      const head = npyHeader(`{'descr': '<U${chars}', 'fortran_order': False, 'shape': (), }`);
      const chunk = new Uint8Array(MiB);
      for (let i = 0; i < chunk.length; i += 4) chunk[i] = 0x61; // 'a' as UTF-32LE
      writeZip(f, [...npzSetMembers(), repeatedDeflateMember('metadata.npy', head, chunk, chunks)]);
    },
    args: inspect,
    expect: { code: 1, error: /metadata: .*characters/ },
    maxSeconds: 20,
  },
  // ---- memory not tied to the file ----
  {
    id: 'npz-ignored-deflate-bomb',
    klass: 'memory: a 2 MB npz whose ignored member inflates to 2 GiB',
    kind: 'read',
    file: 'ignored_bomb.npz',
    write: (f) => {
      const head = npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (536870912,), }");
      writeZip(f, [...npzSetMembers(), repeatedDeflateMember('extra.npy', head, new Uint8Array(MiB), 2048)]);
    },
    args: inspect,
    expect: { code: 0 },
    maxSeconds: 20,
  },
  {
    id: 'npz-ignored-stored-sparse',
    klass: 'memory/time: an ignored stored member of 2 GiB (a sparse file) is read in full',
    kind: 'read',
    file: 'ignored_stored.npz',
    write: (f) => writeZip(f, [...npzSetMembers(), sparseStoredMember('extra.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (536870912,), }", 2 ** 31)]),
    args: inspect,
    expect: { code: 0 },
    maxSeconds: 20,
  },
  {
    id: 'safetensors-many-empty-tensors',
    klass: 'memory: ~1.3 KB of bookkeeping per empty tensor (a 73 MB header of 1.3M empty tensors)',
    kind: 'read',
    file: 'many_tensors.safetensors',
    write: (f) => {
      const parts = ['{"input_ids":{"dtype":"I32","shape":[1,1],"data_offsets":[0,4]},"teacher_logits":{"dtype":"F32","shape":[1,1,1],"data_offsets":[4,8]}'];
      for (let i = 0; i < 1_300_000; i++) parts.push(`,"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}`);
      parts.push('}');
      const header = enc(parts.join(''));
      const out = new Uint8Array(8 + header.length + 8);
      new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
      out.set(header, 8);
      writeFileSync(f, out);
    },
    args: inspect,
    expect: { code: 1, error: /tensors.*at most/ },
    maxSeconds: 20,
  },
  {
    id: 'jsonl-many-tiny-lines',
    klass: 'memory: a million tiny jsonl lines under a 256 MiB budget (the budget counted only typed-array payload)',
    kind: 'read',
    file: 'many_lines.jsonl',
    write: (f) => writeFileSync(f, '{"input_ids": [1], "teacher_logits": [[0, 1]]}\n'.repeat(1_000_000)),
    args: inspect,
    env: { DISTILL_MEMORY_BUDGET: '256M' },
    expect: { code: 0 },
    maxSeconds: 60,
  },
  {
    id: 'jsonl-many-tiny-lines-3m',
    klass: 'memory: three million tiny jsonl lines under a 256 MiB budget (the issue\'s size)',
    kind: 'read',
    file: 'many_lines_3m.jsonl',
    write: (f) => writeFileSync(f, '{"input_ids": [1], "teacher_logits": [[0, 1]]}\n'.repeat(3_000_000)),
    args: inspect,
    env: { DISTILL_MEMORY_BUDGET: '256M' },
    expect: { code: 0 },
    maxSeconds: 120,
    measureOnly: true,
  },
  {
    id: 'jsonl-wide-ignored-field',
    klass: 'memory: an ignored jsonl field of 20M empty lists (held GBs)',
    kind: 'read',
    file: 'wide_ignored.jsonl',
    write: (f) => writeFileSync(f, jsonlWithField('[', '[],', 20_000_000, '[]]')),
    args: inspect,
    expect: { code: 1, error: /line 1: .*values/ },
    maxSeconds: 20,
  },
  {
    id: 'jsonl-deep-ignored-field',
    klass: 'memory: an ignored jsonl field nested 2M lists deep',
    kind: 'read',
    file: 'deep_ignored.jsonl',
    write: (f) => writeFileSync(f, jsonlWithField('', '[', 2_000_000, ']'.repeat(2_000_000))),
    args: inspect,
    expect: { code: 1, error: /line 1: .*nested/ },
    maxSeconds: 20,
  },
  {
    id: 'npz-metadata-deep',
    klass: 'memory: npz |S metadata JSON nested 2M objects deep',
    kind: 'read',
    file: 'metadata_deep.npz',
    write: (f) => {
      const text = enc(`{"note": ${'{"a": '.repeat(2_000_000)}1${'}'.repeat(2_000_000)}}`); // 14 MB, under the 16M-character cap
      writeZip(f, [...npzSetMembers(), npyMember('metadata.npy', `{'descr': '|S${text.length}', 'fortran_order': False, 'shape': (), }`, text)]);
    },
    args: inspect,
    expect: { code: 1, error: /metadata\.note: value nested too deeply/ },
    maxSeconds: 20,
  },
  // ---- time ----
  {
    id: 'npz-200k-members',
    klass: 'time: 200k npz members (~0.5 ms each)',
    kind: 'read',
    file: 'many_members.npz',
    write: (f) => {
      const tiny = npyMember('x', "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", new Uint8Array(0));
      const members = [...npzSetMembers()];
      for (let i = 0; i < 200_000; i++) members.push({ ...tiny, name: `m${i}.npy` });
      writeZip(f, members);
    },
    args: inspect,
    expect: { code: 1, error: /members.*at most/ },
    maxSeconds: 20,
  },
  // ---- wrong acceptance ----
  {
    id: 'safetensors-duplicate-name',
    klass: 'wrong acceptance: a safetensors header naming a tensor twice (the later entry won)',
    kind: 'read',
    file: 'duplicate.safetensors',
    write: (f) => {
      const header = enc('{"input_ids":{"dtype":"I32","shape":[1,2],"data_offsets":[0,8]},"teacher_logits":{"dtype":"F32","shape":[1,2,2],"data_offsets":[8,24]},"input_ids":{"dtype":"I32","shape":[1,2],"data_offsets":[24,32]}}');
      const out = new Uint8Array(8 + header.length + 32);
      new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
      out.set(header, 8);
      out.set(bytes(Int32Array.of(1, 1)), 8 + header.length);
      out.set(bytes(Int32Array.of(1, 9)), 8 + header.length + 24);
      writeFileSync(f, out);
    },
    args: inspect,
    expect: { code: 1, error: /input_ids: .*twice/ },
    maxSeconds: 15,
  },
  {
    id: 'npz-duplicate-member',
    klass: 'wrong acceptance: an npz naming a member twice ("input_ids" and "input_ids.npy")',
    kind: 'read',
    file: 'duplicate.npz',
    write: (f) => {
      const [ids, logits] = npzSetMembers();
      writeZip(f, [ids, logits, { ...ids, name: 'input_ids' }]);
    },
    args: inspect,
    expect: { code: 1, error: /input_ids: .*twice/ },
    maxSeconds: 15,
  },
  {
    id: 'all-masked',
    klass: 'wrong acceptance: a set with every position masked (trained to loss 0)',
    kind: 'read',
    file: 'all_masked.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors([...topkEntries(), { name: 'attention_mask', dtype: 'U8', shape: [2, 4], data: new Uint8Array(8) }])),
    args: inspect,
    expect: { code: 1, error: /attention_mask: .*no position/ },
    maxSeconds: 15,
  },
  {
    id: 'logsumexp-below-topk',
    klass: 'wrong acceptance: teacher_logsumexp below the log-sum-exp of the listed top-k (listed mass 2)',
    kind: 'read',
    file: 'lse_below.safetensors',
    write: (f) => {
      const e = topkEntries();
      e[2] = { ...e[2], data: new Float32Array(16).fill(1) }; // two listed logits of 1: log-sum-exp 1 + ln 2
      e[3] = { ...e[3], data: new Float32Array(8).fill(1) }; // lse = 1: listed probabilities sum to 2
      writeFileSync(f, encodeSafetensors(e));
    },
    args: inspect,
    expect: { code: 1, error: /teacher_logsumexp: .*log-sum-exp of the listed top-k/ },
    maxSeconds: 15,
  },
  {
    id: 'logsumexp-bf16-honest',
    klass: 'must load: an honest bf16 export whose listed top-k mass reaches ~1.05 by rounding',
    kind: 'read',
    file: 'lse_bf16.safetensors',
    write: (f) => {
      // One token holds all but 1e-3 of the mass at logit 15: lse = 15.001. In bf16 (8 significant bits) 15.001
      // rounds to 15.0 and the logit 15.001… to 15.0625 (the ULP at 15 is 1/16): listed mass exp(0.0625) = 1.065.
      const bf16 = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0] >>> 16;
      const e = topkEntries();
      const logits = new Uint16Array(16);
      for (let i = 0; i < 16; i++) logits[i] = bf16(i % 2 === 0 ? 15.0625 : -20);
      e[2] = { name: 'teacher_topk_logits', dtype: 'BF16', shape: [2, 4, 2], data: logits };
      e[3] = { name: 'teacher_logsumexp', dtype: 'BF16', shape: [2, 4], data: new Uint16Array(8).fill(bf16(15)) };
      writeFileSync(f, encodeSafetensors(e));
    },
    args: inspect,
    expect: { code: 0 },
    maxSeconds: 15,
  },
  // ---- messages that miss the cause ----
  {
    id: 'jsonl-named-safetensors',
    klass: 'message: a jsonl file named .safetensors (the extension picked the container)',
    kind: 'read',
    file: 'really_jsonl.safetensors',
    write: (f) => writeFileSync(f, `${TINY_JSONL_EXAMPLE}\n`),
    args: inspect,
    expect: { code: 1, error: /\.safetensors extension.*starts like jsonl/ },
    maxSeconds: 15,
  },
  {
    id: 'jsonl-metadata-on-line-2',
    klass: 'message: a metadata object on jsonl line 2 (was: "field missing")',
    kind: 'read',
    file: 'metadata_line2.jsonl',
    write: (f) => writeFileSync(f, `${TINY_JSONL_EXAMPLE}\n{"metadata": {"task": "mlm", "mask_id": 3}}\n${TINY_JSONL_EXAMPLE}\n`),
    args: inspect,
    expect: { code: 1, error: /line 2: .*metadata.*first line/ },
    maxSeconds: 15,
  },
  // ---- more, beyond the issue ----
  {
    id: 'safetensors-metadata-nested-list',
    klass: 'memory: a safetensors metadata value "vocab" of 4M nested lists (JSON text parsed into arrays)',
    kind: 'read',
    file: 'nested_vocab.safetensors',
    write: (f) => writeFileSync(f, encodeSafetensors(topkEntries(), { vocab: `${'['.repeat(4_000_000)}${']'.repeat(4_000_000)}` })),
    args: inspect,
    expect: { code: 1, error: /metadata\.vocab: wrong type/ },
    maxSeconds: 15,
  },
  {
    id: 'safetensors-shape-of-2m-dims',
    klass: 'memory: a safetensors header whose shape lists 2M dimensions (values the header cap bounds)',
    kind: 'read',
    file: 'long_shape.safetensors',
    write: (f) => {
      const header = enc(`{"x":{"dtype":"F32","shape":[${'1,'.repeat(2_000_000)}1],"data_offsets":[0,4]}}`);
      const out = new Uint8Array(8 + header.length + 4);
      new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
      out.set(header, 8);
      writeFileSync(f, out);
    },
    args: inspect,
    expect: { code: 1, error: /header holds more than 1,048,576 JSON values/ },
    maxSeconds: 15,
  },
  {
    id: 'jsonl-field-twice',
    klass: 'wrong acceptance: a jsonl example giving input_ids twice (JSON.parse keeps the last)',
    kind: 'read',
    file: 'field_twice.jsonl',
    write: (f) => writeFileSync(f, '{"input_ids": [1, 2], "teacher_logits": [[0, 1, 2], [2, 1, 0]], "input_ids": [2, 1]}\n'),
    args: inspect,
    expect: { code: 1, error: /input_ids: line 1: key given twice/ },
    maxSeconds: 15,
  },
  {
    id: 'npz-metadata-key-twice',
    klass: 'wrong acceptance: npz metadata JSON giving "task" twice',
    kind: 'read',
    file: 'meta_twice.npz',
    write: (f) => {
      const text = enc('{"task": "mlm", "mask_id": 1, "task": "clm"}');
      writeZip(f, [...npzSetMembers(), npyMember('metadata.npy', `{'descr': '|S${text.length}', 'fortran_order': False, 'shape': (), }`, text)]);
    },
    args: inspect,
    expect: { code: 1, error: /metadata\.task: key given twice/ },
    maxSeconds: 15,
  },
  {
    id: 'npz-named-safetensors',
    klass: 'message: an npz file named .safetensors',
    kind: 'read',
    file: 'really_npz.safetensors',
    write: (f) => writeZip(f, npzSetMembers()),
    args: inspect,
    expect: { code: 1, error: /\.safetensors extension chose the safetensors reader, but the file starts like npz: rename it to \.npz/ },
    maxSeconds: 15,
  },
];

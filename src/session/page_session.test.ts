import { describe, expect, it } from 'vitest';
import { makeHarness, until } from './testing.ts';
import { reportOf } from '../store/run_record.ts';
import { DEMO_MANIFEST_URL } from './demo.ts';

const small = '#n_layers=1&d_model=8&n_heads=2&d_ff=16&max_len=12&steps=20&report_every=5&eval_every=10';

describe('page session', () => {
  it('init reads the config from the hash, probes the worker and lists runs', async () => {
    const h = makeHarness({ hash: small });
    await h.session.init();
    expect(h.store.getState().config.values).toMatchObject({ n_layers: 1, d_model: 8, steps: 20 });
    expect(h.store.getState().run.capabilities?.wasm).toBe(true);
    expect(h.store.getState().runs.list).toEqual([]);
  });

  it('a link with refused values says which and why, and applies the rest', async () => {
    const h = makeHarness({ hash: '#learnign_rate=1&steps=1.5&n_layers=3' });
    await h.session.init();
    const { config } = h.store.getState();
    expect(config.linkProblems).toEqual([
      'learnign_rate=1: unknown config key "learnign_rate"',
      'steps=1.5: config "steps" must be an integer, found 1.5',
    ]);
    expect(config.values).toMatchObject({ lr: 1e-3, steps: 300, n_layers: 3 });
  });

  it('a link naming the demo loads it; loading the demo names it in the link', async () => {
    const files: Record<string, string> = { [DEMO_MANIFEST_URL]: '{"file": "demo.safetensors", "bytes": 3}', 'demo/demo.safetensors': 'abc' };
    const fetch = async (url: RequestInfo | URL) => new Response(files[String(url)] ?? null, { status: files[String(url)] ? 200 : 404 });
    const h = makeHarness({ hash: '#data=demo&seed=3', fetch });
    await h.session.init();
    expect(h.store.getState().data).toMatchObject({ status: 'loaded', fileName: 'demo.safetensors', source: 'demo' });
    expect(h.hashes.at(-1)).toBe('#data=demo&seed=3');
    await h.session.loadFile(new Blob(['x']), 'mine.safetensors');
    expect(h.hashes.at(-1)).toBe('#seed=3'); // a person's own file never goes into a link
  });

  it('writes config edits to the URL hash', async () => {
    const h = makeHarness();
    await h.session.init();
    h.store.getState().setConfigValue('seed', 42);
    expect(h.hashes.at(-1)).toBe('#seed=42');
    h.store.getState().setConfigValue('n_heads', 3); // invalid: the URL keeps the last valid config
    expect(h.hashes.at(-1)).toBe('#seed=42');
  });

  it('loads a file into the data slice and raises max_len to the set length', async () => {
    const h = makeHarness();
    await h.session.init();
    h.store.getState().setConfigValue('max_len', 4);
    await h.session.loadFile(new Blob([new Uint8Array(10)]), 'tiny.safetensors');
    expect(h.store.getState().data).toMatchObject({ status: 'loaded', fileName: 'tiny.safetensors' });
    expect(h.store.getState().config.values.max_len).toBe(12);
  });

  it('a bad file leaves a specific message; the next file loads', async () => {
    const bad = makeHarness({ failWith: 'teacher_topk_ids: missing tensor' });
    await bad.session.init();
    await bad.session.loadFile(new Blob(['x']), 'bad.safetensors');
    expect(bad.store.getState().data).toMatchObject({ status: 'error', error: 'teacher_topk_ids: missing tensor' });
  });

  it('trains to the end, evaluates, measures latency and stores the run with its weights', async () => {
    const h = makeHarness({ hash: small });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.session.train();
    await until(() => h.store.getState().run.saved);
    const s = h.store.getState();
    expect(s.run).toMatchObject({ status: 'done', step: 20, paramCount: 1234, studentMsPerExample: 0.75 });
    expect(s.metrics.history.map((r) => r.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(s.metrics.evals.map((e) => e.step)).toEqual([0, 10, 20]); // step 0: the baseline
    expect(s.runs.list).toHaveLength(1);
    expect(s.runs.list[0]).toMatchObject({ status: 'done', hasWeights: true, dataset: { file: 'tiny.safetensors' } });
    expect(s.runs.list[0].final?.label_loyalty).toBe(0.2);
    expect(s.runs.list[0].initial?.label_loyalty).toBe(0);
    expect(s.runs.list[0].studentConfig).toMatchObject({ hidden_size: 3 });
    const weights = await h.session.runWeights(s.runs.list[0].id);
    expect(weights?.safetensors.byteLength).toBeGreaterThan(0);
  });

  it('a failed run shows its reason and is stored, marked, with its last good weights', async () => {
    const h = makeHarness({ hash: small, failAtStep: 8 });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.session.train();
    await until(() => h.store.getState().run.saved);
    const s = h.store.getState();
    expect(s.run).toMatchObject({ status: 'error', error: expect.stringMatching(/non-finite loss at step 8/) });
    expect(s.metrics.history.at(-1)?.step).toBe(5); // steps 6-7 were still unreported (report_every 5), as in the engine
    expect(s.runs.list[0]).toMatchObject({ status: 'error', hasWeights: true });
  });

  it('refuses to train without data or with an invalid config', async () => {
    const h = makeHarness();
    await h.session.init();
    await expect(h.session.train()).rejects.toThrow(/load a data set/);
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    h.store.getState().setConfigValue('n_heads', 3);
    await expect(h.session.train()).rejects.toThrow(/divisible/);
  });

  it('re-imports an exported report, and deletes runs', async () => {
    const h = makeHarness({ hash: small });
    await h.session.init();
    await h.session.loadFile(new Blob(['x']), 'tiny.safetensors');
    await h.session.train();
    await until(() => h.store.getState().run.saved);
    const original = h.store.getState().runs.list[0];
    const imported = await h.session.importRun(new Blob([JSON.stringify(reportOf(original))]), 'run.report.json');
    expect(imported).toMatchObject({ imported: true, hasWeights: false, history: original.history, config: original.config });
    expect(h.store.getState().runs.list).toHaveLength(2);
    await expect(h.session.importRun(new Blob(['{}']), 'x.json')).rejects.toThrow(/no "config"/);
    await expect(
      h.session.importRun(new Blob([JSON.stringify(reportOf(original))]), 'r.json', { safetensors: new Blob(['not safetensors']) }),
    ).rejects.toThrow(/not safetensors/);
    await h.session.deleteRun(imported.id);
    expect(h.store.getState().runs.list.map((r) => r.id)).toEqual([original.id]);
  });

  it('loads the demo set named by its manifest, and explains a missing demo', async () => {
    const urls: string[] = [];
    const ok = makeHarness({
      fetch: async (input) => {
        urls.push(String(input));
        return String(input) === DEMO_MANIFEST_URL
          ? new Response(JSON.stringify({ file: 'udhr.safetensors', bytes: 32 }))
          : new Response(new Uint8Array(32));
      },
    });
    await ok.session.init();
    await ok.session.loadDemo();
    expect(urls).toEqual([DEMO_MANIFEST_URL, 'demo/udhr.safetensors']);
    expect(ok.store.getState().data).toMatchObject({ status: 'loaded', fileName: 'udhr.safetensors' });
    const missing = makeHarness({ fetch: async () => new Response('nope', { status: 404 }) });
    await missing.session.init();
    await missing.session.loadDemo();
    expect(missing.store.getState().data.error).toMatch(/no demo set here: demo\/demo.json answered HTTP 404/);
    const nameless = makeHarness({ fetch: async () => new Response('{"bytes": 3}') });
    await nameless.session.init();
    await nameless.session.loadDemo();
    expect(nameless.store.getState().data.error).toMatch(/names no data file/);
  });
});

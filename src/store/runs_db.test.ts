import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openRunsDb } from './runs_db.ts';
import { parseReport } from './run_record.ts';

const record = (id: string, createdAt: number) => ({ ...parseReport('{"config": {}, "history": []}', 'r.json', id), createdAt, imported: false });

describe('runs in IndexedDB', () => {
  it('stores runs with weights, lists newest first, deletes both', async () => {
    const db = await openRunsDb(indexedDB, `test-${Math.random()}`);
    await db.put(record('old', 1));
    await db.put(record('new', 2), { id: 'new', safetensors: new Uint8Array([1, 2, 3]), configJson: '{}' });
    const list = await db.list();
    expect(list.map((r) => [r.id, r.hasWeights])).toEqual([
      ['new', true],
      ['old', false],
    ]);
    const weights = await db.getWeights('new');
    expect(Array.from(weights!.safetensors)).toEqual([1, 2, 3]);
    expect(await db.getWeights('old')).toBeNull();
    await db.delete('new');
    expect((await db.list()).map((r) => r.id)).toEqual(['old']);
    expect(await db.getWeights('new')).toBeNull();
    db.close();
  });
  it('keeps runs across reopening', async () => {
    const name = `test-${Math.random()}`;
    const a = await openRunsDb(indexedDB, name);
    await a.put(record('kept', 5));
    a.close();
    const b = await openRunsDb(indexedDB, name);
    expect((await b.list()).map((r) => r.id)).toEqual(['kept']);
    b.close();
  });
});

import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv.ts';

describe('csv', () => {
  it('quotes only fields that need it, doubling quotes', () => {
    expect(csvField('temperature=2,alpha_kd=0.5')).toBe('"temperature=2,alpha_kd=0.5"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(false)).toBe('false');
  });

  it('joins a header and rows', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y'], [null, true]])).toBe('a,b\n1,"x,y"\n,true\n');
  });
});

import { describe, expect, it } from 'vitest';
import { parsePyLiteral } from './py_literal.ts';

describe('parsePyLiteral', () => {
  it('parses numpy header dicts', () => {
    expect(parsePyLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }    \n")).toEqual({ descr: '<f4', fortran_order: false, shape: [2, 3] });
    expect(parsePyLiteral("{'descr': '|b1', 'fortran_order': True, 'shape': (), }")).toEqual({ descr: '|b1', fortran_order: true, shape: [] });
    expect(parsePyLiteral("{'descr': '<U12', 'fortran_order': False, 'shape': (7,)}")).toEqual({ descr: '<U12', fortran_order: false, shape: [7] });
  });
  it('parses structured descr lists, None and python-2 long suffixes', () => {
    expect(parsePyLiteral("{'descr': [('a', '<i4')], 'x': None, 'shape': (3L,)}")).toEqual({ descr: [['a', '<i4']], x: null, shape: [3] });
  });
  it('refuses garbage', () => {
    expect(() => parsePyLiteral("{'descr': <f4}")).toThrow();
    expect(() => parsePyLiteral("{'a': 1} trailing")).toThrow();
    expect(() => parsePyLiteral("{'a': 'open")).toThrow(/unterminated/);
    expect(() => parsePyLiteral('{1: 2}')).toThrow(/keys/);
  });
});

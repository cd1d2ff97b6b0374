/**
 * A parser for the Python literals that appear in .npy headers: dicts, tuples, lists, strings, ints,
 * True / False / None. Not a general Python parser: no floats, no expressions.
 */

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export function parsePyLiteral(text: string): PyValue {
  const p = new Parser(text);
  const v = p.value();
  p.skipSpace();
  if (!p.done()) throw new Error(`unexpected '${p.peek()}' at ${p.pos}`);
  return v;
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.pos >= this.s.length;
  }

  peek(): string {
    return this.s[this.pos];
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.s[this.pos])) this.pos++;
  }

  value(): PyValue {
    this.skipSpace();
    const c = this.peek();
    if (c === '{') return this.dict();
    if (c === '(') return this.seq('(', ')');
    if (c === '[') return this.seq('[', ']');
    if (c === "'" || c === '"') return this.str();
    const m = /^(-?\d+)L?|^(True|False|None)\b/.exec(this.s.slice(this.pos));
    if (!m) throw new Error(c === undefined ? 'unexpected end' : `unexpected '${c}' at ${this.pos}`);
    this.pos += m[0].length;
    if (m[1] !== undefined) return Number(m[1]);
    return m[2] === 'True' ? true : m[2] === 'False' ? false : null;
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.peek() !== c) throw new Error(`expected '${c}' at ${this.pos}`);
    this.pos++;
  }

  /** True (and consumes it) if the next non-space character is `c`. */
  private eat(c: string): boolean {
    this.skipSpace();
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  private dict(): PyValue {
    this.expect('{');
    const out: { [key: string]: PyValue } = {};
    while (!this.eat('}')) {
      const key = this.value();
      if (typeof key !== 'string') throw new Error(`dict keys must be strings at ${this.pos}`);
      this.expect(':');
      out[key] = this.value();
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    return out;
  }

  private seq(open: string, close: string): PyValue[] {
    this.expect(open);
    const out: PyValue[] = [];
    while (!this.eat(close)) {
      out.push(this.value());
      if (!this.eat(',')) {
        this.expect(close);
        break;
      }
    }
    return out;
  }

  private str(): string {
    const quote = this.s[this.pos++];
    let out = '';
    while (!this.done() && this.s[this.pos] !== quote) {
      if (this.s[this.pos] === '\\') this.pos++;
      out += this.s[this.pos++];
    }
    if (this.done()) throw new Error('unterminated string');
    this.pos++;
    return out;
  }
}

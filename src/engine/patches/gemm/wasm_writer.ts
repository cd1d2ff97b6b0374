/**
 * A minimal WebAssembly binary writer: just what gemm_module.ts emits (one imported memory, functions with
 * i32 parameters, i32 / v128 locals, structured control, i32 arithmetic, f32 and v128 loads and stores, and a
 * few SIMD128 ops). The spec's binary format (https://webassembly.github.io/spec/core/binary/) in ~120 lines,
 * so that the kernels are generated in the engine at start-up with no toolchain and no wasm file to ship.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** One function's code, written instruction by instruction (stack machine order). */
export class Code {
  readonly bytes: number[] = [];
  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  private simd(code: number, ...rest: number[]): this {
    return this.op(0xfd, ...uleb(code), ...rest);
  }
  get(local: number): this { return this.op(0x20, ...uleb(local)); }
  set(local: number): this { return this.op(0x21, ...uleb(local)); }
  tee(local: number): this { return this.op(0x22, ...uleb(local)); }
  i32(value: number): this { return this.op(0x41, ...sleb(value)); }
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  and(): this { return this.op(0x71); }
  shl(): this { return this.op(0x74); }
  shrU(): this { return this.op(0x76); }
  eqz(): this { return this.op(0x45); }
  ltU(): this { return this.op(0x49); }
  gtU(): this { return this.op(0x4b); }
  geU(): this { return this.op(0x4f); }
  ne(): this { return this.op(0x47); }
  /** select(a, b, cond): a when cond ≠ 0 (both arms evaluated: values only, never loads). */
  select(): this { return this.op(0x1b); }
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if(): this { return this.op(0x04, 0x40); }
  /** An if whose arms each leave one f32. */
  ifF32(): this { return this.op(0x04, 0x7d); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }
  call(fn: number): this { return this.op(0x10, ...uleb(fn)); }
  i32Load(offset = 0): this { return this.op(0x28, 2, ...uleb(offset)); }
  f32Load(offset = 0): this { return this.op(0x2a, 2, ...uleb(offset)); }
  f32Store(offset = 0): this { return this.op(0x38, 2, ...uleb(offset)); }
  f32Const0(): this { return this.op(0x43, 0, 0, 0, 0); }
  /** Loads and stores of v128 with alignment hint 1 byte: the operands are float32 arrays, 4-byte aligned. */
  v128Load(offset = 0): this { return this.simd(0x00, 0, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, 0, ...uleb(offset)); }
  v128Splat32(offset = 0): this { return this.simd(0x09, 2, ...uleb(offset)); }
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  /** i8x16.shuffle by 32-bit lanes: lanes 0–3 pick from the first operand, 4–7 from the second. */
  shuffle32(lanes: [number, number, number, number]): this {
    return this.simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
  }
  f32Add(): this { return this.op(0x92); }
  f32Max(): this { return this.op(0x97); }
  f32Mul(): this { return this.op(0x94); }
  /** v128.const of four equal float32 lanes. */
  f32x4Const(x: number): this {
    const lane = [...new Uint8Array(new Float32Array([x]).buffer)];
    return this.simd(0x0c, ...lane, ...lane, ...lane, ...lane);
  }
  /** v128.const of four equal int32 lanes. */
  i32x4Const(x: number): this {
    const lane = [...new Uint8Array(new Int32Array([x]).buffer)];
    return this.simd(0x0c, ...lane, ...lane, ...lane, ...lane);
  }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  /** f32x4.pmin(a, b) = b < a ? b : a (minps: a NaN a stays; cheaper than f32x4.min's NaN and ±0 rules). */
  f32x4Pmin(): this { return this.simd(0xea); }
  /** f32x4.pmax(a, b) = a < b ? b : a (maxps). */
  f32x4Pmax(): this { return this.simd(0xeb); }
  f32x4Gt(): this { return this.simd(0x44); }
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Sub(): this { return this.simd(0xb1); }
  /** i32x4.shr_s(v, count): arithmetic shift right of each lane. */
  i32x4ShrS(): this { return this.simd(0xac); }
  i32x4Shl(): this { return this.simd(0xab); }
  /** v128.bitselect(a, b, mask): a's bits where mask's are 1, else b's. */
  v128Bitselect(): this { return this.simd(0x52); }
  f32x4RelaxedMadd(): this { return this.simd(0x105); }
  f32x4Max(): this { return this.simd(0xe9); }
  f32x4Lane(lane: number): this { return this.simd(0x1f, lane); }
  f32x4Mul(): this { return this.simd(0xe6); }
}

export interface WasmFunction {
  /** Exported under this name, or internal when undefined. */
  exportName?: string;
  params: number;
  /** Locals after the parameters, by type, in order. */
  locals: { i32: number; v128: number };
  code: Code;
}

/** A module importing env.memory (shared when `shared`) and defining `functions` (indices in order). */
export function writeModule(functions: readonly WasmFunction[], shared: boolean): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...uleb(f.params), ...new Array<number>(f.params).fill(I32), 0]);
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const exports = vec(functions.flatMap((f, i) => (f.exportName ? [[...name(f.exportName), 0x00, ...uleb(i)]] : [])));
  const bodies = functions.map((f) => {
    const locals = vec([[...uleb(f.locals.i32), I32], [...uleb(f.locals.v128), V128]]);
    const body = [...locals, ...f.code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, exports),
    ...section(10, vec(bodies)),
  ]);
}

/** Locals by index: parameters first, then i32 locals, then v128 locals (writeModule's order). */
export function locals(params: readonly string[], i32: readonly string[], v128: readonly string[]) {
  const at: Record<string, number> = {};
  [...params, ...i32, ...v128].forEach((n, i) => (at[n] = i));
  return { at, fn: (code: Code, exportName?: string): WasmFunction => ({ exportName, params: params.length, locals: { i32: i32.length, v128: v128.length }, code }) };
}

/** `for (i = i; i < lim(); i += step) body()`, the body's branch depths relative to its own loop. */
export function forUp(c: Code, i: number, lim: (c: Code) => void, step: number | ((c: Code) => void), body: () => void): void {
  c.block().loop();
  c.get(i); lim(c); c.geU().brIf(1);
  body();
  c.get(i);
  if (typeof step === 'number') c.i32(step); else step(c);
  c.add().set(i).br(0).end().end();
}

/** Leaves min(x, y) (unsigned) on the stack. */
export function minU(c: Code, x: (c: Code) => void, y: (c: Code) => void): void {
  x(c); y(c); x(c); y(c); c.ltU().select();
}

/**
 * Elementwise kernels for the same module as the GEMM (gemm_module.ts). tfjs-backend-wasm 4.22's Exp is a
 * scalar loop (≈ 58 ms on one dense-head chunk [2048, 2049]); the engine's workaround σ(x)/σ(−x) (ops/exp.ts)
 * takes four passes (≈ 13 ms). A pass over 16 MB costs ≈ 4 ms a thread here.
 *
 * eˣ is Cephes' expf, four lanes at a time: n = nearest(x·log₂e), r = x − n·ln2 (ln2 in two parts, the first
 * with 9 significant bits so n·C1 is exact), eʳ = 1 + r + r²·P(r) with Cephes' degree-5 P on |r| ≤ ln2/2, and
 * eˣ = eʳ·2ᵃ·2ⁿ⁻ᵃ with a = n >> 1: two normal powers of two from exponent bits, so that n = 128 (near
 * ln FLT_MAX) and n down to −150 (subnormal results, as float32's own eˣ gives them) both scale. x is clamped
 * to [−104, ln FLT_MAX] first (below −104 eˣ rounds to 0 in float32); above ln FLT_MAX the result is +∞.
 * A NaN x stays NaN: the clamp's pmin/pmax return their first operand, x, when a comparison fails.
 */
import { Code, forUp, locals, type WasmFunction } from './wasm_writer.ts';

const LN_FLT_MAX = 88.72283935546875;
const LOWEST = -104; // eˣ < 2⁻¹⁵⁰ below it: 0 in float32
const LOG2E = 1.4426950408889634;
const ROUND = 12582912; // 1.5·2²³
const C1 = 0.693359375;
const C2 = -2.12194440e-4;
const P = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/** Vectors per iteration of the main loop, their steps interleaved: each is a serial chain of ≈ 30 ops. */
const UNROLL = 4;

/**
 * expVec(a, groups, out): out[i] = eˣ of a[i] for i < 4·groups (out may be a). The constants live in v128
 * locals set before the loop; the main loop runs UNROLL vectors with their steps interleaved, so that
 * independent work sits side by side: [2048, 2049] on one thread took 12 ms with one vector a loop, 4.7 with
 * four (as long as a row maximum: memory-bound; tfjs-backend-wasm's own Exp ≈ 58 ms).
 */
export function expVec(fma = false): WasmFunction {
  const consts = { hi: LN_FLT_MAX, lo: LOWEST, log2e: LOG2E, round: ROUND, c1: C1, c2: C2, one: 1, inf: Infinity, ...Object.fromEntries(P.map((p, i) => [`p${i}`, p])) };
  const lanes = (name: string) => Array.from({ length: UNROLL }, (_, u) => `${name}${u}`);
  const L = locals(['a', 'groups', 'out'], ['g', 'at', 'main'], [...lanes('x'), ...lanes('n'), ...lanes('r'), ...lanes('y'), 'magic', 'bias', ...Object.keys(consts)]);
  const v = L.at;
  const c = new Code();
  for (const [name, value] of Object.entries(consts)) c.f32x4Const(value).set(v[name]);
  c.i32x4Const(0x4b400000).set(v.magic); // ROUND's bits
  c.i32x4Const(127).set(v.bias);

  /** eˣ of `count` vectors from a + at, written to out + at, step by step across the vectors. */
  const vectors = (count: number) => {
    const each = (f: (x: number, n: number, r: number, y: number, offset: number) => void) => {
      for (let u = 0; u < count; u++) f(v[`x${u}`], v[`n${u}`], v[`r${u}`], v[`y${u}`], 16 * u);
    };
    each((x, _n, _r, _y, offset) => c.get(v.a).get(v.at).add().v128Load(offset).set(x));
    // n = nearest(clamp(x)·log₂e) by adding 1.5·2²³ (the sum's low mantissa bits hold n, rounded to even);
    // r = clamp(x) − n·C1 − n·C2. pmin/pmax keep a NaN x (it is their first operand).
    each((x, _n, r) => c.get(x).get(v.hi).f32x4Pmin().get(v.lo).f32x4Pmax().set(r));
    each((_x, n, r) => c.get(r).get(v.log2e).f32x4Mul().get(v.round).f32x4Add().set(n)); // n's bits, + ROUND's
    each((_x, n, _r, y) => c.get(n).get(v.round).f32x4Sub().set(y)); // n as a float
    each((_x, _n, r, y) => c.get(r).get(y).get(v.c1).f32x4Mul().f32x4Sub().set(r));
    each((_x, _n, r, y) => c.get(r).get(y).get(v.c2).f32x4Mul().f32x4Sub().set(r));
    // y = ((((P0·r + P1)·r + P2)·r + P3)·r + P4)·r + P5, then y·r² + r + 1
    each((_x, _n, _r, y) => c.get(v.p0).set(y));
    for (let i = 1; i < P.length; i++) {
      each((_x, _n, r, y) => {
        if (fma) c.get(y).get(r).get(v[`p${i}`]).f32x4RelaxedMadd().set(y); // y·r + Pᵢ in one rounding
        else c.get(y).get(r).f32x4Mul().get(v[`p${i}`]).f32x4Add().set(y);
      });
    }
    each((_x, _n, r, y) => c.get(y).get(r).get(r).f32x4Mul().f32x4Mul().get(r).f32x4Add().get(v.one).f32x4Add().set(y));
    // n as an int32 (the sum's bits less ROUND's), a = n >> 1 (in r: free now), then y·2ᵃ·2ⁿ⁻ᵃ
    each((_x, n, r) => c.get(n).get(v.magic).i32x4Sub().tee(n).i32(1).i32x4ShrS().set(r));
    const pow2 = (k: () => void) => {
      k();
      c.get(v.bias).i32x4Add().i32(23).i32x4Shl();
    };
    each((_x, n, r, y) => {
      c.get(y);
      pow2(() => c.get(r));
      c.f32x4Mul();
      pow2(() => c.get(n).get(r).i32x4Sub());
      c.f32x4Mul().set(y);
    });
    // +∞ above ln FLT_MAX (x = +∞ included)
    each((x, _n, _r, y, offset) => {
      c.get(v.out).get(v.at).add();
      c.get(v.inf).get(y).get(x).get(v.hi).f32x4Gt().v128Bitselect();
      c.v128Store(offset);
    });
  };

  c.get(v.groups).i32(-UNROLL).and().set(v.main);
  c.i32(0).set(v.g);
  forUp(c, v.g, (c) => c.get(v.main), UNROLL, () => {
    c.get(v.g).i32(4).shl().set(v.at);
    vectors(UNROLL);
  });
  forUp(c, v.g, (c) => c.get(v.groups), 1, () => {
    c.get(v.g).i32(4).shl().set(v.at);
    vectors(1);
  });
  return L.fn(c, 'expVec');
}

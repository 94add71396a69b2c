// The generic elementwise kernel: one loop per (op, arity), generated from the op's `scalar` so
// V8 sees one monomorphic call per loop and can inline it. Inputs are strided and broadcast.

import type { Kernel, KernelInput, KernelOutput, OpKey } from '../../backend.js';
import { decodeHalf, encodeHalf, isHalf } from '../../half.js';
import { broadcastStrides, isContiguous, sizeOf } from '../../shape.js';
import { coalesce } from '../../strided.js';
import { BINARY_WASM_MIN, binaryF32, isWasmBinary } from './elementwise-wasm.js';
import { dataOf, wrap } from './storage.js';
import { allocOut } from './reuse.js';

type Fn = (...xs: number[]) => number;
type Loop = (out: unknown, shape: number[], strides: number[][], arrays: unknown[], offsets: number[]) => void;

const UNROLL = [0, 1, 2, 3, 4, 5, 6, 7];

function loopSource(arity: number, boolOut: boolean): string {
  const ks = Array.from({ length: arity }, (_, k) => k);
  const call = (idx: (k: number) => string) => `f(${ks.map((k) => `a${k}[${idx(k)}]`).join(', ')})`;
  const store = (expr: string) => (boolOut ? `(${expr} !== 0 ? 1 : 0)` : expr);
  return `
    const rank = shape.length, n = shape[rank - 1];
    ${ks.map((k) => `const a${k} = arrays[${k}], st${k} = strides[${k}], s${k} = st${k}[rank - 1]; let p${k} = offsets[${k}];`).join('\n')}
    const allUnit = ${ks.map((k) => `s${k} === 1`).join(' && ')};
    let outer = 1;
    for (let d = 0; d < rank - 1; d++) outer *= shape[d];
    const idx = new Int32Array(rank);
    let o = 0;
    for (let r = 0; r < outer; r++) {
      if (allUnit) {
        // NOTE: unrolled by 8: V8 reloads the typed arrays' base and length every iteration when they
        // are parameters, and eight stores per iteration amortise that
        let j = 0;
        for (; j + 8 <= n; j += 8) {
          ${UNROLL.map((u) => `out[o + j + ${u}] = ${store(call((k) => `p${k} + j + ${u}`))};`).join(' ')}
        }
        for (; j < n; j++) out[o + j] = ${store(call((k) => `p${k} + j`))};
      } else {
        ${ks.map((k) => `let q${k} = p${k};`).join(' ')}
        for (let j = 0; j < n; j++) {
          out[o + j] = ${store(call((k) => `q${k}`))};
          ${ks.map((k) => `q${k} += s${k};`).join(' ')}
        }
      }
      o += n;
      for (let d = rank - 2; d >= 0; d--) {
        ${ks.map((k) => `p${k} += st${k}[d];`).join(' ')}
        if (++idx[d] < shape[d]) break;
        ${ks.map((k) => `p${k} -= st${k}[d] * shape[d];`).join(' ')}
        idx[d] = 0;
      }
    }`;
}

let compiled = 0;

function compile(arity: number, boolOut: boolean, f: Fn, label: string): Loop {
  const body = loopSource(arity, boolOut);
  // NOTE: a fresh function per op and array types keeps the call to `f` monomorphic (V8 inlines it)
  // and the element loads of one typed-array kind. The source must differ too: V8 caches
  // `new Function` by its source text and shares one feedback vector between the functions of a
  // cache hit, so identical sources made every op's loop one megamorphic function (a broadcast
  // mul ran 3-5x slower in a model that uses many ops than alone). The comment keeps each unique.
  const name = `loop_${label.replace(/[^A-Za-z0-9_]/g, '_')}`;
  try {
    return new Function('f', `return function ${name}(out, shape, strides, arrays, offsets) {${body}\n// ${++compiled}\n};`)(f) as Loop;
  } catch (e) {
    if (!(e instanceof EvalError)) throw e; // a bug in the generated source, not a refusal
    return genericLoop(arity, boolOut, f); // NOTE: pages whose Content-Security-Policy forbids eval
  }
}

/** The same walk without code generation: slower (a megamorphic call per element), always allowed. */
function genericLoop(arity: number, boolOut: boolean, f: Fn): Loop {
  return (out, shape, strides, arrays, offsets) => {
    const res = out as number[];
    const arrs = arrays as number[][];
    const rank = shape.length;
    const n = shape[rank - 1]!;
    const p = [...offsets];
    const idx = new Array<number>(rank).fill(0);
    const args = new Array<number>(arity);
    let outer = 1;
    for (let d = 0; d < rank - 1; d++) outer *= shape[d]!;
    let o = 0;
    for (let r = 0; r < outer; r++) {
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < arity; k++) args[k] = arrs[k]![p[k]! + j * strides[k]![rank - 1]!]!;
        const v = f(...args);
        res[o++] = boolOut ? (v !== 0 ? 1 : 0) : v;
      }
      for (let d = rank - 2; d >= 0; d--) {
        for (let k = 0; k < arity; k++) p[k]! += strides[k]![d]!;
        if (++idx[d]! < shape[d]!) break;
        for (let k = 0; k < arity; k++) p[k]! -= strides[k]![d]! * shape[d]!;
        idx[d] = 0;
      }
    }
  };
}

/**
 * Builds the CPU kernel for an elementwise op (cached per op by the backend). Its `inPlace` form
 * (`x.mul_(y)` and friends) writes the result over the first input when that input is a dense
 * row-major view of the result's shape and dtype that no other input shares: each element is read
 * before it is written, so the one pass needs no new storage.
 */
export function elementwiseKernel(op: OpKey): Kernel {
  const loops = new Map<string, Loop>();
  const wasmOp = isWasmBinary(op.name) && op.kind === 'elementwise' ? op.name : null;
  const run = (inputs: readonly KernelInput[], outShape: readonly number[], dtype: KernelInput['dtype'], res: unknown) => {
    const f = dtype === 'int32' && op.intScalar ? op.intScalar : op.scalar!;
    const boolOut = dtype === 'bool';
    const arrays = inputs.map((x) => (isHalf(x.dtype) ? decodeHalf(dataOf(x.storage), x.dtype) : dataOf(x.storage)));
    // one loop per combination of array types: a loop that has seen Float32Array, Int32Array and
    // Uint8Array at one access site is polymorphic there and runs 3-4x slower on every call after
    const key = `${boolOut}:${f === op.intScalar}:${(res as object).constructor.name}:${arrays.map((a) => a.constructor.name).join(',')}`;
    let loop = loops.get(key);
    if (!loop) loops.set(key, (loop = compile(inputs.length, boolOut, f, op.name)));
    const strides = inputs.map((x) => broadcastStrides(x.shape, x.strides, outShape));
    const [shape, cstrides] = coalesce(outShape, strides);
    const offsets = inputs.map((x) => x.offset);
    // float32 add/sub/mul/div of dense or broadcast operands: the wasm kernel (the same bits)
    if (wasmOp && res instanceof Float32Array && f === op.scalar && sizeOf(outShape) >= BINARY_WASM_MIN && arrays.every((a) => a instanceof Float32Array) &&
      binaryF32(wasmOp, shape, cstrides, arrays as Float32Array[], offsets, res)) return;
    loop(res, shape, cstrides, arrays, offsets);
  };
  const kernel = (inputs: readonly KernelInput[], out: KernelOutput) => {
    const n = sizeOf(out.shape);
    const halfOut = isHalf(out.dtype);
    const res = halfOut ? new Float32Array(n) : allocOut(out.dtype, n, false); // half types compute in float32; every element is written
    if (n === 0) return wrap(halfOut ? new Uint16Array(0) : res, out.dtype);
    run(inputs, out.shape, out.dtype, res);
    return halfOut ? wrap(encodeHalf(res as Float32Array, out.dtype as 'float16' | 'bfloat16'), out.dtype) : wrap(res, out.dtype);
  };
  return Object.assign(kernel, {
    inPlace(inputs: readonly KernelInput[]): boolean {
      const dst = inputs[0]!;
      if (inputs.some((x) => isHalf(x.dtype))) return false; // half types compute in float32 and round back: the copy path
      if (!isContiguous(dst.shape, dst.strides) || inputs.slice(1).some((x) => x.storage === dst.storage)) return false;
      const n = sizeOf(dst.shape);
      if (n > 0) run(inputs, dst.shape, dst.dtype, (dataOf(dst.storage) as Float32Array).subarray(dst.offset, dst.offset + n));
      return true;
    },
  });
}

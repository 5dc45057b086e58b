/**
 * The int8 WebAssembly SIMD prescan: the kernel (dot-kernel.wat, compiled at run time with wabt) and
 * one gallery's quantised rows in a WebAssembly memory of their own. It returns approximate row
 * scores; the matcher re-scores the few rows that matter in float. An int8 row is a quarter of the
 * float bytes, and the scan is bound by memory bandwidth, which is where its speed comes from.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { KioskError } from '../../errors.ts';
import { MAX_SCAN_DIM, paddedDim, PROBE_Q_MAX, quantizeInto, ROW_Q_MAX, type Quantized } from './quantized-scan.ts';

declare const kernelBrand: unique symbol;
/** A compiled dot-kernel module (a WebAssembly.Module), from `loadDotKernel`. */
export interface DotKernel {
  readonly [kernelBrand]: 'WebAssembly.Module';
}

/** The part of the WebAssembly JS API used here (this project's lib settings do not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<DotKernel>;
  Instance: new (module: DotKernel, imports: { env: { memory: WasmMemory } }) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type ScoresI8 = (probe: number, rows: number, n: number, dim: number, out: number) => void;

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const KERNEL_PATH = join(import.meta.dirname, 'dot-kernel.wat');
const PAGE_BYTES = 65536;
/** wasm32 addresses at most 65536 pages (4 GiB). */
const MAX_PAGES = 65536;
const ALIGN = 16;

let compiled: Promise<DotKernel> | undefined;

/**
 * The compiled kernel, compiled once per process (the module is immutable and can back any number
 * of instances). Rejects with BACKEND_UNAVAILABLE when this runtime cannot compile WebAssembly SIMD.
 */
export function loadDotKernel(): Promise<DotKernel> {
  compiled ??= compileKernel().catch((err: unknown) => {
    compiled = undefined; // let a later call try again rather than caching the failure
    throw err;
  });
  return compiled;
}

async function compileKernel(): Promise<DotKernel> {
  const text = await readFile(KERNEL_PATH, 'utf8');
  try {
    const wabt = await wabtInit();
    const parsed = wabt.parseWat('dot-kernel.wat', text, { simd: true });
    try {
      parsed.validate();
      return await wasm.compile(parsed.toBinary({}).buffer);
    } finally {
      parsed.destroy();
    }
  } catch (err) {
    throw new KioskError('BACKEND_UNAVAILABLE', `cannot compile the SIMD matching kernel: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'matching falls back to the exact float loop; use Node ≥ 20 on a CPU with SIMD for the fast path',
      context: { path: KERNEL_PATH },
      cause: err,
    });
  }
}

const align = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/** Per-row numbers the error bound needs, measured when the rows were quantised. */
export interface RowNorms {
  readonly norm: Float64Array;
  readonly quantNorm: Float64Array;
  readonly residualNorm: Float64Array;
}

/** One gallery's int8 rows in their own WebAssembly memory, scanned against an int16 probe. */
export class Int8RowScan {
  readonly n: number;
  readonly dim: number;
  /** Row length in the kernel (dim padded with zeros to whole 16-value steps). */
  readonly stride: number;
  readonly rows: RowNorms;
  readonly #scale: Float64Array;
  readonly #scores: ScoresI8;
  readonly #probe: Int16Array;
  readonly #out: Int32Array;
  readonly #probePtr: number;
  readonly #outPtr: number;
  readonly #rowsPtr: number;
  readonly #bytes: number;

  /** Whether a gallery of this shape fits the kernel: i32 sums stay exact and the memory fits wasm32. */
  static fits(n: number, dim: number): boolean {
    const stride = paddedDim(dim);
    return dim > 0 && stride <= MAX_SCAN_DIM && Int8RowScan.#layout(n, stride).pages <= MAX_PAGES;
  }

  static #layout(n: number, stride: number): { outPtr: number; rowsPtr: number; bytes: number; pages: number } {
    const outPtr = align(stride * 2);
    const rowsPtr = align(outPtr + n * 4);
    const bytes = rowsPtr + n * stride;
    return { outPtr, rowsPtr, bytes, pages: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) };
  }

  /** Quantise `n` rows of `dim` finite floats (check with `fits` and `allFinite` first). */
  constructor(kernel: DotKernel, rows: Float32Array, n: number, dim: number) {
    if (!Int8RowScan.fits(n, dim) || rows.length !== n * dim) {
      throw new KioskError('DESCRIPTOR_INVALID', `int8 scan cannot hold ${n} rows of ${dim} values (${rows.length} given)`);
    }
    this.n = n;
    this.dim = dim;
    this.stride = paddedDim(dim);
    const layout = Int8RowScan.#layout(n, this.stride);
    // Fixed size: the memory never grows, so the views below stay valid.
    const memory = new wasm.Memory({ initial: layout.pages, maximum: layout.pages });
    this.#scores = new wasm.Instance(kernel, { env: { memory } }).exports.scores_i8 as ScoresI8;
    this.#probePtr = 0;
    this.#outPtr = layout.outPtr;
    this.#rowsPtr = layout.rowsPtr;
    this.#bytes = layout.pages * PAGE_BYTES;
    this.#probe = new Int16Array(memory.buffer, this.#probePtr, this.stride);
    this.#out = new Int32Array(memory.buffer, this.#outPtr, n);
    const q = new Int8Array(memory.buffer, this.#rowsPtr, n * this.stride); // fresh memory is zeroed: padding stays 0
    this.#scale = new Float64Array(n);
    this.rows = { norm: new Float64Array(n), quantNorm: new Float64Array(n), residualNorm: new Float64Array(n) };
    for (let r = 0; r < n; r++) {
      const s = quantizeInto(rows, r * dim, dim, ROW_Q_MAX, q, r * this.stride);
      this.#scale[r] = s.scale;
      this.rows.norm[r] = s.norm;
      this.rows.quantNorm[r] = s.quantNorm;
      this.rows.residualNorm[r] = s.residualNorm;
    }
  }

  /** Bytes of WebAssembly memory this scan holds (int8 rows, the probe and the i32 results). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Approximate score of every row against a finite probe of `dim` values, into `out`; returns the
   * probe's quantisation numbers, which the error bound needs.
   */
  scan(probe: Float32Array, out: Float64Array): Quantized {
    const qp = quantizeInto(probe, 0, this.dim, PROBE_Q_MAX, this.#probe, 0);
    this.#scores(this.#probePtr, this.#rowsPtr, this.n, this.stride, this.#outPtr);
    const res = this.#out;
    const scale = this.#scale;
    for (let r = 0; r < this.n; r++) out[r] = (res[r] as number) * (scale[r] as number) * qp.scale;
    return qp;
  }
}

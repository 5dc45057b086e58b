;; Integer dot products of one probe against many gallery rows (WebAssembly SIMD).
;;
;; scores_i8(probe, rows, n, dim, out):
;;   probe  `dim` int16 values (2·dim bytes), 16-byte aligned
;;   rows   `n` rows of `dim` int8 values each, contiguous, 16-byte aligned
;;   out    `n` int32 dot products
;;   dim    a multiple of 16 (callers pad rows and probe with zeros, which add nothing)
;;
;; Each step widens 16 int8 row values to two i16x8 halves and multiplies them with 16 probe values by
;; i32x4.dot_i16x8_s (pairwise products summed into four i32 lanes). All sums stay in i32 without
;; wrapping as long as dim · 127 · max|probe| < 2^31: rows are quantised to [-127, 127] and the probe
;; to [-8191, 8191], so dim ≤ 2048 is safe (2048 · 127 · 8191 = 2 130 444 288 < 2 147 483 647).
;; Every partial sum is bounded by that same total, so no lane or intermediate can overflow either.
(module
  (import "env" "memory" (memory 1 65536))
  (func (export "scores_i8") (param $probe i32) (param $rows i32) (param $n i32) (param $dim i32) (param $out i32)
    (local $row i32) (local $rowEnd i32) (local $end i32) (local $rp i32) (local $pp i32) (local $o i32)
    (local $v v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local.set $row (local.get $rows))
    (local.set $end (i32.add (local.get $rows) (i32.mul (local.get $n) (local.get $dim))))
    (local.set $o (local.get $out))
    (block $done
      (loop $rowloop
        (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $acc2 (v128.const i32x4 0 0 0 0))
        (local.set $acc3 (v128.const i32x4 0 0 0 0))
        (local.set $rp (local.get $row))
        (local.set $pp (local.get $probe))
        (local.set $rowEnd (i32.add (local.get $row) (local.get $dim)))
        ;; 32 row bytes (64 probe bytes) a step into four accumulators while they last, then one step of
        ;; 16 if dim is an odd number of 16s; dim ≥ 16 is guaranteed by the caller for n > 0
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.gt_u (i32.add (local.get $rp) (i32.const 32)) (local.get $rowEnd)))
            (local.set $v (v128.load (local.get $rp)))
            (local.set $acc0 (i32x4.add (local.get $acc0)
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $pp)))))
            (local.set $acc1 (i32x4.add (local.get $acc1)
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $pp)))))
            (local.set $v (v128.load offset=16 (local.get $rp)))
            (local.set $acc2 (i32x4.add (local.get $acc2)
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load offset=32 (local.get $pp)))))
            (local.set $acc3 (i32x4.add (local.get $acc3)
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=48 (local.get $pp)))))
            (local.set $rp (i32.add (local.get $rp) (i32.const 32)))
            (local.set $pp (i32.add (local.get $pp) (i32.const 64)))
            (br $pairs)))
        (if (i32.lt_u (local.get $rp) (local.get $rowEnd))
          (then
            (local.set $v (v128.load (local.get $rp)))
            (local.set $acc0 (i32x4.add (local.get $acc0)
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $pp)))))
            (local.set $acc1 (i32x4.add (local.get $acc1)
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $pp)))))))
        (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc2)))
        (local.set $acc1 (i32x4.add (local.get $acc1) (local.get $acc3)))
        (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
        (i32.store (local.get $o)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $row (local.get $rowEnd))
        (br $rowloop)))))

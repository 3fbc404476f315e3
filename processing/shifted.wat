;; One row of a shifted RGB read, resampled and normalised (analysis-raster.ts `shiftedRgbNormalized`):
;; per pixel, the bilinear sample of its 2×2 source bytes in double precision (the weights over 255,
;; summed in the same order), rounded to single precision (the own value), then through its local
;; correction and the band's table, the arithmetic of normalize.ts `normalizeLocal`, so the planes are
;; bit for bit those of the JavaScript loop. Two pixels a step, each band's pair in f64x2 lanes (each
;; lane the scalar operations, in their order): the bytes of the pair's 2×2s are loaded eight at a time
;; and shuffled into lanes, the tables' two entries loaded into lanes, and the pair stored in one
;; 64-bit store per plane. A pair with an invalid pixel, and a segment's odd last pixel, go through
;; `$pixel` (scalar, its products looked up in `$tabs`).
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks shifted.wasm is this file built.
(module
  ;; The thread's kernel memory (kernel-memory.ts): planes allocated there are written where they lie.
  (import "env" "memory" (memory 1 65536 shared))

  ;; One pixel (scalar): its 2×2 source bytes at $j, $j + $ox3 (row 0) and $m, $m + $ox3 (row 1), valid
  ;; if $ok; bands' own and normalised values stored at $po, $pn (bands 1 and 2 $b1, $b2 and $e1, $e2
  ;; further); its offsets and gains $a0..$g2. $tabs: for each weight k00, k10, k01, k11 (in that order)
  ;; its products with every byte b, k·b (4 × 256 f64, the doubles the vector path multiplies).
  (func $pixel
    (param $j i32) (param $m i32) (param $ox3 i32) (param $ok i32) (param $po i32) (param $pn i32)
    (param $b1 i32) (param $b2 i32) (param $e1 i32) (param $e2 i32) (param $keep i32) (param $luts i32) (param $steps i32) (param $tabs i32)
    (param $a0 f64) (param $g0 f64) (param $a1 f64) (param $g1 f64) (param $a2 f64) (param $g2 f64)
    (param $z0 f64) (param $z1 f64) (param $z2 f64)
    (local $v f64) (local $z f64) (local $t f64) (local $i i32)
    (if (local.get $ok)
      (then

      ;; band 0
      (local.set $v (f64.promote_f32 (f32.demote_f64 (f64.add (f64.add (f64.add (f64.load offset=0 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=0 (local.get $j)) (i32.const 3)))) (f64.load offset=2048 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=0 (i32.add (local.get $j) (local.get $ox3))) (i32.const 3))))) (f64.load offset=4096 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=0 (local.get $m)) (i32.const 3))))) (f64.load offset=6144 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=0 (i32.add (local.get $m) (local.get $ox3))) (i32.const 3))))))))
      (if (local.get $keep) (then (f32.store (local.get $po) (f32.demote_f64 (local.get $v)))))
      (f32.store (local.get $pn)
        (block $n0 (result f32)
          (drop (br_if $n0 (f32.const 1) (f64.ge (local.get $v) (f64.const 0.998))))
          (local.set $z (f64.add (local.get $a0) (f64.mul (local.get $g0) (local.get $v))))
          (local.set $t (select (f64.mul (local.get $z) (f64.const 255)) (f64.const 0) (f64.gt (local.get $z) (f64.const 0))))
          (local.set $i (select (i32.trunc_f64_s (local.get $t)) (i32.const 254) (f64.lt (local.get $t) (f64.const 254))))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load offset=0 (i32.add (local.get $luts) (i32.shl (local.get $i) (i32.const 2)))))
              (f64.mul
                (f64.sub (local.get $t) (f64.convert_i32_s (local.get $i)))
                (f64.load offset=0 (i32.add (local.get $steps) (i32.shl (local.get $i) (i32.const 3)))))))))
      ;; band 1
      (local.set $v (f64.promote_f32 (f32.demote_f64 (f64.add (f64.add (f64.add (f64.load offset=0 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=1 (local.get $j)) (i32.const 3)))) (f64.load offset=2048 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=1 (i32.add (local.get $j) (local.get $ox3))) (i32.const 3))))) (f64.load offset=4096 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=1 (local.get $m)) (i32.const 3))))) (f64.load offset=6144 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=1 (i32.add (local.get $m) (local.get $ox3))) (i32.const 3))))))))
      (if (local.get $keep) (then (f32.store (i32.add (local.get $po) (local.get $b1)) (f32.demote_f64 (local.get $v)))))
      (f32.store (i32.add (local.get $pn) (local.get $e1))
        (block $n1 (result f32)
          (drop (br_if $n1 (f32.const 1) (f64.ge (local.get $v) (f64.const 0.998))))
          (local.set $z (f64.add (local.get $a1) (f64.mul (local.get $g1) (local.get $v))))
          (local.set $t (select (f64.mul (local.get $z) (f64.const 255)) (f64.const 0) (f64.gt (local.get $z) (f64.const 0))))
          (local.set $i (select (i32.trunc_f64_s (local.get $t)) (i32.const 254) (f64.lt (local.get $t) (f64.const 254))))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load offset=1024 (i32.add (local.get $luts) (i32.shl (local.get $i) (i32.const 2)))))
              (f64.mul
                (f64.sub (local.get $t) (f64.convert_i32_s (local.get $i)))
                (f64.load offset=2040 (i32.add (local.get $steps) (i32.shl (local.get $i) (i32.const 3)))))))))
      ;; band 2
      (local.set $v (f64.promote_f32 (f32.demote_f64 (f64.add (f64.add (f64.add (f64.load offset=0 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=2 (local.get $j)) (i32.const 3)))) (f64.load offset=2048 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=2 (i32.add (local.get $j) (local.get $ox3))) (i32.const 3))))) (f64.load offset=4096 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=2 (local.get $m)) (i32.const 3))))) (f64.load offset=6144 (i32.add (local.get $tabs) (i32.shl (i32.load8_u offset=2 (i32.add (local.get $m) (local.get $ox3))) (i32.const 3))))))))
      (if (local.get $keep) (then (f32.store (i32.add (local.get $po) (local.get $b2)) (f32.demote_f64 (local.get $v)))))
      (f32.store (i32.add (local.get $pn) (local.get $e2))
        (block $n2 (result f32)
          (drop (br_if $n2 (f32.const 1) (f64.ge (local.get $v) (f64.const 0.998))))
          (local.set $z (f64.add (local.get $a2) (f64.mul (local.get $g2) (local.get $v))))
          (local.set $t (select (f64.mul (local.get $z) (f64.const 255)) (f64.const 0) (f64.gt (local.get $z) (f64.const 0))))
          (local.set $i (select (i32.trunc_f64_s (local.get $t)) (i32.const 254) (f64.lt (local.get $t) (f64.const 254))))
          (f32.demote_f64
            (f64.add
              (f64.promote_f32 (f32.load offset=2048 (i32.add (local.get $luts) (i32.shl (local.get $i) (i32.const 2)))))
              (f64.mul
                (f64.sub (local.get $t) (f64.convert_i32_s (local.get $i)))
                (f64.load offset=4080 (i32.add (local.get $steps) (i32.shl (local.get $i) (i32.const 3))))))))))
      (else
        (if (local.get $keep) (then (f32.store (local.get $po) (f32.const 0))))
        (f32.store (local.get $pn) (f32.demote_f64 (local.get $z0)))
        (if (local.get $keep) (then (f32.store (i32.add (local.get $po) (local.get $b1)) (f32.const 0))))
        (f32.store (i32.add (local.get $pn) (local.get $e1)) (f32.demote_f64 (local.get $z1)))
        (if (local.get $keep) (then (f32.store (i32.add (local.get $po) (local.get $b2)) (f32.const 0))))
        (f32.store (i32.add (local.get $pn) (local.get $e2)) (f32.demote_f64 (local.get $z2))))))

  ;; The row's pixels in $segCount segments at $segs (14 f64 each: first x, end x, then per band
  ;; offset, offset step, gain, gain step at the first x). Source bytes (RGB interleaved): row 0 at $d0,
  ;; row 1 at $d1, pixel x's left column at 3x, its right one $ox3 bytes further; up to 8 bytes are read
  ;; from a pixel's first, so the source needs 2 bytes after its last. Validity bytes at $valid; the
  ;; three own planes at $own, $own1, $own2 and normalised ones at $out, $out1, $out2, $n f32 each from
  ;; the row's first pixel, anywhere in memory (rows of the caller's planes, or scratch; own written if
  ;; $keep); $luts: 3 × 256 f32, $steps: 3 × 255 f64; $tabs: the weights' products (`$pixel`);
  ;; $z0..$z2: what an invalid pixel normalises to.
  (func (export "row")
    (param $d0 i32) (param $d1 i32) (param $ox3 i32) (param $valid i32) (param $n i32)
    (param $own i32) (param $own1 i32) (param $own2 i32) (param $out i32) (param $out1 i32) (param $out2 i32)
    (param $keep i32) (param $luts i32) (param $steps i32) (param $tabs i32)
    (param $segs i32) (param $segCount i32)
    (param $z0 f64) (param $z1 f64) (param $z2 f64)
    (local $s i32) (local $q i32) (local $x i32) (local $end i32) (local $j i32) (local $m i32)
    (local $po i32) (local $pn i32) (local $b1 i32) (local $b2 i32) (local $e1 i32) (local $e2 i32)
    (local $t f64) (local $i i32) (local $k i32)
    (local $K00 v128) (local $K10 v128) (local $K01 v128) (local $K11 v128)
    (local $P v128) (local $Q v128) (local $R v128) (local $S v128)
    (local $W v128) (local $V v128) (local $Z v128) (local $T v128) (local $I v128)
    (local $A0 v128) (local $G0 v128) (local $A1 v128) (local $G1 v128) (local $A2 v128) (local $G2 v128)
    (local $DA0 v128) (local $DG0 v128) (local $DA1 v128) (local $DG1 v128) (local $DA2 v128) (local $DG2 v128)
    (local.set $b1 (i32.sub (local.get $own1) (local.get $own)))
    (local.set $b2 (i32.sub (local.get $own2) (local.get $own)))
    (local.set $e1 (i32.sub (local.get $out1) (local.get $out)))
    (local.set $e2 (i32.sub (local.get $out2) (local.get $out)))
    ;; The weights are the tables' products of byte 1.
    (local.set $K00 (f64x2.splat (f64.load offset=8 (local.get $tabs))))
    (local.set $K10 (f64x2.splat (f64.load offset=2056 (local.get $tabs))))
    (local.set $K01 (f64x2.splat (f64.load offset=4104 (local.get $tabs))))
    (local.set $K11 (f64x2.splat (f64.load offset=6152 (local.get $tabs))))
    (block $segsDone
      (loop $seg
        (br_if $segsDone (i32.ge_u (local.get $s) (local.get $segCount)))
        (local.set $q (i32.add (local.get $segs) (i32.mul (local.get $s) (i32.const 112))))
        (local.set $x (i32.trunc_f64_s (f64.load (local.get $q))))
        (local.set $end (i32.trunc_f64_s (f64.load offset=8 (local.get $q))))
        ;; Per band, offsets and gains at [x, x + 1] and their steps: a pair's next is two steps on, each
        ;; lane stepped twice (the scalar loop's sums).
        (local.set $t (f64.load offset=16 (local.get $q)))
        (local.set $DA0 (f64x2.splat (f64.load offset=24 (local.get $q))))
        (local.set $A0 (f64x2.replace_lane 1 (f64x2.splat (local.get $t)) (f64.add (local.get $t) (f64.load offset=24 (local.get $q)))))
        (local.set $t (f64.load offset=32 (local.get $q)))
        (local.set $DG0 (f64x2.splat (f64.load offset=40 (local.get $q))))
        (local.set $G0 (f64x2.replace_lane 1 (f64x2.splat (local.get $t)) (f64.add (local.get $t) (f64.load offset=40 (local.get $q)))))
        (local.set $t (f64.load offset=48 (local.get $q)))
        (local.set $DA1 (f64x2.splat (f64.load offset=56 (local.get $q))))
        (local.set $A1 (f64x2.replace_lane 1 (f64x2.splat (local.get $t)) (f64.add (local.get $t) (f64.load offset=56 (local.get $q)))))
        (local.set $t (f64.load offset=64 (local.get $q)))
        (local.set $DG1 (f64x2.splat (f64.load offset=72 (local.get $q))))
        (local.set $G1 (f64x2.replace_lane 1 (f64x2.splat (local.get $t)) (f64.add (local.get $t) (f64.load offset=72 (local.get $q)))))
        (local.set $t (f64.load offset=80 (local.get $q)))
        (local.set $DA2 (f64x2.splat (f64.load offset=88 (local.get $q))))
        (local.set $A2 (f64x2.replace_lane 1 (f64x2.splat (local.get $t)) (f64.add (local.get $t) (f64.load offset=88 (local.get $q)))))
        (local.set $t (f64.load offset=96 (local.get $q)))
        (local.set $DG2 (f64x2.splat (f64.load offset=104 (local.get $q))))
        (local.set $G2 (f64x2.replace_lane 1 (f64x2.splat (local.get $t)) (f64.add (local.get $t) (f64.load offset=104 (local.get $q)))))
        (local.set $j (i32.add (local.get $d0) (i32.mul (local.get $x) (i32.const 3))))
        (local.set $m (i32.add (local.get $d1) (i32.mul (local.get $x) (i32.const 3))))
        (local.set $po (i32.add (local.get $own) (i32.shl (local.get $x) (i32.const 2))))
        (local.set $pn (i32.add (local.get $out) (i32.shl (local.get $x) (i32.const 2))))
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.ge_s (i32.add (local.get $x) (i32.const 1)) (local.get $end)))
            (if (i32.eq (i32.load16_u (i32.add (local.get $valid) (local.get $x))) (i32.const 0x0101))
              (then
              (local.set $P (v128.load64_zero (local.get $j)))
              (local.set $Q (v128.load64_zero (i32.add (local.get $j) (local.get $ox3))))
              (local.set $R (v128.load64_zero (local.get $m)))
              (local.set $S (v128.load64_zero (i32.add (local.get $m) (local.get $ox3))))

              ;; band 0, two pixels
              (local.set $W (f32x4.demote_f64x2_zero (f64x2.add (f64x2.add (f64x2.add (f64x2.mul (local.get $K00) (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 16 16 16 3 16 16 16 16 16 16 16 16 16 16 16 (local.get $P) (v128.const i64x2 0 0)))) (f64x2.mul (local.get $K10) (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 16 16 16 3 16 16 16 16 16 16 16 16 16 16 16 (local.get $Q) (v128.const i64x2 0 0))))) (f64x2.mul (local.get $K01) (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 16 16 16 3 16 16 16 16 16 16 16 16 16 16 16 (local.get $R) (v128.const i64x2 0 0))))) (f64x2.mul (local.get $K11) (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 16 16 16 3 16 16 16 16 16 16 16 16 16 16 16 (local.get $S) (v128.const i64x2 0 0)))))))
              (if (local.get $keep) (then (v128.store64_lane 0 (local.get $po) (local.get $W))))
              (local.set $V (f64x2.promote_low_f32x4 (local.get $W)))
              (local.set $Z (f64x2.add (local.get $A0) (f64x2.mul (local.get $G0) (local.get $V))))
              (local.set $T (v128.and (f64x2.mul (local.get $Z) (f64x2.splat (f64.const 255))) (f64x2.gt (local.get $Z) (v128.const i64x2 0 0))))
              (local.set $I (i32x4.min_s (i32x4.trunc_sat_f64x2_s_zero (local.get $T)) (i32x4.splat (i32.const 254))))
              (local.set $i (i32x4.extract_lane 0 (local.get $I)))
              (local.set $k (i32x4.extract_lane 1 (local.get $I)))
              (v128.store64_lane 0 (local.get $pn)
                (f32x4.demote_f64x2_zero
                  (v128.bitselect
                    (f64x2.splat (f64.const 1))
                    (f64x2.add
                      (f64x2.promote_low_f32x4
                        (v128.load32_lane offset=0 1 (i32.add (local.get $luts) (i32.shl (local.get $k) (i32.const 2)))
                          (v128.load32_zero offset=0 (i32.add (local.get $luts) (i32.shl (local.get $i) (i32.const 2))))))
                      (f64x2.mul
                        (f64x2.sub (local.get $T) (f64x2.convert_low_i32x4_s (local.get $I)))
                        (v128.load64_lane offset=0 1 (i32.add (local.get $steps) (i32.shl (local.get $k) (i32.const 3)))
                          (v128.load64_zero offset=0 (i32.add (local.get $steps) (i32.shl (local.get $i) (i32.const 3)))))))
                    (f64x2.ge (local.get $V) (f64x2.splat (f64.const 0.998))))))
              ;; band 1, two pixels
              (local.set $W (f32x4.demote_f64x2_zero (f64x2.add (f64x2.add (f64x2.add (f64x2.mul (local.get $K00) (f64x2.convert_low_i32x4_s (i8x16.shuffle 1 16 16 16 4 16 16 16 16 16 16 16 16 16 16 16 (local.get $P) (v128.const i64x2 0 0)))) (f64x2.mul (local.get $K10) (f64x2.convert_low_i32x4_s (i8x16.shuffle 1 16 16 16 4 16 16 16 16 16 16 16 16 16 16 16 (local.get $Q) (v128.const i64x2 0 0))))) (f64x2.mul (local.get $K01) (f64x2.convert_low_i32x4_s (i8x16.shuffle 1 16 16 16 4 16 16 16 16 16 16 16 16 16 16 16 (local.get $R) (v128.const i64x2 0 0))))) (f64x2.mul (local.get $K11) (f64x2.convert_low_i32x4_s (i8x16.shuffle 1 16 16 16 4 16 16 16 16 16 16 16 16 16 16 16 (local.get $S) (v128.const i64x2 0 0)))))))
              (if (local.get $keep) (then (v128.store64_lane 0 (i32.add (local.get $po) (local.get $b1)) (local.get $W))))
              (local.set $V (f64x2.promote_low_f32x4 (local.get $W)))
              (local.set $Z (f64x2.add (local.get $A1) (f64x2.mul (local.get $G1) (local.get $V))))
              (local.set $T (v128.and (f64x2.mul (local.get $Z) (f64x2.splat (f64.const 255))) (f64x2.gt (local.get $Z) (v128.const i64x2 0 0))))
              (local.set $I (i32x4.min_s (i32x4.trunc_sat_f64x2_s_zero (local.get $T)) (i32x4.splat (i32.const 254))))
              (local.set $i (i32x4.extract_lane 0 (local.get $I)))
              (local.set $k (i32x4.extract_lane 1 (local.get $I)))
              (v128.store64_lane 0 (i32.add (local.get $pn) (local.get $e1))
                (f32x4.demote_f64x2_zero
                  (v128.bitselect
                    (f64x2.splat (f64.const 1))
                    (f64x2.add
                      (f64x2.promote_low_f32x4
                        (v128.load32_lane offset=1024 1 (i32.add (local.get $luts) (i32.shl (local.get $k) (i32.const 2)))
                          (v128.load32_zero offset=1024 (i32.add (local.get $luts) (i32.shl (local.get $i) (i32.const 2))))))
                      (f64x2.mul
                        (f64x2.sub (local.get $T) (f64x2.convert_low_i32x4_s (local.get $I)))
                        (v128.load64_lane offset=2040 1 (i32.add (local.get $steps) (i32.shl (local.get $k) (i32.const 3)))
                          (v128.load64_zero offset=2040 (i32.add (local.get $steps) (i32.shl (local.get $i) (i32.const 3)))))))
                    (f64x2.ge (local.get $V) (f64x2.splat (f64.const 0.998))))))
              ;; band 2, two pixels
              (local.set $W (f32x4.demote_f64x2_zero (f64x2.add (f64x2.add (f64x2.add (f64x2.mul (local.get $K00) (f64x2.convert_low_i32x4_s (i8x16.shuffle 2 16 16 16 5 16 16 16 16 16 16 16 16 16 16 16 (local.get $P) (v128.const i64x2 0 0)))) (f64x2.mul (local.get $K10) (f64x2.convert_low_i32x4_s (i8x16.shuffle 2 16 16 16 5 16 16 16 16 16 16 16 16 16 16 16 (local.get $Q) (v128.const i64x2 0 0))))) (f64x2.mul (local.get $K01) (f64x2.convert_low_i32x4_s (i8x16.shuffle 2 16 16 16 5 16 16 16 16 16 16 16 16 16 16 16 (local.get $R) (v128.const i64x2 0 0))))) (f64x2.mul (local.get $K11) (f64x2.convert_low_i32x4_s (i8x16.shuffle 2 16 16 16 5 16 16 16 16 16 16 16 16 16 16 16 (local.get $S) (v128.const i64x2 0 0)))))))
              (if (local.get $keep) (then (v128.store64_lane 0 (i32.add (local.get $po) (local.get $b2)) (local.get $W))))
              (local.set $V (f64x2.promote_low_f32x4 (local.get $W)))
              (local.set $Z (f64x2.add (local.get $A2) (f64x2.mul (local.get $G2) (local.get $V))))
              (local.set $T (v128.and (f64x2.mul (local.get $Z) (f64x2.splat (f64.const 255))) (f64x2.gt (local.get $Z) (v128.const i64x2 0 0))))
              (local.set $I (i32x4.min_s (i32x4.trunc_sat_f64x2_s_zero (local.get $T)) (i32x4.splat (i32.const 254))))
              (local.set $i (i32x4.extract_lane 0 (local.get $I)))
              (local.set $k (i32x4.extract_lane 1 (local.get $I)))
              (v128.store64_lane 0 (i32.add (local.get $pn) (local.get $e2))
                (f32x4.demote_f64x2_zero
                  (v128.bitselect
                    (f64x2.splat (f64.const 1))
                    (f64x2.add
                      (f64x2.promote_low_f32x4
                        (v128.load32_lane offset=2048 1 (i32.add (local.get $luts) (i32.shl (local.get $k) (i32.const 2)))
                          (v128.load32_zero offset=2048 (i32.add (local.get $luts) (i32.shl (local.get $i) (i32.const 2))))))
                      (f64x2.mul
                        (f64x2.sub (local.get $T) (f64x2.convert_low_i32x4_s (local.get $I)))
                        (v128.load64_lane offset=4080 1 (i32.add (local.get $steps) (i32.shl (local.get $k) (i32.const 3)))
                          (v128.load64_zero offset=4080 (i32.add (local.get $steps) (i32.shl (local.get $i) (i32.const 3)))))))
                    (f64x2.ge (local.get $V) (f64x2.splat (f64.const 0.998)))))))
              (else
              (call $pixel (local.get $j) (local.get $m) (local.get $ox3) (i32.load8_u (i32.add (local.get $valid) (local.get $x))) (local.get $po) (local.get $pn) (local.get $b1) (local.get $b2) (local.get $e1) (local.get $e2) (local.get $keep) (local.get $luts) (local.get $steps) (local.get $tabs) (f64x2.extract_lane 0 (local.get $A0)) (f64x2.extract_lane 0 (local.get $G0)) (f64x2.extract_lane 0 (local.get $A1)) (f64x2.extract_lane 0 (local.get $G1)) (f64x2.extract_lane 0 (local.get $A2)) (f64x2.extract_lane 0 (local.get $G2)) (local.get $z0) (local.get $z1) (local.get $z2))
              (call $pixel (i32.add (local.get $j) (i32.const 3)) (i32.add (local.get $m) (i32.const 3)) (local.get $ox3) (i32.load8_u offset=1 (i32.add (local.get $valid) (local.get $x))) (i32.add (local.get $po) (i32.const 4)) (i32.add (local.get $pn) (i32.const 4)) (local.get $b1) (local.get $b2) (local.get $e1) (local.get $e2) (local.get $keep) (local.get $luts) (local.get $steps) (local.get $tabs) (f64x2.extract_lane 1 (local.get $A0)) (f64x2.extract_lane 1 (local.get $G0)) (f64x2.extract_lane 1 (local.get $A1)) (f64x2.extract_lane 1 (local.get $G1)) (f64x2.extract_lane 1 (local.get $A2)) (f64x2.extract_lane 1 (local.get $G2)) (local.get $z0) (local.get $z1) (local.get $z2))))
              (local.set $A0 (f64x2.add (f64x2.add (local.get $A0) (local.get $DA0)) (local.get $DA0)))
              (local.set $G0 (f64x2.add (f64x2.add (local.get $G0) (local.get $DG0)) (local.get $DG0)))
              (local.set $A1 (f64x2.add (f64x2.add (local.get $A1) (local.get $DA1)) (local.get $DA1)))
              (local.set $G1 (f64x2.add (f64x2.add (local.get $G1) (local.get $DG1)) (local.get $DG1)))
              (local.set $A2 (f64x2.add (f64x2.add (local.get $A2) (local.get $DA2)) (local.get $DA2)))
              (local.set $G2 (f64x2.add (f64x2.add (local.get $G2) (local.get $DG2)) (local.get $DG2)))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
            (local.set $j (i32.add (local.get $j) (i32.const 6)))
            (local.set $m (i32.add (local.get $m) (i32.const 6)))
            (local.set $po (i32.add (local.get $po) (i32.const 8)))
            (local.set $pn (i32.add (local.get $pn) (i32.const 8)))
            (br $pair)))
        ;; A segment's odd last pixel.
        (if (i32.lt_s (local.get $x) (local.get $end)) (then (call $pixel (local.get $j) (local.get $m) (local.get $ox3) (i32.load8_u (i32.add (local.get $valid) (local.get $x))) (local.get $po) (local.get $pn) (local.get $b1) (local.get $b2) (local.get $e1) (local.get $e2) (local.get $keep) (local.get $luts) (local.get $steps) (local.get $tabs) (f64x2.extract_lane 0 (local.get $A0)) (f64x2.extract_lane 0 (local.get $G0)) (f64x2.extract_lane 0 (local.get $A1)) (f64x2.extract_lane 0 (local.get $G1)) (f64x2.extract_lane 0 (local.get $A2)) (f64x2.extract_lane 0 (local.get $G2)) (local.get $z0) (local.get $z1) (local.get $z2))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $seg))))
)

;; One row of a shifted RGB read, resampled and normalised (analysis-raster.ts `shiftedRgbNormalized`):
;; per pixel, the bilinear sample of its 2×2 source bytes in double precision (the weights over 255,
;; summed in the same order), rounded to single precision (the own value), then through its local
;; correction and the band's table, the arithmetic of normalize.ts `normalizeLocal`, so the planes are
;; bit for bit those of the JavaScript loop. The four products weight × byte are looked up, not
;; computed: `$tabs` holds k00·b, k10·b, k01·b, k11·b for every byte b (4 × 256 f64, the same double
;; products), one load each rather than a conversion and a multiplication.
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks shifted.wasm is this file built.
(module
  ;; The thread's kernel memory (kernel-memory.ts): planes allocated there are written where they lie.
  (import "env" "memory" (memory 1 65536 shared))

  ;; The row's pixels in $segCount segments at $segs (14 f64 each: first x, end x, then per band
  ;; offset, offset step, gain, gain step at the first x). Source bytes (RGB interleaved): row 0 at $d0,
  ;; row 1 at $d1, pixel x's left column at 3x, its right one $ox3 bytes further. Validity bytes at
  ;; $valid; the three own planes at $own, $own1, $own2 and normalised ones at $out, $out1, $out2,
  ;; $n f32 each from the row's first pixel, anywhere in memory (rows of the caller's planes, or
  ;; scratch; own written if $keep); $luts: 3 × 256 f32, $steps: 3 × 255 f64; $tabs: the products (above);
  ;; $z0..$z2: what an invalid pixel normalises to.
  (func (export "row")
    (param $d0 i32) (param $d1 i32) (param $ox3 i32) (param $valid i32) (param $n i32)
    (param $own i32) (param $own1 i32) (param $own2 i32) (param $out i32) (param $out1 i32) (param $out2 i32)
    (param $keep i32) (param $luts i32) (param $steps i32) (param $tabs i32)
    (param $segs i32) (param $segCount i32)
    (param $z0 f64) (param $z1 f64) (param $z2 f64)
    (local $s i32) (local $q i32) (local $x i32) (local $end i32) (local $j i32) (local $m i32)
    (local $po i32) (local $pn i32) (local $b1 i32) (local $b2 i32) (local $e1 i32) (local $e2 i32) (local $v f64)
    (local $z f64) (local $t f64) (local $i i32)
    (local $a0 f64) (local $da0 f64) (local $g0 f64) (local $dg0 f64)
    (local $a1 f64) (local $da1 f64) (local $g1 f64) (local $dg1 f64)
    (local $a2 f64) (local $da2 f64) (local $g2 f64) (local $dg2 f64)
    ;; Where bands 1 and 2 lie from band 0, for the own planes and the normalised ones.
    (local.set $b1 (i32.sub (local.get $own1) (local.get $own)))
    (local.set $b2 (i32.sub (local.get $own2) (local.get $own)))
    (local.set $e1 (i32.sub (local.get $out1) (local.get $out)))
    (local.set $e2 (i32.sub (local.get $out2) (local.get $out)))
    (block $segsDone
      (loop $seg
        (br_if $segsDone (i32.ge_u (local.get $s) (local.get $segCount)))
        (local.set $q (i32.add (local.get $segs) (i32.mul (local.get $s) (i32.const 112))))
        (local.set $x (i32.trunc_f64_s (f64.load (local.get $q))))
        (local.set $end (i32.trunc_f64_s (f64.load offset=8 (local.get $q))))
        (local.set $a0 (f64.load offset=16 (local.get $q)))
        (local.set $da0 (f64.load offset=24 (local.get $q)))
        (local.set $g0 (f64.load offset=32 (local.get $q)))
        (local.set $dg0 (f64.load offset=40 (local.get $q)))
        (local.set $a1 (f64.load offset=48 (local.get $q)))
        (local.set $da1 (f64.load offset=56 (local.get $q)))
        (local.set $g1 (f64.load offset=64 (local.get $q)))
        (local.set $dg1 (f64.load offset=72 (local.get $q)))
        (local.set $a2 (f64.load offset=80 (local.get $q)))
        (local.set $da2 (f64.load offset=88 (local.get $q)))
        (local.set $g2 (f64.load offset=96 (local.get $q)))
        (local.set $dg2 (f64.load offset=104 (local.get $q)))
        (local.set $j (i32.add (local.get $d0) (i32.mul (local.get $x) (i32.const 3))))
        (local.set $m (i32.add (local.get $d1) (i32.mul (local.get $x) (i32.const 3))))
        (local.set $po (i32.add (local.get $own) (i32.shl (local.get $x) (i32.const 2))))
        (local.set $pn (i32.add (local.get $out) (i32.shl (local.get $x) (i32.const 2))))
        (block $pixelsDone
          (loop $pixel
            (br_if $pixelsDone (i32.ge_s (local.get $x) (local.get $end)))
            (if (i32.load8_u (i32.add (local.get $valid) (local.get $x)))
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
          (f32.store (i32.add (local.get $pn) (local.get $e2)) (f32.demote_f64 (local.get $z2)))))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 3)))
            (local.set $m (i32.add (local.get $m) (i32.const 3)))
            (local.set $po (i32.add (local.get $po) (i32.const 4)))
            (local.set $pn (i32.add (local.get $pn) (i32.const 4)))
          (local.set $a0 (f64.add (local.get $a0) (local.get $da0)))
          (local.set $g0 (f64.add (local.get $g0) (local.get $dg0)))
          (local.set $a1 (f64.add (local.get $a1) (local.get $da1)))
          (local.set $g1 (f64.add (local.get $g1) (local.get $dg1)))
          (local.set $a2 (f64.add (local.get $a2) (local.get $da2)))
          (local.set $g2 (f64.add (local.get $g2) (local.get $dg2)))
            (br $pixel)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $seg))))
)

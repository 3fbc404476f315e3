;; The two passes of box-filter.ts `maskedBoxSums3` (three bands' box sums under a mask and the mask's
;; own, in one sweep), with the same arithmetic as its JavaScript loops so the four planes are bit for
;; bit theirs:
;; - `row`: one staged row's masked bands and mask value interleaved (four floats a pixel), then the
;;   four running sums along the row accumulated in doubles (x + r enters, then x − r − 1 leaves) and
;;   stored as floats in the ring row, interleaved;
;; - `step`: the four column sums (doubles, interleaved) moved down one row (the entering ring row added,
;;   then the leaving one subtracted) and, with $write, stored as floats into the four output rows (or,
;;   with $mean, the bands' means: box-filter.ts `meanOfSums`' arithmetic).
;; Each pixel's four sums travel as two f64x2 (bands 0 and 1, band 2 and the count): every lane does the
;; scalar operations in their order.
;; The scratch (set by `layout`): the staged row (three band rows of f32, the mask row of bytes), the
;; interleaved masked row (16 bytes a pixel), the ring (its rows 16 bytes a pixel), the column sums
;; (32 bytes a pixel), the four output rows (f32).
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks sums3.wasm is this file built.
(module
  ;; The thread's kernel memory (kernel-memory.ts).
  (import "env" "memory" (memory 1 65536 shared))

  (global $b0 (mut i32) (i32.const 0))
  (global $b1 (mut i32) (i32.const 0))
  (global $b2 (mut i32) (i32.const 0))
  (global $mask (mut i32) (i32.const 0))
  (global $v (mut i32) (i32.const 0))
  (global $ring (mut i32) (i32.const 0))
  (global $col (mut i32) (i32.const 0))
  (global $s0 (mut i32) (i32.const 0))
  (global $s1 (mut i32) (i32.const 0))
  (global $s2 (mut i32) (i32.const 0))
  (global $sc (mut i32) (i32.const 0))

  (func (export "layout")
    (param $b0 i32) (param $b1 i32) (param $b2 i32) (param $mask i32) (param $v i32) (param $ring i32) (param $col i32)
    (param $s0 i32) (param $s1 i32) (param $s2 i32) (param $sc i32)
    (global.set $b0 (local.get $b0))
    (global.set $b1 (local.get $b1))
    (global.set $b2 (local.get $b2))
    (global.set $mask (local.get $mask))
    (global.set $v (local.get $v))
    (global.set $ring (local.get $ring))
    (global.set $col (local.get $col))
    (global.set $s0 (local.get $s0))
    (global.set $s1 (local.get $s1))
    (global.set $s2 (local.get $s2))
    (global.set $sc (local.get $sc)))

  ;; The staged row's running sums over [x − r, x + r] into the ring row at element o (pixels).
  (func (export "row") (param $width i32) (param $r i32) (param $o i32)
    (local $x i32) (local $m i32) (local $p i32) (local $a i32) (local $b i32) (local $head i32)
    (local $A v128) (local $B v128) (local $ring i32)
    (local $M v128) (local $S v128) (local $B0 v128) (local $B1 v128) (local $B2 v128)
    (local $T0 v128) (local $T1 v128) (local $T2 v128) (local $T3 v128)
    ;; The masked row as the float copies of the bands and mask would hold, interleaved: four pixels a
    ;; step, the bands zeroed where the mask is 0 and transposed to a pixel per v128 (bands 0-2, mask).
    ;; The last step reads up to 3 pixels past the row and writes up to 3 past it (the regions' slack).
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $width)))
        (local.set $p (i32.shl (local.get $x) (i32.const 2)))
        (local.set $M (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
          (v128.load32_zero (i32.add (global.get $mask) (local.get $x))))))
        (local.set $S (v128.not (i32x4.eq (local.get $M) (v128.const i64x2 0 0))))
        (local.set $B0 (v128.and (v128.load (i32.add (global.get $b0) (local.get $p))) (local.get $S)))
        (local.set $B1 (v128.and (v128.load (i32.add (global.get $b1) (local.get $p))) (local.get $S)))
        (local.set $B2 (v128.and (v128.load (i32.add (global.get $b2) (local.get $p))) (local.get $S)))
        (local.set $M (f32x4.convert_i32x4_u (local.get $M)))
        ;; (b0, b1) and (b2, m) of pixels 0, 1 (T0, T1) and of pixels 2, 3 (T2, T3).
        (local.set $T0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $B0) (local.get $B1)))
        (local.set $T1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $B2) (local.get $M)))
        (local.set $T2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $B0) (local.get $B1)))
        (local.set $T3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $B2) (local.get $M)))
        (local.set $p (i32.add (global.get $v) (i32.shl (local.get $x) (i32.const 4))))
        (v128.store offset=0 (local.get $p)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T0) (local.get $T1)))
        (v128.store offset=16 (local.get $p)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T0) (local.get $T1)))
        (v128.store offset=32 (local.get $p)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T2) (local.get $T3)))
        (v128.store offset=48 (local.get $p)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T2) (local.get $T3)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $each)))
    ;; The window of x = 0 but for its last column.
    (local.set $head (select (local.get $r) (local.get $width) (i32.lt_s (local.get $r) (local.get $width))))
    (local.set $x (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $head)))
        (local.set $p (i32.add (global.get $v) (i32.shl (local.get $x) (i32.const 4))))
        (local.set $A (f64x2.add (local.get $A) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))))
        (local.set $B (f64x2.add (local.get $B) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p)))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $each)))
    ;; Three spans, as runningSum's: [0, a) only enters, [a, b) enters and leaves, [b, width) either.
    (local.set $a (i32.add (local.get $r) (i32.const 1)))
    (if (i32.gt_s (local.get $a) (local.get $width)) (then (local.set $a (local.get $width))))
    (local.set $b (i32.sub (local.get $width) (local.get $r)))
    (if (i32.lt_s (local.get $b) (local.get $a)) (then (local.set $b (local.get $a))))
    (local.set $ring (i32.add (global.get $ring) (i32.shl (local.get $o) (i32.const 4))))
    (local.set $x (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $a)))
        (if (i32.lt_s (i32.add (local.get $x) (local.get $r)) (local.get $width))
          (then
            (local.set $p (i32.add (global.get $v) (i32.shl (i32.add (local.get $x) (local.get $r)) (i32.const 4))))
            (local.set $A (f64x2.add (local.get $A) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))))
            (local.set $B (f64x2.add (local.get $B) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p)))))))
        (v128.store (i32.add (local.get $ring) (i32.shl (local.get $x) (i32.const 4)))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $A)) (f32x4.demote_f64x2_zero (local.get $B))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $each)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $b)))
        (local.set $p (i32.add (global.get $v) (i32.shl (i32.add (local.get $x) (local.get $r)) (i32.const 4))))
        (local.set $m (i32.add (global.get $v) (i32.shl (i32.sub (i32.sub (local.get $x) (local.get $r)) (i32.const 1)) (i32.const 4))))
        (local.set $A (f64x2.sub
          (f64x2.add (local.get $A) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))))
          (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $m)))))
        (local.set $B (f64x2.sub
          (f64x2.add (local.get $B) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p))))
          (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $m)))))
        (v128.store (i32.add (local.get $ring) (i32.shl (local.get $x) (i32.const 4)))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $A)) (f32x4.demote_f64x2_zero (local.get $B))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $each)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $width)))
        (if (i32.lt_s (i32.add (local.get $x) (local.get $r)) (local.get $width))
          (then
            (local.set $p (i32.add (global.get $v) (i32.shl (i32.add (local.get $x) (local.get $r)) (i32.const 4))))
            (local.set $A (f64x2.add (local.get $A) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))))
            (local.set $B (f64x2.add (local.get $B) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $p)))))))
        (if (i32.ge_s (i32.sub (i32.sub (local.get $x) (local.get $r)) (i32.const 1)) (i32.const 0))
          (then
            (local.set $m (i32.add (global.get $v) (i32.shl (i32.sub (i32.sub (local.get $x) (local.get $r)) (i32.const 1)) (i32.const 4))))
            (local.set $A (f64x2.sub (local.get $A) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $m)))))
            (local.set $B (f64x2.sub (local.get $B) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $m)))))))
        (v128.store (i32.add (local.get $ring) (i32.shl (local.get $x) (i32.const 4)))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $A)) (f32x4.demote_f64x2_zero (local.get $B))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $each))))

  ;; One row of the column pass: ring row oa added (unless -1), then ring row od subtracted (unless -1),
  ;; and with $write the four sums stored as floats into the output rows, from byte $dst on. With $mean,
  ;; the bands' rows take their means instead (meanOfSums' arithmetic: the stored sum over the stored
  ;; count in doubles, as a float, where the count is $minCount or more; else the fallback's value where
  ;; $fb0 is not -1 (its rows at $fb0, $fb1, $fb2 from the row's first pixel); else the mean where the
  ;; count is above 0; else NaN).
  (func (export "step") (param $oa i32) (param $od i32) (param $width i32) (param $write i32) (param $dst i32)
    (param $mean i32) (param $minCount f64) (param $fb0 i32) (param $fb1 i32) (param $fb2 i32)
    (local $x i32) (local $c i32) (local $q i32) (local $p i32) (local $C0 v128) (local $C1 v128)
    (local $D0 v128) (local $D1 v128) (local $k f64) (local $K v128)
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $width)))
        (local.set $c (i32.add (global.get $col) (i32.shl (local.get $x) (i32.const 5))))
        (local.set $C0 (v128.load (local.get $c)))
        (local.set $C1 (v128.load offset=16 (local.get $c)))
        (if (i32.ge_s (local.get $oa) (i32.const 0))
          (then
            (local.set $q (i32.add (global.get $ring) (i32.shl (i32.add (local.get $oa) (local.get $x)) (i32.const 4))))
            (local.set $C0 (f64x2.add (local.get $C0) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $q)))))
            (local.set $C1 (f64x2.add (local.get $C1) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $q)))))))
        (if (i32.ge_s (local.get $od) (i32.const 0))
          (then
            (local.set $q (i32.add (global.get $ring) (i32.shl (i32.add (local.get $od) (local.get $x)) (i32.const 4))))
            (local.set $C0 (f64x2.sub (local.get $C0) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $q)))))
            (local.set $C1 (f64x2.sub (local.get $C1) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $q)))))))
        (v128.store (local.get $c) (local.get $C0))
        (v128.store offset=16 (local.get $c) (local.get $C1))
        (if (local.get $write)
          (then
            (local.set $p (i32.add (local.get $dst) (i32.shl (local.get $x) (i32.const 2))))
            (local.set $D0 (f32x4.demote_f64x2_zero (local.get $C0)))
            (local.set $D1 (f32x4.demote_f64x2_zero (local.get $C1)))
            (v128.store32_lane 1 (i32.add (global.get $sc) (local.get $p)) (local.get $D1))
            (if (local.get $mean)
              (then
                ;; The stored count, and the stored sums over it (doubles), as floats.
                (local.set $k (f64.promote_f32 (f32x4.extract_lane 1 (local.get $D1))))
                (local.set $K (f64x2.splat (local.get $k)))
                (local.set $D0 (f32x4.demote_f64x2_zero (f64x2.div (f64x2.promote_low_f32x4 (local.get $D0)) (local.get $K))))
                (local.set $D1 (f32x4.demote_f64x2_zero (f64x2.div (f64x2.promote_low_f32x4 (local.get $D1)) (local.get $K))))
                (if (i32.and (i32.eqz (f64.ge (local.get $k) (local.get $minCount))) (i32.ne (local.get $fb0) (i32.const -1)))
                  (then
                    (local.set $q (i32.shl (local.get $x) (i32.const 2)))
                    (local.set $D0 (v128.load32_lane 1 (i32.add (local.get $fb1) (local.get $q))
                      (v128.load32_zero (i32.add (local.get $fb0) (local.get $q)))))
                    (local.set $D1 (v128.load32_zero (i32.add (local.get $fb2) (local.get $q)))))
                  (else
                    (if (i32.and (i32.eqz (f64.ge (local.get $k) (local.get $minCount))) (i32.eqz (f64.gt (local.get $k) (f64.const 0))))
                      (then
                        (local.set $D0 (v128.const f32x4 nan nan nan nan))
                        (local.set $D1 (v128.const f32x4 nan nan nan nan))))))))
            (v128.store32_lane 0 (i32.add (global.get $s0) (local.get $p)) (local.get $D0))
            (v128.store32_lane 1 (i32.add (global.get $s1) (local.get $p)) (local.get $D0))
            (v128.store32_lane 0 (i32.add (global.get $s2) (local.get $p)) (local.get $D1))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $each)))))

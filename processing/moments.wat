;; The two passes of box-filter.ts `maskedMoments` (masked sums of values, squares and weights, straight
;; to the std), with the same arithmetic as its JavaScript loops so the std is bit for bit theirs:
;; - `row`: one row's masked values and their squares (f32 products), then the three running sums along
;;   the row accumulated in doubles (x + r enters, then x − r − 1 leaves) and stored as floats in the ring;
;; - `addRow`: a ring row added into the three column sums (doubles);
;; - `step`: the column sums moved down one row (the entering ring row added, then the leaving one
;;   subtracted) and the std of each output pixel: the sums stored as floats, the mean and the mean
;;   square divided in doubles, the root of max(0, ·) stored as a float; NaN where the count is under
;;   minCount or 0; with `need`, written only where need is set.
;; `step` runs two pixels a step in f64x2 lanes (each lane the scalar operations, in their order).
;; The scratch (set by `layout`): the values and weights (a staged row, or the whole plane: `row`
;; reads from element $src), the row's masked values and squares (by x), the three ring planes, the
;; three column sums (bw + 2 doubles each, 16-aligned), the std out and need in (a row, or the whole
;; plane: `step` writes from element $dst). Every region is followed by 16 bytes of slack
;; (the odd last pixel's lane reads one element past its end).
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks moments.wasm is this file built.
(module
  ;; The thread's kernel memory (kernel-memory.ts).
  (import "env" "memory" (memory 1 65536 shared))

  (global $val (mut i32) (i32.const 0))
  (global $wgt (mut i32) (i32.const 0))
  (global $v (mut i32) (i32.const 0))
  (global $v2 (mut i32) (i32.const 0))
  (global $rs (mut i32) (i32.const 0))
  (global $rs2 (mut i32) (i32.const 0))
  (global $rc (mut i32) (i32.const 0))
  (global $cs (mut i32) (i32.const 0))
  (global $cs2 (mut i32) (i32.const 0))
  (global $cc (mut i32) (i32.const 0))
  (global $std (mut i32) (i32.const 0))
  (global $need (mut i32) (i32.const 0))

  (func (export "layout")
    (param $val i32) (param $wgt i32) (param $v i32) (param $v2 i32) (param $rs i32) (param $rs2 i32) (param $rc i32)
    (param $cs i32) (param $cs2 i32) (param $cc i32) (param $std i32) (param $need i32)
    (global.set $val (local.get $val))
    (global.set $wgt (local.get $wgt))
    (global.set $v (local.get $v))
    (global.set $v2 (local.get $v2))
    (global.set $rs (local.get $rs))
    (global.set $rs2 (local.get $rs2))
    (global.set $rc (local.get $rc))
    (global.set $cs (local.get $cs))
    (global.set $cs2 (local.get $cs2))
    (global.set $cc (local.get $cc))
    (global.set $std (local.get $std))
    (global.set $need (local.get $need)))

  ;; The row pass over output columns [x0, x1), reading [lo, hi) of the staged row, into the rings at o + x.
  (func (export "row")
    (param $width i32) (param $r i32) (param $lo i32) (param $hi i32) (param $x0 i32) (param $x1 i32) (param $o i32)
    (param $src i32)
    (local $x i32) (local $value f32) (local $a1 f64) (local $a2 f64) (local $a3 f64) (local $end i32) (local $p i32)
    (local $val i32) (local $wgt i32)
    ;; The row's values and weights: element src of the staged values (0 for a staged row) is its x = 0.
    (local.set $val (i32.add (global.get $val) (i32.shl (local.get $src) (i32.const 2))))
    (local.set $wgt (i32.add (global.get $wgt) (local.get $src)))
    ;; The row's masked values and squares.
    (local.set $x (local.get $lo))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $hi)))
        (local.set $value
          (select
            (f32.load (i32.add (local.get $val) (i32.shl (local.get $x) (i32.const 2))))
            (f32.const 0)
            (i32.load8_u (i32.add (local.get $wgt) (local.get $x)))))
        (f32.store (i32.add (global.get $v) (i32.shl (local.get $x) (i32.const 2))) (local.get $value))
        (f32.store (i32.add (global.get $v2) (i32.shl (local.get $x) (i32.const 2)))
          (f32.mul (local.get $value) (local.get $value)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $each)))
    ;; The window of x0 but for its last column.
    (local.set $end (i32.add (local.get $x0) (local.get $r)))
    (if (i32.gt_s (local.get $end) (local.get $width)) (then (local.set $end (local.get $width))))
    (local.set $x (local.get $lo))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $end)))
        (local.set $p (i32.shl (local.get $x) (i32.const 2)))
        (local.set $a1 (f64.add (local.get $a1) (f64.promote_f32 (f32.load (i32.add (global.get $v) (local.get $p))))))
        (local.set $a2 (f64.add (local.get $a2) (f64.promote_f32 (f32.load (i32.add (global.get $v2) (local.get $p))))))
        (local.set $a3 (f64.add (local.get $a3)
          (f64.convert_i32_u (i32.load8_u (i32.add (local.get $wgt) (local.get $x))))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $each)))
    (local.set $x (local.get $x0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $x1)))
        (if (i32.lt_s (i32.add (local.get $x) (local.get $r)) (local.get $width))
          (then
            (local.set $p (i32.shl (i32.add (local.get $x) (local.get $r)) (i32.const 2)))
            (local.set $a1 (f64.add (local.get $a1) (f64.promote_f32 (f32.load (i32.add (global.get $v) (local.get $p))))))
            (local.set $a2 (f64.add (local.get $a2) (f64.promote_f32 (f32.load (i32.add (global.get $v2) (local.get $p))))))
            (local.set $a3 (f64.add (local.get $a3)
              (f64.convert_i32_u (i32.load8_u (i32.add (local.get $wgt) (i32.add (local.get $x) (local.get $r)))))))))
        (if (i32.and
              (i32.gt_s (local.get $x) (local.get $x0))
              (i32.ge_s (i32.sub (i32.sub (local.get $x) (local.get $r)) (i32.const 1)) (i32.const 0)))
          (then
            (local.set $p (i32.shl (i32.sub (i32.sub (local.get $x) (local.get $r)) (i32.const 1)) (i32.const 2)))
            (local.set $a1 (f64.sub (local.get $a1) (f64.promote_f32 (f32.load (i32.add (global.get $v) (local.get $p))))))
            (local.set $a2 (f64.sub (local.get $a2) (f64.promote_f32 (f32.load (i32.add (global.get $v2) (local.get $p))))))
            (local.set $a3 (f64.sub (local.get $a3)
              (f64.convert_i32_u (i32.load8_u (i32.add (local.get $wgt)
                (i32.sub (i32.sub (local.get $x) (local.get $r)) (i32.const 1)))))))))
        (local.set $p (i32.shl (i32.add (local.get $o) (local.get $x)) (i32.const 2)))
        (f32.store (i32.add (global.get $rs) (local.get $p)) (f32.demote_f64 (local.get $a1)))
        (f32.store (i32.add (global.get $rs2) (local.get $p)) (f32.demote_f64 (local.get $a2)))
        (f32.store (i32.add (global.get $rc) (local.get $p)) (f32.demote_f64 (local.get $a3)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $each))))

  ;; Ring row at o (element offset) added into the column sums, bw columns.
  (func (export "addRow") (param $o i32) (param $bw i32)
    (local $x i32) (local $q i32) (local $p i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $bw)))
        (local.set $q (i32.shl (i32.add (local.get $o) (local.get $x)) (i32.const 2)))
        (local.set $p (i32.shl (local.get $x) (i32.const 3)))
        (v128.store (i32.add (global.get $cs) (local.get $p))
          (f64x2.add (v128.load (i32.add (global.get $cs) (local.get $p)))
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rs) (local.get $q))))))
        (v128.store (i32.add (global.get $cs2) (local.get $p))
          (f64x2.add (v128.load (i32.add (global.get $cs2) (local.get $p)))
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rs2) (local.get $q))))))
        (v128.store (i32.add (global.get $cc) (local.get $p))
          (f64x2.add (v128.load (i32.add (global.get $cc) (local.get $p)))
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rc) (local.get $q))))))
        (local.set $x (i32.add (local.get $x) (i32.const 2)))
        (br $each))))

  ;; One output row: column sums moved down (ring row oa added unless -1, then od subtracted unless -1),
  ;; the std of its bw pixels into the std row (only where the need row is set, with $useNeed).
  (func (export "step") (param $oa i32) (param $od i32) (param $bw i32) (param $minCount f64) (param $useNeed i32)
    (param $dst i32)
    (local $x i32) (local $q i32) (local $p i32) (local $std i32) (local $need i32)
    (local $s1 v128) (local $s2 v128) (local $c v128) (local $k v128) (local $m v128) (local $out v128) (local $bad v128)
    (local $min v128)
    (local.set $min (f64x2.splat (local.get $minCount)))
    ;; The output row: element dst of the staged std and need (0 for a staged row) is its first pixel.
    (local.set $std (i32.add (global.get $std) (i32.shl (local.get $dst) (i32.const 2))))
    (local.set $need (i32.add (global.get $need) (local.get $dst)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $x) (local.get $bw)))
        (local.set $p (i32.shl (local.get $x) (i32.const 3)))
        (local.set $s1 (v128.load (i32.add (global.get $cs) (local.get $p))))
        (local.set $s2 (v128.load (i32.add (global.get $cs2) (local.get $p))))
        (local.set $c (v128.load (i32.add (global.get $cc) (local.get $p))))
        (if (i32.ge_s (local.get $oa) (i32.const 0))
          (then
            (local.set $q (i32.shl (i32.add (local.get $oa) (local.get $x)) (i32.const 2)))
            (local.set $s1 (f64x2.add (local.get $s1)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rs) (local.get $q))))))
            (local.set $s2 (f64x2.add (local.get $s2)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rs2) (local.get $q))))))
            (local.set $c (f64x2.add (local.get $c)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rc) (local.get $q))))))))
        (if (i32.ge_s (local.get $od) (i32.const 0))
          (then
            (local.set $q (i32.shl (i32.add (local.get $od) (local.get $x)) (i32.const 2)))
            (local.set $s1 (f64x2.sub (local.get $s1)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rs) (local.get $q))))))
            (local.set $s2 (f64x2.sub (local.get $s2)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rs2) (local.get $q))))))
            (local.set $c (f64x2.sub (local.get $c)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (global.get $rc) (local.get $q))))))))
        (v128.store (i32.add (global.get $cs) (local.get $p)) (local.get $s1))
        (v128.store (i32.add (global.get $cs2) (local.get $p)) (local.get $s2))
        (v128.store (i32.add (global.get $cc) (local.get $p)) (local.get $c))
        ;; k = fround(c); NaN where k < minCount or k = 0.
        (local.set $k (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $c))))
        (local.set $bad (v128.or
          (f64x2.lt (local.get $k) (local.get $min))
          (f64x2.eq (local.get $k) (f64x2.splat (f64.const 0)))))
        (local.set $m (f64x2.div (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s1))) (local.get $k)))
        (local.set $out
          (f32x4.demote_f64x2_zero
            (v128.bitselect
              (f64x2.splat (f64.const nan))
              (f64x2.sqrt
                (f64x2.max
                  (f64x2.splat (f64.const 0))
                  (f64x2.sub
                    (f64x2.div (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s2))) (local.get $k))
                    (f64x2.mul (local.get $m) (local.get $m)))))
              (local.get $bad))))
        (local.set $q (i32.shl (local.get $x) (i32.const 2)))
        (if (i32.or (i32.eqz (local.get $useNeed)) (i32.load8_u (i32.add (local.get $need) (local.get $x))))
          (then (f32.store (i32.add (local.get $std) (local.get $q)) (f32x4.extract_lane 0 (local.get $out)))))
        (if (i32.lt_s (i32.add (local.get $x) (i32.const 1)) (local.get $bw))
          (then
            (if (i32.or (i32.eqz (local.get $useNeed)) (i32.load8_u offset=1 (i32.add (local.get $need) (local.get $x))))
              (then (f32.store offset=4 (i32.add (local.get $std) (local.get $q)) (f32x4.extract_lane 1 (local.get $out)))))))
        (local.set $x (i32.add (local.get $x) (i32.const 2)))
        (br $each)))))

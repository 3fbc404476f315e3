;; The first pass of change detection (change.ts, collect.ts): of a row of bands on two dates, the
;; pixels whose squared plain colour distance exceeds the noise floor. Every pixel of a block is
;; read here and most are dropped, so four are tested at once in single precision; the few that may
;; pass are tested again one by one in double precision, the arithmetic JavaScript numbers use, so
;; the kept pixels and their distances are those of a double-precision test of every pixel.
;; `envelopes` then takes the two-way local-range distance of the pixels kept (change-collect.ts),
;; while their rows are still in cache.
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks collect.wasm is this file built.
(module
  ;; The thread's kernel memory (kernel-memory.ts), shared with the planes allocated there: they are
  ;; read where they lie.
  (import "env" "memory" (memory 1 65536 shared))
  ;; JavaScript's Math.atan2, for judge3's hue turns (the same function, so the same values).
  (import "env" "atan2" (func $atan2 (param f64 f64) (result f64)))

  ;; Tests pixel $x of the row planes at $p ($stride bytes apart: the $bands bands of the previous
  ;; date, then those of the current date) in double precision, summing the bands' squared
  ;; differences in band order; if the sum exceeds $floor2, appends $base + $x to the i32 list at
  ;; $idx and the sum to the f64 list at $out. Returns the list's new length.
  (func $exact
    (param $p i32) (param $stride i32) (param $bands i32) (param $x i32) (param $base i32)
    (param $floor2 f64) (param $idx i32) (param $out i32) (param $k i32)
    (result i32)
    (local $o i32) (local $current i32) (local $b i32) (local $d f64) (local $s f64)
    (local.set $o (i32.add (local.get $p) (i32.shl (local.get $x) (i32.const 2))))
    (local.set $current (i32.mul (local.get $stride) (local.get $bands)))
    (block $summed
      (loop $band
        (br_if $summed (i32.ge_u (local.get $b) (local.get $bands)))
        (local.set $d
          (f64.sub
            (f64.promote_f32 (f32.load (i32.add (local.get $o) (local.get $current))))
            (f64.promote_f32 (f32.load (local.get $o)))))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $d) (local.get $d))))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $band)))
    (if (result i32) (f64.gt (local.get $s) (local.get $floor2))
      (then
        (i32.store
          (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))
          (i32.add (local.get $base) (local.get $x)))
        (f64.store
          (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3)))
          (local.get $s))
        (i32.add (local.get $k) (i32.const 1)))
      (else (local.get $k))))

  ;; The $n pixels of the row planes at $p ($exact's layout) whose squared distance exceeds
  ;; $floor2, in order, into the lists at $idx and $out; returns how many. $pre must not exceed
  ;; the single-precision value of any squared distance over $floor2 (a pixel at or under it in
  ;; single precision is not tested again).
  (func (export "collect")
    (param $p i32) (param $stride i32) (param $bands i32) (param $n i32) (param $base i32)
    (param $floor2 f64) (param $pre f32) (param $idx i32) (param $out i32)
    (result i32)
    (local $x i32) (local $k i32) (local $o i32) (local $end i32) (local $bits i32)
    (local $current i32) (local $last i32) (local $d v128) (local $s v128) (local $limit v128)
    (local $s2 v128) (local $c i32) (local $two i32)
    (local.set $current (i32.mul (local.get $stride) (local.get $bands)))
    (local.set $limit (f32x4.splat (local.get $pre)))
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $vectors
      (loop $vector
        (br_if $vectors (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $o (i32.add (local.get $p) (i32.shl (local.get $x) (i32.const 2))))
        (local.set $last (i32.add (local.get $o) (local.get $current)))
        (local.set $s (v128.const i32x4 0 0 0 0))
        (block $summed
          (loop $band
            (br_if $summed (i32.ge_u (local.get $o) (local.get $last)))
            (local.set $d
              (f32x4.sub
                (v128.load align=4 (i32.add (local.get $o) (local.get $current)))
                (v128.load align=4 (local.get $o))))
            (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $d) (local.get $d))))
            (local.set $o (i32.add (local.get $o) (local.get $stride)))
            (br $band)))
        (local.set $bits (i32x4.bitmask (f32x4.gt (local.get $s) (local.get $limit))))
        (if (local.get $bits)
          (then
            (if (i32.and (local.get $bits) (i32.const 1))
              (then
                (local.set $k
                  (call $exact (local.get $p) (local.get $stride) (local.get $bands) (local.get $x)
                    (local.get $base) (local.get $floor2) (local.get $idx) (local.get $out) (local.get $k)))))
            (if (i32.and (local.get $bits) (i32.const 2))
              (then
                (local.set $k
                  (call $exact (local.get $p) (local.get $stride) (local.get $bands)
                    (i32.add (local.get $x) (i32.const 1))
                    (local.get $base) (local.get $floor2) (local.get $idx) (local.get $out) (local.get $k)))))
            (if (i32.and (local.get $bits) (i32.const 4))
              (then
                (local.set $k
                  (call $exact (local.get $p) (local.get $stride) (local.get $bands)
                    (i32.add (local.get $x) (i32.const 2))
                    (local.get $base) (local.get $floor2) (local.get $idx) (local.get $out) (local.get $k)))))
            (if (i32.and (local.get $bits) (i32.const 8))
              (then
                (local.set $k
                  (call $exact (local.get $p) (local.get $stride) (local.get $bands)
                    (i32.add (local.get $x) (i32.const 3))
                    (local.get $base) (local.get $floor2) (local.get $idx) (local.get $out) (local.get $k)))))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $vector)))
    ;; The last n mod 4 pixels.
    (block $pixels
      (loop $pixel
        (br_if $pixels (i32.ge_u (local.get $x) (local.get $n)))
        (local.set $k
          (call $exact (local.get $p) (local.get $stride) (local.get $bands) (local.get $x) (local.get $base)
            (local.get $floor2) (local.get $idx) (local.get $out) (local.get $k)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $pixel)))
    (local.get $k))

  ;; $exact for three bands at any addresses: previous date's planes at $p0, $p1, $p2, current
  ;; date's at $c0, $c1, $c2 (the same double-precision sum in band order: 0 + d0² is d0²).
  ;; collect3's lane loop holds a copy written out: a change here goes there too (the tests compare both to JS).
  (func $exact3
    (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $c0 i32) (param $c1 i32) (param $c2 i32)
    (param $x i32) (param $base i32) (param $floor2 f64) (param $idx i32) (param $out i32) (param $k i32)
    (result i32)
    (local $o i32) (local $d f64) (local $s f64)
    (local.set $o (i32.shl (local.get $x) (i32.const 2)))
    (local.set $d
      (f64.sub
        (f64.promote_f32 (f32.load (i32.add (local.get $c0) (local.get $o))))
        (f64.promote_f32 (f32.load (i32.add (local.get $p0) (local.get $o))))))
    (local.set $s (f64.add (f64.const 0) (f64.mul (local.get $d) (local.get $d))))
    (local.set $d
      (f64.sub
        (f64.promote_f32 (f32.load (i32.add (local.get $c1) (local.get $o))))
        (f64.promote_f32 (f32.load (i32.add (local.get $p1) (local.get $o))))))
    (local.set $s (f64.add (local.get $s) (f64.mul (local.get $d) (local.get $d))))
    (local.set $d
      (f64.sub
        (f64.promote_f32 (f32.load (i32.add (local.get $c2) (local.get $o))))
        (f64.promote_f32 (f32.load (i32.add (local.get $p2) (local.get $o))))))
    (local.set $s (f64.add (local.get $s) (f64.mul (local.get $d) (local.get $d))))
    (if (result i32) (f64.gt (local.get $s) (local.get $floor2))
      (then
        (i32.store
          (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))
          (i32.add (local.get $base) (local.get $x)))
        (f64.store
          (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3)))
          (local.get $s))
        (i32.add (local.get $k) (i32.const 1)))
      (else (local.get $k))))

  ;; The squared single-precision distance of the four pixels at byte offset $o of three bands'
  ;; planes (previous date at $p0..$p2, current at $c0..$c2), summed in band order. The eight-pixel
  ;; loop has the same operations written out: called there, the pass took a third longer.
  (func $sum4
    (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $c0 i32) (param $c1 i32) (param $c2 i32)
    (param $o i32) (result v128)
    (local $d v128) (local $s v128)
    (local.set $d
      (f32x4.sub
        (v128.load align=4 (i32.add (local.get $c0) (local.get $o)))
        (v128.load align=4 (i32.add (local.get $p0) (local.get $o)))))
    (local.set $s (f32x4.mul (local.get $d) (local.get $d)))
    (local.set $d
      (f32x4.sub
        (v128.load align=4 (i32.add (local.get $c1) (local.get $o)))
        (v128.load align=4 (i32.add (local.get $p1) (local.get $o)))))
    (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $d) (local.get $d))))
    (local.set $d
      (f32x4.sub
        (v128.load align=4 (i32.add (local.get $c2) (local.get $o)))
        (v128.load align=4 (i32.add (local.get $p2) (local.get $o)))))
    (f32x4.add (local.get $s) (f32x4.mul (local.get $d) (local.get $d))))

  ;; `collect` for three bands (RGB, the common case) whose six planes lie anywhere in memory:
  ;; previous date's at $p0, $p1, $p2, current date's at $c0, $c1, $c2, $n pixels each (a row's, or
  ;; a plane's rows in place). Eight pixels an iteration, one test for the eight, then four, then one
  ;; by one: the same single-precision sums in the same order as `collect` (0 + d0² is d0²), so the
  ;; same pixels go to the exact test, in order, and the same ones are kept.
  (func (export "collect3")
    (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $c0 i32) (param $c1 i32) (param $c2 i32)
    (param $n i32) (param $base i32) (param $floor2 f64) (param $pre f32) (param $idx i32) (param $out i32)
    (result i32)
    (local $x i32) (local $k i32) (local $o i32) (local $end i32) (local $bits i32) (local $limit v128)
    (local $d v128) (local $s v128) (local $s2 v128) (local $lane i32) (local $lo i32) (local $e f64) (local $sum f64)
    (local.set $limit (f32x4.splat (local.get $pre)))
    (local.set $end (i32.and (local.get $n) (i32.const -8)))
    (block $eights
      (loop $eight
        (br_if $eights (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $o (i32.shl (local.get $x) (i32.const 2)))
        (local.set $d (f32x4.sub (v128.load align=4 (i32.add (local.get $c0) (local.get $o))) (v128.load align=4 (i32.add (local.get $p0) (local.get $o)))))
        (local.set $s (f32x4.mul (local.get $d) (local.get $d)))
        (local.set $d (f32x4.sub (v128.load align=4 (i32.add (local.get $c1) (local.get $o))) (v128.load align=4 (i32.add (local.get $p1) (local.get $o)))))
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load align=4 (i32.add (local.get $c2) (local.get $o))) (v128.load align=4 (i32.add (local.get $p2) (local.get $o)))))
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load align=4 (i32.add (local.get $c0) (i32.add (local.get $o) (i32.const 16)))) (v128.load align=4 (i32.add (local.get $p0) (i32.add (local.get $o) (i32.const 16))))))
        (local.set $s2 (f32x4.mul (local.get $d) (local.get $d)))
        (local.set $d (f32x4.sub (v128.load align=4 (i32.add (local.get $c1) (i32.add (local.get $o) (i32.const 16)))) (v128.load align=4 (i32.add (local.get $p1) (i32.add (local.get $o) (i32.const 16))))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load align=4 (i32.add (local.get $c2) (i32.add (local.get $o) (i32.const 16)))) (v128.load align=4 (i32.add (local.get $p2) (i32.add (local.get $o) (i32.const 16))))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $bits
          (i32.or
            (i32x4.bitmask (f32x4.gt (local.get $s) (local.get $limit)))
            (i32.shl (i32x4.bitmask (f32x4.gt (local.get $s2) (local.get $limit))) (i32.const 4))))
        ;; The lanes that may pass, lowest first: $exact3 written out (called, 226k calls on
        ;; change.bench's pair took a sixth of the pass).
        (block $tested
          (loop $lane
            (br_if $tested (i32.eqz (local.get $bits)))
            (local.set $lane (i32.add (local.get $x) (i32.ctz (local.get $bits))))
            (local.set $lo (i32.shl (local.get $lane) (i32.const 2)))
            (local.set $e
              (f64.sub
                (f64.promote_f32 (f32.load (i32.add (local.get $c0) (local.get $lo))))
                (f64.promote_f32 (f32.load (i32.add (local.get $p0) (local.get $lo))))))
            (local.set $sum (f64.mul (local.get $e) (local.get $e)))
            (local.set $e
              (f64.sub
                (f64.promote_f32 (f32.load (i32.add (local.get $c1) (local.get $lo))))
                (f64.promote_f32 (f32.load (i32.add (local.get $p1) (local.get $lo))))))
            (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $e) (local.get $e))))
            (local.set $e
              (f64.sub
                (f64.promote_f32 (f32.load (i32.add (local.get $c2) (local.get $lo))))
                (f64.promote_f32 (f32.load (i32.add (local.get $p2) (local.get $lo))))))
            (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $e) (local.get $e))))
            (if (f64.gt (local.get $sum) (local.get $floor2))
              (then
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))
                  (i32.add (local.get $base) (local.get $lane)))
                (f64.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3))) (local.get $sum))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))))
            (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
            (br $lane)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (br $eight)))
    (if (i32.lt_u (i32.add (local.get $x) (i32.const 3)) (local.get $n))
      (then
        (local.set $bits
          (i32x4.bitmask
            (f32x4.gt
              (call $sum4 (local.get $p0) (local.get $p1) (local.get $p2) (local.get $c0) (local.get $c1)
                (local.get $c2) (i32.shl (local.get $x) (i32.const 2)))
              (local.get $limit))))
        (block $tested
          (loop $lane
            (br_if $tested (i32.eqz (local.get $bits)))
            (local.set $k
              (call $exact3 (local.get $p0) (local.get $p1) (local.get $p2) (local.get $c0) (local.get $c1)
                (local.get $c2) (i32.add (local.get $x) (i32.ctz (local.get $bits)))
                (local.get $base) (local.get $floor2) (local.get $idx) (local.get $out) (local.get $k)))
            (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
            (br $lane)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))))
    ;; The last n mod 4 pixels.
    (block $pixels
      (loop $pixel
        (br_if $pixels (i32.ge_u (local.get $x) (local.get $n)))
        (local.set $k
          (call $exact3 (local.get $p0) (local.get $p1) (local.get $p2) (local.get $c0) (local.get $c1)
            (local.get $c2) (local.get $x) (local.get $base) (local.get $floor2) (local.get $idx) (local.get $out)
            (local.get $k)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $pixel)))
    (local.get $k))

  ;; envelope.ts's censored: distance of x from [lo, hi] where values ≥ 0.998 (SATURATED) stand for
  ;; anything from 0.45 (SATURATED_FLOOR) up.
  (func $censored (param $x f64) (param $lo f64) (param $hi f64) (result f64)
    (local $xs i32)
    (local.set $xs (f64.ge (local.get $x) (f64.const 0.998)))
    (f64.max
      (f64.max
        (f64.sub
          (select (f64.const 0.45) (local.get $lo) (f64.ge (local.get $lo) (f64.const 0.998)))
          (select (f64.const inf) (local.get $x) (local.get $xs)))
        (f64.sub
          (select (f64.const 0.45) (local.get $x) (local.get $xs))
          (select (f64.const inf) (local.get $hi) (f64.ge (local.get $hi) (f64.const 0.998)))))
      (f64.const 0)))

;; envelope.ts's two-way distance of one band (rangeBandDistance) at the pixel $a of the previous
  ;; date's plane, the current date's $cur bytes on, rows $rb bytes apart: the same double-precision
  ;; operations in the same order, the previous date's in lane 0 and the current date's in lane 1.
  ;; Vector minima and maxima give the extremes the JavaScript takes, NaN as it does, without the
  ;; branches scalar ones compile to (mispredicted on noisy pixels, ~3× slower).
  (func $band (param $a i32) (param $cur i32) (param $rb i32) (param $t f64) (result f64)
    (local $c i32) (local $up i32) (local $down i32)
    (local $pn v128) (local $px v128) (local $cn v128) (local $cx v128) (local $u v128) (local $m v128)
    (local $d v128) (local $mn v128) (local $mx v128) (local $v v128) (local $w v128) (local $tt v128)
    (local $lo v128) (local $hi v128)
    (local.set $c (i32.add (local.get $a) (local.get $cur)))
    (local.set $up (i32.sub (local.get $rb) (i32.const 4)))
    (local.set $down (i32.add (local.get $rb) (i32.const 4)))
    ;; Columns x − 1 … x + 2 of the three rows around each date's pixel; lanes 0–2 count.
    (local.set $u (v128.load align=4 (i32.sub (local.get $a) (local.get $down))))
    (local.set $m (v128.load align=4 (i32.sub (local.get $a) (i32.const 4))))
    (local.set $d (v128.load align=4 (i32.add (local.get $a) (local.get $up))))
    (local.set $pn (f32x4.min (f32x4.min (local.get $u) (local.get $m)) (local.get $d)))
    (local.set $px (f32x4.max (f32x4.max (local.get $u) (local.get $m)) (local.get $d)))
    (local.set $u (v128.load align=4 (i32.sub (local.get $c) (local.get $down))))
    (local.set $m (v128.load align=4 (i32.sub (local.get $c) (i32.const 4))))
    (local.set $d (v128.load align=4 (i32.add (local.get $c) (local.get $up))))
    (local.set $cn (f32x4.min (f32x4.min (local.get $u) (local.get $m)) (local.get $d)))
    (local.set $cx (f32x4.max (f32x4.max (local.get $u) (local.get $m)) (local.get $d)))
    ;; Lanes 0–2 of each to one: [p0, p1, c0, c1] against [p2, p2, c2, c2], then lane 1 into lane 0
    ;; and lane 3 into lane 2: the previous date's extreme in lane 0, the current date's in lane 2.
    (local.set $mn
      (f32x4.min
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $pn) (local.get $cn))
        (i8x16.shuffle 8 9 10 11 8 9 10 11 24 25 26 27 24 25 26 27 (local.get $pn) (local.get $cn))))
    (local.set $mn
      (f32x4.min (local.get $mn) (i8x16.shuffle 4 5 6 7 4 5 6 7 12 13 14 15 12 13 14 15 (local.get $mn) (local.get $mn))))
    (local.set $mx
      (f32x4.max
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $px) (local.get $cx))
        (i8x16.shuffle 8 9 10 11 8 9 10 11 24 25 26 27 24 25 26 27 (local.get $px) (local.get $cx))))
    (local.set $mx
      (f32x4.max (local.get $mx) (i8x16.shuffle 4 5 6 7 4 5 6 7 12 13 14 15 12 13 14 15 (local.get $mx) (local.get $mx))))
    ;; [pmn, cmn], [pmx, cmx], [pv, cv] and [cv, pv] in double precision.
    (local.set $mn (f64x2.promote_low_f32x4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 0 1 2 3 (local.get $mn) (local.get $mn))))
    (local.set $mx (f64x2.promote_low_f32x4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 0 1 2 3 (local.get $mx) (local.get $mx))))
    (local.set $v
      (f64x2.promote_low_f32x4
        (f32x4.replace_lane 1 (f32x4.splat (f32.load (local.get $a))) (f32.load (local.get $c)))))
    (local.set $w (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
    (local.set $tt (f64x2.splat (local.get $t)))
    ;; [plo, clo] and [phi, chi].
    (local.set $lo (f64x2.add (local.get $v) (f64x2.mul (local.get $tt) (f64x2.sub (local.get $mn) (local.get $v)))))
    (local.set $hi (f64x2.add (local.get $v) (f64x2.mul (local.get $tt) (f64x2.sub (local.get $mx) (local.get $v)))))
    (if (result f64)
      (v128.any_true (f64x2.ge (local.get $mx) (f64x2.splat (f64.const 0.998))))
      (then
        (f64.min
          (call $censored
            (f64x2.extract_lane 1 (local.get $v)) (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 0 (local.get $hi)))
          (call $censored
            (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $lo)) (f64x2.extract_lane 1 (local.get $hi)))))
      (else
        ;; [d1, d2] = [max(plo − cv, cv − phi), max(clo − pv, pv − chi)]; max(0, min(d1, d2)).
        (local.set $d
          (f64x2.max (f64x2.sub (local.get $lo) (local.get $w)) (f64x2.sub (local.get $w) (local.get $hi))))
        (f64x2.extract_lane 0
          (f64x2.max
            (f64x2.splat (f64.const 0))
            (f64x2.min (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d))))))))

;; Lanes 2 and 3 of $v in lanes 0 and 1.
  (func $high (param $v v128) (result v128)
    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))

  ;; $band's distance of two neighbouring pixels, the lanes of the f64x2 arguments (values,
  ;; extremes of each date's neighbourhood), where none is saturated.
  (func $pair (param $vp v128) (param $vc v128) (param $pmn v128) (param $pmx v128) (param $cmn v128)
    (param $cmx v128) (param $t v128) (result v128)
    (local $plo v128) (local $phi v128) (local $clo v128) (local $chi v128)
    (local.set $plo (f64x2.add (local.get $vp) (f64x2.mul (local.get $t) (f64x2.sub (local.get $pmn) (local.get $vp)))))
    (local.set $phi (f64x2.add (local.get $vp) (f64x2.mul (local.get $t) (f64x2.sub (local.get $pmx) (local.get $vp)))))
    (local.set $clo (f64x2.add (local.get $vc) (f64x2.mul (local.get $t) (f64x2.sub (local.get $cmn) (local.get $vc)))))
    (local.set $chi (f64x2.add (local.get $vc) (f64x2.mul (local.get $t) (f64x2.sub (local.get $cmx) (local.get $vc)))))
    (f64x2.max
      (f64x2.splat (f64.const 0))
      (f64x2.min
        (f64x2.max (f64x2.sub (local.get $plo) (local.get $vc)) (f64x2.sub (local.get $vc) (local.get $phi)))
        (f64x2.max (f64x2.sub (local.get $clo) (local.get $vp)) (f64x2.sub (local.get $vp) (local.get $chi))))))

  ;; The squared two-way distance of one band at the four pixels from $a on (a row's interior),
  ;; added to the f64 pairs at $s; 0 if a neighbourhood holds a saturated value (nothing added: the
  ;; caller takes such pixels one by one), else 1.
  (func $band4 (param $a i32) (param $cur i32) (param $rb i32) (param $t v128) (param $s i32) (result i32)
    (local $c i32) (local $r i32) (local $k i32) (local $v v128)
    (local $pn v128) (local $px v128) (local $cn v128) (local $cx v128) (local $vp v128) (local $vc v128)
    (local $lo v128) (local $hi v128) (local $sum v128)
    (local.set $c (i32.add (local.get $a) (local.get $cur)))
    (local.set $vp (v128.load align=4 (local.get $a)))
    (local.set $vc (v128.load align=4 (local.get $c)))
    (local.set $pn (local.get $vp))
    (local.set $px (local.get $vp))
    (local.set $cn (local.get $vc))
    (local.set $cx (local.get $vc))
    ;; Per lane, the nine values around its pixel (centre twice), by the single-instruction minima and
    ;; maxima: exact but for the sign of a zero (which the distance squares away) and for NaN, which
    ;; they may drop; the sum of the values read, NaN if any is, tells.: rows above, at and below, columns −1, 0, +1.
    (local.set $r (i32.sub (i32.const 0) (local.get $rb)))
    (local.set $k (i32.const 0))
    (loop $rows
      (local.set $v (v128.load align=4 (i32.sub (i32.add (local.get $a) (local.get $r)) (i32.const 4))))
      (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
      (local.set $pn (f32x4.pmin (local.get $pn) (local.get $v)))
      (local.set $px (f32x4.pmax (local.get $px) (local.get $v)))
      (local.set $v (v128.load align=4 (i32.add (local.get $a) (local.get $r))))
      (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
      (local.set $pn (f32x4.pmin (local.get $pn) (local.get $v)))
      (local.set $px (f32x4.pmax (local.get $px) (local.get $v)))
      (local.set $v (v128.load offset=4 align=4 (i32.add (local.get $a) (local.get $r))))
      (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
      (local.set $pn (f32x4.pmin (local.get $pn) (local.get $v)))
      (local.set $px (f32x4.pmax (local.get $px) (local.get $v)))
      (local.set $v (v128.load align=4 (i32.sub (i32.add (local.get $c) (local.get $r)) (i32.const 4))))
      (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
      (local.set $cn (f32x4.pmin (local.get $cn) (local.get $v)))
      (local.set $cx (f32x4.pmax (local.get $cx) (local.get $v)))
      (local.set $v (v128.load align=4 (i32.add (local.get $c) (local.get $r))))
      (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
      (local.set $cn (f32x4.pmin (local.get $cn) (local.get $v)))
      (local.set $cx (f32x4.pmax (local.get $cx) (local.get $v)))
      (local.set $v (v128.load offset=4 align=4 (i32.add (local.get $c) (local.get $r))))
      (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
      (local.set $cn (f32x4.pmin (local.get $cn) (local.get $v)))
      (local.set $cx (f32x4.pmax (local.get $cx) (local.get $v)))
      (local.set $r (i32.add (local.get $r) (local.get $rb)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $k) (i32.const 3))))
    ;; A NaN read (or infinities of both signs): left to $band, which propagates it as the JavaScript
    ;; does. Saturated values are censored: left to $band too; the single-precision level is under
    ;; 0.998, so that no neighbourhood saturated in double precision passes.
    (if (v128.any_true
          (v128.or
            (f32x4.ne (local.get $sum) (local.get $sum))
            (v128.or
              (f32x4.ge (local.get $px) (f32x4.splat (f32.const 0.997)))
              (f32x4.ge (local.get $cx) (f32x4.splat (f32.const 0.997))))))
      (then (return (i32.const 0))))
    (local.set $lo
      (call $pair
        (f64x2.promote_low_f32x4 (local.get $vp)) (f64x2.promote_low_f32x4 (local.get $vc))
        (f64x2.promote_low_f32x4 (local.get $pn)) (f64x2.promote_low_f32x4 (local.get $px))
        (f64x2.promote_low_f32x4 (local.get $cn)) (f64x2.promote_low_f32x4 (local.get $cx)) (local.get $t)))
    (local.set $hi
      (call $pair
        (f64x2.promote_low_f32x4 (call $high (local.get $vp)))
        (f64x2.promote_low_f32x4 (call $high (local.get $vc)))
        (f64x2.promote_low_f32x4 (call $high (local.get $pn)))
        (f64x2.promote_low_f32x4 (call $high (local.get $px)))
        (f64x2.promote_low_f32x4 (call $high (local.get $cn)))
        (f64x2.promote_low_f32x4 (call $high (local.get $cx))) (local.get $t)))
    (v128.store (local.get $s)
      (f64x2.add (v128.load (local.get $s)) (f64x2.mul (local.get $lo) (local.get $lo))))
    (v128.store offset=16 (local.get $s)
      (f64x2.add (v128.load offset=16 (local.get $s)) (f64x2.mul (local.get $hi) (local.get $hi))))
    (i32.const 1))

  ;; The squared two-way local-range distance over three bands (envelope.ts's rangeDistance3At) of
  ;; each of the $k pixels listed (i32 global indices) at $idx, into the f64 list at $env. The
  ;; planes at $p hold consecutive rows of $w pixels from global index $origin on, $stride bytes a
  ;; plane: the previous date's three bands, then the current date's. A pixel without its eight
  ;; neighbours there (the buffer's first and last rows, the first and last columns) gets NaN, as
  ;; does one near a NaN: the caller computes those itself. Four consecutive pixels of a row are
  ;; taken at once.
  (func (export "envelopes")
    (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $c0 i32) (param $c1 i32) (param $c2 i32)
    (param $w i32) (param $rows i32) (param $origin i32)
    (param $idx i32) (param $k i32) (param $t f64) (param $env i32)
    (local $j i32) (local $o i32) (local $x i32) (local $o4 i32) (local $rb i32)
    (local $d f64) (local $s f64) (local $e i32) (local $l i32) (local $tt v128) (local $ok i32)
    (local.set $rb (i32.shl (local.get $w) (i32.const 2)))
    (local.set $tt (f64x2.splat (local.get $t)))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $j) (local.get $k)))
        (local.set $l (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $o (i32.sub (i32.load (local.get $l)) (local.get $origin)))
        (local.set $x (i32.rem_u (local.get $o) (local.get $w)))
        (local.set $e (i32.add (local.get $env) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $o4 (i32.shl (local.get $o) (i32.const 2)))
        (if (i32.and
              (i32.and (i32.ge_u (local.get $x) (i32.const 1)) (i32.lt_u (i32.add (local.get $x) (i32.const 1)) (local.get $w)))
              (i32.and
                (i32.ge_u (local.get $o) (local.get $w))
                (i32.lt_u (local.get $o) (i32.mul (i32.sub (local.get $rows) (i32.const 1)) (local.get $w)))))
          (then
            ;; Four listed pixels in a row, all inside: at once.
            (if (i32.and
                  (i32.lt_u (i32.add (local.get $j) (i32.const 3)) (local.get $k))
                  (i32.and
                    (i32.lt_u (i32.add (local.get $x) (i32.const 4)) (local.get $w))
                    (i32.eq
                      (i32.load offset=12 (local.get $l))
                      (i32.add (i32.load (local.get $l)) (i32.const 3)))))
              (then
                (v128.store (local.get $e) (v128.const i64x2 0 0))
                (v128.store offset=16 (local.get $e) (v128.const i64x2 0 0))
                (local.set $ok
                  (i32.and
                    (i32.and
                      (call $band4 (i32.add (local.get $p0) (local.get $o4)) (i32.sub (local.get $c0) (local.get $p0))
                        (local.get $rb) (local.get $tt) (local.get $e))
                      (call $band4 (i32.add (local.get $p1) (local.get $o4)) (i32.sub (local.get $c1) (local.get $p1))
                        (local.get $rb) (local.get $tt) (local.get $e)))
                    (call $band4 (i32.add (local.get $p2) (local.get $o4)) (i32.sub (local.get $c2) (local.get $p2))
                      (local.get $rb) (local.get $tt) (local.get $e))))
                (if (local.get $ok)
                  (then
                    (local.set $j (i32.add (local.get $j) (i32.const 4)))
                    (br $pixel)))))
            (local.set $d
              (call $band (i32.add (local.get $p0) (local.get $o4)) (i32.sub (local.get $c0) (local.get $p0))
                (local.get $rb) (local.get $t)))
            (local.set $s (f64.mul (local.get $d) (local.get $d)))
            (local.set $d
              (call $band (i32.add (local.get $p1) (local.get $o4)) (i32.sub (local.get $c1) (local.get $p1))
                (local.get $rb) (local.get $t)))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $d) (local.get $d))))
            (local.set $d
              (call $band (i32.add (local.get $p2) (local.get $o4)) (i32.sub (local.get $c2) (local.get $p2))
                (local.get $rb) (local.get $t)))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $d) (local.get $d)))))
          (else (local.set $s (f64.const nan))))
        (f64.store (local.get $e) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pixel))))

  ;; change.ts's `achromatic` of two pixels, the lanes of $r, $g, $b (1 for a grey pixel, falling to
  ;; 0 at saturation ≥ 1/$invSat): the same operations lane by lane, one division for both dates,
  ;; the choices made by masks. Scalar, called once per date, its selects compiled to branches that
  ;; noisy pixels mispredict: judge3 took ~17 % longer (change.bench's pair).
  (func $achromatic2 (param $r v128) (param $g v128) (param $b v128) (param $invSat f64) (result v128)
    (local $mx v128) (local $mn v128) (local $a v128)
    (local.set $mx
      (v128.bitselect (f64x2.max (local.get $r) (local.get $b)) (f64x2.max (local.get $g) (local.get $b))
        (f64x2.gt (local.get $r) (local.get $g))))
    (local.set $mn
      (v128.bitselect (f64x2.min (local.get $r) (local.get $b)) (f64x2.min (local.get $g) (local.get $b))
        (f64x2.lt (local.get $r) (local.get $g))))
    (local.set $a
      (f64x2.sub (f64x2.splat (f64.const 1))
        (f64x2.mul
          (f64x2.div (f64x2.sub (local.get $mx) (local.get $mn)) (f64x2.add (local.get $mx) (f64x2.splat (f64.const 0.02))))
          (f64x2.splat (local.get $invSat)))))
    (v128.bitselect (f64x2.min (local.get $a) (f64x2.splat (f64.const 1))) (f64x2.splat (f64.const 0))
      (f64x2.gt (local.get $a) (f64x2.splat (f64.const 0)))))

  ;; change-shadow.ts's bandRatio (darker over brighter, offset by 0.01) of two bands, the lanes of
  ;; $u and $v.
  (func $ratio2 (param $u v128) (param $v v128) (result v128)
    (f64x2.div
      (f64x2.add (f64x2.min (local.get $u) (local.get $v)) (f64x2.splat (f64.const 0.01)))
      (f64x2.add (f64x2.max (local.get $u) (local.get $v)) (f64x2.splat (f64.const 0.01)))))

  ;; The lanes of $v swapped.
  (func $swap (param $v v128) (result v128)
    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))

  ;; change.ts's `gainResidual` over three bands (previous date's planes $p0..$p2, current's $c0..$c2)
  ;; at byte offset $o: the same operations in the same order.
  (func $gainResidual
    (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $c0 i32) (param $c1 i32) (param $c2 i32)
    (param $o i32) (param $maxGain f64) (result f64)
    (local $u0 f64) (local $u1 f64) (local $u2 f64) (local $v0 f64) (local $v1 f64) (local $v2 f64)
    (local $pc f64) (local $pp f64) (local $g f64) (local $r f64) (local $d f64)
    (local.set $u0 (f64.promote_f32 (f32.load (i32.add (local.get $p0) (local.get $o)))))
    (local.set $v0 (f64.promote_f32 (f32.load (i32.add (local.get $c0) (local.get $o)))))
    (if (i32.or (f64.ge (local.get $u0) (f64.const 0.998)) (f64.ge (local.get $v0) (f64.const 0.998)))
      (then (return (f64.const inf))))
    (local.set $pc (f64.add (f64.const 0) (f64.mul (local.get $u0) (local.get $v0))))
    (local.set $pp (f64.add (f64.const 0) (f64.mul (local.get $u0) (local.get $u0))))
    (local.set $u1 (f64.promote_f32 (f32.load (i32.add (local.get $p1) (local.get $o)))))
    (local.set $v1 (f64.promote_f32 (f32.load (i32.add (local.get $c1) (local.get $o)))))
    (if (i32.or (f64.ge (local.get $u1) (f64.const 0.998)) (f64.ge (local.get $v1) (f64.const 0.998)))
      (then (return (f64.const inf))))
    (local.set $pc (f64.add (local.get $pc) (f64.mul (local.get $u1) (local.get $v1))))
    (local.set $pp (f64.add (local.get $pp) (f64.mul (local.get $u1) (local.get $u1))))
    (local.set $u2 (f64.promote_f32 (f32.load (i32.add (local.get $p2) (local.get $o)))))
    (local.set $v2 (f64.promote_f32 (f32.load (i32.add (local.get $c2) (local.get $o)))))
    (if (i32.or (f64.ge (local.get $u2) (f64.const 0.998)) (f64.ge (local.get $v2) (f64.const 0.998)))
      (then (return (f64.const inf))))
    (local.set $pc (f64.add (local.get $pc) (f64.mul (local.get $u2) (local.get $v2))))
    (local.set $pp (f64.add (local.get $pp) (f64.mul (local.get $u2) (local.get $u2))))
    (local.set $g
      (select
        (f64.min (local.get $maxGain)
          (f64.max (f64.div (f64.const 1) (local.get $maxGain)) (f64.div (local.get $pc) (local.get $pp))))
        (f64.const 1)
        (f64.gt (local.get $pp) (f64.const 0))))
    (local.set $d (f64.sub (local.get $v0) (f64.mul (local.get $g) (local.get $u0))))
    (local.set $r (f64.add (f64.const 0) (f64.mul (local.get $d) (local.get $d))))
    (local.set $d (f64.sub (local.get $v1) (f64.mul (local.get $g) (local.get $u1))))
    (local.set $r (f64.add (local.get $r) (f64.mul (local.get $d) (local.get $d))))
    (local.set $d (f64.sub (local.get $v2) (f64.mul (local.get $g) (local.get $u2))))
    (local.set $r (f64.add (local.get $r) (f64.mul (local.get $d) (local.get $d))))
    (f64.sqrt (local.get $r)))

  ;; change.ts's judge of the $k listed pixels (i32 global indices at $idx, their squared plain
  ;; distances at $plain2 and two-way distances at $env, f64) on three bands whose planes all lie in
  ;; this memory (byte addresses in the table at $planes, i32 each: the compared bands $p0..$p2,
  ;; $c0..$c2 in band order, the compared dates' red, green, blue, then the chroma dates' red,
  ;; green, blue, previous date first each time), the same double-precision operations in the same
  ;; order as weigh, hueTurn, judgePixel and shadowLike. Writes six f64 a pixel at $out: a state (0:
  ;; nothing written, 1: judged, 2: left to the JavaScript: a NaN two-way distance), the
  ;; weighted distance, the shadow scores normal, beside and deep, and the value a deep-shadow
  ;; candidate would get.
  (func (export "judge3")
    (param $planes i32) (param $idx i32) (param $plain2 i32) (param $env i32) (param $k i32) (param $out i32)
    (param $invSat f64) (param $nw f64) (param $strong2 f64) (param $strong f64) (param $sd f64) (param $maxGain f64)
    (local $j i32) (local $o i32) (local $e i32) (local $e2 f64) (local $a f64) (local $c f64) (local $grey f64)
    (local $chromatic f64) (local $turn f64) (local $weight f64) (local $d f64)
    (local $pr f64) (local $pg f64) (local $pb f64) (local $cr f64) (local $cg f64) (local $cb f64)
    (local $x1 f64) (local $y1 f64) (local $x2 f64) (local $y2 f64) (local $up i32) (local $top f64)
    (local $r f64) (local $g f64) (local $b f64) (local $lo f64) (local $hi f64) (local $mid f64)
    (local $shallow f64) (local $even f64) (local $lit f64) (local $normal f64) (local $beside f64)
    (local $v f64) (local $dot f64) (local $norms f64) (local $ac v128) (local $rg v128) (local $bb v128) (local $el v128) (local $nb v128)
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $j) (local.get $k)))
        (local.set $e (i32.add (local.get $out) (i32.mul (local.get $j) (i32.const 48))))
        (local.set $o (i32.shl (i32.load (i32.add (local.get $idx) (i32.shl (local.get $j) (i32.const 2)))) (i32.const 2)))
        (local.set $e2 (f64.load (i32.add (local.get $env) (i32.shl (local.get $j) (i32.const 3)))))
        (block $next
          (f64.store (local.get $e) (f64.const 0))
          ;; Within the other date's envelope: 0 whatever the weight.
          (br_if $next (f64.eq (local.get $e2) (f64.const 0)))
          (if (f64.ne (local.get $e2) (local.get $e2))
            (then (f64.store (local.get $e) (f64.const 2)) (br $next)))
          ;; weigh: greyness of each date in its own radiometry.
          (local.set $pr (f64.promote_f32 (f32.load (i32.add (i32.load offset=48 (local.get $planes)) (local.get $o)))))
          (local.set $pg (f64.promote_f32 (f32.load (i32.add (i32.load offset=52 (local.get $planes)) (local.get $o)))))
          (local.set $pb (f64.promote_f32 (f32.load (i32.add (i32.load offset=56 (local.get $planes)) (local.get $o)))))
          (local.set $cr (f64.promote_f32 (f32.load (i32.add (i32.load offset=60 (local.get $planes)) (local.get $o)))))
          (local.set $cg (f64.promote_f32 (f32.load (i32.add (i32.load offset=64 (local.get $planes)) (local.get $o)))))
          (local.set $cb (f64.promote_f32 (f32.load (i32.add (i32.load offset=68 (local.get $planes)) (local.get $o)))))
          ;; Both dates at once, the previous in lane 0.
          (local.set $ac
            (call $achromatic2
              (f64x2.replace_lane 1 (f64x2.splat (local.get $pr)) (local.get $cr))
              (f64x2.replace_lane 1 (f64x2.splat (local.get $pg)) (local.get $cg))
              (f64x2.replace_lane 1 (f64x2.splat (local.get $pb)) (local.get $cb))
              (local.get $invSat)))
          (local.set $a (f64x2.extract_lane 0 (local.get $ac)))
          (local.set $c (f64x2.extract_lane 1 (local.get $ac)))
          (local.set $grey (f64.min (local.get $a) (local.get $c)))
          (local.set $chromatic (f64.min (f64.sub (f64.const 1) (local.get $a)) (f64.sub (f64.const 1) (local.get $c))))
          (local.set $turn (f64.const 0))
          ;; The turn weighs at most `chromatic` (a share of 1), so where greyness weighs that
          ;; much already, max(a, c, turn) is max(a, c) whatever the turn: not computed.
          (if (i32.and
                (f64.gt (local.get $chromatic) (f64.const 0))
                (f64.gt (local.get $chromatic) (f64.max (local.get $a) (local.get $c))))
            (then
              (local.set $x1 (f64.sub (f64.sub (f64.mul (f64.const 2) (local.get $pr)) (local.get $pg)) (local.get $pb)))
              (local.set $y1 (f64.mul (f64.const 1.7320508075688772) (f64.sub (local.get $pg) (local.get $pb))))
              (local.set $x2 (f64.sub (f64.sub (f64.mul (f64.const 2) (local.get $cr)) (local.get $cg)) (local.get $cb)))
              (local.set $y2 (f64.mul (f64.const 1.7320508075688772) (f64.sub (local.get $cg) (local.get $cb))))
              ;; change.ts's hueTurn: hue vectors at under 90° score 0 without trigonometry.
              (local.set $turn (f64.const 0))
              (local.set $dot (f64.add (f64.mul (local.get $x1) (local.get $x2)) (f64.mul (local.get $y1) (local.get $y2))))
              (if (i32.eqz (f64.gt (local.get $dot) (f64.const 0)))
                (then
                  (local.set $norms
                    (f64.mul
                      (f64.add (f64.mul (local.get $x1) (local.get $x1)) (f64.mul (local.get $y1) (local.get $y1)))
                      (f64.add (f64.mul (local.get $x2) (local.get $x2)) (f64.mul (local.get $y2) (local.get $y2)))))
                  ;; Vectors clearly past 135° (cos² over ½ by 1e-6: ~1e-6 rad, where the hues' rounding
                  ;; is ~1e-15) score 1, as the clamp below gives them, without the two calls out to
                  ;; atan2 (half the turned pixels of change.bench's pair). Finite norms only: an
                  ;; infinite band takes the calls, as in the JavaScript.
                  (if (i32.and
                        (i32.and (f64.lt (local.get $dot) (f64.const 0)) (f64.lt (local.get $norms) (f64.const inf)))
                        (f64.ge (f64.mul (local.get $dot) (local.get $dot)) (f64.mul (f64.const 0.500001) (local.get $norms))))
                    (then (local.set $turn (f64.const 1)))
                    (else
                      (local.set $turn
                        (f64.abs
                          (f64.sub (call $atan2 (local.get $y1) (local.get $x1)) (call $atan2 (local.get $y2) (local.get $x2)))))
                      (if (f64.gt (local.get $turn) (f64.const 3.141592653589793))
                        (then (local.set $turn (f64.sub (f64.const 6.283185307179586) (local.get $turn)))))
                      (local.set $turn
                        (f64.min (f64.const 1)
                          (f64.max (f64.const 0)
                            (f64.div (f64.sub (local.get $turn) (f64.const 1.5707963267948966)) (f64.const 0.7853981633974483)))))))))
              (local.set $turn (f64.mul (local.get $turn) (local.get $chromatic)))))
          (local.set $weight
            (f64.add (local.get $nw)
              (f64.mul (f64.sub (f64.const 1) (local.get $nw))
                (f64.max (f64.max (local.get $a) (local.get $c)) (local.get $turn)))))
          (br_if $next
            (i32.and
              (f64.eq (local.get $weight) (f64.const 0))
              (f64.le (f64.load (i32.add (local.get $plain2) (i32.shl (local.get $j) (i32.const 3)))) (local.get $strong2))))
          ;; judgePixel.
          (local.set $d (f64.sqrt (local.get $e2)))
          (br_if $next (f64.eq (local.get $d) (f64.const 0)))
          (if (i32.and (f64.gt (local.get $maxGain) (f64.const 1)) (f64.gt (local.get $grey) (f64.const 0)))
            (then
              (local.set $d
                (f64.sub (local.get $d)
                  (f64.mul (local.get $grey)
                    (f64.max (f64.const 0)
                      (f64.sub (local.get $d)
                        (call $gainResidual
                          (i32.load (local.get $planes)) (i32.load offset=4 (local.get $planes))
                          (i32.load offset=8 (local.get $planes)) (i32.load offset=12 (local.get $planes))
                          (i32.load offset=16 (local.get $planes)) (i32.load offset=20 (local.get $planes))
                          (local.get $o) (local.get $maxGain)))))))))
          (br_if $next (f64.eq (local.get $d) (f64.const 0)))
          ;; shadowLike on the compared dates.
          (local.set $pr (f64.promote_f32 (f32.load (i32.add (i32.load offset=24 (local.get $planes)) (local.get $o)))))
          (local.set $pg (f64.promote_f32 (f32.load (i32.add (i32.load offset=28 (local.get $planes)) (local.get $o)))))
          (local.set $pb (f64.promote_f32 (f32.load (i32.add (i32.load offset=32 (local.get $planes)) (local.get $o)))))
          (local.set $cr (f64.promote_f32 (f32.load (i32.add (i32.load offset=36 (local.get $planes)) (local.get $o)))))
          (local.set $cg (f64.promote_f32 (f32.load (i32.add (i32.load offset=40 (local.get $planes)) (local.get $o)))))
          (local.set $cb (f64.promote_f32 (f32.load (i32.add (i32.load offset=44 (local.get $planes)) (local.get $o)))))
          (local.set $normal (f64.const 0))
          (local.set $beside (f64.const 0))
          (local.set $even (f64.const 0))
          (local.set $up
            (i32.add (i32.add (f64.gt (local.get $cr) (local.get $pr)) (f64.gt (local.get $cg) (local.get $pg)))
              (f64.gt (local.get $cb) (local.get $pb))))
          (if (i32.or (i32.eqz (local.get $up)) (i32.eq (local.get $up) (i32.const 3)))
            (then
              (local.set $top
                (f64.max
                  (f64.max
                    (f64.max (f64.max (f64.max (local.get $pr) (local.get $pg)) (local.get $pb)) (local.get $cr))
                    (local.get $cg))
                  (local.get $cb)))
              ;; Lit at or over 0.7 in a band (and finite, every value over −0.01: the ratios below are
              ;; finite), `lit` is +0 and so are the scores whatever the ratios: they stay 0, unread.
              (if (i32.eqz
                    (i32.and
                      (i32.and (f64.ge (local.get $top) (f64.const 0.7)) (f64.lt (local.get $top) (f64.const inf)))
                      (i32.and
                        (i32.and
                          (i32.and (f64.gt (local.get $pr) (f64.const -0.01)) (f64.gt (local.get $pg) (f64.const -0.01)))
                          (i32.and (f64.gt (local.get $pb) (f64.const -0.01)) (f64.gt (local.get $cr) (f64.const -0.01))))
                        (i32.and (f64.gt (local.get $cg) (f64.const -0.01)) (f64.gt (local.get $cb) (f64.const -0.01))))))
                (then
                  ;; Paired in lanes, two divisions at once: red and green's ratios, then blue's.
                  (local.set $rg
                    (call $ratio2
                      (f64x2.replace_lane 1 (f64x2.splat (local.get $pr)) (local.get $pg))
                      (f64x2.replace_lane 1 (f64x2.splat (local.get $cr)) (local.get $cg))))
                  (local.set $bb (call $ratio2 (f64x2.splat (local.get $pb)) (f64x2.splat (local.get $cb))))
                  (local.set $r (f64x2.extract_lane 0 (local.get $rg)))
                  (local.set $g (f64x2.extract_lane 1 (local.get $rg)))
                  (local.set $b (f64x2.extract_lane 0 (local.get $bb)))
                  ;; Minima and maxima take no order (JavaScript's and these agree on NaN and −0).
                  (local.set $lo
                    (f64x2.extract_lane 0
                      (f64x2.min (f64x2.min (local.get $rg) (call $swap (local.get $rg))) (local.get $bb))))
                  (local.set $hi
                    (f64x2.extract_lane 0
                      (f64x2.max (f64x2.max (local.get $rg) (call $swap (local.get $rg))) (local.get $bb))))
                  (local.set $mid (f64.div (f64.add (local.get $lo) (local.get $hi)) (f64.const 2)))
                  (local.set $shallow
                    (f64.max (f64.const 0) (f64.div (f64.sub (f64.const 0.68) (local.get $mid)) (f64.const 0.06))))
                  ;; [even, lit] and [normal's, beside's depth terms], a division each.
                  (local.set $el
                    (f64x2.min (f64x2.splat (f64.const 1))
                      (f64x2.max (f64x2.splat (f64.const 0))
                        (f64x2.div
                          (f64x2.sub
                            (f64x2.replace_lane 1
                              (v128.bitselect (f64x2.splat (f64.const 0.22)) (f64x2.splat (f64.const 0.14))
                                (i64x2.splat
                                  (i64.sub (i64.const 0)
                                    (i64.extend_i32_u
                                      (i32.and
                                        (f64.le (local.get $r) (f64.add (local.get $g) (f64.const 0.02)))
                                        (f64.le (local.get $g) (f64.add (local.get $b) (f64.const 0.02))))))))
                              (f64.const 0.7))
                            (f64x2.replace_lane 1 (f64x2.splat (f64.sub (local.get $hi) (local.get $lo))) (local.get $top)))
                          (f64x2.replace_lane 1 (f64x2.splat (f64.const 0.06)) (f64.const 0.1))))))
                  (local.set $even (f64x2.extract_lane 0 (local.get $el)))
                  (local.set $lit (f64x2.extract_lane 1 (local.get $el)))
                  (local.set $nb
                    (f64x2.min
                      (f64x2.min (f64x2.splat (f64.const 1)) (f64x2.splat (local.get $shallow)))
                      (f64x2.max (f64x2.splat (f64.const 0))
                        (f64x2.div
                          (f64x2.sub (f64x2.splat (local.get $mid))
                            (f64x2.replace_lane 1 (f64x2.splat (f64.const 0.28)) (f64.const 0.16)))
                          (f64x2.splat (f64.const 0.06))))))
                  (local.set $normal
                    (f64.mul (f64.mul (f64x2.extract_lane 0 (local.get $nb)) (local.get $even)) (local.get $lit)))
                  (local.set $beside (f64.mul (f64x2.extract_lane 1 (local.get $nb)) (local.get $lit)))))))
          ;; A deep-shadow candidate's value, then the distance discounted as a shadow and weighted.
          (local.set $v (f64.mul (local.get $d) (f64.sub (f64.const 1) (f64.mul (local.get $sd) (local.get $beside)))))
          (f64.store offset=40 (local.get $e)
            (f64.max (f64.mul (local.get $v) (local.get $weight)) (f64.sub (local.get $v) (local.get $strong))))
          (local.set $d (f64.mul (local.get $d) (f64.sub (f64.const 1) (f64.mul (local.get $sd) (local.get $normal)))))
          (f64.store offset=8 (local.get $e)
            (f64.max (f64.mul (local.get $d) (local.get $weight)) (f64.sub (local.get $d) (local.get $strong))))
          (f64.store offset=16 (local.get $e) (local.get $normal))
          (f64.store offset=24 (local.get $e) (local.get $beside))
          (f64.store offset=32 (local.get $e) (f64.mul (local.get $beside) (local.get $even)))
          (f64.store (local.get $e) (f64.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pixel))))
)


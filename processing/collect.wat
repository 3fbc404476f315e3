;; The first pass of change detection (change.ts, collect.ts): of a row of bands on two dates, the
;; pixels whose squared plain colour distance exceeds the noise floor. Every pixel of a block is
;; read here and most are dropped, so four are tested at once in single precision; the few that may
;; pass are tested again one by one in double precision, the arithmetic JavaScript numbers use, so
;; the kept pixels and their distances are those of a double-precision test of every pixel.
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks collect.wasm is this file built.
(module
  (memory (export "memory") 1)

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
    (local.get $k)))

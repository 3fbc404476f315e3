;; halve.ts's whole cells in WebAssembly: the 2×2 means of a row of cells whose four pixels are all
;; valid, for three bands, and their luminance (rgb-luminance.ts). Each mean is halve.ts `wholeRow`'s
;; arithmetic, (((a + b) + c) + d) · 0.25 in double precision rounded to single, and the luminance
;; `rgbLuminanceInto`'s, single-precision sums times 1/3 in double precision rounded to single: the
;; planes are bit for bit the JavaScript loops'. Two cells a step: a row's four pixels loaded at once,
;; each cell's pixels shuffled into f64x2 lanes.
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks halve.wasm is this file built.
(module
  ;; The thread's kernel memory (kernel-memory.ts): the planes are read and written where they lie.
  (import "env" "memory" (memory 1 65536 shared))

  ;; Cells [0, $pairs · 2) of one row: band k's fine row 0 at $src + $s_k ($s_0 = 0), its row 1 $row
  ;; bytes further (f32, the cells' first pixel); its means at $out + $o_k; with $lum ≠ 0, the luminance
  ;; of the three bands' means at $lum.
  (func (export "whole3")
    (param $src i32) (param $s1 i32) (param $s2 i32) (param $row i32)
    (param $out i32) (param $o1 i32) (param $o2 i32) (param $lum i32) (param $pairs i32)
    (local $p i32) (local $k i32) (local $m0 v128) (local $m1 v128) (local $m2 v128)
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $k) (local.get $pairs)))
        (local.set $p (i32.add (local.get $src) (i32.shl (local.get $k) (i32.const 4))))
        (local.set $m0 (call $means (local.get $p) (local.get $row)))
        (local.set $m1 (call $means (i32.add (local.get $p) (local.get $s1)) (local.get $row)))
        (local.set $m2 (call $means (i32.add (local.get $p) (local.get $s2)) (local.get $row)))
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 3))))
        (v128.store64_lane 0 (local.get $p) (local.get $m0))
        (v128.store64_lane 0 (i32.add (local.get $p) (local.get $o1)) (local.get $m1))
        (v128.store64_lane 0 (i32.add (local.get $p) (local.get $o2)) (local.get $m2))
        (if (local.get $lum)
          (then
            (v128.store64_lane 0 (i32.add (local.get $lum) (i32.shl (local.get $k) (i32.const 3)))
              (f32x4.demote_f64x2_zero
                (f64x2.mul
                  (f64x2.promote_low_f32x4 (f32x4.add (f32x4.add (local.get $m0) (local.get $m1)) (local.get $m2)))
                  (f64x2.splat (f64.const 0x1.5555555555555p-2)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $pair))))

  ;; Two cells' means (lanes 0 and 1, single precision) from fine rows at $p and $p + $row.
  (func $means (param $p i32) (param $row i32) (result v128)
    (local $a v128) (local $b v128)
    (local.set $a (v128.load (local.get $p)))
    (local.set $b (v128.load (i32.add (local.get $p) (local.get $row))))
    (f32x4.demote_f64x2_zero
      (f64x2.mul
        (f64x2.add
          (f64x2.add
            (f64x2.add
              ;; the cells' top-left pixels, top-right, bottom-left, bottom-right
              (f64x2.promote_low_f32x4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $a) (local.get $a)))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (local.get $a) (local.get $a))))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $b) (local.get $b))))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (local.get $b) (local.get $b))))
        (f64x2.splat (f64.const 0.25)))))
)

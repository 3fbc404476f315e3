;; The summed-area tables of water-berths.ts `edgeTensor` and `cornerMoment`, a band of rows at a time,
;; with the same integers as their JavaScript loops (kept as the reference their test compares with):
;; - mode 0: central differences of the binary mask (u8) → gx², gx·gy, gy² (taken 1 px in from its edges);
;; - mode 1: the Sobel gradient of its 3×3 sums (f32, small integers) → gx², gx·gy, gy² (2 px in);
;; - mode 2: the same gradient's moment of order four, round((p² − q²) / m²) and round(2pq / m²) with
;;   p = gx² − gy², q = 2·gx·gy, m² = gx² + gy² (divided in doubles, rounded half up as Math.round).
;; Each table row is the row above plus the row's running sum, in i32 (wrapping as an Int32Array store
;; does). Most of a window is open water or land, where the gradient is 0: a run of 16 pixels whose
;; neighbourhood is one value (the mask's, or the sums') adds the running sum to the row above in i32x4
;; lanes, with no gradient taken; elsewhere each pixel is taken as the JavaScript takes it.
;; Layout, by the caller (tensor-kernel.ts): `src` is image row y0 of the staged input (its rows y0 − 2 to
;; y0 + rows + 1 that exist lie around it, `width` elements a row); `skip` (0: none) is row y0 of the
;; staged mask of pixels left out; each of the three planes (the third unused in mode 2) holds rows + 1
;; table rows of width + 1 i32 from `p`, the first being the table row above image row y0.
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks tensor.wasm is this file built.
(module
  ;; The thread's kernel memory (kernel-memory.ts).
  (import "env" "memory" (memory 1 65536 shared))

  ;; here[k] = above[k] + c for k in [from, to) (i32 elements from byte addresses here and above).
  (func $addSpan (param $here i32) (param $above i32) (param $from i32) (param $to i32) (param $c i32)
    (local $k i32) (local $v v128) (local $end4 i32)
    (local.set $k (local.get $from))
    (local.set $v (i32x4.splat (local.get $c)))
    (local.set $end4 (i32.sub (local.get $to) (i32.const 3)))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_s (local.get $k) (local.get $end4)))
        (v128.store
          (i32.add (local.get $here) (i32.shl (local.get $k) (i32.const 2)))
          (i32x4.add
            (v128.load (i32.add (local.get $above) (i32.shl (local.get $k) (i32.const 2))))
            (local.get $v)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_s (local.get $k) (local.get $to)))
        (i32.store
          (i32.add (local.get $here) (i32.shl (local.get $k) (i32.const 2)))
          (i32.add
            (i32.load (i32.add (local.get $above) (i32.shl (local.get $k) (i32.const 2))))
            (local.get $c)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $one))))

  ;; Whether the mask (u8, row at $row) is one value over rows −1..1 of columns x − 1 .. x + 16: the
  ;; central differences of pixels x .. x + 15 are all 0 (their exact test: left = right, up = down).
  (func $flatMask (param $row i32) (param $x i32) (param $w i32) (result i32)
    (local $p i32)
    (local.set $p (i32.add (local.get $row) (local.get $x)))
    (i32.eqz
      (v128.any_true
        (v128.or
          (v128.xor
            (v128.load (i32.sub (local.get $p) (i32.const 1)))
            (v128.load (i32.add (local.get $p) (i32.const 1))))
          (v128.xor
            (v128.load (i32.sub (local.get $p) (local.get $w)))
            (v128.load (i32.add (local.get $p) (local.get $w))))))))

  ;; Whether the sums (f32, row at $row) hold one value over rows −1..1 of columns x − 1 .. x + 18:
  ;; then the Sobel gradient of pixels x .. x + 15 is 0.
  (func $flatSums (param $row i32) (param $x i32) (param $w i32) (result i32)
    (local $p i32) (local $c v128) (local $all v128) (local $dy i32) (local $q i32)
    (local.set $p (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 2))))
    (local.set $c (v128.load32_splat (local.get $p)))
    (local.set $all (v128.const i32x4 -1 -1 -1 -1))
    (local.set $dy (i32.const -1))
    (loop $rows
      (local.set $q
        (i32.sub
          (i32.add (local.get $p) (i32.mul (local.get $dy) (i32.shl (local.get $w) (i32.const 2))))
          (i32.const 4)))
      (local.set $all
        (v128.and (local.get $all)
          (v128.and
            (v128.and
              (f32x4.eq (v128.load (local.get $q)) (local.get $c))
              (f32x4.eq (v128.load offset=16 (local.get $q)) (local.get $c)))
            (v128.and
              (v128.and
                (f32x4.eq (v128.load offset=32 (local.get $q)) (local.get $c))
                (f32x4.eq (v128.load offset=48 (local.get $q)) (local.get $c)))
              (f32x4.eq (v128.load offset=64 (local.get $q)) (local.get $c))))))
      (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
      (br_if $rows (i32.le_s (local.get $dy) (i32.const 1))))
    (i32x4.all_true (local.get $all)))

  ;; Math.round of a double: the nearest integer, halves up.
  (func $round (param $v f64) (result i32)
    (local $r f64)
    (local.set $r (f64.floor (local.get $v)))
    (if (f64.ge (f64.sub (local.get $v) (local.get $r)) (f64.const 0.5))
      (then (local.set $r (f64.add (local.get $r) (f64.const 1)))))
    (i32.trunc_f64_s (local.get $r)))

  (func (export "rows")
    (param $mode i32) (param $w i32) (param $h i32) (param $y0 i32) (param $rows i32)
    (param $src i32) (param $skip i32) (param $p0 i32) (param $p1 i32) (param $p2 i32)
    (local $k i32) (local $y i32) (local $x i32) (local $run i32) (local $end i32) (local $margin i32)
    (local $w1b i32) (local $above i32) (local $here i32) (local $row i32) (local $skipRow i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $gx i32) (local $gy i32)
    (local $m i32) (local $wb i32) (local $flat i32) (local $xx i32) (local $yy i32) (local $xy i32)
    (local $p i32) (local $q i32) (local $m2 f64)
    (local.set $w1b (i32.shl (i32.add (local.get $w) (i32.const 1)) (i32.const 2)))
    (local.set $margin (select (i32.const 1) (i32.const 2) (i32.eqz (local.get $mode))))
    ;; Bytes per input row.
    (local.set $wb (select (local.get $w) (i32.shl (local.get $w) (i32.const 2)) (i32.eqz (local.get $mode))))
    (local.set $k (i32.const 0))
    (block $doneRows
      (loop $eachRow
        (br_if $doneRows (i32.ge_s (local.get $k) (local.get $rows)))
        (local.set $y (i32.add (local.get $y0) (local.get $k)))
        (local.set $above (i32.mul (local.get $k) (local.get $w1b)))
        (local.set $here (i32.add (local.get $above) (local.get $w1b)))
        (local.set $row (i32.add (local.get $src) (i32.mul (local.get $k) (local.get $wb))))
        (local.set $skipRow (i32.add (local.get $skip) (i32.mul (local.get $k) (local.get $w))))
        (i32.store (i32.add (local.get $p0) (local.get $here)) (i32.const 0))
        (i32.store (i32.add (local.get $p1) (local.get $here)) (i32.const 0))
        (if (i32.ne (local.get $mode) (i32.const 2))
          (then (i32.store (i32.add (local.get $p2) (local.get $here)) (i32.const 0))))
        (local.set $a0 (i32.const 0))
        (local.set $a1 (i32.const 0))
        (local.set $a2 (i32.const 0))
        ;; Table column x + 1 holds image column x: the table's k-th element is at 4k.
        (local.set $x (i32.const 0))
        (if (i32.and
              (i32.ge_s (local.get $y) (local.get $margin))
              (i32.lt_s (local.get $y) (i32.sub (local.get $h) (local.get $margin))))
          (then
            ;; Columns before the margin take no gradient.
            (local.set $x (local.get $margin))
            (call $addSpan (i32.add (local.get $p0) (local.get $here)) (i32.add (local.get $p0) (local.get $above))
              (i32.const 1) (i32.add (local.get $x) (i32.const 1)) (i32.const 0))
            (call $addSpan (i32.add (local.get $p1) (local.get $here)) (i32.add (local.get $p1) (local.get $above))
              (i32.const 1) (i32.add (local.get $x) (i32.const 1)) (i32.const 0))
            (if (i32.ne (local.get $mode) (i32.const 2))
              (then
                (call $addSpan (i32.add (local.get $p2) (local.get $here)) (i32.add (local.get $p2) (local.get $above))
                  (i32.const 1) (i32.add (local.get $x) (i32.const 1)) (i32.const 0))))
            (local.set $end (i32.sub (local.get $w) (local.get $margin)))
            (block $doneCols
              (loop $cols
                (br_if $doneCols (i32.ge_s (local.get $x) (local.get $end)))
                ;; A run of flat stretches of 16.
                (local.set $run (local.get $x))
                (block $doneFlat
                  (loop $flatRun
                    (br_if $doneFlat (i32.gt_s (i32.add (local.get $run) (i32.const 16)) (local.get $end)))
                    (local.set $flat
                      (if (result i32) (i32.eqz (local.get $mode))
                        (then (call $flatMask (local.get $row) (local.get $run) (local.get $w)))
                        (else (call $flatSums (local.get $row) (local.get $run) (local.get $w)))))
                    (br_if $doneFlat (i32.eqz (local.get $flat)))
                    (local.set $run (i32.add (local.get $run) (i32.const 16)))
                    (br $flatRun)))
                (if (i32.gt_s (local.get $run) (local.get $x))
                  (then
                    (call $addSpan (i32.add (local.get $p0) (local.get $here)) (i32.add (local.get $p0) (local.get $above))
                      (i32.add (local.get $x) (i32.const 1)) (i32.add (local.get $run) (i32.const 1)) (local.get $a0))
                    (call $addSpan (i32.add (local.get $p1) (local.get $here)) (i32.add (local.get $p1) (local.get $above))
                      (i32.add (local.get $x) (i32.const 1)) (i32.add (local.get $run) (i32.const 1)) (local.get $a1))
                    (if (i32.ne (local.get $mode) (i32.const 2))
                      (then
                        (call $addSpan (i32.add (local.get $p2) (local.get $here)) (i32.add (local.get $p2) (local.get $above))
                          (i32.add (local.get $x) (i32.const 1)) (i32.add (local.get $run) (i32.const 1)) (local.get $a2))))
                    (local.set $x (local.get $run))))
                ;; Then up to 16 pixels one by one, as the JavaScript takes them.
                (local.set $run (i32.add (local.get $x) (i32.const 16)))
                (if (i32.gt_s (local.get $run) (local.get $end)) (then (local.set $run (local.get $end))))
                (block $donePix
                  (loop $pix
                    (br_if $donePix (i32.ge_s (local.get $x) (local.get $run)))
                    (if (i32.eqz (local.get $mode))
                      (then
                        (local.set $m (i32.add (local.get $row) (local.get $x)))
                        (local.set $gx
                          (i32.sub
                            (i32.load8_u offset=1 (local.get $m))
                            (i32.load8_u (i32.sub (local.get $m) (i32.const 1)))))
                        (local.set $gy
                          (i32.sub
                            (i32.load8_u (i32.add (local.get $m) (local.get $w)))
                            (i32.load8_u (i32.sub (local.get $m) (local.get $w))))))
                      (else
                        ;; m[i ± 1], m[i ± w ± 1], m[i ± w] of the sums, as smoothEdgeSums adds them.
                        (local.set $m (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 2))))
                        (local.set $gx
                          (i32.trunc_f32_s
                            (f32.sub
                              (f32.sub
                                (f32.sub
                                  (f32.add
                                    (f32.add
                                      (f32.load offset=4 (i32.sub (local.get $m) (local.get $wb)))
                                      (f32.mul (f32.const 2) (f32.load offset=4 (local.get $m))))
                                    (f32.load offset=4 (i32.add (local.get $m) (local.get $wb))))
                                  (f32.load (i32.sub (i32.sub (local.get $m) (local.get $wb)) (i32.const 4))))
                                (f32.mul (f32.const 2) (f32.load (i32.sub (local.get $m) (i32.const 4)))))
                              (f32.load (i32.sub (i32.add (local.get $m) (local.get $wb)) (i32.const 4))))))
                        (local.set $gy
                          (i32.trunc_f32_s
                            (f32.sub
                              (f32.sub
                                (f32.sub
                                  (f32.add
                                    (f32.add
                                      (f32.load (i32.sub (i32.add (local.get $m) (local.get $wb)) (i32.const 4)))
                                      (f32.mul (f32.const 2) (f32.load (i32.add (local.get $m) (local.get $wb)))))
                                    (f32.load offset=4 (i32.add (local.get $m) (local.get $wb))))
                                  (f32.load (i32.sub (i32.sub (local.get $m) (local.get $wb)) (i32.const 4))))
                                (f32.mul (f32.const 2) (f32.load (i32.sub (local.get $m) (local.get $wb)))))
                              (f32.load offset=4 (i32.sub (local.get $m) (local.get $wb))))))))
                    (local.set $xx (i32.mul (local.get $gx) (local.get $gx)))
                    (local.set $yy (i32.mul (local.get $gy) (local.get $gy)))
                    (local.set $xy (i32.mul (local.get $gx) (local.get $gy)))
                    (if (i32.eq (local.get $mode) (i32.const 2))
                      (then
                        (if (i32.gt_s (i32.add (local.get $xx) (local.get $yy)) (i32.const 0))
                          (then
                            (local.set $m2 (f64.convert_i32_s (i32.add (local.get $xx) (local.get $yy))))
                            (local.set $p (i32.sub (local.get $xx) (local.get $yy)))
                            (local.set $q (i32.shl (local.get $xy) (i32.const 1)))
                            (local.set $a0
                              (i32.add (local.get $a0)
                                (call $round
                                  (f64.div
                                    (f64.convert_i32_s
                                      (i32.sub
                                        (i32.mul (local.get $p) (local.get $p))
                                        (i32.mul (local.get $q) (local.get $q))))
                                    (local.get $m2)))))
                            (local.set $a1
                              (i32.add (local.get $a1)
                                (call $round
                                  (f64.div
                                    (f64.convert_i32_s
                                      (i32.mul (i32.shl (local.get $p) (i32.const 1)) (local.get $q)))
                                    (local.get $m2))))))))
                      (else
                        (if (i32.or (i32.eqz (local.get $skip))
                              (i32.eqz (i32.load8_u (i32.add (local.get $skipRow) (local.get $x)))))
                          (then
                            (local.set $a0 (i32.add (local.get $a0) (local.get $xx)))
                            (local.set $a1 (i32.add (local.get $a1) (local.get $xy)))
                            (local.set $a2 (i32.add (local.get $a2) (local.get $yy)))))))
                    (local.set $m (i32.shl (i32.add (local.get $x) (i32.const 1)) (i32.const 2)))
                    (i32.store (i32.add (i32.add (local.get $p0) (local.get $here)) (local.get $m))
                      (i32.add (i32.load (i32.add (i32.add (local.get $p0) (local.get $above)) (local.get $m)))
                        (local.get $a0)))
                    (i32.store (i32.add (i32.add (local.get $p1) (local.get $here)) (local.get $m))
                      (i32.add (i32.load (i32.add (i32.add (local.get $p1) (local.get $above)) (local.get $m)))
                        (local.get $a1)))
                    (if (i32.ne (local.get $mode) (i32.const 2))
                      (then
                        (i32.store (i32.add (i32.add (local.get $p2) (local.get $here)) (local.get $m))
                          (i32.add (i32.load (i32.add (i32.add (local.get $p2) (local.get $above)) (local.get $m)))
                            (local.get $a2)))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $pix)))
                (br $cols)))))
        ;; The rest of the row (all of it off the inner rows) adds the running sums.
        (call $addSpan (i32.add (local.get $p0) (local.get $here)) (i32.add (local.get $p0) (local.get $above))
          (i32.add (local.get $x) (i32.const 1)) (i32.add (local.get $w) (i32.const 1)) (local.get $a0))
        (call $addSpan (i32.add (local.get $p1) (local.get $here)) (i32.add (local.get $p1) (local.get $above))
          (i32.add (local.get $x) (i32.const 1)) (i32.add (local.get $w) (i32.const 1)) (local.get $a1))
        (if (i32.ne (local.get $mode) (i32.const 2))
          (then
            (call $addSpan (i32.add (local.get $p2) (local.get $here)) (i32.add (local.get $p2) (local.get $above))
              (i32.add (local.get $x) (i32.const 1)) (i32.add (local.get $w) (i32.const 1)) (local.get $a2))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $eachRow)))))

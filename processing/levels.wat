;; Hysteresis levels of the box-averaged change distance over the active tiles (change-levels.ts,
;; levelTile): the same running sums, in the same order and the same double precision, so the
;; levels are those of the JavaScript loop bit for bit. The distance plane and the level plane live
;; in this module's memory (change.ts keeps them there), so nothing is copied in or out.
;; Build: npm run build:wasm (scripts/build-wasm.ts); collect.test.ts checks levels.wasm is this file built.
(module
  (memory (export "memory") 1)

  ;; Levels of the tiles whose flag (u8 at $active + ty · tilesX + tx) is 1, for the (2r+1)² window
  ;; means of the f32 plane at $dist (w × h) against $low and $high, into the zeroed u8 plane at
  ;; $level. $rows: (16 + 2r) × 16 f64 of scratch for the row sums (stride 16), $col: 16 f64. The
  ;; index of every pixel given a non-zero level is appended to the i32 list at $list (validity is
  ;; the caller's); returns how many. Tiles flagged otherwise (2: not finite) are the caller's.
  (func (export "levels")
    (param $dist i32) (param $w i32) (param $h i32) (param $r i32) (param $low f64) (param $high f64)
    (param $tilesX i32) (param $tilesY i32) (param $active i32) (param $level i32)
    (param $rows i32) (param $col i32) (param $list i32)
    (result i32)
    (local $tx i32) (local $ty i32) (local $x0 i32) (local $y0 i32) (local $x1 i32) (local $y1 i32)
    (local $ya i32) (local $yb i32) (local $xa0 i32) (local $xb0 i32) (local $y i32) (local $x i32)
    (local $row i32) (local $o i32) (local $k i32) (local $s f64) (local $n i32) (local $j i32)
    (local $add i32) (local $drop i32) (local $span i32) (local $v f32) (local $lv i32) (local $flag i32)
    (local $c i32) (local $list0 i32)
    (local.set $list0 (local.get $list))
    (block $tilesDone
      (loop $tileRow
        (br_if $tilesDone (i32.ge_u (local.get $ty) (local.get $tilesY)))
        (local.set $tx (i32.const 0))
        (block $rowDone
          (loop $tile
            (br_if $rowDone (i32.ge_u (local.get $tx) (local.get $tilesX)))
            (local.set $flag
              (i32.load8_u
                (i32.add (local.get $active)
                  (i32.add (i32.mul (local.get $ty) (local.get $tilesX)) (local.get $tx)))))
            (if (i32.eq (local.get $flag) (i32.const 1))
              (then
                (local.set $x0 (i32.shl (local.get $tx) (i32.const 4)))
                (local.set $y0 (i32.shl (local.get $ty) (i32.const 4)))
                (local.set $x1 (select (local.get $w) (i32.add (local.get $x0) (i32.const 16))
                  (i32.lt_s (local.get $w) (i32.add (local.get $x0) (i32.const 16)))))
                (local.set $y1 (select (local.get $h) (i32.add (local.get $y0) (i32.const 16))
                  (i32.lt_s (local.get $h) (i32.add (local.get $y0) (i32.const 16)))))
                (local.set $ya (select (i32.sub (local.get $y0) (local.get $r)) (i32.const 0)
                  (i32.gt_s (local.get $y0) (local.get $r))))
                (local.set $yb (select (local.get $h) (i32.add (local.get $y1) (local.get $r))
                  (i32.lt_s (local.get $h) (i32.add (local.get $y1) (local.get $r)))))
                (local.set $xa0 (select (i32.sub (local.get $x0) (local.get $r)) (i32.const 0)
                  (i32.gt_s (local.get $x0) (local.get $r))))
                (local.set $xb0 (select (i32.add (local.get $x0) (local.get $r)) (i32.sub (local.get $w) (i32.const 1))
                  (i32.lt_s (i32.add (local.get $x0) (local.get $r)) (local.get $w))))
                ;; Horizontal window sums of every row the tile's windows reach.
                (local.set $y (local.get $ya))
                (block $rowsDone
                  (loop $rowPass
                    (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $yb)))
                    (local.set $row (i32.add (local.get $dist) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 2))))
                    (local.set $o (i32.add (local.get $rows) (i32.shl (i32.sub (local.get $y) (local.get $ya)) (i32.const 7))))
                    (local.set $s (f64.const 0))
                    (local.set $k (local.get $xa0))
                    (block $first
                      (loop $sum
                        (br_if $first (i32.gt_s (local.get $k) (local.get $xb0)))
                        (local.set $s (f64.add (local.get $s)
                          (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))))
                        (local.set $k (i32.add (local.get $k) (i32.const 1)))
                        (br $sum)))
                    (f64.store (local.get $o) (local.get $s))
                    (local.set $x (i32.add (local.get $x0) (i32.const 1)))
                    (block $run
                      (loop $step
                        (br_if $run (i32.ge_s (local.get $x) (local.get $x1)))
                        (if (i32.lt_s (i32.add (local.get $x) (local.get $r)) (local.get $w))
                          (then
                            (local.set $s (f64.add (local.get $s)
                              (f64.promote_f32 (f32.load
                                (i32.add (local.get $row) (i32.shl (i32.add (local.get $x) (local.get $r)) (i32.const 2)))))))))
                        (if (i32.gt_s (local.get $x) (local.get $r))
                          (then
                            (local.set $s (f64.sub (local.get $s)
                              (f64.promote_f32 (f32.load
                                (i32.add (local.get $row)
                                  (i32.shl (i32.sub (i32.sub (local.get $x) (local.get $r)) (i32.const 1)) (i32.const 2)))))))))
                        (f64.store
                          (i32.add (local.get $o) (i32.shl (i32.sub (local.get $x) (local.get $x0)) (i32.const 3)))
                          (local.get $s))
                        (local.set $x (i32.add (local.get $x) (i32.const 1)))
                        (br $step)))
                    (local.set $y (i32.add (local.get $y) (i32.const 1)))
                    (br $rowPass)))
                ;; Vertical sums of those down each column (16 a row, two at a time; columns past
                ;; the tile's width are summed too and never read).
                (local.set $j (i32.const 0))
                (block $zeroed
                  (loop $zero
                    (br_if $zeroed (i32.ge_u (local.get $j) (i32.const 128)))
                    (v128.store (i32.add (local.get $col) (local.get $j)) (v128.const i32x4 0 0 0 0))
                    (local.set $j (i32.add (local.get $j) (i32.const 16)))
                    (br $zero)))
                ;; The first window's rows: ya .. min(h − 1, y0 + r).
                (local.set $n (select (i32.sub (local.get $h) (i32.const 1)) (i32.add (local.get $y0) (local.get $r))
                  (i32.lt_s (i32.sub (local.get $h) (i32.const 1)) (i32.add (local.get $y0) (local.get $r)))))
                (local.set $y (local.get $ya))
                (block $initDone
                  (loop $init
                    (br_if $initDone (i32.gt_s (local.get $y) (local.get $n)))
                    (call $addRow (local.get $col)
                      (i32.add (local.get $rows) (i32.shl (i32.sub (local.get $y) (local.get $ya)) (i32.const 7))))
                    (local.set $y (i32.add (local.get $y) (i32.const 1)))
                    (br $init)))
                (local.set $y (local.get $y0))
                (block $outDone
                  (loop $out
                    (br_if $outDone (i32.ge_s (local.get $y) (local.get $y1)))
                    (if (i32.gt_s (local.get $y) (local.get $y0))
                      (then
                        (if (i32.lt_s (i32.add (local.get $y) (local.get $r)) (local.get $h))
                          (then
                            (call $addRow (local.get $col)
                              (i32.add (local.get $rows)
                                (i32.shl (i32.sub (i32.add (local.get $y) (local.get $r)) (local.get $ya)) (i32.const 7))))))
                        (if (i32.gt_s (local.get $y) (local.get $r))
                          (then
                            (call $subRow (local.get $col)
                              (i32.add (local.get $rows)
                                (i32.shl
                                  (i32.sub (i32.sub (i32.sub (local.get $y) (local.get $r)) (i32.const 1)) (local.get $ya))
                                  (i32.const 7))))))))
                    ;; Rows of the windows of this row: wb − wa + 1.
                    (local.set $span
                      (i32.add
                        (i32.sub
                          (select (i32.add (local.get $y) (local.get $r)) (i32.sub (local.get $h) (i32.const 1))
                            (i32.lt_s (i32.add (local.get $y) (local.get $r)) (local.get $h)))
                          (select (i32.sub (local.get $y) (local.get $r)) (i32.const 0)
                            (i32.gt_s (local.get $y) (local.get $r))))
                        (i32.const 1)))
                    (local.set $row (i32.mul (local.get $y) (local.get $w)))
                    (local.set $x (local.get $x0))
                    (block $levelsDone
                      (loop $levelOf
                        (br_if $levelsDone (i32.ge_s (local.get $x) (local.get $x1)))
                        (local.set $s (f64.load
                          (i32.add (local.get $col) (i32.shl (i32.sub (local.get $x) (local.get $x0)) (i32.const 3)))))
                        (if (f64.ne (local.get $s) (f64.const 0))
                          (then
                            (local.set $c
                              (i32.add
                                (i32.sub
                                  (select (i32.add (local.get $x) (local.get $r)) (i32.sub (local.get $w) (i32.const 1))
                                    (i32.lt_s (i32.add (local.get $x) (local.get $r)) (local.get $w)))
                                  (select (i32.sub (local.get $x) (local.get $r)) (i32.const 0)
                                    (i32.gt_s (local.get $x) (local.get $r))))
                                (i32.const 1)))
                            (local.set $v (f32.demote_f64
                              (f64.div (local.get $s) (f64.convert_i32_s (i32.mul (local.get $span) (local.get $c))))))
                            (local.set $lv
                              (i32.add
                                (f64.gt (f64.promote_f32 (local.get $v)) (local.get $low))
                                (f64.gt (f64.promote_f32 (local.get $v)) (local.get $high))))
                            (if (local.get $lv)
                              (then
                                (i32.store8 (i32.add (local.get $level) (i32.add (local.get $row) (local.get $x)))
                                  (local.get $lv))
                                (i32.store (local.get $list) (i32.add (local.get $row) (local.get $x)))
                                (local.set $list (i32.add (local.get $list) (i32.const 4)))))))
                        (local.set $x (i32.add (local.get $x) (i32.const 1)))
                        (br $levelOf)))
                    (local.set $y (i32.add (local.get $y) (i32.const 1)))
                    (br $out)))))
            (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
            (br $tile)))
        (local.set $ty (i32.add (local.get $ty) (i32.const 1)))
        (br $tileRow)))
    (i32.shr_u (i32.sub (local.get $list) (local.get $list0)) (i32.const 2)))

  ;; col[0..16) += row[0..16), f64, two at a time.
  (func $addRow (param $col i32) (param $row i32)
    (local $j i32)
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $j) (i32.const 128)))
        (v128.store (i32.add (local.get $col) (local.get $j))
          (f64x2.add
            (v128.load (i32.add (local.get $col) (local.get $j)))
            (v128.load (i32.add (local.get $row) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pair))))

  ;; col[0..16) −= row[0..16), f64, two at a time.
  (func $subRow (param $col i32) (param $row i32)
    (local $j i32)
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $j) (i32.const 128)))
        (v128.store (i32.add (local.get $col) (local.get $j))
          (f64x2.sub
            (v128.load (i32.add (local.get $col) (local.get $j)))
            (v128.load (i32.add (local.get $row) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $pair)))))

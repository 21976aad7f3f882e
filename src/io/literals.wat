;; The anchors of the one-subject prefilter (anchors.ts, RegexPrefilter;
;; issue #7) as a WebAssembly SIMD scan in the manner of Hyperscan's Teddy:
;; V8 ran them as two regular expressions over the Latin-1 text of every
;; piece of every chunk, which also had to be made as strings. Each anchor
;; (at most 24, ASCII, three bytes or more) belongs to one of eight buckets;
;; for each of its first three bytes (ASCII letters folded to lower case) a
;; table by low nibble and one by high nibble say which buckets may have that
;; byte there. Sixteen positions are looked up at once with i8x16.swizzle,
;; and only a position all three tables agree on is compared byte by byte
;; with the anchors of its buckets. An anchor of kind 1 is a personnummer's
;; date: it is found only where, past any non-digits, its last four digits
;; follow, or the text ends within three digits (the regular expression's
;; `date(?=\D*(?:last|\d{0,3}$))`). Assembled by scripts/build-wasm.mjs into
;; literals-wasm.ts; test/io/literals-wasm.test.ts checks that it finds a hit
;; where the regular expressions match.
;;
;; Memory: [0, 96) the six nibble tables (low, high for each of the first
;; three bytes), [96, 112) scratch, [128, 512) per anchor k at 128 + 16k:
;; its length, kind, bucket bit and the offset of its bytes; [512, 2048) the
;; anchors' bytes (64 each, folded; a date's last four at +60); [2048, 2304)
;; the fold table.
;;
;; scan(in, i, n, out, cap, anchors) stores at `out` (i32 each, relative to
;; `in`) every position of memory[in + i, in + n) where an anchor begins; it
;; returns how many, and when that is `cap`, `next` is where to go on from,
;; else `n`.
(module
  (import "env" "memory" (memory 1))
  (global $next (export "next") (mut i32) (i32.const 0))

  (func $digit (param $b i32) (result i32)
    (i32.lt_u (i32.sub (local.get $b) (i32.const 48)) (i32.const 10)))

  ;; Does anchor k (of the buckets in `bits`) begin at in + q?
  (func $anchorAt (param $in i32) (param $q i32) (param $n i32) (param $anchors i32) (param $bits i32) (result i32)
    (local $k i32) (local $rec i32) (local $len i32) (local $a i32) (local $j i32) (local $p i32) (local $d i32)
    (block $none
      (loop $each
        (br_if $none (i32.ge_u (local.get $k) (local.get $anchors)))
        (local.set $rec (i32.add (i32.const 128) (i32.shl (local.get $k) (i32.const 4))))
        (block $fail
          (br_if $fail (i32.eqz (i32.and (local.get $bits) (i32.load offset=8 (local.get $rec)))))
          (local.set $len (i32.load (local.get $rec)))
          (br_if $fail (i32.gt_u (i32.add (local.get $q) (local.get $len)) (local.get $n)))
          (local.set $a (i32.load offset=12 (local.get $rec)))
          (local.set $j (i32.const 0))
          (block $same
            (loop $cmp
              (br_if $same (i32.ge_u (local.get $j) (local.get $len)))
              (br_if $fail
                (i32.ne
                  (i32.load8_u offset=2048 (i32.load8_u (i32.add (local.get $in) (i32.add (local.get $q) (local.get $j)))))
                  (i32.load8_u (i32.add (local.get $a) (local.get $j)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $cmp)))
          (if (i32.eqz (i32.load offset=4 (local.get $rec))) (then (return (i32.const 1))))
          ;; A date: past any non-digits, its last four, or the end within three digits.
          (local.set $p (i32.add (local.get $q) (local.get $len)))
          (block $digits
            (loop $skip
              (br_if $digits (i32.ge_u (local.get $p) (local.get $n)))
              (br_if $digits (call $digit (i32.load8_u (i32.add (local.get $in) (local.get $p)))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $skip)))
          (if (i32.le_u (i32.add (local.get $p) (i32.const 4)) (local.get $n))
            (then
              (if (i32.eq
                    (i32.load align=1 (i32.add (local.get $in) (local.get $p)))
                    (i32.load offset=60 (local.get $a)))
                (then (return (i32.const 1))))))
          (local.set $d (i32.const 0))
          (block $run
            (loop $count
              (br_if $run (i32.ge_u (local.get $p) (local.get $n)))
              (br_if $run (i32.eqz (call $digit (i32.load8_u (i32.add (local.get $in) (local.get $p))))))
              (local.set $d (i32.add (local.get $d) (i32.const 1)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $count)))
          (if (i32.and (i32.eq (local.get $p) (local.get $n)) (i32.le_u (local.get $d) (i32.const 3)))
            (then (return (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))
    (i32.const 0))

  (func (export "scan")
    (param $in i32) (param $i i32) (param $n i32) (param $out i32) (param $cap i32) (param $anchors i32)
    (result i32)
    (local $count i32) (local $m v128) (local $lanes i32) (local $q i32) (local $at i32)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local $A v128) (local $az v128) (local $case v128) (local $nib v128) (local $x v128)
    ;; Everything the loop needs in locals: the tables, and the constants of folding (V8 keeps them in registers).
    (local.set $lo0 (v128.load (i32.const 0)))
    (local.set $hi0 (v128.load (i32.const 16)))
    (local.set $lo1 (v128.load (i32.const 32)))
    (local.set $hi1 (v128.load (i32.const 48)))
    (local.set $lo2 (v128.load (i32.const 64)))
    (local.set $hi2 (v128.load (i32.const 80)))
    (local.set $A (i8x16.splat (i32.const 0x41)))
    (local.set $az (i8x16.splat (i32.const 26)))
    (local.set $case (i8x16.splat (i32.const 0x20)))
    (local.set $nib (i8x16.splat (i32.const 15)))
    (block $blocks
      (loop $block
        (br_if $blocks (i32.gt_u (i32.add (local.get $i) (i32.const 18)) (local.get $n)))
        (local.set $at (i32.add (local.get $in) (local.get $i)))
        ;; For each of the first three bytes of an anchor: the bytes here, capitals folded, looked up by nibble.
        (local.set $x (v128.load align=1 (local.get $at)))
        (local.set $x (v128.or (local.get $x) (v128.and (i8x16.lt_u (i8x16.sub (local.get $x) (local.get $A)) (local.get $az)) (local.get $case))))
        (local.set $m
          (v128.and
            (i8x16.swizzle (local.get $lo0) (v128.and (local.get $x) (local.get $nib)))
            (i8x16.swizzle (local.get $hi0) (i8x16.shr_u (local.get $x) (i32.const 4)))))
        (local.set $x (v128.load offset=1 align=1 (local.get $at)))
        (local.set $x (v128.or (local.get $x) (v128.and (i8x16.lt_u (i8x16.sub (local.get $x) (local.get $A)) (local.get $az)) (local.get $case))))
        (local.set $m
          (v128.and (local.get $m)
            (v128.and
              (i8x16.swizzle (local.get $lo1) (v128.and (local.get $x) (local.get $nib)))
              (i8x16.swizzle (local.get $hi1) (i8x16.shr_u (local.get $x) (i32.const 4))))))
        (local.set $x (v128.load offset=2 align=1 (local.get $at)))
        (local.set $x (v128.or (local.get $x) (v128.and (i8x16.lt_u (i8x16.sub (local.get $x) (local.get $A)) (local.get $az)) (local.get $case))))
        (local.set $m
          (v128.and (local.get $m)
            (v128.and
              (i8x16.swizzle (local.get $lo2) (v128.and (local.get $x) (local.get $nib)))
              (i8x16.swizzle (local.get $hi2) (i8x16.shr_u (local.get $x) (i32.const 4))))))
        (if (v128.any_true (local.get $m))
          (then
            (local.set $lanes (i8x16.bitmask (i8x16.ne (local.get $m) (v128.const i32x4 0 0 0 0))))
            (v128.store (i32.const 96) (local.get $m))
            (loop $candidate
              (local.set $q (i32.ctz (local.get $lanes)))
              (if (call $anchorAt (local.get $in) (i32.add (local.get $i) (local.get $q)) (local.get $n) (local.get $anchors)
                    (i32.load8_u offset=96 (local.get $q)))
                (then
                  (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (local.get $q)))
                  (local.set $count (i32.add (local.get $count) (i32.const 1)))
                  (if (i32.eq (local.get $count) (local.get $cap))
                    (then
                      (global.set $next (i32.add (i32.add (local.get $i) (local.get $q)) (i32.const 1)))
                      (return (local.get $count))))))
              (local.set $lanes (i32.and (local.get $lanes) (i32.sub (local.get $lanes) (i32.const 1))))
              (br_if $candidate (local.get $lanes)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $block)))
    ;; The last positions one at a time, every bucket.
    (block $end
      (loop $rest
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (if (call $anchorAt (local.get $in) (local.get $i) (local.get $n) (local.get $anchors) (i32.const 255))
          (then
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (if (i32.eq (local.get $count) (local.get $cap))
              (then
                (global.set $next (i32.add (local.get $i) (i32.const 1)))
                (return (local.get $count))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rest)))
    (global.set $next (local.get $n))
    (local.get $count)))

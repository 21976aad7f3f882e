;; The phone-tail scan of the one-subject prefilter (anchors.ts,
;; RegexPrefilter; issue #7), as WebAssembly with SIMD. A tail is a phone
;; number's last seven digits, with any separators between them (space, tab,
;; - . / ( ) [ ] ~ and every byte above 0x7F). V8 ran it as a regular
;; expression that stops at every byte that is the tail's first digit, which
;; in a GA export is one in a few: 1.1 s of the main thread for one subject
;; over the bench's 1 GB. Here 16 positions are tried at once for a tail's
;; first digit followed by its second digit or a separator, and only those
;; are walked. Assembled by scripts/build-wasm.mjs into tails-wasm.ts;
;; test/io/tails-wasm.test.ts checks that it finds the lines the regular
;; expression finds.
;;
;; Memory: [0, 16) and [16, 32) the separator class by low and high nibble
;; (a byte below 0x80 is a separator when the two share a bit), [256, 512)
;; the separator table by byte, [512 + 48k, 512 + 48k + 48) tail k: its first
;; digit in 16 lanes, its second digit in 16 lanes, its seven digits.
;;
;; scan(in, i, n, out, cap, tails) stores at `out` (i32 each, relative to
;; `in`) every position of memory[in + i, in + n) where one of the `tails`
;; tails begins and ends before n; it returns how many, and when that is
;; `cap`, `next` is where to go on from, else `n`.
(module
  (import "env" "memory" (memory 1))
  (global $next (export "next") (mut i32) (i32.const 0))

  ;; Does a tail begin at in + q? Walks each tail over digits and separators.
  (func $tailAt (param $in i32) (param $q i32) (param $n i32) (param $tails i32) (result i32)
    (local $k i32) (local $t i32) (local $p i32) (local $j i32) (local $b i32)
    (block $none
      (loop $each
        (br_if $none (i32.ge_u (local.get $k) (local.get $tails)))
        (local.set $t (i32.add (i32.const 544) (i32.mul (local.get $k) (i32.const 48))))
        (local.set $p (local.get $q))
        (local.set $j (i32.const 0))
        (block $fail
          (loop $walk
            (br_if $fail (i32.ge_u (local.get $p) (local.get $n)))
            (local.set $b (i32.load8_u (i32.add (local.get $in) (local.get $p))))
            (if (i32.lt_u (i32.sub (local.get $b) (i32.const 48)) (i32.const 10))
              (then
                (br_if $fail (i32.ne (local.get $b) (i32.load8_u (i32.add (local.get $t) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (if (i32.eq (local.get $j) (i32.const 7)) (then (return (i32.const 1)))))
              (else
                ;; A separator may come between digits, never before the first.
                (br_if $fail (i32.eqz (local.get $j)))
                (br_if $fail (i32.eqz (i32.load8_u offset=256 (local.get $b))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $walk)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))
    (i32.const 0))

  (func (export "scan")
    (param $in i32) (param $i i32) (param $n i32) (param $out i32) (param $cap i32) (param $tails i32)
    (result i32)
    (local $count i32) (local $v v128) (local $w v128) (local $sep v128) (local $m v128) (local $bits i32)
    (local $k i32) (local $t i32) (local $q i32) (local $lo v128) (local $hi v128) (local $mask v128)
    (local.set $lo (v128.load (i32.const 0)))
    (local.set $hi (v128.load (i32.const 16)))
    (local.set $mask (i8x16.splat (i32.const 15)))
    ;; 16 positions at a time while the byte after them is there too.
    (block $blocks
      (loop $block
        (br_if $blocks (i32.gt_u (i32.add (local.get $i) (i32.const 17)) (local.get $n)))
        (local.set $v (v128.load align=1 (i32.add (local.get $in) (local.get $i))))
        (local.set $w (v128.load align=1 (i32.add (i32.add (local.get $in) (local.get $i)) (i32.const 1))))
        (local.set $sep
          (v128.or
            (i8x16.ne
              (v128.and
                (i8x16.swizzle (local.get $lo) (v128.and (local.get $w) (local.get $mask)))
                (i8x16.swizzle (local.get $hi) (i8x16.shr_u (local.get $w) (i32.const 4))))
              (v128.const i32x4 0 0 0 0))
            (i8x16.lt_s (local.get $w) (v128.const i32x4 0 0 0 0))))
        (local.set $m (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (block $done
          (loop $each
            (br_if $done (i32.ge_u (local.get $k) (local.get $tails)))
            (local.set $t (i32.add (i32.const 512) (i32.mul (local.get $k) (i32.const 48))))
            (local.set $m
              (v128.or (local.get $m)
                (v128.and
                  (i8x16.eq (local.get $v) (v128.load (local.get $t)))
                  (v128.or (i8x16.eq (local.get $w) (v128.load offset=16 (local.get $t))) (local.get $sep)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $each)))
        (local.set $bits (i8x16.bitmask (local.get $m)))
        (block $checked
          (loop $candidate
            (br_if $checked (i32.eqz (local.get $bits)))
            (local.set $q (i32.add (local.get $i) (i32.ctz (local.get $bits))))
            (if (call $tailAt (local.get $in) (local.get $q) (local.get $n) (local.get $tails))
              (then
                (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $q))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (if (i32.eq (local.get $count) (local.get $cap))
                  (then
                    (global.set $next (i32.add (local.get $q) (i32.const 1)))
                    (return (local.get $count))))))
            (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
            (br $candidate)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $block)))
    ;; The last positions one at a time.
    (block $end
      (loop $rest
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (if (call $tailAt (local.get $in) (local.get $i) (local.get $n) (local.get $tails))
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

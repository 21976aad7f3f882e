;; The word scan of decorated.ts (names written with other diacritics than
;; the key's; issue #7), as WebAssembly with SIMD: the JavaScript path ran a
;; regular expression for each run of bytes above 0x7F and then sliced and
;; looked up every word around one, about 1.4 s of the main thread for one
;; subject over the bench's 1 GB. Here 16 bytes at a time are skipped while
;; none is above 0x7F, and a word with such a byte is given to JavaScript
;; only when it could hold a token that folds to a base of interest: when
;; its bytes could make a token as long as the shortest base (decorated.ts
;; says why that bound is sound). Assembled by scripts/build-wasm.mjs into
;; decorated-wasm.ts; test/io/decorated-wasm.test.ts checks that the two
;; agree and that every word the JavaScript path finds is given.
;;
;; Memory: [0, 256) the word table (1: a byte of a word: an ASCII letter,
;; digit or apostrophe, or any byte above 0x7F), [256, 512) the weights (how
;; many characters of a base a byte can give at most: 1 for an ASCII
;; character of a base, 0 for other ASCII, the bound for a byte above 0x7F).
;;
;; scan(in, i, n, out, cap, min) looks at memory[in + i, in + n) for words
;; that hold a byte above 0x7F, never extending one before `in`; each word
;; whose weight is at least `min` is stored at `out` as two i32, its start
;; and end relative to `in`. It returns the number stored; when that is
;; `cap`, `next` is where to go on from, else `n`.
(module
  (import "env" "memory" (memory 1))
  (global $next (export "next") (mut i32) (i32.const 0))
  (func (export "scan")
    (param $in i32) (param $i i32) (param $n i32) (param $out i32) (param $cap i32) (param $min i32)
    (result i32)
    (local $count i32) (local $m i32) (local $w i32) (local $e i32) (local $score i32) (local $b i32) (local $at i32)
    (block $exit
      (loop $outer
        ;; The next byte above 0x7F: 16 at a time (their high bits), then one at a time near the end.
        (block $found
          (block $tail
            (loop $simd
              (br_if $tail (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
              (local.set $m (i8x16.bitmask (v128.load align=1 (i32.add (local.get $in) (local.get $i)))))
              (if (local.get $m)
                (then
                  (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
                  (br $found)))
              (local.set $i (i32.add (local.get $i) (i32.const 16)))
              (br $simd)))
          (loop $scalar
            (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
            (br_if $found (i32.ge_u (i32.load8_u (i32.add (local.get $in) (local.get $i))) (i32.const 0x80)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $scalar)))
        ;; The word around it: back over word bytes (ASCII ones: every byte since the last word is below 0x80)…
        (local.set $w (local.get $i))
        (block $l
          (loop $left
            (br_if $l (i32.eqz (local.get $w)))
            (br_if $l (i32.eqz (i32.load8_u (i32.load8_u (i32.add (local.get $in) (i32.sub (local.get $w) (i32.const 1)))))))
            (local.set $w (i32.sub (local.get $w) (i32.const 1)))
            (br $left)))
        ;; …and forward to its end, adding up the weights.
        (local.set $e (local.get $w))
        (local.set $score (i32.const 0))
        (block $r
          (loop $right
            (br_if $r (i32.ge_u (local.get $e) (local.get $n)))
            (local.set $b (i32.load8_u (i32.add (local.get $in) (local.get $e))))
            (br_if $r (i32.eqz (i32.load8_u (local.get $b))))
            (local.set $score (i32.add (local.get $score) (i32.load8_u offset=256 (local.get $b))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $right)))
        (if (i32.ge_u (local.get $score) (local.get $min))
          (then
            (local.set $at (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 3))))
            (i32.store (local.get $at) (local.get $w))
            (i32.store offset=4 (local.get $at) (local.get $e))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (if (i32.eq (local.get $count) (local.get $cap))
              (then
                (global.set $next (local.get $e))
                (return (local.get $count))))))
        (local.set $i (local.get $e))
        (br $outer)))
    (global.set $next (local.get $n))
    (local.get $count)))

;; The byte loop of the batch prefilter (src/io/anchors.ts, AnchorPrefilter),
;; as WebAssembly: V8 runs the same loop in JavaScript at about 150 MB/s
;; (issue #7). Assembled by scripts/build-wasm.mjs into automaton-wasm.ts;
;; test/io/automaton-wasm.test.ts checks that the two agree and that the
;; loop gives exactly what the JavaScript loop gives.
;;
;; scan(buf, i, end, classOf, cls, delta, tails, useTails) runs the
;; Aho-Corasick automaton and the phone-tail scan over memory[buf + i,
;; buf + end), from the state in the globals s, tail and digits. The
;; automaton is laid out so that the loop carries no multiplication:
;; classOf[b] (i32) is the byte offset of b's column in a row, s the byte
;; offset of the state's row in delta, and a transition the byte offset of
;; the next row, with bit 30 set when that state accepts. cls[b] is 1 for a
;; digit, 2 for a phone separator, 0 for anything else; tails is a bitmap
;; of 10^7 bits. It stops at the first byte where the automaton accepts or a
;; tail of seven digits is in the bitmap (then tailHit is 1), and returns
;; that byte's index, with the globals holding the state after it; or -1 at
;; the end.
(module
  (import "env" "memory" (memory 1))
  (global $s (export "s") (mut i32) (i32.const 0))
  (global $tail (export "tail") (mut i32) (i32.const 0))
  (global $digits (export "digits") (mut i32) (i32.const 0))
  (global $tailHit (export "tailHit") (mut i32) (i32.const 0))
  (func (export "scan")
    (param $buf i32) (param $i i32) (param $end i32)
    (param $classOf i32) (param $cls i32) (param $delta i32)
    (param $tails i32) (param $useTails i32)
    (result i32)
    (local $s i32) (local $v i32) (local $tail i32) (local $digits i32) (local $b i32) (local $c i32)
    (local.set $s (global.get $s))
    (local.set $tail (global.get $tail))
    (local.set $digits (global.get $digits))
    (global.set $tailHit (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $b (i32.load8_u (i32.add (local.get $buf) (local.get $i))))
        ;; s is the byte offset of the state's row; an entry is the next row's offset, with bit 30 set
        ;; when that state accepts (so the loop carries no multiplication: issue #7)
        (local.set $v
          (i32.load
            (i32.add
              (i32.add (local.get $delta) (local.get $s))
              (i32.load (i32.add (local.get $classOf) (i32.shl (local.get $b) (i32.const 2)))))))
        (local.set $s (i32.and (local.get $v) (i32.const 0x3fffffff)))
        (if (local.get $useTails)
          (then
            (local.set $c (i32.load8_u (i32.add (local.get $cls) (local.get $b))))
            (if (i32.eq (local.get $c) (i32.const 1))
              (then
                (local.set $tail
                  (i32.rem_u
                    (i32.add (i32.mul (local.get $tail) (i32.const 10)) (i32.sub (local.get $b) (i32.const 48)))
                    (i32.const 10000000)))
                (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
                (if (i32.ge_u (local.get $digits) (i32.const 7))
                  (then
                    (if (i32.and
                          (i32.load8_u (i32.add (local.get $tails) (i32.shr_u (local.get $tail) (i32.const 3))))
                          (i32.shl (i32.const 1) (i32.and (local.get $tail) (i32.const 7))))
                      (then (global.set $tailHit (i32.const 1)))))))
              (else
                (if (i32.ne (local.get $c) (i32.const 2))
                  (then
                    (local.set $tail (i32.const 0))
                    (local.set $digits (i32.const 0))))))))
        (if (i32.or (global.get $tailHit) (i32.and (local.get $v) (i32.const 0x40000000)))
          (then
            (global.set $s (local.get $s))
            (global.set $tail (local.get $tail))
            (global.set $digits (local.get $digits))
            (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $s (local.get $s))
    (global.set $tail (local.get $tail))
    (global.set $digits (local.get $digits))
    (i32.const -1))
)

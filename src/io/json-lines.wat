;; A JSON object validator for the lines of NDJSON exports, as WebAssembly
;; (issue #7). The check of a prefiltered GA read (ndjson.ts,
;; checkNdjsonRows) must count the lines that are not rows as a reader of
;; every line does; JSON.parse of every line to learn that it is one cost
;; the check worker 2.4 s and a heap of garbage per GB. This answers the
;; question without building anything. Assembled by scripts/build-wasm.mjs
;; into json-lines-wasm.ts; test/io/json-lines-wasm.test.ts checks that the
;; two agree and compares the answers with JSON.parse.
;;
;; row(i, end) is 1 when memory[i, end) is one JSON text (RFC 8259, as
;; JSON.parse reads the bytes as Latin-1) whose value is an object nesting
;; at most 64 levels deep, and 0 otherwise. The caller then asks
;; JSON.parse: a 0 only costs time, a 1 must never be wrong. So anything
;; unusual is a 0: a byte above 0x7F outside a string, deeper nesting.
;; memory[0, 64] is the stack of open containers (1 object, 2 array).
(module
  (import "env" "memory" (memory 1))
  (func $string (param $i i32) (param $end i32) (result i32)
    ;; i is just after the opening quote: the index after the closing one, or -1
    (local $c i32) (local $v v128) (local $m i32)
    (loop $next
      ;; 16 bytes at a time to the next quote, backslash or control byte, which the byte loop below
      ;; then reads: most of a line is its strings (URLs, ids, parameter names).
      (block $bytes
        (loop $blocks
          (br_if $bytes (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end)))
          (local.set $v (v128.load align=1 (local.get $i)))
          (local.set $m
            (i8x16.bitmask
              (v128.or
                (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
                (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))
          (if (local.get $m)
            (then
              (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $m))))
              (br $bytes)))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $blocks)))
      (if (i32.ge_u (local.get $i) (local.get $end)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.eq (local.get $c) (i32.const 0x22)) (then (return (local.get $i))))
      (if (i32.lt_u (local.get $c) (i32.const 0x20)) (then (return (i32.const -1))))
      (if (i32.eq (local.get $c) (i32.const 0x5c))
        (then
          (if (i32.ge_u (local.get $i) (local.get $end)) (then (return (i32.const -1))))
          (local.set $c (i32.load8_u (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (if (i32.eq (local.get $c) (i32.const 0x75))
            (then
              ;; \uXXXX: four hex digits
              (if (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $end)) (then (return (i32.const -1))))
              (if (i32.eqz (call $hex (i32.load8_u (local.get $i)))) (then (return (i32.const -1))))
              (if (i32.eqz (call $hex (i32.load8_u offset=1 (local.get $i)))) (then (return (i32.const -1))))
              (if (i32.eqz (call $hex (i32.load8_u offset=2 (local.get $i)))) (then (return (i32.const -1))))
              (if (i32.eqz (call $hex (i32.load8_u offset=3 (local.get $i)))) (then (return (i32.const -1))))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $next)))
          ;; " \ / b f n r t
          (br_if $next (i32.eq (local.get $c) (i32.const 0x22)))
          (br_if $next (i32.eq (local.get $c) (i32.const 0x5c)))
          (br_if $next (i32.eq (local.get $c) (i32.const 0x2f)))
          (br_if $next (i32.eq (local.get $c) (i32.const 0x62)))
          (br_if $next (i32.eq (local.get $c) (i32.const 0x66)))
          (br_if $next (i32.eq (local.get $c) (i32.const 0x6e)))
          (br_if $next (i32.eq (local.get $c) (i32.const 0x72)))
          (br_if $next (i32.eq (local.get $c) (i32.const 0x74)))
          (return (i32.const -1))))
      (br $next))
    (unreachable))

  (func $hex (param $c i32) (result i32)
    (i32.or
      (i32.lt_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 10))
      (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x61)) (i32.const 6))))

  (func $digit (param $i i32) (param $end i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $i) (local.get $end))
      (then (i32.lt_u (i32.sub (i32.load8_u (local.get $i)) (i32.const 0x30)) (i32.const 10)))
      (else (i32.const 0))))

  (func $number (param $i i32) (param $end i32) (result i32)
    ;; -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? from i: the index after it, or -1
    (local $c i32)
    (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x2d)) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
    (if (i32.eqz (call $digit (local.get $i) (local.get $end))) (then (return (i32.const -1))))
    (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x30))
      (then (local.set $i (i32.add (local.get $i) (i32.const 1))))
      (else
        (loop $int
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $int (call $digit (local.get $i) (local.get $end))))))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x2e))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.eqz (call $digit (local.get $i) (local.get $end))) (then (return (i32.const -1))))
            (loop $frac
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $frac (call $digit (local.get $i) (local.get $end))))))))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then
        (local.set $c (i32.or (i32.load8_u (local.get $i)) (i32.const 0x20)))
        (if (i32.eq (local.get $c) (i32.const 0x65))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.lt_u (local.get $i) (local.get $end))
              (then
                (local.set $c (i32.load8_u (local.get $i)))
                (if (i32.or (i32.eq (local.get $c) (i32.const 0x2b)) (i32.eq (local.get $c) (i32.const 0x2d)))
                  (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))))
            (if (i32.eqz (call $digit (local.get $i) (local.get $end))) (then (return (i32.const -1))))
            (loop $exp
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $exp (call $digit (local.get $i) (local.get $end))))))))
    (local.get $i))

  ;; States: 0 a value, 1 a value or ] (after [), 2 a key or } (after {), 3 a key (after , in an object),
  ;; 4 the : after a key, 5 after a value.
  (func (export "row") (param $i i32) (param $end i32) (result i32)
    (local $c i32) (local $state i32) (local $depth i32)
    ;; the first byte that is not white space must open an object
    (block $start
      (loop $ws
        (if (i32.ge_u (local.get $i) (local.get $end)) (then (return (i32.const 0))))
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $start (i32.eq (local.get $c) (i32.const 0x7b)))
        (if (i32.eqz (call $space (local.get $c))) (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $ws)))
    (loop $next
      ;; white space between tokens
      (block $tok
        (loop $ws
          (br_if $tok (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $c (i32.load8_u (local.get $i)))
          (br_if $tok (i32.eqz (call $space (local.get $c))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $ws)))
      (if (i32.ge_u (local.get $i) (local.get $end))
        (then (return (i32.and (i32.eq (local.get $state) (i32.const 5)) (i32.eqz (local.get $depth))))))
      (local.set $c (i32.load8_u (local.get $i)))
      (block $fail
        (block $after
          (block $value
            (block $key
              (block $colon
                (br_table $value $value $key $key $colon $after (local.get $state)))
              ;; 4: the colon
              (br_if $fail (i32.ne (local.get $c) (i32.const 0x3a)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (local.set $state (i32.const 0))
              (br $next))
            ;; 2, 3: a key (or, after {, the })
            (if (i32.and (i32.eq (local.get $state) (i32.const 2)) (i32.eq (local.get $c) (i32.const 0x7d)))
              (then
                (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $state (i32.const 5))
                (br $next)))
            (br_if $fail (i32.ne (local.get $c) (i32.const 0x22)))
            (local.set $i (call $string (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
            (br_if $fail (i32.lt_s (local.get $i) (i32.const 0)))
            (local.set $state (i32.const 4))
            (br $next))
          ;; 0, 1: a value (or, after [, the ])
          (if (i32.and (i32.eq (local.get $state) (i32.const 1)) (i32.eq (local.get $c) (i32.const 0x5d)))
            (then
              (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (local.set $state (i32.const 5))
              (br $next)))
          (if (i32.eq (local.get $c) (i32.const 0x22))
            (then
              (local.set $i (call $string (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
              (br_if $fail (i32.lt_s (local.get $i) (i32.const 0)))
              (local.set $state (i32.const 5))
              (br $next)))
          (if (i32.or (i32.eq (local.get $c) (i32.const 0x7b)) (i32.eq (local.get $c) (i32.const 0x5b)))
            (then
              (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
              (br_if $fail (i32.gt_u (local.get $depth) (i32.const 64)))
              (i32.store8 (local.get $depth) (if (result i32) (i32.eq (local.get $c) (i32.const 0x7b)) (then (i32.const 1)) (else (i32.const 2))))
              (local.set $state (if (result i32) (i32.eq (local.get $c) (i32.const 0x7b)) (then (i32.const 2)) (else (i32.const 1))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $next)))
          (if (i32.or (i32.eq (local.get $c) (i32.const 0x2d)) (i32.lt_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 10)))
            (then
              (local.set $i (call $number (local.get $i) (local.get $end)))
              (br_if $fail (i32.lt_s (local.get $i) (i32.const 0)))
              (local.set $state (i32.const 5))
              (br $next)))
          ;; true, null (four bytes), false (five)
          (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $end))
            (then
              (if (i32.or
                    (i32.eq (i32.load (local.get $i)) (i32.const 0x65757274))
                    (i32.eq (i32.load (local.get $i)) (i32.const 0x6c6c756e)))
                (then
                  (local.set $i (i32.add (local.get $i) (i32.const 4)))
                  (local.set $state (i32.const 5))
                  (br $next)))))
          (if (i32.le_u (i32.add (local.get $i) (i32.const 5)) (local.get $end))
            (then
              (if (i32.and
                    (i32.eq (i32.load (local.get $i)) (i32.const 0x736c6166))
                    (i32.eq (i32.load8_u offset=4 (local.get $i)) (i32.const 0x65)))
                (then
                  (local.set $i (i32.add (local.get $i) (i32.const 5)))
                  (local.set $state (i32.const 5))
                  (br $next)))))
          (br $fail))
        ;; 5: after a value, at depth > 0: a comma, or the close of the container
        (br_if $fail (i32.eqz (local.get $depth)))
        (if (i32.eq (local.get $c) (i32.const 0x2c))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $state (if (result i32) (i32.eq (i32.load8_u (local.get $depth)) (i32.const 1)) (then (i32.const 3)) (else (i32.const 0))))
            (br $next)))
        (if (i32.or
              (i32.and (i32.eq (local.get $c) (i32.const 0x7d)) (i32.eq (i32.load8_u (local.get $depth)) (i32.const 1)))
              (i32.and (i32.eq (local.get $c) (i32.const 0x5d)) (i32.eq (i32.load8_u (local.get $depth)) (i32.const 2))))
          (then
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (br $fail))
      (return (i32.const 0)))
    (unreachable))

  (func $space (param $c i32) (result i32)
    ;; JSON's white space: space, tab, line feed, carriage return
    (i32.or
      (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x09)))
      (i32.or (i32.eq (local.get $c) (i32.const 0x0a)) (i32.eq (local.get $c) (i32.const 0x0d))))))

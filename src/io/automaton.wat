;; The byte loop of the batch prefilter (src/io/anchors.ts, AnchorPrefilter),
;; as WebAssembly: V8 runs the same loop in JavaScript at about 150 MB/s
;; (issue #7). Assembled by scripts/build-wasm.mjs into automaton-wasm.ts;
;; test/io/automaton-wasm.test.ts checks that the two agree and that the
;; loop gives exactly what the JavaScript loop gives.
;;
;; Two automata read each byte: the anchors' (delta, classOf) and the phone
;; tails' (tdelta), whose patterns are seven digits and whose separators
;; are a class every state loops on, so that a tail is found with any
;; separators between its digits. They are laid out so that the loop carries
;; no multiplication: classOf[b] (i32) is the byte offset of b's column in a
;; row of the anchors' automaton (low 16 bits) and of the tails' (high 16
;; bits), one load for both; a state is the byte offset of its row, and a
;; transition the byte offset of the next row, with bit 30 set when that
;; state accepts. A stop's bits: 1 the anchors' state accepts, 2 a tail
;; ends here.
;;
;; scan(buf, i, end, classOf, delta, tdelta) runs them over
;; memory[buf + i, buf + end) from the states in the globals s and t, and
;; stops at the first byte where either accepts: it returns that byte's
;; index, with s, t and stop set; or -1 at the end.
;;
;; scan4(buf, classOf, delta, tdelta, lanes) runs four lanes of
;; the same loop side by side, each over its own stretch of the bytes: one
;; lane waits on each load of a table, four overlap their waits. Lane k at
;; lanes + 20k holds its position, its end, its two states and, after a
;; return, the stop bits of the byte before its position. It returns 1 after
;; a step where some lane stopped (every lane's position is then the byte
;; after the one it looked at), 0 when a lane reached its end (the caller
;; finishes the others with scan).
(module
  (import "env" "memory" (memory 1))
  (global $s (export "s") (mut i32) (i32.const 0))
  (global $t (export "t") (mut i32) (i32.const 0))
  (global $stop (export "stop") (mut i32) (i32.const 0))
  (func (export "scan")
    (param $buf i32) (param $i i32) (param $end i32) (param $classOf i32) (param $delta i32) (param $tdelta i32)
    (result i32)
    (local $s i32) (local $t i32) (local $h i32) (local $b i32) (local $c i32) (local $v i32) (local $w i32)
    (local.set $s (global.get $s))
    (local.set $t (global.get $t))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $b (i32.load8_u (i32.add (local.get $buf) (local.get $i))))
        (local.set $c (i32.load (i32.add (local.get $classOf) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $v (i32.load (i32.add (i32.add (local.get $delta) (local.get $s)) (i32.and (local.get $c) (i32.const 0xffff)))))
        (local.set $w (i32.load (i32.add (i32.add (local.get $tdelta) (local.get $t)) (i32.shr_u (local.get $c) (i32.const 16)))))
        (local.set $s (i32.and (local.get $v) (i32.const 0x3fffffff)))
        (local.set $t (i32.and (local.get $w) (i32.const 0x3fffffff)))
        (local.set $h (i32.or (i32.shr_u (local.get $v) (i32.const 30)) (i32.shl (i32.shr_u (local.get $w) (i32.const 30)) (i32.const 1))))
        (if (local.get $h)
          (then
            (global.set $s (local.get $s))
            (global.set $t (local.get $t))
            (global.set $stop (local.get $h))
            (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $s (local.get $s))
    (global.set $t (local.get $t))
    (global.set $stop (i32.const 0))
    (i32.const -1))

  (func (export "scan4")
    (param $buf i32) (param $classOf i32) (param $delta i32) (param $tdelta i32) (param $lanes i32)
    (result i32)
    (local $n i32) (local $m i32) (local $b i32) (local $c i32) (local $v i32) (local $w i32) (local $p0 i32) (local $s0 i32) (local $t0 i32) (local $h0 i32) (local $p1 i32) (local $s1 i32) (local $t1 i32) (local $h1 i32) (local $p2 i32) (local $s2 i32) (local $t2 i32) (local $h2 i32) (local $p3 i32) (local $s3 i32) (local $t3 i32) (local $h3 i32)
    (local.set $p0 (i32.load offset=0 (local.get $lanes)))
    (local.set $s0 (i32.load offset=8 (local.get $lanes)))
    (local.set $t0 (i32.load offset=12 (local.get $lanes)))
    (local.set $p1 (i32.load offset=20 (local.get $lanes)))
    (local.set $s1 (i32.load offset=28 (local.get $lanes)))
    (local.set $t1 (i32.load offset=32 (local.get $lanes)))
    (local.set $p2 (i32.load offset=40 (local.get $lanes)))
    (local.set $s2 (i32.load offset=48 (local.get $lanes)))
    (local.set $t2 (i32.load offset=52 (local.get $lanes)))
    (local.set $p3 (i32.load offset=60 (local.get $lanes)))
    (local.set $s3 (i32.load offset=68 (local.get $lanes)))
    (local.set $t3 (i32.load offset=72 (local.get $lanes)))
    (local.set $n (i32.sub (i32.load offset=4 (local.get $lanes)) (local.get $p0)))
    (local.set $m (i32.sub (i32.load offset=24 (local.get $lanes)) (local.get $p1)))
    (if (i32.lt_s (local.get $m) (local.get $n)) (then (local.set $n (local.get $m))))
    (local.set $m (i32.sub (i32.load offset=44 (local.get $lanes)) (local.get $p2)))
    (if (i32.lt_s (local.get $m) (local.get $n)) (then (local.set $n (local.get $m))))
    (local.set $m (i32.sub (i32.load offset=64 (local.get $lanes)) (local.get $p3)))
    (if (i32.lt_s (local.get $m) (local.get $n)) (then (local.set $n (local.get $m))))
    (block $end
      (loop $step
        (br_if $end (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $b (i32.load8_u (i32.add (local.get $buf) (local.get $p0))))
        (local.set $c (i32.load (i32.add (local.get $classOf) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $v (i32.load (i32.add (i32.add (local.get $delta) (local.get $s0)) (i32.and (local.get $c) (i32.const 0xffff)))))
        (local.set $w (i32.load (i32.add (i32.add (local.get $tdelta) (local.get $t0)) (i32.shr_u (local.get $c) (i32.const 16)))))
        (local.set $s0 (i32.and (local.get $v) (i32.const 0x3fffffff)))
        (local.set $t0 (i32.and (local.get $w) (i32.const 0x3fffffff)))
        (local.set $h0 (i32.or (i32.shr_u (local.get $v) (i32.const 30)) (i32.shl (i32.shr_u (local.get $w) (i32.const 30)) (i32.const 1))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 1)))
        (local.set $b (i32.load8_u (i32.add (local.get $buf) (local.get $p1))))
        (local.set $c (i32.load (i32.add (local.get $classOf) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $v (i32.load (i32.add (i32.add (local.get $delta) (local.get $s1)) (i32.and (local.get $c) (i32.const 0xffff)))))
        (local.set $w (i32.load (i32.add (i32.add (local.get $tdelta) (local.get $t1)) (i32.shr_u (local.get $c) (i32.const 16)))))
        (local.set $s1 (i32.and (local.get $v) (i32.const 0x3fffffff)))
        (local.set $t1 (i32.and (local.get $w) (i32.const 0x3fffffff)))
        (local.set $h1 (i32.or (i32.shr_u (local.get $v) (i32.const 30)) (i32.shl (i32.shr_u (local.get $w) (i32.const 30)) (i32.const 1))))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 1)))
        (local.set $b (i32.load8_u (i32.add (local.get $buf) (local.get $p2))))
        (local.set $c (i32.load (i32.add (local.get $classOf) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $v (i32.load (i32.add (i32.add (local.get $delta) (local.get $s2)) (i32.and (local.get $c) (i32.const 0xffff)))))
        (local.set $w (i32.load (i32.add (i32.add (local.get $tdelta) (local.get $t2)) (i32.shr_u (local.get $c) (i32.const 16)))))
        (local.set $s2 (i32.and (local.get $v) (i32.const 0x3fffffff)))
        (local.set $t2 (i32.and (local.get $w) (i32.const 0x3fffffff)))
        (local.set $h2 (i32.or (i32.shr_u (local.get $v) (i32.const 30)) (i32.shl (i32.shr_u (local.get $w) (i32.const 30)) (i32.const 1))))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 1)))
        (local.set $b (i32.load8_u (i32.add (local.get $buf) (local.get $p3))))
        (local.set $c (i32.load (i32.add (local.get $classOf) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $v (i32.load (i32.add (i32.add (local.get $delta) (local.get $s3)) (i32.and (local.get $c) (i32.const 0xffff)))))
        (local.set $w (i32.load (i32.add (i32.add (local.get $tdelta) (local.get $t3)) (i32.shr_u (local.get $c) (i32.const 16)))))
        (local.set $s3 (i32.and (local.get $v) (i32.const 0x3fffffff)))
        (local.set $t3 (i32.and (local.get $w) (i32.const 0x3fffffff)))
        (local.set $h3 (i32.or (i32.shr_u (local.get $v) (i32.const 30)) (i32.shl (i32.shr_u (local.get $w) (i32.const 30)) (i32.const 1))))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 1)))
        (br_if $step (i32.eqz (i32.or (i32.or (local.get $h0) (local.get $h1)) (i32.or (local.get $h2) (local.get $h3)))))
        (i32.store offset=0 (local.get $lanes) (local.get $p0))
        (i32.store offset=8 (local.get $lanes) (local.get $s0))
        (i32.store offset=12 (local.get $lanes) (local.get $t0))
        (i32.store offset=16 (local.get $lanes) (local.get $h0))
        (i32.store offset=20 (local.get $lanes) (local.get $p1))
        (i32.store offset=28 (local.get $lanes) (local.get $s1))
        (i32.store offset=32 (local.get $lanes) (local.get $t1))
        (i32.store offset=36 (local.get $lanes) (local.get $h1))
        (i32.store offset=40 (local.get $lanes) (local.get $p2))
        (i32.store offset=48 (local.get $lanes) (local.get $s2))
        (i32.store offset=52 (local.get $lanes) (local.get $t2))
        (i32.store offset=56 (local.get $lanes) (local.get $h2))
        (i32.store offset=60 (local.get $lanes) (local.get $p3))
        (i32.store offset=68 (local.get $lanes) (local.get $s3))
        (i32.store offset=72 (local.get $lanes) (local.get $t3))
        (i32.store offset=76 (local.get $lanes) (local.get $h3))
        (return (i32.const 1))))
    (i32.store offset=0 (local.get $lanes) (local.get $p0))
    (i32.store offset=8 (local.get $lanes) (local.get $s0))
    (i32.store offset=12 (local.get $lanes) (local.get $t0))
    (i32.store offset=16 (local.get $lanes) (local.get $h0))
    (i32.store offset=20 (local.get $lanes) (local.get $p1))
    (i32.store offset=28 (local.get $lanes) (local.get $s1))
    (i32.store offset=32 (local.get $lanes) (local.get $t1))
    (i32.store offset=36 (local.get $lanes) (local.get $h1))
    (i32.store offset=40 (local.get $lanes) (local.get $p2))
    (i32.store offset=48 (local.get $lanes) (local.get $s2))
    (i32.store offset=52 (local.get $lanes) (local.get $t2))
    (i32.store offset=56 (local.get $lanes) (local.get $h2))
    (i32.store offset=60 (local.get $lanes) (local.get $p3))
    (i32.store offset=68 (local.get $lanes) (local.get $s3))
    (i32.store offset=72 (local.get $lanes) (local.get $t3))
    (i32.store offset=76 (local.get $lanes) (local.get $h3))
    (i32.const 0))
)

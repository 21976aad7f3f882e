;; The record splitter of the CSV fast path (csv-fast.ts; issue #7), as
;; WebAssembly with SIMD, for the stretches between prefilter hits. The
;; JavaScript loop found each record's end with native indexOf jumps, a few
;; calls per record: a third of a second per 150 MB of newsletter export,
;; where almost every record is skipped. Here 16 bytes are classified at once
;; and the quoted stretches come from a prefix XOR of the quote mask, as in
;; simdjson (Langdale and Lemire, "Parsing gigabytes of JSON per second").
;; Assembled by scripts/build-wasm.mjs into csv-records-wasm.ts;
;; test/io/csv-records-wasm.test.ts checks that it takes exactly the records
;; the JavaScript loop takes, and stops where that loop would see anything
;; irregular.
;;
;; skim(in, pos, limit, delim, crlf) goes over the whole records of
;; memory[in + pos, in + limit), pos being the start of a record (outside
;; quotes), and returns where it stopped: the start of the first record it
;; did not take, relative to in. `records` is then the number it took. It
;; takes a record that ends (a line feed outside quotes) before limit and is
;; plain, as the JavaScript loop reads it without handing over:
;; - a quote opens a field only after a delimiter, at the record's start, or
;;   right after a closing quote (the second quote of an escaped pair);
;; - after a closing quote comes a delimiter, a CR, a line feed or a quote;
;; - the line feed that ends it has a CR before it exactly when `crlf`;
;; - it is not empty (nothing, or a lone CR, before its line feed).
;; It stops before the first record that is not plain, which the caller
;; reads the slow way (and hands over or not, as it always did). The 16
;; bytes after limit must be readable; what they hold is ignored.
;;
;; skimFields(in, pos, limit, delim, crlf, fields) is skim that also stops
;; before a record whose fields (delimiters outside quotes, plus one) are
;; not `fields`: the check of a CSV file's field counts (checks.ts) counts
;; only the records it does not take, where it used to count every record
;; in JavaScript.
;;
;; lines(in, from, to) counts the line feeds of memory[in + from, in + to).
(module
  (import "env" "memory" (memory 1))
  (global $records (export "records") (mut i32) (i32.const 0))

  (func (export "skim")
    (param $in i32) (param $pos i32) (param $limit i32) (param $delim i32) (param $crlf i32)
    (result i32)
    (call $skim (local.get $in) (local.get $pos) (local.get $limit) (local.get $delim) (local.get $crlf) (i32.const 0)))

  (func (export "skimFields")
    (param $in i32) (param $pos i32) (param $limit i32) (param $delim i32) (param $crlf i32) (param $fields i32)
    (result i32)
    (call $skim (local.get $in) (local.get $pos) (local.get $limit) (local.get $delim) (local.get $crlf) (local.get $fields)))

  ;; $fields 0: no count.
  (func $skim
    (param $in i32) (param $pos i32) (param $limit i32) (param $delim i32) (param $crlf i32) (param $fields i32)
    (result i32)
    (local $run i32) (local $dout i32) (local $e2 i32) (local $at i32) (local $after i32)
    (local $i i32) (local $v v128) (local $valid i32) (local $cut i32)
    (local $q i32) (local $l i32) (local $c i32) (local $d i32) (local $x i32)
    (local $inq i32) (local $carry i32) (local $end i32) (local $start i32) (local $open i32) (local $close i32)
    (local $bad i32) (local $ends i32) (local $first i32) (local $count i32) (local $last i32)
    (local $lastD i32) (local $lastQ i32) (local $lastClose i32) (local $lastC i32) (local $lastEnd i32) (local $lastStartC i32)
    (local $vq v128) (local $vl v128) (local $vc v128) (local $vd v128)
    (local.set $vq (i8x16.splat (i32.const 0x22)))
    (local.set $vl (i8x16.splat (i32.const 0x0a)))
    (local.set $vc (i8x16.splat (i32.const 0x0d)))
    (local.set $vd (i8x16.splat (local.get $delim)))
    (local.set $i (local.get $pos))
    ;; The byte before pos ended a record.
    (local.set $lastEnd (i32.const 1))
    (local.set $last (i32.sub (local.get $pos) (i32.const 1)))
    (block $stop
      (loop $block
        (br_if $stop (i32.ge_u (local.get $i) (local.get $limit)))
        (local.set $v (v128.load align=1 (i32.add (local.get $in) (local.get $i))))
        ;; Most blocks hold no quote, CR or line feed: then only the delimiter at their end is carried
        ;; (unless a closing quote ended the block before: what follows it must be looked at).
        (if (i32.and
              (i32.eqz (local.get $lastClose))
              (i32.and
                (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $limit))
                (i32.eqz
                  (v128.any_true
                    (v128.or
                      (i8x16.eq (local.get $v) (local.get $vq))
                      (v128.or (i8x16.eq (local.get $v) (local.get $vl)) (i8x16.eq (local.get $v) (local.get $vc))))))))
          (then
            ;; Outside quotes, the block's delimiters separate fields of the record.
            (if (i32.and (i32.ne (local.get $fields) (i32.const 0)) (i32.eqz (local.get $carry)))
              (then
                (local.set $run
                  (i32.add (local.get $run) (i32.popcnt (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vd))))))))
            (local.set $lastD (i32.eq (i32.load8_u offset=15 (i32.add (local.get $in) (local.get $i))) (local.get $delim)))
            (local.set $lastQ (i32.const 0))
            (local.set $lastC (i32.const 0))
            (local.set $lastEnd (i32.const 0))
            (local.set $lastStartC (i32.const 0))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $block)))
        ;; Only the positions before limit count.
        (local.set $cut (i32.sub (local.get $limit) (local.get $i)))
        (local.set $valid
          (if (result i32) (i32.ge_u (local.get $cut) (i32.const 16))
            (then (i32.const 0xffff))
            (else (i32.sub (i32.shl (i32.const 1) (local.get $cut)) (i32.const 1)))))
        (local.set $q (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vq))) (local.get $valid)))
        (local.set $l (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vl))) (local.get $valid)))
        (local.set $c (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vc))) (local.get $valid)))
        (local.set $d (i32.and (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $vd))) (local.get $valid)))
        ;; Inside quotes: an odd number of quotes up to and including the position (with those before the block).
        (local.set $x (local.get $q))
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 1))))
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 2))))
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 4))))
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 8))))
        (local.set $inq (i32.and (i32.xor (local.get $x) (local.get $carry)) (i32.const 0xffff)))
        (local.set $carry (i32.sub (i32.const 0) (i32.and (i32.shr_u (local.get $inq) (i32.const 15)) (i32.const 1))))
        ;; Line feeds that end records, and the positions that start one.
        (local.set $end (i32.and (local.get $l) (i32.xor (local.get $inq) (i32.const -1))))
        (local.set $start (i32.and (i32.or (i32.shl (local.get $end) (i32.const 1)) (local.get $lastEnd)) (i32.const 0xffff)))
        (local.set $open (i32.and (local.get $q) (local.get $inq)))
        (local.set $close (i32.and (local.get $q) (i32.xor (local.get $inq) (i32.const -1))))
        ;; An opening quote after anything but a delimiter, a record's start or a closing quote.
        (local.set $bad
          (i32.and (local.get $open)
            (i32.xor
              (i32.or
                (i32.or (i32.shl (local.get $d) (i32.const 1)) (local.get $lastD))
                (i32.or (local.get $start) (i32.or (i32.shl (local.get $q) (i32.const 1)) (local.get $lastQ))))
              (i32.const -1))))
        ;; A closing quote followed by anything but a delimiter, CR, line feed or quote.
        (local.set $bad
          (i32.or (local.get $bad)
            (i32.and
              (i32.and (i32.or (i32.shl (local.get $close) (i32.const 1)) (local.get $lastClose)) (local.get $valid))
              (i32.xor (i32.or (i32.or (local.get $d) (local.get $c)) (i32.or (local.get $l) (local.get $q))) (i32.const -1)))))
        ;; A record end with a CR before it where there should be none, or none where there should be one.
        (local.set $x (i32.or (i32.shl (local.get $c) (i32.const 1)) (local.get $lastC)))
        (local.set $bad
          (i32.or (local.get $bad)
            (i32.and (local.get $end)
              (if (result i32) (local.get $crlf)
                (then (i32.xor (local.get $x) (i32.const -1)))
                (else (local.get $x))))))
        ;; An empty record: its line feed at its start, or (CRLF) after a CR at its start.
        (local.set $bad (i32.or (local.get $bad) (i32.and (local.get $end) (local.get $start))))
        (local.set $bad
          (i32.or (local.get $bad)
            (i32.and (local.get $end)
              (i32.or (i32.shl (i32.and (local.get $start) (local.get $c)) (i32.const 1)) (local.get $lastStartC)))))
        ;; A record with another number of fields: its line feed is bad, so that it is not taken.
        (if (local.get $fields)
          (then
            (local.set $dout (i32.and (local.get $d) (i32.xor (local.get $inq) (i32.const -1))))
            (local.set $e2 (local.get $end))
            (local.set $after (i32.const 0xffff))
            (block $counted
              (loop $ends
                (br_if $counted (i32.eqz (local.get $e2)))
                (local.set $at (i32.ctz (local.get $e2)))
                (local.set $run
                  (i32.add (local.get $run)
                    (i32.popcnt
                      (i32.and (local.get $dout)
                        (i32.and (local.get $after) (i32.sub (i32.shl (i32.const 1) (local.get $at)) (i32.const 1)))))))
                (if (i32.ne (i32.add (local.get $run) (i32.const 1)) (local.get $fields))
                  (then
                    (local.set $bad (i32.or (local.get $bad) (i32.shl (i32.const 1) (local.get $at))))
                    (br $counted)))
                (local.set $run (i32.const 0))
                (local.set $after
                  (i32.and (i32.const 0xffff)
                    (i32.xor (i32.sub (i32.shl (i32.const 2) (local.get $at)) (i32.const 1)) (i32.const -1))))
                (local.set $e2 (i32.and (local.get $e2) (i32.sub (local.get $e2) (i32.const 1))))
                (br $ends)))
            (local.set $run (i32.add (local.get $run) (i32.popcnt (i32.and (local.get $dout) (local.get $after)))))))
        (local.set $bad (i32.and (local.get $bad) (i32.const 0xffff)))
        ;; The records that end before the first bad position are taken.
        (local.set $first (i32.ctz (i32.or (local.get $bad) (i32.const 0x10000))))
        (local.set $ends (i32.and (local.get $end) (i32.sub (i32.shl (i32.const 1) (local.get $first)) (i32.const 1))))
        (if (local.get $ends)
          (then
            (local.set $count (i32.add (local.get $count) (i32.popcnt (local.get $ends))))
            (local.set $last (i32.add (local.get $i) (i32.sub (i32.const 31) (i32.clz (local.get $ends)))))))
        (br_if $stop (local.get $bad))
        (local.set $lastD (i32.and (i32.shr_u (local.get $d) (i32.const 15)) (i32.const 1)))
        (local.set $lastQ (i32.and (i32.shr_u (local.get $q) (i32.const 15)) (i32.const 1)))
        (local.set $lastClose (i32.and (i32.shr_u (local.get $close) (i32.const 15)) (i32.const 1)))
        (local.set $lastC (i32.and (i32.shr_u (local.get $c) (i32.const 15)) (i32.const 1)))
        (local.set $lastEnd (i32.and (i32.shr_u (local.get $end) (i32.const 15)) (i32.const 1)))
        (local.set $lastStartC (i32.and (i32.shr_u (i32.and (local.get $start) (local.get $c)) (i32.const 15)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $block)))
    (global.set $records (local.get $count))
    (i32.add (local.get $last) (i32.const 1)))

  (func (export "lines") (param $in i32) (param $from i32) (param $to i32) (result i32)
    (local $count i32) (local $i i32) (local $vl v128)
    (local.set $vl (i8x16.splat (i32.const 0x0a)))
    (local.set $i (local.get $from))
    (block $blocks
      (loop $block
        (br_if $blocks (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $to)))
        (local.set $count
          (i32.add (local.get $count)
            (i32.popcnt (i8x16.bitmask (i8x16.eq (v128.load align=1 (i32.add (local.get $in) (local.get $i))) (local.get $vl))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $block)))
    (block $end
      (loop $rest
        (br_if $end (i32.ge_u (local.get $i) (local.get $to)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $in) (local.get $i))) (i32.const 0x0a))
          (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rest)))
    (local.get $count))
)

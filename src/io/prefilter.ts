/**
 * The byte-level prefilter contract (issue #7). A reader that supports it
 * asks `mayMatch()` about the raw bytes of a record before it parses them
 * and skips the record when the answer is false.
 *
 * Soundness is the whole point: a prefilter may let false candidates
 * through, but it must never reject a record that the full pipeline would
 * match. Tests run every fixture with and without it and compare.
 */
export interface Prefilter {
  /** Could the bytes `buf[start, end)` hold a match? */
  mayMatch(buf: Uint8Array, start: number, end: number): boolean;
}

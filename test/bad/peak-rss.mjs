// Loaded with `node --import` into the CLI under test: at exit, writes the
// process's peak memory to the file named by OJCO_TEST_PEAK_RSS. On Linux,
// VmHWM of /proc/self/status: the high-water mark of this process's own
// memory (getrusage's maxrss can carry over the parent's from fork/exec).
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.OJCO_TEST_PEAK_RSS;
if (out) {
  process.on('exit', () => {
    let kib;
    try {
      kib = Number(/VmHWM:\s*(\d+)\s*kB/u.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    } catch {
      kib = undefined;
    }
    if (!kib) kib = process.resourceUsage().maxRSS;
    writeFileSync(out, JSON.stringify({ peakRssKiB: kib }));
  });
}

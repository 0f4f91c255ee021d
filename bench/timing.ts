/** Timing helpers for micro-benchmarks: repeat until a minimum duration, report ns per item. */

/** Runs `pass` (which handles `items` items) until `minMs` have passed; returns nanoseconds per item. */
export function nsPerItem(items: number, pass: () => void, minMs = 500): number {
  for (let i = 0; i < 3; i++) pass(); // warm up the JIT
  let passes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  const limit = BigInt(minMs) * 1_000_000n;
  while (elapsed < limit) {
    pass();
    passes++;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / (passes * items);
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

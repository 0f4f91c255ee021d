/** Table printing and JSON result files shared by the benchmark scenarios. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Prints rows as an aligned table: the first column left-aligned, the others right-aligned. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const lines = rows.map((row) => row.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(fmt(header));
  for (const line of lines) console.log(fmt(line));
}

/** The machine a result was measured on. */
export function machine(): Record<string, unknown> {
  return { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, platform: `${process.platform}-${process.arch}` };
}

/** Writes `bench/results/<scenario>-<timestamp>.json` with the machine and the given body; returns its path. */
export function writeResult(scenario: string, body: Record<string, unknown>): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = join(here, 'results', `${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ scenario, machine: machine(), ...body }, null, 2)}\n`);
  return out;
}

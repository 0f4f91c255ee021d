/**
 * Reads the recorded fixtures into plain records, the way a connector would: FIRMS CSV rows with
 * numbers parsed and an ISO timestamp, NWS observations flattened to values. Rows that cannot be
 * parsed are returned as rejects with the row and the reason, never thrown.
 */
import { readFile } from 'node:fs/promises';

/** A parsed batch plus the inputs that could not be parsed. */
export interface ParsedFixture {
  records: Record<string, unknown>[];
  rejected: { input: string; reason: string }[];
}

const FIRMS_NUMBERS = new Set(['latitude', 'longitude', 'bright_ti4', 'scan', 'track', 'bright_ti5', 'frp']);

/** `2026-08-10` + `1209` → `2026-08-10T12:09:00Z`, or undefined when either is malformed. */
function firmsTimestamp(date: string | undefined, time: string | undefined): string | undefined {
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !time || !/^\d{1,4}$/.test(time)) return undefined;
  const hhmm = time.padStart(4, '0');
  return `${date}T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00Z`;
}

/** Parses a NASA FIRMS area CSV (no quoted fields in that format). */
export async function readFirmsCsv(path: string): Promise<ParsedFixture> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((line) => line.length > 0);
  const header = (lines.shift() ?? '').split(',');
  const out: ParsedFixture = { records: [], rejected: [] };
  for (const line of lines) {
    const cells = line.split(',');
    if (cells.length !== header.length) {
      out.rejected.push({ input: line, reason: `expected ${header.length} columns, got ${cells.length}` });
      continue;
    }
    const record: Record<string, unknown> = {};
    let bad: string | undefined;
    header.forEach((name, i) => {
      const cell = cells[i] ?? '';
      if (!FIRMS_NUMBERS.has(name)) record[name] = cell;
      else if (Number.isFinite(Number(cell)) && cell !== '') record[name] = Number(cell);
      else bad ??= `${name} is not a number (got ${JSON.stringify(cell)})`;
    });
    const timestamp = firmsTimestamp(cells[header.indexOf('acq_date')], cells[header.indexOf('acq_time')]);
    if (timestamp === undefined) bad ??= 'acq_date/acq_time do not form a time';
    if (bad !== undefined) out.rejected.push({ input: line, reason: bad });
    else out.records.push({ ...record, timestamp });
  }
  return out;
}

interface NwsFeature {
  geometry?: { coordinates?: unknown };
  properties?: Record<string, unknown>;
}

/** `{ unitCode, value }` → value; anything else as is. */
function quantity(value: unknown): unknown {
  return value !== null && typeof value === 'object' && 'value' in value ? (value as { value: unknown }).value : value;
}

/** Flattens an api.weather.gov observation FeatureCollection into one record per station reading. */
export async function readNwsObservations(path: string): Promise<ParsedFixture> {
  const doc = JSON.parse(await readFile(path, 'utf8')) as { features?: NwsFeature[] };
  const out: ParsedFixture = { records: [], rejected: [] };
  for (const feature of doc.features ?? []) {
    const coordinates = feature.geometry?.coordinates;
    const props = feature.properties ?? {};
    if (!Array.isArray(coordinates) || coordinates.length < 2 || typeof props.stationId !== 'string') {
      out.rejected.push({ input: JSON.stringify(feature).slice(0, 200), reason: 'missing coordinates or stationId' });
      continue;
    }
    out.records.push({
      station_id: props.stationId,
      timestamp: props.timestamp,
      latitude: coordinates[1],
      longitude: coordinates[0],
      temperature_c: quantity(props.temperature),
      relative_humidity: quantity(props.relativeHumidity),
      wind_speed_kmh: quantity(props.windSpeed),
      wind_direction_deg: quantity(props.windDirection),
      description: props.textDescription,
    });
  }
  return out;
}

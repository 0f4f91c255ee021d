/**
 * The four priorities of firestream, from most to least urgent.
 *
 * Values are numbers so they index arrays (one queue per priority) without lookups.
 */
export const Priority = {
  /** Life-safety records (evacuation alerts): target latency 100 ms; never dropped. */
  CRITICAL: 0,
  /** Time-sensitive detections (satellite fire detections): target 1 s. */
  HIGH: 1,
  /** Routine telemetry (weather stations, IoT sensors): target 10 s. */
  NORMAL: 2,
  /** Bulk and archival data: target 60 s. */
  LOW: 3,
} as const;

/** One of the values of {@link Priority}. */
export type Priority = (typeof Priority)[keyof typeof Priority];

/** Priority names, indexed by priority value. */
export const PRIORITY_NAMES = ['CRITICAL', 'HIGH', 'NORMAL', 'LOW'] as const;

/** The name of a priority (`'CRITICAL'`, `'HIGH'`, …). */
export type PriorityName = (typeof PRIORITY_NAMES)[number];

/** Every priority value, most urgent first. */
export const ALL_PRIORITIES: readonly Priority[] = Object.freeze([Priority.CRITICAL, Priority.HIGH, Priority.NORMAL, Priority.LOW]);

/** Latency target of each priority in milliseconds, indexed by priority value. */
export const PRIORITY_LATENCY_TARGET_MS: readonly number[] = Object.freeze([100, 1_000, 10_000, 60_000]);

/** Returns the name of a priority value. */
export function priorityName(priority: Priority): PriorityName {
  return PRIORITY_NAMES[priority] as PriorityName;
}

/** Parses a priority name (case-insensitive) or value; returns undefined when it is neither. */
export function parsePriority(value: unknown): Priority | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 3 ? (value as Priority) : undefined;
  if (typeof value !== 'string') return undefined;
  const index = PRIORITY_NAMES.indexOf(value.toUpperCase() as PriorityName);
  return index === -1 ? undefined : (index as Priority);
}

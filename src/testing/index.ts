/**
 * Test doubles for code that embeds firestream: `import { … } from 'firestream/testing'`.
 *
 * @packageDocumentation
 */
export { FakeClock } from './fake-clock.js';

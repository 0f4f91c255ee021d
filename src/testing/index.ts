/**
 * Test doubles for code that embeds firestream: `import { … } from 'firestream/testing'`.
 *
 * @packageDocumentation
 */
export { FakeClock } from './fake-clock.js';
export { InMemoryProducer } from './in-memory-producer.js';
export type { InMemoryProducerOptions, StoredMessage } from './in-memory-producer.js';
export { runProducerContract } from './producer-contract.js';
export type {
  ProducerContractHarness,
  ProducerContractFactory,
  ProducerContractOptions,
  ContractTestApi,
  ContractExpect,
  ReadBackMessage,
} from './producer-contract.js';
export { InMemoryObjectStore } from './in-memory-object-store.js';
export type { InMemoryObjectStoreOptions, InMemoryObject } from './in-memory-object-store.js';
export { runObjectStoreContract } from './object-store-contract.js';
export type { ObjectStoreContractHarness, ObjectStoreContractFactory, ObjectStoreContractOptions } from './object-store-contract.js';

/** @module `latchkey/testing`: the store conformance suite and a manual clock, for stores and apps. */
export { createManualClock, type ManualClock } from '../core/clock.js';
export { createMemoryLogger, type MemoryLogger } from '../core/logger.js';
export { type StoreFactory, type StoreFixture, storeConformanceSuite, type TestApi } from './store-suite.js';

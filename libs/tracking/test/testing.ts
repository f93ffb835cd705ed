// `@workbench/tracking/testing`: what tests need beyond the store's public methods.
export { storeDatabase } from '../src/store-database.js';
export { useStoreSandbox, type StoreSandbox, type StoreSandboxOptions } from './store-sandbox.js';

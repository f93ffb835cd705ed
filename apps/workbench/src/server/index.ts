// The dashboard server: `createServer` (an express app around a store) and `startServer`.
export { createServer, type CreateServerOptions, type DashboardApp } from './create-server.js';
export { startServer, checkServeOptions, ServeConfigError, type StartServerOptions, type RunningServer } from './start-server.js';
export type { GeneratorService, ExplorerInfo } from './generator-service.js';

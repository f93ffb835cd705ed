// The dashboard server: security middleware, the JSON API under /api, the browser UI on top.
// `createServer` builds the express app around an open store (tests and `startServer` use it).
import express, { type Express } from 'express';
import path from 'node:path';
import { DEFAULT_RUNS_DIR, resolveRunsRoot, type TrackingStore } from '@workbench/tracking';
import { errorHandler, notFound, sendError } from './http-error.js';
import { liveFeed, type LiveFeed } from './live-events.js';
import type { GeneratorService } from './generator-service.js';
import { createModelService } from './model-service.js';
import { createPairSigner } from './pair-signer.js';
import { compareRouter } from './routes/compare-routes.js';
import { explorerRouter } from './routes/explorer-routes.js';
import { hparamsRouter } from './routes/hparams-routes.js';
import { ingestRouter } from './routes/ingest.js';
import { runLifecycleRouter, sweepLifecycleRouter } from './routes/lifecycle-routes.js';
import { realismAnswersRouter } from './routes/realism-answers-routes.js';
import { realismRouter } from './routes/realism-routes.js';
import { runsRouter } from './routes/runs-routes.js';
import { sweepsRouter } from './routes/sweeps-routes.js';
import { loopbackHostOnly, requireToken, sameOriginWrites, securityHeaders } from './security.js';
import type { ServerContext } from './server-context.js';
import { uiRouter } from './ui-assets.js';

/** GET /api/health: the server is up, on this database, holding this many runs. */
export interface Health {
  ok: true;
  db: string;
  runs: number;
}

export interface CreateServerOptions {
  store: TrackingStore;
  /** Required on every request when set (Bearer header or the cookie `?token=` sets). */
  token?: string;
  /** The folder of run folders, `<runsRoot>/<run id>` (`workbench serve`: `resolveRunsRoot` of
   *  `train.runs_dir`; default: the default layout, `runs` beside the database). A run's recorded
   *  `runDir` is never followed. */
  runsRoot?: string;
  /** The project folder a run's relative `data.root` is tried against (default: the database's folder). */
  projectDir?: string;
  /** Runs G/E for the explorer and the realism study (default: the checkpoint-backed service). */
  generator?: GeneratorService;
  /** Live-update poll interval (ms). */
  pollMs?: number;
  log?: (msg: string) => void;
}

export interface DashboardApp {
  app: Express;
  live: LiveFeed;
  context: ServerContext;
  /** Stop background work (live feed, model cache). Does not close the store. */
  close(): void;
}

export function createServer(opts: CreateServerOptions): DashboardApp {
  const log = opts.log ?? ((m: string) => console.error(m));
  const dbDir = opts.store.path === ':memory:' ? process.cwd() : path.dirname(opts.store.path);
  const live = liveFeed(opts.store, opts.pollMs, log);
  const context: ServerContext = {
    store: opts.store,
    runsRoot: opts.runsRoot === undefined ? resolveRunsRoot(DEFAULT_RUNS_DIR, dbDir) : resolveRunsRoot(opts.runsRoot),
    pairs: createPairSigner(),
    log,
    notifyChange: (ids) => live.notify(ids),
  };
  const generator = opts.generator ?? createModelService({ projectDir: opts.projectDir ?? dbDir });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders());
  app.use(opts.token ? requireToken(opts.token) : loopbackHostOnly());
  app.use(sameOriginWrites());

  const api = express.Router();
  api.get('/health', (_req, res) => {
    const body: Health = { ok: true, db: opts.store.path, runs: opts.store.runCount() };
    res.json(body);
  });
  api.get('/events', live.handler);
  api.use('/runs', runLifecycleRouter(context));
  api.use('/runs', runsRouter(context));
  api.use('/compare', compareRouter(context));
  api.use('/hparams', hparamsRouter(context));
  api.use('/sweeps', sweepLifecycleRouter(context));
  api.use('/sweeps', sweepsRouter(context));
  api.use('/explorer', explorerRouter(context, generator));
  api.use('/realism', realismAnswersRouter(context));
  api.use('/realism', realismRouter(context, generator));
  api.use('/ingest', ingestRouter(context, opts.token)); // remote tracking (issue 8): jobs POST records here
  api.use((req) => {
    throw notFound(`no API route ${req.method} ${req.originalUrl.split('?')[0]}`);
  });
  app.use('/api', api);
  app.use(uiRouter());
  app.use((req, res) => {
    sendError(res, 404, `not found: ${req.path}`);
  });
  app.use(errorHandler(log));

  return {
    app,
    live,
    context,
    close() {
      live.close();
      generator.dispose();
    },
  };
}

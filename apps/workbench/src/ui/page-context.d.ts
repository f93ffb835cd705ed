// What app.js (the single-page shell) hands every page module: `render(main, params, ctx)`.
import type { LiveChange } from './api-payloads.js';

/** The live-update event as a page sees it: events that arrived during a refresh are merged into
 *  one, and a malformed event arrives as `{}` (app.js `connectLive`). */
export type PageChange = Partial<LiveChange>;

export interface PageContext {
  /** Whether the page is still shown (an async page stops drawing once the user navigated away). */
  alive: () => boolean;
  /** Subscribe to live updates for as long as the page is shown (one refresh at a time). */
  onChange: (fn: (ev: PageChange) => unknown) => void;
  /** Run `fn` when the page is left (destroy charts, timers). */
  onLeave: (fn: () => void) => void;
}

/** The route's parameters: the hash query (`#/runs?q=x`) plus `id` from the path (`#/run/<id>`). */
export type PageParams = Record<string, string | undefined>;

/** A page module (pages/*.js). */
export interface PageModule {
  render: (main: HTMLElement, params: PageParams, ctx: PageContext) => Promise<void>;
}

#!/usr/bin/env node
// The `workbench` command. The sources are TypeScript; tsx compiles them on the fly so that a
// fresh `npm ci` needs no build step before `npx workbench` works.
import { register } from 'tsx/esm/api';

register();
await import('../apps/workbench/src/main.ts');

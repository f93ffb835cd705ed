#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 node
// The `workbench` command. The sources are TypeScript; tsx compiles them on the fly so that a
// fresh `npm ci` needs no build step before `npx workbench` works. The shebang starts node with the
// glibc malloc settings the native convs need (libs/backend/src/native/malloc-env.ts says why).
import { register } from 'tsx/esm/api';

register();
await import('../apps/workbench/src/main.ts');

// Every `workbench` subcommand, in the order `workbench --help` lists them.
import type { Command } from 'commander';
import { registerBackend } from './backend.js';
import { registerCompletion } from './completion.js';
import { registerConfig } from './config.js';
import { registerData } from './data.js';
import { registerEval } from './eval.js';
import { registerImportOfficial } from './import-official.js';
import { registerInspect } from './inspect.js';
import { registerLpips } from './lpips.js';
import { registerRuns } from './runs.js';
import { registerServe } from './serve.js';
import { registerStart } from './start.js';
import { registerSweep } from './sweep.js';
import { registerSync } from './sync.js';
import { registerReport } from './report.js';
import { registerTable } from './table.js';
import { registerTrain } from './train.js';
import { registerWhere } from './where.js';

export const commands: Array<(program: Command) => void> = [registerStart, registerBackend, registerConfig, registerTrain, registerRuns, registerData, registerServe, registerInspect, registerImportOfficial, registerSweep, registerEval, registerTable, registerReport, registerLpips, registerSync, registerWhere, registerCompletion];

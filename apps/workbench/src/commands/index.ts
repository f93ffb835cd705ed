// Every `workbench` subcommand, in the order `workbench --help` lists them.
import type { Command } from 'commander';
import { registerBackend } from './backend.js';
import { registerConfig } from './config.js';
import { registerData } from './data.js';
import { registerImportOfficial } from './import-official.js';
import { registerInspect } from './inspect.js';
import { registerStart } from './start.js';
import { registerSweep } from './sweep.js';

export const commands: Array<(program: Command) => void> = [registerStart, registerBackend, registerConfig, registerData, registerInspect, registerImportOfficial, registerSweep];

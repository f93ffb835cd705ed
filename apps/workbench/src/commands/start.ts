// `workbench start` (what `npm start` runs): the quick ablation sweep, then the dashboard.
import type { Command } from 'commander';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the quick ablation sweep on the built-in dataset, then serve the dashboard')
    .action(async () => {
      console.log('no sweep yet: the sweep runner and dashboard are still being built.');
    });
}

// The README of a reproduction folder (`workbench reproduce`): the paper's claims one by one with
// the paper's number, ours with its interval and n, and the verdict; then the sweeps behind them,
// each with its own report folder.
import { CLAIM_ALPHA, escapeMarkdownCell as esc, formatClaims, SMALL_DIFFERENCE, type ClaimResult } from '@workbench/metrics';

export interface ReproducedSweep {
  /** folder name of its report (`methods`) */
  name: string;
  experiment: string;
  /** what it checks, in words */
  about: string;
  sweepId?: string;
  /** e.g. "18 finished" */
  jobs?: string;
  /** how many runs of the sweep the convergence check flags, of how many checked */
  notConverged?: { flagged: number; checked: number };
  /** the command that trains it when it has not run */
  command: string;
}

export interface ReproductionReadme {
  generatedBy: string;
  dbPath: string;
  /** claims on the built-in shapes data (all paper grids) */
  claims: readonly ClaimResult[];
  /** the methods claims on facades, when that sweep exists */
  facadesClaims?: readonly ClaimResult[];
  sweeps: readonly ReproducedSweep[];
  /** a hand-written NOTES.md beside the README (kept across rebuilds), linked when present */
  notes?: boolean;
}

function counts(claims: readonly ClaimResult[]): string {
  const by = new Map<string, number>();
  for (const c of claims) by.set(c.verdict, (by.get(c.verdict) ?? 0) + 1);
  return [...by.entries()].map(([v, n]) => `${n} ${v}`).join(', ');
}

export function reproductionReadme(r: ReproductionReadme): string {
  const md: string[] = ['# Reproducing the paper\'s claims', ''];
  md.push(`Generated ${new Date().toISOString()} by \`${r.generatedBy}\` from \`${r.dbPath}\`. Every number below is`);
  md.push('read from the tracking database; rerun the command to rebuild this folder (it resumes unfinished sweeps first).', '');
  if (r.notes) md.push('What the numbers below need to be read with (by hand, kept across rebuilds): [NOTES.md](NOTES.md).', '');
  md.push('**How a claim is judged.** Each claim compares two groups of runs that differ only by seed, on');
  md.push('the metric that stands for the claim (on the built-in shapes data the ground truth: *mode coverage* for');
  md.push('diversity, *no-mode fills* for realism; elsewhere LPIPS or L1 diversity and the fooling rate or its');
  md.push(`C2ST proxy). The verdict comes from Welch's t-test over seeds at p < ${CLAIM_ALPHA}: **reproduced** when the`);
  md.push('difference is significant in the paper\'s direction, **not reproduced** when it is significant the other');
  md.push('way, **inconclusive** when the seeds cannot separate the groups. A claim of "little difference" is an');
  md.push(`equivalence test: reproduced when the whole 95 % interval of the difference lies within ±${SMALL_DIFFERENCE * 100} % of the`);
  md.push('reference group\'s mean. "pix2pix+noise collapses" holds when the 95 % interval of its mode coverage lies');
  md.push('below one mode\'s worth (an ideal sampler\'s coverage / K). Runs flagged *not converged* (their');
  md.push('`train.eval_every` curve still moves) are named in the reason: such a verdict holds for this training');
  md.push('budget, not for the converged model. The paper\'s numbers are for maps → satellite (AMT fooling rate,');
  md.push('LPIPS v0.0 diversity) and second-hand (the paper PDF was not available offline); no LPIPS AlexNet');
  md.push('weights are installed here, so diversity is measured by the mode and L1 metrics.', '');

  md.push('## Claims on the built-in shapes data (32 px, `scale=cpu`)', '');
  md.push(`${counts(r.claims)}.`, '');
  md.push(formatClaims(r.claims), '');
  if (r.facadesClaims) {
    md.push('## The methods claims on facades (labels → photo, 64 px, `scale=cpu`)', '');
    md.push('Facades has no ground-truth modes: diversity is L1 between samples, realism the C2ST proxy.', '');
    md.push(`${counts(r.facadesClaims)}.`, '');
    md.push(formatClaims(r.facadesClaims), '');
  }

  md.push('## The sweeps', '');
  md.push('| report | experiment | what it checks | sweep | jobs | not converged |', '|---|---|---|---|---|---|');
  for (const s of r.sweeps) {
    const conv = s.notConverged ? `${s.notConverged.flagged} of ${s.notConverged.checked} runs` : '–';
    md.push(s.sweepId
      ? `| [${s.name}](${s.name}/README.md) | \`${s.experiment}\` | ${esc(s.about)} | \`${s.sweepId}\` | ${s.jobs ?? '–'} | ${conv} |`
      : `| – | \`${s.experiment}\` | ${esc(s.about)} | not run: \`${s.command}\` | – | – |`);
  }
  md.push('');
  return `${md.join('\n')}\n`;
}

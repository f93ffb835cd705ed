// @ts-check
// Realism study, the paper's AMT protocol built in: a real and a generated image flash side by side
// for 1 s, then the participant says which one was real. Judgments are stored per run; the fooling
// rate (how often the fake was picked) is shown with a Wilson 95% interval. Practice trials come
// first and say whether the answer was right; they are stored apart and never counted. Answers can
// be reviewed and deleted per run or per participant.
import { api, url, errorMessage } from '../api.js';
import { h, mount, notice, fmt, runLabels } from '../dom.js';
/** @typedef {import('../api-payloads.js').RealismSummary} RealismSummary */
/** @typedef {import('../api-payloads.js').RealismAnswers} RealismAnswers */
/** @typedef {import('../api-payloads.js').RealismPair} RealismPair */
/** @typedef {'left' | 'right'} Side */

const FLASH_MS = 1000;

/** @type {import('../page-context.js').PageModule['render']} */
export async function render(main, params, ctx) {
  const runSel = h('select', { id: 'realism-run', multiple: true, size: 6, style: { minWidth: '320px' } });
  const trialsIn = h('input', { type: 'number', min: 1, max: 200, value: 20, style: { width: '70px' } });
  const practiceIn = h('input', { type: 'number', min: 0, max: 50, value: 0, id: 'practice-trials', style: { width: '60px' }, title: 'warm-up trials with feedback, never counted' });
  const answersHost = h('div', { id: 'realism-answers' });
  const answersBy = h('select', { id: 'answers-by' }, h('option', { value: 'run' }, 'per run'), h('option', { value: 'participant' }, 'per participant'));
  const stage = h('div', { class: 'card study', id: 'study-stage' });
  const results = h('div', { id: 'realism-results' });
  const participant = h('input', { type: 'text', placeholder: 'participant (optional)', size: 18 });
  const startBtn = h('button', { class: 'btn primary', type: 'button' }, 'start');
  mount(main, h('h1', null, 'Realism study'),
    h('p', { class: 'muted' }, 'Each trial shows a real image and a generated one side by side for 1 second; then choose which one was real. The fooling rate is the fraction of trials where the generated image was chosen (50% = indistinguishable).'),
    h('div', { class: 'row' },
      h('div', { class: 'card' }, h('div', { class: 'small muted' }, 'runs (ctrl/shift for several)'), runSel,
        h('div', { class: 'toolbar', style: { marginTop: '8px' } }, h('label', null, 'trials ', trialsIn), h('label', null, 'practice ', practiceIn), participant, startBtn)),
      h('div', { style: { flex: '1 1 480px' } }, stage)),
    h('h2', null, 'Fooling rates'), results,
    h('h2', null, 'Answers ', answersBy), answersHost);

  /** @type {import('../api-payloads.js').ExplorableRuns} */
  const { runs } = await api('/api/explorer').catch(() => ({ runs: [] }));
  if (!ctx.alive()) return;
  const labels = runLabels(runs);
  mount(runSel, runs.map((r) => h('option', { value: r.id, selected: params.run === r.id }, `${labels.get(r.id)} · ${r.method}`)));
  const firstOption = runSel.options[0]; // one option per run
  if (!params.run && firstOption) firstOption.selected = true;
  mount(stage, notice(runs.length ? 'Pick runs and press start: a real and a generated image flash for 1 s; answer with the buttons or the F / J keys.' : 'No runs with a checkpoint yet: the study generates images with a run\'s newest checkpoint.'));

  async function loadResults() {
    /** @type {RealismSummary} */
    const data = await api('/api/realism/summary');
    if (!ctx.alive()) return;
    const rows = data.rates.filter((r) => r.n > 0);
    const allLabels = runLabels(data.runs);
    if (!rows.length) {
      mount(results, notice('No judgments yet.'));
      return;
    }
    mount(results, h('table', { class: 'data' },
      h('thead', null, h('tr', null, h('th', null, 'run'), h('th', { class: 'num' }, 'judgments'), h('th', { class: 'num' }, 'fooled'), h('th', { class: 'num' }, 'fooling rate'), h('th', { class: 'num' }, '95% CI (Wilson)'))),
      h('tbody', null, rows.map((r) => h('tr', null,
        h('td', null, h('a', { href: `#/run/${encodeURIComponent(r.runId)}` }, allLabels.get(r.runId) ?? r.runId)),
        h('td', { class: 'num' }, String(r.n)), h('td', { class: 'num' }, String(r.fooled)),
        h('td', { class: 'num' }, `${fmt(r.rate === null ? null : r.rate * 100, 3)}%`),
        h('td', { class: 'num' }, `${fmt(r.low * 100, 3)}% – ${fmt(r.high * 100, 3)}%`))))));
  }

  /** Answers per run or per participant (counted and practice), each with a delete button. */
  async function loadAnswers() {
    /** @type {RealismAnswers} */
    const data = await api('/api/realism/answers');
    if (!ctx.alive()) return;
    const names = runLabels(data.runs);
    const by = answersBy.value;
    /** Answers per run id or per participant (null: given without a name). */
    /** @type {Map<string | null, { key: string | null, n: number, fooled: number, practice: number, people: Set<string | null> }>} */
    const rows = new Map();
    for (const c of data.counts) {
      const key = by === 'run' ? c.runId : c.participant;
      const row = rows.get(key) ?? { key, n: 0, fooled: 0, practice: 0, people: new Set() };
      row.n += c.n;
      row.fooled += c.fooled;
      row.practice += c.practice;
      row.people.add(by === 'run' ? c.participant : c.runId);
      rows.set(key, row);
    }
    if (!rows.size) return void mount(answersHost, notice('No answers stored.'));
    // Per run the key is a run id (never null); per participant, null is "no name".
    const who = (/** @type {string | null} */ key) => (by === 'run' ? h('a', { href: `#/run/${encodeURIComponent(key ?? '')}` }, names.get(key ?? '') ?? key) : key ?? '(no name)');
    const remove = async (/** @type {string | null} */ key) => {
      const what = by === 'run' ? `every answer about run ${names.get(key ?? '') ?? key}` : `every answer of participant ${key ?? '(no name)'}`;
      if (!confirm(`Delete ${what}? Fooling rates and the paper tables change accordingly.`)) return;
      // participant= (empty) addresses the answers given without a name.
      const path = by === 'run' ? url('/api/realism/answers', { run: key }) : `/api/realism/answers?participant=${encodeURIComponent(key ?? '')}`;
      await api(path, { method: 'DELETE' });
      await Promise.all([loadAnswers(), loadResults()]);
    };
    mount(answersHost, h('table', { class: 'data answers' },
      h('thead', null, h('tr', null, h('th', null, by), h('th', { class: 'num' }, 'counted'), h('th', { class: 'num' }, 'fooled'), h('th', { class: 'num', title: 'warm-up trials: stored, never counted' }, 'practice'), h('th', { class: 'num' }, by === 'run' ? 'participants' : 'runs'), h('th', null, ''))),
      h('tbody', null, [...rows.values()].map((r) => h('tr', { dataset: { key: r.key ?? '' } },
        h('td', null, who(r.key)), h('td', { class: 'num' }, String(r.n)), h('td', { class: 'num' }, String(r.fooled)), h('td', { class: 'num' }, String(r.practice)),
        h('td', { class: 'num' }, String(r.people.size)),
        h('td', null, h('button', { class: 'btn small danger', type: 'button', onclick: () => remove(r.key) }, 'delete…')))))));
  }
  answersBy.addEventListener('change', () => loadAnswers().catch((e) => mount(answersHost, notice(e.message, 'error'))));

  // Math.random, not the seeded experiment RNG: the session id and each trial's run and side must
  // differ between participants and sessions (a fixed seed would show everyone the same order).
  const session = Math.random().toString(36).slice(2, 10);
  let running = false;
  startBtn.addEventListener('click', async () => {
    if (running) return;
    const ids = [...runSel.selectedOptions].map((o) => o.value);
    if (!ids.length) return;
    running = true;
    startBtn.disabled = true;
    const total = Math.max(1, Math.min(200, Number(trialsIn.value) || 20));
    const practiceN = Math.max(0, Math.min(50, Number(practiceIn.value) || 0));
    let fooled = 0;
    try {
      for (let t = -practiceN; t < total && ctx.alive(); t++) {
        const practice = t < 0;
        const runId = ids[Math.floor(Math.random() * ids.length)];
        if (runId === undefined) throw new Error('no run to draw a pair from'); // ids is not empty
        /** @type {RealismPair} */
        const pair = await api(`/api/realism/${encodeURIComponent(runId)}/pair`);
        const realLeft = Math.random() < 0.5;
        const [leftSrc, rightSrc] = realLeft ? [pair.real.url, pair.fake.url] : [pair.fake.url, pair.real.url];
        const left = await loadImage(leftSrc);
        const right = await loadImage(rightSrc);
        if (!ctx.alive()) return;
        const counter = practice ? `practice ${t + practiceN + 1} / ${practiceN}` : `trial ${t + 1} / ${total}`;
        mount(stage, h('div', { class: 'muted small' }, counter), h('div', { class: 'pair' }, left, right), h('div', { class: 'muted' }, 'look…'));
        const shownAt = performance.now();
        await new Promise((r) => setTimeout(r, FLASH_MS));
        const shownMs = Math.round(performance.now() - shownAt);
        const choice = await ask(stage, counter);
        const chosen = (choice === 'left') === realLeft ? 'real' : 'fake';
        if (chosen === 'fake' && !practice) fooled++;
        await api('/api/realism/judgments', {
          method: 'POST',
          body: {
            runId, realRef: pair.real.ref, fakeRef: pair.fake.ref, sig: pair.sig, chosen, shownMs,
            responseMs: Math.round(performance.now() - shownAt - shownMs), realSide: realLeft ? 'left' : 'right',
            participant: participant.value.trim() || null, session, key: `${session}-${t}`, practice,
          },
        });
        if (practice) {
          // Feedback teaches the task; these answers are never counted.
          mount(stage, h('div', { class: 'muted small' }, counter), h('div', { class: 'big', id: 'practice-feedback' }, chosen === 'real' ? 'Right: that was the real image' : 'Wrong: that one was generated'));
          await new Promise((r) => setTimeout(r, 900));
        }
      }
      if (ctx.alive()) mount(stage, h('div', { class: 'big' }, `${fooled} / ${total} fooled`), h('div', { class: 'muted' }, 'Thanks! Results are stored with the runs.'));
    } catch (err) {
      if (ctx.alive()) mount(stage, notice(errorMessage(err), 'error'));
    } finally {
      running = false;
      startBtn.disabled = false;
      loadResults().catch(() => {});
      loadAnswers().catch(() => {});
    }
  });

  ctx.onChange(() => Promise.all([loadResults(), loadAnswers()]).catch(() => {}));
  await Promise.all([loadResults().catch((e) => mount(results, notice(e.message, 'error'))), loadAnswers().catch((e) => mount(answersHost, notice(e.message, 'error')))]);
}

/**
 * The image once loaded (so both images of a pair appear at the same moment).
 * @param {string} src
 * @returns {Promise<HTMLImageElement>}
 */
function loadImage(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('could not load a study image'));
    img.src = src;
  });
}

/**
 * Ask which image was real: buttons or the F / J (arrow) keys.
 * @param {HTMLElement} stage
 * @param {string} counter
 * @returns {Promise<Side>}
 */
function ask(stage, counter) {
  return new Promise((resolve) => {
    const pick = (/** @type {Side} */ side) => {
      window.removeEventListener('keydown', onKey);
      resolve(side);
    };
    const onKey = (/** @type {KeyboardEvent} */ e) => {
      if (e.key === 'ArrowLeft' || e.key === 'f') pick('left');
      if (e.key === 'ArrowRight' || e.key === 'j') pick('right');
    };
    window.addEventListener('keydown', onKey);
    mount(stage, h('div', { class: 'muted small' }, counter),
      h('div', { class: 'pair' }, h('div', { class: 'blank' }), h('div', { class: 'blank' })),
      h('div', null, 'Which image was real?'),
      h('div', { class: 'choices' },
        h('button', { class: 'btn', type: 'button', id: 'choose-left', onclick: () => pick('left') }, '← left (F)'),
        h('button', { class: 'btn', type: 'button', id: 'choose-right', onclick: () => pick('right') }, 'right (J) →')));
  });
}

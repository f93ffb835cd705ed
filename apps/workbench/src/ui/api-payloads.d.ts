// The JSON bodies the dashboard reads from /api, for the JSDoc of the plain-JS pages. Every body is
// a type the server exports from the file that builds it (each route types its `res.json(...)`
// argument with it), so a route that changes its answer changes these types: no copies here.
export type { ConfigDiffRow, EvalResultRow, FoolingRate, JudgmentCount, JudgmentRow, RunRow, RunStatus, SweepRow, SweepWithJobs } from '@workbench/tracking';
export type { BandCurve } from '../server/group-curves.ts';
export type { Health } from '../server/create-server.ts';
export type { Encoded, ExplorerInfo } from '../server/generator-service.ts';
export type { ApiError } from '../server/http-error.ts';
export type { HparamColumn, HparamPoint, HparamValue } from '../server/hparam-points.ts';
export type { LiveChange } from '../server/live-events.ts';
export type { PaperTable } from '../server/paper-tables.ts';
export type { CheckpointView, LogTail } from '../server/run-files.ts';
export type { Columns, GroupView, MetricCell, RunSummary, StatView } from '../server/run-views.ts';
export type { CompareBands, CompareEval, CompareGroup, CompareMetrics, ComparePayload, GroupBand, RunSeries } from '../server/routes/compare-routes.ts';
export type { ExplorableRun, ExplorableRuns, ExplorerRunInfo, Generated } from '../server/routes/explorer-routes.ts';
export type { HparamsPayload } from '../server/routes/hparams-routes.ts';
export type { RunsChanged, RunsDeleted, SweepChanged, SweepDeleted } from '../server/routes/lifecycle-routes.ts';
export type { AnswersDeleted, RealismAnswers } from '../server/routes/realism-answers-routes.ts';
export type { JudgmentSaved, PairImage, RealismPair, RealismSummary, RunName } from '../server/routes/realism-routes.ts';
export type { MetricSeries, RunBasic, RunCheckpoints, RunDetail, RunFacets, RunGroupsPage, RunImage, RunImages, RunLog, RunMetrics, RunPatched, RunsBasicPage, RunsPage } from '../server/routes/runs-routes.ts';
export type { SweepListItem, SweepsPage, SweepTables } from '../server/routes/sweeps-routes.ts';

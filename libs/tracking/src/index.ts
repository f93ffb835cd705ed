// @workbench/tracking: SQLite run tracking: sweeps, runs, metrics, images, run states, query API.
export { openStore, DEFAULT_DB_PATH } from './open-store.js';
export { TrackingStore, type StoreOptions, type MetricSummary, type ResumeOptions } from './tracking-store.js';
export { MetricWriter, type MetricSink, type MetricWriterOptions } from './metric-writer.js';
export type { MetricSeries, SeriesPoint, SeriesBucket, SeriesOptions } from './metric-series.js';
export type {
  RunFilter,
  RunQuery,
  RunSort,
  RunSortColumn,
  MetricAgg,
  ConfigCondition,
  ConfigScalar,
} from './run-filter.js';
export { flattenConfig, configDiff, type ConfigDiffRow, type FlatConfig } from './config-diff.js';
export type { GroupSeries, GroupSeriesPoint } from './group-series.js';
export type { SweepListOptions } from './sweeps.js';
export { groupOverSeeds, meanStd, type MeanStd, type RunGroup, type GroupMetricSpec, type SeedGroup } from './run-groups.js';
export type { TrackingRecord, TrackingOp, IngestResult } from './records.js';
export { assertRecord } from './record-validation.js';
export { toWireNumber, fromWireNumber, type WireNumber } from './wire-number.js';
export type { RunRecorder, RunMetricWriter, MaybePromise } from './run/run-recorder.js';
export { RunTracker, localSink, type RecordSink, type RunTrackerOptions } from './run-tracker.js';
export { appendSpool, readSpool, spoolSink, type SpoolContents } from './spool.js';
export { wilsonInterval, zForConfidence } from './wilson.js';
export { newRunId, newSweepId } from './ids.js';
export {
  RUN_STATUSES,
  EXIT_STATUSES,
  JOB_STATUSES,
  SWEEP_STATUSES,
  RUN_TRANSITIONS,
  JOB_TRANSITIONS,
  SWEEP_TRANSITIONS,
  isRunStatus,
  isExitStatus,
  isJobStatus,
  isSweepStatus,
  checkRunTransition,
  checkSweepTransition,
  checkJobTransition,
} from './run/status.js';
export {
  ID_PATTERN,
  isValidId,
  assertValidId,
  runFolder,
  realRunFolder,
  resolveRunsRoot,
  DEFAULT_RUNS_DIR,
  RunFolderError,
  RUN_FILES,
  checkpointDirName,
  checkpointPath,
  checkpointStepOf,
  completeCheckpoints,
  latestCheckpoint,
  trainGridPath,
  evalGridPath,
  type CheckpointRef,
} from './run/layout.js';
export { RESERVED_KEYS, reservedSegment, assertSafeKey, nullProto } from './safe-keys.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export { TrackingSchemaError, TrackingInputError, TrackingFileError, TrackingConflictError } from './errors.js';
export { isBusyError, withBusyRetry, type RetryOptions } from './busy-retry.js';
export * from './types.js';
export { CONFIG_VERSION, CONFIG_MIGRATIONS, StoredConfigError, storedConfigOf, storedConfigFields, storedConfigHeader } from './run/stored-config.js';

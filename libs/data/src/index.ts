// @workbench/data: the built-in multimodal shapes dataset with known modes (and its mode
// classifier), pix2pix aligned folders, batches and epochs, and the one image-grid writer.
export * from './data-error.js';
export * from './data-config.js';
export * from './palette.js';
export * from './paired-dataset.js';
export * from './create-dataset.js';
export * from './open-split.js';
export * from './dataset-report.js';
export * from './shapes-layout.js';
export * from './shapes-raster.js';
export * from './shapes-generator.js';
export * from './shapes-dataset.js';
export * from './classify-fills.js';
export * from './aligned-files.js';
export * from './aligned-dataset.js';
export * from './side-statistics.js';
export * from './direction-check.js';
export * from './preprocess.js';
export * from './batches.js';
export * from './image-convert.js';
export * from './image-io.js';
export * from './image-grid.js';
export * from './export-aligned.js';

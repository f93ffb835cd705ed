// @workbench/text: the one duration format and the one column-table printer.
export * from './format-duration.js';
export * from './format-duration-file.js';
export * from './format-table.js';

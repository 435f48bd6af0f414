// Sample data for the file sources, and the results the pipeline must produce from it.
export { expectedFilePath, generateSample, generatedFolders, maxDirtyRate } from './generate.js';
export type { GenerateOptions, GenerateSummary } from './generate.js';
export type { ExpectedFile, ExpectedFiles, ExpectedGold, ExpectedSource, FileSourceTable } from './expected.js';
export { scales } from './scale.js';
export type { Scale } from './scale.js';
export type { WrittenFile } from './source.js';

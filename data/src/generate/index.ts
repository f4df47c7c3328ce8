export { generate, DEFAULTS, type GenerateOptions, type GenerateSummary, type FileSummary } from './generate';
export { Rng, Sampler } from './rng';

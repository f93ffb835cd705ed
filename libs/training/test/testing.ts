// `@workbench/training/testing`: the setup of specs that train (backend, store, configs).
export { useTrainingSandbox, type TrainingSandbox } from './training-sandbox.js';

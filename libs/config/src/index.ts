// @workbench/config: Hydra-like experiment configs on a convict schema: groups, defaults lists, overrides, interpolation, multirun.
export {};

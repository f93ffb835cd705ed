// @workbench/data: Datasets: the built-in multimodal shapes set with known modes, pix2pix aligned folders, image grids.
export {};

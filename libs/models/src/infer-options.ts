// Model options read off official state_dicts, so `workbench import-official` needs no flags for
// what the files determine (nz, where_add, encoder, widths, crop size, norm=batch, num_Ds, ...).
import type { StateDict } from '@workbench/torch-io';
import { guessStateDict } from './official-import.js';
import type { ModelOptions } from './model-options.js';

export interface OfficialDicts {
  G?: StateDict;
  E?: StateDict;
  D?: StateDict;
  D2?: StateDict;
}

/** The options the given state_dicts pin down; keys they cannot tell (use_dropout, ...) are absent. */
export function inferModelOptions(dicts: OfficialDicts): Partial<ModelOptions> {
  const out: Partial<ModelOptions> = {};
  const e = dicts.E ? guessStateDict(dicts.E) : undefined;
  if (e?.kind === 'E') {
    out.encoder = e.encoder;
    out.nz = e.nz;
    out.nef = e.width;
    out.outputNc = e.inChannels;
    if (e.depth !== undefined) out.cropSize = 2 ** (e.depth + 3);
    if (e.norm === 'batch') out.norm = 'batch';
  }
  const g = dicts.G ? guessStateDict(dicts.G) : undefined;
  if (g?.kind === 'G' && dicts.G) {
    out.where_add = g.whereAdd;
    out.ngf = g.width;
    if (g.depth !== undefined) out.cropSize = 2 ** g.depth;
    if (g.norm === 'batch') out.norm = 'batch';
    const sd = dicts.G;
    const outer = g.whereAdd === 'all' ? 'model.up.' : 'model.model.';
    const basic = sd.get(`${outer}${g.whereAdd === 'all' ? 1 : 3}.weight`);
    const bilinear = sd.get(`${outer}${g.whereAdd === 'all' ? 3 : 5}.weight`);
    if (basic && basic.shape.length === 4 && basic.shape[2] === 4) {
      out.upsample = 'basic';
      out.outputNc = basic.shape[1]; // ConvTranspose IOHW
    } else if (bilinear && bilinear.shape.length === 4 && bilinear.shape[2] === 3) {
      out.upsample = 'bilinear';
      out.outputNc = bilinear.shape[0]; // Conv OIHW
    }
    if (g.whereAdd === 'all') {
      out.nz = g.nz;
      if (g.nz !== undefined && g.inChannels !== undefined) out.inputNc = g.inChannels - g.nz;
    } else if (out.nz !== undefined && g.inChannels !== undefined) {
      out.inputNc = g.inChannels - out.nz; // add_input: first conv takes input_nc + nz
    }
  }
  for (const d of [dicts.D, dicts.D2]) {
    const guess = d ? guessStateDict(d) : undefined;
    if (guess?.kind !== 'D') continue;
    out.num_Ds = guess.numDs;
    out.ndf = guess.width;
    if (guess.norm === 'batch') out.norm = 'batch';
    const outputNc = out.outputNc ?? 3;
    if (guess.inChannels !== undefined) {
      out.conditional_D = guess.inChannels !== outputNc;
      if (out.conditional_D && out.inputNc === undefined) out.inputNc = guess.inChannels - outputNc;
    }
  }
  for (const k of Object.keys(out) as Array<keyof ModelOptions>) if (out[k] === undefined) delete out[k];
  return out;
}

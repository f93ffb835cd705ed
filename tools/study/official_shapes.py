#!/usr/bin/env python3
"""Train the OFFICIAL BicycleGAN model class on the workbench's shapes pairs at 32 px.

The side-by-side half of the learning-speed study (docs/studies/learning-speed.md): the official
BiCycleGANModel (its forward, losses, optimisers and update order, unchanged) on the pairs that
`workbench data export shapes` writes, with the networks the workbench builds at 32 px. The
official define_G/define_E know only 128/256 px, so two networks are assembled here from the
official building blocks at the workbench's 32 px depths:
  G: G_Unet_add_all's nesting with 5 levels (innermost + 4 outer; the official class always
     builds >= 6 levels, which cannot run on 32 px), so there is no dropout block, as in the
     workbench (libs/models/src/generator.ts);
  E: E_ResNet with n_blocks = 2 (log2(32) - 3: the map ends 8x8, as at 128/256 px);
  D, D2: the official basic_128_multi (n_layers 2, num_Ds 2), as the workbench below 256 px.
Snapshots `<step>_net_{G,E}.pth` load with `workbench import-official --epoch <step>`; the losses
of every iteration go to losses.jsonl. The lr stays constant for the first half of the iterations
and decays linearly to 0 over the second half, per epoch as the official scheduler does.

  python3 tools/study/official_shapes.py --official ../shared/reference/official-code \
      --data /tmp/shapes-aligned --out /tmp/official-shapes --iters 3000 --lr 0.0002
"""
import argparse
import json
import os
import random
import sys
import time

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('--official', required=True, help='checkout of junyanz/BicycleGAN')
p.add_argument('--data', required=True, help='folder written by `workbench data export shapes` (train/*.png)')
p.add_argument('--out', required=True, help='output folder (snapshots, losses.jsonl)')
p.add_argument('--iters', type=int, default=3000)
p.add_argument('--batch', type=int, default=8)
p.add_argument('--lr', type=float, default=0.0002)
p.add_argument('--width', type=int, default=16, help='ngf = ndf = nef')
p.add_argument('--nz', type=int, default=8)
p.add_argument('--seed', type=int, default=1)
p.add_argument('--snapshot_every', type=int, default=500)
p.add_argument('--threads', type=int, default=1)
args = p.parse_args()

sys.path.insert(0, os.path.abspath(args.official))
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from models import networks  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
np.random.seed(args.seed)
random.seed(args.seed)


class G_Unet_add_all_5(nn.Module):
    """G_Unet_add_all's blocks at num_downs = 5 (32 px): innermost, then the 4 outer levels."""

    def __init__(self, input_nc, output_nc, nz, ngf, norm_layer, nl_layer, upsample):
        super().__init__()
        self.nz = nz
        blk = networks.UnetBlock_with_z
        u = blk(ngf * 8, ngf * 8, ngf * 8, nz, None, innermost=True, norm_layer=norm_layer, nl_layer=nl_layer, upsample=upsample)
        u = blk(ngf * 4, ngf * 4, ngf * 8, nz, u, norm_layer=norm_layer, nl_layer=nl_layer, upsample=upsample)
        u = blk(ngf * 2, ngf * 2, ngf * 4, nz, u, norm_layer=norm_layer, nl_layer=nl_layer, upsample=upsample)
        u = blk(ngf, ngf, ngf * 2, nz, u, norm_layer=norm_layer, nl_layer=nl_layer, upsample=upsample)
        self.model = blk(input_nc, output_nc, ngf, nz, u, outermost=True, norm_layer=norm_layer, nl_layer=nl_layer, upsample=upsample)

    def forward(self, x, z):
        return self.model(x, z)


_define_G, _define_E = networks.define_G, networks.define_E


def define_G(input_nc, output_nc, nz, ngf, netG='unet_128', norm='batch', nl='relu', use_dropout=False,
             init_type='xavier', init_gain=0.02, gpu_ids=[], where_add='input', upsample='bilinear'):
    if netG != 'unet_32':
        return _define_G(input_nc, output_nc, nz, ngf, netG, norm, nl, use_dropout, init_type, init_gain, gpu_ids, where_add, upsample)
    assert where_add == 'all', 'this study uses where_add=all'
    net = G_Unet_add_all_5(input_nc, output_nc, nz, ngf, networks.get_norm_layer(norm), networks.get_non_linearity(nl), upsample)
    return networks.init_net(net, init_type, init_gain, gpu_ids)


def define_E(input_nc, output_nc, ndf, netE, norm='batch', nl='lrelu', init_type='xavier', init_gain=0.02, gpu_ids=[], vaeLike=False):
    if netE != 'resnet_32':
        return _define_E(input_nc, output_nc, ndf, netE, norm, nl, init_type, init_gain, gpu_ids, vaeLike)
    net = networks.E_ResNet(input_nc, output_nc, ndf, n_blocks=2, norm_layer=networks.get_norm_layer(norm),
                            nl_layer=networks.get_non_linearity('lrelu'), vaeLike=vaeLike)
    return networks.init_net(net, init_type, init_gain, gpu_ids)


networks.define_G, networks.define_E = define_G, define_E

from data import create_dataset  # noqa: E402
from models import create_model  # noqa: E402
from options.train_options import TrainOptions  # noqa: E402

per_epoch = 2000 // args.batch  # shapes train split: 2000 pairs
epochs = max(2, -(-args.iters // per_epoch))
w = str(args.width)
sys.argv = [sys.argv[0],
            '--dataroot', os.path.abspath(args.data), '--name', 'shapes32', '--checkpoints_dir', os.path.abspath(args.out),
            '--model', 'bicycle_gan', '--netG', 'unet_32', '--netE', 'resnet_32', '--netD', 'basic_128_multi', '--netD2', 'basic_128_multi',
            '--where_add', 'all', '--nz', str(args.nz), '--ngf', w, '--ndf', w, '--nef', w, '--norm', 'instance', '--use_dropout',
            '--batch_size', str(args.batch), '--load_size', '32', '--crop_size', '32', '--preprocess', 'none', '--no_flip',
            '--lr', str(args.lr), '--niter', str(epochs // 2), '--niter_decay', str(epochs - epochs // 2),
            '--gpu_ids', '-1', '--num_threads', '0', '--display_id', '-1', '--no_html']
opt = TrainOptions().parse()
dataset = create_dataset(opt)
model = create_model(opt)
model.setup(opt)
os.makedirs(model.save_dir, exist_ok=True)

log = open(os.path.join(args.out, 'losses.jsonl'), 'w')
step = 0
t0 = time.time()
for epoch in range(opt.epoch_count, epochs + 1):
    for data in dataset:
        model.set_input(data)
        if not model.is_train():
            continue
        model.optimize_parameters()
        step += 1
        losses = {k: float(v) for k, v in model.get_current_losses().items()}
        log.write(json.dumps({'step': step, 'time': time.time() - t0, **losses}) + '\n')
        if step % args.snapshot_every == 0 or step == args.iters:
            model.save_networks(str(step))
            print('step %d  %.1f s  %s' % (step, time.time() - t0, ' '.join('%s %.3f' % kv for kv in losses.items())), flush=True)
        if step == args.iters:
            break
    if step == args.iters:
        break
    model.update_learning_rate()
log.close()
print('done: %d iterations in %.1f s (%.4f s/iter)' % (step, time.time() - t0, (time.time() - t0) / max(step, 1)))

#!/usr/bin/env python3
"""Where the official BicycleGAN step spends its time on this CPU: the yardstick of issue #14's 0.5x.

Builds the official BiCycleGANModel with train.py's defaults (resnet E, add_to_all, nz 8, two
multi-scale D's; the *_128 networks at 128 px) and runs its optimize_parameters on random A and B,
as `npm run bench -- --official` times train.py. Per configuration it prints:
  - s/step: median of --steps steps after two warm-up steps;
  - oneDNN's convolution primitives (PyTorch's CPU convs; their ONEDNN_VERBOSE records over another
    --steps steps): ms per step, multiply-adds per step from their problem sizes, GMAC/s, per
    kind (forward, backward data, backward weights), and the layout reorders around them.
    The transposed convs of G's up path do not go through oneDNN (aten::slow_conv_transpose2d);
  - with --gmac G (the whole step's multiply-adds, e.g. 7.83 at 128/16/8 and 125.19 at 256/64/2 from
    `node bin/run-ts.js tools/bench/src/step-profile.ts --kernels ...`): G at oneDNN's rate, the
    step's convs on kernels as fast as oneDNN's, against half the official s/step.

Usage (python3-torch; the official checkout is only read):
    /usr/bin/python3 tools/bench/src/official-step-profile.py \
        --official ../shared/reference/official-code --configs 128/16/8,256/64/2 --threads 1 \
        [--gmac 7.83,125.19] [--steps 3]
"""
import argparse
import collections
import contextlib
import io
import os
import re
import statistics
import sys
import tempfile
import time

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('--official', required=True, help='checkout of junyanz/BicycleGAN')
p.add_argument('--configs', default='128/16/8,256/64/2', help='res/width/batch, comma-separated (res 128 or 256)')
p.add_argument('--gmac', default='', help="the step's multiply-adds per config, comma-separated (optional)")
p.add_argument('--threads', type=int, default=1)
p.add_argument('--steps', type=int, default=3)
args = p.parse_args()

sys.dont_write_bytecode = True  # leave the official checkout untouched (no __pycache__)
sys.path.insert(0, os.path.abspath(args.official))
import torch  # noqa: E402
from options.train_options import TrainOptions  # noqa: E402
from models.bicycle_gan_model import BiCycleGANModel  # noqa: E402

torch.set_num_threads(args.threads)
configs = [tuple(int(v) for v in c.split('/')) for c in args.configs.split(',')]
gmacs = [float(g) for g in args.gmac.split(',')] if args.gmac else [None] * len(configs)
if len(gmacs) != len(configs):
    sys.exit('--gmac needs one value per --configs entry')
PROBLEM = re.compile(r'([a-z]+)(\d+)')


def build(res, width, batch):
    nets = [] if res == 256 else ['--netG', 'unet_%d' % res, '--netE', 'resnet_%d' % res, '--netD', 'basic_%d_multi' % res, '--netD2', 'basic_%d_multi' % res]
    parser = TrainOptions().initialize(argparse.ArgumentParser())
    opt = parser.parse_args(['--dataroot', 'unused', '--gpu_ids', '-1', '--batch_size', str(batch), '--ngf', str(width), '--ndf', str(width),
                             '--nef', str(width), '--load_size', str(res), '--crop_size', str(res)] + nets)
    opt.isTrain = True
    opt.gpu_ids = []  # what BaseOptions.parse makes of '--gpu_ids -1'
    with contextlib.redirect_stdout(io.StringIO()):  # the init messages
        model = BiCycleGANModel(opt)
        model.setup(opt)
    A = torch.rand(batch, 3, res, res) * 2 - 1  # [N,C,H,W]
    B = torch.rand(batch, 3, res, res) * 2 - 1
    data = {'A': A, 'B': B, 'A_paths': ['a'] * batch, 'B_paths': ['b'] * batch}

    def step():
        model.set_input(data)
        assert model.is_train()
        model.optimize_parameters()
    return step


def onednn_records(step, steps):
    """oneDNN's exec records of `steps` steps (its verbose mode writes them to fd 1)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile(mode='w+') as log:
        os.dup2(log.fileno(), 1)
        try:
            with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
                for _ in range(steps):
                    step()
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        log.seek(0)
        return [line.rstrip('\n').split(',') for line in log if line.startswith('onednn_verbose,exec,cpu,')]


def main():
    print('official BicycleGAN step, PyTorch %s, %d thread(s); oneDNN convolution primitives from ONEDNN_VERBOSE' % (torch.__version__, args.threads))
    print('| res/width/batch | s/step | oneDNN convs ms/step | their GMAC/step | GMAC/s (fwd / bwd data / bwd weights) | reorders ms/step | rest ms/step | step GMAC | step at oneDNN rate s | 0.5x official s |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for (res, width, batch), gmac in zip(configs, gmacs):
        step = build(res, width, batch)
        for _ in range(2):
            step()
        walls = []
        for _ in range(args.steps):
            t0 = time.perf_counter()
            step()
            walls.append(time.perf_counter() - t0)
        wall = statistics.median(walls)
        ms = collections.Counter()
        macs = collections.Counter()
        for f in onednn_records(step, args.steps):
            prim, kind, t = f[3], f[5], float(f[-1])
            ms[(prim, kind)] += t / args.steps
            if prim == 'convolution':
                d = {k: int(v) for k, v in PROBLEM.findall(f[-2])}  # e.g. mb2_ic64oc128_ih128oh64kh4sh2...
                macs[kind] += d['mb'] * d['oc'] * d['oh'] * d.get('ow', d['oh']) * d['ic'] // d.get('g', 1) * d['kh'] * d.get('kw', d['kh']) / args.steps
        conv_ms = sum(v for (prim, _), v in ms.items() if prim == 'convolution')
        reorder_ms = sum(v for (prim, _), v in ms.items() if prim == 'reorder')
        conv_gmac = sum(macs.values()) / 1e9
        rate = conv_gmac / (conv_ms / 1e3)
        kinds = ' / '.join('%.1f' % (macs[k] / 1e6 / ms[('convolution', k)]) if ms[('convolution', k)] else '-' for k in ('forward_training', 'backward_data', 'backward_weights'))
        bound = '%.3f' % (gmac / rate) if gmac else '-'
        print('| %d/%d/%d | %.3f | %.1f | %.2f | %.1f (%s) | %.1f | %.1f | %s | %s | %.3f |' % (
            res, width, batch, wall, conv_ms, conv_gmac, rate, kinds, reorder_ms, wall * 1e3 - conv_ms - reorder_ms,
            '%.2f' % gmac if gmac else '-', bound, wall / 2))


main()

"""PyTorch baseline for the benchmarks and the GPU check: the reference CSRNet
(leeyeehoo/CSRNet-pytorch model.py, shared/notes/reference.md §1), built from a
neutral-weights manifest (tools/fixtures/README.md §4: weights.json + .bin,
state_dict order, OIHW), timed the way the JS side times itself.

Benchmarks only: the project never needs Python at run time. Run it with
Debian's /usr/bin/python3 (torch 1.13) here, or the image's python3 (torch 2.x,
CUDA) on a GPU machine. Every mode prints one JSON object per line on stdout.

  forward --weights W.json --input x.npy [--output y.npy] [--threads T] [--warmup 1] [--runs 5] [--device cpu|cuda]
      times model(x) under torch.no_grad(); x is float32 NCHW, already normalised.
  train   --weights W.json --height H --width W [--threads T] [--warmup 1] [--runs 3] [--device cpu|cuda]
      times one step of train.py: forward, sum-MSE (MSELoss(size_average=False)) against
      a fixed random 1/8 target, backward, SGD(lr 1e-7, momentum 0.95, weight decay 5e-4).
  count   --weights W.json --images DIR [--threads T] [--device cpu|cuda]
      the reference's inference loop over DIR's *.jpg in name order: Pillow decode,
      .convert('RGB'), ToTensor, ImageNet Normalize, forward, sum. Prints {"ready": ...}
      once the model is loaded, then {"image", "count"} per image as it is counted
      (the caller timestamps the lines).
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn


def build_csrnet(config):
    """The reference model.py: VGG-16 front end, dilated back end, 1×1 head; no batch norm."""

    def make_layers(cfg, in_channels, dilation):
        layers = []
        for v in cfg:
            if v == 'M':
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(in_channels, v, kernel_size=3, padding=dilation, dilation=dilation), nn.ReLU(inplace=True)]
                in_channels = v
        return nn.Sequential(*layers), in_channels

    class CSRNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.frontend, channels = make_layers(config['frontend'], 3, 1)
            self.backend, channels = make_layers(config['backend'], channels, config.get('backend_dilation', 2))
            self.output_layer = nn.Conv2d(channels, 1, kernel_size=1)

        def forward(self, x):
            return self.output_layer(self.backend(self.frontend(x)))

    return CSRNet()


def load_model(manifest_path, device):
    with open(manifest_path) as f:
        manifest = json.load(f)
    model = build_csrnet(manifest['config'])
    blob = np.fromfile(os.path.join(os.path.dirname(manifest_path), manifest['bin']), dtype='<f4')
    state = {}
    for t in manifest['tensors']:
        start = t['offset'] // 4
        n = t['nbytes'] // 4
        state[t['name']] = torch.from_numpy(blob[start:start + n].reshape(t['shape']).copy())
    model.load_state_dict(state, strict=True)
    return model.to(device).eval()


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def timed(fn, warmup, runs, device):
    """Wall ms per run (perf_counter), and CPU seconds per run of this process (all its threads)."""
    for _ in range(warmup):
        fn()
    sync(device)
    ms = []
    cpu0 = time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        sync(device)
        ms.append((time.perf_counter() - t0) * 1000)
    cpu = (time.process_time() - cpu0) / runs
    return {'runs_ms': ms, 'min_ms': min(ms), 'median_ms': statistics.median(ms), 'cpu_s_per_run': cpu}


def describe(device, threads):
    out = {'torch': torch.__version__, 'device': str(device), 'threads': torch.get_num_threads()}
    if device.type == 'cuda':
        # PyTorch's default: cuDNN convolutions in TF32 on Ampere and later.
        out['gpu'] = torch.cuda.get_device_name(device)
        out['cudnn_tf32'] = torch.backends.cudnn.allow_tf32
    return out


def forward_mode(args, device):
    model = load_model(args.weights, device)
    x = torch.from_numpy(np.load(args.input)).to(device)
    holder = {}

    def run():
        with torch.no_grad():
            holder['y'] = model(x)

    result = timed(run, args.warmup, args.runs, device)
    y = holder['y'].float().cpu().numpy()
    if args.output:
        np.save(args.output, y)
    print(json.dumps({**describe(device, args.threads), **result, 'shape': list(x.shape), 'output_sum': float(y.astype(np.float64).sum())}), flush=True)


def train_mode(args, device):
    model = load_model(args.weights, device).train()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 3, args.height, args.width, generator=g).to(device)
    target = torch.rand(1, 1, args.height // 8, args.width // 8, generator=g).to(device)
    criterion = nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-7, momentum=0.95, weight_decay=5e-4)
    losses = []

    def step():
        optimizer.zero_grad()
        loss = criterion(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    result = timed(step, args.warmup, args.runs, device)
    print(json.dumps({**describe(device, args.threads), **result, 'shape': [1, 3, args.height, args.width], 'losses': losses}), flush=True)


def count_mode(args, device):
    from PIL import Image

    model = load_model(args.weights, device)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    names = sorted(n for n in os.listdir(args.images) if n.lower().endswith('.jpg'))
    print(json.dumps({'ready': True, **describe(device, args.threads), 'images': len(names)}), flush=True)
    for name in names:
        img = Image.open(os.path.join(args.images, name)).convert('RGB')
        # ToTensor: uint8 HWC -> float CHW / 255; then Normalize.
        x = torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1).float().div(255)
        x = ((x - mean) / std).unsqueeze(0).to(device)
        with torch.no_grad():
            count = model(x).sum().item()
        print(json.dumps({'image': name, 'count': count}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('mode', choices=['forward', 'train', 'count'])
    parser.add_argument('--weights', required=True, help='neutral-weights manifest (weights.json) with its .bin beside it')
    parser.add_argument('--input')
    parser.add_argument('--output')
    parser.add_argument('--images')
    parser.add_argument('--height', type=int)
    parser.add_argument('--width', type=int)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        sys.exit('torch-csrnet.py: --device cuda, but torch.cuda.is_available() is False')
    {'forward': forward_mode, 'train': train_mode, 'count': count_mode}[args.mode](args, device)


if __name__ == '__main__':
    main()

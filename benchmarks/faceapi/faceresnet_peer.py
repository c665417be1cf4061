#!/usr/bin/python3
"""PyTorch peer for the face-api face ResNet (dlib_face_recognition_resnet_model_v1 as ported by face-api).

Same architecture as src/GenderML/FaceApi/FaceResNet.cs (faceapi-models.md section 5), random weights,
inference only: conv7x7/2 valid + relu, maxpool 3x3/2 valid, 14 residual blocks (four of them
residualDown: conv 3x3/2 valid, 2x2/2 avg-pool shortcut with zero channels appended, conv branch zero-padded
bottom/right), spatial mean, fc 256->128 without bias. dlib's per-channel scale layer is folded into each
conv's weights and bias, as GenderML does at load time.

Usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 faceresnet_peer.py --threads 1 --batch 32 --runs 7
Prints one JSON line: {"network": "faceresnet-150", "framework": "pytorch", "threads": T, "batch": B,
"imagesPerSecond": median, "runs": [...]}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv(cin, cout, k, stride):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=0, bias=True)


class Block(nn.Module):
    def __init__(self, cin, cout, down):
        super().__init__()
        self.down = down
        self.cin, self.cout = cin, cout
        self.conv1 = conv(cin, cout, 3, 2 if down else 1)
        self.conv2 = conv(cout, cout, 3, 1)

    def forward(self, x):
        o = F.relu(self.conv1(x if self.down else F.pad(x, (1, 1, 1, 1))))  # valid when down, 'same' otherwise
        o = self.conv2(F.pad(o, (1, 1, 1, 1)))
        if not self.down:
            return F.relu(o + x)
        pooled = F.avg_pool2d(x, 2, 2)
        if pooled.shape[2] != o.shape[2]:
            o = F.pad(o, (0, pooled.shape[3] - o.shape[3], 0, pooled.shape[2] - o.shape[2]))
        if self.cin != self.cout:
            pooled = torch.cat([pooled, torch.zeros_like(pooled)], dim=1)
        return F.relu(pooled + o)


class FaceResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_down = conv(3, 32, 7, 2)
        spec = [(32, 32, False)] * 3 + [(32, 64, True)] + [(64, 64, False)] * 3 + [(64, 128, True)] \
            + [(128, 128, False)] * 2 + [(128, 256, True)] + [(256, 256, False)] * 2 + [(256, 256, True)]
        self.blocks = nn.Sequential(*[Block(a, b, d) for a, b, d in spec])
        self.fc = nn.Linear(256, 128, bias=False)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv_down(x)), 3, 2)
        x = self.blocks(x)
        return self.fc(x.mean(dim=(2, 3)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = FaceResNet().eval()
    x = torch.randn(a.batch, 3, 150, 150)
    with torch.inference_mode():
        assert model(x[:1]).shape == (1, 128)
        for _ in range(2):
            model(x)
        rates = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            model(x)
            rates.append(a.batch / (time.perf_counter() - t0))
    rates.sort()
    print(json.dumps({"network": "faceresnet-150", "framework": "pytorch " + torch.__version__, "threads": a.threads,
                      "batch": a.batch, "imagesPerSecond": round(rates[len(rates) // 2], 1),
                      "runs": [round(r, 1) for r in rates]}))


if __name__ == "__main__":
    main()

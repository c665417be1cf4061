#!/usr/bin/python3
"""Prints ours (genderml bench engine --json) and the peers (engine_peers.py, then faceresnet_peer.py lines) side by side as Markdown tables."""
import json
import sys

ours = json.load(open(sys.argv[1]))
peers = json.load(open(sys.argv[2]))


def key(r):
    return (r["m"], r["n"], r["k"], r["threads"])


numpy = {key(r): r["gflops"] for r in peers["numpy"]["sgemm"]}
torch = {key(r): r["gflops"] for r in peers["pytorch"]["sgemm"]}
print("| SGEMM m×n×k | threads | GenderML GFLOP/s | numpy GFLOP/s | PyTorch GFLOP/s | ours / numpy |")
print("|---|---|---|---|---|---|")
for r in ours["sgemm"]:
    k = key(r)
    n = numpy.get(k)
    print(f"| {r['m']}×{r['n']}×{r['k']} | {r['threads']} | {r['gflops']:.1f} | {n or float('nan'):.1f} | "
          f"{torch.get(k, float('nan')):.1f} | {r['gflops'] / n if n else float('nan'):.2f}× |")
print()
pt = {(r["network"], r["threads"]): r for r in peers["pytorch"]["train"]}
nan = float("nan")
print("| training (AdamW, BCE) | batch | threads | GenderML images/s | PyTorch images/s | ours / PyTorch | GenderML CPU ms/step | PyTorch CPU ms/step | PyTorch CPU / ours |")
print("|---|---|---|---|---|---|---|---|---|")
for r in ours["train"]:
    p = pt.get((r["network"], r["threads"]), {})
    ips, cpu = p.get("imagesPerSecond"), p.get("cpuMillisecondsPerStep")
    mine_cpu = r.get("cpuMillisecondsPerStep")
    print(f"| {r['network']} | {r['batch']} | {r['threads']} | {r['imagesPerSecond']:.0f} | {ips or nan:.0f} | "
          f"{r['imagesPerSecond'] / ips if ips else nan:.2f}× | {mine_cpu or nan:.0f} | {cpu or nan:.0f} | "
          f"{cpu / mine_cpu if cpu and mine_cpu else nan:.2f}× |")
print()
if len(sys.argv) > 3 and ours.get("infer"):
    face = {r["threads"]: r for r in (json.loads(line) for line in open(sys.argv[3]) if line.strip())}
    print("| inference | batch | threads | GenderML images/s | PyTorch images/s | ours / PyTorch |")
    print("|---|---|---|---|---|---|")
    for r in ours["infer"]:
        # the PyTorch inference peer is the face ResNet only (faceresnet_peer.py); other networks have no peer row
        ips = face.get(r["threads"], {}).get("imagesPerSecond") if r["network"] == "faceresnet-150" else None
        print(f"| {r['network']} | {r['batch']} | {r['threads']} | {r['imagesPerSecond']:.1f} | {ips or nan:.1f} | "
              f"{r['imagesPerSecond'] / ips if ips else nan:.2f}× |")
    print()
print(f"allocated bytes per training step (GenderML, after warm-up): {ours['allocatedBytesPerStep']}")

#!/usr/bin/python3
"""Formats the TSV rows of run.sh (name, threads, wall images/s, images per CPU-second per thread, checksum)
into one Markdown table: medians over rounds, and each row's ratio to the fastest full-resolution peer
(cv2-full or pil-plain, whichever is faster) per thread, by CPU time and by wall time."""
import collections, statistics, sys

FULL_RES_PEERS = ("cv2-full", "pil-plain")
NOTES = {
    "ours-scaled": "Image.LoadResized: TurboJPEG gray decode at the smallest SIMD DCT scale (1/8, 1/4, 1/2, 1) >= 50x50 (full size here), area resize",
    "ours-fullres": "Image.Load gray at full size, then Resize(50,50) (area)",
    "cv2-full": "cv2.imread(GRAYSCALE) + resize INTER_AREA",
    "cv2-reduced2": "cv2.imread(REDUCED_GRAYSCALE_2) (1/2 scale, below 50 px) + resize",
    "pil-plain": "Image.open().convert('L').resize((50,50), BOX)",
    "pil-draft": "same with draft('L', (50,50)) first",
}

rows = collections.defaultdict(lambda: ([], []))
order = []
for line in open(sys.argv[1]):
    name, threads, wall, cpu, _ = line.rstrip("\n").split("\t")
    key = (name, int(threads))
    if key not in rows:
        order.append(key)
    rows[key][0].append(float(wall))
    rows[key][1].append(float(cpu))

med = {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in rows.items()}
print("| decoder | threads | images/s (wall) | images/s per thread (CPU time) | vs fastest full-res peer (CPU) | vs fastest full-res peer (wall) | what |")
print("|---|---|---|---|---|---|---|")
for name, threads in order:
    wall, cpu = med[(name, threads)]
    peers = [med[(p, threads)] for p in FULL_RES_PEERS if (p, threads) in med]
    best_cpu = max((p[1] for p in peers), default=float("nan"))
    best_wall = max((p[0] for p in peers), default=float("nan"))
    print(f"| {name} | {threads} | {wall:,.0f} | {cpu:,.0f} | {cpu / best_cpu:.2f}x | {wall / best_wall:.2f}x | {NOTES.get(name, '')} |")

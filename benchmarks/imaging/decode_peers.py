#!/usr/bin/python3
"""Peers for the GenderML.Imaging decode benchmark: decode + resize to 50x50 gray, images/s.

Run with Debian's python3 (PIL 9.4, OpenCV 4.6):
  /usr/bin/python3 decode_peers.py --dir ../shared/data/kaggle-gender/train --threads 1,2 --passes 5
Prints one TSV row per (peer, threads): name, threads, wall images/s (median of passes),
images per CPU-second per worker (median), checksum. Two "threads" = two worker processes
(multiprocessing) over the two halves of the file list, started together behind a barrier.
Files are read from the page cache: one untimed warm-up pass per peer first.
"""
import argparse, glob, multiprocessing as mp, os, statistics, sys, time

SIZE = 50


def peers():
    import cv2
    from PIL import Image
    cv2.setNumThreads(1)
    box = Image.Resampling.BOX

    def pil_plain(p):
        with Image.open(p) as im:
            return im.convert("L").resize((SIZE, SIZE), box)

    def pil_draft(p):
        with Image.open(p) as im:
            im.draft("L", (SIZE, SIZE))  # JPEG: decode straight to gray at the smallest 1/2^k scale >= 50x50
            return im.convert("L").resize((SIZE, SIZE), box)

    def cv2_full(p):
        return cv2.resize(cv2.imread(p, cv2.IMREAD_GRAYSCALE), (SIZE, SIZE), interpolation=cv2.INTER_AREA)

    def cv2_reduced2(p):  # libjpeg at 1/2 scale (42x54 here, below the target), then up to 50x50
        return cv2.resize(cv2.imread(p, cv2.IMREAD_REDUCED_GRAYSCALE_2), (SIZE, SIZE), interpolation=cv2.INTER_AREA)

    def pixel(img):
        return int(img.getpixel((SIZE // 2, SIZE // 2))) if hasattr(img, "getpixel") else int(img[SIZE // 2, SIZE // 2])

    return {"pil-plain": pil_plain, "pil-draft": pil_draft, "cv2-full": cv2_full, "cv2-reduced2": cv2_reduced2}, pixel


def worker(name, files, passes, barrier, out):
    fns, pixel = peers()
    fn = fns[name]
    for p in files:  # warm-up: page cache, imports, allocator
        fn(p)
    results = []
    for _ in range(passes):
        barrier.wait()
        w0, c0 = time.perf_counter(), time.thread_time()
        checksum = 0
        for p in files:
            checksum += pixel(fn(p))
        results.append((time.perf_counter() - w0, time.thread_time() - c0, checksum))
    out.put(results)


def run(name, files, threads, passes):
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(threads), ctx.Queue()
    chunks = [files[len(files) * i // threads: len(files) * (i + 1) // threads] for i in range(threads)]
    procs = [ctx.Process(target=worker, args=(name, c, passes, barrier, out)) for c in chunks]
    for pr in procs:
        pr.start()
    per_worker = [out.get() for _ in procs]
    for pr in procs:
        pr.join()
    wall, cpu, checksum = [], [], 0
    for i in range(passes):
        slowest = max(w[i][0] for w in per_worker)
        wall.append(len(files) / slowest)
        cpu.append(len(files) / sum(w[i][1] for w in per_worker))
        checksum = sum(w[i][2] for w in per_worker)
    return statistics.median(wall), statistics.median(cpu), checksum


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="../shared/data/kaggle-gender/train")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--peers", default="cv2-full,cv2-reduced2,pil-plain,pil-draft")
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(args.dir, "**", "*.jpg"), recursive=True))
    if not files:
        sys.exit(f"{args.dir}: no .jpg files")
    for name in args.peers.split(","):
        for t in (int(x) for x in args.threads.split(",")):
            wall, cpu, checksum = run(name, files, t, args.passes)
            print(f"{name}\t{t}\t{wall:.0f}\t{cpu:.0f}\t{checksum}", flush=True)


if __name__ == "__main__":
    main()

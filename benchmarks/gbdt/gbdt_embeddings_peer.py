#!/usr/bin/python3
"""Peer on the face embeddings: scikit-learn's HistGradientBoostingClassifier on the file that
benchmarks/GbdtEmbeddingsBench writes (layout in its Program.cs), at GenderML's default settings
(max_iter=100, max_leaf_nodes=20, min_samples_leaf=10, learning_rate=0.2, max_bins=255,
l2_regularization=0, early stopping off). Prints one JSON line: test accuracy, fit wall and CPU seconds.
Threads: OMP_NUM_THREADS (run_embeddings.sh sets 2 and OMP_WAIT_POLICY=PASSIVE).
Usage: gbdt_embeddings_peer.py /tmp/gbdt-emb.bin
"""
import json
import struct
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

with open(sys.argv[1], "rb") as f:
    assert f.read(8) == b"GBDTEMBF", "not a GBDTEMBF file"
    n, m, d = struct.unpack("<iii", f.read(12))
    xtr = np.frombuffer(f.read(4 * n * d), dtype="<f4").reshape(n, d)
    ytr = np.frombuffer(f.read(n), dtype=np.uint8)
    xte = np.frombuffer(f.read(4 * m * d), dtype="<f4").reshape(m, d)
    yte = np.frombuffer(f.read(m), dtype=np.uint8)
clf = HistGradientBoostingClassifier(max_iter=100, max_leaf_nodes=20, min_samples_leaf=10, learning_rate=0.2,
                                     max_bins=255, l2_regularization=0.0, early_stopping=False)
w0, c0 = time.perf_counter(), time.process_time()
clf.fit(xtr, ytr)
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
acc = float((clf.predict(xte) == yte).mean())
print(json.dumps({"impl": "sklearn", "features": "face-resnet-128", "accuracy": round(100 * acc, 2),
                  "fit_seconds": round(wall, 2), "fit_cpu_seconds": round(cpu, 2)}))

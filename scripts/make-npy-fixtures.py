#!/usr/bin/env python3
"""Writes the .npy fixtures of Tests/CoreTests/Fixtures/npy: activations as a researcher saves them
from PyTorch (numpy.save of a [words, neurons] array), with their labels.

    /work/venv/bin/python scripts/make-npy-fixtures.py      (any Python with numpy)

The tests never run Python; they read what this wrote. 240 words × 24 neurons, three labels whose
class means differ in neurons 3 and 7 only (the rankings must find them), word types repeating
every 60 rows (the control task's types), a fixed train/dev/test column.
"""
import os

import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "CoreTests", "Fixtures", "npy")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(17)

words, neurons = 240, 24
labels = np.array(["Plur", "Sing", "Dual"])[np.arange(words) % 3]
acts = rng.normal(0.0, 1.0, size=(words, neurons))
signal = {"Plur": (2.0, -1.5), "Sing": (-2.0, 0.0), "Dual": (0.0, 1.5)}
for row, label in enumerate(labels):
    acts[row, 3] += signal[label][0]
    acts[row, 7] += signal[label][1]
splits = np.array(["train", "train", "train", "train", "dev", "test"])[(np.arange(words) // 3) % 6]
forms = [f"w{row % 60}" for row in range(words)]

# What a researcher would write after `acts = hidden_states[layer][mask].cpu().numpy()`:
np.save(os.path.join(out, "acts-f32.npy"), acts.astype(np.float32))
np.save(os.path.join(out, "acts-f16.npy"), acts.astype(np.float32).astype(np.float16))
with open(os.path.join(out, "labels.tsv"), "w") as f:
    f.writelines(f"{label}\t{split}\t{form}\n" for label, split, form in zip(labels, splits, forms))
with open(os.path.join(out, "labels-only.txt"), "w") as f:
    f.writelines(f"{label}\n" for label in labels)

# Inputs the workbench must refuse in one line.
np.save(os.path.join(out, "acts-3d.npy"), acts[:24].reshape(2, 12, neurons).astype(np.float32))
np.save(os.path.join(out, "acts-f64.npy"), acts[:10, :4])
poisoned = acts.astype(np.float32)
poisoned[17, 5] = np.nan
np.save(os.path.join(out, "acts-nan.npy"), poisoned)
print("wrote", sorted(os.listdir(out)))

#!/usr/bin/python3
"""Writes bh_vectors.json: p-value vectors and their Benjamini-Hochberg
q-values from statsmodels' multipletests(p, method='fdr_bh'), the independent
reference that tst_statistics checks benjaminiHochberg() against.

Run with Debian's interpreter (apt-get install python3-statsmodels):
    /usr/bin/python3 tests/statistics/make_bh_vectors.py
"""
import json
import os
import random

import statsmodels
from statsmodels.stats.multitest import multipletests


def cases(rng):
    # Edge cases first: a single value, zeros, ones, ties.
    yield [0.5]
    yield [0.0]
    yield [1.0]
    yield [0.0] * 7
    yield [1.0] * 9
    yield [0.01, 0.01, 0.01, 0.04, 0.04, 1.0]
    yield [0.0, 1.0, 0.0, 1.0, 0.5]
    yield [0.03] * 20
    yield [1.0 / 1001.0] * 3 + [0.5] * 4 + [1.0] * 2
    yield [0.2, 0.1, 0.3, 0.001, 0.9, 0.05, 0.05]
    # Random vectors of sizes 1..200: uniform, skewed towards 0 (signal),
    # permutation-style p = k/1001 (many ties), and rounded values.
    for i in range(120):
        size = rng.randint(1, 200)
        kind = i % 4
        if kind == 0:
            p = [rng.random() for _ in range(size)]
        elif kind == 1:
            p = [rng.random() ** 4 for _ in range(size)]
        elif kind == 2:
            p = [rng.randint(1, 1001) / 1001.0 for _ in range(size)]
        else:
            p = [round(rng.random(), 2) for _ in range(size)]
        yield p


def main():
    rng = random.Random(20240611)
    vectors = []
    for p in cases(rng):
        q = multipletests(p, method='fdr_bh')[1]
        vectors.append({'p': p, 'q': [float(v) for v in q]})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bh_vectors.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'statsmodels %s multipletests(p, method="fdr_bh")' % statsmodels.__version__,
                   'vectors': vectors}, f)
        f.write('\n')
    print('wrote %d vectors to %s' % (len(vectors), out))


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Writes test/fixtures/bessel.json: log I_v(x) and I_{v+1}/I_v at 50 digits (mpmath), the
independent reference for src/math/bessel.ts. Rerun only to change the grid."""
import json, mpmath
mpmath.mp.dps = 50
orders = [0, 0.5, 1, 1.5, 4, 9.5, 14, 49, 149, 299.5, 511]
xs = [1e-6, 1e-3, 0.1, 0.5, 1, 1.03, 2, 5, 10, 24, 26, 40, 80, 150, 300, 700, 1000, 3000, 1e4, 3e4, 1e5]
rows = []
for v in orders:
    for x in xs:
        i_v = mpmath.besseli(v, x)
        rows.append({'v': v, 'x': x, 'logI': float(mpmath.log(i_v)), 'ratio': float(mpmath.besseli(v + 1, x) / i_v)})
json.dump({'source': 'mpmath %s, 50 digits' % mpmath.__version__, 'rows': rows}, open('test/fixtures/bessel.json', 'w'), indent=0)

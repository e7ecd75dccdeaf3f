"""Heat diffusion on a 2-D plate with the stencilforge Python package: a
hot square in a cold plate, 200 explicit steps of the 5-point Laplacian
(star2d1r) run by the auto pick, the plate's edge held at 0 (the ring
cells keep their values). Prints what ran, the time, and the heat left.

    pip install .            # from the repository root (or ./tools/build.sh and PYTHONPATH=build/python)
    python examples/python/heat.py
"""
import time

import numpy as np

import stencilforge as sf

n, steps, alpha = 1024, 200, 0.2  # alpha * dt / dx^2 below 1/4: stable
plate = np.zeros((n, n), np.float32)
plate[n // 2 - 64:n // 2 + 64, n // 2 - 64:n // 2 + 64] = 100.0

# star2d1r's coefficient order: (0,-1), (-1,0), (0,0), (1,0), (0,1) as (dx, dy)
print("coefficient order:", sf.describe("star2d1r_f32")["offsets"])
weights = [alpha, alpha, 1 - 4 * alpha, alpha, alpha]

start = time.perf_counter()
result = sf.run("star2d1r_f32", plate, steps, weights)  # the family: the variant expected fastest here
seconds = time.perf_counter() - start
print(f"{steps} steps on {n}x{n} in {seconds * 1e3:.1f} ms "
      f"({n * n * steps / seconds / 1e9:.2f} G cell-steps/s)")
print(f"heat: {plate.sum():.0f} before, {result.sum():.0f} after (none has reached the edge yet)")
print(f"centre {result[n // 2, n // 2]:.2f}, peak {result.max():.2f}")

"""Dissolving a national-size grunnkrets set into delområder: time and peak memory.

    .venv/bin/python -m bench.dissolve [--grunnkretser 14500] [--delomrader 1900] [--vertices 120]

The polygons are synthetic (the product must not read reference files): a Voronoi tessellation
of random points in Norway's bounding box, so neighbours share their edges exactly as real
grunnkretser do, each edge densified until a polygon has about `--vertices` points. Delområder
are the grunnkretser nearest to each of `--delomrader` seeds. Reported: building the shapes,
dissolving them (utfordringsbilde.boundaries.dissolve, simplified for the screen) and writing
the GeoJSON texts, with the process's resident memory (GEOS allocates outside Python's heap, so
tracemalloc would not see the geometries) before and after, and its peak.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import box

from utfordringsbilde import boundaries

# Norway's mainland bounding box in degrees (EPSG:4258), roughly.
BOX = (4.5, 57.9, 31.2, 71.2)


def synthetic(n_gk: int, n_do: int, vertices: int, seed: int = 2026) -> tuple[dict, dict]:
    """Grunnkrets code → polygon, delområde code → its grunnkretser."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = BOX
    pts = np.column_stack([rng.uniform(x0, x1, n_gk), rng.uniform(y0, y1, n_gk)])
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=box(*BOX))
    polys = [shapely.intersection(c, box(*BOX)) for c in shapely.get_parts(cells)]
    # Voronoi cells have ~6 edges; densify each to reach about `vertices` points.
    mean_len = float(np.mean([p.exterior.length for p in polys]))
    polys = [shapely.segmentize(p, mean_len / vertices) for p in polys]
    seeds = pts[rng.choice(n_gk, n_do, replace=False)]
    centres = np.array([p.centroid.coords[0] for p in polys])
    nearest = cKDTree(seeds).query(centres)[1]
    polygons = {f"{i:08d}": p for i, p in enumerate(polys)}
    members: dict[str, list[str]] = {}
    for i, d in enumerate(nearest):
        members.setdefault(f"{int(d):06d}", []).append(f"{i:08d}")
    return polygons, members


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grunnkretser", type=int, default=14_500)
    ap.add_argument("--delomrader", type=int, default=1_900)
    ap.add_argument("--vertices", type=int, default=120)
    args = ap.parse_args()

    t0 = time.perf_counter()
    polygons, members = synthetic(args.grunnkretser, args.delomrader, args.vertices)
    t1 = time.perf_counter()
    before = _rss_mib()
    c1 = time.process_time()
    dissolved = boundaries.dissolve(polygons, members)
    t2 = time.perf_counter()
    c2 = time.process_time()
    texts = {c: boundaries.feature_text(c, c, g, "bench") for c, g in dissolved.items()}
    t3 = time.perf_counter()
    after = _rss_mib()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    n_in = sum(len(shapely.get_coordinates(p)) for p in polygons.values())
    n_out = sum(len(shapely.get_coordinates(g)) for g in dissolved.values())
    size = sum(len(t) for t in texts.values())
    print(f"grunnkretser {len(polygons):,}, delområder {len(dissolved):,}")
    print(f"vertices in {n_in:,}, out {n_out:,} (simplified {boundaries.SIMPLIFY_DEGREES}°)")
    print(f"build {t1 - t0:.2f} s")
    print(
        f"dissolve + simplify {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU (the machine is shared); "
        f"GeoJSON {t3 - t2:.2f} s ({size / 2**20:.1f} MiB)"
    )
    print(f"RSS {before:.0f} MiB with the input, {after:.0f} MiB after; peak {peak:.0f} MiB")


def _rss_mib() -> float:
    """The process's resident memory now (Linux /proc), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()

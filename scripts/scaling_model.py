#!/usr/bin/env python3
"""Strong and weak scaling model of meridian's stock model on a lon-lat grid (docs/scaling.md).

Per base step and rank:  T(P) = c * cells/P                       (compute, measured per cell)
                              + sum over exchanges (peers*o + alpha + bytes/beta)   (halos)
                              + (log2 P) * 2 * (alpha + limbs/beta) / diag_every      (exact global sums)
                              + (peers*o + alpha + coupled bytes/beta) / couple_every (coupler, M x N)
Every input is a command-line option; the defaults are the figures docs/scaling.md states.
Usage: scripts/scaling_model.py [--cell-ns 8.5] [--alpha-us 1.5] [--beta-gbs 12.5] [--o-us 0.3] ...
"""
import argparse
import math


def process_grid(nx, ny, p):
    """The px x py = p whose blocks are closest to square (what decomp.px/py = 0 aims at)."""
    best = None
    for py in range(1, int(math.isqrt(p)) + 1):
        if p % py:
            continue
        for a, b in ((p // py, py), (py, p // py)):
            if a > nx or b > ny:
                continue
            aspect = max((nx / a) / (ny / b), (ny / b) / (nx / a))
            if best is None or aspect < best[0]:
                best = (aspect, a, b)
    return None if best is None else best[1:]


def exchange_seconds(bx, by, width, peers, a):
    values = a.levels * (2 * width * (bx + by) + 4 * width * width)  # sides and corners, every level
    return peers * a.o_us * 1e-6 + a.alpha_us * 1e-6 + 8 * values / (a.beta_gbs * 1e9)


def step_seconds(nx, ny, p, a):
    grid = process_grid(nx, ny, p)
    if grid is None:
        return None
    px, py = grid
    bx, by = math.ceil(nx / px), math.ceil(ny / py)  # the largest block sets the pace
    if bx < 2 or by < 2:  # a block narrower than the atmosphere's halo (width 2)
        return None
    peers = 0 if p == 1 else min(8, 2 * (px > 1) + 2 * (py > 1) + 4 * (px > 1 and py > 1))
    compute = a.cell_ns * 1e-9 * bx * by * a.levels
    halo = 0.0
    if p > 1:
        halo = exchange_seconds(bx, by, 2, peers, a) + exchange_seconds(bx, by, 1, peers, a) / a.ocean_every
    rounds = math.ceil(math.log2(p)) if p > 1 else 0
    reduce = 2 * rounds * (a.alpha_us * 1e-6 + 8 * 71 * a.means / (a.beta_gbs * 1e9)) / a.diag_every
    couple = 0.0
    if a.coupler_peers and p > 1:  # a refined or concurrent surface: M x N routes to a few peers
        couple = (a.coupler_peers * a.o_us * 1e-6 + a.alpha_us * 1e-6 +
                  8 * 3 * bx * by / (a.beta_gbs * 1e9)) / a.couple_every  # 2 values up, 1 flux down
    return compute + halo + reduce + couple, compute, (px, py, bx, by)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cell-ns", type=float, default=8.5, help="whole-model seconds per cell per step, ns")
    ap.add_argument("--alpha-us", type=float, default=1.5, help="network latency, us (assumed)")
    ap.add_argument("--beta-gbs", type=float, default=12.5, help="network bandwidth per rank, GB/s (assumed)")
    ap.add_argument("--o-us", type=float, default=0.3, help="per-message software overhead, us")
    ap.add_argument("--ocean-every", type=float, default=3, help="base steps per ocean step (cluster.ini before super-stepping: 60 s / 20 s)")
    ap.add_argument("--diag-every", type=float, default=360, help="base steps per diagnostics row")
    ap.add_argument("--means", type=int, default=8, help="global means per diagnostics row")
    ap.add_argument("--couple-every", type=float, default=90, help="base steps per coupling")
    ap.add_argument("--coupler-peers", type=int, default=4, help="ranks a coupler route reaches (0: same blocks)")
    ap.add_argument("--levels", type=int, default=1, help="levels per column: compute and halo bytes scale with it")
    a = ap.parse_args()

    ranks = [2, 96, 1024, 6144, 16384, 65536, 100000, 110592]
    for name, nx, ny in (("0.25 degree", 1440, 720), ("3-km class", 13000, 6500)):
        print(f"\n{name}: {nx} x {ny}, strong scaling (efficiency against the first count that fits)")
        print(f"{'ranks':>7} {'grid':>11} {'block':>11} {'step_us':>9} {'compute':>8} {'efficiency':>10}")
        base = None
        for p in ranks:
            r = step_seconds(nx, ny, p, a)
            if r is None:
                print(f"{p:>7}  (no process grid with blocks of at least 2 x 2 cells)")
                continue
            t, compute, (px, py, bx, by) = r
            if base is None:
                base = (p, t)
            eff = base[1] * base[0] / (t * p)
            print(f"{p:>7} {px:>5}x{py:<5} {bx:>5}x{by:<5} {t * 1e6:>9.1f} {compute / t:>8.2f} {eff:>10.2f}")
    print("\nweak scaling, fixed block per rank (efficiency = compute / step)")
    print(f"{'block':>9} " + " ".join(f"{p:>8}" for p in (4, 64, 1024, 16384, 100000)))
    for b in (16, 32, 64, 128, 256):
        row = []
        for p in (4, 64, 1024, 16384, 100000):
            px = int(math.isqrt(2 * p))
            while p % px:
                px -= 1
            r = step_seconds(b * px, b * (p // px), p, a)
            row.append("-" if r is None else f"{r[1] / r[0]:.2f}")
        print(f"{b:>4}x{b:<4} " + " ".join(f"{x:>8}" for x in row))


if __name__ == "__main__":
    main()

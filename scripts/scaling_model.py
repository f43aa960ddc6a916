#!/usr/bin/env python3
"""Strong and weak scaling model of meridian's stock model on a lon-lat grid (docs/scaling.md).

Per base step (dt) and rank, the atmosphere super-stepped with s RKL2 stages:
  T(P) = (c_other + c_pass * (s + 2)) * cells/P                      (compute, measured per cell)
       + sum over exchanges (peers*o + alpha + bytes/beta)             (halos: 1 of width 2, s of width 1,
                                                                        the ocean's every ocean_every steps)
       + (log2 P) * 2 * (alpha + limbs/beta) / diag_every              (exact global sums)
       + (peers*o + alpha + coupled bytes/beta) / couple_every         (coupler, M x N)
dt and s follow the grid: dt scales with the cell width (advection), the explicit limit with its
square (diffusion in the polar rows), so s grows as the square root of the refinement.
Every input is a command-line option; the defaults are the figures docs/scaling.md states.
Usage: scripts/scaling_model.py [--other-ns 26] [--pass-ns 2.0] [--alpha-us 1.5] [--beta-gbs 12.5] ...
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


def rkl2_stages(ratio):
    """The fewest RKL2 stages (>= 2) stable at dt / dt_explicit = ratio (earth/super_time_step.hpp)."""
    s = 2
    while (s * s + s - 2) / 4 < ratio:
        s += 1
    return s


def time_step(nx, a):
    """(dt in s, RKL2 stages) on an nx-column grid, scaled from the 0.25-degree figures."""
    refine = nx / 1440
    dt = a.dt / refine
    explicit = a.explicit_dt / refine ** 2
    return dt, (rkl2_stages(dt / explicit) if dt > explicit else 1)


def step_seconds(nx, ny, p, a):
    grid = process_grid(nx, ny, p)
    if grid is None:
        return None
    px, py = grid
    bx, by = math.ceil(nx / px), math.ceil(ny / py)  # the largest block sets the pace
    if bx < 2 or by < 2:  # a block narrower than the atmosphere's halo (width 2)
        return None
    _, stages = time_step(nx, a)
    peers = 0 if p == 1 else min(8, 2 * (px > 1) + 2 * (py > 1) + 4 * (px > 1 and py > 1))
    passes = stages + 2 if stages > 1 else 1  # advection substep, s stages, the final sum
    compute = (a.other_ns + a.pass_ns * passes) * 1e-9 * bx * by * a.levels
    halo = 0.0
    if p > 1:
        width1 = stages if stages > 1 else 0  # one exchange of the increment per stage
        halo = (exchange_seconds(bx, by, 2, peers, a) + width1 * exchange_seconds(bx, by, 1, peers, a) +
                exchange_seconds(bx, by, 1, peers, a) / a.ocean_every)
    rounds = math.ceil(math.log2(p)) if p > 1 else 0
    reduce = 2 * rounds * (a.alpha_us * 1e-6 + 8 * 71 * a.means / (a.beta_gbs * 1e9)) / a.diag_every
    couple = 0.0
    if a.coupler_peers and p > 1:  # a refined or concurrent surface: M x N routes to a few peers
        couple = (a.coupler_peers * a.o_us * 1e-6 + a.alpha_us * 1e-6 +
                  8 * 3 * bx * by / (a.beta_gbs * 1e9)) / a.couple_every  # 2 values up, 1 flux down
    return compute + halo + reduce + couple, compute, (px, py, bx, by)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--other-ns", type=float, default=26.0,
                    help="whole model but the atmosphere's passes, per cell per step, ns")
    ap.add_argument("--pass-ns", type=float, default=2.0,
                    help="one atmosphere pass (advection substep, RKL2 stage or final sum) per cell, ns")
    ap.add_argument("--dt", type=float, default=1800, help="base step at 0.25 degrees, s (configs/cluster.ini)")
    ap.add_argument("--explicit-dt", type=float, default=29.0,
                    help="the atmosphere's explicit limit at 0.25 degrees, s (meridian --check)")
    ap.add_argument("--alpha-us", type=float, default=1.5, help="network latency, us (assumed)")
    ap.add_argument("--beta-gbs", type=float, default=12.5, help="network bandwidth per rank, GB/s (assumed)")
    ap.add_argument("--o-us", type=float, default=0.3, help="per-message software overhead, us")
    ap.add_argument("--ocean-every", type=float, default=1, help="base steps per ocean step (cluster.ini: 1800 s / 1800 s)")
    ap.add_argument("--diag-every", type=float, default=4, help="base steps per diagnostics row")
    ap.add_argument("--means", type=int, default=8, help="global means per diagnostics row")
    ap.add_argument("--couple-every", type=float, default=1, help="base steps per coupling")
    ap.add_argument("--coupler-peers", type=int, default=4, help="ranks a coupler route reaches (0: same blocks)")
    ap.add_argument("--levels", type=int, default=1, help="levels per column: compute and halo bytes scale with it")
    a = ap.parse_args()

    ranks = [2, 96, 1024, 6144, 16384, 65536, 100000, 110592]
    for name, nx, ny in (("0.25 degree", 1440, 720), ("3-km class", 13000, 6500)):
        dt, stages = time_step(nx, a)
        print(f"\n{name}: {nx} x {ny}, dt {dt:.0f} s, {stages} RKL2 stages; strong scaling "
              "(efficiency against the first count that fits)")
        print(f"{'ranks':>7} {'grid':>11} {'block':>11} {'step_us':>9} {'compute':>8} {'efficiency':>10} {'SYPD':>9}")
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
            sypd = dt / t / 365.0  # simulated days per wall second = years per wall day
            print(f"{p:>7} {px:>5}x{py:<5} {bx:>5}x{by:<5} {t * 1e6:>9.1f} {compute / t:>8.2f} {eff:>10.2f} {sypd:>9.0f}")
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

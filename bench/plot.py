"""The PNG that goes with the report: throughput per scenario, and p99 at 50% load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.stats import summarize

__all__ = ["plot"]


def plot(results: dict[str, Any], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = summarize(results)
    tp = summary["throughput"]
    names = list(tp)
    rps = [tp[n]["rps"] or 0 for n in names]
    lo = [max(0.0, r - (tp[n]["min"] or r)) for n, r in zip(names, rps, strict=True)]
    hi = [max(0.0, (tp[n]["max"] or r) - r) for n, r in zip(names, rps, strict=True)]
    lat = summary["latency"]
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(15, 6), gridspec_kw={"width_ratios": [3, 1.2]})
    colors = ["#888888" if n.startswith("baseline") else
              "#c0504d" if "password" in n or "argon2" in n else "#4f81bd" for n in names]
    ax1.barh(names, rps, xerr=[lo, hi], color=colors)
    ax1.set_xscale("log")
    ax1.invert_yaxis()
    ax1.set_xlabel("requests/s (median, min-max bars; log scale)")
    ax1.set_title("Throughput per scenario")
    for i, r in enumerate(rps):
        ax1.text(r, i, f" {r:,.0f}", va="center", fontsize=8)
    lnames = list(lat)
    p50 = [lat[n]["p50_ms"] or 0 for n in lnames]
    p99 = [lat[n]["p99_ms"] or 0 for n in lnames]
    x = range(len(lnames))
    ax2.bar([i - 0.2 for i in x], p50, width=0.4, label="p50")
    ax2.bar([i + 0.2 for i in x], p99, width=0.4, label="p99")
    ax2.axhline(20, color="red", linestyle="--", linewidth=1, label="p99 target 20 ms")
    ax2.set_xticks(list(x), lnames, rotation=20, ha="right", fontsize=8)
    ax2.set_ylabel("ms")
    ax2.set_title("Latency at 50% of max (fixed rate)")
    ax2.legend(fontsize=8)
    meta = results.get("meta", {})
    fig.suptitle(f"agentdir benchmark {meta.get('date', '')} ({meta.get('cpus', '?')} CPUs, "
                 f"shared machine)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out

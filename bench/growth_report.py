#!/usr/bin/env python3
"""Turns the JSON results of `scripts/bench.sh --growth` into its table in docs/performance.md.

    growth_report.py RESULTS_DIR --target N --elapsed S --load L --commit C   > growth.md
    growth_report.py --summary RESULTS_DIR --target N                          > g_growth.json
    growth_report.py --splice docs/performance.md growth.md

The table goes between the markers BEGIN and END below (appended at the end of the file the
first time); everything outside them, the standard set's bench:begin / bench:end section
included, is left alone.
"""
import argparse
import glob
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_report  # noqa: E402
from bench_report import machine  # noqa: E402

BEGIN = "<!-- growth:begin (written by scripts/bench.sh --growth: edit the script, not this section) -->"
END = "<!-- growth:end -->"
GIB = 1024 ** 3


def load(results, name):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def rss_samples(results):
    """(time, bytes) pairs of the node's VmRSS, one a second."""
    out = []
    path = os.path.join(results, "g_rss.txt")
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) == 2:
                out.append((float(parts[0]), int(parts[1]) * 1024))
    return out


def summary(results, target):
    empty, full = load(results, "g_empty.json"), load(results, "g_full.json")
    disk, phases = load(results, "g_disk.json"), load(results, "g_phases.json") or {}
    raw = (load(results, "raw.json") or {}).get("raw_verify_per_s")
    fills = []
    for path in sorted(glob.glob(os.path.join(results, "g_fill_*.json")),
                       key=lambda p: int(re.search(r"(\d+)\.json$", p).group(1))):
        f = json.load(open(path))
        fills.append({"records": f["records"], "committed": f["committed"],
                      "committed_per_s": f["committed_per_s"], "elapsed_s": f["elapsed_s"],
                      "presign_s": f["presign_s"], "failures": f["failures"]})
    samples = rss_samples(results)

    def max_rss(t0, t1):
        values = [b for t, b in samples if (t0 is None or t >= t0) and (t1 is None or t <= t1)]
        return max(values) if values else None

    out = {
        "target_records": target,
        "raw_verify_per_s": raw,
        "empty_per_s": empty["committed_per_s"] if empty else None,
        "full_per_s": full["committed_per_s"] if full else None,
        "fills": fills,
        "max_rss_bytes": max_rss(None, None),
        "max_rss_empty_bytes": max_rss(phases.get("start"), phases.get("empty_done")),
        "max_rss_fill_bytes": max_rss(phases.get("empty_done"), phases.get("fill_done")),
        "max_rss_full_bytes": max_rss(phases.get("fill_done"), None),
        "rss_samples": len(samples),
        "phases": phases,
    }
    if out["empty_per_s"] and out["full_per_s"]:
        out["ratio"] = out["full_per_s"] / out["empty_per_s"]
    if disk:
        records = disk["column_families"]["records"]["keys"]
        envelope = (full or empty or {}).get("avg_envelope_bytes")
        out["records_on_chain"] = records
        out["disk_bytes"] = disk["dir_bytes_after"]
        out["disk_bytes_before_compaction"] = disk["dir_bytes_before"]
        out["disk_per_record"] = disk["dir_bytes_after"] / records if records else None
        out["envelope_bytes"] = envelope
        if envelope and records:
            out["disk_vs_envelope"] = out["disk_per_record"] / envelope
        out["sst_per_record_by_cf"] = {
            name: v["sst_bytes"] / records for name, v in disk["column_families"].items()
            if v["sst_bytes"] and records}
    return out


def verdict(ok):
    return "n/a" if ok is None else ("**yes**" if ok else "no")


def table(args):
    s = summary(args.results, args.target)
    quick = s.get("records_on_chain", 0) < 5_000_000
    lines = [BEGIN, "", "## Growth (g): `scripts/bench.sh --growth`", ""]
    lines.append(
        f"Machine: {machine()}. Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit "
        f"{args.commit}, took {args.elapsed} s (load average before / after: {args.load})"
        + (f"; **a smaller chain ({args.target:,} records) than the target's 5,000,000**"
           if quick else "") + ".")
    lines += ["", "| measurement | result | target | met |", "|---|---|---|---|"]
    ratio = s.get("ratio")
    lines.append(f"| committed/s, one validator, empty chain (30,000 records, batch 200) | "
                 f"{s['empty_per_s'] or 0:,.0f} | | |")
    lines.append(f"| committed/s, same run with {s.get('records_on_chain', 0):,} records on chain | "
                 f"{s['full_per_s'] or 0:,.0f} | | |")
    lines.append(f"| ratio full / empty | {ratio or 0:.2f} | >= 0.8 | "
                 f"{verdict(None if ratio is None else ratio >= 0.8)} |")
    rss = s.get("max_rss_bytes")
    phases = ", ".join(f"{name} {s[key] / 2**20:,.0f} MiB" for name, key in (
        ("empty run", "max_rss_empty_bytes"), ("filling", "max_rss_fill_bytes"),
        ("full run", "max_rss_full_bytes")) if s.get(key))
    lines.append(f"| validator's peak RSS (VmRSS every second, {s['rss_samples']} samples) | "
                 f"{(rss or 0) / 2**20:,.0f} MiB ({phases}) | <= 1 GiB | "
                 f"{verdict(None if rss is None else rss <= GIB)} |")
    dv = s.get("disk_vs_envelope")
    if dv is not None:
        lines.append(f"| disk per record after full compaction | {s['disk_per_record']:,.0f} B vs "
                     f"{s['envelope_bytes']:,.0f} B envelope = {dv:.2f}x (before compaction "
                     f"{s['disk_bytes_before_compaction'] / s['records_on_chain']:,.0f} B) | "
                     f"<= 1.5x | {verdict(dv <= 1.5)} |")
    lines.append("")
    if s["fills"]:
        done = (load(args.results, "g_empty.json") or {}).get("committed", 0)
        steps = []
        for f in s["fills"]:
            steps.append(f"{done:,}: {f['committed_per_s']:,.0f}/s")
            done += f["committed"]
        lines.append("Fill calls, committed/s by records on chain when each started (each call "
                     "presigns its load first, while the node idles): " + "; ".join(steps) + ".")
    if s.get("sst_per_record_by_cf"):
        parts = sorted(s["sst_per_record_by_cf"].items(), key=lambda kv: -kv[1])
        lines.append("SST bytes per record by column family: "
                     + ", ".join(f"{k} {v:.0f}" for k, v in parts) + ".")
    lines += ["", COMMANDS.strip("\n"), "", END]
    return "\n".join(lines) + "\n"


COMMANDS = """
```sh
scripts/bench.sh --growth [--growth-records N]   # all of the below; writes this section
agritrace-node init --dir D && agritrace-node run --dir D &   # VmRSS sampled every second
agritrace-bench --dir D --records 30000 --batch 200 --json    # empty chain
agritrace-bench --dir D --records 500000 --batch 200 --json   # repeated until N on chain
agritrace-bench --dir D --records 30000 --batch 200 --json    # full chain
agritrace-dbstat D/data --compact --json                      # after stopping the node
```
"""


def splice(doc_path, table_path):
    bench_report.splice(doc_path, table_path, BEGIN, END)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--splice":
        splice(sys.argv[2], sys.argv[3])
        return
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--summary", action="store_true")
    p.add_argument("--target", type=int, default=5_000_000)
    p.add_argument("--elapsed", default="?")
    p.add_argument("--load", default="?")
    p.add_argument("--commit", default="?")
    args = p.parse_args()
    if args.summary:
        print(json.dumps(summary(args.results, args.target), indent=2))
    else:
        sys.stdout.write(table(args))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Turns the JSON results of scripts/bench.sh into the markdown table of docs/performance.md.

    bench_report.py RESULTS_DIR --quick 0|1 --elapsed S --load L --commit C   > table.md
    bench_report.py --splice docs/performance.md table.md

The table goes between the markers BEGIN and END below (appended at the end of the file the
first time); everything outside them is left alone.
"""
import argparse
import json
import os
import platform
import re
import sys
import time

BEGIN = "<!-- bench:begin (written by scripts/bench.sh: edit the script, not this section) -->"
END = "<!-- bench:end -->"


def load(results, name):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text.startswith(("{", "[")) else text


def num(x, digits=0):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def verdict(ok):
    return "n/a" if ok is None else ("**yes**" if ok else "no")


def failures(run):
    f = run.get("failures") or {}
    return "" if not f else " failures " + ", ".join(f"{k} {v}" for k, v in sorted(f.items()))


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_gb = int(f.readline().split()[1]) / 1024 / 1024
    distro = ""
    if os.path.exists("/etc/os-release"):
        m = re.search(r'^PRETTY_NAME="?([^"\n]*)', open("/etc/os-release").read(), re.M)
        distro = m.group(1) if m else ""
    return f"{os.cpu_count()} cores, {model}, {mem_gb:.0f} GB RAM, {distro} ({platform.machine()})"


def rows(r):
    raw = (r["raw"] or {}).get("raw_verify_per_s")
    out = [("raw", "BIP-340 verifications/s, all cores (`agritrace-bench --raw-verify`)",
            num(raw), "", "")]
    a = r["a_single"]
    if a:
        out.append(("a", f"one validator, {a['committed']:,} records, batch {a['batch']}: committed/s",
                    f"{num(a['committed_per_s'])}/s = {a['ratio']:.3f} x raw; p99 "
                    f"{num(a['latency_ms']['p99'])} ms{failures(a)}",
                    ">= 0.75 x raw", verdict(a["ratio"] >= 0.75)))
    u = r["a_unary"]
    if u:
        out.append(("a", f"the same, batch 1 (one SubmitRecord per record), {u['committed']:,} records",
                    f"{num(u['committed_per_s'])}/s = {u['ratio']:.3f} x raw{failures(u)}", "", ""))
    b = r["b_max"]
    if b:
        out.append(("b", f"4 validators, {b['committed']:,} records as fast as possible: sustained committed/s",
                    f"{num(b['committed_per_s'])}/s = {b['ratio_x_validators']:.3f} x raw/4{failures(b)}",
                    ">= 0.5 x raw/4", verdict(b["ratio_x_validators"] >= 0.5)))
    for key, label, limit in (("b_rate80", "80% of sustained", 250), ("b_rate1000", "1,000 records/s", 100)):
        x = r[key]
        if not x:
            continue
        lat = x["latency_ms"]
        out.append(("b", f"4 validators at {label} ({num(x['rate'])}/s offered, {x['committed']:,} records): "
                         "submit-to-commit latency",
                    f"p99 {num(lat['p99'])} ms (p50 {num(lat['p50'])}, p95 {num(lat['p95'])}, max "
                    f"{num(lat['max'])}); committed {num(x['committed_per_s'])}/s{failures(x)}",
                    f"p99 <= {limit} ms", verdict(lat["p99"] <= limit and x["committed"] == x["submitted"])))
    vs = r["c_vs_nginx"] or {}
    for key, label in (("c_page", "product page (HTML)"), ("c_bundle", "proof bundle (JSON)")):
        c = r[key]
        if not c:
            continue
        errors = ""
        if c["non_2xx"] or c["socket_errors"]:
            errors = f"; non-2xx {c['non_2xx']} {c['socket_errors']}"
        p99 = c["p99_ms"] if c["p99_ms"] is not None else 1e9
        n = vs.get(key[2:])
        if n:  # issue 18: against nginx serving the same bytes as a static file, same run
            result = (f"{num(c['requests_per_s'])} req/s = {n['ratio']:.2f} x nginx "
                      f"({num(n['nginx_requests_per_s'])} req/s, p99 {num(n['nginx_p99_ms'], 1)} ms), "
                      f"p99 {num(c['p99_ms'], 1)} ms (p50 {num(c['p50_ms'], 1)}){errors}")
            ok = n["ratio"] >= 0.5 and p99 <= 10 and not c["non_2xx"]
            what = f"{label}, {r['bundle20.records']}-record lineage ({num(n['bytes'])} B), observer"
        else:
            result = (f"{num(c['requests_per_s'])} req/s, p99 {num(c['p99_ms'], 1)} ms "
                      f"(p50 {num(c['p50_ms'], 1)}); nginx not measured{errors}")
            ok = None
            what = f"{label}, {r['bundle20.records']}-record lineage, observer"
        out.append(("c", f"{what}, wrk {r['http']}", result, ">= 0.5 x nginx, p99 <= 10 ms",
                    verdict(ok)))
    d, f = r["d_catchup"], r["f_disk"]
    if d and f:
        records = f["column_families"]["records"]["keys"]
        per_s = records / d["seconds"] if d["seconds"] > 0 else 0
        ratio = per_s / raw if raw else 0
        split = ""
        if "sync_s" in d:
            split = (f" (start-up {d['startup_s']:.1f} s until its first log line, then "
                     f"{d['sync_s']:.1f} s syncing = {records / max(d['sync_s'], 1e-3) / raw:.3f} x raw)"
                     if raw else "")
        out.append(("d", f"fresh observer catches up {records:,} records ({d['height']:,} blocks)",
                    f"{d['seconds']:.1f} s = {num(per_s)} records/s = {ratio:.3f} x raw{split}",
                    ">= 0.5 x raw", verdict(ratio >= 0.5)))
    e = r["e_verify"]
    if e:
        out.append(("e", f"`agritrace verify` of a {r['bundle50.records']}-record bundle ({e['tool']}, "
                         f"{e['runs']} runs, whole process)",
                    f"median {e['median_ms']:.1f} ms (mean {e['mean_ms']:.1f}, max {e['max_ms']:.1f})",
                    "<= 20 ms", verdict(e["median_ms"] <= 20)))
    load_run = r["d_load"]
    if f and load_run:
        records = f["column_families"]["records"]["keys"]
        per_record = f["dir_bytes_after"] / records
        envelope = load_run["avg_envelope_bytes"]
        out.append(("f", f"disk per committed record after full compaction ({records:,} records)",
                    f"{num(per_record)} B vs {num(envelope)} B signed envelope = "
                    f"{per_record / envelope:.2f}x (SST files alone {num(f['sst_bytes'] / records)} B = "
                    f"{f['sst_bytes'] / records / envelope:.2f}x; before compaction "
                    f"{num(f['dir_bytes_before'] / records)} B)",
                    "<= 1.5x", verdict(per_record / envelope <= 1.5)))
    return out


def disk_breakdown(r):
    f = r["f_disk"]
    if not f:
        return ""
    records = f["column_families"]["records"]["keys"] or 1
    parts = sorted(f["column_families"].items(), key=lambda kv: -kv[1]["sst_bytes"])
    text = ", ".join(f"{name} {v['sst_bytes'] / records:.0f}" for name, v in parts if v["sst_bytes"])
    other = f["dir_bytes_after"] - f["sst_bytes"]
    return (f"Disk after compaction, bytes per record by column family (SST): {text}; "
            f"other files (WAL, MANIFEST, OPTIONS, info logs) {other / records:.0f}.\n")


def table(args):
    names = ["raw", "a_single", "a_unary", "b_max", "b_rate80", "b_rate1000", "c_page", "c_bundle",
             "c_vs_nginx", "d_catchup", "d_load", "e_verify", "f_disk", "bundle20.records", "bundle50.records"]
    r = {n: load(args.results, n if n.endswith(".records") else n + ".json") for n in names}
    r["http"] = "-t2 -c32"
    lines = [BEGIN, "", "## Standard set (`scripts/bench.sh`)", ""]
    lines.append(f"Machine: {machine()}. Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
                 f"commit {args.commit}, took {args.elapsed} s{' (**--quick**: small runs, figures indicative only)' if args.quick == '1' else ''}; "
                 f"load average before / after: {args.load}.")
    lines += ["", "| | measurement | result | target | met |", "|---|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows(r)]
    lines += ["", disk_breakdown(r)]
    lines += COMMANDS.strip("\n").split("\n")
    lines += ["", END]
    return "\n".join(lines) + "\n"


COMMANDS = """
Commands (each step's JSON stays in the run's `results/` with `--keep`):

```sh
scripts/bench.sh [--quick]                        # all of the below; writes this section
agritrace-bench --raw-verify --json
# (a) one validator
agritrace-node init --dir D && agritrace-node run --dir D &
agritrace-bench --dir D --records 30000 --batch 200 --json
agritrace-bench --dir D --records 6000 --batch 1 --json
# (b) 4 validators + 1 observer; R = 80% of the first run's committed_per_s
scripts/devnet.sh up N --validators 4 --observers 1
agritrace-bench --devnet N --records 20000 --json
agritrace-bench --devnet N --rate R --duration 15 --json
agritrace-bench --devnet N --rate 1000 --duration 15 --json
# (c) LOT = a lot whose bundle has 20 records; OBS = the observer's HTTP address
LOT=$(agritrace-bench --devnet N --lineage 20)
wrk -t2 -c32 -d10s --latency http://OBS/$LOT
wrk -t2 -c32 -d10s --latency -H 'Accept: application/json' http://OBS/$LOT
# ... and the same two responses (curl with wrk's headers) as static files from nginx (2 workers,
# sendfile, no access log, the gateway's Content-Type, Link, Vary), NGX = its loopback port
wrk -t2 -c32 -d10s --latency http://NGX/page
wrk -t2 -c32 -d10s --latency -H 'Accept: application/json' http://NGX/bundle
# (e) a 50-record bundle verified offline
LOT=$(agritrace-bench --devnet N --lineage 50)
curl -H 'Accept: application/json' http://OBS/$LOT > b50.json
hyperfine -N --warmup 3 --runs 30 'agritrace verify b50.json --genesis N/genesis.json'
# (d) 1 validator + 1 observer; the observer stopped with its data directory removed
scripts/devnet.sh up C --validators 1 --observers 1    # then stop observer-1, rm its data
agritrace-bench --devnet C --records 100000 --json
scripts/devnet.sh start C observer-1                   # timed until its height = the validator's
# (f) after scripts/devnet.sh down C
agritrace-dbstat C/validator-1/data --compact --json
```
"""


def splice(doc_path, table_path, begin_marker=BEGIN, end_marker=END):
    """Replaces the doc's section between the markers with the table's (appends it if absent)."""
    doc = open(doc_path).read()
    section = open(table_path).read()
    begin = doc.find(begin_marker.split(" (")[0])
    end = doc.find(end_marker)
    if begin >= 0 and end > begin:
        doc = doc[:begin] + section.rstrip("\n") + doc[end + len(end_marker):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + section
    with open(doc_path, "w") as f:
        f.write(doc)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--splice":
        splice(sys.argv[2], sys.argv[3])
        return
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--quick", default="0")
    p.add_argument("--elapsed", default="?")
    p.add_argument("--load", default="?")
    p.add_argument("--commit", default="?")
    sys.stdout.write(table(p.parse_args()))


if __name__ == "__main__":
    main()

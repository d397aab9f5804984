"""Turns the runner's measurements into the Markdown tables of RESULTS.md, with target verdicts."""

import statistics

SYSTEM_NAMES = {"lamina": "lamina", "keras": "Keras 3", "jax": "JAX", "jax_scan": "JAX scan",
                "jax_noynn": "JAX, YNNPACK off"}
# Hand-written variants shown in the training tables only.
VARIANTS = ("jax_scan", "jax_noynn")

# Memory is "flat" below these growths (a leak of a few KB per call or per model shows clearly).
FLAT_PREDICT_MB = 5.0      # over 1,000 predict calls
FLAT_MODELS_MB = 20.0      # over 40 models
IMPORT_TARGET_S = 1.5


def median_of(runs, key):
    vals = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
    return statistics.median(vals) if vals else None


FLOOR = "floor"  # a target that the hand-written jitted forward itself misses


def verdict(ok):
    if ok == FLOOR:
        return "FAIL (floor)"
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def _quarter_of_keras(self, wl, vals, rk, rj):
    ok = _leq(rk, 0.25)
    floor = ratio(vals.get("jax"), vals.get("keras"))
    return FLOOR if ok is False and floor is not None and floor > 0.25 else ok


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt(v, scale=1.0, digits=3):
    if v is None:
        return "—"
    v *= scale
    return f"{v:.{digits}g}" if abs(v) < 10 ** digits else f"{v:,.0f}"


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}x"


def _leq(r, limit):
    return None if r is None else r <= limit


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


class Report:
    def __init__(self, results, workloads, systems):
        """`results[(workload, system)]` is the list of per-trial dicts from worker.py."""
        self.results, self.workloads, self.systems = results, workloads, systems
        self.verdicts = []

    def m(self, wl, system, key):
        return median_of(self.results.get((wl, system), []), key)

    def _judge(self, wl, target, ok):
        self.verdicts.append((wl, target, verdict(ok)))
        return verdict(ok)

    def _metric_table(self, key, unit, scale, targets, systems=None, jax_over_keras=False):
        systems = systems or [s for s in self.systems if s not in VARIANTS]
        same_options = "jax_noynn" in systems
        header = ["workload"] + [f"{SYSTEM_NAMES[s]} ({unit})" for s in systems]
        header += ["lamina/Keras", "lamina/JAX"] + (["lamina/JAX same XLA options"] if same_options else [])
        header += (["JAX/Keras"] if jax_over_keras else []) + [t[0] for t in targets]
        rows = []
        for wl in self.workloads:
            vals = {s: self.m(wl, s, key) for s in systems}
            if all(v is None for v in vals.values()):
                continue
            row = [wl] + [fmt(vals[s], scale) for s in systems]
            lam = vals.get("lamina")
            rk, rj = ratio(lam, vals.get("keras")), ratio(lam, vals.get("jax"))
            row += [fmt_ratio(rk), fmt_ratio(rj)]
            if same_options:
                row.append(fmt_ratio(ratio(lam, vals.get("jax_noynn") or vals.get("jax"))))
            if jax_over_keras:
                row.append(fmt_ratio(ratio(vals.get("jax"), vals.get("keras"))))
            row += [self._judge(wl, name, rule(self, wl, vals, rk, rj)) for name, rule in targets]
            rows.append(row)
        return _table(header, rows)

    def training_table(self):
        def vs_jax(self, wl, vals, rk, rj):
            return _leq(rj, 1.15)

        def vs_keras(self, wl, vals, rk, rj):
            kj = ratio(vals.get("keras"), vals.get("jax"))
            return None if kj is None or kj <= 1.3 else _leq(rk, 0.7)

        systems = [s for s in self.systems]
        return self._metric_table("step_s", "ms", 1e3, [
            ("≤1.15x JAX", vs_jax), ("≤0.7x Keras (where Keras >1.3x JAX)", vs_keras)], systems)

    def cpu_table(self):
        return self._metric_table("cpu_step_s", "CPU ms", 1e3, [], list(self.systems))

    def first_epoch_table(self):
        return self._metric_table("first_epoch_s", "s", 1.0, [
            ("≤ Keras", lambda self, wl, vals, rk, rj: _leq(rk, 1.0))])

    def predict_table(self):
        return self._metric_table("predict1_s", "ms", 1e3, [
            ("≤0.25x Keras", _quarter_of_keras),
            ("predict ≤2x jitted fwd", lambda self, wl, vals, rk, rj: _leq(rj, 2.0))], jax_over_keras=True)

    def call_table(self):
        return self._metric_table("call1_s", "ms", 1e3, [
            ("model(x) ≤2x jitted fwd", lambda self, wl, vals, rk, rj: _leq(rj, 2.0))])

    def throughput_table(self):
        return self._metric_table("throughput", "samples/s", 1.0, [])

    def memory_table(self):
        return self._metric_table("peak_rss_mb", "MB", 1.0, [])

    def compile_table(self):
        systems = [s for s in self.systems if s not in VARIANTS]
        header = ["workload"] + [f"{SYSTEM_NAMES[s]} fit" for s in systems] + ["lamina predict(x[:1])", "Keras predict(x[:1])"]
        rows = []
        for wl in self.workloads:
            rows.append([wl] + [fmt(self.m(wl, s, "compiles_fit")) for s in systems]
                        + [fmt(self.m(wl, "lamina", "compiles_predict1")), fmt(self.m(wl, "keras", "compiles_predict1"))])
        return _table(header, rows)

    def flops_table(self, ceiling):
        systems = [s for s in self.systems if s != "jax_scan"]
        header = ["workload", "GFLOP/step (XLA count)"] + [f"{SYSTEM_NAMES[s]} GFLOP/s" for s in systems]
        header += ["matmul ceiling GFLOP/s", "lamina % of ceiling"]
        rows = []
        for wl in self.workloads:
            if wl not in ("W2", "W3"):
                continue
            flops = self.m(wl, "jax", "step_flops")
            if flops is None:
                continue
            rates = {s: ratio(flops, self.m(wl, s, "step_s")) for s in systems}
            lam = rates.get("lamina")
            pct = None if lam is None or not ceiling else 100 * lam / 1e9 / ceiling
            rows.append([wl, fmt(flops / 1e9)] + [fmt(None if rates[s] is None else rates[s] / 1e9) for s in systems]
                        + [fmt(ceiling), "—" if pct is None else f"{pct:.0f}%"])
        return _table(header, rows)

    def import_table(self, imports):
        rows = []
        for name, times in imports.items():
            med = statistics.median(times) if times else None
            target = self._judge("", "import lamina <1.5 s", med < IMPORT_TARGET_S) if name == "lamina" and med is not None else ""
            rows.append([f"import {name}", fmt(med), fmt(min(times)) if times else "—", target])
        return _table(["statement (fresh process)", "median s", "best s", "target"], rows)

    def flat_table(self, mem):
        rows = []
        for system, runs in mem.items():
            p, mdl = median_of(runs, "predict_growth_mb"), median_of(runs, "models_growth_mb")
            calls, models = median_of(runs, "predict_calls"), median_of(runs, "models")
            row = [SYSTEM_NAMES[system], f"{fmt(p)} MB over {fmt(calls)} calls", f"{fmt(mdl)} MB over {fmt(models)} models"]
            if system == "lamina":
                row += [self._judge("memory", "predict RSS flat", None if p is None else p < FLAT_PREDICT_MB),
                        self._judge("memory", "models RSS flat", None if mdl is None else mdl < FLAT_MODELS_MB)]
            else:
                row += ["", ""]
            rows.append(row)
        return _table(["system", "RSS growth: predict(x[:1]) loop", "RSS growth: build+compile+predict loop",
                       f"predict flat (<{FLAT_PREDICT_MB:g} MB)", f"models flat (<{FLAT_MODELS_MB:g} MB)"], rows)

    def summary(self):
        passed = sum(v == "PASS" for _, _, v in self.verdicts)
        failed = [(wl, t) for wl, t, v in self.verdicts if v == "FAIL"]
        floor = [(wl, t) for wl, t, v in self.verdicts if v == "FAIL (floor)"]
        lines = [f"**Targets: {passed} PASS, {len(failed) + len(floor)} FAIL** (n/a rows not counted)"
                 + (f", of which {len(floor)} below the floor a hand-written jitted forward sets." if floor else ".")]
        if failed:
            lines.append("")
            lines.append("Failed: " + "; ".join(f"{wl} {t}".strip() for wl, t in failed) + ".")
        if floor:
            lines.append("")
            lines.append("Failed where the jitted forward alone is above the target (out of reach by removing "
                         "overhead): " + "; ".join(f"{wl} {t}".strip() for wl, t in floor) + ".")
        return "\n".join(lines)

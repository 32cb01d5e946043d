#!/usr/bin/env python3
"""wcfb test harness: host unit tests plus guest lanes, one summary.

A lane is one guest configuration (device tree, kernel command line).  For
each lane the harness boots the Debian arm64 kernel under QEMU with the
initramfs, lets the guest runner (tests/guest/run.sh) run the tests, answers
its screenshot requests with QMP screendumps checked by wcfb-imgcheck, and
enforces a timeout per boot and per test.  A guest that panics, oopses or
hangs fails the test it was in, with its last log lines; the remaining tests
of the lane run in a fresh boot.

Output (--out): <lane>.tap per lane, bench.json (one object per benchmark,
each figure with its unit), serial logs, and for every failed screenshot
check the capture, the expected image and a diff image side by side.
The last line printed is "N passed, N failed".
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "hw", "qemu"))
import wcfb_qemu  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
GUEST_DIR = os.path.join(HERE, "..", "guest")
PROTO = "@@WCFB "
# What a kernel prints when something went wrong that must fail a test.
# The debug kernel's checkers (hw/qemu/debug-kernel.config) add their own
# banners: DMA-API debug ("DMA-API: "), lockdep ("WARNING: possible
# circular locking ...", "inconsistent lock state", "suspicious RCU usage"),
# kmemleak's report ("unreferenced object"), the hung-task detector.
KERNEL_TROUBLE = re.compile(
    r"(Internal error: |Unable to handle kernel|WARNING: CPU: |BUG: |"
    r"Kernel panic|kernel BUG at|Call trace:|UBSAN:|KASAN:|kmemleak:|"
    r"DMA-API: |WARNING: possible |WARNING: inconsistent lock|"
    r"WARNING: suspicious RCU|WARNING: bad unlock|WARNING: lock held|"
    r"WARNING: held lock|unreferenced object|INFO: task .* blocked|"
    r"INFO: possible |INFO: trying to register non-static key|"
    r"watchdog: BUG: soft lockup|rcu: INFO: )")

# The driver's log line when its watchdog resets a hung or halted engine.
ENGINE_RECOVERY = re.compile(r"wcfb-engine .*(made no progress|halted with error).*: resetting")


def dtb_layout(dtb):
    """The pool layout a merged DTB was built with (wcfb-<layout>.dtb)."""
    m = re.search(r"wcfb-(\w+)\.dtb$", dtb)
    return m.group(1) if m else "unknown"


def all_guest_tests():
    return sorted(f[2:-3] for f in os.listdir(GUEST_DIR)
                  if f.startswith("t_") and f.endswith(".sh"))


class Result:
    def __init__(self, lane, name):
        self.lane, self.name = lane, name
        self.status, self.detail = "FAIL", ""
        self.seconds = 0.0


class Harness:
    def __init__(self, args):
        self.args = args
        self.results = []
        self.bench = []
        # Per lane: kernel reports (oops/WARN/KASAN/DMA-API/... lines seen,
        # must stay 0), faults injected on purpose by kind (engine model
        # faults, engine kills, failslab, fail_page_alloc: the lane passing
        # means they were survived), engine resets (hang recovery).
        self.kernel_reports = collections.Counter()
        self.injected = collections.defaultdict(collections.Counter)
        self.engine_resets = collections.Counter()
        self.slow = 1
        os.makedirs(args.out, exist_ok=True)

    # ---------------------------------------------------------------- output
    def report(self, r):
        self.results.append(r)
        line = "%-4s %s/%s (%.1fs)" % (r.status, r.lane, r.name, r.seconds)
        if r.status != "PASS" and r.detail:
            line += "\n" + "\n".join("     | " + ln for ln in
                                      r.detail.rstrip().splitlines()[-40:])
        print(line, flush=True)

    def add_bench(self, obj):
        self.bench.append(obj)
        figs = ", ".join("%s=%s%s" % (k, v.get("value"), v.get("unit", ""))
                         for k, v in obj.get("figures", {}).items())
        print("BENCH %s: %s" % (obj.get("name"), figs), flush=True)

    # ------------------------------------------------------------ host suites
    def run_host_suite(self, lane, cmd):
        """Runs a host test program; reads cmocka's per-test lines
        ("[       OK ] name", "[  FAILED  ] name") or TAP's ("ok 3 - name",
        "not ok 3 - name")."""
        t0 = time.monotonic()
        p = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        dt = time.monotonic() - t0
        seen = 0
        for ln in p.stdout.splitlines():
            m = re.match(r"\[\s+(OK|FAILED)\s+\] (\S+)$", ln)
            t = re.match(r"(not ok|ok) \d+ - (\S+)", ln)
            if not (m or t):
                continue
            seen += 1
            r = Result(lane, (m or t).group(2))
            r.status = "PASS" if (m or t).group(1) in ("OK", "ok") else "FAIL"
            r.detail = p.stdout if r.status == "FAIL" else ""
            self.report(r)
        if p.returncode != 0 and not any(
                r.lane == lane and r.status == "FAIL" for r in self.results):
            r = Result(lane, "build-or-run")
            r.detail = p.stdout
            self.report(r)
        elif seen == 0:
            r = Result(lane, "none-found")
            r.detail = "no per-test results in:\n" + p.stdout
            self.report(r)
        print("%s tests: %.1fs" % (lane, dt), flush=True)

    # ---------------------------------------------------------------- guests
    @staticmethod
    def test_header(name, key):
        """Value of a '# key: value' line in tests/guest/t_NAME.sh."""
        try:
            with open(os.path.join(GUEST_DIR, "t_%s.sh" % name)) as f:
                for ln in f:
                    m = re.match(r"#\s*%s:\s*(.*\S)" % key, ln)
                    if m:
                        return m.group(1)
        except OSError:
            pass
        return None

    def test_timeout(self, name):
        return int(self.test_header(name, "timeout") or
                   self.args.test_timeout) * self.slow

    @staticmethod
    def lane_options(append):
        """The @words of a lane's APPEND (see boot_once) as a dict."""
        opts = {}
        for w in append.split():
            if w.startswith("@"):
                k, _, v = w[1:].partition("=")
                opts[k] = v
        return opts

    def lane_tests(self, lane, wanted, kernel="debian"):
        """The tests a lane runs: a test with a '# lanes: a b' header runs
        only in those lanes, any other test in every lane but those that
        a '# lanes:' test claims for itself alone and those its
        '# skip-lanes:' header names.  A '# kernel: K' header (e.g. debug)
        further limits a test to lanes booting that kernel (@kernel=K)."""
        special = set()
        for t in all_guest_tests():
            special.update((self.test_header(t, "lanes") or "").split())
        if lane in special:
            tests = [t for t in wanted
                     if lane in (self.test_header(t, "lanes") or "").split()]
        else:
            tests = [t for t in wanted if not self.test_header(t, "lanes") and
                     lane not in (self.test_header(t, "skip-lanes") or "").split()]
        return [t for t in tests
                if self.test_header(t, "kernel") in (None, kernel)]

    def run_lane(self, lane, dtb, append_extra, tests):
        opts = self.lane_options(append_extra)
        # @slow=N: every timeout of the lane times N (a KASAN kernel under
        # TCG boots and runs several times slower).
        self.slow = int(opts.get("slow") or 1)
        # A '# boot: own' test leaves the guest in a state later tests must
        # not inherit (the engine model killed): it gets a boot to itself,
        # after the others.
        own = [t for t in tests if self.test_header(t, "boot") == "own"]
        groups = [[t for t in tests if t not in own]] + [[t] for t in own]
        boot = 0
        lane_out = os.path.join(self.args.out, lane)
        os.makedirs(lane_out, exist_ok=True)
        for todo in groups:
            while todo:
                boot += 1
                todo = self.boot_once(lane, lane_out, boot, dtb, append_extra,
                                      todo)

    def boot_once(self, lane, lane_out, boot, dtb, append_extra, todo):
        """Boots once, runs what it can of todo; returns what is left."""
        append = ("console=ttyAMA0 quiet loglevel=5 oops=panic panic=-1 "
                  "fbcon=font:VGA8x16 vt.global_cursor_default=0 "
                  "wcfb_mode=test wcfb_lane=%s wcfb_layout=%s wcfb_tests=%s %s" %
                  (lane, dtb_layout(dtb), ",".join(todo), append_extra)).strip()
        log = os.path.join(lane_out, "serial-boot%d.log" % boot)
        print("boot %s #%d: %d test(s)" % (lane, boot, len(todo)), flush=True)
        t_start = time.monotonic()
        left = list(todo)
        # Lane options ride in the append string as @words:
        #   @noengine      no blitter model (and no PCI function)
        #   @rootfs=ext4   attach the client rootfs as an ext4 disk
        #   @rootfs=9p     ... or as a 9p share of the host tree
        #   @kernel=debug  boot --debug-kernel/--debug-initrd instead
        #   @slow=N        multiply the boot and test timeouts by N
        engine, rootfs, words = self.args.engine, None, []
        kernel, initrd = self.args.kernel, self.args.initrd
        for w in append.split():
            if w == "@noengine":
                engine = None
            elif w == "@kernel=debug":
                if not (self.args.debug_kernel and self.args.debug_initrd):
                    raise SystemExit("lane %s: @kernel=debug needs "
                                     "--debug-kernel and --debug-initrd" % lane)
                kernel, initrd = self.args.debug_kernel, self.args.debug_initrd
            elif w.startswith("@slow=") or w.startswith("@kernel="):
                pass
            elif w.startswith("@rootfs="):
                kind = w.split("=", 1)[1]
                rootfs = self.args.rootfs + (".ext4" if kind == "ext4" else "")
                words.append("wcfb_rootfs=" + kind)
            else:
                words.append(w)
        append = " ".join(words)
        with wcfb_qemu.Guest(kernel, initrd, dtb, append,
                             log_path=log, engine=engine, rootfs=rootfs) as g:
            try:
                return self.drive(g, lane, t_start, left)
            finally:
                g.close()
                if engine:
                    self.engine_report(lane, lane_out, boot, g.engine_report)

    def engine_report(self, lane, lane_out, boot, report):
        """Keeps the engine model's exit report; a fault it logged that was
        not injected on purpose means the driver handed the engine a bad
        address: that fails the lane."""
        with open(os.path.join(lane_out, "engine-boot%d.log" % boot), "w") as f:
            f.write(report)
        # The engine's bandwidth on the guest's 1080p copy against the
        # model's own host memcpy: how much of the host the transport eats.
        m = re.search(r"^stats: memcpy_mib_per_s ([0-9.]+)", report, re.M)
        copies = [b for b in self.bench if b.get("name") == "blit_copy_1080p"
                  and b.get("lane") == lane]
        if m and copies:
            eng_ms = copies[-1]["figures"]["engine_ms"]["value"]
            eng = 1920 * 1080 * 4 / (eng_ms / 1e3) / (1 << 20)
            host = float(m.group(1))
            self.add_bench({"name": "engine_vs_host_memcpy", "lane": lane,
                            "figures": {
                                "engine": {"value": round(eng, 1), "unit": "MiB/s"},
                                "host_memcpy": {"value": host, "unit": "MiB/s"},
                                "ratio": {"value": round(eng / host, 3), "unit": "x"}}})
        m = re.search(r"^stats: fault_injected ([0-9]+)", report, re.M)
        if m:
            self.injected[lane]["engine"] += int(m.group(1))
        # (The model's own reset count includes the reset of every probe
        # and unbind; the summary counts recoveries, from the driver's log.)
        bad = [ln for ln in report.splitlines()
               if ln.startswith("faultlog: seqno") and "reason injected" not in ln]
        if bad:
            r = Result(lane, "engine-fault-log-boot%d" % boot)
            r.detail = "the engine model logged faults:\n" + "\n".join(bad[:20])
            self.report(r)

    def drive(self, g, lane, t_start, left):
        """Reads the guest until DONE; returns the tests still to run."""
        current, cur_start, cur_log, cur_fail = None, 0.0, [], []
        shot_fail = []
        # Kernel reports printed outside any test (at boot, between tests,
        # after the last one): they fail a "kernel-log" result of the boot.
        orphan = []
        lane_out = os.path.join(self.args.out, lane)
        boot_timeout = self.args.boot_timeout * self.slow
        deadline = t_start + boot_timeout
        try:
            while True:
                line = g.readline(max(0.1, deadline - time.monotonic()))
                if line is None:
                    if current is None:
                        raise wcfb_qemu.GuestDied(
                            "no progress for %ds (boot or runner hang)"
                            % boot_timeout)
                    raise wcfb_qemu.GuestDied(
                        "test %s timed out after %ds" %
                        (current, self.test_timeout(current)))
                # A recovery from a hung or halted engine (wcfb_engine.c).
                if ENGINE_RECOVERY.search(line):
                    self.engine_resets[lane] += 1
                if current is not None:
                    cur_log.append(line)
                    if KERNEL_TROUBLE.search(line):
                        cur_fail.append(line)
                        self.kernel_reports[lane] += 1
                elif KERNEL_TROUBLE.search(line) and PROTO not in line:
                    orphan.append(line)
                    self.kernel_reports[lane] += 1
                i = line.find(PROTO)
                if i < 0:
                    continue
                words = line[i + len(PROTO):].split(" ")
                kind = words[0]
                if kind == "RUNNER":
                    boot_s = time.monotonic() - t_start
                    self.add_bench({"name": "boot_to_runner", "lane": lane,
                                    "figures": {"seconds": {
                                        "value": round(boot_s, 2),
                                        "unit": "s"}}})
                elif kind == "BEGIN":
                    current, cur_start = words[1], time.monotonic()
                    cur_log, cur_fail, shot_fail = [], [], []
                    deadline = cur_start + self.test_timeout(current)
                elif kind == "SHOT":
                    ok, msg = self.shot(g, lane_out, current, words[1],
                                        words[2:])
                    if not ok:
                        shot_fail.append("%s: %s" % (words[1], msg))
                    g.send(("ok %s\n" % words[1]) if ok else
                           ("fail %s %s\n" % (words[1], msg)))
                elif kind == "ENGINE":
                    # Fault injection: forwarded to the engine model's
                    # control socket; its answer goes back on one line.
                    # "kill" is the harness's own: the model is SIGKILLed.
                    try:
                        if words[1:] == ["kill"]:
                            ans = g.kill_engine()
                            self.injected[lane]["engine-kill"] += 1
                        else:
                            ans = g.engine_control(" ".join(words[1:]))
                        g.send("ok ENGINE %s\n" % " ".join(ans.split()))
                    except Exception as e:  # no engine, socket error
                        g.send("fail ENGINE %s\n" % e)
                elif kind == "INJECTED":
                    # INJECTED <kind> <n>: a test injected n faults of a
                    # kind (failslab, fail_page_alloc) for the summary.
                    try:
                        self.injected[lane][words[1]] += int(words[2])
                    except (IndexError, ValueError):
                        pass
                elif kind == "CASE":
                    # One sub-result of the current test (KUnit cases):
                    # reported as TEST.NAME, the test goes on.
                    r = Result(lane, words[1])
                    r.status = words[2] if len(words) > 2 else "FAIL"
                    r.seconds = time.monotonic() - cur_start
                    self.report(r)
                elif kind == "BENCH":
                    obj = json.loads(" ".join(words[1:]))
                    obj.setdefault("lane", lane)
                    self.add_bench(obj)
                elif kind == "RESULT":
                    name, status = words[1], words[2]
                    r = Result(lane, name)
                    r.seconds = time.monotonic() - cur_start
                    r.status = status
                    r.detail = " ".join(words[3:])
                    if status == "PASS" and (cur_fail or shot_fail):
                        r.status = "FAIL"
                    if r.status != "PASS":
                        out = [ln[ln.find(PROTO) + len(PROTO) + 4:]
                               for ln in cur_log if PROTO + "OUT " in ln]
                        r.detail = "\n".join(
                            [r.detail] + shot_fail + cur_fail[:20] + out)
                    self.report(r)
                    if name in left:
                        left.remove(name)
                    current = None
                    deadline = time.monotonic() + boot_timeout
                elif kind == "DONE":
                    self.orphan_report(lane, orphan)
                    return []
        except wcfb_qemu.GuestDied as e:
            self.orphan_report(lane, orphan)
            if current is None:
                current = left[0] if left else "boot"
            r = Result(lane, current)
            r.seconds = time.monotonic() - (cur_start or t_start)
            r.detail = "%s\nlast guest lines:\n%s" % (e, g.tail(30))
            self.report(r)
            if current in left:
                left.remove(current)
            return left

    def orphan_report(self, lane, orphan):
        """A failed "kernel-log" result when the kernel reported trouble
        while no test ran (boot, between tests, after the last one)."""
        if not orphan:
            return
        r = Result(lane, "kernel-log")
        r.detail = "kernel reports outside any test:\n" + "\n".join(orphan[:60])
        self.report(r)

    def shot(self, g, lane_out, test, name, check):
        d = os.path.join(lane_out, test or "notest")
        os.makedirs(d, exist_ok=True)
        cap = os.path.join(d, name + ".png")
        try:
            g.screendump(cap)
        except Exception as e:  # QMP error
            return False, "screendump failed: %s" % e
        if not check:
            return True, "captured"
        # "!check" is a negative control: the check must find a mismatch.
        negate = check[0].startswith("!")
        check = [check[0].lstrip("!")] + check[1:]
        # Golden paths in checks are relative to the repository.
        p = subprocess.run([self.args.imgcheck] + check +
                           ["--capture", cap, "--outdir", d, "--name", name],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, cwd=REPO)
        msg = p.stdout.strip().replace("\n", "; ")[:300]
        if negate and p.returncode in (0, 1):
            return p.returncode == 1, ("mismatch found, as it must: " + msg
                                       if p.returncode else
                                       "negative control matched: " + msg)
        return p.returncode == 0, msg or ("exit %d" % p.returncode)

    # --------------------------------------------------------------- summary
    def summary(self):
        """One table for the whole run, a row per suite and lane: results,
        the fuzzer's calls, the faults injected on purpose (and survived:
        the lane passed), engine resets, and every kernel report seen
        (must be 0)."""
        print("summary:")
        lanes = []
        for r in self.results:
            if r.lane not in lanes:
                lanes.append(r.lane)
        print("  %-9s %6s %6s %7s %10s %7s %8s  %s" % (
            "lane", "passed", "failed", "skipped", "fuzz calls", "resets",
            "reports", "faults injected and survived"))
        for lane in lanes:
            rs = [r for r in self.results if r.lane == lane]
            fuzz = sum(b["figures"]["calls"]["value"] for b in self.bench
                       if b.get("name") == "fuzz" and b.get("lane") == lane)
            faults = ", ".join("%s %d" % kv for kv in
                               sorted(self.injected[lane].items()) if kv[1])
            print("  %-9s %6d %6d %7d %10d %7d %8d  %s" % (
                lane, sum(r.status == "PASS" for r in rs),
                sum(r.status == "FAIL" for r in rs),
                sum(r.status == "SKIP" for r in rs), fuzz,
                self.engine_resets[lane], self.kernel_reports[lane],
                faults or "-"))
        fuzz = sum(b["figures"]["calls"]["value"] for b in self.bench
                   if b.get("name") == "fuzz")
        print("  total: fuzz calls %d; faults injected %d; engine resets %d; "
              "kernel reports %d" % (
                  fuzz, sum(sum(c.values()) for c in self.injected.values()),
                  sum(self.engine_resets.values()),
                  sum(self.kernel_reports.values())))

    def finish(self, t0):
        by_lane = {}
        for r in self.results:
            by_lane.setdefault(r.lane, []).append(r)
        for lane, rs in by_lane.items():
            with open(os.path.join(self.args.out, lane + ".tap"), "w") as f:
                f.write("TAP version 13\n1..%d\n" % len(rs))
                for i, r in enumerate(rs, 1):
                    ok = "ok" if r.status in ("PASS", "SKIP") else "not ok"
                    skip = " # SKIP %s" % r.detail if r.status == "SKIP" else ""
                    f.write("%s %d - %s%s\n" % (ok, i, r.name, skip))
                    if r.status == "FAIL" and r.detail:
                        f.write("  ---\n  message: |\n")
                        for ln in r.detail.splitlines()[-40:]:
                            f.write("    %s\n" % ln)
                        f.write("  ...\n")
        total = time.monotonic() - t0
        passed = sum(r.status == "PASS" for r in self.results)
        failed = sum(r.status == "FAIL" for r in self.results)
        skipped = sum(r.status == "SKIP" for r in self.results)
        self.bench.append({"name": "test_run", "figures": {
            "total": {"value": round(total, 1), "unit": "s"},
            "tests": {"value": len(self.results), "unit": "tests"}}})
        with open(os.path.join(self.args.out, "bench.json"), "w") as f:
            json.dump(self.bench, f, indent=1)
        boots = [b["figures"]["seconds"]["value"] for b in self.bench
                 if b["name"] == "boot_to_runner"]
        print("report: boot-to-runner %s s (mean of %d boots), total %.1f s, "
              "%d tests run; results in %s" %
              ("%.2f" % (sum(boots) / len(boots)) if boots else "n/a",
               len(boots), total, len(self.results), self.args.out))
        self.summary()
        tail = ", %d skipped" % skipped if skipped else ""
        print("%d passed, %d failed%s" % (passed, failed, tail), flush=True)
        return 0 if failed == 0 and passed > 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--imgcheck", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--host", action="append", default=[], metavar="NAME=CMD",
                    help="a host test suite (cmocka or TAP output)")
    ap.add_argument("--lane", action="append", default=[],
                    metavar="NAME:DTB:APPEND",
                    help="a guest lane (APPEND: extra kernel words)")
    ap.add_argument("--engine", help="the blitter model binary (wcfb-engine)")
    ap.add_argument("--rootfs", help="the client rootfs tree (mkrootfs.sh); "
                    "its image is the same path + .ext4")
    ap.add_argument("--tests", default="",
                    help="comma-separated guest tests (default: all)")
    ap.add_argument("--debug-kernel", help="kernel Image of @kernel=debug lanes")
    ap.add_argument("--debug-initrd", help="initramfs of @kernel=debug lanes")
    ap.add_argument("--boot-timeout", type=int, default=90)
    ap.add_argument("--test-timeout", type=int, default=120)
    args = ap.parse_args()
    t0 = time.monotonic()
    h = Harness(args)
    for spec in args.host:
        name, cmd = spec.split("=", 1)
        h.run_host_suite(name, cmd)
    tests = [t for t in args.tests.split(",") if t] or all_guest_tests()
    for spec in args.lane:
        name, dtb, append = (spec.split(":", 2) + [""])[:3]
        kernel = Harness.lane_options(append).get("kernel") or "debian"
        lane_tests = h.lane_tests(name, tests, kernel)
        if lane_tests:
            h.run_lane(name, dtb, append, lane_tests)
    sys.exit(h.finish(t0))


if __name__ == "__main__":
    main()

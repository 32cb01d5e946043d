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

--jobs N runs up to N lanes and host suites at the same time (threads: a
lane's time is mostly the guest waiting on vblanks and timers), the
longest first; each job has a Harness of its own, its output lines are
prefixed "[name] " and printed whole, and its results, benchmarks and
counters join the run's in the serial order once all jobs ended: the
summary, the .tap files and bench.json are those of a serial run.
"""
import argparse
import collections
import json
import os
import re
import signal
import subprocess
import sys
import threading
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
ENGINE_RECOVERY = re.compile(r"wcfb-blitter .*(made no progress|halted with error).*: resetting")


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


def run_metadata():
    """What a figure depends on besides the code: the host CPU, QEMU's
    version, the commit (and whether the tree had changes)."""
    def cmd(argv):
        try:
            return subprocess.run(argv, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True,
                                  cwd=REPO).stdout.strip()
        except OSError:
            return ""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f
                        if ln.startswith("model name")), "")
    except OSError:
        pass
    qemu = cmd(["qemu-system-aarch64", "--version"]).splitlines()
    return {"name": "run", "host_cpu": cpu, "host_cores": os.cpu_count(),
            "qemu": qemu[0] if qemu else "",
            "commit": cmd(["git", "rev-parse", "--short", "HEAD"]),
            "tree_changed": bool(cmd(["git", "status", "--porcelain",
                                      "--untracked-files=no"])),
            "load": "%d busy host core(s)" % HostLoad.running}


def median(values):
    v = sorted(values)
    m = len(v)
    return v[m // 2] if m % 2 else (v[m // 2 - 1] + v[m // 2]) / 2


def aggregate_bench(bench):
    """Benchmarks that ran more than once in a lane (make bench repeats
    each) become one object: every numeric figure's median as its value,
    with min, max and the number of samples.  A figure seen once is kept
    as it is."""
    groups = collections.OrderedDict()
    for b in bench:
        groups.setdefault((b.get("name"), b.get("lane")), []).append(b)
    out = []
    for (name, lane), objs in groups.items():
        if len(objs) == 1 or name == "test_run":
            out.extend(objs)
            continue
        figs = collections.OrderedDict()
        for o in objs:
            for k, v in o.get("figures", {}).items():
                figs.setdefault(k, []).append(v)
        agg = {}
        for k, vs in figs.items():
            nums = sorted(v["value"] for v in vs
                          if isinstance(v.get("value"), (int, float)))
            if not nums:
                agg[k] = vs[-1]
                continue
            m = len(nums)
            agg[k] = dict(vs[-1], value=median(nums), min=nums[0],
                          max=nums[-1], samples=m,
                          stat="median of %d runs" % m)
        out.append({"name": name, "lane": lane, "repeats": len(objs),
                    "figures": agg})
    return out


class HostLoad:
    """--load N: N busy-looping processes (one host core each) for the
    run, so that the suite is tried on a busy machine.  Bounded: each
    loop ends by itself after `limit` seconds, and all end with the run."""

    running = 0

    def __init__(self, n, limit):
        HostLoad.running = n
        self.procs = [subprocess.Popen(
            [sys.executable, "-c",
             "import time\nend = time.monotonic() + %d\n"
             "while time.monotonic() < end:\n    pass\n" % limit])
            for _ in range(n)]
        if n:
            print("load: %d busy loop(s) on the host for the run" % n,
                  flush=True)

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()


class Job:
    """One unit of --jobs work: a host suite or a lane.  `run(h)` does it
    on the job's own Harness h; `estimate` (seconds, roughly: the sum of
    its tests' timeouts x the lane's slowness) orders the jobs, longest
    first, when several run at once."""

    def __init__(self, name, estimate, run):
        self.name, self.estimate, self.run = name, estimate, run


class Harness:
    def __init__(self, args, parent=None, prefix=""):
        """A run's Harness, or (parent given) one job's: its own results,
        benchmarks, counters and slowness, the run's args, output lock,
        stop flag, live guests and guest factory."""
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
        # "[lane] " before every output line of a job run alongside others.
        self.prefix = prefix
        if parent is None:
            self.out_lock = threading.Lock()
            self.stopping = threading.Event()
            self.live_lock = threading.Lock()
            self.live = set()                # guests running now
            self.guest_factory = wcfb_qemu.Guest
        else:
            self.out_lock, self.stopping = parent.out_lock, parent.stopping
            self.live_lock, self.live = parent.live_lock, parent.live
            self.guest_factory = parent.guest_factory
        os.makedirs(args.out, exist_ok=True)

    # ---------------------------------------------------------------- output
    def say(self, text):
        """Prints TEXT (one or more lines) at once: lines of jobs running
        side by side never interleave, and each carries its job's prefix."""
        if self.prefix:
            text = "\n".join(self.prefix + ln for ln in text.split("\n"))
        with self.out_lock:
            print(text, flush=True)

    def report(self, r):
        self.results.append(r)
        line = "%-4s %s/%s (%.1fs)" % (r.status, r.lane, r.name, r.seconds)
        if r.status != "PASS" and r.detail:
            line += "\n" + "\n".join("     | " + ln for ln in
                                      r.detail.rstrip().splitlines()[-40:])
        self.say(line)

    def add_bench(self, obj):
        self.bench.append(obj)
        figs = ", ".join("%s=%s%s" % (k, v.get("value"), v.get("unit", ""))
                         for k, v in obj.get("figures", {}).items())
        self.say("BENCH %s: %s" % (obj.get("name"), figs))

    # ------------------------------------------------------------------ jobs
    def absorb(self, job):
        """Adds a finished job's results, benchmarks and counters to the
        run's, after those of the jobs before it in the serial order."""
        self.results.extend(job.results)
        self.bench.extend(job.bench)
        self.kernel_reports.update(job.kernel_reports)
        self.engine_resets.update(job.engine_resets)
        for lane, c in job.injected.items():
            self.injected[lane].update(c)

    def stop(self):
        """Ends the run early (a job raised, or ^C): no job or boot starts
        any more, and every running guest is killed, so that the jobs
        running now end at once (their guests 'died')."""
        self.stopping.set()
        with self.live_lock:
            for g in self.live:
                self.kill_guest(g)

    @staticmethod
    def kill_guest(g):
        proc = getattr(g, "proc", None)
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def run_jobs(self, jobs, n):
        """Runs the jobs (in their serial order), each on a Harness of its
        own, up to n at a time, longest estimate first (ties in the serial
        order); then takes in their results in the serial order.  With
        n = 1 (or a single job) they run one after another in this thread,
        their output unprefixed: the harness as it always was."""
        n = max(1, min(n, len(jobs)))
        kids = [Harness(self.args, self, "[%s] " % j.name if n > 1 else "")
                for j in jobs]
        if n == 1:
            for j, k in zip(jobs, kids):
                j.run(k)
                self.absorb(k)
            return
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i].estimate)
        lock = threading.Lock()
        errors = []

        def worker(ended):
            try:
                while True:
                    with lock:
                        if not order or self.stopping.is_set():
                            return
                        i = order.pop(0)
                    try:
                        jobs[i].run(kids[i])
                    except BaseException as e:  # SystemExit too: end the run
                        with lock:
                            errors.append(e)
                        self.stop()
            finally:
                ended.set()

        # The workers are awaited by polling their events, not join(): a
        # join that ^C interrupted may report a thread ended that is still
        # closing its guest (which then never removed its files).
        ended = [threading.Event() for _ in range(n)]
        threads = [threading.Thread(target=worker, args=(e,),
                                    name="job%d" % k)
                   for k, e in enumerate(ended)]
        for t in threads:
            t.start()

        def wait():
            while not all(e.is_set() for e in ended):
                time.sleep(0.2)
        try:
            wait()
        except BaseException:        # ^C: end the jobs, their guests too
            self.stop()
            wait()
            raise
        if errors:
            raise errors[0]
        for k in kids:
            self.absorb(k)

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
        self.say("%s tests: %.1fs" % (lane, dt))

    # ---------------------------------------------------------------- guests
    @staticmethod
    def test_header(name, key):
        """Value of a '# key: value' line in tests/guest/t_NAME.sh (NAME@K,
        the K-th repetition of a test, has NAME's headers)."""
        name = name.split("@")[0]
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

    def lane_tests(self, lane, wanted, kernel="debian", append=""):
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
        tests = [t for t in tests
                 if self.test_header(t, "kernel") in (None, kernel)]
        # @only=a,b: the lane runs no other tests (a lane whose variable
        # matters to a few tests only, e.g. swiotlb to the sync paths).
        only = self.lane_options(append).get("only")
        if only:
            tests = [t for t in tests if t in only.split(",")]
        # Tiers ('# tier: check|test|bench', default test): `make check`
        # runs the check tests, `make test` the check and test ones,
        # `make bench` only the benchmarks.  Explicitly named tests
        # (--tests) run whatever their tier.
        if not self.args.tests:
            want = {"check": ("check",), "test": ("check", "test"),
                    "bench": ("bench",)}[self.args.tier]
            tests = [t for t in tests
                     if (self.test_header(t, "tier") or "test") in want]
        # --repeat N: each test N times in the same boot, as NAME@1 ..
        # NAME@N (the runner strips the suffix): benchmarks report the
        # median, min and max of their repetitions.
        if self.args.repeat > 1:
            tests = ["%s@%d" % (t, k) for k in range(1, self.args.repeat + 1)
                     for t in tests]
        return tests

    def lane_estimate(self, tests, append):
        """A lane's rough length for the --jobs order: the sum of its
        tests' timeouts x its @slow."""
        slow = int(self.lane_options(append).get("slow") or 1)
        return slow * sum(int(self.test_header(t, "timeout") or
                              self.args.test_timeout) for t in tests)

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
            while todo and not self.stopping.is_set():
                boot += 1
                todo = self.boot_once(lane, lane_out, boot, dtb, append_extra,
                                      todo)

    def boot_once(self, lane, lane_out, boot, dtb, append_extra, todo):
        """Boots once, runs what it can of todo; returns what is left."""
        append = ("console=ttyAMA0 quiet loglevel=5 oops=panic panic=-1 "
                  "fbcon=font:VGA8x16 vt.global_cursor_default=0 "
                  "wcfb_mode=test wcfb_lane=%s wcfb_layout=%s wcfb_slow=%d "
                  "wcfb_tests=%s %s" %
                  (lane, dtb_layout(dtb), self.slow, ",".join(todo),
                   append_extra)).strip()
        log = os.path.join(lane_out, "serial-boot%d.log" % boot)
        self.say("boot %s #%d: %d test(s)" % (lane, boot, len(todo)))
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
            elif w.startswith(("@slow=", "@kernel=", "@only=")):
                pass
            elif w.startswith("@rootfs="):
                kind = w.split("=", 1)[1]
                rootfs = self.args.rootfs + (".ext4" if kind == "ext4" else "")
                words.append("wcfb_rootfs=" + kind)
            else:
                words.append(w)
        append = " ".join(words)
        with self.guest_factory(kernel, initrd, dtb, append, log_path=log,
                                engine=engine, rootfs=rootfs) as g:
            with self.live_lock:
                self.live.add(g)
                if self.stopping.is_set():
                    self.kill_guest(g)
            try:
                return self.drive(g, lane, t_start, left)
            finally:
                with self.live_lock:
                    self.live.discard(g)
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
            # The median over the lane's runs (make bench repeats the
            # copy benchmark), as blit_copy_1080p's own figure reports.
            eng_ms = median([c["figures"]["engine_ms"]["value"]
                             for c in copies])
            eng = 1920 * 1080 * 4 / (eng_ms / 1e3) / (1 << 20)
            host = float(m.group(1))
            self.add_bench({"name": "engine_vs_host_memcpy", "lane": lane,
                            "figures": {
                                "engine": {"value": round(eng, 1), "unit": "MiB/s",
                                           "kind": "measured",
                                           "by": "guest: 1080p copy, BLIT ioctl to fence"},
                                "host_memcpy": {"value": host, "unit": "MiB/s",
                                                "kind": "measured",
                                                "by": "the model: its own memcpy of 32 MiB, once at exit"},
                                "ratio": {"value": round(eng / host, 3), "unit": "x",
                                          "kind": "computed"}}})
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

    # Protocol words the guest may send (tests/harness/README.md); any
    # other is a malformed line and fails the test it came in.
    KINDS = ("BOOTED", "RUNNER", "LOG", "BEGIN", "SHOT", "ENGINE", "INJECTED",
             "CASE", "BENCH", "OUT", "RESULT", "DONE")
    STATUSES = ("PASS", "FAIL", "SKIP")
    ENGINE_REPLY_MAX = 400

    def drive(self, g, lane, t_start, left):
        """Reads the guest until DONE; returns the tests still to run.

        Every test of `left` ends with exactly one result: its RESULT, or
        a failure when the guest died in it, when a BEGIN or DONE came
        before its RESULT, or when DONE came and it never began ("lost").
        A kernel report while a test runs fails it whatever it said (SKIP
        included); a malformed protocol line fails the running test (or a
        "protocol" result between tests) instead of stopping the harness."""
        st = {"current": None, "start": 0.0, "log": [], "fail": [],
              "shots": []}
        done = set()
        # Kernel reports printed outside any test (at boot, between tests,
        # after the last one): they fail a "kernel-log" result of the boot.
        orphan, protocol = [], []
        lane_out = os.path.join(self.args.out, lane)
        boot_timeout = self.args.boot_timeout * self.slow
        deadline = t_start + boot_timeout

        def close(status, detail):
            """Ends the current test with one result."""
            name = st["current"]
            r = Result(lane, name)
            r.seconds = time.monotonic() - st["start"]
            r.status, r.detail = status, detail
            if r.status != "FAIL" and (st["fail"] or st["shots"]):
                r.status = "FAIL"
            if r.status != "PASS":
                out = [ln[ln.find(PROTO) + len(PROTO) + 4:]
                       for ln in st["log"] if PROTO + "OUT " in ln]
                r.detail = "\n".join([r.detail] + st["shots"] +
                                     st["fail"][:20] + out)
            if name in done:
                r.status = "FAIL"
                r.detail = "a second result for this test\n" + r.detail
            self.report(r)
            done.add(name)
            if name in left:
                left.remove(name)
            st["current"] = None

        def bad_line(why, line):
            msg = "malformed protocol line (%s): %r" % (why, line[:200])
            if st["current"] is not None:
                st["fail"].append(msg)
            else:
                protocol.append(msg)

        try:
            while True:
                line = g.readline(max(0.1, deadline - time.monotonic()))
                if line is None:
                    if st["current"] is None:
                        raise wcfb_qemu.GuestDied(
                            "no progress for %ds (boot or runner hang)"
                            % boot_timeout)
                    raise wcfb_qemu.GuestDied(
                        "test %s timed out after %ds" %
                        (st["current"], self.test_timeout(st["current"])))
                # A recovery from a hung or halted engine (wcfb_engine.c).
                if ENGINE_RECOVERY.search(line):
                    self.engine_resets[lane] += 1
                i = line.find(PROTO)
                trouble = KERNEL_TROUBLE.search(line[:i] if i >= 0 else line)
                if st["current"] is not None:
                    st["log"].append(line)
                    if trouble:
                        st["fail"].append(line)
                        self.kernel_reports[lane] += 1
                elif trouble:
                    orphan.append(line)
                    self.kernel_reports[lane] += 1
                if i < 0:
                    continue
                words = line[i + len(PROTO):].rstrip("\r\n").split(" ")
                kind = words[0]
                if kind not in self.KINDS:
                    bad_line("unknown message", line)
                    continue
                try:
                    if self.message(g, lane, lane_out, st, kind, words,
                                    close, bad_line, line, t_start):
                        break
                except (IndexError, ValueError, KeyError, TypeError) as e:
                    bad_line("%s: %s" % (type(e).__name__, e), line)
                if kind == "RESULT" or kind == "DONE":
                    deadline = time.monotonic() + boot_timeout
                elif kind == "BEGIN":
                    deadline = st["start"] + self.test_timeout(st["current"])
            # DONE: a test that began and never ended, and every test that
            # never began, is lost.
            if st["current"] is not None:
                close("FAIL", "lost: the runner said DONE before its RESULT")
            for name in list(left):
                st["current"], st["start"] = name, time.monotonic()
                st["log"], st["fail"], st["shots"] = [], [], []
                close("FAIL", "lost: never run (no BEGIN before DONE)")
            self.orphan_report(lane, orphan, protocol)
            return []
        except wcfb_qemu.GuestDied as e:
            self.orphan_report(lane, orphan, protocol)
            if st["current"] is None:
                st["current"] = left[0] if left else "boot"
                st["start"] = st["start"] or t_start
            close("FAIL", "%s\nlast guest lines:\n%s" % (e, g.tail(30)))
            return left

    def message(self, g, lane, lane_out, st, kind, words, close, bad_line,
                line, t_start):
        """Handles one protocol message; True at DONE."""
        if kind == "RUNNER":
            boot_s = time.monotonic() - t_start
            self.add_bench({"name": "boot_to_runner", "lane": lane,
                            "figures": {"seconds": {
                                "value": round(boot_s, 2), "unit": "s"}}})
        elif kind == "BEGIN":
            if st["current"] is not None:
                close("FAIL", "lost: %s began before its RESULT" % words[1])
            st["current"], st["start"] = words[1], time.monotonic()
            st["log"], st["fail"], st["shots"] = [], [], []
        elif kind == "SHOT":
            ok, msg = self.shot(g, lane_out, st["current"], words[1],
                                words[2:])
            if not ok:
                st["shots"].append("%s: %s" % (words[1], msg))
            g.send(("ok %s\n" % words[1]) if ok else
                   ("fail %s %s\n" % (words[1], msg)))
        elif kind == "ENGINE":
            # Fault injection: forwarded to the engine model's control
            # socket; its answer goes back on one line.  "kill" is the
            # harness's own: the model is SIGKILLed.
            try:
                if words[1:] == ["kill"]:
                    ans = g.kill_engine()
                    self.injected[lane]["engine-kill"] += 1
                else:
                    ans = g.engine_control(" ".join(words[1:]))
                # One line for the guest's read, short enough for its
                # tty (a canonical-mode line longer than the tty's buffer
                # would be split, and its rest taken as the next answer).
                # The whole answer goes to the test's log.
                st["log"].append("@@WCFB OUT engine answer: " + ans)
                reply = " ".join(ans.split())
                if len(reply) > self.ENGINE_REPLY_MAX:
                    reply = reply[:self.ENGINE_REPLY_MAX] + " [cut]"
                g.send("ok ENGINE %s\n" % reply)
            except Exception as e:  # no engine, socket error
                g.send("fail ENGINE %s\n" % e)
        elif kind == "INJECTED":
            # INJECTED <kind> <n>: a test injected n faults of a kind
            # (failslab, fail_page_alloc) for the summary.
            self.injected[lane][words[1]] += int(words[2])
        elif kind == "CASE":
            # One sub-result of the current test (KUnit cases): reported
            # as its own result, the test goes on.
            if words[2] not in self.STATUSES:
                raise ValueError("status %r" % words[2])
            r = Result(lane, words[1])
            r.status = words[2]
            r.seconds = time.monotonic() - st["start"]
            self.report(r)
        elif kind == "BENCH":
            obj = json.loads(" ".join(words[1:]))
            if not isinstance(obj, dict) or "name" not in obj or \
                    not isinstance(obj.get("figures", {}), dict):
                raise ValueError("not a benchmark object")
            obj.setdefault("lane", lane)
            self.add_bench(obj)
        elif kind == "RESULT":
            name, status = words[1], words[2]
            if status not in self.STATUSES:
                raise ValueError("status %r" % status)
            if name != st["current"]:
                bad_line("RESULT for %s while %s ran" % (name, st["current"]),
                         line)
                return False
            close(status, " ".join(words[3:]))
        elif kind == "DONE":
            return True
        return False

    def orphan_report(self, lane, orphan, protocol):
        """A failed "kernel-log" result when the kernel reported trouble
        while no test ran (boot, between tests, after the last one), and a
        failed "protocol" result for malformed lines between tests."""
        if orphan:
            r = Result(lane, "kernel-log")
            r.detail = ("kernel reports outside any test:\n" +
                        "\n".join(orphan[:60]))
            self.report(r)
        if protocol:
            r = Result(lane, "protocol")
            r.detail = "\n".join(protocol[:20])
            self.report(r)

    def shot(self, g, lane_out, test, name, check):
        """Captures the screen and checks it.  "@until=S" before the check
        captures again every 0.2 s until the check passes, for up to S x
        the lane's slowness (the screen is the event the guest waits for)."""
        until = 0.0
        if check and check[0].startswith("@until="):
            until = float(check[0].split("=", 1)[1]) * self.slow
            check = check[1:]
            if check and check[0].startswith("!"):
                return False, "@until with a negative control"
        end = time.monotonic() + until
        tries = 0
        while True:
            tries += 1
            ok, msg = self.shot_once(g, lane_out, test, name, check)
            if ok or time.monotonic() >= end:
                break
            time.sleep(0.2)
        if until and tries > 1:
            msg += " (capture %d)" % tries
        return ok, msg

    def shot_once(self, g, lane_out, test, name, check):
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
        # Goldens are rewritten only by `make golden` (--update-golden),
        # never because the environment happened to say so.
        if check[0] == "golden" and self.args.update_golden:
            check = check + ["--update"]
        # Golden paths in checks are relative to the repository.
        env = dict(os.environ)
        env.pop("WCFB_UPDATE_GOLDEN", None)
        p = subprocess.run([self.args.imgcheck] + check +
                           ["--capture", cap, "--outdir", d, "--name", name],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, cwd=REPO, env=env)
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
            json.dump([run_metadata()] + aggregate_bench(self.bench), f,
                      indent=1)
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
    ap.add_argument("--tier", choices=("check", "test", "bench"),
                    default="test", help="which tests ('# tier:' headers)")
    ap.add_argument("--only-lanes", default="",
                    help="comma-separated lanes to run (default: all given)")
    ap.add_argument("--load", type=int, default=0, metavar="N",
                    help="keep N host cores busy while the run lasts")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="run every guest test N times (make bench)")
    ap.add_argument("--update-golden", action="store_true",
                    help="rewrite golden images from the captures "
                    "(make golden)")
    ap.add_argument("--jobs", type=int, default=1, metavar="N",
                    help="run up to N lanes and host suites at once, the "
                    "longest first (results as in a serial run)")
    ap.add_argument("--boot-timeout", type=int, default=90)
    ap.add_argument("--test-timeout", type=int, default=120)
    args = ap.parse_args()
    t0 = time.monotonic()
    h = Harness(args)
    load = HostLoad(args.load, args.boot_timeout * 100)
    try:
        jobs = []
        for spec in args.host:
            name, cmd = spec.split("=", 1)
            jobs.append(Job(name, args.test_timeout,
                            lambda j, name=name, cmd=cmd:
                            j.run_host_suite(name, cmd)))
        tests = [t for t in args.tests.split(",") if t] or all_guest_tests()
        only = [x for x in args.only_lanes.split(",") if x]
        for spec in args.lane:
            name, dtb, append = (spec.split(":", 2) + [""])[:3]
            if only and name not in only:
                continue
            kernel = Harness.lane_options(append).get("kernel") or "debian"
            lane_tests = h.lane_tests(name, tests, kernel, append)
            if lane_tests:
                jobs.append(Job(name, h.lane_estimate(lane_tests, append),
                                lambda j, name=name, dtb=dtb, append=append,
                                lane_tests=lane_tests:
                                j.run_lane(name, dtb, append, lane_tests)))
        h.run_jobs(jobs, args.jobs)
    finally:
        load.stop()
    sys.exit(h.finish(t0))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Harness self-test, protocol half: scripted guests, no QEMU.

Drives Harness.drive() (run_tests.py) with serial lines a broken or
misbehaving guest could send, and checks that no result is lost, none is
doubled, a kernel report fails the test it came in whatever the test
said, and a malformed line is a failure rather than a crash.  The QEMU
half (a real panic, hang and warning) is selftest.py.

Prints TAP ("ok N - name") and a closing "N passed, N failed" line.
"""
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_tests  # noqa: E402


# The protocol's words (tests/harness/README.md), as a guest sends them.
KINDS = ("BOOTED", "RUNNER", "LOG", "BEGIN", "SHOT", "ENGINE", "INJECTED",
         "CASE", "BENCH", "OUT", "RESULT", "DONE")


class ScriptedGuest:
    """Plays back serial lines; after the last one the guest is silent
    (the harness's timeout path: a dead or hung guest)."""

    def __init__(self, lines):
        self.lines = list(lines)
        self.sent = []

    def readline(self, timeout):
        return self.lines.pop(0) if self.lines else None

    def send(self, text):
        self.sent.append(text)

    def tail(self, n):
        return ""

    def engine_control(self, command):
        """The model's answer to stats after many faults: long, many lines."""
        return "".join("faultlog: seqno %d reason injected\n" % i
                       for i in range(500)) + "ok\n"


class Args:
    boot_timeout, test_timeout = 1, 1
    tests, tier, update_golden, repeat = "", "test", False, 1
    kernel, initrd, engine, rootfs = "Image", "initrd", None, None
    debug_kernel = debug_initrd = None


class BootGuest(ScriptedGuest):
    """A scripted guest in the place of wcfb_qemu.Guest (the harness's
    guest_factory): one boot of a lane.  `gate` (a Barrier) holds its first
    line until the other lane's guest is up too: a serial run would wait
    in vain and break it."""

    def __init__(self, lines, gate=None, live=None):
        super().__init__(lines)
        self.gate, self.live, self.engine_report = gate, live, ""

    def readline(self, timeout):
        if self.gate is not None:
            gate, self.gate = self.gate, None
            gate.wait()
        time.sleep(0.01)            # a guest takes its time: lanes overlap
        return super().readline(timeout)

    def close(self):
        pass

    def __enter__(self):
        if self.live is not None:
            with self.live[0]:
                self.live[1] += 1
                self.live[2] = max(self.live[2], self.live[1])
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            with self.live[0]:
                self.live[1] -= 1
        return False


# Two lanes, each boot's serial lines.  Lane a: t2 hangs (times out), t3
# runs in a fresh boot.  Lane b: u3 gets a kernel report (fails whatever
# it says), and u2 never runs before DONE: lost.
LANE_SCRIPTS = {
    "a": [["BOOTED 1.0", "RUNNER 2.0", "BEGIN t1", "INJECTED failslab 3",
           "RESULT t1 PASS", "BEGIN t2"],
          ["RUNNER 2.0", "BEGIN t3", "RESULT t3 PASS", "DONE"]],
    "b": [["BOOTED 1.0", "RUNNER 2.0", "BEGIN u1", "RESULT u1 PASS",
           'BENCH {"name": "fuzz", "figures": {"calls": '
           '{"value": 500, "unit": "calls"}}}', "BEGIN u3",
           "BUG: KASAN: use-after-free in wcfb_x", "RESULT u3 PASS", "DONE"]],
}
LANE_TESTS = {"a": ["t1", "t2", "t3"], "b": ["u1", "u2", "u3"]}


def protocol(line):
    """"BEGIN t1" -> "@@WCFB BEGIN t1"; kernel lines stay as they are."""
    if line.split(" ")[0] in KINDS:
        return "@@WCFB " + line
    return line


def drive(lines, expected, guest=None):
    """Runs the harness's serial reader on LINES for the tests EXPECTED;
    returns ({name: [results]}, tests left to run, the bench list)."""
    args = Args()
    args.out = tempfile.mkdtemp(prefix="wcfb-selftest-proto-")
    h = run_tests.Harness(args)
    h.report = lambda r: h.results.append(r)
    h.add_bench = lambda obj: h.bench.append(obj)
    try:
        guest = guest or ScriptedGuest([protocol(ln) for ln in lines])
        left = h.drive(guest,
                       "fake", time.monotonic(), list(expected))
    finally:
        shutil.rmtree(args.out, ignore_errors=True)
    got = {}
    for r in h.results:
        got.setdefault(r.name, []).append(r)
    return got, left, h.bench


def one(got, name, status, text=""):
    """Exactly one result for NAME, with STATUS, whose detail has TEXT."""
    rs = got.get(name, [])
    return len(rs) == 1 and rs[0].status == status and text in rs[0].detail


def case_lost_at_done():
    got, left, _ = drive(["BEGIN t1", "RESULT t1 PASS", "DONE"], ["t1", "t2"])
    return one(got, "t1", "PASS") and one(got, "t2", "FAIL", "lost") and not left


def case_begin_before_result():
    got, _, _ = drive(["BEGIN t1", "BEGIN t2", "RESULT t2 PASS", "DONE"],
                      ["t1", "t2"])
    return one(got, "t1", "FAIL", "lost") and one(got, "t2", "PASS")


def case_done_inside_test():
    got, _, _ = drive(["BEGIN t1", "DONE"], ["t1"])
    return one(got, "t1", "FAIL", "lost")


def case_report_fails_skip():
    got, _, _ = drive(["BEGIN t1", "BUG: KASAN: slab-out-of-bounds in foo",
                       "RESULT t1 SKIP not here", "DONE"], ["t1"])
    return one(got, "t1", "FAIL", "KASAN")


def case_report_glued_to_protocol_line():
    """A kernel line and a protocol line on one serial line (no newline
    between them): the report still fails the test."""
    got, _, _ = drive(["BEGIN t1", "WARNING: CPU: 1 PID: 7 at x.c:1@@WCFB OUT hi",
                       "RESULT t1 PASS", "DONE"], ["t1"])
    return one(got, "t1", "FAIL", "WARNING: CPU")


def case_malformed_bench():
    got, _, bench = drive(["BEGIN t1", "BENCH {\"name\": \"x\", \"figu",
                           "RESULT t1 PASS", "BEGIN t2", "RESULT t2 PASS",
                           "DONE"], ["t1", "t2"])
    return (one(got, "t1", "FAIL", "malformed") and one(got, "t2", "PASS")
            and not bench)


def case_malformed_result():
    got, _, _ = drive(["BEGIN t1", "RESULT t1", "RESULT t1 PASSED",
                       "RESULT t1 PASS", "DONE"], ["t1"])
    return one(got, "t1", "FAIL", "malformed")


def case_result_for_another_test():
    got, _, _ = drive(["BEGIN t1", "RESULT t9 PASS", "DONE"], ["t1"])
    return one(got, "t1", "FAIL", "RESULT for t9") and "t9" not in got


def case_second_result():
    got, _, _ = drive(["BEGIN t1", "RESULT t1 PASS", "RESULT t1 PASS",
                       "DONE"], ["t1"])
    return one(got, "t1", "PASS") and one(got, "protocol", "FAIL", "RESULT for t1")


def case_unknown_message():
    got, _, _ = drive(["BEGIN t1", "@@WCFB RESLUT t1 PASS", "RESULT t1 PASS",
                       "DONE"], ["t1"])
    return one(got, "t1", "FAIL", "unknown message")


def case_silent_guest():
    """The guest stops talking inside t1: t1 fails by timeout, t2 is
    handed back for a fresh boot, nothing is reported for it yet."""
    got, left, _ = drive(["BEGIN t1"], ["t1", "t2"])
    return one(got, "t1", "FAIL", "timed out") and left == ["t2"] and "t2" not in got


def case_report_after_last_test():
    got, _, _ = drive(["BEGIN t1", "RESULT t1 PASS",
                       "unreferenced object 0xffff0000 (size 64):", "DONE"],
                      ["t1"])
    return one(got, "t1", "PASS") and one(got, "kernel-log", "FAIL",
                                          "unreferenced object")


def case_long_engine_answer():
    """A long engine answer reaches the guest as one line its tty can
    hold (else the rest would be read as the next answer)."""
    g = ScriptedGuest([protocol(ln) for ln in
                       ["BEGIN t1", "ENGINE stats", "RESULT t1 PASS", "DONE"]])
    got, _, _ = drive(None, ["t1"], g)
    return (one(got, "t1", "PASS") and len(g.sent) == 1 and
            g.sent[0].count("\n") == 1 and len(g.sent[0]) < 500 and
            g.sent[0].startswith("ok ENGINE faultlog:"))


def run_two_lanes(jobs):
    """A host suite and lanes a and b (LANE_SCRIPTS) through run_jobs with
    --jobs JOBS, then finish(): (results as (lane, name, status, detail),
    the output, {file: text} of the .tap files and bench.json without its
    run-dependent parts, exit code, most guests up at once)."""
    args = Args()
    args.out = tempfile.mkdtemp(prefix="wcfb-selftest-jobs-")
    gate = threading.Barrier(2, timeout=10) if jobs > 1 else None
    live = [threading.Lock(), 0, 0]
    boots = {}

    def factory(kernel, initrd, dtb, append, **kw):
        lane = next(w.split("=", 1)[1] for w in append.split()
                    if w.startswith("wcfb_lane="))
        n = boots.get(lane, 0)
        boots[lane] = n + 1
        return BootGuest([protocol(ln) for ln in LANE_SCRIPTS[lane][n]],
                         gate if n == 0 else None, live)

    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            h = run_tests.Harness(args)
            h.guest_factory = factory
            js = [run_tests.Job("host", 1, lambda j: j.run_host_suite(
                "host", "echo 'ok 1 - h1'; echo 'ok 2 - h2'"))]
            for lane in ("a", "b"):
                js.append(run_tests.Job(
                    lane, 10 if lane == "b" else 5,
                    lambda j, lane=lane: j.run_lane(
                        lane, "wcfb-cma.dtb", "", LANE_TESTS[lane])))
            h.run_jobs(js, jobs)
            rc = h.finish(time.monotonic())
        files = {}
        for f in sorted(os.listdir(args.out)):
            if f.endswith(".tap"):
                with open(os.path.join(args.out, f)) as fh:
                    files[f] = fh.read()
        with open(os.path.join(args.out, "bench.json")) as fh:
            bench = json.load(fh)[1:]          # [0]: the run's metadata
        files["bench.json"] = [(b["name"], b.get("lane"), sorted(
            b["figures"]), b["figures"].get("calls")) for b in bench]
    finally:
        shutil.rmtree(args.out, ignore_errors=True)
    results = [(r.lane, r.name, r.status, r.detail) for r in h.results]
    return results, out.getvalue(), files, rc, live[2]


def case_jobs_same_as_serial():
    """--jobs 2: two lanes (and a host suite) run at the same time (both
    lanes' guests up at once, the barrier of their first lines passed),
    and the results, summary table, .tap files, bench.json and the
    closing line are those of the serial run; a lane's timed-out test and
    another's lost one are still reported; every line of a job's output
    carries its prefix; the longest jobs start first."""
    r1, out1, files1, rc1, live1 = run_two_lanes(1)
    r2, out2, files2, rc2, live2 = run_two_lanes(2)

    def tail(out):      # the summary table and the closing line
        lines = out.splitlines()
        return lines[next(i for i, ln in enumerate(lines)
                          if ln == "summary:"):]
    got = {}
    for lane, name, status, detail in r2:
        got.setdefault(name, []).append(
            run_tests.Result(lane, name))
        got[name][-1].status, got[name][-1].detail = status, detail
    jobs_lines = out2.split("report:")[0].splitlines()
    return (live1 == 1 and live2 == 2 and r1 == r2 and rc1 == rc2 == 1 and
            files1 == files2 and tail(out1) == tail(out2) and
            tail(out2)[-1] == "5 passed, 3 failed" and
            one(got, "t2", "FAIL", "timed out") and one(got, "t3", "PASS") and
            one(got, "u2", "FAIL", "lost") and
            one(got, "u3", "FAIL", "KASAN") and
            all(ln.startswith(("[a] ", "[b] ", "[host] "))
                for ln in jobs_lines) and
            # The longest jobs first: the host suite (estimate 1) waits
            # for a lane to end.
            jobs_lines.index("[host] PASS host/h1 (0.0s)") > max(
                jobs_lines.index("[a] boot a #1: 3 test(s)"),
                jobs_lines.index("[b] boot b #1: 3 test(s)")) and
            not any(ln.startswith("[") for ln in out1.splitlines()))


CASES = [(name[5:], fn) for name, fn in sorted(globals().items())
         if name.startswith("case_")]


def main():
    failed = 0
    for i, (name, fn) in enumerate(CASES, 1):
        try:
            ok = fn()
        except Exception as e:  # a crash of the reader is a failure too
            print("# %s: %s: %s" % (name, type(e).__name__, e))
            ok = False
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        failed += not ok
    print("%d passed, %d failed" % (len(CASES) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

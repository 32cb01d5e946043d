#!/usr/bin/env python3
"""Harness self-test, protocol half: scripted guests, no QEMU.

Drives Harness.drive() (run_tests.py) with serial lines a broken or
misbehaving guest could send, and checks that no result is lost, none is
doubled, a kernel report fails the test it came in whatever the test
said, and a malformed line is a failure rather than a crash.  The QEMU
half (a real panic, hang and warning) is selftest.py.

Prints TAP ("ok N - name") and a closing "N passed, N failed" line.
"""
import os
import shutil
import sys
import tempfile
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

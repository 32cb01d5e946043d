#!/usr/bin/env python3
"""Harness self-test: a broken guest must fail the run, quickly, with its
last log lines, and the tests after it must still run.

Runs run_tests.py on the "selftest" lane, whose guest tests crash the
kernel, hang, and print a kernel warning, then checks what it reported.
Prints TAP ("ok N - name") and a closing "N passed, N failed" line.
Usage: selftest.py --kernel K --initrd I --dtb D --imgcheck X
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def orphan_report_fails():
    """A kernel report printed after the last test (the debug lane's
    kmemleak scan, a late WARN) must fail a "kernel-log" result: drives
    the harness's serial reader with a scripted guest, no QEMU."""
    sys.path.insert(0, HERE)
    import run_tests  # noqa: E402

    class FakeGuest:
        def __init__(self, lines):
            self.lines = list(lines)

        def readline(self, timeout):
            return self.lines.pop(0) if self.lines else None

        def tail(self, n):
            return ""

    class Args:
        out = tempfile.mkdtemp(prefix="wcfb-selftest-orphan-")
        boot_timeout, test_timeout = 5, 5

    h = run_tests.Harness(Args)
    h.report = lambda r: h.results.append(r)
    h.drive(FakeGuest(["@@WCFB BEGIN t1", "@@WCFB RESULT t1 PASS",
                       "unreferenced object 0xffff0000 (size 64):",
                       "@@WCFB DONE"]), "fake", time.monotonic(), ["t1"])
    subprocess.run(["rm", "-rf", Args.out])
    got = {r.name: r for r in h.results}
    return (got.get("t1") is not None and got["t1"].status == "PASS" and
            got.get("kernel-log") is not None and
            got["kernel-log"].status == "FAIL" and
            "unreferenced object" in got["kernel-log"].detail)


def main():
    ap = argparse.ArgumentParser()
    for a in ("--kernel", "--initrd", "--dtb", "--imgcheck"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    out = tempfile.mkdtemp(prefix="wcfb-selftest-")
    t0 = time.monotonic()
    p = subprocess.run(
        [sys.executable, os.path.join(HERE, "run_tests.py"),
         "--kernel", args.kernel, "--initrd", args.initrd,
         "--imgcheck", args.imgcheck, "--out", out, "--boot-timeout", "60",
         "--lane", "selftest:" + args.dtb,
         "--tests", "selftest_panic,selftest_hang,selftest_warn,selftest_after"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=300)
    dt = time.monotonic() - t0
    text = p.stdout

    def block(name):
        """The report line of a test and its detail lines."""
        lines = text.splitlines()
        for i, ln in enumerate(lines):
            if ln.split(" ")[1:2] == ["selftest/" + name]:
                j = i + 1
                while j < len(lines) and lines[j].startswith("     |"):
                    j += 1
                return "\n".join(lines[i:j])
        return ""

    checks = [
        ("panic_fails_with_log", block("selftest_panic").startswith("FAIL")
         and "Kernel panic" in block("selftest_panic")),
        ("hang_fails_by_timeout", block("selftest_hang").startswith("FAIL")
         and "timed out" in block("selftest_hang")),
        ("kernel_warning_fails", block("selftest_warn").startswith("FAIL")
         and "WARNING: CPU" in block("selftest_warn")),
        ("later_tests_still_run", block("selftest_after").startswith("PASS")),
        ("run_fails_overall", p.returncode != 0
         and text.rstrip().endswith("1 passed, 3 failed")),
        ("bounded_time", dt < 120),
        ("report_after_last_test_fails", orphan_report_fails()),
    ]
    failed = 0
    for i, (name, ok) in enumerate(checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        failed += not ok
    if failed:
        print("# harness output was:\n" + "\n".join("# " + ln for ln in
                                                   text.splitlines()))
    print("# self-test took %.1f s" % dt)
    print("%d passed, %d failed" % (len(checks) - failed, failed))
    subprocess.run(["rm", "-rf", out])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

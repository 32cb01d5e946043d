#!/usr/bin/env python3
"""Harness self-test: a broken guest must fail the run, quickly, with its
last log lines, and the tests after it must still run.

Runs run_tests.py on the "selftest" lane, whose guest tests crash the
kernel, hang, and print a kernel warning, then checks what it reported.
Then runs it on the "selftest-debug" lane (the debug kernel), whose tests
load tests/kmod/wcfb_bugs.ko to commit a heap out-of-bounds write, a lock
inversion and a DMA-API misuse, one per boot: each test must fail with
its own checker's report and no other, and the runner's closing
debug_kernel check must fail in each of those boots.  Without the debug
kernel those checks fail.
Prints TAP ("ok N - name") and a closing "N passed, N failed" line.
Usage: selftest.py --kernel K --initrd I --dtb D --imgcheck X
                   --debug-kernel DK --debug-initrd DI
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


def run_harness(args, lane, tests, extra, timeout):
    """Runs run_tests.py on one lane; returns (output, exit code, seconds)."""
    out = tempfile.mkdtemp(prefix="wcfb-selftest-")
    t0 = time.monotonic()
    try:
        p = subprocess.run(
            [sys.executable, os.path.join(HERE, "run_tests.py"),
             "--kernel", args.kernel, "--initrd", args.initrd,
             "--imgcheck", args.imgcheck, "--out", out, "--boot-timeout", "60",
             "--lane", lane, "--tests", ",".join(tests)] + extra,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=timeout)
        text, rc = p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode(errors="replace") if isinstance(
            e.stdout, bytes) else (e.stdout or "")
        text += "\n(selftest: run_tests.py timed out after %ds)" % timeout
        rc = None
    subprocess.run(["rm", "-rf", out])
    return text, rc, time.monotonic() - t0


def block(text, lane, name):
    """The report line of a test and its detail lines ("" if absent)."""
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if ln.split(" ")[1:2] == [lane + "/" + name]:
            j = i + 1
            while j < len(lines) and lines[j].startswith("     |"):
                j += 1
            return "\n".join(lines[i:j])
    return ""


def boots(text, lane):
    """The harness output cut at its "boot LANE #N" lines: one piece per
    boot, each holding the results reported while that boot ran."""
    pieces, cur = [], None
    for ln in text.splitlines():
        if ln.startswith("boot %s #" % lane):
            cur = []
            pieces.append(cur)
        elif cur is not None:
            cur.append(ln)
    return ["\n".join(p) for p in pieces]


# The debug-kernel detectors: test, its checker's banner, the reason the
# runner's closing debug_kernel check must fail after it (KASAN taints the
# kernel "bad page", lockdep switches itself off, DMA-API debug counts).
DETECTORS = [
    ("selftest_kasan", "KASAN:", "tainted"),
    ("selftest_lockdep", "possible circular locking", "lockdep is off"),
    ("selftest_dmaapi", "DMA-API:", "DMA-API debug counted"),
]


def debug_checks(args):
    """The selftest-debug lane: (checks, harness output, seconds, notes)."""
    names = [d[0] for d in DETECTORS]
    missing = [p for p in (args.debug_kernel, args.debug_initrd)
               if not (p and os.path.exists(p))]
    if missing:
        why = "no debug kernel (--debug-kernel/--debug-initrd: %s)" % (
            ", ".join(str(m) for m in missing if m) or "not given")
        return ([(n + "_fails_with_report", False) for n in names] +
                [("debug_kernel_fails_after_each", False),
                 ("debug_run_fails_overall", False),
                 ("debug_bounded_time", False)], why, 0.0, [why])
    lane = "selftest-debug"
    text, rc, dt = run_harness(
        args, lane + ":" + args.dtb + ":@kernel=debug @slow=4 wcfb_kmemleak=0", names,
        ["--debug-kernel", args.debug_kernel,
         "--debug-initrd", args.debug_initrd], 900)
    checks, notes = [], []
    banners = [d[1] for d in DETECTORS]
    for name, banner, _ in DETECTORS:
        b = block(text, lane, name)
        notes += ["%s: %s" % (name, ln.strip(" |")) for ln in
                  b.splitlines() if banner in ln][:1]
        # Its own checker's report, and no other checker's: the module
        # commits one bug per load, the others' banners would mean the
        # report came from somewhere else.
        checks.append((name + "_fails_with_report", b.startswith("FAIL")
                       and banner in b and
                       not any(o in b for o in banners if o != banner)))
    # One boot per detector (# boot: own), in the order asked; in each the
    # runner's debug_kernel check ran last and failed for that reason.
    pieces = boots(text, lane)
    ok = len(pieces) == len(DETECTORS)
    for piece, (name, _, why) in zip(pieces, DETECTORS):
        # The guest's results in the order reported (the harness's own
        # kernel-log and engine-fault-log results come after them).
        results = [ln.split(" ")[1][len(lane) + 1:]
                   for ln in piece.splitlines()
                   if ln.split(" ")[0] in ("PASS", "FAIL", "SKIP") and
                   ln.split(" ")[1:2] and
                   ln.split(" ")[1].startswith(lane + "/")]
        results = [r for r in results if not r.startswith(
            ("kernel-log", "engine-fault-log"))]
        dk = block(piece, lane, "debug_kernel")
        notes.append("after %s: %s" % (name, " / ".join(
            ln.strip(" |") for ln in dk.splitlines()[:3]) or
            "no debug_kernel result"))
        ok = ok and name in results and results[-1] == "debug_kernel" and \
            dk.startswith("FAIL") and why in dk
    checks.append(("debug_kernel_fails_after_each", ok))
    checks.append(("debug_run_fails_overall", rc not in (0, None)))
    checks.append(("debug_bounded_time", dt < 240))
    return checks, text, dt, notes


def main():
    ap = argparse.ArgumentParser()
    for a in ("--kernel", "--initrd", "--dtb", "--imgcheck"):
        ap.add_argument(a, required=True)
    ap.add_argument("--debug-kernel", help="the debug kernel's Image")
    ap.add_argument("--debug-initrd", help="its initramfs (with wcfb_bugs.ko)")
    args = ap.parse_args()
    text, rc, dt = run_harness(
        args, "selftest:" + args.dtb,
        ["selftest_panic", "selftest_hang", "selftest_warn", "selftest_after"],
        [], 300)

    def blk(name):
        return block(text, "selftest", name)

    checks = [
        ("panic_fails_with_log", blk("selftest_panic").startswith("FAIL")
         and "Kernel panic" in blk("selftest_panic")),
        ("hang_fails_by_timeout", blk("selftest_hang").startswith("FAIL")
         and "timed out" in blk("selftest_hang")),
        ("kernel_warning_fails", blk("selftest_warn").startswith("FAIL")
         and "WARNING: CPU" in blk("selftest_warn")),
        ("later_tests_still_run", blk("selftest_after").startswith("PASS")),
        ("run_fails_overall", rc not in (0, None)
         and text.rstrip().endswith("1 passed, 3 failed")),
        ("bounded_time", dt < 120),
        ("report_after_last_test_fails", orphan_report_fails()),
    ]
    dchecks, dtext, ddt, notes = debug_checks(args)
    outputs = [("selftest", checks, text), ("selftest-debug", dchecks, dtext)]
    failed, n = 0, 0
    for _, cs, _ in outputs:
        for name, ok in cs:
            n += 1
            print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
            failed += not ok
    for lane, cs, out in outputs:
        if not all(ok for _, ok in cs):
            print("# %s harness output was:\n" % lane + "\n".join(
                "# " + ln for ln in out.splitlines()))
    for ln in notes:
        print("# " + ln)
    print("# self-test took %.1f s, its debug-kernel part %.1f s" % (dt, ddt))
    print("%d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Self-test of hw/qemu/wcfb-run, the runner for your own programs.

Runs the runner, as a user would, on the tiny libdrm program
tests/runner/wcfb-pattern.c (draws test pattern 5 at 640x480 on
/dev/dri/by-path/platform-display-card, then `wcfb-shot pattern`):

  1. against a golden of pattern 5 (made by wcfb-imgcheck from
     userspace/wcfb_pattern.h, not by the runner): exit 0, the capture
     kept, no diff; the stable device path; serial and kernel logs kept;
     and wcfb-pointer makes its uinput device;
  2. against a wrong golden (pattern 6): exit 1, the expected and diff
     images beside the capture, the mismatch reported;
  3. crashing after its capture, with --update into an empty golden
     directory: exit 139 (SIGSEGV) passed on, the golden written, equal
     to pattern 5;
  4. the same pass without the client rootfs (in the initramfs), then
     `sleep 600` with --timeout 25: exit 124, the logs kept;
  5. the device-selection lines of Documentation/switching-from-vkms.md
     (Weston's, wlroots', IGT's) evaluated in the guest, each naming
     wcfb's card, VKMS's spelling of the Weston line as the control that
     must not; and its hotplug lines, the connector's status after each;
  6. the same document's compositor blocks, as written: sway (wlroots)
     and Weston, each against goldens of its plain desktop colour made by
     wcfb-imgcheck (sway's at 1024x768 and, after its IPC mode change,
     800x600); and the sway block with VKMS's device path, the control
     that must fail its captures;
  plus the runner's usage errors (no QEMU).

Prints TAP ("ok N - name") and a closing "N passed, N failed" line.
Usage: selftest_runner.py --prog wcfb-pattern --imgcheck wcfb-imgcheck
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
RUNNER = os.path.join(REPO, "hw", "qemu", "wcfb-run")
CARD = "/dev/dri/by-path/platform-display-card"
RESULTS = []


def tap(name, ok, why=""):
    RESULTS.append(ok)
    if not ok and why:
        for ln in why.rstrip().splitlines()[-30:]:
            print("# " + ln)
    print("%s %d - %s" % ("ok" if ok else "not ok", len(RESULTS), name),
          flush=True)


def png1x1(path):
    """A 1x1 black PNG (a capture for wcfb-imgcheck to compare with)."""
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + \
            struct.pack(">I", zlib.crc32(c) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b""))


def expected_image(imgcheck, tmp, check, out):
    """OUT = wcfb-imgcheck's "expected" image of CHECK (e.g. pattern SEED
    W H, solid RRGGBB W H): the checker's own definition of the picture."""
    d = tempfile.mkdtemp(dir=tmp)
    cap = os.path.join(d, "dummy.png")
    png1x1(cap)
    subprocess.run([imgcheck] + [str(x) for x in check] +
                   ["--capture", cap, "--outdir", d, "--name", "e"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    shutil.move(os.path.join(d, "e.expected.png"), out)


def same_image(imgcheck, a, b):
    d = os.path.dirname(b)
    p = subprocess.run([imgcheck, "golden", a, "--capture", b, "--outdir",
                        d, "--name", "same-image-check"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return p.returncode == 0, p.stdout


def run(args, timeout=240):
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, RUNNER] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=timeout)
    p.seconds = time.monotonic() - t0
    p.both = "exit %d after %.1f s\n--- stdout\n%s--- stderr\n%s" % (
        p.returncode, p.seconds, p.stdout, p.stderr)
    print("# wcfb-run %s: exit %d, %.1f s" % (" ".join(args[-1:]), p.returncode,
                                            p.seconds), flush=True)
    return p


def has(path):
    return os.path.isfile(path) and os.path.getsize(path) > 0


DOC = os.path.join(REPO, "Documentation", "switching-from-vkms.md")


def doc_blocks():
    """The device-selection and hotplug code blocks of DOC, as the lines a
    user copies (comments dropped): what the self-test runs."""
    blocks, cur = [], None
    with open(DOC) as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if ln.startswith("```"):
                if cur is None:
                    cur = []
                else:
                    blocks.append(cur)
                    cur = None
                continue
            if cur is not None:
                cur.append(ln)
    pick = {}
    for b in blocks:
        for key in ("device selection", "hotplug", "wlroots", "weston"):
            if b and b[0].startswith("# " + key):
                pick[key] = b

    def code(b):
        return [x for x in b if x.strip() and not x.startswith("#")]
    return {k: code(v) for k, v in pick.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prog", required=True)
    ap.add_argument("--imgcheck", required=True)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="wcfb-run-selftest-")
    try:
        share = os.path.join(tmp, "share")
        os.makedirs(share)
        shutil.copy(a.prog, os.path.join(share, "wcfb-pattern"))
        g_right = os.path.join(tmp, "golden-right")
        g_wrong = os.path.join(tmp, "golden-wrong")
        g_new = os.path.join(tmp, "golden-new")
        expected_image(a.imgcheck, tmp, ["pattern", 5, 640, 480],
                       os.path.join(g_right, "pattern.png"))
        expected_image(a.imgcheck, tmp, ["pattern", 6, 640, 480],
                       os.path.join(g_wrong, "pattern.png"))
        draw = "./wcfb-pattern $WCFB_CARD 640x480 5 pattern"

        # --- usage errors (no QEMU) ---------------------------------------
        p = run(["--update", share, "true"], timeout=30)
        q = run([share], timeout=30)
        tap("usage_errors", p.returncode == 2 and q.returncode == 2 and
            "--update needs --golden" in p.stderr, p.both + q.both)

        # --- 1: the pass against a golden --------------------------------
        o1 = os.path.join(tmp, "out-pass")
        p = run(["--golden", g_right, "--out", o1, share,
                 "echo card=$WCFB_CARD; readlink %s; %s; r=$?; "
                 "echo quit | wcfb-pointer 640 480; exit $r" % (CARD, draw)])
        tap("pass_golden", p.returncode == 0 and
            has(os.path.join(o1, "pattern.png")) and
            not os.path.exists(os.path.join(o1, "pattern.diff.png")) and
            "pattern 5 at 640x480" in p.stdout, p.both)
        tap("device_path", "card=%s\n../card0\n" % CARD in p.stdout, p.both)
        tap("pointer", "ready /dev/input/event" in p.stdout, p.both)
        klog = ""
        if has(os.path.join(o1, "kernel.log")):
            with open(os.path.join(o1, "kernel.log")) as f:
                klog = f.read()
        tap("logs_kept", has(os.path.join(o1, "serial.log")) and
            "wcfb" in klog and
            "wcfb-run: command exited with status 0" in klog,
            p.both + "--- kernel.log\n" + klog[-2000:])

        # --- 2: a wrong golden -------------------------------------------
        o2 = os.path.join(tmp, "out-wrong")
        p = run(["--golden", g_wrong, "--out", o2, share, draw])
        tap("fail_wrong_golden", p.returncode == 1 and
            "MISMATCH pattern" in p.stderr and
            has(os.path.join(o2, "pattern.png")), p.both)
        ok, msg = (False, "no diff image")
        if has(os.path.join(o2, "pattern.diff.png")):
            ok, msg = same_image(a.imgcheck, os.path.join(g_wrong, "pattern.png"),
                                 os.path.join(o2, "pattern.expected.png"))
        tap("fail_writes_expected_and_diff", ok, msg)

        # --- 3: a client crash, after its capture into a new golden ------
        o3 = os.path.join(tmp, "out-crash")
        p = run(["--golden", g_new, "--update", "--out", o3, share,
                 draw + " crash"])
        tap("crash_exit_status", p.returncode == 139 and
            "crashing, as asked" in p.stdout, p.both)
        ok, msg = (False, "no golden written\n" + p.both)
        if has(os.path.join(g_new, "pattern.png")):
            ok, msg = same_image(a.imgcheck, os.path.join(g_right, "pattern.png"),
                                 os.path.join(g_new, "pattern.png"))
        tap("update_writes_golden", ok, msg)

        # --- 4: the timeout (in the initramfs, without the rootfs) --------
        o4 = os.path.join(tmp, "out-timeout")
        p = run(["--timeout", "25", "--no-rootfs", "--golden", g_right,
                 "--out", o4, share, draw + " && echo sleeping && sleep 600"])
        tap("timeout", p.returncode == 124 and "sleeping" in p.stdout and
            has(os.path.join(o4, "serial.log")) and
            has(os.path.join(o4, "kernel.log")) and p.seconds < 60, p.both)
        tap("no_rootfs_capture", "sleeping" in p.stdout and
            has(os.path.join(o4, "pattern.png")), p.both)

        # --- 5: Documentation/switching-from-vkms.md's lines -------------
        blocks = doc_blocks()
        dev, hot = blocks.get("device selection", []), blocks.get("hotplug", [])
        check = ("chk() { if [ \"$(readlink -f \"$2\")\" = \"$(readlink -f $WCFB_CARD)\" ]; "
                 "then echo \"$1 names wcfb\"; else echo \"$1 does not: $2\"; fi; }; "
                 "chk weston \"/dev/dri/$WESTON_TEST_SUITE_DRM_DEVICE\"; "
                 "chk wlroots \"$WLR_DRM_DEVICES\"; chk igt \"${IGT_DEVICE#drm:}\"; "
                 # The control: VKMS's spelling of the Weston line.
                 "chk vkms-spelling \"/dev/dri/$(basename /sys/devices/platform/vkms/drm/card*)\"; ")
        steps = []
        for ln in hot:
            steps.append(ln)
            if ln.startswith("echo "):
                steps.append("echo \"after %s: $(cat $st)\"" % ln.split()[1])
        p = run(["--out", os.path.join(tmp, "out-doc"), share,
                 "\n".join(dev) + "\n" + check + "\n" + "\n".join(steps)])
        tap("doc_device_lines", p.returncode == 0 and len(dev) == 3 and
            all("%s names wcfb" % n in p.stdout for n in ("weston", "wlroots", "igt")) and
            "vkms-spelling does not" in p.stdout, p.both)
        tap("doc_hotplug_lines", len(hot) == 3 and
            "after off: disconnected" in p.stdout and
            "after detect: connected" in p.stdout, p.both)

        # --- 6: the same document's compositor blocks --------------------
        g_desk = os.path.join(tmp, "golden-desktop")
        for name, w, h in (("sway", 1024, 768), ("sway-800x600", 800, 600),
                           ("weston", 1024, 768)):
            expected_image(a.imgcheck, tmp, ["solid", "204080", w, h],
                           os.path.join(g_desk, name + ".png"))
        sway = "\n".join(blocks.get("wlroots", []))
        # --timeout below run()'s own 240 s: a slow host gets exit 124
        # and a report, not a traceback.
        p = run(["--timeout", "200", "--golden", g_desk, "--out",
                 os.path.join(tmp, "out-sway"), share, sway])
        tap("doc_sway_example", p.returncode == 0 and sway.count("wcfb-shot") == 2 and
            "capture sway.png: match" in p.stderr and
            "capture sway-800x600.png: match" in p.stderr, p.both)
        weston = "\n".join(blocks.get("weston", []))
        p = run(["--timeout", "200", "--golden", g_desk, "--out",
                 os.path.join(tmp, "out-weston"), share, weston])
        tap("doc_weston_example", p.returncode == 0 and "wcfb-shot" in weston and
            "capture weston.png: match" in p.stderr, p.both)
        # The control: the sway block on VKMS's path (no such card here).
        wrong = sway.replace(CARD, "/dev/dri/by-path/platform-vkms-card")
        wrong = wrong.replace("--until 60", "--until 10")
        p = run(["--timeout", "200", "--golden", g_desk, "--out",
                 os.path.join(tmp, "out-sway-vkms"), share, wrong])
        tap("doc_sway_wrong_device_fails", wrong != sway and p.returncode == 1 and
            "MISMATCH sway" in p.stderr, p.both)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = RESULTS.count(False)
    print("%d passed, %d failed" % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

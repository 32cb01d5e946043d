#!/usr/bin/env python3
"""`make run`: boots the wcfb demo guest.

DEMO=console (default): the console on the display, then a libdrm client
flipping test patterns, then the console again with a shell.
DEMO=kmscube / DEMO=weston: the same, with kmscube or a Weston desktop (from
the client rootfs) as the client.

With a display (DISPLAY or WAYLAND_DISPLAY set) QEMU opens a window on the
ramfb output and the serial console stays on this terminal until the guest
powers off.  Without one (CI, ssh) each demo step is captured as PNG into
--out and the guest is stopped when the demo is done (--interactive keeps
the serial shell instead).  The blitter model runs beside QEMU as in the
tests.
"""
import argparse
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wcfb_qemu  # noqa: E402


def passthrough(g):
    """Connects this terminal to the guest's serial line until it ends."""
    print("[run] serial shell; 'poweroff -f' in the guest quits", flush=True)
    while g.proc.poll() is None:
        r, _, _ = select.select([sys.stdin, g.proc.stdout], [], [], 0.5)
        if sys.stdin in r:
            data = os.read(0, 1024)
            if not data:
                return
            g.send(data.decode(errors="replace"))
        if g.proc.stdout in r:
            data = os.read(g.proc.stdout.fileno(), 65536)
            if not data:
                return
            os.write(1, data)


def main():
    ap = argparse.ArgumentParser()
    for a in ("--kernel", "--initrd", "--dtb", "--out"):
        ap.add_argument(a, required=True)
    ap.add_argument("--engine")
    ap.add_argument("--rootfs")
    ap.add_argument("--demo", default="console",
                    choices=("console", "kmscube", "weston"))
    ap.add_argument("--interactive", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    have_display = bool(os.environ.get("DISPLAY") or
                        os.environ.get("WAYLAND_DISPLAY"))
    append = ("console=ttyAMA0 quiet fbcon=font:VGA8x16 "
              "vt.global_cursor_default=0 wcfb_mode=demo wcfb_demo=%s"
              % args.demo)
    rootfs = None
    if args.demo != "console":
        rootfs = args.rootfs
        append += " wcfb_rootfs=9p"
    print("[run] booting the %s demo (%s)" %
          (args.demo, "QEMU window" if have_display else
           "no display: captures in " + args.out), flush=True)
    t0 = time.monotonic()
    with wcfb_qemu.Guest(args.kernel, args.initrd, args.dtb, append,
                         display="gtk" if have_display else "none",
                         log_path=os.path.join(args.out, "serial.log"),
                         engine=args.engine, rootfs=rootfs) as g:
        while True:
            try:
                line = g.readline(120)
            except wcfb_qemu.GuestDied:
                return 0
            if line is None:
                print("[run] the guest stopped answering", file=sys.stderr)
                return 1
            print(line, flush=True)
            if "@@WCFB DEMO " not in line:
                continue
            step = line.split("@@WCFB DEMO ", 1)[1].strip()
            png = os.path.join(args.out, "%s.png" % step)
            g.screendump(png)
            print("[run] %.1fs: %s -> %s" % (time.monotonic() - t0, step, png),
                  flush=True)
            if step == "ready":
                print("[run] done: the captures and serial.log are in %s"
                      % args.out, flush=True)
                if have_display or args.interactive:
                    passthrough(g)
                return 0


if __name__ == "__main__":
    sys.exit(main())

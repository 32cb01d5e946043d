#!/usr/bin/env python3
"""`make run`: boots the wcfb demo guest.

With a display (DISPLAY or WAYLAND_DISPLAY set) QEMU opens a window showing
the ramfb output and the serial console is attached to this terminal.
Without one (CI, ssh) the display is captured at each demo step as PNG into
--out, the serial log is printed, and the guest is stopped when the demo
has run (pass --interactive to get the serial shell instead).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wcfb_qemu  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--dtb", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--interactive", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    append = ("console=ttyAMA0 quiet fbcon=font:VGA8x16 "
              "vt.global_cursor_default=0 wcfb_mode=demo")
    have_display = bool(os.environ.get("DISPLAY") or
                        os.environ.get("WAYLAND_DISPLAY"))
    if have_display:
        # A window on the ramfb output; the serial console on this terminal.
        argv = ["qemu-system-aarch64"] + wcfb_qemu.machine_args() + [
            "-nodefaults", "-no-reboot", "-kernel", args.kernel,
            "-initrd", args.initrd, "-dtb", args.dtb, "-append", append,
            "-device", "ramfb", "-display", "gtk", "-serial", "mon:stdio"]
        print("[run] QEMU window shows the display; Ctrl-A X quits.")
        os.execvp(argv[0], argv)
    print("[run] no display: captures go to %s" % args.out, flush=True)
    t0 = time.monotonic()
    with wcfb_qemu.Guest(args.kernel, args.initrd, args.dtb, append,
                         log_path=os.path.join(args.out, "serial.log")) as g:
        while True:
            line = g.readline(60)
            if line is None:
                print("[run] guest stopped answering", file=sys.stderr)
                return 1
            print(line, flush=True)
            if "@@WCFB DEMO " in line:
                step = line.split("@@WCFB DEMO ", 1)[1].strip()
                if step == "client":
                    time.sleep(2)
                png = os.path.join(args.out, "%s.png" % step)
                g.screendump(png)
                print("[run] %.1fs: captured %s" % (time.monotonic() - t0, png),
                      flush=True)
                if step == "ready":
                    if not args.interactive:
                        return 0
                    break
        print("[run] serial shell (type 'poweroff -f' to quit)")
        while True:
            import select
            r, _, _ = select.select([sys.stdin, g.proc.stdout], [], [])
            if sys.stdin in r:
                data = os.read(0, 1024)
                if not data:
                    return 0
                g.send(data.decode(errors="replace"))
            if g.proc.stdout in r:
                data = os.read(g.proc.stdout.fileno(), 65536)
                if not data:
                    return 0
                os.write(1, data)


if __name__ == "__main__":
    sys.exit(main())

"""Starts and drives one wcfb guest under QEMU.

This is the only place that knows QEMU's command line.  The harness
(tests/harness/) and the demo (hw/qemu/demo.py) both use it.

The guest's serial line is QEMU's stdio: its output is the kernel console
plus the "@@WCFB ..." protocol lines of the guest test runner, and what we
write to QEMU's stdin arrives on the guest's ttyAMA0.  QMP listens on a
unix socket in a private temporary directory that is always removed.

Guests may run side by side (run_tests.py --jobs): everything one owns is
its own: the QMP and engine sockets live in its mkdtemp() directory, the
guest RAM file the engine maps is a mkstemp() file in /dev/shm, the
serial line is a pipe (not inherited by other children: close_fds), no
TCP port or fixed path is used, and the client rootfs is attached
read-only (QEMU's shared lock on a read-only image).
"""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time

# Everything that shapes the device tree QEMU generates.  mkdtb.sh dumps
# the DTB with exactly these flags, so keep the two in step through here.
RAM_MB = 1024
RAM_BASE = 0x40000000        # where guest RAM starts on "virt"
MACHINE_ARGS = [
    "-machine", "virt,gic-version=2",   # GICv2m: the cheapest MSI here
    "-cpu", "max,pauth-impdef=on",  # plain "max" emulates PAuth: ~4x slower
    # WCFB_SMP and WCFB_ACCEL (e.g. tcg,thread=single) are for measuring
    # what the host's TCG threads cost the guest (README, "Composition");
    # the tests run with the defaults.
    "-smp", os.environ.get("WCFB_SMP", "2"),
    "-accel", os.environ.get("WCFB_ACCEL", "tcg"),
    "-m", str(RAM_MB),
]
# The blitter sits at PCI device 3, function 0: dts/wcfb-engine.dtsi
# describes it there (reg = <0x1800 ...>) so it gets its DT node.
ENGINE_PCI_ADDR = "0x3"


def machine_args():
    return list(MACHINE_ARGS)


def rootfs_args(rootfs):
    """QEMU arguments attaching the large client rootfs (mkrootfs.sh):
    "PATH.ext4" as a read-only virtio-blk disk, a directory over 9p."""
    if not rootfs:
        return []
    if rootfs.endswith(".ext4"):
        return ["-drive", "if=none,id=rootfs,format=raw,readonly=on,file=" + rootfs,
                "-device", "virtio-blk-device,drive=rootfs"]
    return ["-fsdev", "local,id=rootfs,security_model=none,readonly=on,path=" + rootfs,
            "-device", "virtio-9p-device,fsdev=rootfs,mount_tag=wcfbroot"]


class GuestDied(Exception):
    pass


class Guest:
    """One QEMU process.  Use as a context manager: it always cleans up."""

    def __init__(self, kernel, initrd, dtb, append, display="none",
                 extra=None, log_path=None, engine=None, engine_args=None,
                 rootfs=None):
        self.tmp = tempfile.mkdtemp(prefix="wcfb-qemu-")
        self.qmp_path = os.path.join(self.tmp, "qmp.sock")
        self.engine = None
        self.engine_report = ""
        self.ram_path = None
        self.log = open(log_path, "wb") if log_path else None
        self.proc = None
        self.qmp = None
        self.qmp_file = None
        try:
            dev_args = self._start_engine(engine, engine_args or []) if engine else []
        except Exception:
            self.close()
            raise
        argv = ["qemu-system-aarch64"] + machine_args() + dev_args + \
            rootfs_args(rootfs) + [
            "-nodefaults", "-no-reboot",
            "-kernel", kernel, "-initrd", initrd, "-dtb", dtb,
            "-append", append,
            "-device", "ramfb",
            "-display", display,
            "-serial", "stdio",
            "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
        ] + (extra or [])
        self.argv = argv
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT,
                                         start_new_session=True)
        except Exception:       # no QEMU: the engine and RAM file go too
            self.close()
            raise
        self.buf = b""
        self.lines = []          # every serial line so far (decoded)
        self.started = time.monotonic()

    # --- the blitter device model -------------------------------------------
    def _start_engine(self, binary, extra):
        """Starts the engine model (it must listen before QEMU starts) on
        a guest RAM file it maps; returns the QEMU arguments that use both.
        The RAM file lives in /dev/shm (fast, shared) and is removed in
        close(), whatever happens."""
        fd, self.ram_path = tempfile.mkstemp(prefix="wcfb-ram-", dir="/dev/shm")
        os.ftruncate(fd, RAM_MB << 20)
        os.close(fd)
        sock = os.path.join(self.tmp, "engine.sock")
        self.engine_ctl = os.path.join(self.tmp, "engine.ctl")
        self.engine = subprocess.Popen(
            [binary, "--socket", sock, "--ram", self.ram_path,
             "--ram-base", hex(RAM_BASE), "--ram-size", str(RAM_MB << 20),
             "--control", self.engine_ctl] + extra,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 10
        while True:
            r, _, _ = select.select([self.engine.stdout], [], [],
                                    max(0, deadline - time.monotonic()))
            line = self.engine.stdout.readline() if r else b""
            if line.strip() == b"ready":
                break
            if not r or not line:
                raise GuestDied("the engine model did not start")
            self.engine_report += line.decode(errors="replace")
        return ["-object", "memory-backend-file,id=ram,size=%dM,mem-path=%s,share=on"
                % (RAM_MB, self.ram_path),
                "-machine", "memory-backend=ram",
                "-chardev", "socket,id=eng,path=%s" % sock,
                "-device", "ivshmem-doorbell,chardev=eng,vectors=1,addr=%s"
                % ENGINE_PCI_ADDR]

    def engine_control(self, command):
        """Sends one line to the engine's fault-injection socket; returns
        its whole answer, which ends with a line "ok" or "err ..." (a
        stats answer is many lines and may arrive in several pieces)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.settimeout(5)
            s.connect(self.engine_ctl)
            s.sendall(command.encode() + b"\n")
            ans = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                ans += chunk
                last = ans.rstrip(b"\n").rsplit(b"\n", 1)[-1]
                if ans.endswith(b"\n") and (last == b"ok" or
                                            last.startswith(b"err")):
                    break
            return ans.decode(errors="replace")
        finally:
            s.close()

    def kill_engine(self):
        """SIGKILLs the engine model while the guest runs (the device
        disappears as a real one would on a fatal fault); keeps what it had
        printed.  QEMU keeps running: the doorbell and the shared register
        page stay, only nobody answers any more."""
        if not self.engine:
            raise RuntimeError("no engine model")
        os.killpg(self.engine.pid, signal.SIGKILL)
        out, _ = self.engine.communicate()
        self.engine_report += out.decode(errors="replace")
        self.engine_report += "killed: by the harness on the guest's request\n"
        self.engine = None
        return "killed"

    # --- serial ------------------------------------------------------------
    def readline(self, timeout):
        """Next serial line, or None at timeout.  Raises GuestDied at EOF."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if not r:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                if self.buf:
                    line, self.buf = self.buf, b""
                    return self._keep(line)
                raise GuestDied("QEMU exited (status %s)" % self.proc.poll())
            if self.log:
                self.log.write(chunk)
                self.log.flush()
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return self._keep(line)

    def _keep(self, raw):
        line = raw.decode("utf-8", "replace").rstrip("\r")
        self.lines.append(line)
        return line

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def tail(self, n=30):
        return "\n".join(self.lines[-n:])

    # --- QMP ---------------------------------------------------------------
    def _qmp_connect(self):
        deadline = time.monotonic() + 10
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.qmp_path)
                break
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.qmp = s
        self.qmp_file = s.makefile("rwb")
        json.loads(self.qmp_file.readline())        # greeting
        self.qmp_cmd("qmp_capabilities")

    def qmp_cmd(self, name, **args):
        if self.qmp is None and name != "qmp_capabilities":
            self._qmp_connect()
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.qmp_file.write(json.dumps(msg).encode() + b"\n")
        self.qmp_file.flush()
        while True:
            reply = json.loads(self.qmp_file.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError("QMP %s: %s" % (name, reply["error"]))
            # asynchronous events are skipped

    def screendump(self, path):
        """What a monitor on the ramfb output would show, as PNG."""
        self.qmp_cmd("screendump", filename=os.path.abspath(path),
                     format="png")

    # --- lifetime ----------------------------------------------------------
    def close(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc:
            self.proc.wait()
        if self.engine:
            # With QEMU gone the model reports and exits by itself.
            try:
                out, _ = self.engine.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.engine.pid, signal.SIGKILL)
                out, _ = self.engine.communicate()
            self.engine_report += out.decode(errors="replace")
            self.engine = None
        if self.ram_path:
            try:
                os.unlink(self.ram_path)
            except OSError:
                pass
            self.ram_path = None
        for f in (self.qmp_file, self.qmp, self.log):
            try:
                if f:
                    f.close()
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

#!/usr/bin/env python3
"""Boot a 2-node Debian-kernel guest under QEMU, make NUMA traffic, and capture its memory.

    guest.py capture --tag trixie-bpo --paging l5 --out DIR [--forms raw,elf,nodes] [--cpus 2]
    guest.py probe-accel            # prints kvm or tcg (what capture would use)

capture: boots the kernel fetched by fixtures/fetch-kernels.sh ($BTFWALK_CACHE/kernels/<tag>) with
the initramfs built by tests/e2e/mkinitramfs.sh, waits for the guest's numa_traffic to finish,
records static facts (uname -r, nproc, /proc/kallsyms, /proc/iomem, ...), then:
    numastat BEFORE -> QMP stop -> pmemsave (raw) -> dump-guest-memory (ELF, paging=false)
    -> copy of each node's memory-backend-file -> HMP "info registers -a" -> QMP cont
    -> numastat AFTER
and writes everything plus manifest.json into DIR (built in DIR.tmp-*, renamed at the end, so a
reader never sees a half-written capture). Each node's RAM is its own memory-backend-file
(share=on): the copies ARE the per-node capture form, at the physical base recorded per node.

Only the Python standard library is used.
"""
import argparse
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.environ.get("BTFWALK_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "btfwalk")
# vCPUs per capture: 2 per node, so that per-CPU sums within a node are exercised, and so that
# with the probes' busy loops on CPU 0 and the last CPU (postmortem, sclass) CPUs 1-2 still go
# idle now and then: /proc/stat iowait and full io pressure move only on a CPU with idle time.
DEFAULT_CPUS = 4
COUNTERS = ["numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node"]


def load_probes():
    """Capture extensions: every tests/e2e/probes/NAME.py, in name order. A probe module may define
    CMDLINE (kernel arguments it needs), setup(g, man) (after the traffic: start load and sentinel
    tasks), before(g, stage, man) and after(g, stage, man) (the guest's own reads just before the
    stop and just after the resume; write files into the capture directory stage), and
    check(ctx) (run by check_e2e.py on every capture; see there). Programs the guest runs go in
    tests/e2e/probes/*.c: mkinitramfs.sh builds each statically into /bin."""
    import importlib.util
    d = os.path.join(HERE, "probes")
    mods = []
    for fn in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if fn.endswith(".py") and not fn.startswith("_"):
            spec = importlib.util.spec_from_file_location("probe_" + fn[:-3], os.path.join(d, fn))
            m = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(m)
            mods.append(m)
    return mods


PROBES = load_probes()


def run_probes(hook, *args):
    for p in PROBES:
        fn = getattr(p, hook, None)
        if fn:
            fn(*args)
T0 = time.monotonic()


def log(msg):
    sys.stderr.write("[%6.1fs] %s\n" % (time.monotonic() - T0, msg))
    sys.stderr.flush()


def wait_or_kill(proc, timeout):
    """proc's exit status within timeout seconds; past that it is killed (status -SIGKILL)."""
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


class GuestError(Exception):
    pass


class BootHang(GuestError):
    """The guest printed nothing on its console before the boot timeout."""


def kvm_usable(kernel):
    """True when KVM can actually run a guest here: boot the kernel for a moment and look."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    cmd = ["qemu-system-x86_64", "-accel", "kvm", "-cpu", "host", "-m", "256", "-display", "none",
           "-nodefaults", "-no-reboot", "-serial", "stdio", "-kernel", kernel,
           "-append", "console=ttyS0 earlyprintk=ttyS0 panic=-1"]
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    except OSError:
        return False
    ok = False
    buf = b""
    deadline = time.monotonic() + 8
    os.set_blocking(p.stdout.fileno(), False)
    while time.monotonic() < deadline and p.poll() is None:
        try:
            chunk = p.stdout.read()
        except BlockingIOError:
            chunk = None
        if chunk:
            buf += chunk
            if b"KVM internal error" in buf or b"emulation failure" in buf:
                break
            if b"Linux version" in buf:
                ok = True
                break
        time.sleep(0.05)
    p.kill()
    p.wait()
    return ok


def host_has_la57():
    try:
        with open("/proc/cpuinfo") as f:
            return " la57" in f.read()
    except OSError:
        return False


def choose_accel(kernel, paging, want="auto"):
    """Returns (accel, why)."""
    if want == "tcg":
        return "tcg", "TCG requested"
    if want in ("auto", "kvm"):
        if paging == "l5" and not host_has_la57():
            if want == "kvm":
                raise GuestError("5-level paging needs la57, which this host CPU lacks: use TCG")
            return "tcg", "TCG: host CPU has no la57 for 5-level paging"
        if kvm_usable(kernel):
            return "kvm", "KVM works here"
        if want == "kvm":
            raise GuestError("KVM requested but it cannot run a guest here")
        return "tcg", "TCG: KVM cannot run a guest here (/dev/kvm %s)" % (
            "present" if os.path.exists("/dev/kvm") else "absent")
    raise GuestError("unknown accel %r" % want)


class QMP:
    def __init__(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise GuestError("cannot connect to QMP socket %s" % path)
                time.sleep(0.05)
        self.sock.settimeout(600)
        self.buf = b""
        self._recv()  # greeting
        self.cmd("qmp_capabilities")

    def _recv(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise GuestError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._recv()
            if "event" in r:
                continue
            if "error" in r:
                raise GuestError("QMP %s: %s" % (name, r["error"].get("desc", r["error"])))
            return r.get("return")

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Guest:
    """One QEMU guest: 2 NUMA nodes, each node's RAM a shared memory-backend-file."""

    def __init__(self, kernel_dir, initrd, workdir, paging="l5", cpus=2, node_mb=256, nodes=2,
                 accel="tcg", boot_timeout=90, traffic_mib=8, file_ram=True, watch_qmp=False,
                 disk_mb=0, extra_args=()):
        self.kernel_dir = kernel_dir
        self.initrd = initrd
        self.workdir = workdir
        self.paging = paging
        self.cpus = cpus
        self.node_mb = node_mb
        self.nodes = nodes
        self.accel = accel
        self.boot_timeout = boot_timeout
        self.traffic_mib = traffic_mib
        # False: each node's RAM is anonymous QEMU memory (memory-backend-ram), reachable from
        # the host only through the QEMU process (QMP + process_vm_readv).
        self.file_ram = file_ram
        # A second QMP socket (watch_qmp_path) for a client beside the harness's own.
        self.watch_qmp = watch_qmp
        # A virtio-blk disk of this size (the guest's /dev/vda, backed by a sparse file in
        # workdir), with one hardware queue: blk-mq then completes its requests through the
        # BLOCK softirq, and QEMU completes them asynchronously, so a reader waits in io_schedule.
        self.disk_mb = disk_mb
        # More QEMU arguments, e.g. ("-S",) to start paused, or more -qmp sockets.
        self.extra_args = list(extra_args)
        self.proc = None
        self.qmp = None
        self.out = bytearray()
        self.lock = threading.Condition()
        self.seq = 0

    def node_path(self, n):
        return os.path.join(self.workdir, "node%d.ram" % n)

    def node_base(self, n):
        return n * self.node_mb << 20

    def watch_qmp_path(self):
        return os.path.join(self.workdir, "qmp-watch.sock")

    def fw_cfg_module(self):
        p = os.path.join(self.kernel_dir, "modules", "qemu_fw_cfg.ko")
        return p if os.path.exists(p) else None

    def modules(self):
        """This kernel's guest modules in load order (fixtures/fetch-kernels.sh: modules/order)."""
        try:
            with open(os.path.join(self.kernel_dir, "modules", "order")) as f:
                return [ln.strip() for ln in f if ln.strip()]
        except FileNotFoundError:
            return ["qemu_fw_cfg.ko"] if self.fw_cfg_module() else []

    def initrd_path(self):
        """The shared initramfs, plus (concatenated) a cpio with this kernel's modules in
        /lib/modules/ and their load order in /lib/modules/order (the guest's init loads them)."""
        mods = self.modules()
        if not mods:
            return self.initrd
        path = os.path.join(self.workdir, "initrd.img")
        if not os.path.exists(path):
            stage = os.path.join(self.workdir, "modcpio")
            os.makedirs(os.path.join(stage, "lib", "modules"), exist_ok=True)
            for m in mods:
                shutil.copyfile(os.path.join(self.kernel_dir, "modules", m),
                                os.path.join(stage, "lib", "modules", m))
            with open(os.path.join(stage, "lib", "modules", "order"), "w") as f:
                f.write("".join(m + "\n" for m in mods))
            cpio = subprocess.run("find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0 | gzip -1",
                                  shell=True, cwd=stage, stdout=subprocess.PIPE, check=True).stdout
            shutil.rmtree(stage)
            with open(path, "wb") as out, open(self.initrd, "rb") as base:
                shutil.copyfileobj(base, out)
                out.write(cpio)
        return path

    def command(self):
        cpu = "max" if self.accel == "tcg" else "host"
        if self.paging == "l4":
            cpu += ",la57=off"
        cmd = ["qemu-system-x86_64", "-accel", self.accel, "-machine", "pc", "-cpu", cpu,
               # One socket per node: CPUs of different nodes must not share a cache level, or
               # the kernel warns (and taints) at SMP bring-up.
               "-smp", "cpus=%d,sockets=%d,cores=%d,threads=1" % (self.cpus, self.nodes, self.cpus // self.nodes),
               "-m", "%dM" % (self.node_mb * self.nodes)]
        per = max(1, self.cpus // self.nodes)
        for n in range(self.nodes):
            first = n * per
            last = self.cpus - 1 if n == self.nodes - 1 else first + per - 1
            cpus = str(first) if first == last else "%d-%d" % (first, last)
            if self.file_ram:
                backend = "memory-backend-file,id=ram-node%d,size=%dM,mem-path=%s,share=on" % (
                    n, self.node_mb, self.node_path(n))
            else:
                backend = "memory-backend-ram,id=ram-node%d,size=%dM" % (n, self.node_mb)
            cmd += ["-object", backend,
                    "-numa", "node,nodeid=%d,cpus=%s,memdev=ram-node%d" % (n, cpus, n)]
        append = ("console=ttyS0 quiet panic=-1 lpj=10000000 init_on_alloc=0 "
                  "btfwalk.traffic_mib=%d" % self.traffic_mib)
        combo = "%s-%s" % (os.path.basename(os.path.normpath(self.kernel_dir)), self.paging)
        for p in PROBES:
            extra = getattr(p, "CMDLINE", "")
            extra = extra(combo) if callable(extra) else extra
            if extra:
                append += " " + extra
        if self.fw_cfg_module():
            cmd += ["-device", "vmcoreinfo"]
        if self.disk_mb:
            disk = os.path.join(self.workdir, "disk.img")
            with open(disk, "wb") as f:
                f.truncate(self.disk_mb << 20)
            cmd += ["-drive", "file=%s,if=none,id=d0,format=raw" % disk,
                    "-device", "virtio-blk-pci,drive=d0,num-queues=1"]
        cmd += ["-display", "none", "-nodefaults", "-no-reboot", "-serial", "stdio",
                "-qmp", "unix:%s,server=on,wait=off" % os.path.join(self.workdir, "qmp.sock"),
                *(["-qmp", "unix:%s,server=on,wait=off" % self.watch_qmp_path()] if self.watch_qmp else []),
                "-kernel", os.path.join(self.kernel_dir, "vmlinuz"), "-initrd", self.initrd_path(),
                "-append", append] + self.extra_args
        return cmd

    def _reader(self):
        fd = self.proc.stdout.fileno()
        with open(os.path.join(self.workdir, "console.log"), "ab") as logf:
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                logf.write(chunk)
                logf.flush()
                with self.lock:
                    self.out += chunk.replace(b"\r", b"")
                    self.arrivals.append((time.monotonic(), len(self.out)))
                    self.lock.notify_all()
        with self.lock:
            self.lock.notify_all()

    def wait_for(self, pattern, timeout, start=0):
        """Wait until regex pattern (bytes) appears in console output after offset start."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                m = rx.search(self.out, start)
                if m:
                    return m
                if self.proc.poll() is not None:
                    raise GuestError("QEMU exited (%s) while waiting for %r; console tail:\n%s" % (
                        self.proc.returncode, pattern, self.tail()))
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.lock.wait(min(left, 0.5))

    def arrival(self, offset):
        """Host CLOCK_MONOTONIC time at which console byte offset arrived."""
        with self.lock:
            for t, end in self.arrivals:
                if end > offset:
                    return t
        return None

    def tail(self, n=1500):
        return bytes(self.out[-n:]).decode(errors="replace")

    def boot(self):
        """Start QEMU and wait for the guest's init. Retries once a boot that printed nothing."""
        for attempt in (1, 2):
            t = time.monotonic()
            self._start()
            m = self.wait_for(rb"btfwalk-guest: booted .*\n", self.boot_timeout)
            if m:
                self.boot_seconds = time.monotonic() - t
                self.banner = m.group(0).decode().strip()
                return
            silent = not self.out.strip()
            tail = self.tail()
            self.kill()
            if not silent or attempt == 2:
                raise GuestError("guest did not boot in %ds; console tail:\n%s" % (self.boot_timeout, tail))
            log("boot printed nothing in %ds (TCG hang?), retrying once" % self.boot_timeout)
        raise BootHang("guest hung twice")

    def _start(self):
        for n in range(self.nodes):
            if os.path.exists(self.node_path(n)):
                os.unlink(self.node_path(n))
        self.out = bytearray()
        self.arrivals = []  # (time.monotonic() of a console chunk, len(self.out) after it)
        with open(os.path.join(self.workdir, "qemu.cmdline"), "w") as f:
            f.write(" ".join(self.command()) + "\n")
        self.stderr = open(os.path.join(self.workdir, "qemu.stderr"), "wb")
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, start_new_session=True)
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()
        self.qmp = QMP(os.path.join(self.workdir, "qmp.sock"))

    def wait_ready(self, timeout=120):
        m = self.wait_for(rb"btfwalk-guest: ready\n", timeout)
        if not m:
            raise GuestError("guest traffic did not finish in %ds; console tail:\n%s" % (timeout, self.tail()))
        rc = re.search(rb"btfwalk-guest: traffic rc=(\d+)", self.out)
        if not rc or rc.group(1) != b"0":
            raise GuestError("numa_traffic failed; console tail:\n%s" % self.tail())

    def boot_ready(self, timeout=300):
        """boot() then wait_ready(); a guest that dies before it is ready (under TCG one now and
        then oopses in early boot) is booted once more."""
        for attempt in (1, 2):
            try:
                self.boot()
                self.wait_ready(timeout)
                return
            except GuestError as e:
                self.kill()
                if attempt == 2:
                    raise
                log("guest died before it was ready, booting again: %s" % str(e).splitlines()[0])

    def run(self, shell, timeout=60):
        """Run a shell command line in the guest; returns its stdout+stderr (text)."""
        self.seq += 1
        b, e = "@@B%d@@" % self.seq, "@@E%d@@" % self.seq
        with self.lock:
            start = len(self.out)
        # Quotes split the markers so that an echo of the command line could never match them.
        line = "echo '@@B''%d@@'; { %s ; } 2>&1; echo \"@@E\"'%d@@' $?\n" % (self.seq, shell, self.seq)
        self.proc.stdin.write(line.encode())
        self.proc.stdin.flush()
        m = self.wait_for(re.escape(e.encode()) + rb" (\d+)\n", timeout, start)
        if not m:
            raise GuestError("guest command timed out: %s" % shell)
        with self.lock:
            text = bytes(self.out[start:m.start()])
        i = text.find(b.encode() + b"\n")
        if i < 0:
            raise GuestError("guest command output lost its start marker: %s" % shell)
        self.last_rc = int(m.group(1))
        return text[i + len(b) + 1:].decode(errors="replace")

    def fetch_file(self, path, timeout=120):
        """A (large) guest file, carried through guest RAM: blobpages holds it in pages marked
        with a random nonce; the pages are read from the shared node backend files."""
        import mmap
        nonce = os.urandom(8).hex()
        with self.lock:
            start = len(self.out)  # this fetch's report, not an earlier one's
        self.run("cat %s | blobpages %s & BLOBPID=$!" % (path, nonce))
        m = self.wait_for(rb"blobpages: ready (\d+) pages (\d+) bytes\n", timeout, start)
        if not m:
            raise GuestError("blobpages did not report for %s" % path)
        npages, size = int(m.group(1)), int(m.group(2))
        key = nonce.encode()
        found = {}
        for n in range(self.nodes):
            with open(self.node_path(n), "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                pos = mm.find(key)
                while pos >= 0:
                    if pos % 4096 == 0:
                        seq, total, ln, zero = struct.unpack_from("<IIII", mm, pos + 16)
                        if total == npages and seq < npages and ln <= 4064 and zero == 0:
                            found[seq] = mm[pos + 32:pos + 32 + ln]
                    pos = mm.find(key, pos + 1)
        self.run("kill $BLOBPID; wait $BLOBPID 2>/dev/null")
        data = b"".join(found.get(i, b"") for i in range(npages))
        if len(found) != npages or len(data) != size:
            raise GuestError("fetch %s: found %d of %d pages, %d of %d bytes" % (
                path, len(found), npages, len(data), size))
        return data

    def numastat(self):
        """{node: {counter: value}} from every online node's sysfs numastat."""
        text = self.run("for d in /sys/devices/system/node/node[0-9]*; do echo \"node ${d##*node}\"; "
                        "cat $d/numastat; done")
        res, node = {}, None
        for ln in text.splitlines():
            f = ln.split()
            if len(f) == 2 and f[0] == "node":
                node = int(f[1])
                res[node] = {}
            elif len(f) == 2 and node is not None and f[1].isdigit():
                res[node][f[0]] = int(f[1])
        if len(res) < self.nodes or any(set(COUNTERS) - set(v) for v in res.values()):
            raise GuestError("cannot parse numastat:\n" + text)
        return res

    def kill(self):
        if self.qmp:
            self.qmp.close()
            self.qmp = None
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"poweroff -f\n")
                self.proc.stdin.flush()
                self.proc.wait(2)
            except (OSError, subprocess.TimeoutExpired, ValueError):
                pass
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.thread.join(2)
            self.stderr.close()


def parse_registers(text):
    cpus = []
    for m in re.finditer(r"CR0=([0-9a-f]+) CR2=([0-9a-f]+) CR3=([0-9a-f]+) CR4=([0-9a-f]+)", text):
        cpus.append({"cr0": "0x" + m.group(1), "cr3": "0x" + m.group(3), "cr4": "0x" + m.group(4),
                     "la57": bool(int(m.group(4), 16) & (1 << 12))})
    return cpus


def extract_vmcoreinfo(raw_path, sysfs_text):
    """The VMCOREINFO note text at the physical address the guest's /sys/kernel/vmcoreinfo gives."""
    f = sysfs_text.split()
    if len(f) != 2:
        return None
    addr, size = int(f[0], 16), int(f[1], 16)
    with open(raw_path, "rb") as fh:
        fh.seek(addr)
        note = fh.read(size)
    if len(note) < 12:
        return None
    namesz, descsz = int.from_bytes(note[0:4], "little"), int.from_bytes(note[4:8], "little")
    off = 12 + ((namesz + 3) & ~3)
    if note[12:12 + namesz].rstrip(b"\0") != b"VMCOREINFO":
        return None
    return note[off:off + descsz].decode(errors="replace").rstrip("\0")


def elf_note_names(path):
    """Owner names of the notes in an ELF64 core's PT_NOTE segments."""
    names = []
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p_type, _, p_offset, _, _, p_filesz = struct.unpack("<IIQQQQ", f.read(40))
            if p_type != 4:
                continue
            f.seek(p_offset)
            data, off = f.read(p_filesz), 0
            while off + 12 <= len(data):
                namesz, descsz, _ = struct.unpack_from("<III", data, off)
                names.append(data[off + 12:off + 12 + namesz].rstrip(b"\0").decode(errors="replace"))
                off += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
    return names


def compare_pages(node_file, raw_file, base, size):
    """Count 4 KiB pages where a node backend copy differs from the raw image at its base."""
    diff = []
    with open(node_file, "rb") as a, open(raw_file, "rb") as b:
        b.seek(base)
        off = 0
        while off < size:
            x, y = a.read(1 << 20), b.read(1 << 20)
            if x != y:
                for p in range(0, len(x), 4096):
                    if x[p:p + 4096] != y[p:p + 4096]:
                        diff.append(base + off + p)
            off += 1 << 20
    return diff


def capture(args):
    kdir = os.path.join(CACHE, "kernels", args.tag)
    if not os.path.exists(os.path.join(kdir, "vmlinuz")):
        subprocess.run([os.path.join(ROOT, "fixtures", "fetch-kernels.sh"), args.tag], check=True)
    release = open(os.path.join(kdir, "release")).read().strip()
    initrd = args.initrd or os.path.join(ROOT, "build", "e2e", "initramfs.cpio.gz")
    if not os.path.exists(initrd):
        subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), initrd], check=True)
    forms = [f for f in args.forms.split(",") if f]
    out = os.path.abspath(args.out)
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(prefix="." + os.path.basename(out) + ".tmp-", dir=parent)
    # Node backends live in /dev/shm when it has room (RAM-speed copies), else beside the capture.
    run_dir = tempfile.mkdtemp(prefix="btfwalk-guest-",
                               dir="/dev/shm" if shutil.disk_usage("/dev/shm").free > (2 << 30) else parent)
    accel, why = (args.accel, "given") if args.accel in ("kvm", "tcg") and args.accel_given else \
        choose_accel(os.path.join(kdir, "vmlinuz"), args.paging, args.accel)
    log("%s %s: accel %s (%s)" % (args.tag, args.paging, accel, why))
    g = Guest(kdir, initrd, run_dir, paging=args.paging, cpus=args.cpus, node_mb=args.node_mb,
              accel=accel, boot_timeout=args.boot_timeout, traffic_mib=args.traffic_mib,
              disk_mb=args.disk_mb)
    tm = {}
    man = {"kernel_tag": args.tag, "release": release, "paging": args.paging, "accel": accel,
           "accel_reason": why, "cpus": args.cpus, "nodes": 2, "node_mb": args.node_mb, "disk_mb": args.disk_mb,
           "kernel_dir": kdir, "kernel_package": open(os.path.join(kdir, "package")).read().strip(),
           "forms": {}, "timings": tm}
    try:
        t = time.monotonic()
        g.boot()
        tm["boot"] = round(g.boot_seconds, 2)
        log("booted in %.1fs: %s" % (g.boot_seconds, g.banner))
        man["guest_banner"] = g.banner
        t = time.monotonic()
        g.wait_ready(args.traffic_timeout)
        tm["traffic"] = round(time.monotonic() - t, 2)
        console = bytes(g.out)  # boot + traffic; later output is command traffic (kallsyms base64)
        log("traffic done in %.1fs" % tm["traffic"])
        t = time.monotonic()
        guest = {}
        for key, cmdline in [("uname_r", "uname -r"), ("osrelease", "cat /proc/sys/kernel/osrelease"),
                             ("uname_v", "uname -v"), ("uname_m", "uname -m"), ("hostname", "hostname"),
                             ("nproc", "nproc"), ("cpu_online", "cat /sys/devices/system/cpu/online"),
                             ("cpu_possible", "cat /sys/devices/system/cpu/possible"),
                             ("node_online", "cat /sys/devices/system/node/online"),
                             ("node_possible", "cat /sys/devices/system/node/possible"),
                             ("cmdline", "cat /proc/cmdline"),
                             ("vmcoreinfo_sysfs", "cat /sys/kernel/vmcoreinfo"),
                             ("pgtable_l5", "grep -c la57 /proc/cpuinfo || true")]:
            guest[key] = g.run(cmdline).strip()
        for n in range(2):
            guest["node%d_cpulist" % n] = g.run("cat /sys/devices/system/node/node%d/cpulist" % n).strip()
        man["guest"] = guest
        with open(os.path.join(stage, "iomem"), "w") as f:
            f.write(g.run("cat /proc/iomem"))
        with open(os.path.join(stage, "guest-info.txt"), "w") as f:
            for k, v in guest.items():
                f.write("%s=%s\n" % (k, v))
        if not args.no_kallsyms:
            data = g.fetch_file("/proc/kallsyms")
            if not data.endswith(b"\n") or data.count(b"\n") < 1000:
                raise GuestError("kallsyms looks truncated (%d bytes)" % len(data))
            with open(os.path.join(stage, "kallsyms"), "wb") as f:
                f.write(data)
            man["kallsyms_lines"] = data.count(b"\n")
        tm["guest_facts"] = round(time.monotonic() - t, 2)
        run_probes("setup", g, man)

        # ---- the bracketed capture ----
        t = time.monotonic()
        run_probes("before", g, stage, man)
        before = g.numastat()
        if args.post_pages:
            # Events the walker can only see in the per-CPU counters (see numa_traffic.c "post").
            post = g.run("numa_traffic post %d" % args.post_pages)
            if g.last_rc != 0:
                raise GuestError("numa_traffic post failed: %s" % post)
            man["post_before_stop"] = {"pages": args.post_pages, "at_least": {
                "numa_hit": args.post_pages, "other_node": args.post_pages, "interleave_hit": args.post_pages}}
        g.qmp.cmd("stop")
        t_stop = time.monotonic()
        tm["numastat_before_to_stop"] = round(t_stop - t, 3)
        total = args.node_mb * 2 << 20
        if "raw" in forms or "nodes" in forms:
            t = time.monotonic()
            g.qmp.cmd("pmemsave", val=0, size=total, filename=os.path.join(stage, "mem.raw"))
            tm["pmemsave"] = round(time.monotonic() - t, 2)
            man["forms"]["raw"] = {"files": [{"path": "mem.raw", "phys": "0x0", "size": total}],
                                   "args": ["mem.raw"]}
        if "elf" in forms:
            t = time.monotonic()
            g.qmp.cmd("dump-guest-memory", paging=False, protocol="file:" + os.path.join(stage, "vmcore.elf"))
            tm["dump_guest_memory"] = round(time.monotonic() - t, 2)
            notes = elf_note_names(os.path.join(stage, "vmcore.elf"))
            man["forms"]["elf"] = {"files": [{"path": "vmcore.elf"}], "args": ["vmcore.elf"],
                                   "notes": sorted(set(notes)), "vmcoreinfo_note": "VMCOREINFO" in notes}
        if "nodes" in forms:
            t = time.monotonic()
            files = []
            for n in range(2):
                dst = "node%d.ram" % n
                shutil.copyfile(g.node_path(n), os.path.join(stage, dst))
                files.append({"path": dst, "node": n, "phys": hex(g.node_base(n)), "size": args.node_mb << 20})
            tm["copy_node_backends"] = round(time.monotonic() - t, 2)
            man["forms"]["nodes"] = {"files": files, "args": ["%s@%s" % (f["path"], f["phys"]) for f in files]}
        regs = g.qmp.hmp("info registers -a")
        numa_info = g.qmp.hmp("info numa")
        mtree = g.qmp.hmp("info mtree")
        g.qmp.cmd("cont")
        tm["stopped"] = round(time.monotonic() - t_stop, 2)
        after = g.numastat()
        run_probes("after", g, stage, man)
        log("captured (%s), VM stopped %.1fs" % (",".join(forms), tm["stopped"]))
        with open(os.path.join(stage, "registers.txt"), "w") as f:
            f.write(regs)
        with open(os.path.join(stage, "info-numa.txt"), "w") as f:
            f.write(numa_info)
        with open(os.path.join(stage, "info-mtree.txt"), "w") as f:
            f.write(mtree)
        man["cpu_registers"] = parse_registers(regs)
        man["cr3"] = [c["cr3"] for c in man["cpu_registers"]]
        la57 = {c["la57"] for c in man["cpu_registers"]}
        if la57 != {args.paging == "l5"}:
            raise GuestError("paging mode mismatch: asked %s, CR4.LA57 says %s" % (args.paging, la57))
        man["numastat_before"] = {str(k): v for k, v in sorted(before.items())}
        man["numastat_after"] = {str(k): v for k, v in sorted(after.items())}
        for name, st in (("numastat-before", before), ("numastat-after", after)):
            with open(os.path.join(stage, name), "w") as f:
                for n, c in sorted(st.items()):
                    for k in COUNTERS:
                        f.write("node%d %s %d\n" % (n, k, c[k]))
        # Truth derived from the guest's own statements.
        if "raw" in man["forms"]:
            vi = extract_vmcoreinfo(os.path.join(stage, "mem.raw"), guest["vmcoreinfo_sysfs"])
            if vi:
                with open(os.path.join(stage, "vmcoreinfo.txt"), "w") as f:
                    f.write(vi)
                man["vmcoreinfo"] = dict(l.split("=", 1) for l in vi.splitlines() if "=" in l)
        if "raw" in man["forms"] and "nodes" in man["forms"]:
            man["node_vs_raw_differing_pages"] = {}
            for fe in man["forms"]["nodes"]["files"]:
                d = compare_pages(os.path.join(stage, fe["path"]), os.path.join(stage, "mem.raw"),
                                  int(fe["phys"], 16), fe["size"])
                man["node_vs_raw_differing_pages"][fe["path"]] = [hex(a) for a in d]
        if "nodes" in forms and "raw" not in args.forms.split(","):
            os.unlink(os.path.join(stage, "mem.raw"))
            del man["forms"]["raw"]
        with open(os.path.join(stage, "console.log"), "wb") as f:
            f.write(console)
        shutil.copyfile(os.path.join(run_dir, "qemu.cmdline"), os.path.join(stage, "qemu.cmdline"))
        for fn in os.listdir(stage):
            os.chmod(os.path.join(stage, fn), 0o644)
        os.chmod(stage, 0o755)
        man["sizes"] = {fn: os.path.getsize(os.path.join(stage, fn)) for fn in sorted(os.listdir(stage))}
        with open(os.path.join(stage, "manifest.json"), "w") as f:
            json.dump(man, f, indent=1, sort_keys=True)
            f.write("\n")
        old = None
        if os.path.exists(out):  # swap in the new capture; readers see the old or the new one
            old = tempfile.mkdtemp(prefix="." + os.path.basename(out) + ".old-", dir=parent)
            os.rename(out, os.path.join(old, "x"))
        os.rename(stage, out)
        stage = None
        if old:
            shutil.rmtree(old, ignore_errors=True)
        log("capture in %s" % out)
    finally:
        g.kill()
        shutil.rmtree(run_dir, ignore_errors=True)
        if stage:
            shutil.rmtree(stage, ignore_errors=True)
    return man


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--tag", required=True, help="kernel tag (fixtures/fetch-kernels.sh)")
    c.add_argument("--paging", choices=["l4", "l5"], default="l5")
    c.add_argument("--out", required=True)
    c.add_argument("--forms", default="raw,elf,nodes")
    c.add_argument("--cpus", type=int, default=DEFAULT_CPUS,
                   help="vCPUs, split evenly over the 2 nodes (default: %d)" % DEFAULT_CPUS)
    c.add_argument("--node-mb", type=int, default=256)
    c.add_argument("--accel", default="auto", choices=["auto", "kvm", "tcg"])
    c.add_argument("--initrd")
    c.add_argument("--boot-timeout", type=int, default=90)
    c.add_argument("--traffic-timeout", type=int, default=180)
    c.add_argument("--traffic-mib", type=int, default=8)
    c.add_argument("--no-kallsyms", action="store_true")
    c.add_argument("--disk-mb", type=int, default=16, help="size of the guest's virtio-blk disk /dev/vda "
                   "(0: none)")
    c.add_argument("--post-pages", type=int, default=512,
                   help="per-CPU-only events made after the numastat BEFORE read (0: none)")
    p = sub.add_parser("probe-accel")
    p.add_argument("--tag", default="trixie-bpo")
    p.add_argument("--paging", choices=["l4", "l5"], default="l4")
    args = ap.parse_args()
    if args.cmd == "probe-accel":
        accel, why = choose_accel(os.path.join(CACHE, "kernels", args.tag, "vmlinuz"), args.paging)
        print(accel, why)
        return 0
    args.accel_given = args.accel != "auto"
    try:
        man = capture(args)
    except GuestError as e:
        log("error: %s" % e)
        return 1
    print(json.dumps({"out": os.path.abspath(args.out), "timings": man["timings"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

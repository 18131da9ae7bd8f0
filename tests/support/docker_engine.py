"""A Docker engine for image tests: the running daemon, or one started here (as root), and
the Dockerfile's base image made from Debian packages when no registry can provide it."""

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DEBIAN_MIRROR = "http://deb.debian.org/debian"
# Locally added certificate authorities (Debian's place for them): a build behind a
# TLS-intercepting proxy needs them for pip and npm.
LOCAL_CAS = Path("/usr/local/share/ca-certificates")


class EngineUnavailable(Exception):
    """No Docker engine can run here; the message says why."""


@dataclass
class DockerEngine:
    binary: str
    timings: dict[str, float] = field(default_factory=dict)

    def run(
        self, *args: str, timeout: float = 60, check: bool = True, input: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        result = subprocess.run(
            [self.binary, *args], capture_output=True, timeout=timeout, input=input
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"docker {' '.join(args[:3])} failed ({result.returncode}):\n"
                f"{result.stdout.decode(errors='replace')[-4000:]}\n"
                f"{result.stderr.decode(errors='replace')[-4000:]}"
            )
        return result

    def text(self, *args: str, timeout: float = 60) -> str:
        return self.run(*args, timeout=timeout).stdout.decode().strip()

    def has_image(self, tag: str) -> bool:
        return self.run("image", "inspect", tag, check=False).returncode == 0

    def ensure_debian_base(self, tag: str, suite: str) -> None:
        """Make `tag` exist: a minimal Debian `suite` root filesystem built by debootstrap
        from Debian's own packages, imported as an image (no image registry involved)."""
        if self.has_image(tag):
            return
        debootstrap = shutil.which("debootstrap") or "/usr/sbin/debootstrap"
        if not Path(debootstrap).exists():
            raise EngineUnavailable(
                f"base image {tag} is missing and debootstrap is not installed "
                "(apt-get install debootstrap)"
            )
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="cc-rootfs-") as tmp:
            rootfs = Path(tmp) / "rootfs"
            made = subprocess.run(
                [debootstrap, "--variant=minbase", suite, str(rootfs), DEBIAN_MIRROR],
                capture_output=True,
                timeout=900,
            )
            if made.returncode != 0:
                raise AssertionError(
                    f"debootstrap {suite} failed:\n{made.stdout.decode()[-3000:]}"
                    f"\n{made.stderr.decode()[-3000:]}"
                )
            archive = Path(tmp) / "rootfs.tar"
            subprocess.run(["tar", "-C", str(rootfs), "-cf", str(archive), "."], check=True)
            self.run("import", str(archive), tag, timeout=300)
        self.timings["base image (debootstrap + import)"] = time.monotonic() - started

    def build(self, context: Path, tag: str) -> None:
        cas = "".join(p.read_text() for p in sorted(LOCAL_CAS.glob("*.crt")))
        started = time.monotonic()
        self.run(
            "build", "--build-arg", f"EXTRA_CA_CERTS={cas}", "-t", tag, str(context), timeout=1500
        )
        self.timings["image build"] = time.monotonic() - started


def _responds(binary: str) -> bool:
    try:
        return subprocess.run([binary, "info"], capture_output=True, timeout=20).returncode == 0
    except subprocess.TimeoutExpired:
        return False


@contextmanager
def docker_engine() -> Iterator[DockerEngine]:
    """The running Docker daemon, or one started for the duration (root only)."""
    binary = "/usr/bin/docker" if Path("/usr/bin/docker").exists() else shutil.which("docker")
    if binary is None:
        raise EngineUnavailable("the docker client is not installed (apt-get install docker.io)")
    if _responds(binary):
        yield DockerEngine(binary=binary)
        return
    dockerd = shutil.which("dockerd")
    if dockerd is None or os.geteuid() != 0:
        raise EngineUnavailable(
            "no Docker daemon is running, and it cannot be started here "
            f"({'dockerd is not installed' if dockerd is None else 'not running as root'})"
        )
    workdir = Path(tempfile.mkdtemp(prefix="cc-dockerd-"))
    log = (workdir / "dockerd.log").open("wb")
    daemon = subprocess.Popen(
        [dockerd, "--pidfile", str(workdir / "dockerd.pid")], stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while not _responds(binary):
            if daemon.poll() is not None or time.monotonic() > deadline:
                tail = (workdir / "dockerd.log").read_text(errors="replace")[-1500:]
                raise EngineUnavailable(f"dockerd did not start:\n{tail}")
            time.sleep(0.5)
        yield DockerEngine(binary=binary)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)

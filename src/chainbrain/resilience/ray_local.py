"""A one-node Ray cluster on loopback, for trying the distributed sweep on one machine (and for its tests).

``ray start --head`` on 127.0.0.1 and a free port, with no dashboard and no usage statistics, its files in
a new short folder under /tmp (``RAY_TMPDIR``: Ray's Unix sockets live there, and a socket path is limited
to 107 bytes, which a deep temporary path exceeds). Ray takes the address of the default route as the
node's unless clustering across machines is switched off, and it reads that switch when it is imported, so
:func:`loopback_environment` must run before ``import ray`` in the driver.

A sweep then reaches the cluster as it would an existing one: ``sweep(net, ray_address=cluster.address)``,
or ``chainbrain resilience sweep --ray-address 127.0.0.1:PORT``.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: the driver's and the cluster's settings: loopback only, no usage statistics, two minutes for the GCS
LOOPBACK_ENV = {
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_gcs_server_port_wait_time_s": "120",
}


def loopback_environment() -> None:
    """Set :data:`LOOPBACK_ENV` in this process (before ``import ray``)."""
    os.environ.update(LOOPBACK_ENV)


@dataclass(frozen=True)
class LocalCluster:
    address: str
    temp_dir: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_cluster(num_cpus: int = 2, attempts: int = 3) -> Iterator[LocalCluster]:
    """Start a one-node cluster, yield its address, stop it (and remove its folder) afterwards.

    A busy machine can take longer than the raylet's fixed 30 s to register; a start that fails is tried
    again, up to ``attempts`` times.
    """
    loopback_environment()
    exe = str(Path(sys.executable).with_name("ray"))
    temp = tempfile.mkdtemp(prefix="cbray", dir="/tmp")
    env = {**os.environ, "RAY_TMPDIR": temp}
    saved = os.environ.get("RAY_TMPDIR")
    os.environ["RAY_TMPDIR"] = temp  # the driver finds the cluster's session folder
    port = _free_port()
    start = [
        exe,
        "start",
        "--head",
        "--node-ip-address=127.0.0.1",
        f"--port={port}",
        f"--num-cpus={num_cpus}",
        "--include-dashboard=false",
        "--disable-usage-stats",
    ]
    stop = [exe, "stop", "--force"]
    try:
        for attempt in range(1, attempts + 1):
            started = subprocess.run(start, env=env, capture_output=True, text=True, timeout=300)
            if started.returncode == 0:
                break
            log.warning("ray start failed (attempt %d of %d): %s", attempt, attempts, started.stderr[-500:])
            subprocess.run(stop, env=env, capture_output=True, timeout=120)
        else:
            raise RuntimeError(f"ray start failed {attempts} times: {started.stderr[-2000:]}")
        yield LocalCluster(address=f"127.0.0.1:{port}", temp_dir=temp)
    finally:
        if "ray" in sys.modules:
            import ray

            if ray.is_initialized():
                ray.shutdown()
        subprocess.run(stop, env=env, capture_output=True, timeout=120)
        shutil.rmtree(temp, ignore_errors=True)
        if saved is None:
            os.environ.pop("RAY_TMPDIR", None)
        else:
            os.environ["RAY_TMPDIR"] = saved

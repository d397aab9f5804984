"""Running a scenario script in fresh Python processes with a chosen number of CPU devices.

JAX fixes its device count when it starts, and the test process has one device, so multi-device
scenarios run as separate processes. Each prints one `RESULT {json}` line.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

SCENARIOS = Path(__file__).parent / "scenarios"


def _env(devices):
    env = dict(os.environ)
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    env["JAX_PLATFORMS"] = "cpu"
    return env


def _parse(proc, out, err):
    for line in out.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise AssertionError(
        f"{' '.join(map(str, proc.args))} exited with {proc.returncode} and no result.\n"
        f"--- stdout (end) ---\n{out[-3000:]}\n--- stderr (end) ---\n{err[-6000:]}"
    )


def run_scenarios(arg_lists, devices, timeout):
    """Starts one process per argument list at once; returns their results, in order.

    All are killed if they have not finished after `timeout` seconds (the test then fails).
    """
    procs = [
        subprocess.Popen([sys.executable, str(SCENARIOS / args[0]), *map(str, args[1:])],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=_env(devices), cwd=str(SCENARIOS))
        for args in arg_lists
    ]
    outputs = []
    deadline = time.monotonic() + timeout
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            outputs.append((proc, out, err))
    except subprocess.TimeoutExpired:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.communicate()
        raise AssertionError(f"Scenario {arg_lists} did not finish within {timeout} s") from None
    return [_parse(proc, out, err) for proc, out, err in outputs]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

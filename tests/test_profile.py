"""The build's profile (build.py --profile): stages with wall and CPU seconds, CPU by kind of work."""
from __future__ import annotations

import re
import subprocess
import sys
import time

from generator import cli, profile


def busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_block_inside_another_counts_for_its_own_kind_only():
    profile.take_spent()
    profile.counting(True)
    try:
        with profile.spent("outer"):
            busy(0.05)
            with profile.spent("inner"):
                busy(0.1)
    finally:
        profile.counting(False)
    counts = profile.take_spent()
    assert 0.09 <= counts["inner"] < 0.2
    assert 0.04 <= counts["outer"] < 0.09          # without the inner block's 0.1 s
    assert profile.take_spent() == {}               # taken: zero again
    with profile.spent("outer"):                    # not counting: nothing counted
        busy(0.01)
    assert profile.take_spent() == {}


def test_counts_sent_by_a_worker_are_added():
    profile.take_spent()
    profile.add_spent({"render": 1.5})
    profile.add_spent({"render": 0.5, "qr": 0.25})
    assert profile.take_spent() == {"render": 2.0, "qr": 0.25}


def test_a_child_process_cpu_counts_for_the_stage_it_ran_in():
    clock = profile.StageClock()
    clock.enter("quiet")
    time.sleep(0.05)
    clock.enter("child")
    subprocess.run([sys.executable, "-c", "import time\nend = time.process_time() + 0.3\n"
                    "while time.process_time() < end: pass"], check=True)
    clock.finish()
    assert list(clock.rows) == ["quiet", "child"]
    assert clock.rows["quiet"][2] < 0.05
    assert clock.rows["child"][2] >= 0.25           # the child's CPU, not this process's
    assert clock.rows["quiet"][0] >= 0.05           # wall time of a stage that only waited


def test_live_children_are_read_from_proc():
    child = subprocess.Popen([sys.executable, "-c", "import time\nend = time.process_time() + 0.4\n"
                              "while time.process_time() < end: pass\ntime.sleep(5)"])
    try:
        time.sleep(1.0)
        assert profile.live_descendants_cpu(profile.os.getpid()) >= 0.3
    finally:
        child.kill()
        child.wait()


def test_build_profile_prints_each_stage_and_the_kinds_of_work(site_copy, capsys):
    assert cli.main(["--root", str(site_copy), "--quiet", "--profile"]) == 0
    lines = [line.removeprefix("profile: ") for line in capsys.readouterr().out.splitlines()]
    stages = {line.split()[0]: line for line in lines if re.match(r"\w+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+$", line)}
    assert {"read", "plan", "render", "index", "publish", "save", "total"} <= stages.keys()
    kinds = {line.rsplit(None, 1)[0].strip() for line in lines if re.match(r"[a-z ]+\s+[0-9.]+$", line)}
    assert {"parse", "validate", "privacy", "render", "write", "search documents", "qr"} <= kinds
    # without --profile a quiet build prints nothing
    assert cli.main(["--root", str(site_copy), "--quiet"]) == 0
    assert capsys.readouterr().out == ""

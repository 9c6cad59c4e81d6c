"""The load test's pieces that need no locust (bench/locustfile.py, scripts/loadtest), so
the suite can test them: how many logins a run needs, the capacity run's decision rule, and
the CPU time a server's processes have used, read from /proc.

`python bench/loadtest_tools.py accounts` prints load_large_council's login options for the
run the LOADTEST_ variables describe."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

# The capacity run's steps (members; the officers come on top), and the latency it holds to.
STEPS = (25, 50, 100, 200, 400)
SCORECARD_P95_LIMIT_MS = 1000
# load_large_council shares the indicators out among at least this many officers.
OFFICER_ACCOUNTS = 30


def steps_from(text: str) -> tuple[int, ...]:
    """LOADTEST_STEPS ("25,50,100"): rising member counts."""
    steps = tuple(int(part) for part in text.split(",") if part.strip())
    if not steps or any(n < 1 for n in steps) or list(steps) != sorted(set(steps)):
        raise ValueError(f"LOADTEST_STEPS: rising member counts, such as 25,50,100; not {text!r}")
    return steps


def accounts(mode: str, members: int, officers: int, steps=STEPS) -> dict[str, int]:
    """The logins a run signs in with: member01... and officer01... up to these counts."""
    needed = max(steps) if mode == "capacity" else members
    return {"members": needed, "officers": max(officers, OFFICER_ACCOUNTS)}


@dataclass(frozen=True)
class Step:
    """What one step of the capacity run measured."""

    members: int
    requests: int
    rps: float
    scorecard_requests: int
    scorecard_p95_ms: float
    errors: int


@dataclass(frozen=True)
class Verdict:
    held: Step | None  # the largest step that held, if any did
    stopped_by: str  # why the stepping stopped; "" while it goes on
    done: bool


def judge(results: list[Step], planned: int, limit_ms: float = SCORECARD_P95_LIMIT_MS) -> Verdict:
    """The capacity run's rule, on the steps measured so far in order of size: a step holds
    when it had no error and the scorecard's p95 was at most `limit_ms`. The first step that
    does not hold ends the run; so does the last of `planned` steps."""
    held = None
    for step in results:
        if step.errors:
            return Verdict(held, f"{step.errors} errors at {step.members} members", True)
        if not step.scorecard_requests:
            return Verdict(held, f"no scorecard was read at {step.members} members", True)
        if step.scorecard_p95_ms > limit_ms:
            reason = (
                f"scorecard p95 {step.scorecard_p95_ms:.0f} ms > {limit_ms:.0f} ms "
                f"at {step.members} members"
            )
            return Verdict(held, reason, True)
        held = step
    if len(results) >= planned:
        return Verdict(held, "every step held", True)
    return Verdict(held, "", False)


def process_cpu_seconds(roots: dict[str, int], proc: Path = Path("/proc")) -> dict[str, float]:
    """CPU seconds used so far by each root process with all its descendants: each one's own
    user and system time, plus the time of the children it has reaped (a PostgreSQL backend
    whose connection closed, a gunicorn worker restarted), which Linux adds to the parent's
    cutime and cstime. A process that ended still counts, so the figure never goes down."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, used = {}, {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the command's name: state, parent, ... utime (12th), stime, cutime, cstime.
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a process that has just ended
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        used[pid] = sum(int(field) for field in fields[11:15])
    totals = dict.fromkeys(roots, 0)
    owners = {pid: name for name, pid in roots.items()}
    for pid, ticks_used in used.items():
        ancestor, seen = pid, set()
        while ancestor not in owners and ancestor in parents and ancestor not in seen:
            seen.add(ancestor)
            ancestor = parents[ancestor]
        if ancestor in owners:
            totals[owners[ancestor]] += ticks_used
    return {name: value / ticks for name, value in totals.items()}


def machine_cpu_seconds(proc: Path = Path("/proc")) -> float:
    """CPU seconds the whole machine has been busy since it started."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, (proc / "stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cores_busy(then: float, now: float, seconds: float) -> float:
    """Cores kept busy between two readings; 0 rather than a negative if a reading lost a
    process."""
    return max(now - then, 0) / seconds if seconds > 0 else 0.0


if __name__ == "__main__" and sys.argv[1:] == ["accounts"]:
    mode = os.environ.get("LOADTEST_MODE", "default")
    logins = accounts(
        mode,
        int(os.environ.get("LOADTEST_MEMBERS", "50")),
        int(os.environ.get("LOADTEST_OFFICERS", "5")),
        steps_from(os.environ.get("LOADTEST_STEPS", ",".join(map(str, STEPS)))),
    )
    print(f"--members {logins['members']} --officers {logins['officers']}")

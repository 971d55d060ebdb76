"""How long creating a file takes in a folder: `open(O_CREAT)` and `close` of N new files in a new folder under
the given one, each timed, p50 and p90 in microseconds. The files are left in place (removing them would make the
next creations slower on ext4, which skips recently freed inodes on a file system without a journal).

    python3 bench/peers/file_create.py /work/ptmp [500]

run.py probes this at the start and the end of a run (`settle`): orch creates two files per attempt (its log and
its lock), so a machine where creating a file costs 20 times its usual (ext4 without a journal, minutes after a
large deletion: docs/performance.md, "A forked child handed its task, borrowed") measures orch's hops that much
slower, and the report says which condition the run met.
"""
import os
import sys
import tempfile
import time


def create_times_us(parent: str, count: int = 200) -> tuple[float, float, str]:
    """(p50, p90) of creating `count` new files in a new folder under `parent`, in microseconds, and the folder."""
    folder = tempfile.mkdtemp(prefix="file-create-", dir=parent)
    took = []
    for i in range(count):
        start = time.perf_counter()
        os.close(os.open(f"{folder}/f{i}", os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o600))
        took.append(time.perf_counter() - start)
    took.sort()
    return took[count // 2] * 1e6, took[int(count * 0.9)] * 1e6, folder


def settle(parent: str, limit_us: float, wait_s: float = 330, every_s: float = 30, sleep=time.sleep,
           probe=create_times_us, log=print) -> dict:
    """Probes file creation under `parent` until its p50 is within `limit_us` or `wait_s` have gone by (ext4
    without a journal walks past every inode freed in the last 5 minutes, 300 s while its block is dirty). Returns
    what the last probe read and how long it waited. A `limit_us` of 0 probes once and never waits."""
    waited = 0.0
    while True:
        p50, p90, _ = probe(parent)
        if limit_us <= 0 or p50 <= limit_us or waited >= wait_s:
            return {"p50_us": round(p50, 1), "p90_us": round(p90, 1), "waited_s": waited}
        log(f"creating a file takes {p50:.0f} us (p50) under {parent}, above {limit_us:.0f}: waiting {every_s:.0f} s "
            f"(files deleted in the last minutes slow creation on ext4 without a journal)")
        sleep(every_s)
        waited += every_s


if __name__ == "__main__":
    p50, p90, where = create_times_us(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 500)
    print(f"{where}: create p50 {p50:.1f} us, p90 {p90:.1f} us")

"""How long creating a file takes in a folder: `open(O_CREAT)` and `close` of N new files in a new folder under
the given one, each timed, p50 and p90 in microseconds. The files are left in place (removing them would make the
next creations slower on ext4, which skips recently freed inodes on a file system without a journal).

    python3 bench/peers/file_create.py /work/ptmp [500]

Used in docs/performance.md to show how much an attempt's two files (its log and its lock) cost on a machine.
"""
import os
import sys
import tempfile
import time

folder = tempfile.mkdtemp(dir=sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
took = []
for i in range(count):
    start = time.perf_counter()
    os.close(os.open(f"{folder}/f{i}", os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o600))
    took.append(time.perf_counter() - start)
took.sort()
print(f"{folder}: {count} files, create p50 {took[count // 2] * 1e6:.1f} us, p90 {took[int(count * 0.9)] * 1e6:.1f} us")

# Run three commands concurrently, at most two at a time (a Semaphore), and
# collect their outputs in the order of the list.
import asyncio
from asyncio.subprocess import PIPE

COMMANDS = [
    ["echo", "one"],
    ["sh", "-c", "sleep 0.2; echo two"],
    ["sh", "-c", "echo three; echo warning >&2; exit 1"],
]


async def run_one(sem, argv):
    async with sem:
        proc = await asyncio.create_subprocess_exec(*argv, stdout=PIPE, stderr=PIPE)
        out, err = await proc.communicate()
        return argv[-1], proc.returncode, out.decode().strip(), err.decode().strip()


async def main():
    sem = asyncio.Semaphore(2)
    results = await asyncio.gather(*(run_one(sem, argv) for argv in COMMANDS))
    for cmd, code, out, err in results:
        print(f"{cmd!r}: exit {code}, stdout {out!r}, stderr {err!r}")

asyncio.run(main())

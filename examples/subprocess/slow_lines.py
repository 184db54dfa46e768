# Read a child's output line by line as it prints, slowly.
import asyncio
from asyncio.subprocess import PIPE

SLOW = 'for i in 1 2 3 4 5; do echo "tick $i"; sleep 0.1; done'


async def main():
    proc = await asyncio.create_subprocess_exec("sh", "-c", SLOW, stdout=PIPE)
    n = 0
    async for line in proc.stdout:
        n += 1
        print(f"line {n}: {line.decode().rstrip()}")
    print("exit", await proc.wait())

asyncio.run(main())

# A long-running child under asyncio.timeout(): when the deadline passes, the
# wait is cancelled (not the child), so the child is killed and reaped.
import asyncio


async def main():
    proc = await asyncio.create_subprocess_exec("sleep", "30")
    try:
        async with asyncio.timeout(0.5):
            await proc.wait()
    except TimeoutError:
        print("timed out; still running:", proc.returncode is None)
        proc.kill()
        print("killed, return code", await proc.wait())

asyncio.run(main())

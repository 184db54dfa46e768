"""Run a command in a pseudo-terminal and relay bytes both ways.

Usage: python3 repl_pty.py [--first-prompt] COLS ROWS COMMAND [ARG...]

Bytes read from our stdin are written to the terminal (so "\\x03" is Ctrl-C and
"\\x04" is Ctrl-D, as typed); everything the program writes to the terminal is
copied to our stdout. Exits with the program's exit code (128+N for signal N).

Reports on stderr, one line each, prefixed "repl_pty: ":
- "mode restored" or "mode changed: -icanon -echo ..." when the program has
  ended: whether it left the terminal in the mode it found (stty's names for
  the flags that differ, "-" for a flag that was on and is now off);
- with --first-prompt, "first prompt N ms": the time from starting the program
  to the first "> " it wrote (">>> " counts too), measured here so that this
  relay's own start is not part of it.

The REPL's pseudo-terminal tests and bench/repl_startup.ts drive the REPL
through this relay: python3's pty module is on every machine this project runs
on, CI included.
"""
import os
import select
import signal
import struct
import sys
import time

import fcntl
import termios

FLAGS = {
    0: ["IGNBRK", "BRKINT", "IGNPAR", "PARMRK", "INPCK", "ISTRIP", "INLCR", "IGNCR",
        "ICRNL", "IXON", "IXANY", "IXOFF", "IMAXBEL", "IUTF8"],
    1: ["OPOST", "ONLCR", "OCRNL", "ONOCR", "ONLRET"],
    2: ["CSIZE", "CSTOPB", "CREAD", "PARENB", "PARODD", "HUPCL", "CLOCAL"],
    3: ["ISIG", "ICANON", "ECHO", "ECHOE", "ECHOK", "ECHONL", "NOFLSH", "TOSTOP",
        "ECHOCTL", "ECHOKE", "IEXTEN"],
}


def mode_changes(before, after):
    """stty-style names of the flags that differ ("-echo": was on, now off)."""
    changes = []
    for index, names in FLAGS.items():
        for name in names:
            bit = getattr(termios, name, 0)
            if bit == 0:
                continue
            was, now = before[index] & bit, after[index] & bit
            if was != now:
                changes.append(("" if now else "-") + name.lower())
    if before[6] != after[6]:
        changes.append("control characters")
    return changes


def report(text):
    sys.stderr.write("repl_pty: " + text + "\n")
    sys.stderr.flush()


def main() -> int:
    args = sys.argv[1:]
    first_prompt = args[0] == "--first-prompt"
    if first_prompt:
        args = args[1:]
    cols, rows = int(args[0]), int(args[1])
    argv = args[2:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    found = termios.tcgetattr(slave)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.login_tty(slave)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execvp(argv[0], argv)
    os.close(slave)
    stdin_open = True
    seen = b""
    while True:
        fds = [master] + ([0] if stdin_open else [])
        readable, _, _ = select.select(fds, [], [])
        if 0 in readable:
            data = os.read(0, 4096)
            if data:
                os.write(master, data)
            else:
                stdin_open = False
        if master in readable:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            if first_prompt:
                seen += data
                if b"> " in seen:
                    report("first prompt %.1f ms" % ((time.monotonic() - started) * 1000))
                    first_prompt = False
                    seen = b""
            os.write(1, data)
    _, status = os.waitpid(pid, 0)
    changes = mode_changes(found, termios.tcgetattr(master))
    report("mode restored" if not changes else "mode changed: " + " ".join(changes))
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())

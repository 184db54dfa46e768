"""Run a command in a pseudo-terminal and relay bytes both ways.

Usage: python3 repl_pty.py COLS ROWS COMMAND [ARG...]

Bytes read from our stdin are written to the terminal (so "\\x03" is Ctrl-C and
"\\x04" is Ctrl-D, as typed); everything the program writes to the terminal is
copied to our stdout. Exits with the program's exit code (128+N for signal N).
The REPL's pseudo-terminal tests drive the REPL through this relay: python3's
pty module is on every machine this project runs on, CI included.
"""
import os
import select
import signal
import struct
import sys

import fcntl
import termios


def main() -> int:
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    argv = sys.argv[3:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.login_tty(slave)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execvp(argv[0], argv)
    os.close(slave)
    stdin_open = True
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
            os.write(1, data)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())

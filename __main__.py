"""`python -m chitieu` runs the command line. Until the commands are imported
(seconds on a busy machine) Ctrl-C, SIGTERM and SIGHUP end it with one line,
not a traceback from the middle of an import."""

import os
import signal
import sys


def _stopped(signum, frame):
    how = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
    sys.stderr.write(f"error: {how} while starting; nothing was done (run the command again)\n")
    os._exit(128 + signum)


for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_signum, _stopped)

from chitieu.cli import main  # noqa: E402

signal.signal(signal.SIGINT, signal.default_int_handler)
main()

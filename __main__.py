"""`python -m chitieu` and the `chitieu` command run the command line.

The command line is imported when it runs, not with this module: every worker
process imports the program's main module (multiprocessing does) and needs
none of its imports (the store, SQLAlchemy, Alembic). Until they are done
(seconds on a busy machine) Ctrl-C, SIGTERM and SIGHUP end it with one line,
not a traceback from the middle of an import."""

import os
import signal
import sys

_STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stopped(signum, frame):
    how = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
    sys.stderr.write(f"error: {how} while starting; nothing was done (run the command again)\n")
    os._exit(128 + signum)


def main() -> None:
    for signum in _STOPPING:
        signal.signal(signum, _stopped)
    from chitieu.cli import main as command_line

    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)  # the commands that must end cleanly set their own (ingest)
    command_line()


if __name__ == "__main__":
    main()

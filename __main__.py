"""`python -m chitieu` and the `chitieu` command run the command line.

It is imported when it runs, not with this module: every worker process
imports the program's main module (multiprocessing does), and needs none of
the command line's imports (the store, SQLAlchemy, Alembic)."""


def main() -> None:
    from chitieu.cli import main as command_line

    command_line()


if __name__ == "__main__":
    main()

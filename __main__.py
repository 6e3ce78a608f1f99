"""`python -m chitieu` runs the command line."""

from chitieu.cli import main

main()

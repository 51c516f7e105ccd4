"""`python -m syndiwatch` runs the command line."""

from syndiwatch.cli import main

if __name__ == "__main__":
    main()

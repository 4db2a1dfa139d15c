"""Start lifecircle_desktop: ``python main.py [PLAN] [--screenshot PNG]`` (same as ``lifecircle gui``)."""
import sys

from lifecircle_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main(["gui", *sys.argv[1:]]))

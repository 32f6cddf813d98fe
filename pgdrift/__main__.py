"""`python -m pgdrift` runs the command line."""

import sys

from pgdrift.cli import main

sys.exit(main())

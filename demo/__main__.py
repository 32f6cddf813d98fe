"""`python -m demo` (what `make demo` runs)."""

import sys

from demo.scenario import main

sys.exit(main())

"""`python -m accord ...` runs the same command line as the `accord` script (useful from a second checkout)."""

import sys

from accord.cli import main

sys.exit(main())

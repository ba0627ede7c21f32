"""`python -m components.cli`: the same as the `shared-registry` command."""

import sys

from components.cli import main

sys.exit(main())

"""`python -m ecr_shared_services.cli`: the same as the `shared-registry` command."""

import sys

from ecr_shared_services.cli import main

sys.exit(main())

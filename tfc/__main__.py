"""``python -m tfc``: the ``tfc`` command."""

import sys

from .cli import main

sys.exit(main())

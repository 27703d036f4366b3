import anyio

from .flow import main

anyio.run(main)

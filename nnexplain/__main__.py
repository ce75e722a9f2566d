"""``python -m nnexplain``: the command line."""

from nnexplain.app.cli import main

main()

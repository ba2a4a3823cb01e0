"""The ``sangtao`` command.

``serve`` runs on gevent, which must patch the standard library before anything else imports it:
that is why this entry point imports Flask only after deciding.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        from gevent import monkey

        monkey.patch_all()

    from core.cli import cli

    cli()


if __name__ == "__main__":
    main()

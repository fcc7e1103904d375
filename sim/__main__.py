"""``python -m sim`` and the ``ieisim`` console script.

The command line is imported inside :func:`main`, so a Ctrl-C while Python is still loading
it ends like one during a run: ``error: interrupted`` and exit code 130, no traceback.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Import the command line and run it; Ctrl-C during start-up exits 130."""
    try:
        from sim.cli import main as cli_main

        cli_main(argv)
    except SystemExit as exc:
        if argv is None and exc.code in (130, 143):  # the program itself, not an in-process call
            from sim.cli import exit_interrupted

            exit_interrupted(exc.code)
        _quick_exit(argv, exc.code)
        raise
    except KeyboardInterrupt:  # before sim.cli.main's own handler is in place
        sys.stderr.write("error: interrupted\n")
        sys.stderr.flush()
        os._exit(130)  # not sys.exit: CPython may re-raise SIGINT (sim.cli.exit_interrupted)
    _quick_exit(argv, 0)


def _quick_exit(argv: list[str] | None, code: object) -> None:
    """Leave at once (:func:`sim.cli.exit_now`) if the command asked for it (``QUICK_EXIT``)."""
    cli = sys.modules.get("sim.cli")
    if argv is None and cli is not None and cli.QUICK_EXIT:
        cli.exit_now(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    main()

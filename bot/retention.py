"""Retention job: delete every conversation whose last message is older than RETENTION_HOURS.

    python -m bot.retention            # uses TRACKER_STORE_URL and RETENTION_HOURS, like Rasa
    python -m bot.retention --hours 12 # override the retention time for this run

Prints how many conversations it deleted (never which). Exit status 0 on success, 1 on error.
The Rasa process also sweeps every RETENTION_SWEEP_MINUTES (in a worker thread, off its event
loop: bot/plugins/tracker_store.py); run this job from cron or a systemd timer when that sweep is off
(RETENTION_SWEEP_MINUTES=0, e.g. on a fleet of Rasa nodes), or to be sure the deletion happens
even while Rasa is stopped. See docs/deploy.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.retention", description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, help="retention time (default: RETENTION_HOURS or 24)")
    args = parser.parse_args(argv)
    if args.hours is not None and args.hours <= 0:
        parser.error("--hours must be > 0")
    saved = {k: os.environ.get(k) for k in ("RETENTION_HOURS", "RETENTION_SWEEP_MINUTES")}
    if args.hours is not None:
        os.environ["RETENTION_HOURS"] = str(args.hours)
    os.environ["RETENTION_SWEEP_MINUTES"] = "0"  # this process sweeps once, below
    try:
        return _sweep_once()
    finally:  # main() may be called in-process (tests): leave the environment as it was
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _sweep_once() -> int:
    from bot.plugins.tracker_store import ConfigurationError, ErasingTrackerStore, redacted, tracker_store_url

    try:
        if tracker_store_url().startswith(("memory:", "in-memory:", "inmemory:")):
            print(
                "retention: memory:// lives inside the Rasa process; its own sweep "
                "(RETENTION_SWEEP_MINUTES) deletes expired conversations there."
            )
            return 0
        store = ErasingTrackerStore(None)
        started = time.monotonic()
        deleted = store.sweep()
        store.close()
    except ConfigurationError as e:
        print(f"retention: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # no details: an SQL error could quote stored data
        print(f"retention: failed ({type(e).__name__}) on {redacted(tracker_store_url())}", file=sys.stderr)
        return 1
    hours = store.retention / 3600
    print(
        f"retention: deleted {deleted} conversation(s) with no message in the last {hours:g} h "
        f"from {redacted(tracker_store_url())} in {time.monotonic() - started:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

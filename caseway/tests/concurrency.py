"""Running the same job in several threads released at the same moment, each on its own database
connection (closed when the thread ends): what two cron workers or two people clicking do."""

import threading

from django.db import connections


def at_once(job, workers=2) -> list:
    """``job()``'s result in each of ``workers`` threads started together, or ``repr`` of what it
    raised (left for the test's assertions), in the order they finished."""
    start = threading.Barrier(workers)
    results = []

    def work():
        try:
            start.wait()
            results.append(job())
        except Exception as error:  # reported by the assertions
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results

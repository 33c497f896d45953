#!/usr/bin/env python3
"""Sends event bodies to a site for a while and counts exactly what it accepted, for scripts/bench/events.sh's
SIGTERM and SIGKILL checks.

Usage: events-sender.py URL BODIES SECONDS THREADS

Each thread posts the bodies in turn over one keep-alive connection until SECONDS have passed or the site goes away;
prints "ACCEPTED_BODIES FAILED SECONDS" (a body counts as accepted only when answered 204).
"""
import http.client
import sys
import threading
import time
import urllib.parse


def main():
    url, bodies_file, seconds, threads = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    bodies = [line.strip().encode() for line in open(bodies_file) if line.strip()]
    target = urllib.parse.urlparse(url)
    accepted, failed = [0] * threads, [0] * threads
    start = time.monotonic()

    def send(index):
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
        position = index
        while time.monotonic() - start < seconds:
            try:
                connection.request("POST", "/api/v1/events", bodies[position % len(bodies)],
                                   {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status == 204:
                    accepted[index] += 1
                else:
                    failed[index] += 1
            except (OSError, http.client.HTTPException):
                failed[index] += 1
                return
            position += threads

    workers = [threading.Thread(target=send, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(sum(accepted), sum(failed), f"{time.monotonic() - start:.2f}")


if __name__ == "__main__":
    main()

import math
import sys
from multiprocessing import Pool


def partial(r):
    start, end = r
    return sum((4.0 if k % 2 == 0 else -4.0) / (2 * k + 1) for k in range(start, end))


if __name__ == "__main__":
    processes = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    terms, chunks = 20_000_000, 4 * processes
    ranges = [(terms * i // chunks, terms * (i + 1) // chunks) for i in range(chunks)]
    with Pool(processes) as pool:
        # Pool.map: the partial sums, in the ranges' order.
        pi = sum(pool.map(partial, ranges))
        print(f"map:         pi = {pi:.12f} (error {abs(pi - math.pi):.1e}) from {chunks} chunks on {processes} processes")

        # Pool.apply_async: one chunk, asked about while it runs.
        first = pool.apply_async(partial, (ranges[0],))
        value = first.get(timeout=60)
        print(f"apply_async: first chunk = {value:.12f}, successful: {first.successful()}")

        # Pool.imap: each partial sum as soon as it, and every one before it, exists.
        total = 0
        for done, part in enumerate(pool.imap(partial, ranges), 1):
            total += part
            if done % processes == 0:
                print(f"imap:        {done:2d} of {chunks} chunks, pi so far {total:.12f}")

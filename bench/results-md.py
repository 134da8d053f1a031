#!/usr/bin/env python3
"""Prints a run's results.json as the Markdown tables docs/BENCHMARKS.md uses.

    bench/results-md.py bench-results/<run>/results.json
"""
import json
import sys


def row(r):
    target = '-' if r['targetRate'] == 0 else '%.0f' % r['targetRate']
    # Runs from before the interleaved rounds have no spread: one run, its own figures.
    s = r.get('spread') or {'runs': 1, 'rateMin': r['rate'], 'rateMax': r['rate'], 'p99Min': r['p99'], 'p99Max': r['p99']}
    return '| %s | %d | %d | %s | %d | %.0f | %.0f..%.0f | %.2f | %.2f | %.2f..%.2f | %.2f | %d | %d | %s |' % (
        r['system'], r['payload'], r['tasks'], target, s['runs'], r['rate'], s['rateMin'], s['rateMax'], r['p50'] / 1000,
        r['p99'] / 1000, s['p99Min'] / 1000, s['p99Max'] / 1000, r['p999'] / 1000, r['lost'], r['duplicates'],
        r['note'].replace('|', '/'))


def table(title, rows):
    print(title + '\n')
    print('| system | payload B | tasks | target/s | runs | tasks/s | tasks/s min..max | p50 ms | p99 ms | p99 min..max ms '
          '| p99.9 ms | lost | dup | note |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
    for r in rows:
        print(row(r))
    print()


def main():
    doc = json.load(open(sys.argv[1]))
    env, results = doc['environment'], doc['results']
    table('FSYNC (the disk probe: %d-byte appends, each forced, at the start of every round):' % 128,
          [r for r in results if r['workload'] == 'FSYNC'])
    table('RT (closed loop, window %s):' % env.get('window'), [r for r in results if r['workload'] == 'RT'])
    table("LAT (open loop, 100 B; fractions of the system's own RT rate at 100 B, then any fixed rates):",
          [r for r in results if r['workload'] == 'LAT'])
    cpu = env.get('cpuSecondsBySystem', {})
    if cpu:
        print("CPU seconds per process over each system's rounds (start-up, warm-up, every run):\n")
        print('| system | server | worker-0 | worker-1 | harness JVM (submitter) |')
        print('| --- | ---: | ---: | ---: | ---: |')
        for k, v in cpu.items():
            print('| %s | %s | %s | %s | %s |' % (k, server(v), v.get('worker-0'), v.get('worker-1'), v.get('harness (submitter)')))


def server(v):
    """The server's CPU seconds; for a three-node system the nodes' sum, with each node's share."""
    if 'server' in v:
        return v['server']
    nodes = [(k[len('server-'):], x) for k, x in v.items() if k.startswith('server-')]
    if not nodes:
        return None
    return '%.1f (%s)' % (sum(x for _, x in nodes), ', '.join('%s %.1f' % n for n in nodes))


if __name__ == '__main__':
    main()

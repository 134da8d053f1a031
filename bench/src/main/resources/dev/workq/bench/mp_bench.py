#!/usr/bin/env python3
"""The Python multiprocessing-managers peer of the workq benchmark (standard library only).

  mp_bench.py server --port P --authkey K
      a BaseManager serving 'tasks' and 'done' queues on 127.0.0.1:P until SIGTERM
  mp_bench.py worker --port P --authkey K --concurrency C
      C threads, each looping `for task in iter(tasks.get, 'STOP')`, putting the task (id, payload)
      back on 'done' as its result, as workq's echo handler returns its payload
  mp_bench.py stop --port P --authkey K --count N
      puts N STOP sentinels (one per worker thread)
  mp_bench.py rt  --port P --authkey K --tasks N --payload B --window W --timeout S
  mp_bench.py lat --port P --authkey K --tasks N --payload B --rate R --timeout S
      one submitter; prints one line `BENCH_RESULT {json}` with the same figures as the Java harness
"""
import argparse
import json
import queue
import sys
import threading
import time
from multiprocessing.managers import BaseManager


class QueueManager(BaseManager):
    pass


def serve(args):
    tasks, done = queue.Queue(), queue.Queue()
    QueueManager.register('tasks', callable=lambda: tasks)
    QueueManager.register('done', callable=lambda: done)
    m = QueueManager(address=('127.0.0.1', args.port), authkey=args.authkey.encode())
    server = m.get_server()
    print('serving on 127.0.0.1:%d' % args.port, flush=True)
    server.serve_forever()


def connect(args):
    QueueManager.register('tasks')
    QueueManager.register('done')
    m = QueueManager(address=('127.0.0.1', args.port), authkey=args.authkey.encode())
    m.connect()
    return m


def worker(args):
    m = connect(args)

    def loop():
        tasks, done = m.tasks(), m.done()  # one connection per thread
        for task in iter(tasks.get, 'STOP'):
            done.put(task)  # echo: the result carries the payload back, as on every system

    threads = [threading.Thread(target=loop) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def stop(args):
    m = connect(args)
    tasks = m.tasks()
    for _ in range(args.count):
        tasks.put('STOP')


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def drive(args, open_loop):
    m = connect(args)
    tasks = m.tasks()
    n = args.tasks
    payload = b'x' * args.payload
    intended = [0.0] * n
    seen = [0] * n
    latencies = []
    state = {'back': 0, 'dup': 0, 'err': 0, 'last': 0.0, 'submitted': 0}
    lock = threading.Lock()
    window = threading.Semaphore(args.window) if not open_loop else None
    finished = threading.Event()

    def collect():
        done = m.done()
        while not finished.is_set():
            try:
                i = done.get(timeout=0.2)[0]
            except queue.Empty:
                continue
            now = time.perf_counter()
            with lock:
                if not (0 <= i < n):
                    state['err'] += 1
                    continue
                seen[i] += 1
                if seen[i] == 1:
                    latencies.append(now - intended[i])
                    state['back'] += 1
                    state['last'] = now
                    if window is not None:
                        window.release()
                else:
                    state['dup'] += 1

    collector = threading.Thread(target=collect, daemon=True)
    collector.start()
    start = time.perf_counter()
    deadline = start + args.timeout
    note = ''
    first = time.perf_counter()
    for i in range(n):
        if open_loop:
            t = first + i / args.rate
            delay = t - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if time.perf_counter() > deadline:
                note = 'timed out after %d s' % args.timeout
                break
        else:
            if not window.acquire(timeout=max(0.0, deadline - time.perf_counter())):
                note = 'timed out after %d s' % args.timeout
                break
            t = time.perf_counter()
        intended[i] = t
        state['submitted'] += 1
        tasks.put((i, payload))
    while True:
        with lock:
            if state['back'] >= state['submitted']:
                break
        if time.perf_counter() > deadline:
            note = note or 'timed out after %d s' % args.timeout
            break
        time.sleep(0.001)
    time.sleep(0.3)  # listen for duplicates
    finished.set()
    collector.join(2)
    with lock:
        lat = sorted(latencies)
        span = state['last'] - first
        us = lambda s: round(s * 1e6, 1)
        result = {
            'system': 'python mp-managers', 'workload': 'LAT' if open_loop else 'RT', 'payload': args.payload,
            'tasks': state['submitted'], 'targetRate': args.rate if open_loop else 0,
            'rate': state['back'] / span if span > 0 else 0,
            'p50': us(percentile(lat, 50)), 'p99': us(percentile(lat, 99)), 'p999': us(percentile(lat, 99.9)),
            'max': us(lat[-1]) if lat else 0, 'lost': state['submitted'] - state['back'], 'duplicates': state['dup'],
            'errors': state['err'], 'seconds': time.perf_counter() - start, 'note': note,
        }
    print('BENCH_RESULT ' + json.dumps(result), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=['server', 'worker', 'stop', 'rt', 'lat'])
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--authkey', default='workq-bench')
    p.add_argument('--concurrency', type=int, default=4)
    p.add_argument('--count', type=int, default=1)
    p.add_argument('--tasks', type=int, default=1000)
    p.add_argument('--payload', type=int, default=100)
    p.add_argument('--window', type=int, default=1000)
    p.add_argument('--rate', type=float, default=1000)
    p.add_argument('--timeout', type=int, default=120)
    args = p.parse_args()
    {'server': serve, 'worker': worker, 'stop': stop,
     'rt': lambda a: drive(a, False), 'lat': lambda a: drive(a, True)}[args.mode](args)


if __name__ == '__main__':
    sys.exit(main())

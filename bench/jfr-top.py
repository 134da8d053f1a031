#!/usr/bin/env python3
"""Summarises a JFR recording of the workq broker: where its threads spend their samples.

    bench/jfr-top.py bench-results/<run>/broker.jfr [--depth 40] [--top 20]

Reads `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample` and prints, per event type,
samples per thread, the hottest top frames (self time) and the hottest workq/netty frames
anywhere on the stack (inclusive), plus fsync (jdk.FileForce) count and time.
"""
import argparse
import collections
import re
import subprocess


def parse(text, event):
    out = []
    for block in text.split(event + ' {')[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        stack = re.search(r'stackTrace = \[\n(.*?)\n\s*\]', block, re.S)
        frames = []
        if stack:
            for line in stack.group(1).split('\n'):
                line = line.strip()
                if line and line != '...':
                    frames.append(re.sub(r'\s+line: \d+.*$', '', line))
        name = re.sub(r'-\d+$', '-N', thread.group(1)) if thread else '?'
        out.append((name, frames))
    return out


def report(title, samples, top):
    print('== %s: %d samples' % (title, len(samples)))
    if not samples:
        return
    threads = collections.Counter(t for t, _ in samples)
    selfc = collections.Counter(f[0] for _, f in samples if f)
    incl = collections.Counter()
    for _, frames in samples:
        for f in set(frames):
            if f.startswith('dev.workq') or f.startswith('io.netty.channel') or f.startswith('sun.nio.ch'):
                incl[f] += 1
    print('-- by thread')
    for k, c in threads.most_common(top):
        print('%6d %5.1f%%  %s' % (c, 100.0 * c / len(samples), k))
    print('-- top frames (self)')
    for k, c in selfc.most_common(top):
        print('%6d %5.1f%%  %s' % (c, 100.0 * c / len(samples), k))
    print('-- workq / netty / nio frames anywhere on the stack (inclusive)')
    for k, c in incl.most_common(top):
        print('%6d %5.1f%%  %s' % (c, 100.0 * c / len(samples), k))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('recording')
    p.add_argument('--depth', type=int, default=40)
    p.add_argument('--top', type=int, default=20)
    a = p.parse_args()
    for event in ('jdk.ExecutionSample', 'jdk.NativeMethodSample'):
        text = subprocess.run(['jfr', 'print', '--stack-depth', str(a.depth), '--events', event, a.recording],
                              capture_output=True, text=True, check=True).stdout
        report(event, parse(text, event), a.top)
    text = subprocess.run(['jfr', 'print', '--events', 'jdk.FileForce', a.recording],
                          capture_output=True, text=True, check=True).stdout
    durations = []
    for m in re.finditer(r'duration = ([\d.]+) (ms|s|us)', text):
        v = float(m.group(1))
        durations.append(v * {'ms': 1, 's': 1000, 'us': 0.001}[m.group(2)])
    if durations:
        durations.sort()
        print('== jdk.FileForce (fsync, only those over the 10/20 ms threshold are recorded): %d events, total %.0f ms, '
              'median %.1f ms, max %.1f ms' % (len(durations), sum(durations), durations[len(durations) // 2], durations[-1]))


if __name__ == '__main__':
    main()

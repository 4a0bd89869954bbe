#!/usr/bin/env python3
"""Samples a process's resident memory every 2 ms until SIGTERM, then prints the highest values seen, in kB:
`rss=… anon=…` (VmRSS, and RssAnon: the heap and other anonymous memory, without the pages of memory-mapped files
such as SQLite's mmap of the database, which VmRSS and VmHWM count). Usage: memwatch.py PID"""
import signal, sys, time

path = f"/proc/{sys.argv[1]}/status"
stop = False
def finish(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, finish)
peak = {"VmRSS": 0, "RssAnon": 0}
while not stop:
    try:
        for line in open(path):
            key = line.split(":", 1)[0]
            if key in peak:
                peak[key] = max(peak[key], int(line.split()[1]))
    except OSError:
        break
    time.sleep(0.002)
print(f"rss={peak['VmRSS']} anon={peak['RssAnon']}")

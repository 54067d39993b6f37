"""Peak resident memory of a process and of its workers, sampled while it runs.

`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` is no measure of a worker's memory: for forked workers it read
358 MB in a run whose workers `ps` and psutil saw at about 150 MB throughout. Sampling each process's RSS with
psutil reads what it holds.
"""

from __future__ import annotations

import threading

import psutil


class PeakRss:
    """Samples a process and its descendants every `interval` seconds until stopped (a context manager, in a
    thread of this process): the peaks of the process, of its largest descendant and of all together, in bytes."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.main = self.largest_child = self.together = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def sample(self) -> None:
        """One reading (a process that ends while it is read is left out of it)."""
        try:
            main = self.root.memory_info().rss
            children = []
            for child in self.root.children(recursive=True):
                try:
                    children.append(child.memory_info().rss)
                except psutil.Error:
                    continue
        except psutil.Error:
            return
        self.main = max(self.main, main)
        self.largest_child = max(self.largest_child, *children, 0)
        self.together = max(self.together, main + sum(children))

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

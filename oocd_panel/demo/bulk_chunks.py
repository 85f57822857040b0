"""The bulk loader's chunks in flight: each written by a second thread while the next is made
(`_Background`), and made here (`_chunks`) or by a forked second process (`_chunks_apart`, which
raises `BuildFailed` with that process's traceback when making them failed)."""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection

from oocd_panel.demo.bulk_maker import _Rows
from oocd_panel.demo.bulk_rows import Chunks, Rows
from oocd_panel.demo.bulk_writer import _Writer
from oocd_panel.demo.cohort import ReferralPlan


class _Background:
    """Runs the writer in a second thread, one chunk behind the rows being made."""

    def __init__(self, writer: _Writer, progress: Callable[[int], None] | None) -> None:
        self.writer = writer
        self.progress = progress
        self.chunks: queue.Queue[tuple[Rows, int] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="demo-bulk-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is not None:
                continue  # drain: the error is raised in the main thread
            rows, done = chunk
            try:
                self.writer.write(rows)
            except BaseException as exc:  # re-raised by put() or close()
                self.error = exc
                continue
            if self.progress is not None:
                self.progress(done)

    def put(self, rows: Rows, done: int) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put((rows, done))

    def close(self) -> None:
        self.stop()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Waits for the chunk being written (after a failure, whose error is raised already)."""
        if self.thread.is_alive():
            self.chunks.put(None)
            self.thread.join()


def _chunks(made: _Rows, plans: Iterable[ReferralPlan], chunk: int) -> Chunks:
    """The rows of each `chunk` referrals, and how many referrals so far."""
    done = 0
    for plan in plans:
        made.add(plan)
        done += 1
        if done % chunk == 0:
            yield made.take(), done
    yield made.take(), done


def _build_apart(made: _Rows, plans: Iterable[ReferralPlan], chunk: int, out: Connection) -> None:
    """In the second process: sends each chunk's rows, then the next keys (or what failed)."""
    try:
        for rows, done in _chunks(made, plans, chunk):
            out.send(("rows", rows, done))
        out.send(("ids", made.ids.next, 0))
    except BaseException:  # reported to the loading process, which raises it
        with contextlib.suppress(OSError):  # unless it stopped listening (it failed itself)
            out.send(("error", traceback.format_exc(), 0))
    finally:
        out.close()


class BuildFailed(RuntimeError):
    """Making the rows failed in the second process (the message holds its traceback)."""


def _chunks_apart(made: _Rows, plans: Iterable[ReferralPlan], chunk: int) -> Chunks:
    """`_chunks`, made by a forked second process while this one writes: building rows is
    Python work that holds the GIL, and a thread would take turns with the writer instead of
    running beside it. The child inherits the plans and the loader's state, touches no database
    connection, and ends without running this process's clean-up (multiprocessing's fork ends
    children with os._exit). The keys it took come back at the end."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_build_apart, args=(made, plans, chunk, send), name="demo-bulk-rows", daemon=True
    )
    child.start()  # now, before the writer's thread starts: a fork copies only this thread
    send.close()

    def received() -> Chunks:
        try:
            while True:
                try:
                    kind, value, done = receive.recv()
                except EOFError:
                    raise BuildFailed("the process making the rows ended without a word") from None
                if kind == "rows":
                    yield value, done
                elif kind == "ids":
                    made.ids.next = value
                    return
                else:
                    raise BuildFailed(value)
        finally:
            receive.close()
            child.join(timeout=5)
            if child.is_alive():
                child.terminate()
                child.join()

    return received()

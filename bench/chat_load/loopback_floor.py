#!/usr/bin/python3
"""The machine's floor under a fan-out: one thread writes a small message to
each of N loopback TCP connections (TCP_NODELAY, as townhall's sockets), and
one thread reads them, as chat_load's clients do. Prints the time per write
and until the last one arrived. No townhall involved: this is what the kernel
(and, in a VM, the hypervisor waking the reader's vCPU) costs per delivery,
which a server sending one frame per client cannot go below.

    bench/chat_load/loopback_floor.py [N] [BYTES]     (default 1000 400)
"""
import selectors
import socket
import sys
import threading
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
size = int(sys.argv[2]) if len(sys.argv) > 2 else 400

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(n)
port = listener.getsockname()[1]
readers, writers = [], []
for _ in range(n):
    reader = socket.create_connection(("127.0.0.1", port))
    writer, _ = listener.accept()
    writer.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader.setblocking(False)
    readers.append(reader)
    writers.append(writer)

selector = selectors.DefaultSelector()
for reader in readers:
    selector.register(reader, selectors.EVENT_READ)
received = 0
last_at = 0.0


def read_all():
    global received, last_at
    while True:
        for key, _ in selector.select(timeout=1):
            try:
                key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            received += 1
            last_at = time.perf_counter()


threading.Thread(target=read_all, daemon=True).start()
payload = b"x" * size
for _ in range(5):
    received = 0
    started = time.perf_counter()
    for writer in writers:
        writer.send(payload)
    sent = time.perf_counter()
    while received < n:
        time.sleep(0.0005)
    print(f"{n} writes of {size} bytes: {1e6 * (sent - started) / n:.1f} us a write, "
          f"the last read {1e3 * (last_at - started):.1f} ms after the first write")
    time.sleep(0.2)

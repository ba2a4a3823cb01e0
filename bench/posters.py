"""How long the booth posters PDF takes for 300 exhibits (the goal: 15 s), beside a baseline.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/posters.py              # 300 posters, A4, A5 and A6, 3 runs
    .venv/bin/python bench/posters.py --posters 80 --runs 5

In one process and the same run it times ``kiosk.posters.posters_pdf`` for each size and, as the
baseline, the part no layout can avoid: the 300 QR codes as PNG (``core.qr``) and an empty
document with the fonts (``core.pdf``). It prints the median and the slowest run in seconds,
and whether the slowest poster run kept within the goal; it never asserts.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

from fpdf import FPDF

from core import pdf, qr
from kiosk.posters import SIZES, Poster, posters_pdf

GOAL_SECONDS = 15.0
TITLES = [
    "Ứng dụng AI phát hiện nguy cơ mất an toàn lưới điện từ ảnh flycam",
    "Robot sửa chữa dây chống sét và cáp quang OPGW trên đường dây truyền tải",
    "Xe phun nước xử lý sự cố hạ thế trong hẻm nhỏ",
    "Khớp nối mặt bích thay mối hàn đồng ở bộ làm mát ổ đỡ tua bin thủy điện",
    "Chụp chống chim trên đỉnh cột giảm sự cố một pha đường dây 22 kV",
]


def posters(count: int) -> list[Poster]:
    return [
        Poster(
            event="Ngày hội Lao động sáng tạo Công đoàn Điện lực Việt Nam năm 2026",
            booth=f"Gian {chr(65 + n // 100)}{n % 100:02d}",
            title=TITLES[n % len(TITLES)],
            unit="Công ty Điện lực Quảng Nam",
            code=f"K{n:07d}",
            link=f"HTTP://192.168.1.10:8000/E/K{n:07d}",
            call="Quét mã QR để xem chi tiết và bình chọn",
        )
        for n in range(count)
    ]


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return samples


def report(label: str, samples: list[float]) -> None:
    print(f"{label:<28} median {statistics.median(samples):6.2f} s   slowest {max(samples):6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    batch = posters(options.posters)
    print(f"{options.posters} posters, {options.runs} runs each")
    report("baseline: QR codes alone", timed(options.runs, lambda: [qr.png(p.link) for p in batch]))
    report(
        "baseline: empty document",
        timed(options.runs, lambda: pdf.output(_empty())),
    )
    slowest = 0.0
    for size in SIZES:
        samples = timed(options.runs, partial(posters_pdf, batch, size))
        slowest = max(slowest, max(samples))
        report(f"posters {size}", samples)
    verdict = "within" if slowest <= GOAL_SECONDS else "OVER"
    print(f"slowest poster run {slowest:.2f} s: {verdict} the {GOAL_SECONDS:.0f} s goal")


def _empty() -> FPDF:
    document = pdf.document()
    document.add_page()
    return document


if __name__ == "__main__":
    main()

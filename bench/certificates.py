"""How long the certificates PDF takes for a batch of 300, beside what it is made of.

Run it from the repository root with the project's virtualenv::

    .venv/bin/python bench/certificates.py              # 300 certificates, 3 runs
    .venv/bin/python bench/certificates.py --count 30 --runs 5

In one process and the same run, ``--runs`` times each, it times:

* ``certificates PDF``: ``scoring.certificates.certificates_pdf`` on the batch held in memory,
  each with its own verification code, QR code and a logo (what the ``certificates`` job renders);
* ``QR codes alone``: the batch's QR codes as PNG (``core.qr``), the part no layout can avoid;
* ``empty document``: the fonts loaded and one empty page written (``core.pdf``), the baseline.

It prints the median and the slowest run in milliseconds and never asserts on timings.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from datetime import date

from flask import Flask
from flask_babel import Babel
from PIL import Image

from core import pdf, qr
from scoring.certificates import Printed, certificates_pdf, dated
from scoring.models import new_certificate_code

NAMES = ["Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Lê Minh Tuấn", "Phạm Quốc Bảo", "Võ Thanh Tùng"]
TITLES = [
    "Ứng dụng AI phát hiện nguy cơ mất an toàn lưới điện từ ảnh flycam",
    "Giá đỡ nâng máy biến áp phân phối không cần xe cẩu",
    "Khớp nối mặt bích thay mối hàn đồng ở bộ làm mát ổ đỡ tua bin thủy điện",
]


def logo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), (0, 82, 155)).save(buffer, format="PNG")
    return buffer.getvalue()


def batch(count: int) -> list[Printed]:
    mark = logo()
    found = []
    for number in range(count):
        code = new_certificate_code()
        found.append(
            Printed(
                code=code,
                link=f"http://192.168.1.20:8000/verify/{code}",
                recipient=", ".join(NAMES[: 1 + number % 3]),
                team=number % 3 > 0,
                initiative=TITLES[number % len(TITLES)],
                unit="Công ty Điện lực Quảng Nam",
                prize="Giải Khuyến khích",
                event="Ngày hội Lao động sáng tạo Công đoàn Điện lực Việt Nam năm 2026",
                dated=dated("Hà Nội", date(2026, 1, 5)),
                issuer="Công đoàn Điện lực Việt Nam",
                signer_title="Chủ tịch",
                signer_name="Đỗ Thị Mai Phương",
                logo=mark,
            )
        )
    return found


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000, max(seconds) * 1000


def empty_document() -> bytes:
    document = pdf.document()
    document.add_page(orientation="landscape")
    return pdf.output(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        printed = batch(options.count)
        rows = [
            ("empty document", timed(options.runs, empty_document)),
            ("QR codes alone", timed(options.runs, lambda: [qr.png(c.link) for c in printed])),
            ("certificates PDF", timed(options.runs, lambda: certificates_pdf(printed))),
        ]
    print(f"{options.count} certificates, {options.runs} runs (ms)")
    print(f"{'':20} {'median':>10} {'slowest':>10}")
    for name, (median, slowest) in rows:
        print(f"{name:20} {median:10,.0f} {slowest:10,.0f}")


if __name__ == "__main__":
    main()

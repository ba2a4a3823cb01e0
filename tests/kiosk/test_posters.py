"""Booth posters: exact Vietnamese in the PDF, and every QR code decodes to its exhibit's link."""

import io

import pypdf
import pytest
import zxingcpp

from core.models import EventRole, JobStatus
from kiosk.posters import SIZES, Poster, posters_pdf
from tests.kiosk.test_manage_votes import finished

TITLE = "Bộ gá uốn cáp thép cứng, an toàn cho công nhân vận hành lưới điện 22 kV ở hẻm nhỏ"


def poster(number):
    token = f"K{number:07d}"
    return Poster(
        event="Ngày hội Lao động sáng tạo EVNCPC 2026",
        booth=f"Gian B{number:02d}",
        title=TITLE,
        unit="Công ty Điện lực Thừa Thiên Huế",
        code=token,
        link=f"HTTP://192.168.1.10:8000/E/{token}",
        call="Quét mã QR để xem chi tiết và bình chọn",
    )


def decoded(page):
    return [r.text for image in page.images for r in zxingcpp.read_barcodes(image.image)]


@pytest.mark.parametrize("size", list(SIZES))
def test_each_size_prints_the_vietnamese_and_a_code_that_decodes(size):
    reader = pypdf.PdfReader(io.BytesIO(posters_pdf([poster(1), poster(2)], size)))
    assert len(reader.pages) == 2
    width, height = (float(v) * 25.4 / 72 for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == tuple(round(v) for v in SIZES[size])
    text = " ".join(reader.pages[1].extract_text().split())
    assert "Gian B02" in text and TITLE in text
    assert "Công ty Điện lực Thừa Thiên Huế" in text and "K0000002" in text
    assert decoded(reader.pages[1]) == ["HTTP://192.168.1.10:8000/E/K0000002"]


def test_every_exhibits_poster_from_the_job_decodes_to_its_page(
    app, client, factory, organiser_client
):
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["PUBLIC_URL"] = "http://192.168.1.10:8000"
    event = factory.event()
    exhibits = [
        factory.exhibit(event, title=f"Sáng kiến số {n}: tiết kiệm điện") for n in (1, 2, 3)
    ]
    manager = organiser_client(event, EventRole.MANAGER)
    started = manager.post(f"/manage/{event.slug}/exhibits/posters", data={"size": "A5"})
    job = finished(app, started.headers["Location"].rsplit("/", 1)[1])
    assert job.status == JobStatus.DONE, job.error
    reader = pypdf.PdfReader(io.BytesIO(manager.get(job.result["url"]).data))
    links = [link for page in reader.pages for link in decoded(page)]
    assert sorted(links) == sorted(f"HTTP://192.168.1.10:8000/E/{e.qr_token}" for e in exhibits)
    for link in links:
        assert client.get(link.split(":8000", 1)[1]).status_code == 200
    one = manager.get(f"/manage/{event.slug}/exhibits/{exhibits[0].id}/poster.pdf?size=A6")
    assert one.mimetype == "application/pdf"
    assert (
        "Sáng kiến số 1: tiết kiệm điện"
        in pypdf.PdfReader(io.BytesIO(one.data)).pages[0].extract_text()
    )
    assert manager.get(f"/manage/{event.slug}/exhibits/999999/poster.pdf").status_code == 404

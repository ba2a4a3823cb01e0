"""What the import tests share: real files written as a user's spreadsheet program would, and
an upload followed through its jobs to the preview page."""

from __future__ import annotations

import csv
import io
import re
import time

from openpyxl import Workbook

from core import db
from core.models import Job, JobStatus


def xlsx(rows):
    """An XLSX whose first sheet holds ``rows`` (the header first)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def csv_file(rows, delimiter=",", bom=True):
    """A CSV in UTF-8, as Excel saves it (with the byte order mark, unless ``bom`` is false)."""
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode()


def finished(app, job_id):
    """The job once it has ended (it runs in a thread of its own under test)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with app.app_context(), db.unit_of_work() as session:
            job = session.get(Job, job_id)
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                session.expunge(job)
                return job
        time.sleep(0.02)
    raise AssertionError("the job did not end")


def follow(app, client, response):
    """From an upload's or a confirmation's redirect to the job's page: wait for the job, then
    open the page it offers (the preview, or the result). Returns that page's text."""
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    job = finished(app, job_id)
    assert job.status == JobStatus.DONE, job.error
    page = client.get(job.result["url"])
    assert page.status_code == 200
    return job.result["url"], page.get_data(as_text=True)


def upload(app, client, path, data, filename="du-lieu.xlsx"):
    response = client.post(
        path, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )
    return follow(app, client, response)


def confirm(app, client, preview_url):
    return follow(app, client, client.post(preview_url + "/apply"))


def cells(page, testid):
    """The texts of the cells of a table of the page, row by row."""
    table = re.search(rf'data-testid="{testid}".*?</table>', page, re.S)
    assert table, f"no table {testid}"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows if "<td>" in row]

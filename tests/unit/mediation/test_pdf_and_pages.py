"""The PDF certificate (read back with pypdf) and the public pages: download by
unguessable link, verification that shows valid, then revoked, with initials and the
council only; a typing slip is told apart from an unknown reference."""
import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from bot.mediation import service
from bot.mediation.pdf import certificate_pdf
from bot.database import session_scope
from support.back_office import SERVICE_NAME, issue_not_pursuing


@pytest.fixture
def client(office):
    from bot.app import create_app

    return TestClient(create_app())


def _text(pdf_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_carries_every_field_the_tribunal_needs(office):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session, requester_name="Zoë O'Brien", child_name="Siân O'Brien")
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate)))
    assert certificate.reference in reader.metadata.title
    text = _text(certificate_pdf(certificate))
    for expected in (SERVICE_NAME, "Mediation certificate", certificate.reference, "Parent or carer Zoë O'Brien",
                     "Child or young person Siân O'Brien", "Local authority Kent",
                     "special educational needs (section B)", "Date of the decision letter Thursday 1 October 2026",
                     "Date of issue Friday 20 November 2026", "Appeal deadline Monday 21 December 2026",
                     "contacted the mediation adviser", "decided not to pursue mediation",
                     f"https://line.example.org/certificates/verify/{certificate.reference}"):
        assert expected in text, expected


def test_download_by_link_serves_the_pdf_and_unknown_links_get_404(office, client):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session)
        link = service.new_download_link(session, certificate)
    path = link.url.replace("https://line.example.org", "")
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert certificate.reference in _text(response.content)

    for guess in (path[:-1] + ("A" if path[-1] != "A" else "B"), "/certificates/download/" + certificate.reference,
                  "/certificates/download/1"):
        missing = client.get(guess)
        assert missing.status_code == 404 and "application/pdf" not in missing.headers["content-type"]


def test_verification_shows_valid_then_revoked_with_initials_and_council_only(office, client):
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session)
        link = service.new_download_link(session, certificate)
    page = client.get(f"/certificates/verify/{certificate.reference.lower()}")
    assert page.status_code == 200
    assert "Valid certificate" in page.text and "J. S." in page.text and "S. S." in page.text and "Kent" in page.text
    assert "Jane" not in page.text and "Sam" not in page.text and "Smith" not in page.text
    assert not re.search(r"https?://(?!line\.example\.org)", page.text)  # no third-party assets
    api = client.get(f"/api/v1/certificates/{certificate.reference}/status").json()
    assert api == {"status": "valid", "reference": certificate.reference, "message": api["message"],
                   "requester_initials": "J. S.", "child_initials": "S. S.", "local_authority": "Kent",
                   "issued_on": "2026-11-20", "revoked_on": None}

    with session_scope(office.database_url) as session:
        service.revoke_certificate(session, certificate.reference, reason="issued in error", by="mediator.anne")
    page = client.get(f"/certificates/verify/{certificate.reference}")
    assert page.status_code == 200 and "Revoked certificate" in page.text and "no longer valid" in page.text
    assert "issued in error" not in page.text
    assert client.get(f"/api/v1/certificates/{certificate.reference}/status").json()["status"] == "revoked"
    # A revoked certificate is no longer handed out.
    assert client.get(link.url.replace("https://line.example.org", "")).status_code == 410


def test_unknown_and_mistyped_references_are_told_apart(office, client):
    with session_scope(office.database_url) as session:
        reference = issue_not_pursuing(session).reference
    unknown = next(r for r in (service.new_reference() for _ in range(10)) if r != reference)
    page = client.get(f"/certificates/verify/{unknown}")
    assert page.status_code == 404 and "Unknown reference" in page.text and "not issued by this service" in page.text
    assert client.get(f"/api/v1/certificates/{unknown}/status").json()["status"] == "unknown"

    slip = reference[:-2] + reference[-1] + reference[-2]  # last two swapped
    if slip == reference:
        slip = reference[:-1] + ("A" if reference[-1] != "A" else "B")
    page = client.get(f"/certificates/verify/{slip}")
    assert page.status_code == 422 and "This reference is mistyped" in page.text
    assert client.get(f"/api/v1/certificates/{slip}/status").json()["status"] == "mistyped"


def test_the_form_page_checks_what_is_typed(office, client):
    with session_scope(office.database_url) as session:
        reference = issue_not_pursuing(session).reference
    empty = client.get("/certificates/verify")
    assert empty.status_code == 200 and '<label for="reference">' in empty.text and 'lang="en-GB"' in empty.text
    typed = client.get("/certificates/verify", params={"reference": reference.replace("-", " ").lower()})
    assert typed.status_code == 200 and "Valid certificate" in typed.text
    escaped = client.get("/certificates/verify", params={"reference": "<script>alert(1)</script>"})
    assert escaped.status_code == 422 and "<script>alert" not in escaped.text


def test_the_date_of_issue_is_the_date_in_the_uk(office):
    import datetime as dt

    # 23:30 UTC on 31 May is 00:30 on 1 June in London (summer time): the certificate says 1 June.
    with session_scope(office.database_url) as session:
        certificate = issue_not_pursuing(session, now=dt.datetime(2026, 5, 31, 23, 30),
                                         decision_date=dt.date(2026, 5, 1))
    assert certificate.issued_on == dt.date(2026, 6, 1)

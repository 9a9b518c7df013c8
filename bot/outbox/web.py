"""The page an SMS links to when an answer is too long for 3 texts: the whole answer, plain.

Mounted under the phone line's routes (telephony.web), at bot.outbox.service.FULL_ANSWER_PATH.
"""

from __future__ import annotations

import html
import re

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse

from bot.database import session_scope
from bot.outbox.models import FullAnswer
from bot.settings import get_settings

router = APIRouter(tags=["texts"])
TOKEN = re.compile(r"^[A-Za-z0-9_-]{10,32}$")
LINK = re.compile(r"(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)])")

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Your answer - {service}</title>
<style>body{{font-family:Arial,sans-serif;font-size:1.1875rem;line-height:1.5;color:#0b0c0c;max-width:40em;
margin:0 auto;padding:1em}}h1{{font-size:2rem}}a{{color:#1d70b8}}a:focus{{outline:3px solid #fd0;
background:#fd0;color:#0b0c0c}}</style></head>
<body><main id="main-content"><h1>Your answer</h1>
{paragraphs}
<p>From the {service} by text message. Reply to our text to ask something else.</p></main></body></html>"""


def _paragraph(text: str) -> str:
    escaped = html.escape(text)
    return "<p>" + LINK.sub(lambda match: f'<a href="{match.group(1)}">{match.group(1)}</a>', escaped) + "</p>"


@router.get("/texts/{token}", response_class=HTMLResponse)
def full_answer(token: str) -> HTMLResponse:
    if not TOKEN.match(token):
        raise HTTPException(status_code=404, detail="No such answer")
    with session_scope() as session:
        row = session.get(FullAnswer, token)
        body = row.body if row is not None else None
    if body is None:
        raise HTTPException(status_code=404, detail="This answer has expired or does not exist")
    paragraphs = "\n".join(_paragraph(line) for line in body.splitlines() if line.strip())
    page = PAGE.format(service=html.escape(get_settings().service_name), paragraphs=paragraphs)
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"})

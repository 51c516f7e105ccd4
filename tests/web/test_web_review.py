"""Review workflow: sign-in, CSRF, confirm/dismiss with a note, read-only desks, persistence."""

from __future__ import annotations

import re

from deskdata import NUMBER_SITE, T0, TOKEN, DeskData, csrf_of, sign_in
from starlette.testclient import TestClient

from drift.analyse import analyse_copy
from storage import Store


def _finding_ids(client: TestClient, copy_id: int) -> list[int]:
    html = client.get(f"/copies/{copy_id}").text
    return [int(n) for n in re.findall(r'<li id="finding-(\d+)"', html)]


def _dismiss(client: TestClient, finding_id: int, csrf: str, **extra: str) -> object:
    data = {"csrf_token": csrf, "state": "dismissed", "note": "rounding, not a change", **extra}
    return client.post(f"/findings/{finding_id}/review", data=data, follow_redirects=False)


def test_dismiss_a_finding_with_a_note(client: TestClient, desk: DeskData) -> None:
    sign_in(client, "Ana")
    copy_id = desk.copy_ids[NUMBER_SITE]
    fid = _finding_ids(client, copy_id)[0]
    r = _dismiss(client, fid, csrf_of(client, f"/copies/{copy_id}"))
    assert r.status_code == 303
    assert r.headers["location"] == f"/copies/{copy_id}#finding-{fid}"
    page = client.get(f"/copies/{copy_id}").text
    item = page.split(f'<li id="finding-{fid}"', 1)[1].split("</li>", 1)[0]
    assert 'class="rv rv-dismissed"' in item
    assert "dismissed by Ana on 2026-11-24 12:00 UTC" in item
    assert "rounding, not a change" in item
    assert "Review history" in page


def test_review_state_appears_in_the_json_report(client: TestClient, desk: DeskData) -> None:
    sign_in(client)
    fid = _finding_ids(client, desk.copy_ids[NUMBER_SITE])[0]
    _dismiss(client, fid, csrf_of(client))
    report = client.get("/api/report").json()
    findings = [f for s in report["stories"] for c in s["copies"] for f in c["findings"]]
    assert {f["review"] for f in findings if f["id"] == fid} == {"dismissed"}
    assert {f["review"] for f in findings if f["id"] != fid} == {"open"}


def test_dismissed_finding_stays_dismissed_when_found_again(
    client: TestClient, desk: DeskData, desk_store: Store
) -> None:
    sign_in(client)
    copy_id = desk.copy_ids[NUMBER_SITE]
    fid = _finding_ids(client, copy_id)[0]
    _dismiss(client, fid, csrf_of(client))
    copy = desk_store.get_copy(copy_id)
    story = desk_store.get_story(desk.story_id)
    snap = desk_store.latest_snapshot(copy.url)
    analysis = analyse_copy(story.article, snap.article)  # the same drift, found again
    desk_store.record_analysis(
        desk.story_id, copy.url, snapshot_id=snap.id, analysis=analysis,
        discovered_via="url", title=copy.title, now=T0.replace(hour=18),
    )  # fmt: skip
    again = {f.id: f.review for f in desk_store.get_copy(copy_id).findings}
    assert again[fid] == "dismissed"


def test_confirm_a_whole_copy(client: TestClient, desk: DeskData) -> None:
    sign_in(client, "Bo")
    copy_id = desk.copy_ids["metro"]
    data = {"csrf_token": csrf_of(client), "state": "confirmed", "note": "clear rip-off"}
    r = client.post(f"/copies/{copy_id}/review", data=data, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/copies/{copy_id}").text
    assert "confirmed by Bo" in page
    story = client.get(f"/stories/s_{desk.story_id:02d}", params={"review": "confirmed"}).text
    assert "<strong>1</strong> copy" in story


def test_review_without_csrf_token_is_refused(client: TestClient, desk: DeskData) -> None:
    sign_in(client)
    fid = _finding_ids(client, desk.copy_ids[NUMBER_SITE])[0]
    assert _dismiss(client, fid, "forged").status_code == 403
    assert 'class="rv rv-open"' in client.get(f"/copies/{desk.copy_ids[NUMBER_SITE]}").text


def test_cross_origin_post_is_refused_even_with_the_token(
    client: TestClient, desk: DeskData
) -> None:
    sign_in(client)
    fid = _finding_ids(client, desk.copy_ids[NUMBER_SITE])[0]
    csrf = csrf_of(client)
    r = client.post(
        f"/findings/{fid}/review",
        data={"csrf_token": csrf, "state": "dismissed"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    r = client.post(
        f"/findings/{fid}/review",
        data={"csrf_token": csrf, "state": "dismissed"},
        headers={"Sec-Fetch-Site": "cross-site"},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_not_signed_in_cannot_review(client: TestClient, desk: DeskData) -> None:
    fid = _finding_ids(client, desk.copy_ids[NUMBER_SITE])[0]
    r = _dismiss(client, fid, csrf_of(client, "/login"))
    assert r.status_code == 403
    assert "Sign in" in r.text
    assert "Confirm</button>" not in client.get(f"/copies/{desk.copy_ids[NUMBER_SITE]}").text


def test_wrong_token_does_not_sign_in(client: TestClient) -> None:
    csrf = csrf_of(client, "/login")
    r = client.post("/login", data={"csrf_token": csrf, "token": "guess", "name": "Eve"})
    assert r.status_code == 403
    assert "not right" in r.text
    assert "Signed in as" not in client.get("/").text


def test_sign_in_and_out(client: TestClient) -> None:
    sign_in(client, "Ana <b>")
    assert "Signed in as <strong>Ana &lt;b&gt;</strong>" in client.get("/").text
    r = client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert "Sign in to review" in client.get("/").text


def test_read_only_desk_says_so_and_refuses_writes(
    readonly_client: TestClient, desk: DeskData
) -> None:
    home = readonly_client.get("/").text
    assert "read-only" in home
    assert "SYNDIWATCH_WEB_TOKEN" in home
    fid = _finding_ids(readonly_client, desk.copy_ids[NUMBER_SITE])[0]
    assert "csrf_token" not in readonly_client.get(f"/copies/{desk.copy_ids[NUMBER_SITE]}").text
    assert _dismiss(readonly_client, fid, "any").status_code == 403
    r = readonly_client.post("/login", data={"csrf_token": "any", "token": TOKEN, "name": "x"})
    assert r.status_code == 403
    api = readonly_client.post(
        f"/api/findings/{fid}/review", json={"state": "dismissed"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )  # fmt: skip
    assert api.status_code == 403


def test_unknown_finding_review_is_404(client: TestClient) -> None:
    sign_in(client)
    assert _dismiss(client, 987654, csrf_of(client)).status_code == 404

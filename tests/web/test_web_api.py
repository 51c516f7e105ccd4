"""The JSON API and the CSV/JSON exports of the current filtered view."""

from __future__ import annotations

import csv
import io

from deskdata import NUMBER_SITE, TOKEN, DeskData, csrf_of, sign_in
from starlette.testclient import TestClient

BEARER = {"Authorization": f"Bearer {TOKEN}"}


def test_api_stories_and_story(client: TestClient, desk: DeskData) -> None:
    stories = client.get("/api/stories").json()["stories"]
    assert [s["id"] for s in stories] == [f"s_{desk.story_id:02d}"]
    assert stories[0]["copies"] == len(desk.copy_ids)
    assert sum(stories[0]["by_severity"].values()) == len(desk.copy_ids)
    assert client.get("/api/stories", params={"q": "zebra"}).json() == {"stories": []}
    story = client.get(f"/api/stories/s_{desk.story_id:02d}").json()
    assert story["publisher"] == "The Harbour Ledger"
    assert "copies" not in story


def test_api_copies_filter_and_page(client: TestClient, desk: DeskData) -> None:
    path = f"/api/stories/s_{desk.story_id:02d}/copies"
    data = client.get(path, params={"code": "content.number_changed"}).json()
    assert data["total"] == 1
    [copy] = data["copies"]
    assert copy["id"] == desk.copy_ids[NUMBER_SITE]
    assert copy["review"] == "open"
    assert {f["code"] for f in copy["findings"]} >= {"content.number_changed"}
    page = client.get(path, params={"per_page": 3, "page": 2, "sort": "score"}).json()
    assert (page["total"], page["page"], len(page["copies"])) == (len(desk.copy_ids), 2, 3)
    assert client.get(path, params={"severity": "extreme"}).status_code == 400
    assert client.get(path, params={"severity": "extreme"}).json()["error"].startswith("severity")


def test_api_copy_detail_has_alignment_and_attribution(client: TestClient, desk: DeskData) -> None:
    data = client.get(f"/api/copies/{desk.copy_ids[NUMBER_SITE]}").json()
    marks = {
        seg["text"]
        for row in data["alignment"]
        for seg in (row["copy"] or [])
        if "m-number" in seg["marks"]
    }
    assert "28,000" in marks
    assert [a["label"] for a in data["attribution"]][:2] == ["Publisher", "Byline"]
    assert data["history"]["copy"]
    assert client.get("/api/copies/424242").status_code == 404


def test_ids_beyond_any_row_are_not_found(client: TestClient) -> None:
    # Ids are 32-bit on PostgreSQL, which refuses a larger literal rather than matching nothing.
    big = 2**31
    for path in (
        f"/api/stories/s_{big}", f"/api/stories/s_{big}/copies", f"/api/copies/{big}",
        f"/stories/s_{big}", f"/copies/{big}", f"/api/report?story=s_{big}",
    ):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_api_review_with_bearer_token(client: TestClient, desk: DeskData) -> None:
    copy = client.get(f"/api/copies/{desk.copy_ids[NUMBER_SITE]}").json()["copy"]
    fid = copy["findings"][0]["id"]
    r = client.post(
        f"/api/findings/{fid}/review",
        json={"state": "dismissed", "note": "ok", "by": "bot"},
        headers=BEARER,
    )
    assert r.status_code == 200
    assert (r.json()["review"], r.json()["reviewed_by"], r.json()["review_note"]) == (
        "dismissed", "bot", "ok",
    )  # fmt: skip
    r = client.post(f"/api/copies/{copy['id']}/review", json={"state": "confirmed"}, headers=BEARER)
    assert r.json()["review"] == "confirmed"


def test_api_review_needs_credentials(client: TestClient, desk: DeskData) -> None:
    path = f"/api/copies/{desk.copy_ids[NUMBER_SITE]}/review"
    assert client.post(path, json={"state": "confirmed"}).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post(path, json={"state": "confirmed"}, headers=wrong).status_code == 401
    # A signed-in session alone is not enough: the CSRF header must come with it.
    sign_in(client)
    assert client.post(path, json={"state": "confirmed"}).status_code == 401
    headers = {"X-CSRF-Token": csrf_of(client)}
    assert client.post(path, json={"state": "confirmed"}, headers=headers).status_code == 200


def test_api_review_rejects_bad_bodies(client: TestClient, desk: DeskData) -> None:
    path = f"/api/copies/{desk.copy_ids[NUMBER_SITE]}/review"
    for body in (b"not json", b"[1]", b'{"state": "maybe"}', b'{"state": "open", "note": 5}'):
        r = client.post(path, content=body, headers={**BEARER, "Content-Type": "application/json"})
        assert r.status_code == 400, body
    big = b'{"state": "open", "note": "' + b"x" * 20000 + b'"}'
    assert client.post(path, content=big, headers=BEARER).status_code == 413


def test_api_runs_and_report(client: TestClient, desk: DeskData) -> None:
    assert client.get("/api/runs").json() == {"runs": [], "sources": []}
    report = client.get("/api/report", params={"story": f"s_{desk.story_id:02d}"}).json()
    assert report["schema"] == "syndiwatch.report/1"
    assert len(report["stories"][0]["copies"]) == len(desk.copy_ids)
    assert client.get("/api/report", params={"story": "s_77"}).status_code == 404


def test_csv_export_of_the_filtered_view(client: TestClient, desk: DeskData) -> None:
    r = client.get(
        f"/stories/s_{desk.story_id:02d}/export.csv", params={"code": "content.number_changed"}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["domain"] for row in rows} == {"127.0.0.1"}
    assert "content.number_changed" in {row["code"] for row in rows}
    assert len({row["copy_url"] for row in rows}) == 1


def test_json_export_of_the_filtered_view(client: TestClient, desk: DeskData) -> None:
    r = client.get(f"/stories/s_{desk.story_id:02d}/export.json", params={"severity": "medium"})
    data = r.json()
    copies = data["stories"][0]["copies"]
    assert copies
    assert {c["severity"] for c in copies} == {"medium"}
    assert all("review" in c and "id" in c for c in copies)
    everything = client.get(f"/stories/s_{desk.story_id:02d}/export.json").json()
    assert len(everything["stories"][0]["copies"]) == len(desk.copy_ids)
